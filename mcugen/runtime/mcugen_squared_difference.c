#include "mcugen_squared_difference.h"

#include "mcugen_broadcast.h"
#include "mcugen_common.h"

/* One output element. A centred input (|value| <= 255) shifted left by 7 is below 2^15 and each scaled input at
 * most half of that, so the difference is below 2^15 and its square below 2^30. */
static inline int8_t squared_difference_element(const mcugen_squared_difference_params *params,
                                                int32_t value1, int32_t value2)
{
    const int32_t shifted1 = (value1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (value2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const int32_t scaled1 = mcugen_requantize_nonnegative(shifted1, params->input1_multiplier, params->input1_shift);
    const int32_t scaled2 = mcugen_requantize_nonnegative(shifted2, params->input2_multiplier, params->input2_shift);
    const int32_t difference = scaled1 - scaled2;
    const int32_t scaled = mcugen_requantize_nonnegative(difference * difference, params->output_multiplier,
                                                         params->output_shift);
    return (int8_t)mcugen_clamp_s32(scaled + params->output_offset, INT8_MIN, INT8_MAX);
}

void mcugen_squared_difference_s8(const mcugen_squared_difference_params *params, const int8_t *input1,
                                  const int8_t *input2, int8_t *output)
{
    const mcugen_squared_difference_params local = *params;
    MCUGEN_BROADCAST_WALK(&local.walk, squared_difference_element, &local, input1, input2, output);
}
