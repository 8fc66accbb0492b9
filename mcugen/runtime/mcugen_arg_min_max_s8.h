/**
 * @file mcugen_arg_min_max_s8.h
 * @brief ARG_MAX and ARG_MIN of an int8 tensor along one constant axis, into int32 indices.
 */
#ifndef MCUGEN_ARG_MIN_MAX_S8_H
#define MCUGEN_ARG_MIN_MAX_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The input seen as [outer, axis, inner]: the axis and what lies before and after it, flattened. */
typedef struct {
    int32_t outer;
    int32_t axis;
    int32_t inner;
} mcugen_arg_min_max_params;

/**
 * @brief output[o][i] = the index along the axis of the largest input[o][.][i]; the first one on ties.
 *
 * @param[in]  params  shape, see mcugen_arg_min_max_params
 * @param[in]  input   int8 [outer, axis, inner]
 * @param[out] output  int32 [outer, inner]
 */
void mcugen_arg_max_s8(const mcugen_arg_min_max_params *params, const int8_t *input, int32_t *output);

/** @brief As mcugen_arg_max_s8, for the smallest value. */
void mcugen_arg_min_s8(const mcugen_arg_min_max_params *params, const int8_t *input, int32_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_ARG_MIN_MAX_S8_H */
