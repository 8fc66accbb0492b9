#include "mcugen_pool2d_s8.h"

#include "mcugen_common.h"

/* The part of one filter window that lies inside the input: `rows` x `columns` pixels starting at `corner`
 * (channel 0 of its top-left pixel); `row_stride` elements separate vertically adjacent pixels. */
typedef struct {
    const int8_t *corner;
    int32_t rows;
    int32_t columns;
    int32_t row_stride;
} pool_window;

static pool_window window_at(const mcugen_pool2d_params *params, const int8_t *image, int32_t out_y, int32_t out_x)
{
    const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
    const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
    const int32_t first_y = mcugen_max_s32(in_y_origin, 0);
    const int32_t first_x = mcugen_max_s32(in_x_origin, 0);
    const int32_t end_y = mcugen_min_s32(in_y_origin + params->filter_height, params->input_height);
    const int32_t end_x = mcugen_min_s32(in_x_origin + params->filter_width, params->input_width);
    pool_window window;
    window.row_stride = params->input_width * params->channels;
    window.corner = image + first_y * window.row_stride + first_x * params->channels;
    /* With SAME or VALID padding every window overlaps the input: rows, columns >= 1. */
    window.rows = end_y - first_y;
    window.columns = end_x - first_x;
    return window;
}

/* Sum of one channel over the window. |sum| <= 128 * window area: exact for any window below 2^24 elements. */
static int32_t window_sum(const pool_window *window, int32_t channels, int32_t channel)
{
    int32_t sum = 0;
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *pixel = window->corner + row * window->row_stride + channel;
        for (int32_t column = 0; column < window->columns; ++column) {
            sum += pixel[column * channels];
        }
    }
    return sum;
}

/* Largest value of one channel over the window. */
static int32_t window_max(const pool_window *window, int32_t channels, int32_t channel)
{
    int32_t maximum = INT8_MIN;
    for (int32_t row = 0; row < window->rows; ++row) {
        const int8_t *pixel = window->corner + row * window->row_stride + channel;
        for (int32_t column = 0; column < window->columns; ++column) {
            maximum = mcugen_max_s32(maximum, pixel[column * channels]);
        }
    }
    return maximum;
}

/* Both poolings: the same walk over output pixels, `average` choosing the reduction of each window. */
static void pool2d(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output, int average)
{
    const int32_t channels = params->channels;
    const int32_t image_size = params->input_height * params->input_width * channels;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                const pool_window window = window_at(params, input + batch * image_size, out_y, out_x);
                const int32_t count = window.rows * window.columns;
                for (int32_t channel = 0; channel < channels; ++channel) {
                    int32_t value;
                    if (average) {
                        /* Division truncates toward zero; adding half the divisor in the direction of the sign
                         * rounds halves away from zero. */
                        const int32_t sum = window_sum(&window, channels, channel);
                        value = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    } else {
                        value = window_max(&window, channels, channel);
                    }
                    *output++ = (int8_t)mcugen_clamp_s32(value, params->activation_min, params->activation_max);
                }
            }
        }
    }
}

void mcugen_avg_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output)
{
    pool2d(params, input, output, 1);
}

void mcugen_max_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output)
{
    pool2d(params, input, output, 0);
}
