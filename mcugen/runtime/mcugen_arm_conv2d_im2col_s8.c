#include "mcugen_arm_conv2d_im2col_s8.h"

#include "mcugen_arm_common.h"

/* count bytes from src to dst, a word at a time (these cores allow unaligned word access). */
static void copy_bytes(int8_t *dst, const int8_t *src, int32_t count)
{
    int32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const int32_t word = mcugen_arm_read_s8x4(src + i);
        memcpy(dst + i, &word, sizeof(word));
    }
    for (; i < count; ++i) {
        dst[i] = src[i];
    }
}

/* The window of output pixel (out_y, out_x) in (ky, kx, c) order, padded taps = pad_value. */
static void gather_window(const mcugen_arm_conv2d_im2col_params *p, const int8_t *image, int32_t out_y,
                          int32_t out_x, int8_t *dst)
{
    const int32_t depth = p->input_depth;
    const int32_t row_taps = p->filter_width * depth;
    const int32_t base_y = out_y * p->stride_height - p->pad_top;
    const int32_t base_x = out_x * p->stride_width - p->pad_left;
    for (int32_t ky = 0; ky < p->filter_height; ++ky, dst += row_taps) {
        const int32_t in_y = base_y + ky * p->dilation_height;
        if (in_y < 0 || in_y >= p->input_height) {
            memset(dst, p->pad_value, (size_t)row_taps);
            continue;
        }
        const int8_t *row = image + in_y * p->input_width * depth;
        if (p->dilation_width == 1 && base_x >= 0 && base_x + p->filter_width <= p->input_width) {
            copy_bytes(dst, row + base_x * depth, row_taps); /* the window's row lies inside the image */
            continue;
        }
        for (int32_t kx = 0; kx < p->filter_width; ++kx) {
            const int32_t in_x = base_x + kx * p->dilation_width;
            if (in_x < 0 || in_x >= p->input_width) {
                memset(dst + kx * depth, p->pad_value, (size_t)depth);
            } else {
                copy_bytes(dst + kx * depth, row + in_x * depth, depth);
            }
        }
    }
}

void mcugen_arm_conv2d_im2col_s8(const mcugen_arm_conv2d_im2col_params *window,
                                 const mcugen_arm_fully_connected_params *row, const int8_t *input,
                                 const int8_t *weights, const int32_t *channels, int8_t *output, void *scratch)
{
    const int32_t image_size = window->input_height * window->input_width * window->input_depth;
    int8_t *taps = (int8_t *)scratch;
    for (int32_t batch = 0; batch < window->batches; ++batch) {
        const int8_t *image = input + batch * image_size;
        for (int32_t out_y = 0; out_y < window->output_height; ++out_y) {
            for (int32_t out_x = 0; out_x < window->output_width; ++out_x) {
                gather_window(window, image, out_y, out_x, taps);
                mcugen_arm_fully_connected_s8(row, taps, weights, channels, output);
                output += row->output_depth;
            }
        }
    }
}
