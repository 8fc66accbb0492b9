#include "mcugen_prelu.h"

#include "mcugen_broadcast.h"
#include "mcugen_common.h"

/* One output element: centred int8 values are at most 255 in magnitude, their product below 2^16. */
static inline int8_t prelu_element(const mcugen_prelu_params *params, int32_t value, int32_t alpha)
{
    const int32_t centred = value + params->input_offset;
    const int32_t scaled = centred >= 0
        ? mcugen_requantize_nonnegative(centred, params->identity_multiplier, params->identity_shift)
        : mcugen_requantize_nonnegative(centred * (alpha + params->alpha_offset), params->alpha_multiplier,
                                        params->alpha_shift);
    return (int8_t)mcugen_clamp_s32(scaled + params->output_offset, INT8_MIN, INT8_MAX);
}

void mcugen_prelu_s8(const mcugen_prelu_params *params, const int8_t *input, const int8_t *alpha, int8_t *output)
{
    const mcugen_prelu_params local = *params;
    MCUGEN_BROADCAST_WALK(&local.walk, prelu_element, &local, input, alpha, output);
}
