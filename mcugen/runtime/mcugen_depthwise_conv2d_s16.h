/**
 * @file mcugen_depthwise_conv2d_s16.h
 * @brief DEPTHWISE_CONV_2D with int16 NHWC activations, int8 weights and int64 bias ("16x8").
 */
#ifndef MCUGEN_DEPTHWISE_CONV2D_S16_H
#define MCUGEN_DEPTHWISE_CONV2D_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry and clamp bounds of one 16x8 depthwise convolution, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t depth_multiplier; /**< output channels per input channel */
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;     /**< input_depth * depth_multiplier */
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_top;
    int32_t pad_left;
    int32_t activation_min;   /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_depthwise_conv2d_s16_params;

/**
 * @brief 16x8 depthwise convolution: output channel o = c * depth_multiplier + m reads input channel c only;
 *        output[b, y, x, o] = clamp(requantize_o(bias[o] + sum over the window of filter[., ., o] * input[., ., c]))
 *        with an int64 accumulator. Taps outside the input contribute nothing; activations are symmetric.
 *
 * @param[in]  params       geometry, see mcugen_depthwise_conv2d_s16_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int16 [batches, input_height, input_width, input_depth]
 * @param[in]  filter       int8 [1, filter_height, filter_width, output_depth]
 * @param[in]  bias         int64 [output_depth], never NULL (zeros for a model without a bias)
 * @param[out] output       int16 [batches, output_height, output_width, output_depth]
 */
void mcugen_depthwise_conv2d_s16(const mcugen_depthwise_conv2d_s16_params *params, const int32_t *multipliers,
                                 const int32_t *shifts, const int16_t *input, const int8_t *filter,
                                 const int64_t *bias, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_DEPTHWISE_CONV2D_S16_H */
