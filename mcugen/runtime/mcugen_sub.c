#include "mcugen_sub.h"

#include "mcugen_broadcast.h"
#include "mcugen_common.h"

/* One output element. A centred input (|value| <= 255 for int8, <= 65535 for int16) shifted left by 20 (15)
 * bits stays below 2^31; each scaled input is at most half of that, so the difference fits as well. */
static inline int32_t sub_element(const mcugen_sub_params *params, int32_t value1, int32_t value2)
{
    const int32_t shifted1 = (value1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (value2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const int32_t scaled1 = mcugen_requantize_nonnegative(shifted1, params->input1_multiplier, params->input1_shift);
    const int32_t scaled2 = mcugen_requantize_nonnegative(shifted2, params->input2_multiplier, params->input2_shift);
    const int32_t scaled = mcugen_requantize_nonnegative(scaled1 - scaled2, params->output_multiplier,
                                                         params->output_shift);
    return mcugen_clamp_s32(scaled + params->output_offset, params->activation_min, params->activation_max);
}

void mcugen_sub_s8(const mcugen_sub_params *params, const int8_t *input1, const int8_t *input2, int8_t *output)
{
    const mcugen_sub_params local = *params;
#define SUB_S8(p, a, b) ((int8_t)sub_element((p), (a), (b)))
    MCUGEN_BROADCAST_WALK(&local.walk, SUB_S8, &local, input1, input2, output);
#undef SUB_S8
}

void mcugen_sub_s16(const mcugen_sub_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output)
{
    const mcugen_sub_params local = *params;
#define SUB_S16(p, a, b) ((int16_t)sub_element((p), (a), (b)))
    MCUGEN_BROADCAST_WALK(&local.walk, SUB_S16, &local, input1, input2, output);
#undef SUB_S16
}
