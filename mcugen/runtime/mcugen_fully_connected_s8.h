/**
 * @file mcugen_fully_connected_s8.h
 * @brief FULLY_CONNECTED on int8 tensors with int8 weights (per-channel or per-tensor) and int32 bias.
 */
#ifndef MCUGEN_FULLY_CONNECTED_S8_H
#define MCUGEN_FULLY_CONNECTED_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sizes, offsets and clamp bounds of one fully connected layer, all computed at compile time. */
typedef struct {
    int32_t batches;        /**< rows of the input: its size / input_depth */
    int32_t input_depth;    /**< features per row (the weights' inner dimension) */
    int32_t output_depth;   /**< output features (the weights' outer dimension) */
    int32_t output_offset;  /**< the output zero point */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_fully_connected_params;

/**
 * @brief Matrix times vector for each row: output[b, o] = clamp(requantize_o(bias[o] + sum_i weights[o, i] *
 *        (input[b, i] - input_zero_point)) + output_zero_point).
 *
 * @param[in]  params       sizes, see mcugen_fully_connected_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers (all equal when per-tensor)
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int8 [batches, input_depth]
 * @param[in]  weights      int8 [output_depth, input_depth]
 * @param[in]  bias         int32 [output_depth], never NULL: the bias with the input offset folded in,
 *                          bias[o] + input_offset * sum(weights[o]) (see mcugen/ops/fully_connected.py)
 * @param[out] output       int8 [batches, output_depth]
 */
void mcugen_fully_connected_s8(const mcugen_fully_connected_params *params, const int32_t *multipliers,
                               const int32_t *shifts, const int8_t *input, const int8_t *weights,
                               const int32_t *bias, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_FULLY_CONNECTED_S8_H */
