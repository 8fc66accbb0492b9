#include "mcugen_add_s16.h"

#include "mcugen_add_s8.h"
#include "mcugen_broadcast.h"
#include "mcugen_common.h"

/* One output element: |centred value| <= 65535, shifted left by 15 bits stays below 2^31, each scaled input at
 * most half of that. */
static inline int16_t add_element_s16(const mcugen_add_params *params, int32_t value1, int32_t value2)
{
    const int32_t shifted1 = (value1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (value2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const int32_t scaled1 = mcugen_requantize_nonnegative(shifted1, params->input1_multiplier, params->input1_shift);
    const int32_t scaled2 = mcugen_requantize_nonnegative(shifted2, params->input2_multiplier, params->input2_shift);
    const int32_t scaled = mcugen_requantize_nonnegative(scaled1 + scaled2, params->output_multiplier,
                                                         params->output_shift);
    return (int16_t)mcugen_clamp_s32(scaled + params->output_offset, params->activation_min,
                                     params->activation_max);
}

void mcugen_add_s16(const mcugen_add_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output)
{
    const mcugen_add_params local = *params;
    /* mcugen_add_params names its walk fields as mcugen_broadcast does. */
    MCUGEN_BROADCAST_WALK(&local, add_element_s16, &local, input1, input2, output);
}
