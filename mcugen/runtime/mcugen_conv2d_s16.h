/**
 * @file mcugen_conv2d_s16.h
 * @brief CONV_2D with int16 NHWC activations and int8 weights ("16x8"), int64 (or int32) bias.
 */
#ifndef MCUGEN_CONV2D_S16_H
#define MCUGEN_CONV2D_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry and clamp bounds of one 16x8 convolution, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;       /**< input channels */
    int32_t filter_height;
    int32_t filter_width;
    int32_t filter_depth;      /**< input channels seen by one filter: input_depth / groups */
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;      /**< output channels (filters) */
    int32_t filters_per_group; /**< output_depth / groups */
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_top;           /**< rows of implicit zero padding above the input (SAME padding), else 0 */
    int32_t pad_left;          /**< columns of implicit zero padding left of the input, else 0 */
    int32_t wide;              /**< 1: int64 accumulator (int64 bias); 0: int32 accumulator (int32 bias) */
    int32_t activation_min;    /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_conv2d_s16_params;

/**
 * @brief 16x8 convolution: output[b, y, x, o] = clamp(requantize_o(bias[o] + sum over the window and the
 *        filter's input channels of filter * input)). int16 activations are symmetric (zero point 0), so no
 *        offsets appear; taps outside the input (padding) contribute nothing. Grouped convolutions are supported.
 *
 * @param[in]  params       geometry, see mcugen_conv2d_s16_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers, one per output channel
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int16 [batches, input_height, input_width, input_depth]
 * @param[in]  filter       int8 [output_depth, filter_height, filter_width, filter_depth]
 * @param[in]  bias         int64 [output_depth], never NULL (zeros for a model without a bias)
 * @param[out] output       int16 [batches, output_height, output_width, output_depth]
 */
void mcugen_conv2d_s16(const mcugen_conv2d_s16_params *params, const int32_t *multipliers, const int32_t *shifts,
                       const int16_t *input, const int8_t *filter, const int64_t *bias, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_CONV2D_S16_H */
