#include "mcugen_mean_s8.h"

#include "mcugen_common.h"

/* Sum of the int8 values under one output element: the reduced groups, walked from `base`. */
static int32_t reduced_sum(const mcugen_mean_params *params, const int8_t *base)
{
    const int32_t *shape = params->reduced_shape;
    const int32_t *stride = params->reduced_stride;
    int32_t sum = 0;
    for (int32_t r0 = 0; r0 < shape[0]; ++r0) {
        const int8_t *in0 = base + r0 * stride[0];
        for (int32_t r1 = 0; r1 < shape[1]; ++r1) {
            const int8_t *in1 = in0 + r1 * stride[1];
            for (int32_t r2 = 0; r2 < shape[2]; ++r2) {
                sum += in1[r2 * stride[2]];
            }
        }
    }
    return sum;
}

void mcugen_mean_s8(const mcugen_mean_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *shape = params->outer_shape;
    const int32_t *stride = params->outer_stride;
    for (int32_t k0 = 0; k0 < shape[0]; ++k0) {
        for (int32_t k1 = 0; k1 < shape[1]; ++k1) {
            for (int32_t k2 = 0; k2 < shape[2]; ++k2) {
                const int8_t *base = input + k0 * stride[0] + k1 * stride[1] + k2 * stride[2];
                const int32_t centred_sum = reduced_sum(params, base) + params->sum_offset;
                const int32_t mean =
                    mcugen_requantize(centred_sum, params->multiplier, params->shift) + params->output_zero_point;
                *output++ = (int8_t)mcugen_clamp_s32(mean, INT8_MIN, INT8_MAX);
            }
        }
    }
}
