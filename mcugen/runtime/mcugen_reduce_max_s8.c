#include "mcugen_reduce_max_s8.h"

/* The largest int8 value under one output element: the reduced groups, walked from `base`. */
static int8_t reduced_max(const mcugen_reduce_max_params *params, const int8_t *base)
{
    const int32_t *shape = params->reduced_shape;
    const int32_t *stride = params->reduced_stride;
    int8_t largest = INT8_MIN;
    for (int32_t r0 = 0; r0 < shape[0]; ++r0) {
        const int8_t *in0 = base + r0 * stride[0];
        for (int32_t r1 = 0; r1 < shape[1]; ++r1) {
            const int8_t *in1 = in0 + r1 * stride[1];
            for (int32_t r2 = 0; r2 < shape[2]; ++r2) {
                const int8_t value = in1[r2 * stride[2]];
                largest = value > largest ? value : largest;
            }
        }
    }
    return largest;
}

void mcugen_reduce_max_s8(const mcugen_reduce_max_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *shape = params->outer_shape;
    const int32_t *stride = params->outer_stride;
    for (int32_t k0 = 0; k0 < shape[0]; ++k0) {
        for (int32_t k1 = 0; k1 < shape[1]; ++k1) {
            for (int32_t k2 = 0; k2 < shape[2]; ++k2) {
                *output++ = reduced_max(params, input + k0 * stride[0] + k1 * stride[1] + k2 * stride[2]);
            }
        }
    }
}
