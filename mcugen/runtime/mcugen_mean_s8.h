/**
 * @file mcugen_mean_s8.h
 * @brief MEAN of an int8 or int16 tensor over a set of axes.
 */
#ifndef MCUGEN_MEAN_S8_H
#define MCUGEN_MEAN_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCUGEN_MEAN_MAX_GROUPS 3

/**
 * The input dimensions grouped at compile time into kept groups (they index the output, in order) and reduced
 * groups (summed over), each with its size and its stride in input elements; unused groups have size 1.
 */
typedef struct {
    int32_t outer_shape[MCUGEN_MEAN_MAX_GROUPS];
    int32_t outer_stride[MCUGEN_MEAN_MAX_GROUPS];
    int32_t reduced_shape[MCUGEN_MEAN_MAX_GROUPS];
    int32_t reduced_stride[MCUGEN_MEAN_MAX_GROUPS];
    int32_t sum_offset;        /**< -input_zero_point * (elements per mean) */
    int32_t multiplier;        /**< Q31 mantissa of input_scale / output_scale / (elements per mean) */
    int32_t shift;             /**< its power-of-two exponent, positive = left */
    int32_t output_zero_point;
} mcugen_mean_params;

/**
 * @brief output = clamp(requantize(sum(input) + sum_offset, multiplier, shift) + output_zero_point, -128, 127)
 *        for every combination of the kept groups.
 *
 * The sum of n int8 values, centred, is bounded by 256 * n: int32 is exact for any n below 2^23.
 *
 * @param[in]  params  groups and scaling, see mcugen_mean_params
 * @param[in]  input   int8, row-major
 * @param[out] output  int8, the kept dimensions in input order
 */
void mcugen_mean_s8(const mcugen_mean_params *params, const int8_t *input, int8_t *output);

/** @brief mcugen_mean_s8 on int16 values (zero point 0), clamped to [-32768, 32767]; means of fewer than 2^16
 *         elements each. */
void mcugen_mean_s16(const mcugen_mean_params *params, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_MEAN_S8_H */
