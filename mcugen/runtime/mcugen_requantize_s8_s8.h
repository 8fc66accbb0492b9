/**
 * @file mcugen_requantize_s8_s8.h
 * @brief QUANTIZE int8 -> int8: change of scale and zero point.
 */
#ifndef MCUGEN_REQUANTIZE_S8_S8_H
#define MCUGEN_REQUANTIZE_S8_S8_H

#include <stdint.h>

#include "mcugen_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;              /**< number of elements */
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier;        /**< Q31 mantissa of input_scale / output_scale */
    int32_t shift;             /**< its power-of-two exponent, positive = left */
} mcugen_requantize_s8_s8_params;

/** One element in the output's scale and zero point, not yet clamped to the output type. */
static inline int32_t mcugen_requantize_element(const mcugen_requantize_s8_s8_params *params, int32_t input)
{
    const int32_t centred = input - params->input_zero_point;
    return mcugen_requantize(centred, params->multiplier, params->shift) + params->output_zero_point;
}

/**
 * @brief output[i] = clamp(requantize(input[i] - input_zero_point) + output_zero_point, -128, 127).
 *
 * @param[in]  params  see mcugen_requantize_s8_s8_params
 * @param[in]  input   int8 [size]
 * @param[out] output  int8 [size]; may be the input buffer
 */
void mcugen_requantize_s8_s8(const mcugen_requantize_s8_s8_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_REQUANTIZE_S8_S8_H */
