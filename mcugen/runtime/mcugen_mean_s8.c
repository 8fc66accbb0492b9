#include "mcugen_mean_s8.h"

#include "mcugen_common.h"

/*
 * The mean of one element type: for every output element, the sum of the values under it (the reduced groups,
 * walked from its base; exact in int32 for int8 values, and for int16 values over fewer than 2^16 elements,
 * which mcugen checks at compile time), centred, rescaled and clamped to the type's range.
 */
#define MCUGEN_MEAN(name, type, low, high)                                                                     \
    void name(const mcugen_mean_params *params, const type *input, type *output)                                \
    {                                                                                                           \
        const int32_t *shape = params->outer_shape;                                                             \
        const int32_t *stride = params->outer_stride;                                                           \
        const int32_t *r_shape = params->reduced_shape;                                                         \
        const int32_t *r_stride = params->reduced_stride;                                                       \
        for (int32_t k0 = 0; k0 < shape[0]; ++k0) {                                                             \
            for (int32_t k1 = 0; k1 < shape[1]; ++k1) {                                                         \
                for (int32_t k2 = 0; k2 < shape[2]; ++k2) {                                                     \
                    const type *base = input + k0 * stride[0] + k1 * stride[1] + k2 * stride[2];                \
                    int32_t sum = params->sum_offset;                                                           \
                    for (int32_t r0 = 0; r0 < r_shape[0]; ++r0) {                                               \
                        for (int32_t r1 = 0; r1 < r_shape[1]; ++r1) {                                           \
                            const type *run = base + r0 * r_stride[0] + r1 * r_stride[1];                       \
                            for (int32_t r2 = 0; r2 < r_shape[2]; ++r2) {                                       \
                                sum += run[r2 * r_stride[2]];                                                   \
                            }                                                                                   \
                        }                                                                                       \
                    }                                                                                           \
                    const int32_t mean =                                                                        \
                        mcugen_requantize(sum, params->multiplier, params->shift) + params->output_zero_point;  \
                    *output++ = (type)mcugen_clamp_s32(mean, low, high);                                        \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
    }

MCUGEN_MEAN(mcugen_mean_s8, int8_t, INT8_MIN, INT8_MAX)
MCUGEN_MEAN(mcugen_mean_s16, int16_t, INT16_MIN, INT16_MAX)
