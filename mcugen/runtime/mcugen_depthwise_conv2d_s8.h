/**
 * @file mcugen_depthwise_conv2d_s8.h
 * @brief DEPTHWISE_CONV_2D on int8 NHWC tensors with int8 weights (per-channel or per-tensor) and int32 bias,
 *        any depth multiplier, stride and dilation.
 */
#ifndef MCUGEN_DEPTHWISE_CONV2D_S8_H
#define MCUGEN_DEPTHWISE_CONV2D_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry, offsets and clamp bounds of one depthwise convolution, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;      /**< input channels */
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
    int32_t pad_top;          /**< rows of implicit zero padding above the input (SAME padding), else 0 */
    int32_t pad_left;         /**< columns of implicit zero padding left of the input, else 0 */
    int32_t input_offset;     /**< minus the input zero point, in [-127, 128] */
    int32_t output_offset;    /**< the output zero point */
    int32_t activation_min;   /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_depthwise_conv2d_params;

/**
 * @brief Depthwise convolution: output channel o = c * depth_multiplier + m sees only input channel c,
 *        output[b, y, x, o] = clamp(requantize_o(bias[o] + sum over the window of
 *        filter[0, fy, fx, o] * (input[b, y', x', c] - input_zero_point)) + output_zero_point).
 *        Taps outside the input (padding) contribute nothing.
 *
 * @param[in]  params       geometry, see mcugen_depthwise_conv2d_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers, one per output channel
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int8 [batches, input_height, input_width, input_depth]
 * @param[in]  filter       int8 [1, filter_height, filter_width, output_depth]
 * @param[in]  folded_bias  int32 [output_depth]: the bias with the input offset folded in,
 *                          bias[o] + input_offset * sum(filter[..., o]) (see mcugen/ops/depthwise_conv2d.py);
 *                          used where the window lies inside the input
 * @param[in]  bias         int32 [output_depth], never NULL: the model's bias (zeros without one); used where
 *                          the window crosses the border
 * @param[out] output       int8 [batches, output_height, output_width, output_depth]
 */
void mcugen_depthwise_conv2d_s8(const mcugen_depthwise_conv2d_params *params, const int32_t *multipliers,
                                const int32_t *shifts, const int8_t *input, const int8_t *filter,
                                const int32_t *folded_bias, const int32_t *bias, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_DEPTHWISE_CONV2D_S8_H */
