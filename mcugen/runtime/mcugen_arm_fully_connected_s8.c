#include "mcugen_arm_fully_connected_s8.h"

#include "mcugen_arm_common.h"

/* acc += the dot product of four int8 weights (one word) with four int8 inputs given as (even, odd) sign-extended
 * pairs. */
#define MCUGEN_FC_DOT4(acc, weight)                                                                            \
    "sxtb16 %[t], " weight "\n\t"                                                                              \
    "smlad " acc ", %[t], %[even], " acc "\n\t"                                                                \
    "sxtb16 %[t], " weight ", ror #8\n\t"                                                                      \
    "smlad " acc ", %[t], %[odd], " acc "\n\t"

/* Four inputs against the four weight words of four features (one block); in and w advanced. One asm block, so
 * that the compiler keeps it in twelve registers instead of hoisting loads and spilling. */
#define MCUGEN_FC_BLOCK()                                                                                      \
    __asm__("ldr %[x], [%[in]], #4\n\t"                                                                        \
            "sxtb16 %[even], %[x]\n\t"                                                                         \
            "sxtb16 %[odd], %[x], ror #8\n\t"                                                                  \
            "ldr %[x], [%[w]], #4\n\t" MCUGEN_FC_DOT4("%[a0]", "%[x]")                                         \
            "ldr %[x], [%[w]], #4\n\t" MCUGEN_FC_DOT4("%[a1]", "%[x]")                                         \
            "ldr %[x], [%[w]], #4\n\t" MCUGEN_FC_DOT4("%[a2]", "%[x]")                                         \
            "ldr %[x], [%[w]], #4\n\t" MCUGEN_FC_DOT4("%[a3]", "%[x]")                                         \
            : [x] "=&r"(x), [even] "=&r"(even), [odd] "=&r"(odd), [t] "=&r"(t), [in] "+r"(in), [w] "+r"(w),   \
              [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)                                       \
            :                                                                                                  \
            : "memory")

void mcugen_arm_fully_connected_s8(const mcugen_arm_fully_connected_params *params, const int8_t *input,
                                   const int8_t *weights, const int32_t *channels, int8_t *output)
{
    const int32_t depth = params->input_depth;
    const int32_t blocks = depth / 4;
    const int32_t tail = depth % 4;
    const int32_t groups = params->output_depth / 4;
    const int32_t rounding_offset = 2 * params->output_offset + 1;
    const int32_t act_min = params->activation_min;
    const int32_t act_max = params->activation_max;
    const int32_t bounds_min = mcugen_arm_s8x4(act_min);
    const int32_t bounds_max = mcugen_arm_s8x4(act_max);
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *row = input + batch * depth;
        const int8_t *w = weights;
        const int32_t *c = channels;
        int32_t feature = 0;
        for (int32_t group = 0; group < groups; ++group, feature += 4) {
            int32_t a0 = c[0];
            int32_t a1 = c[1];
            int32_t a2 = c[2];
            int32_t a3 = c[3];
            const int8_t *in = row;
            int32_t x, even, odd, t;
            int32_t block = blocks;
            for (; block >= 2; block -= 2) {
                MCUGEN_FC_BLOCK();
                MCUGEN_FC_BLOCK();
            }
            if (block > 0) {
                MCUGEN_FC_BLOCK();
            }
            if (tail > 0) {
                for (int32_t i = 0; i < tail; ++i) {
                    const int32_t value = in[i];
                    a0 += w[i] * value;
                    a1 += w[4 + i] * value;
                    a2 += w[8 + i] * value;
                    a3 += w[12 + i] * value;
                }
                w += 16;
            }
            const int32_t v0 = mcugen_arm_requantize_doubled_s8(a0 + a0, c[4], c[8], rounding_offset);
            const int32_t v1 = mcugen_arm_requantize_doubled_s8(a1 + a1, c[5], c[9], rounding_offset);
            const int32_t v2 = mcugen_arm_requantize_doubled_s8(a2 + a2, c[6], c[10], rounding_offset);
            const int32_t v3 = mcugen_arm_requantize_doubled_s8(a3 + a3, c[7], c[11], rounding_offset);
            c += 12;
            const int32_t values = mcugen_arm_clamp_s8x4(mcugen_arm_pack_s8x4(v0, v1, v2, v3), bounds_min,
                                                         bounds_max);
            memcpy(output + feature, &values, sizeof(values));
        }
        for (; feature < params->output_depth; ++feature) {
            int32_t acc = c[0];
            const int8_t *in = row;
            for (int32_t block = 0; block < blocks; ++block) {
                const int32_t value = mcugen_arm_read_s8x4(in);
                const int32_t weight = mcugen_arm_read_s8x4(w);
                in += 4;
                w += 4;
                acc = __smlad(__sxtb16(weight), __sxtb16(value), acc);
                acc = __smlad(mcugen_arm_sxtb16_odd(weight), mcugen_arm_sxtb16_odd(value), acc);
            }
            if (tail > 0) {
                for (int32_t i = 0; i < tail; ++i) {
                    acc += w[i] * in[i];
                }
                w += 4;
            }
            int32_t value = mcugen_arm_requantize_doubled_s8(acc + acc, c[1], c[2], rounding_offset);
            c += 3;
            value = value < act_min ? act_min : value;
            value = value > act_max ? act_max : value;
            output[feature] = (int8_t)value;
        }
        output += params->output_depth;
    }
}
