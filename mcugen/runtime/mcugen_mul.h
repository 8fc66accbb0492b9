/**
 * @file mcugen_mul.h
 * @brief MUL of two quantized tensors (int8, or int16 with zero points 0), with numpy-style broadcasting.
 */
#ifndef MCUGEN_MUL_H
#define MCUGEN_MUL_H

#include <stdint.h>

#include "mcugen_broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Quantization of one MUL, computed at compile time: the product of the two centred inputs is scaled by
 * input1_scale * input2_scale / output_scale (multiplier, shift) and offset by the output zero point.
 */
typedef struct {
    int32_t input1_offset;   /**< minus input 1's zero point */
    int32_t input2_offset;   /**< minus input 2's zero point */
    int32_t output_offset;   /**< the output zero point */
    int32_t multiplier;      /**< Q31 multiplier */
    int32_t shift;           /**< its shift, positive = left */
    int32_t activation_min;  /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
    mcugen_broadcast walk;   /**< the output walk, see mcugen_broadcast.h */
} mcugen_mul_params;

/**
 * @brief output = clamp(requantize((input1 + offset1) * (input2 + offset2)) + output_offset), broadcasting.
 *        The output may alias an input of the output's shape.
 *
 * @param[in]  params  quantization and walk, see mcugen_mul_params
 * @param[in]  input1  int8, input 1's own shape
 * @param[in]  input2  int8, input 2's own shape
 * @param[out] output  int8, the output shape
 */
void mcugen_mul_s8(const mcugen_mul_params *params, const int8_t *input1, const int8_t *input2, int8_t *output);

/** @brief mcugen_mul_s8 for int16 tensors (|product| <= 2^30 fits the int32 intermediate). */
void mcugen_mul_s16(const mcugen_mul_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_MUL_H */
