#include "mcugen_quantize_f32_s8.h"

/* Round half away from zero of |x| <= 256, without libm: below 2^23 the difference between a float and its
 * truncation is exact, so comparing it with 0.5 decides the rounding exactly. */
static int32_t round_half_away(float x)
{
    int32_t truncated = (int32_t)x;
    const float fraction = x - (float)truncated;
    if (fraction >= 0.5f) {
        truncated += 1;
    } else if (fraction <= -0.5f) {
        truncated -= 1;
    }
    return truncated;
}

void mcugen_quantize_f32_s8(const mcugen_quantize_f32_s8_params *params, const float *input, int8_t *output)
{
    for (int32_t i = 0; i < params->size; ++i) {
        float scaled = input[i] / params->scale;
        /* Any quotient beyond +-256 saturates whatever the zero point, so clamping it first changes no result and
         * keeps the float -> int conversion defined. The negated test also sends NaN to the low end. */
        if (!(scaled >= -256.0f)) {
            scaled = -256.0f;
        } else if (scaled > 256.0f) {
            scaled = 256.0f;
        }
        int32_t value = round_half_away(scaled);
        value += params->zero_point;
        if (value < -128) {
            value = -128;
        }
        if (value > 127) {
            value = 127;
        }
        output[i] = (int8_t)value;
    }
}
