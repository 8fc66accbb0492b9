/**
 * @file mcugen_lut_8bit.h
 * @brief An elementwise function of one 8-bit value (int8 or uint8) by table lookup: the 256 results were
 * computed at compile time with the reference's exact arithmetic (LOGISTIC, int8 <-> uint8 requantization, ...).
 */
#ifndef MCUGEN_LUT_8BIT_H
#define MCUGEN_LUT_8BIT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t size;          /**< elements */
    const uint8_t *table;  /**< 256 result bytes, indexed by the input's raw byte (int8 -1 is index 255) */
} mcugen_lut_8bit_params;

/**
 * @brief output byte i = table[input byte i]. The output may be the input itself (element i is read first).
 * Input and output are int8 or uint8 tensors, passed as bytes.
 */
void mcugen_lut_8bit(const mcugen_lut_8bit_params *params, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_LUT_8BIT_H */
