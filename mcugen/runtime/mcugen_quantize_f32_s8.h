/**
 * @file mcugen_quantize_f32_s8.h
 * @brief QUANTIZE float32 -> int8 or int16 (per-tensor affine).
 */
#ifndef MCUGEN_QUANTIZE_F32_S8_H
#define MCUGEN_QUANTIZE_F32_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;       /**< number of elements */
    float scale;        /**< output scale: q = round(x / scale) + zero_point */
    int32_t zero_point; /**< output zero point */
} mcugen_quantize_f32_s8_params;

/**
 * @brief output[i] = clamp(round_half_away_from_zero(input[i] / scale) + zero_point, -128, 127).
 *
 * The division is one float32 division (not a multiplication by 1/scale), as in the TFLite reference.
 * Inputs whose quotient lies beyond +-256 saturate; NaN gives -128.
 *
 * @param[in]  params  see mcugen_quantize_f32_s8_params
 * @param[in]  input   float32 [size]
 * @param[out] output  int8 [size]
 */
void mcugen_quantize_f32_s8(const mcugen_quantize_f32_s8_params *params, const float *input, int8_t *output);

/**
 * @brief output[i] = clamp(round_half_away_from_zero(input[i] / scale) + zero_point, -32768, 32767), the int16
 *        twin of mcugen_quantize_f32_s8 (quotients beyond +-65536 saturate; NaN gives -32768).
 */
void mcugen_quantize_f32_s16(const mcugen_quantize_f32_s8_params *params, const float *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_QUANTIZE_F32_S8_H */
