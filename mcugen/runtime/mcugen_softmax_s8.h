/**
 * @file mcugen_softmax_s8.h
 * @brief SOFTMAX int8 -> int8 along the innermost dimension.
 */
#ifndef MCUGEN_SOFTMAX_S8_H
#define MCUGEN_SOFTMAX_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Compile-time constants of one softmax. An input difference d = x - max(row) <= 0 (in input units) is scaled
 * to d * beta * input_scale in Q5.26 fixed point by (d << input_left_shift) times the Q31 input_multiplier;
 * differences below diff_min are too negative for their exponential to count and give the output minimum.
 */
typedef struct {
    int32_t rows;             /**< product of all dimensions but the last */
    int32_t depth;            /**< the last dimension, normalised over */
    int32_t input_multiplier;
    int32_t input_left_shift; /**< in [0, 31] */
    int32_t diff_min;         /**< <= 0 */
} mcugen_softmax_s8_params;

/**
 * @brief Quantized softmax with output scale 1/256 and zero point -128, computed entirely in fixed point:
 *        exp() on Q5.26 differences, the row sum in Q12.19, its reciprocal by Newton-Raphson.
 *
 * @param[in]  params  see mcugen_softmax_s8_params
 * @param[in]  input   int8 [rows, depth]
 * @param[out] output  int8 [rows, depth]; may be the input buffer (a row is read fully before it is written,
 *                     and each element is read before it is overwritten)
 */
void mcugen_softmax_s8(const mcugen_softmax_s8_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_SOFTMAX_S8_H */
