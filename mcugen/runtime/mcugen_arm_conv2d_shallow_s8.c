#include "mcugen_arm_conv2d_shallow_s8.h"


#include "mcugen_arm_common.h"

/* count int8 values widened to int16, four per word load (dst needs only 2-byte alignment: these cores allow
 * unaligned word stores). */
static void widen(const int8_t *src, int16_t *dst, int32_t count)
{
    int32_t i = 0;
    for (; i + 4 <= count; i += 4) {
        const int32_t x = mcugen_arm_read_s8x4(src + i);
        const uint32_t even = (uint32_t)__sxtb16(x);              /* values 0 and 2 */
        const uint32_t odd = (uint32_t)mcugen_arm_sxtb16_odd(x);  /* values 1 and 3 */
        const uint32_t first = (even & 0xFFFFu) | (odd << 16);
        const uint32_t second = (odd & 0xFFFF0000u) | (even >> 16);
        memcpy(dst + i, &first, sizeof(first));
        memcpy(dst + i + 2, &second, sizeof(second));
    }
    for (; i < count; ++i) {
        dst[i] = src[i];
    }
}

/* The window of output pixel (out_y, out_x) as int16 taps in (ky, kx, c) order, padded taps = pad_value, and a
 * zero after an odd last tap. */
static void gather_window(const mcugen_arm_conv2d_shallow_params *p, const int8_t *image, int32_t out_y,
                          int32_t out_x, int16_t *window)
{
    const int32_t depth = p->input_depth;
    const int32_t row_taps = p->filter_width * depth;
    const int16_t pad = (int16_t)p->pad_value;
    const int32_t base_y = out_y * p->stride_height - p->pad_top;
    const int32_t base_x = out_x * p->stride_width - p->pad_left;
    int16_t *dst = window;
    for (int32_t ky = 0; ky < p->filter_height; ++ky) {
        const int32_t in_y = base_y + ky * p->dilation_height;
        if (in_y < 0 || in_y >= p->input_height) {
            for (int32_t i = 0; i < row_taps; ++i) {
                *dst++ = pad;
            }
            continue;
        }
        const int8_t *row = image + in_y * p->input_width * depth;
        if (p->dilation_width == 1 && base_x >= 0 && base_x + p->filter_width <= p->input_width) {
            widen(row + base_x * depth, dst, row_taps);  /* the window's row lies inside the image */
            dst += row_taps;
            continue;
        }
        for (int32_t kx = 0; kx < p->filter_width; ++kx) {
            const int32_t in_x = base_x + kx * p->dilation_width;
            if (in_x < 0 || in_x >= p->input_width) {
                for (int32_t c = 0; c < depth; ++c) {
                    *dst++ = pad;
                }
            } else {
                const int8_t *src = row + in_x * depth;
                for (int32_t c = 0; c < depth; ++c) {
                    *dst++ = src[c];
                }
            }
        }
    }
    if ((p->filter_height * row_taps) % 2) {
        *dst = 0;
    }
}

void mcugen_arm_conv2d_shallow_s8(const mcugen_arm_conv2d_shallow_params *params, const int32_t *multipliers,
                                  const int32_t *right_shifts, const int8_t *input, const int32_t *weights,
                                  const int32_t *bias, int8_t *output, void *scratch)
{
    const int32_t pairs = (params->filter_height * params->filter_width * params->input_depth + 1) / 2;
    const int32_t channels = params->output_depth;
    const int32_t groups = channels / 4;
    const int32_t offset = params->output_offset;
    const int32_t act_min = params->activation_min;
    const int32_t act_max = params->activation_max;
    const int32_t image_size = params->input_height * params->input_width * params->input_depth;
    int16_t *window = (int16_t *)scratch;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * image_size;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                gather_window(params, image, out_y, out_x, window);
                const int32_t *w = weights;
                int32_t channel = 0;
                for (int32_t group = 0; group < groups; ++group, channel += 4) {
                    int32_t acc0 = bias[channel];
                    int32_t acc1 = bias[channel + 1];
                    int32_t acc2 = bias[channel + 2];
                    int32_t acc3 = bias[channel + 3];
                    for (int32_t pair = 0; pair < pairs; ++pair) {
                        int32_t x;
                        memcpy(&x, window + 2 * pair, sizeof(x));
                        acc0 = __smlad(w[0], x, acc0);
                        acc1 = __smlad(w[1], x, acc1);
                        acc2 = __smlad(w[2], x, acc2);
                        acc3 = __smlad(w[3], x, acc3);
                        w += 4;
                    }
                    output[channel] = mcugen_arm_requantize_s8(acc0, multipliers[channel], right_shifts[channel],
                                                               offset, act_min, act_max);
                    output[channel + 1] = mcugen_arm_requantize_s8(acc1, multipliers[channel + 1],
                                                                   right_shifts[channel + 1], offset, act_min,
                                                                   act_max);
                    output[channel + 2] = mcugen_arm_requantize_s8(acc2, multipliers[channel + 2],
                                                                   right_shifts[channel + 2], offset, act_min,
                                                                   act_max);
                    output[channel + 3] = mcugen_arm_requantize_s8(acc3, multipliers[channel + 3],
                                                                   right_shifts[channel + 3], offset, act_min,
                                                                   act_max);
                }
                for (; channel < channels; ++channel) {
                    int32_t acc = bias[channel];
                    for (int32_t pair = 0; pair < pairs; ++pair) {
                        int32_t x;
                        memcpy(&x, window + 2 * pair, sizeof(x));
                        acc = __smlad(*w++, x, acc);
                    }
                    output[channel] = mcugen_arm_requantize_s8(acc, multipliers[channel], right_shifts[channel],
                                                               offset, act_min, act_max);
                }
                output += channels;
            }
        }
    }
}
