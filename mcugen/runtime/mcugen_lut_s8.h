/**
 * @file mcugen_lut_s8.h
 * @brief An int8 -> int8 element-wise function as a 256-entry table computed at compile time.
 *
 * Every int8 activation whose output depends only on the input value (RELU, RELU6, LEAKY_RELU, ELU, ...) is
 * tabulated by mcugen with TFLite Micro's own integer (or, for ELU, float) arithmetic, so the table is bit-exact
 * by construction and the kernel is one load per element.
 */
#ifndef MCUGEN_LUT_S8_H
#define MCUGEN_LUT_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief output[i] = table[input[i] + 128] for i in [0, size). The output may alias the input.
 *
 * @param[in]  size    number of elements
 * @param[in]  table   int8 [256]: the output for each input value -128..127, in that order
 * @param[in]  input   int8 [size]
 * @param[out] output  int8 [size]
 */
void mcugen_lut_s8(int32_t size, const int8_t *table, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_LUT_S8_H */
