/**
 * @file mcugen_softmax_s16.h
 * @brief SOFTMAX int16 -> int16 along the last dimension, with TFLite Micro's interpolated exp and reciprocal
 *        tables (computed at compile time, mcugen/ops/lut16.py).
 */
#ifndef MCUGEN_SOFTMAX_S16_H
#define MCUGEN_SOFTMAX_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCUGEN_LUT_S16_SIZE 513 /**< 512 interpolation steps and the end point */

typedef struct {
    int32_t rows;             /**< number of softmax rows (all dimensions but the last) */
    int32_t depth;            /**< last dimension */
    int32_t input_multiplier; /**< Q31 mantissa of input_scale * beta / (10 / 65535) */
    int32_t input_shift;      /**< its power-of-two exponent, positive = left */
} mcugen_softmax_s16_params;

/**
 * @brief output[r, c] = softmax of row r in Q0.15 (output scale 1/32768, zero point 0).
 *
 * Each difference from the row's maximum is scaled so that [-65535, 0] covers [-10, 0], looked up in the exp
 * table, the Q0.15 exponentials summed; the reciprocal of the sum comes from the 1 / (1 + x) table after
 * normalising the sum, and each output is exponential * reciprocal, rounded, in [0, 32767].
 *
 * @param[in]  params      see mcugen_softmax_s16_params
 * @param[in]  exp_table   int16 [MCUGEN_LUT_S16_SIZE]: exp over [-10, 0] in Q0.15
 * @param[in]  reciprocal_table  int16 [MCUGEN_LUT_S16_SIZE]: 1 / (1 + x) over [0, 1] in Q0.15
 * @param[in]  input       int16 [rows, depth]
 * @param[out] output      int16 [rows, depth] (may not overlap the input)
 */
void mcugen_softmax_s16(const mcugen_softmax_s16_params *params, const int16_t *exp_table,
                        const int16_t *reciprocal_table, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_SOFTMAX_S16_H */
