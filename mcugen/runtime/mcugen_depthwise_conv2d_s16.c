#include "mcugen_depthwise_conv2d_s16.h"

#include "mcugen_common.h"

void mcugen_depthwise_conv2d_s16(const mcugen_depthwise_conv2d_s16_params *params, const int32_t *multipliers,
                                 const int32_t *shifts, const int16_t *input, const int8_t *filter,
                                 const int64_t *bias, int16_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t input_depth = params->input_depth;
    const int32_t output_depth = params->output_depth;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;

    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int16_t *image = input + batch * input_height * input_width * input_depth;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            int32_t first_row, end_row;
            mcugen_clip_taps(in_y_origin, filter_height, dilation_height, input_height, &first_row, &end_row);
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                int32_t first_col, end_col;
                mcugen_clip_taps(in_x_origin, filter_width, dilation_width, input_width, &first_col, &end_col);
                for (int32_t out_channel = 0; out_channel < output_depth; ++out_channel) {
                    const int32_t in_channel = out_channel / params->depth_multiplier;
                    int64_t acc = 0;
                    for (int32_t row = first_row; row < end_row; ++row) {
                        const int32_t in_y = in_y_origin + row * dilation_height;
                        for (int32_t col = first_col; col < end_col; ++col) {
                            const int32_t in_x = in_x_origin + col * dilation_width;
                            const int32_t value = image[(in_y * input_width + in_x) * input_depth + in_channel];
                            const int8_t *w = filter + (row * filter_width + col) * output_depth + out_channel;
                            acc += (int32_t)MCUGEN_READ_WEIGHT_S8(w) * value;
                        }
                    }
                    acc += MCUGEN_READ_WEIGHT_S64(&bias[out_channel]);
                    *output++ = mcugen_requantize_s16(acc, 1, MCUGEN_READ_WEIGHT_S32(&multipliers[out_channel]),
                                                      MCUGEN_READ_WEIGHT_S32(&shifts[out_channel]), 0,
                                                      params->activation_min, params->activation_max);
                }
            }
        }
    }
}
