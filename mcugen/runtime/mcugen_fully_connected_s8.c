#include "mcugen_fully_connected_s8.h"

#include "mcugen_common.h"

/* The input offset is folded into the bias at compile time, so the inner loop is a plain int8 dot product. */
void mcugen_fully_connected_s8(const mcugen_fully_connected_params *params, const int32_t *multipliers,
                               const int32_t *shifts, const int8_t *input, const int8_t *weights,
                               const int32_t *bias, int8_t *output)
{
    const int32_t input_depth = params->input_depth;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int8_t *row = input + batch * input_depth;
        const int8_t *neuron = weights;
        for (int32_t out_channel = 0; out_channel < params->output_depth; ++out_channel) {
            int32_t acc = bias[out_channel];
            for (int32_t i = 0; i < input_depth; ++i) {
                acc += (int32_t)neuron[i] * (int32_t)row[i];
            }
            neuron += input_depth;
            *output++ = mcugen_requantize_s8(acc, multipliers[out_channel], shifts[out_channel],
                                             params->output_offset, params->activation_min, params->activation_max);
        }
    }
}
