/**
 * @file mcugen_arm_depthwise_conv2d_mult1_s8.h
 * @brief DEPTHWISE_CONV_2D with depth multiplier 1 on int8 tensors for Cortex-M cores with the DSP extension:
 *        four channels per pass over the window, one word load and two sign extensions per tap, one multiply-
 *        accumulate instruction per MAC (SMLABB / SMLATT against int16 weights laid out at compile time).
 *
 * Per output pixel a table of where each tap reads is built once in scratch: a pixel of the input, or, for a tap
 * in the padding, a row of `depth` bytes holding the input zero point (pad_value). With the input offset folded
 * into the bias such a tap contributes nothing, as in TFLite Micro, which skips it; the channel loops then need
 * no bounds checks.
 */
#ifndef MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_S8_H
#define MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_S8_H

#include <stdint.h>

/** Bytes of scratch the kernel needs, 4-byte aligned: the tap table and the padding row. */
#define MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_SCRATCH(taps, depth) (4 * (taps) + 4 * (((depth) + 3) / 4))

/** Shapes (NHWC), window and output quantization of one layer, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t depth;          /**< input and output channels */
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_top;
    int32_t pad_left;
    int32_t pad_value;      /**< the input zero point */
    int32_t output_offset;  /**< the output zero point */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_arm_depthwise_conv2d_mult1_params;

/**
 * @brief output[b, y, x, c] = clamp(requantize_c(bias[c] + sum over the window of filter[ky, kx, c] *
 *        input[b, y * stride + ky * dilation - pad, ..., c]) + output_zero_point), padded taps reading the input
 *        zero point.
 *
 * Everything per channel comes in one stream of int32 words, in the order the kernel reads it, laid out at compile
 * time (mcugen/kernels/arm/arm_dsp.py, depthwise_mult1_blocks). Accumulators are doubled: the stream holds
 * 2 * bias and 2 * filter, so that SMMULR takes the accumulator as it is. With T = filter_height * filter_width taps
 * in (ky, kx) order:
 * - for each group of four channels c..c+3 (depth / 4 groups): 4 words 2 * bias[c + r] (the bias with
 *   input_offset * sum(filter[.., c + r]) folded in); for each tap t the int16 halves (2 * filter[t, c] low,
 *   2 * filter[t, c + 2] high), then (2 * filter[t, c + 1], 2 * filter[t, c + 3]); 4 Q31 multipliers; 4 pre-shifts
 *   (the rounding right shift minus 1, in [0, 30]);
 * - then for each remaining channel (depth % 4): 2 * bias, its T values 2 * filter, multiplier, pre-shift.
 * Every doubled accumulator stays below 2^31 in magnitude (mcugen_arm_common.h: |acc| < 2^30).
 *
 * Requantization: mcugen_arm_requantize_doubled_s8 (mcugen_arm_common.h), then the clamp to the activation
 * bounds, four channels at a time.
 *
 * Order of accesses (what the compile-time overlap of output and input rests on): pixel after pixel; within a
 * pixel, each group of four channels reads its valid taps (4 bytes from channel c at each) and then writes its
 * four outputs; each remaining channel reads its valid taps and then writes its output.
 *
 * @param[in]  params   shapes, see mcugen_arm_depthwise_conv2d_mult1_params
 * @param[in]  input    int8 [batches, input_height, input_width, depth]
 * @param[in]  blocks   int32 words, as above, 4-byte aligned
 * @param[out] output   int8 [batches, output_height, output_width, depth]
 * @param      scratch  MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_SCRATCH(T, depth) bytes, 4-byte aligned
 */
void mcugen_arm_depthwise_conv2d_mult1_s8(const mcugen_arm_depthwise_conv2d_mult1_params *params,
                                          const int8_t *input, const int32_t *blocks, int8_t *output,
                                          void *scratch);

#endif /* MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_S8_H */
