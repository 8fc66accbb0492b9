#include "mcugen_arm_fully_connected_s8.h"

#include "mcugen_arm_common.h"

/* acc + the dot product of four int8 weights with four int8 inputs, given as (even, odd) sign-extended pairs. */
static inline int32_t dot4(int32_t weights, int32_t in_even, int32_t in_odd, int32_t acc)
{
    acc = __smlad(__sxtb16(weights), in_even, acc);
    return __smlad(mcugen_arm_sxtb16_odd(weights), in_odd, acc);
}

void mcugen_arm_fully_connected_s8(const mcugen_arm_fully_connected_params *params, const int32_t *multipliers,
                                   const int32_t *right_shifts, const int8_t *input, const int8_t *weights,
                                   const int32_t *bias, int8_t *output)
{
    const int32_t depth = params->input_depth;
    const int32_t blocks = depth / 4;
    const int32_t tail = depth % 4;
    const int32_t groups = params->output_depth / 4;
    const int32_t offset = params->output_offset;
    const int32_t act_min = params->activation_min;
    const int32_t act_max = params->activation_max;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *row = input + batch * depth;
        const int32_t *words = (const int32_t *)(const void *)weights;
        int32_t feature = 0;
        for (int32_t group = 0; group < groups; ++group, feature += 4) {
            int32_t acc0 = bias[feature];
            int32_t acc1 = bias[feature + 1];
            int32_t acc2 = bias[feature + 2];
            int32_t acc3 = bias[feature + 3];
            const int8_t *in = row;
            for (int32_t block = 0; block < blocks; ++block) {
                const int32_t x = mcugen_arm_read_s8x4(in);
                in += 4;
                const int32_t x_even = __sxtb16(x);
                const int32_t x_odd = mcugen_arm_sxtb16_odd(x);
                acc0 = dot4(words[0], x_even, x_odd, acc0);
                acc1 = dot4(words[1], x_even, x_odd, acc1);
                acc2 = dot4(words[2], x_even, x_odd, acc2);
                acc3 = dot4(words[3], x_even, x_odd, acc3);
                words += 4;
            }
            if (tail > 0) {
                const int8_t *last = (const int8_t *)words;
                for (int32_t i = 0; i < tail; ++i) {
                    const int32_t x = in[i];
                    acc0 += last[i] * x;
                    acc1 += last[4 + i] * x;
                    acc2 += last[8 + i] * x;
                    acc3 += last[12 + i] * x;
                }
                words += 4;
            }
            output[feature] = mcugen_arm_requantize_s8(acc0, multipliers[feature], right_shifts[feature], offset,
                                                       act_min, act_max);
            output[feature + 1] = mcugen_arm_requantize_s8(acc1, multipliers[feature + 1],
                                                           right_shifts[feature + 1], offset, act_min, act_max);
            output[feature + 2] = mcugen_arm_requantize_s8(acc2, multipliers[feature + 2],
                                                           right_shifts[feature + 2], offset, act_min, act_max);
            output[feature + 3] = mcugen_arm_requantize_s8(acc3, multipliers[feature + 3],
                                                           right_shifts[feature + 3], offset, act_min, act_max);
        }
        for (; feature < params->output_depth; ++feature) {
            int32_t acc = bias[feature];
            const int8_t *in = row;
            for (int32_t block = 0; block < blocks; ++block) {
                const int32_t x = mcugen_arm_read_s8x4(in);
                in += 4;
                acc = dot4(*words++, __sxtb16(x), mcugen_arm_sxtb16_odd(x), acc);
            }
            if (tail > 0) {
                const int8_t *last = (const int8_t *)words;
                for (int32_t i = 0; i < tail; ++i) {
                    acc += last[i] * in[i];
                }
                words += 1;
            }
            output[feature] = mcugen_arm_requantize_s8(acc, multipliers[feature], right_shifts[feature], offset,
                                                       act_min, act_max);
        }
        output += params->output_depth;
    }
}
