/**
 * @file mcugen_dequantize_s8_f32.h
 * @brief DEQUANTIZE int8 -> float32 (per-tensor affine).
 */
#ifndef MCUGEN_DEQUANTIZE_S8_F32_H
#define MCUGEN_DEQUANTIZE_S8_F32_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;       /**< number of elements */
    float scale;        /**< input scale */
    int32_t zero_point; /**< input zero point */
} mcugen_dequantize_s8_f32_params;

/**
 * @brief output[i] = scale * (input[i] - zero_point), one float32 multiplication.
 *
 * The TFLite reference multiplies in double and rounds the product to float. The product of a float32 scale
 * (24-bit significand) and an integer of at most 9 bits is exact in double, so rounding it once to float gives
 * the same value as the correctly rounded float32 product computed here: no double arithmetic is needed.
 *
 * @param[in]  params  see mcugen_dequantize_s8_f32_params
 * @param[in]  input   int8 [size]
 * @param[out] output  float32 [size]
 */
void mcugen_dequantize_s8_f32(const mcugen_dequantize_s8_f32_params *params, const int8_t *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_DEQUANTIZE_S8_F32_H */
