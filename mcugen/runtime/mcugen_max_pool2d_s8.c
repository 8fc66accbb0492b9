#include "mcugen_max_pool2d_s8.h"

void mcugen_max_pool2d_s8(const mcugen_max_pool2d_params *params, const int8_t *input, int8_t *output)
{
    const int32_t channels = params->channels;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * params->input_height * params->input_width * channels;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            /* The window rows that fall inside the input: [filter_y_start, filter_y_end). */
            const int32_t filter_y_start = in_y_origin < 0 ? -in_y_origin : 0;
            const int32_t rows_left = params->input_height - in_y_origin;
            const int32_t filter_y_end = rows_left < params->filter_height ? rows_left : params->filter_height;
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                const int32_t filter_x_start = in_x_origin < 0 ? -in_x_origin : 0;
                const int32_t columns_left = params->input_width - in_x_origin;
                const int32_t filter_x_end =
                    columns_left < params->filter_width ? columns_left : params->filter_width;
                for (int32_t channel = 0; channel < channels; ++channel) {
                    int32_t maximum = INT8_MIN;
                    for (int32_t filter_y = filter_y_start; filter_y < filter_y_end; ++filter_y) {
                        const int8_t *row = image + (in_y_origin + filter_y) * params->input_width * channels;
                        for (int32_t filter_x = filter_x_start; filter_x < filter_x_end; ++filter_x) {
                            const int32_t value = row[(in_x_origin + filter_x) * channels + channel];
                            if (value > maximum) {
                                maximum = value;
                            }
                        }
                    }
                    if (maximum < params->activation_min) {
                        maximum = params->activation_min;
                    }
                    if (maximum > params->activation_max) {
                        maximum = params->activation_max;
                    }
                    *output++ = (int8_t)maximum;
                }
            }
        }
    }
}
