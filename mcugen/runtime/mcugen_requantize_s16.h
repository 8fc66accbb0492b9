/**
 * @file mcugen_requantize_s16.h
 * @brief QUANTIZE between int16 and int8 tensors: output = input_centred * (input_scale / output_scale) + zp.
 */
#ifndef MCUGEN_REQUANTIZE_S16_H
#define MCUGEN_REQUANTIZE_S16_H

#include <stdint.h>

#include "mcugen_requantize_s8_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief int16 -> int8: centre, scale by (multiplier, shift), add the output zero point, saturate. The output
 *        may alias the input (each element is read before the narrower one is written).
 *
 * @param[in]  params  quantization and size, see mcugen_requantize_s8_s8_params
 * @param[in]  input   int16 [size]
 * @param[out] output  int8 [size]
 */
void mcugen_requantize_s16_s8(const mcugen_requantize_s8_s8_params *params, const int16_t *input, int8_t *output);

/** @brief int8 -> int16, as mcugen_requantize_s16_s8 (the output may not alias the input). */
void mcugen_requantize_s8_s16(const mcugen_requantize_s8_s8_params *params, const int8_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_REQUANTIZE_S16_H */
