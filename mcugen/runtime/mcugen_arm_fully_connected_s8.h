/**
 * @file mcugen_arm_fully_connected_s8.h
 * @brief FULLY_CONNECTED on int8 tensors (and 1x1 convolutions, a fully connected layer over the pixels) for
 *        Cortex-M cores with the DSP extension: four output features per pass over the input, each input word
 *        loaded and sign-extended once for all four.
 */
#ifndef MCUGEN_ARM_FULLY_CONNECTED_S8_H
#define MCUGEN_ARM_FULLY_CONNECTED_S8_H

#include <stdint.h>

/** Sizes, offsets and clamp bounds of one fully connected layer, all computed at compile time. */
typedef struct {
    int32_t batches;        /**< rows of the input: its size / input_depth */
    int32_t input_depth;    /**< features per row (the weights' inner dimension) */
    int32_t output_depth;   /**< output features (the weights' outer dimension) */
    int32_t output_offset;  /**< the output zero point */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_arm_fully_connected_params;

/**
 * @brief output[b, o] = clamp(requantize_o(bias[o] + sum_i weights[o, i] * input[b, i]) + output_zero_point),
 *        the input offset being folded into the bias.
 *
 * Weights are blocked at compile time (mcugen/kernels/arm/arm_dsp.py, fully_connected_blocks), with
 * D = input_depth, D4 = D / 4 and t = D % 4:
 * - each group of four output features o..o+3 (output_depth / 4 groups): D4 blocks of 16 bytes, block j holding
 *   the words weights[o + r, 4j .. 4j+3] for r = 0..3, then, when t > 0, 16 bytes: for r = 0..3 the last t weights
 *   of feature o + r, zero-padded to 4 bytes;
 * - then each remaining feature (output_depth % 4 of them): its D weights zero-padded to a multiple of 4 bytes.
 * The array is 4-byte aligned.
 *
 * `channels` holds what each feature needs besides weights, in the order the kernel reads it (arm_dsp.py,
 * fully_connected_channels): per group of four features their 4 biases (bias[o] + input_offset * sum(weights[o]);
 * every accumulator stays below 2^30 in magnitude, mcugen_arm_common.h), 4 Q31 multipliers and 4 pre-shifts (the
 * rounding right shift minus 1, in [0, 30]); then per remaining feature its bias, multiplier and pre-shift.
 * Requantization: mcugen_arm_requantize_doubled_s8, then the clamp to the activation bounds.
 *
 * Order of accesses: row after row; each group of four features reads the whole row, then writes its outputs.
 *
 * @param[in]  params    sizes, see mcugen_arm_fully_connected_params
 * @param[in]  input     int8 [batches, input_depth]
 * @param[in]  weights   int8, blocked as above
 * @param[in]  channels  int32, as above
 * @param[out] output    int8 [batches, output_depth]
 */
void mcugen_arm_fully_connected_s8(const mcugen_arm_fully_connected_params *params, const int8_t *input,
                                   const int8_t *weights, const int32_t *channels, int8_t *output);

#endif /* MCUGEN_ARM_FULLY_CONNECTED_S8_H */
