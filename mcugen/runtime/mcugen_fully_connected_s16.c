#include "mcugen_fully_connected_s16.h"

#include "mcugen_common.h"

void mcugen_fully_connected_s16(const mcugen_fully_connected_s16_params *params, const int32_t *multipliers,
                                const int32_t *shifts, const int16_t *input, const int8_t *weights,
                                const int64_t *bias, int16_t *output)
{
    const int32_t input_depth = params->input_depth;
    for (int32_t batch = 0; batch < params->batches; ++batch) {
        const int16_t *row = input + batch * input_depth;
        for (int32_t out = 0; out < params->output_depth; ++out) {
            const int8_t *w = weights + out * input_depth;
            int64_t acc = 0;
            for (int32_t i = 0; i < input_depth; ++i) {
                acc += (int32_t)MCUGEN_READ_WEIGHT_S8(&w[i]) * row[i];
            }
            acc += MCUGEN_READ_WEIGHT_S64(&bias[out]);
            *output++ = mcugen_requantize_s16(acc, params->wide, MCUGEN_READ_WEIGHT_S32(&multipliers[out]),
                                              MCUGEN_READ_WEIGHT_S32(&shifts[out]), 0, params->activation_min,
                                              params->activation_max);
        }
    }
}
