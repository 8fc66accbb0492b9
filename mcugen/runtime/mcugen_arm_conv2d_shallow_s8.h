/**
 * @file mcugen_arm_conv2d_shallow_s8.h
 * @brief CONV_2D with a shallow input (a few channels, e.g. a model's first layer) for Cortex-M cores with the DSP
 *        extension; also DEPTHWISE_CONV_2D of a one-channel input, which is the convolution with `multiplier`
 *        output channels.
 *
 * Per output pixel the window (all taps, padded taps set to the input zero point) is gathered once into int16
 * scratch; then four output channels at a time take dot products with int16 weights, two taps per SMLAD. The
 * weights are widened to int16 at compile time, which only doubles small filters.
 */
#ifndef MCUGEN_ARM_CONV2D_SHALLOW_S8_H
#define MCUGEN_ARM_CONV2D_SHALLOW_S8_H

#include <stdint.h>

/** Shapes (NHWC), window and output quantization of one layer, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_top;
    int32_t pad_left;
    int32_t pad_value;      /**< the input zero point: with the input offset folded into the bias, a padded tap
                                 holding it contributes nothing */
    int32_t output_offset;  /**< the output zero point */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_arm_conv2d_shallow_params;

/** Bytes of int16 scratch the kernel needs: the window of one pixel, rounded up to an even number of taps. */
#define MCUGEN_ARM_CONV2D_SHALLOW_SCRATCH(taps) (4 * (((taps) + 1) / 2))

/**
 * @brief output[b, y, x, o] = clamp(requantize_o(bias[o] + sum over the window of weights[o, ky, kx, c] *
 *        input[b, y * stride + ky * dilation - pad, ..., c]) + output_zero_point), padded taps reading the input
 *        zero point.
 *
 * With K = filter_height * filter_width * input_depth taps (in (ky, kx, c) order) and P = (K + 1) / 2 pairs of
 * taps, `weights` holds int16 pairs as int32 words (tap 2p in the low half, 2p + 1 in the high half, a missing
 * last tap 0), blocked at compile time (mcugen/kernels/arm/arm_dsp.py, shallow_weight_words):
 * - for each group of four output channels o..o+3: P blocks of four words, block p holding pair p of o + r;
 * - then for each remaining channel (output_depth % 4): its P words.
 *
 * @param[in]  params        shapes, see mcugen_arm_conv2d_shallow_params
 * @param[in]  multipliers   int32 [output_depth] Q31 requantization multipliers
 * @param[in]  right_shifts  int32 [output_depth] rounding right shifts, each in [1, 31]
 * @param[in]  input         int8 [batches, input_height, input_width, input_depth]
 * @param[in]  weights       int32 words of int16 pairs, as above
 * @param[in]  bias          int32 [output_depth]: bias[o] + input_offset * sum(weights[o]); every accumulator
 *                           stays below 2^30 in magnitude (mcugen_arm_common.h)
 * @param[out] output        int8 [batches, output_height, output_width, output_depth]
 * @param      scratch       MCUGEN_ARM_CONV2D_SHALLOW_SCRATCH(K) bytes, 4-byte aligned
 */
void mcugen_arm_conv2d_shallow_s8(const mcugen_arm_conv2d_shallow_params *params, const int32_t *multipliers,
                                  const int32_t *right_shifts, const int8_t *input, const int32_t *weights,
                                  const int32_t *bias, int8_t *output, void *scratch);

#endif /* MCUGEN_ARM_CONV2D_SHALLOW_S8_H */
