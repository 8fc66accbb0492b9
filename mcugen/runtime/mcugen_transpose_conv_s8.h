/**
 * @file mcugen_transpose_conv_s8.h
 * @brief TRANSPOSE_CONV on int8 NHWC tensors with int8 OHWI weights (per-channel or per-tensor) and int32 bias.
 */
#ifndef MCUGEN_TRANSPOSE_CONV_S8_H
#define MCUGEN_TRANSPOSE_CONV_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry, offsets and clamp bounds of one transposed convolution, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;    /**< input channels (the filter's innermost dimension) */
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;   /**< output channels (the filter's outermost dimension) */
    int32_t stride_height;  /**< output rows between the windows of two neighbouring input rows */
    int32_t stride_width;
    int32_t pad_top;        /**< output rows cut off above: input row y reaches output rows y * stride - pad_top + t */
    int32_t pad_left;
    int32_t input_offset;   /**< minus the input zero point, in [-127, 128] */
    int32_t output_offset;  /**< the output zero point */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_transpose_conv_params;

/**
 * @brief Transposed convolution: every input pixel (y, x) adds (input + input_offset) * filter[o, t, u, c] to
 *        output pixel (y * stride_height - pad_top + t, x * stride_width - pad_left + u) where that pixel exists;
 *        then output[b, Y, X, o] = clamp(requantize_o(bias[o] + sum) + output_offset).
 *
 * @param[in]  params       geometry, see mcugen_transpose_conv_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int8 [batches, input_height, input_width, input_depth]
 * @param[in]  filter       int8 [output_depth, filter_height, filter_width, input_depth]
 * @param[in]  bias         int32 [output_depth] (zeros when the model has none)
 * @param[out] output       int8 [batches, output_height, output_width, output_depth]; must not overlap input
 */
void mcugen_transpose_conv_s8(const mcugen_transpose_conv_params *params, const int32_t *multipliers,
                              const int32_t *shifts, const int8_t *input, const int8_t *filter, const int32_t *bias,
                              int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_TRANSPOSE_CONV_S8_H */
