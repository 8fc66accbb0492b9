#include "mcugen_conv2d_s8.h"

#include "mcugen_common.h"

/*
 * Where the instructions go: the inner loops compute four output channels at once, so every input byte loaded
 * is used by four multiply-accumulates, and they run over contiguous runs of memory: a whole window row
 * (filter_width * filter_depth bytes) when the convolution is ungrouped and not dilated horizontally, one
 * tap's channels otherwise.
 *
 * The input offset is folded into the bias at compile time, so for an output pixel whose window lies inside
 * the input the dot products are plain int8 ones:
 *     sum(w * (x + input_offset)) + bias  ==  sum(w * x) + (bias + input_offset * sum(w)).
 * For a window that crosses the border the kernel clips the window to the taps inside the input (padding taps
 * contribute nothing in the reference), starts from the model's bias and adds the offset to each input byte.
 */

/* One window's clipped runs: `rows` rows of `runs` runs of `run_length` bytes. */
typedef struct {
    int32_t rows;
    int32_t runs;
    int32_t run_length;
    int32_t input_row_step; /* from the start of one row's first run to the next row's */
    int32_t input_run_step;
    int32_t filter_row_step;
    int32_t filter_run_step;
} mcugen_conv2d_window;

/*
 * acc[0..3] += sum over the window of filter_k * (input + x_offset), filter_k = filter + k * filter_size.
 * Inlined twice, with x_offset 0 for interior windows, so that their inner loop has no addition.
 */
static inline void mcugen_conv2d_dot4(int32_t *acc, const int8_t *input, const int8_t *filter, int32_t filter_size,
                                      const mcugen_conv2d_window *window, int32_t x_offset)
{
    int32_t acc0 = acc[0];
    int32_t acc1 = acc[1];
    int32_t acc2 = acc[2];
    int32_t acc3 = acc[3];
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *x_run = input + row * window->input_row_step;
        const int8_t *w_run = filter + row * window->filter_row_step;
        for (int32_t run = 0; run < window->runs; ++run) {
            const int8_t *x = x_run;
            const int8_t *const x_end = x_run + window->run_length;
            const int8_t *w0 = w_run;
            const int8_t *w1 = w0 + filter_size;
            const int8_t *w2 = w1 + filter_size;
            const int8_t *w3 = w2 + filter_size;
            while (x < x_end) {
                const int32_t value = *x++ + x_offset;
                acc0 += MCUGEN_READ_WEIGHT_S8(w0++) * value;
                acc1 += MCUGEN_READ_WEIGHT_S8(w1++) * value;
                acc2 += MCUGEN_READ_WEIGHT_S8(w2++) * value;
                acc3 += MCUGEN_READ_WEIGHT_S8(w3++) * value;
            }
            x_run += window->input_run_step;
            w_run += window->filter_run_step;
        }
    }
    acc[0] = acc0;
    acc[1] = acc1;
    acc[2] = acc2;
    acc[3] = acc3;
}

/* acc += sum over the window of filter * (input + x_offset): the one-filter twin of mcugen_conv2d_dot4. */
static inline int32_t mcugen_conv2d_dot1(int32_t acc, const int8_t *input, const int8_t *filter,
                                         const mcugen_conv2d_window *window, int32_t x_offset)
{
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *x_run = input + row * window->input_row_step;
        const int8_t *w_run = filter + row * window->filter_row_step;
        for (int32_t run = 0; run < window->runs; ++run) {
            for (int32_t i = 0; i < window->run_length; ++i) {
                acc += MCUGEN_READ_WEIGHT_S8(w_run + i) * (x_run[i] + x_offset);
            }
            x_run += window->input_run_step;
            w_run += window->filter_run_step;
        }
    }
    return acc;
}

