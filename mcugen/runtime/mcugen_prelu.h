/**
 * @file mcugen_prelu.h
 * @brief PRELU of an int8 tensor with an int8 alpha tensor, alpha broadcast numpy-style.
 */
#ifndef MCUGEN_PRELU_H
#define MCUGEN_PRELU_H

#include <stdint.h>

#include "mcugen_broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Quantization of one PRELU, computed at compile time: a centred input that is not negative is scaled by
 * input_scale / output_scale (identity_*), a negative one is multiplied by the centred alpha and scaled by
 * input_scale * alpha_scale / output_scale (alpha_*).
 */
typedef struct {
    int32_t input_offset;        /**< minus the input zero point */
    int32_t alpha_offset;        /**< minus alpha's zero point */
    int32_t output_offset;       /**< the output zero point */
    int32_t identity_multiplier; /**< Q31 multiplier, shift positive = left */
    int32_t identity_shift;
    int32_t alpha_multiplier;
    int32_t alpha_shift;
    mcugen_broadcast walk;       /**< the output walk (input 1: input, input 2: alpha) */
} mcugen_prelu_params;

/**
 * @brief output = input >= 0 ? input : input * alpha, in quantized arithmetic, saturated to int8. The output
 *        may alias the input when it has the output's shape.
 *
 * @param[in]  params  quantization and walk, see mcugen_prelu_params
 * @param[in]  input   int8, the input's own shape
 * @param[in]  alpha   int8, alpha's own shape
 * @param[out] output  int8, the output shape
 */
void mcugen_prelu_s8(const mcugen_prelu_params *params, const int8_t *input, const int8_t *alpha, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_PRELU_H */
