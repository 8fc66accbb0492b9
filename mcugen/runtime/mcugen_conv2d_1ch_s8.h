/**
 * @file mcugen_conv2d_1ch_s8.h
 * @brief CONV_2D of a one-channel int8 NHWC input with a small filter (at most MCUGEN_CONV2D_1CH_MAX_TAPS taps).
 */
#ifndef MCUGEN_CONV2D_1CH_S8_H
#define MCUGEN_CONV2D_1CH_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most filter taps (filter_height * filter_width) the kernel gathers on its stack. */
#define MCUGEN_CONV2D_1CH_MAX_TAPS 128

/** Geometry, offsets and clamp bounds of one convolution of a one-channel input, computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;      /**< output channels (filters) */
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_top;           /**< rows of implicit zero padding above the input (SAME padding), else 0 */
    int32_t pad_left;          /**< columns of implicit zero padding left of the input, else 0 */
    int32_t input_offset;      /**< minus the input zero point, in [-127, 128] */
    int32_t output_offset;     /**< the output zero point */
    int32_t activation_min;    /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_conv2d_1ch_params;

/**
 * @brief mcugen_conv2d_s8 for input_depth == 1 (hence one group), filter_height * filter_width at most
 *        MCUGEN_CONV2D_1CH_MAX_TAPS; any stride, dilation and padding.
 *
 * @param[in]  params       geometry, see mcugen_conv2d_1ch_params
 * @param[in]  multipliers  int32 [output_depth] Q31 requantization multipliers, one per output channel
 * @param[in]  shifts       int32 [output_depth] requantization shifts (positive = left)
 * @param[in]  input        int8 [batches, input_height, input_width, 1]
 * @param[in]  filter       int8 [output_depth, filter_height, filter_width, 1]
 * @param[in]  bias         int32 [output_depth], never NULL: the bias with the input offset folded in,
 *                          bias[o] + input_offset * sum(filter[o]) (see mcugen/ops/conv2d.py)
 * @param[out] output       int8 [batches, output_height, output_width, output_depth]
 */
void mcugen_conv2d_1ch_s8(const mcugen_conv2d_1ch_params *params, const int32_t *multipliers,
                          const int32_t *shifts, const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_CONV2D_1CH_S8_H */
