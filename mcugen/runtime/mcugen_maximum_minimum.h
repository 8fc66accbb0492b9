/**
 * @file mcugen_maximum_minimum.h
 * @brief MAXIMUM and MINIMUM of two int8 or int16 tensors sharing one quantization, with broadcasting.
 */
#ifndef MCUGEN_MAXIMUM_MINIMUM_H
#define MCUGEN_MAXIMUM_MINIMUM_H

#include <stdint.h>

#include "mcugen_broadcast.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The walk only: with one quantization for all three tensors the larger (smaller) value is compared raw. */
typedef struct {
    mcugen_broadcast walk; /**< the output walk, see mcugen_broadcast.h */
} mcugen_maximum_minimum_params;

/**
 * @brief output = max(input1, input2) element by element, broadcasting. The output may alias an input of the
 *        output's shape.
 *
 * @param[in]  params  the walk
 * @param[in]  input1  int8, input 1's own shape
 * @param[in]  input2  int8, input 2's own shape
 * @param[out] output  int8, the output shape
 */
void mcugen_maximum_s8(const mcugen_maximum_minimum_params *params, const int8_t *input1, const int8_t *input2,
                       int8_t *output);

/** @brief As mcugen_maximum_s8, the smaller value. */
void mcugen_minimum_s8(const mcugen_maximum_minimum_params *params, const int8_t *input1, const int8_t *input2,
                       int8_t *output);

/** @brief mcugen_maximum_s8 for int16 tensors. */
void mcugen_maximum_s16(const mcugen_maximum_minimum_params *params, const int16_t *input1,
                        const int16_t *input2, int16_t *output);

/** @brief mcugen_minimum_s8 for int16 tensors. */
void mcugen_minimum_s16(const mcugen_maximum_minimum_params *params, const int16_t *input1,
                        const int16_t *input2, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_MAXIMUM_MINIMUM_H */
