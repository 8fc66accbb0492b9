/**
 * @file mcugen_add_s16.h
 * @brief ADD of two int16 tensors with different quantizations, with numpy-style broadcasting.
 */
#ifndef MCUGEN_ADD_S16_H
#define MCUGEN_ADD_S16_H

#include <stdint.h>

#include "mcugen_add_s8.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief mcugen_add_broadcast_s8 for int16 tensors (left_shift 15: a centred int16 value shifted by 15 bits still
 *        fits int32). Same-shape inputs are one flat loop of the walk. The output may alias an input that has
 *        the output's shape.
 *
 * @param[in]  params  quantization, extents and strides, see mcugen_add_params
 * @param[in]  input1  int16, input 1's own shape
 * @param[in]  input2  int16, input 2's own shape
 * @param[out] output  int16 [d0, d1, d2, d3, d4, d5]
 */
void mcugen_add_s16(const mcugen_add_params *params, const int16_t *input1, const int16_t *input2,
                    int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_ADD_S16_H */
