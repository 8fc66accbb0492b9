#include "mcugen_fully_connected_s8.h"

#include "mcugen_common.h"

/*
 * The input offset is folded into the bias at compile time, so the inner loop is a plain int8 dot product. Four
 * neurons are computed at once: each input byte loaded serves four multiply-accumulates.
 */
void mcugen_fully_connected_s8(const mcugen_fully_connected_params *params, const int32_t *multipliers,
                               const int32_t *shifts, const int8_t *input, const int8_t *weights,
                               const int32_t *bias, int8_t *output)
{
    const int32_t input_depth = params->input_depth;
    const int32_t output_depth = params->output_depth;
    const int32_t output_offset = params->output_offset;
    const int32_t activation_min = params->activation_min;
    const int32_t activation_max = params->activation_max;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *row = input + batch * input_depth;
        const int8_t *const row_end = row + input_depth;
        int32_t out_channel = 0;
        for (; out_channel + 4 <= output_depth; out_channel += 4) {
            const int8_t *w0 = weights + out_channel * input_depth;
            const int8_t *w1 = w0 + input_depth;
            const int8_t *w2 = w1 + input_depth;
            const int8_t *w3 = w2 + input_depth;
            int32_t acc[4] = {
                MCUGEN_READ_WEIGHT_S32(bias + out_channel), MCUGEN_READ_WEIGHT_S32(bias + out_channel + 1),
                MCUGEN_READ_WEIGHT_S32(bias + out_channel + 2), MCUGEN_READ_WEIGHT_S32(bias + out_channel + 3)};
            for (const int8_t *x = row; x < row_end; ++x) {
                const int32_t value = *x;
                acc[0] += MCUGEN_READ_WEIGHT_S8(w0++) * value;
                acc[1] += MCUGEN_READ_WEIGHT_S8(w1++) * value;
                acc[2] += MCUGEN_READ_WEIGHT_S8(w2++) * value;
                acc[3] += MCUGEN_READ_WEIGHT_S8(w3++) * value;
            }
            for (int32_t k = 0; k < 4; ++k) {
                *output++ = mcugen_requantize_s8(acc[k], MCUGEN_READ_WEIGHT_S32(multipliers + out_channel + k),
                                                 MCUGEN_READ_WEIGHT_S32(shifts + out_channel + k), output_offset,
                                                 activation_min, activation_max);
            }
        }
        for (; out_channel < output_depth; ++out_channel) {
            const int8_t *neuron = weights + out_channel * input_depth;
            int32_t acc = MCUGEN_READ_WEIGHT_S32(bias + out_channel);
            for (int32_t i = 0; i < input_depth; ++i) {
                acc += (int32_t)MCUGEN_READ_WEIGHT_S8(neuron + i) * (int32_t)row[i];
            }
            *output++ = mcugen_requantize_s8(acc, MCUGEN_READ_WEIGHT_S32(multipliers + out_channel),
                                             MCUGEN_READ_WEIGHT_S32(shifts + out_channel), output_offset,
                                             activation_min, activation_max);
        }
    }
}
