#include "mcugen_svdf_s8_s16.h"

#include "mcugen_common.h"

/*
 * The arithmetic of TFLite Micro's EvalIntegerSvdfReference. The time sums are taken modulo 2^32 (uint32_t): an
 * int16 time weight times a state difference of up to 65535 can leave int32 where the reference's int arithmetic
 * wraps, and unsigned arithmetic wraps the same way without undefined behaviour.
 */
void mcugen_svdf_s8_s16(const mcugen_svdf_params *params, const int8_t *input, const int8_t *feature,
                        const int16_t *time, const int32_t *bias, int16_t *state, int8_t *output)
{
    const int32_t filters = params->filters;
    const int32_t memory = params->memory;
    const int32_t state_zero_point = params->state_zero_point;
    const int32_t total = params->batches * filters * memory;
    /* One step back in time: the whole buffer moves by one element (the last step of every filter is then
     * overwritten below). */
    for (int32_t i = 0; i + 1 < total; ++i) {
        state[i] = state[i + 1];
    }
    for (int32_t b = 0; b < params->batches; ++b) {
        const int8_t *row = input + b * params->input_size;
        int16_t *newest = state + b * filters * memory + (memory - 1);
        for (int32_t f = 0; f < filters; ++f) {
            const int8_t *weights = feature + f * params->input_size;
            int32_t dot = 0;
            for (int32_t c = 0; c < params->input_size; ++c) {
                dot += (int32_t)weights[c] * ((int32_t)row[c] - params->input_zero_point);
            }
            dot = mcugen_requantize_nonnegative(dot, params->feature_multiplier, params->feature_shift);
            dot = mcugen_clamp_s32(dot, INT16_MIN, INT16_MAX);
            newest[f * memory] = (int16_t)(state_zero_point + dot);
        }
    }
    for (int32_t b = 0; b < params->batches; ++b) {
        const int16_t *history = state + b * filters * memory;
        for (int32_t u = 0; u < params->units; ++u) {
            uint32_t acc = (uint32_t)bias[u];
            for (int32_t r = 0; r < params->rank; ++r) {
                const int32_t f = u * params->rank + r;
                const int16_t *weights = time + f * memory;
                const int16_t *steps = history + f * memory;
                uint32_t sum = 0u;
                for (int32_t t = 0; t < memory; ++t) {
                    sum += (uint32_t)(int32_t)weights[t] * (uint32_t)((int32_t)steps[t] - state_zero_point);
                }
                acc += sum;
            }
            const int32_t scaled = mcugen_requantize_nonnegative((int32_t)acc, params->output_multiplier,
                                                                 params->output_shift);
            output[b * params->units + u] = (int8_t)mcugen_clamp_s32(scaled + params->output_zero_point, -128, 127);
        }
    }
}
