#include "mcugen_dequantize_s16_f32.h"

#include "mcugen_dequantize_s8_f32.h"

void mcugen_dequantize_s16_f32(const mcugen_dequantize_s8_f32_params *params, const int16_t *input, float *output)
{
    for (int32_t i = 0; i < params->size; ++i) {
        output[i] = params->scale * (float)((int32_t)input[i] - params->zero_point);
    }
}
