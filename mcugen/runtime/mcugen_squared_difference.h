/**
 * @file mcugen_squared_difference.h
 * @brief SQUARED_DIFFERENCE of two int8 tensors with different quantizations, with broadcasting.
 */
#ifndef MCUGEN_SQUARED_DIFFERENCE_H
#define MCUGEN_SQUARED_DIFFERENCE_H

#include <stdint.h>

#include "mcugen_broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Quantization of one SQUARED_DIFFERENCE, computed at compile time. Both inputs are brought to a common scale
 * with 7 extra bits (value << 7, then each input's multiplier, at most 1/2), subtracted, the difference squared
 * and scaled to the output (whose multiplier may exceed 1).
 */
typedef struct {
    int32_t input1_offset;     /**< minus input 1's zero point */
    int32_t input2_offset;     /**< minus input 2's zero point */
    int32_t left_shift;        /**< 7 */
    int32_t input1_multiplier; /**< Q31 multiplier of input 1 */
    int32_t input1_shift;      /**< its shift, <= 0 */
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_multiplier;
    int32_t output_shift;      /**< positive = left */
    int32_t output_offset;     /**< the output zero point */
    mcugen_broadcast walk;     /**< the output walk, see mcugen_broadcast.h */
} mcugen_squared_difference_params;

/**
 * @brief output = requantize((input1 - input2)^2) + output_offset, saturated to int8, with broadcasting. The
 *        output may alias an input of the output's shape.
 *
 * @param[in]  params  quantization and walk, see mcugen_squared_difference_params
 * @param[in]  input1  int8, input 1's own shape
 * @param[in]  input2  int8, input 2's own shape
 * @param[out] output  int8, the output shape
 */
void mcugen_squared_difference_s8(const mcugen_squared_difference_params *params, const int8_t *input1,
                                  const int8_t *input2, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_SQUARED_DIFFERENCE_H */