void mcugen_conv2d_s8(const mcugen_conv2d_params *params, const int32_t *multipliers, const int32_t *shifts,
                      const int8_t *input, const int8_t *filter, const int32_t *folded_bias, const int32_t *bias,
                      int8_t *output)
{
    const int32_t input_height = params->input_height;
    const int32_t input_width = params->input_width;
    const int32_t input_depth = params->input_depth;
    const int32_t filter_height = params->filter_height;
    const int32_t filter_width = params->filter_width;
    const int32_t filter_depth = params->filter_depth;
    const int32_t filters_per_group = params->filters_per_group;
    const int32_t groups = params->output_depth / filters_per_group;
    const int32_t dilation_height = params->dilation_height;
    const int32_t dilation_width = params->dilation_width;
    const int32_t input_offset = params->input_offset;
    const int32_t output_offset = params->output_offset;
    const int32_t activation_min = params->activation_min;
    const int32_t activation_max = params->activation_max;
    const int32_t filter_size = filter_height * filter_width * filter_depth;
    /* Ungrouped and not dilated horizontally: a window row is one contiguous run in the input and the filter. */
    const int rows_are_runs = dilation_width == 1 && filter_depth == input_depth;

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
                mcugen_conv2d_window window;
                window.rows = end_row > first_row ? end_row - first_row : 0;
                window.runs = end_col > first_col ? end_col - first_col : 0;
                window.run_length = filter_depth;
                window.input_row_step = dilation_height * input_width * input_depth;
                window.input_run_step = dilation_width * input_depth;
                window.filter_row_step = filter_width * filter_depth;
                window.filter_run_step = filter_depth;
                if (rows_are_runs) {
                    window.run_length *= window.runs;
                    window.runs = window.runs > 0 ? 1 : 0;
                }
                const int32_t in_y = in_y_origin + first_row * dilation_height;
                const int32_t in_x = in_x_origin + first_col * dilation_width;
                const int8_t *pixel =
                    window.rows > 0 && window.runs > 0 ? image + (in_y * input_width + in_x) * input_depth : image;
                const int32_t first_tap = (first_row * filter_width + first_col) * filter_depth;
                const int32_t *start = inside ? folded_bias : bias;
                for (int32_t group = 0; group < groups; ++group) {
                    const int8_t *group_input = pixel + group * filter_depth;
                    const int32_t group_end = (group + 1) * filters_per_group;
                    int32_t out_channel = group * filters_per_group;
                    for (; out_channel + 4 <= group_end; out_channel += 4) {
                        const int8_t *weights = filter + out_channel * filter_size + first_tap;
                        int32_t acc[4];
                        for (int32_t k = 0; k < 4; ++k) {
                            acc[k] = MCUGEN_READ_WEIGHT_S32(start + out_channel + k);
                        }
                        if (inside) {
                            mcugen_conv2d_dot4(acc, group_input, weights, filter_size, &window, 0);
                        } else {
                            mcugen_conv2d_dot4(acc, group_input, weights, filter_size, &window, input_offset);
                        }
                        for (int32_t k = 0; k < 4; ++k) {
                            const int32_t channel = out_channel + k;
                            *output++ = mcugen_requantize_s8(acc[k], MCUGEN_READ_WEIGHT_S32(multipliers + channel),
                                                             MCUGEN_READ_WEIGHT_S32(shifts + channel), output_offset,
                                                             activation_min, activation_max);
                        }
                    }
                    for (; out_channel < group_end; ++out_channel) {
                        const int8_t *weights = filter + out_channel * filter_size + first_tap;
                        const int32_t first = MCUGEN_READ_WEIGHT_S32(start + out_channel);
                        const int32_t acc =
                            mcugen_conv2d_dot1(first, group_input, weights, &window, inside ? 0 : input_offset);
                        *output++ = mcugen_requantize_s8(acc, MCUGEN_READ_WEIGHT_S32(multipliers + out_channel),
                                                         MCUGEN_READ_WEIGHT_S32(shifts + out_channel), output_offset,
                                                         activation_min, activation_max);
                    }
                }
            }
        }
    }
}
