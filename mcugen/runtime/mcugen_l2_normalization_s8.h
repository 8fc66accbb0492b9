/**
 * @file mcugen_l2_normalization_s8.h
 * @brief L2_NORMALIZATION of int8 rows, in TFLite Micro's fixed-point arithmetic.
 */
#ifndef MCUGEN_L2_NORMALIZATION_S8_H
#define MCUGEN_L2_NORMALIZATION_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t rows;             /**< all dimensions but the last */
    int32_t depth;            /**< last dimension: the values normalised together (below 2^16) */
    int32_t input_zero_point;
} mcugen_l2_normalization_s8_params;

/**
 * @brief output[r, c] = x[r, c] / sqrt(sum over the row of x^2) in scale 1/128, zero point 0, where
 *        x = input - input_zero_point; the inverse square root is the reference's Newton-Raphson one in Q3.28.
 *
 * @param[in]  params  see mcugen_l2_normalization_s8_params
 * @param[in]  input   int8 [rows, depth]
 * @param[out] output  int8 [rows, depth] (may be the input: each row is read in full before it is written)
 */
void mcugen_l2_normalization_s8(const mcugen_l2_normalization_s8_params *params, const int8_t *input,
                                int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_L2_NORMALIZATION_S8_H */
