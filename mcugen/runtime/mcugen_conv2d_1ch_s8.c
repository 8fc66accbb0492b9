#include "mcugen_conv2d_1ch_s8.h"

#include "mcugen_common.h"

/*
 * A convolution of a one-channel input (the first layer of keyword-spotting networks: a spectrogram under a tall
 * filter) has a small window and many filters. Per output pixel the window is gathered once into a local buffer,
 * padding taps set to the input zero point, i.e. to an input value that contributes nothing. Every filter is then
 * one contiguous dot product with that buffer, four filters at a time so that each window value loaded serves
 * four multiply-accumulates, and every filter starts from the folded bias (see mcugen_conv2d_s8.c).
 */
void mcugen_conv2d_1ch_s8(const mcugen_conv2d_1ch_params *params, const int32_t *multipliers,
                          const int32_t *shifts, const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t output_depth = params->output_depth;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;
    const int32_t output_offset = params->output_offset;
    const int32_t activation_min = params->activation_min;
    const int32_t activation_max = params->activation_max;
    const int32_t filter_size = filter_height * filter_width;
    const int8_t zero_point = (int8_t)-params->input_offset;
    int8_t window[MCUGEN_CONV2D_1CH_MAX_TAPS];

    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * input_height * input_width;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                int8_t *tap = window;
                for (int32_t filter_y = 0; filter_y < filter_height; ++filter_y) {
                    const int32_t in_y = in_y_origin + filter_y * dilation_height;
                    const int row_inside = in_y >= 0 && in_y < input_height;
                    const int8_t *row = image + (row_inside ? in_y * input_width : 0);
                    for (int32_t filter_x = 0; filter_x < filter_width; ++filter_x) {
                        const int32_t in_x = in_x_origin + filter_x * dilation_width;
                        *tap++ = row_inside && in_x >= 0 && in_x < input_width ? row[in_x] : zero_point;
                    }
                }
                const int8_t *const window_end = window + filter_size;
                int32_t out_channel = 0;
                for (; out_channel + 4 <= output_depth; out_channel += 4) {
                    const int8_t *w0 = filter + out_channel * filter_size;
                    const int8_t *w1 = w0 + filter_size;
                    const int8_t *w2 = w1 + filter_size;
                    const int8_t *w3 = w2 + filter_size;
                    int32_t acc[4] = {
                        MCUGEN_READ_WEIGHT_S32(bias + out_channel), MCUGEN_READ_WEIGHT_S32(bias + out_channel + 1),
                        MCUGEN_READ_WEIGHT_S32(bias + out_channel + 2), MCUGEN_READ_WEIGHT_S32(bias + out_channel + 3)};
                    for (const int8_t *x = window; x < window_end; ++x) {
                        const int32_t value = *x;
                        acc[0] += MCUGEN_READ_WEIGHT_S8(w0++) * value;
                        acc[1] += MCUGEN_READ_WEIGHT_S8(w1++) * value;
                        acc[2] += MCUGEN_READ_WEIGHT_S8(w2++) * value;
                        acc[3] += MCUGEN_READ_WEIGHT_S8(w3++) * value;
                    }
                    for (int32_t k = 0; k < 4; ++k) {
                        *output++ = mcugen_requantize_s8(acc[k], MCUGEN_READ_WEIGHT_S32(multipliers + out_channel + k),
                                                         MCUGEN_READ_WEIGHT_S32(shifts + out_channel + k),
                                                         output_offset, activation_min, activation_max);
                    }
                }
                for (; out_channel < output_depth; ++out_channel) {
                    const int8_t *w = filter + out_channel * filter_size;
                    int32_t acc = MCUGEN_READ_WEIGHT_S32(bias + out_channel);
                    for (int32_t i = 0; i < filter_size; ++i) {
                        acc += MCUGEN_READ_WEIGHT_S8(w + i) * window[i];
                    }
                    *output++ = mcugen_requantize_s8(acc, MCUGEN_READ_WEIGHT_S32(multipliers + out_channel),
                                                     MCUGEN_READ_WEIGHT_S32(shifts + out_channel), output_offset,
                                                     activation_min, activation_max);
                }
            }
        }
    }
}
