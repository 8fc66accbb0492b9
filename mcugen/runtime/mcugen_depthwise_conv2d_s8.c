#include "mcugen_depthwise_conv2d_s8.h"

#include "mcugen_common.h"

/*
 * As in mcugen_conv2d_s8, the input offset is folded into the bias at compile time; a tap over padding takes
 * its input_offset * weight back out, and interior output pixels skip the bounds tests.
 */
void mcugen_depthwise_conv2d_s8(const mcugen_depthwise_conv2d_params *params, const int32_t *multipliers,
                                const int32_t *shifts, const int8_t *input, const int8_t *filter,
                                const int32_t *bias, int8_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t input_depth = params->input_depth;
    const int32_t depth_multiplier = params->depth_multiplier;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t output_depth = params->output_depth;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;
    const int32_t input_offset = params->input_offset;
    const int32_t window_height = (filter_height - 1) * dilation_height + 1;
    const int32_t window_width = (filter_width - 1) * dilation_width + 1;
    /* Distance in the input between horizontally and vertically adjacent filter taps. */
    const int32_t tap_step_x = dilation_width * input_depth;
    const int32_t tap_step_y = dilation_height * input_width * input_depth;

    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * input_height * input_width * input_depth;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            const int rows_inside = in_y_origin >= 0 && in_y_origin + window_height <= input_height;
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                const int window_inside =
                    rows_inside && in_x_origin >= 0 && in_x_origin + window_width <= input_width;
                for (int32_t in_channel = 0; in_channel < input_depth; ++in_channel) {
                    for (int32_t m = 0; m < depth_multiplier; ++m) {
                        const int32_t out_channel = in_channel * depth_multiplier + m;
                        const int8_t *weights = filter + out_channel;
                        int32_t acc = bias[out_channel];
                        if (window_inside) {
                            const int8_t *window =
                                image + (in_y_origin * input_width + in_x_origin) * input_depth + in_channel;
                            for (int32_t filter_y = 0; filter_y < filter_height; ++filter_y) {
                                const int8_t *tap = window + filter_y * tap_step_y;
                                for (int32_t filter_x = 0; filter_x < filter_width; ++filter_x) {
                                    acc += (int32_t)(*weights) * (int32_t)(*tap);
                                    weights += output_depth;
                                    tap += tap_step_x;
                                }
                            }
                        } else {
                            for (int32_t filter_y = 0; filter_y < filter_height; ++filter_y) {
                                const int32_t in_y = in_y_origin + filter_y * dilation_height;
                                const int row_inside = in_y >= 0 && in_y < input_height;
                                for (int32_t filter_x = 0; filter_x < filter_width; ++filter_x) {
                                    const int32_t in_x = in_x_origin + filter_x * dilation_width;
                                    if (row_inside && in_x >= 0 && in_x < input_width) {
                                        acc += (int32_t)(*weights) *
                                               (int32_t)image[(in_y * input_width + in_x) * input_depth + in_channel];
                                    } else {
                                        acc -= (int32_t)(*weights) * input_offset;
                                    }
                                    weights += output_depth;
                                }
                            }
                        }
                        output[out_channel] = mcugen_requantize_s8(acc, multipliers[out_channel], shifts[out_channel],
                                                                   params->output_offset, params->activation_min,
                                                                   params->activation_max);
                    }
                }
                output += output_depth;
            }
        }
    }
}
