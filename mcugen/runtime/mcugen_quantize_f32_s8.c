#include "mcugen_quantize_f32_s8.h"

#include "mcugen_common.h"

/* Round half away from zero of |x| <= 65536, without libm: below 2^23 the difference between a float and its
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

/* One element: round(x / scale) + zero_point clamped to [low, high]. Any quotient beyond +-limit (twice the
 * output type's span) saturates whatever the zero point, so clamping it first changes no result and keeps the
 * float -> int conversion defined. The negated test also sends NaN to the low end. */
static int32_t quantize_one(float x, float scale, int32_t zero_point, float limit, int32_t low, int32_t high)
{
    float scaled = x / scale;
    if (!(scaled >= -limit)) {
        scaled = -limit;
    } else if (scaled > limit) {
        scaled = limit;
    }
    return mcugen_clamp_s32(round_half_away(scaled) + zero_point, low, high);
}

void mcugen_quantize_f32_s8(const mcugen_quantize_f32_s8_params *params, const float *input, int8_t *output)
{
    for (int32_t i = 0; i < params->size; ++i) {
        output[i] = (int8_t)quantize_one(input[i], params->scale, params->zero_point, 256.0f, -128, 127);
    }
}

void mcugen_quantize_f32_s16(const mcugen_quantize_f32_s8_params *params, const float *input, int16_t *output)
{
    for (int32_t i = 0; i < params->size; ++i) {
        output[i] = (int16_t)quantize_one(input[i], params->scale, params->zero_point, 65536.0f, -32768, 32767);
    }
}
