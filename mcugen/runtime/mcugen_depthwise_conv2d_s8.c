#include "mcugen_depthwise_conv2d_s8.h"

#include "mcugen_common.h"

/*
 * Each output pixel's window is first clipped to the taps inside the input, so no tap is tested against the
 * border. With a depth multiplier of 1 the channels are taken four at a time: every tap then loads four
 * neighbouring input bytes and four neighbouring weights, and four accumulators stay in registers.
 *
 * As in mcugen_conv2d_s8, the input offset is folded into the bias at compile time for windows that lie inside
 * the input; a window that crosses the border starts from the model's bias and adds the offset to each input
 * byte of its clipped taps (padding taps contribute nothing in the reference).
 */

/* The clipped window of one output pixel: `rows` x `cols` taps. */
typedef struct {
    int32_t rows;
    int32_t cols;
    int32_t input_row_step; /* from one row's first tap to the next row's */
    int32_t input_col_step;
    int32_t filter_row_step;
    int32_t filter_col_step;
} mcugen_depthwise_window;

/* acc[0..3] += sum over the window of filter[k] * (input[k] + x_offset), k = 0..3 neighbouring channels. */
static inline void mcugen_depthwise_dot4(int32_t *acc, const int8_t *input, const int8_t *filter,
                                         const mcugen_depthwise_window *window, int32_t x_offset)
{
    int32_t acc0 = acc[0];
    int32_t acc1 = acc[1];
    int32_t acc2 = acc[2];
    int32_t acc3 = acc[3];
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *x = input + row * window->input_row_step;
        const int8_t *w = filter + row * window->filter_row_step;
        for (int32_t col = 0; col < window->cols; ++col) {
            acc0 += MCUGEN_READ_WEIGHT_S8(w + 0) * (x[0] + x_offset);
            acc1 += MCUGEN_READ_WEIGHT_S8(w + 1) * (x[1] + x_offset);
            acc2 += MCUGEN_READ_WEIGHT_S8(w + 2) * (x[2] + x_offset);
            acc3 += MCUGEN_READ_WEIGHT_S8(w + 3) * (x[3] + x_offset);
            x += window->input_col_step;
            w += window->filter_col_step;
        }
    }
    acc[0] = acc0;
    acc[1] = acc1;
    acc[2] = acc2;
    acc[3] = acc3;
}

/* acc += sum over the window of filter[0] * (input[0] + x_offset). */
static inline int32_t mcugen_depthwise_dot1(int32_t acc, const int8_t *input, const int8_t *filter,
                                            const mcugen_depthwise_window *window, int32_t x_offset)
{
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *x = input + row * window->input_row_step;
        const int8_t *w = filter + row * window->filter_row_step;
        for (int32_t col = 0; col < window->cols; ++col) {
            acc += MCUGEN_READ_WEIGHT_S8(w) * (*x + x_offset);
            x += window->input_col_step;
            w += window->filter_col_step;
        }
    }
    return acc;
}

void mcugen_depthwise_conv2d_s8(const mcugen_depthwise_conv2d_params *params, const int32_t *multipliers,
                                const int32_t *shifts, const int8_t *input, const int8_t *filter,
                                const int32_t *folded_bias, const int32_t *bias, int8_t *output)
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
    const int32_t output_offset = params->output_offset;
    const int32_t activation_min = params->activation_min;
    const int32_t activation_max = params->activation_max;
    /* Channels taken four at a time (depth multiplier 1 only: then output channel c reads input channel c). */
    const int32_t blocked = depth_multiplier == 1 ? input_depth & ~3 : 0;
    mcugen_depthwise_window window;
    window.input_row_step = dilation_height * input_width * input_depth;
    window.input_col_step = dilation_width * input_depth;
    window.filter_row_step = filter_width * output_depth;
    window.filter_col_step = output_depth;

    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * input_height * input_width * input_depth;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
            int32_t first_row, end_row;
            mcugen_clip_taps(in_y_origin, filter_height, dilation_height, input_height, &first_row, &end_row);
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
                int32_t first_col, end_col;
                mcugen_clip_taps(in_x_origin, filter_width, dilation_width, input_width, &first_col, &end_col);
                const int inside = first_row == 0 && end_row == filter_height && first_col == 0 &&
                                   end_col == filter_width;
                window.rows = end_row > first_row ? end_row - first_row : 0;
                window.cols = end_col > first_col ? end_col - first_col : 0;
                const int32_t in_y = in_y_origin + first_row * dilation_height;
                const int32_t in_x = in_x_origin + first_col * dilation_width;
                const int8_t *pixel =
                    window.rows > 0 && window.cols > 0 ? image + (in_y * input_width + in_x) * input_depth : image;
                const int8_t *taps = filter + (first_row * filter_width + first_col) * output_depth;
                const int32_t *start = inside ? folded_bias : bias;
                int32_t channel = 0;
                for (; channel < blocked; channel += 4) {
                    int32_t acc[4];
                    for (int32_t k = 0; k < 4; ++k) {
                        acc[k] = MCUGEN_READ_WEIGHT_S32(start + channel + k);
                    }
                    if (inside) {
                        mcugen_depthwise_dot4(acc, pixel + channel, taps + channel, &window, 0);
                    } else {
                        mcugen_depthwise_dot4(acc, pixel + channel, taps + channel, &window, input_offset);
                    }
                    for (int32_t k = 0; k < 4; ++k) {
                        *output++ = mcugen_requantize_s8(acc[k], MCUGEN_READ_WEIGHT_S32(multipliers + channel + k),
                                                         MCUGEN_READ_WEIGHT_S32(shifts + channel + k), output_offset,
                                                         activation_min, activation_max);
                    }
                }
                for (; channel < output_depth; ++channel) {
                    const int32_t first = MCUGEN_READ_WEIGHT_S32(start + channel);
                    const int32_t acc = mcugen_depthwise_dot1(first, pixel + channel / depth_multiplier, taps + channel,
                                                              &window, inside ? 0 : input_offset);
                    *output++ = mcugen_requantize_s8(acc, MCUGEN_READ_WEIGHT_S32(multipliers + channel),
                                                     MCUGEN_READ_WEIGHT_S32(shifts + channel), output_offset,
                                                     activation_min, activation_max);
                }
            }
        }
    }
}
