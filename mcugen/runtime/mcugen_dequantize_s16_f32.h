/**
 * @file mcugen_dequantize_s16_f32.h
 * @brief DEQUANTIZE int16 -> float32: real = scale * (q - zero_point), one float32 multiplication.
 */
#ifndef MCUGEN_DEQUANTIZE_S16_F32_H
#define MCUGEN_DEQUANTIZE_S16_F32_H

#include <stdint.h>

#include "mcugen_dequantize_s8_f32.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief output[i] = scale * (float)(input[i] - zero_point).
 *
 * @param[in]  params  scale, zero point and size, see mcugen_dequantize_s8_f32_params
 * @param[in]  input   int16 [size]
 * @param[out] output  float [size]
 */
void mcugen_dequantize_s16_f32(const mcugen_dequantize_s8_f32_params *params, const int16_t *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_DEQUANTIZE_S16_F32_H */
