#include "mcugen_requantize_s8_s8.h"

#include "mcugen_common.h"

void mcugen_requantize_s8_s8(const mcugen_requantize_s8_s8_params *params, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < params->size; ++i) {
        output[i] = (int8_t)mcugen_clamp_s32(mcugen_requantize_element(params, input[i]), INT8_MIN, INT8_MAX);
    }
}
