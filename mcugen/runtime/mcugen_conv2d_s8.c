#include "mcugen_conv2d_s8.h"

#include "mcugen_common.h"

/*
 * The input offset is folded into the bias at compile time, so the inner loop is a plain int8 dot product:
 *     sum(w * (x + input_offset)) + bias  ==  sum(w * x) + (bias + input_offset * sum(w)).
 * A filter tap over padding contributes nothing in the reference, but the folded bias counted its weights, so
 * for such taps input_offset * w is taken back out. Interior output pixels (the whole window inside the input)
 * skip the bounds tests altogether.
 */
void mcugen_conv2d_s8(const mcugen_conv2d_params *params, const int32_t *multipliers, const int32_t *shifts,
                      const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t input_depth = params->input_depth;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t filter_depth = params->filter_depth;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;
    const int32_t input_offset = params->input_offset;
    const int32_t filter_size = filter_height * filter_width * filter_depth;
    const int32_t window_height = (filter_height - 1) * dilation_height + 1;
    const int32_t window_width = (filter_width - 1) * dilation_width + 1;

    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * input_height * input_width * input_depth;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            const int rows_inside = in_y_origin >= 0 && in_y_origin + window_height <= input_height;
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                const int window_inside =
                    rows_inside && in_x_origin >= 0 && in_x_origin + window_width <= input_width;
                for (int32_t out_channel = 0; out_channel < params->output_depth; ++out_channel) {
                    const int32_t group_start = (out_channel / params->filters_per_group) * filter_depth;
                    const int8_t *weights = filter + out_channel * filter_size;
                    int32_t acc = bias[out_channel];
                    for (int32_t filter_y = 0; filter_y < filter_height; ++filter_y) {
                        const int32_t in_y = in_y_origin + filter_y * dilation_height;
                        const int row_inside = window_inside || (in_y >= 0 && in_y < input_height);
                        for (int32_t filter_x = 0; filter_x < filter_width; ++filter_x) {
                            const int32_t in_x = in_x_origin + filter_x * dilation_width;
                            const int8_t *tap_weights = weights + (filter_y * filter_width + filter_x) * filter_depth;
                            if (row_inside && (window_inside || (in_x >= 0 && in_x < input_width))) {
                                const int8_t *pixel = image + (in_y * input_width + in_x) * input_depth + group_start;
                                for (int32_t channel = 0; channel < filter_depth; ++channel) {
                                    acc += (int32_t)tap_weights[channel] * (int32_t)pixel[channel];
                                }
                            } else {
                                int32_t weight_sum = 0;
                                for (int32_t channel = 0; channel < filter_depth; ++channel) {
                                    weight_sum += tap_weights[channel];
                                }
                                acc -= weight_sum * input_offset;
                            }
                        }
                    }
                    *output++ = mcugen_requantize_s8(acc, multipliers[out_channel], shifts[out_channel],
                                                     params->output_offset, params->activation_min,
                                                     params->activation_max);
                }
            }
        }
    }
}
