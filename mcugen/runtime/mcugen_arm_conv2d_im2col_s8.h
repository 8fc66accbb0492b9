/**
 * @file mcugen_arm_conv2d_im2col_s8.h
 * @brief CONV_2D on int8 tensors for Cortex-M cores with the DSP extension: pixel by pixel, the window (all taps,
 *        padded taps set to the input zero point) is copied into an int8 row in scratch, and
 *        mcugen_arm_fully_connected_s8 computes the pixel's output channels from that row.
 */
#ifndef MCUGEN_ARM_CONV2D_IM2COL_S8_H
#define MCUGEN_ARM_CONV2D_IM2COL_S8_H

#include <stdint.h>

#include "mcugen_arm_fully_connected_s8.h"

/** Shapes (NHWC) and window of one layer, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
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
    int32_t pad_value; /**< the input zero point: with the input offset folded into the bias, a padded tap holding
                            it contributes nothing */
} mcugen_arm_conv2d_im2col_params;

/** Bytes of scratch the kernel needs: the window of one pixel, K = filter_height * filter_width * input_depth. */
#define MCUGEN_ARM_CONV2D_IM2COL_SCRATCH(taps) (4 * (((taps) + 3) / 4))

/**
 * @brief output[b, y, x, o] = clamp(requantize_o(bias[o] + sum over the window of filter[o, ky, kx, c] *
 *        input[b, y * stride + ky * dilation - pad, ..., c]) + output_zero_point), padded taps reading the input
 *        zero point.
 *
 * Order of accesses (what the compile-time overlap of output and input rests on): pixel after pixel, the valid
 * taps of the window (all channels, from channel 0) are read, then the pixel's output channels are written.
 *
 * @param[in]  window    shapes, see mcugen_arm_conv2d_im2col_params
 * @param[in]  row       the fully connected layer of one pixel: batches 1, input_depth K (taps in (ky, kx, c)
 *                       order), output_depth, output offset and activation bounds
 * @param[in]  input     int8 [batches, input_height, input_width, input_depth]
 * @param[in]  weights   the filter [output_depth, K] blocked as mcugen_arm_fully_connected_s8 takes it
 * @param[in]  channels  bias, multiplier and pre-shift of each output channel, as mcugen_arm_fully_connected_s8
 * @param[out] output    int8 [batches, output_height, output_width, output_depth]
 * @param      scratch   MCUGEN_ARM_CONV2D_IM2COL_SCRATCH(K) bytes, 4-byte aligned
 */
void mcugen_arm_conv2d_im2col_s8(const mcugen_arm_conv2d_im2col_params *window,
                                 const mcugen_arm_fully_connected_params *row, const int8_t *input,
                                 const int8_t *weights, const int32_t *channels, int8_t *output, void *scratch);

#endif /* MCUGEN_ARM_CONV2D_IM2COL_S8_H */
