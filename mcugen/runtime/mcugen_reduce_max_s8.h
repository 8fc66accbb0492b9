/**
 * @file mcugen_reduce_max_s8.h
 * @brief REDUCE_MAX of an int8 tensor over constant axes (input and output share one quantization).
 */
#ifndef MCUGEN_REDUCE_MAX_S8_H
#define MCUGEN_REDUCE_MAX_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most kept and most reduced dimension groups (mcugen merges neighbouring dimensions of the same kind). */
#define MCUGEN_REDUCE_MAX_GROUPS 3

/** The dimensions, grouped at compile time: kept (outer) and reduced groups as sizes and input strides. */
typedef struct {
    int32_t outer_shape[MCUGEN_REDUCE_MAX_GROUPS];    /**< kept groups, outermost first, padded with 1s */
    int32_t outer_stride[MCUGEN_REDUCE_MAX_GROUPS];   /**< input elements per step of each kept group */
    int32_t reduced_shape[MCUGEN_REDUCE_MAX_GROUPS];  /**< reduced groups, padded with 1s */
    int32_t reduced_stride[MCUGEN_REDUCE_MAX_GROUPS]; /**< input elements per step of each reduced group */
} mcugen_reduce_max_params;

/**
 * @brief output[k] = the largest input value under output element k (raw int8 comparison).
 *
 * @param[in]  params  grouped dimensions, see mcugen_reduce_max_params
 * @param[in]  input   int8, the input shape
 * @param[out] output  int8, the kept groups in order
 */
void mcugen_reduce_max_s8(const mcugen_reduce_max_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_REDUCE_MAX_S8_H */
