#include "mcugen_transpose_conv_s8.h"

#include "mcugen_common.h"

/*
 * The first filter tap t (and the input row y) reaching output row Y along one axis: Y + pad = y * stride + t, so
 * t runs over the values congruent to (Y + pad) mod stride, and y = (Y + pad - t) / stride must lie in
 * [0, size). Returns the smallest such t; the taps are t, t + stride, ... while t < taps and y >= 0.
 */
static int32_t first_tap(int32_t position, int32_t pad, int32_t stride, int32_t size)
{
    const int32_t shifted = position + pad;
    int32_t tap = shifted % stride;
    /* Skip taps whose input row lies beyond the input (y >= size). */
    const int32_t beyond = shifted - tap - (size - 1) * stride;
    if (beyond > 0) {
        tap += beyond;
    }
    return tap;
}

/*
 * Gathers, per output pixel and channel, the terms TFLite Micro's reference scatters into its int32 scratch: the
 * same products, summed in another order. The sum is exact (mcugen/ops/transpose_conv.py bounds it inside int32),
 * so the requantized result is identical.
 */
void mcugen_transpose_conv_s8(const mcugen_transpose_conv_params *params, const int32_t *multipliers,
                              const int32_t *shifts, const int8_t *input, const int8_t *filter, const int32_t *bias,
                              int8_t *output)
{
    const int32_t input_depth = params->input_depth;
    const int32_t input_offset = params->input_offset;
    const int32_t stride_h = params->stride_height;
    const int32_t stride_w = params->stride_width;
    const int32_t filter_row = params->filter_width * input_depth;
    const int32_t filter_size = params->filter_height * filter_row;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * params->input_height * params->input_width * input_depth;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t tap_y0 = first_tap(out_y, params->pad_top, stride_h, params->input_height);
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t tap_x0 = first_tap(out_x, params->pad_left, stride_w, params->input_width);
                for (int32_t channel = 0; channel < params->output_depth; ++channel) {
                    const int8_t *weights = filter + channel * filter_size;
                    int32_t acc = 0;
                    for (int32_t tap_y = tap_y0; tap_y < params->filter_height; tap_y += stride_h) {
                        const int32_t in_y = (out_y + params->pad_top - tap_y) / stride_h;
                        if (in_y < 0) {
                            break;
                        }
                        for (int32_t tap_x = tap_x0; tap_x < params->filter_width; tap_x += stride_w) {
                            const int32_t in_x = (out_x + params->pad_left - tap_x) / stride_w;
                            if (in_x < 0) {
                                break;
                            }
                            const int8_t *pixel = image + (in_y * params->input_width + in_x) * input_depth;
                            const int8_t *tap = weights + tap_y * filter_row + tap_x * input_depth;
                            for (int32_t c = 0; c < input_depth; ++c) {
                                acc += ((int32_t)pixel[c] + input_offset) * (int32_t)tap[c];
                            }
                        }
                    }
                    *output++ = mcugen_requantize_s8(acc + bias[channel], multipliers[channel], shifts[channel],
                                                     params->output_offset, params->activation_min,
                                                     params->activation_max);
                }
            }
        }
    }
}
