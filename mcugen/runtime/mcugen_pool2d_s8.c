#include "mcugen_pool2d_s8.h"

#include "mcugen_common.h"

/* The part of one filter window that lies inside the input: `rows` x `columns` pixels starting at element
 * `corner` (channel 0 of its top-left pixel, counted from the image's start); `row_stride` elements separate
 * vertically adjacent pixels. */
typedef struct {
    int32_t corner;
    int32_t rows;
    int32_t columns;
    int32_t row_stride;
} pool_window;

static pool_window window_at(const mcugen_pool2d_params *params, int32_t out_y, int32_t out_x)
{
    const int32_t in_y_origin = out_y * params->stride_height - params->pad_top;
    const int32_t in_x_origin = out_x * params->stride_width - params->pad_left;
    const int32_t first_y = mcugen_max_s32(in_y_origin, 0);
    const int32_t first_x = mcugen_max_s32(in_x_origin, 0);
    const int32_t end_y = mcugen_min_s32(in_y_origin + params->filter_height, params->input_height);
    const int32_t end_x = mcugen_min_s32(in_x_origin + params->filter_width, params->input_width);
    pool_window window;
    window.row_stride = params->input_width * params->channels;
    window.corner = first_y * window.row_stride + first_x * params->channels;
    /* With SAME or VALID padding every window overlaps the input: rows, columns >= 1. */
    window.rows = end_y - first_y;
    window.columns = end_x - first_x;
    return window;
}

/* Average of `count` values summing to `sum`: division truncates toward zero; adding half the divisor in the
 * direction of the sign rounds halves away from zero. */
static int32_t rounded_average(int32_t sum, int32_t count)
{
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/*
 * Both poolings of one element type: the same walk over output pixels, `average` choosing the reduction of each
 * window once per output element, so that each inner loop does only its own reduction (the sum of int8 values is
 * exact for windows below 2^24 elements, of int16 values below 2^16, which mcugen checks at compile time).
 */
#define MCUGEN_POOL2D(name, type, lowest)                                                                      \
    static int32_t name##_sum(const type *pixel, const pool_window *window, int32_t channels)                  \
    {                                                                                                           \
        int32_t sum = 0;                                                                                        \
        for (int32_t row = 0; row < window->rows; ++row, pixel += window->row_stride) {                         \
            for (int32_t column = 0; column < window->columns; ++column) {                                      \
                sum += pixel[column * channels];                                                                \
            }                                                                                                   \
        }                                                                                                       \
        return sum;                                                                                             \
    }                                                                                                           \
                                                                                                                \
    static int32_t name##_max(const type *pixel, const pool_window *window, int32_t channels)                  \
    {                                                                                                           \
        int32_t maximum = lowest;                                                                               \
        for (int32_t row = 0; row < window->rows; ++row, pixel += window->row_stride) {                         \
            for (int32_t column = 0; column < window->columns; ++column) {                                      \
                maximum = mcugen_max_s32(maximum, pixel[column * channels]);                                    \
            }                                                                                                   \
        }                                                                                                       \
        return maximum;                                                                                         \
    }                                                                                                           \
                                                                                                                \
    static void name(const mcugen_pool2d_params *params, const type *input, type *output, int average)          \
    {                                                                                                           \
        const int32_t channels = params->channels;                                                              \
        const int32_t image_size = params->input_height * params->input_width * channels;                       \
        for (int32_t batch = 0; batch < params->batches; ++batch) {                                             \
            const type *image = input + batch * image_size;                                                     \
            for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {                                   \
                for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {                                \
                    const pool_window window = window_at(params, out_y, out_x);                                 \
                    const type *corner = image + window.corner;                                                 \
                    for (int32_t channel = 0; channel < channels; ++channel) {                                  \
                        const int32_t value =                                                                   \
                            average ? rounded_average(name##_sum(corner + channel, &window, channels),          \
                                                      window.rows * window.columns)                             \
                                    : name##_max(corner + channel, &window, channels);                          \
                        *output++ = (type)mcugen_clamp_s32(value, params->activation_min, params->activation_max); \
                    }                                                                                           \
                }                                                                                               \
            }                                                                                                   \
        }                                                                                                       \
    }

MCUGEN_POOL2D(pool2d_s8, int8_t, INT8_MIN)
MCUGEN_POOL2D(pool2d_s16, int16_t, INT16_MIN)

void mcugen_avg_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output)
{
    pool2d_s8(params, input, output, 1);
}

void mcugen_max_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output)
{
    pool2d_s8(params, input, output, 0);
}

void mcugen_avg_pool2d_s16(const mcugen_pool2d_params *params, const int16_t *input, int16_t *output)
{
    pool2d_s16(params, input, output, 1);
}

void mcugen_max_pool2d_s16(const mcugen_pool2d_params *params, const int16_t *input, int16_t *output)
{
    pool2d_s16(params, input, output, 0);
}
