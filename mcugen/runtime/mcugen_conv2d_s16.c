#include "mcugen_conv2d_s16.h"

#include "mcugen_common.h"

/*
 * Each product of an int16 input and an int8 weight fits in 23 bits and is added to an int64 sum, as in
 * TFLM's 16x8 kernels. A window is clipped to the taps inside the input once per output pixel; the sum of one output
 * channel then walks the clipped rows and columns.
 */
void mcugen_conv2d_s16(const mcugen_conv2d_s16_params *params, const int32_t *multipliers, const int32_t *shifts,
                       const int16_t *input, const int8_t *filter, const int64_t *bias, int16_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t input_depth = params->input_depth;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t filter_depth = params->filter_depth;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;
    const int32_t filter_size = filter_height * filter_width * filter_depth;

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
                for (int32_t out_channel = 0; out_channel < params->output_depth; ++out_channel) {
                    const int32_t group_start = (out_channel / params->filters_per_group) * filter_depth;
                    const int8_t *weights = filter + out_channel * filter_size;
                    int64_t acc = 0;
                    for (int32_t row = first_row; row < end_row; ++row) {
                        const int32_t in_y = in_y_origin + row * dilation_height;
                        for (int32_t col = first_col; col < end_col; ++col) {
                            const int32_t in_x = in_x_origin + col * dilation_width;
                            const int16_t *x = image + (in_y * input_width + in_x) * input_depth + group_start;
                            const int8_t *w = weights + (row * filter_width + col) * filter_depth;
                            for (int32_t c = 0; c < filter_depth; ++c) {
                                acc += (int32_t)MCUGEN_READ_WEIGHT_S8(&w[c]) * x[c];
                            }
                        }
                    }
                    acc += MCUGEN_READ_WEIGHT_S64(&bias[out_channel]);
                    *output++ = mcugen_requantize_s16(acc, params->wide,
                                                      MCUGEN_READ_WEIGHT_S32(&multipliers[out_channel]),
                                                      MCUGEN_READ_WEIGHT_S32(&shifts[out_channel]), 0,
                                                      params->activation_min, params->activation_max);
                }
            }
        }
    }
}
