/**
 * @file mcugen_fully_connected_s16.h
 * @brief FULLY_CONNECTED with int16 activations and int8 weights ("16x8"), int64 or int32 bias.
 */
#ifndef MCUGEN_FULLY_CONNECTED_S16_H
#define MCUGEN_FULLY_CONNECTED_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Shapes and clamp bounds of one 16x8 fully connected layer. */
typedef struct {
    int32_t batches;        /**< rows of the input */
    int32_t input_depth;    /**< features per row (the weights' second dimension) */
    int32_t output_depth;   /**< output features (the weights' first dimension) */
    int32_t wide;           /**< 1: int64 accumulator (int64 bias); 0: int32 accumulator (int32 bias) */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_fully_connected_s16_params;

/**
 * @brief output[b, o] = clamp(requantize_o(bias[o] + sum_i weights[o, i] * input[b, i])); activations are
 *        symmetric (zero point 0).
 *
 * @param[in]  params       shapes, see mcugen_fully_connected_s16_params
 * @param[in]  multipliers  int32 [output_depth] Q31 multipliers (a per-tensor layer repeats its one)
 * @param[in]  shifts       int32 [output_depth] shifts (positive = left)
 * @param[in]  input        int16 [batches, input_depth]
 * @param[in]  weights      int8 [output_depth, input_depth]
 * @param[in]  bias         int64 [output_depth], never NULL (zeros for a model without a bias)
 * @param[out] output       int16 [batches, output_depth]
 */
void mcugen_fully_connected_s16(const mcugen_fully_connected_s16_params *params, const int32_t *multipliers,
                                const int32_t *shifts, const int16_t *input, const int8_t *weights,
                                const int64_t *bias, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_FULLY_CONNECTED_S16_H */
