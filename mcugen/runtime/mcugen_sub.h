/**
 * @file mcugen_sub.h
 * @brief SUB of two quantized tensors (int8, or int16 with zero points 0), with numpy-style broadcasting.
 */
#ifndef MCUGEN_SUB_H
#define MCUGEN_SUB_H

#include <stdint.h>

#include "mcugen_broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Quantization of one SUB, computed at compile time. Both inputs are brought to a common scale with
 * `left_shift` extra bits of precision (value << left_shift, then each input's multiplier, at most 1/2), the
 * second is subtracted from the first, and the difference is scaled to the output.
 */
typedef struct {
    int32_t input1_offset;     /**< minus input 1's zero point */
    int32_t input2_offset;     /**< minus input 2's zero point */
    int32_t left_shift;        /**< 20 for int8, 15 for int16 */
    int32_t input1_multiplier; /**< Q31 multiplier of input 1 */
    int32_t input1_shift;      /**< its shift, <= 0 */
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_multiplier;
    int32_t output_shift;      /**< <= 0 */
    int32_t output_offset;     /**< the output zero point */
    int32_t activation_min;    /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
    mcugen_broadcast walk;     /**< the output walk, see mcugen_broadcast.h */
} mcugen_sub_params;

/**
 * @brief output = clamp(requantize(input1 - input2, both rescaled to a common scale) + output_offset), with
 *        broadcasting. The output may alias an input of the output's shape.
 *
 * @param[in]  params  quantization and walk, see mcugen_sub_params
 * @param[in]  input1  int8, input 1's own shape
 * @param[in]  input2  int8, input 2's own shape
 * @param[out] output  int8, the output shape
 */
void mcugen_sub_s8(const mcugen_sub_params *params, const int8_t *input1, const int8_t *input2, int8_t *output);

/** @brief mcugen_sub_s8 for int16 tensors (left_shift 15: 65535 << 15 still fits int32). */
void mcugen_sub_s16(const mcugen_sub_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_SUB_H */
