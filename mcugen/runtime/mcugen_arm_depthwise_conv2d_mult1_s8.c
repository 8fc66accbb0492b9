#include "mcugen_arm_depthwise_conv2d_mult1_s8.h"

#include "mcugen_arm_common.h"

/* Where every tap of the window at (base_y, base_x) reads channel 0: a pixel of `image` or the padding row. */
static void fill_taps(const mcugen_arm_depthwise_conv2d_mult1_params *p, const int8_t *image, int32_t base_y,
                      int32_t base_x, const int8_t *padding, const int8_t **taps)
{
    const int32_t row_size = p->input_width * p->depth;
    int32_t in_y = base_y;
    for (int32_t ky = 0; ky < p->filter_height; ++ky, in_y += p->dilation_height) {
        if ((uint32_t)in_y >= (uint32_t)p->input_height) {
            for (int32_t kx = 0; kx < p->filter_width; ++kx) {
                *taps++ = padding;
            }
            continue;
        }
        const int8_t *row = image + in_y * row_size;
        int32_t in_x = base_x;
        for (int32_t kx = 0; kx < p->filter_width; ++kx, in_x += p->dilation_width) {
            *taps++ = (uint32_t)in_x < (uint32_t)p->input_width ? row + in_x * p->depth : padding;
        }
    }
}

/* One tap of channels c..c+3: the input word at *tap + channel against the tap's two weight words; tap and w
 * advanced. One asm block, so that the compiler keeps these nine instructions in eleven registers instead of
 * hoisting loads and spilling. */
#define MCUGEN_DW_TAP()                                                                                        \
    do {                                                                                                       \
        int32_t x, even, w02, w13;                                                                             \
        __asm__("ldr %[x], [%[tap]], #4\n\t"                                                                   \
                "ldr %[x], [%[x], %[channel]]\n\t"                                                             \
                "ldrd %[w02], %[w13], [%[w]], #8\n\t"                                                          \
                "sxtb16 %[even], %[x]\n\t"      /* channels c, c + 2 */                                        \
                "sxtb16 %[x], %[x], ror #8\n\t" /* channels c + 1, c + 3 */                                    \
                "smlabb %[a0], %[even], %[w02], %[a0]\n\t"                                                     \
                "smlatt %[a2], %[even], %[w02], %[a2]\n\t"                                                     \
                "smlabb %[a1], %[x], %[w13], %[a1]\n\t"                                                        \
                "smlatt %[a3], %[x], %[w13], %[a3]"                                                            \
                : [x] "=&r"(x), [even] "=&r"(even), [w02] "=&r"(w02), [w13] "=&r"(w13), [tap] "+r"(tap),       \
                  [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)                      \
                : [channel] "r"(channel)                                                                       \
                : "memory");                                                                                   \
    } while (0)

void mcugen_arm_depthwise_conv2d_mult1_s8(const mcugen_arm_depthwise_conv2d_mult1_params *params,
                                          const int8_t *input, const int32_t *blocks, int8_t *output,
                                          void *scratch)
{
    const int32_t depth = params->depth;
    const int32_t whole = depth & ~3;
    const int32_t count = params->filter_height * params->filter_width;
    const int32_t image_size = params->input_height * params->input_width * depth;
    const int32_t rounding_offset = 2 * params->output_offset + 1;
    const int32_t bounds_min = mcugen_arm_s8x4(params->activation_min);
    const int32_t bounds_max = mcugen_arm_s8x4(params->activation_max);
    const int8_t **taps = (const int8_t **)scratch;
    int8_t *padding = (int8_t *)(taps + count);
    memset(padding, params->pad_value, (size_t)depth);
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *image = input + batch * image_size;
        for (int32_t out_y = 0; out_y < params->output_height; ++out_y) {
            const int32_t base_y = out_y * params->stride_height - params->pad_top;
            for (int32_t out_x = 0; out_x < params->output_width; ++out_x) {
                fill_taps(params, image, base_y, out_x * params->stride_width - params->pad_left, padding, taps);
                const int32_t *w = blocks;
                for (int32_t channel = 0; channel < whole; channel += 4) {
                    int32_t a0 = w[0];
                    int32_t a1 = w[1];
                    int32_t a2 = w[2];
                    int32_t a3 = w[3];
                    w += 4;
                    const int8_t *const *tap = taps;
                    if (count == 9) {
#pragma GCC unroll 9
                        for (int32_t t = 0; t < 9; ++t) {
                            MCUGEN_DW_TAP();
                        }
                    } else if (count == 25) {
#pragma GCC unroll 25
                        for (int32_t t = 0; t < 25; ++t) {
                            MCUGEN_DW_TAP();
                        }
                    } else {
#pragma GCC unroll 7
                        for (int32_t t = 0; t < count; ++t) {
                            MCUGEN_DW_TAP();
                        }
                    }
                    const int32_t v0 = mcugen_arm_requantize_doubled_s8(a0, w[0], w[4], rounding_offset);
                    const int32_t v1 = mcugen_arm_requantize_doubled_s8(a1, w[1], w[5], rounding_offset);
                    const int32_t v2 = mcugen_arm_requantize_doubled_s8(a2, w[2], w[6], rounding_offset);
                    const int32_t v3 = mcugen_arm_requantize_doubled_s8(a3, w[3], w[7], rounding_offset);
                    w += 8;
                    const int32_t values = mcugen_arm_clamp_s8x4(mcugen_arm_pack_s8x4(v0, v1, v2, v3), bounds_min,
                                                                 bounds_max);
                    memcpy(output + channel, &values, sizeof(values));
                }
                for (int32_t channel = whole; channel < depth; ++channel) {
                    int32_t acc = *w++;
                    for (int32_t t = 0; t < count; ++t) {
                        acc += *w++ * taps[t][channel];
                    }
                    int32_t value = mcugen_arm_requantize_doubled_s8(acc, w[0], w[1], rounding_offset);
                    w += 2;
                    value = value < params->activation_min ? params->activation_min : value;
                    value = value > params->activation_max ? params->activation_max : value;
                    output[channel] = (int8_t)value;
                }
                output += depth;
            }
        }
    }
}
