#include "mcugen_mul.h"

#include "mcugen_broadcast.h"
#include "mcugen_common.h"

/* One output element: |centred int8| <= 255, so the product fits easily; for int16 (offsets 0) it is at most
 * 2^30 in magnitude. */
static inline int32_t mul_element(const mcugen_mul_params *params, int32_t value1, int32_t value2)
{
    const int32_t product = (value1 + params->input1_offset) * (value2 + params->input2_offset);
    const int32_t scaled = mcugen_requantize_nonnegative(product, params->multiplier, params->shift);
    return mcugen_clamp_s32(scaled + params->output_offset, params->activation_min, params->activation_max);
}

void mcugen_mul_s8(const mcugen_mul_params *params, const int8_t *input1, const int8_t *input2, int8_t *output)
{
    const mcugen_mul_params local = *params;
#define MUL_S8(p, a, b) ((int8_t)mul_element((p), (a), (b)))
    MCUGEN_BROADCAST_WALK(&local.walk, MUL_S8, &local, input1, input2, output);
#undef MUL_S8
}

void mcugen_mul_s16(const mcugen_mul_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output)
{
    const mcugen_mul_params local = *params;
#define MUL_S16(p, a, b) ((int16_t)mul_element((p), (a), (b)))
    MCUGEN_BROADCAST_WALK(&local.walk, MUL_S16, &local, input1, input2, output);
#undef MUL_S16
}
