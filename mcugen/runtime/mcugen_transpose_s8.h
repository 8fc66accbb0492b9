/**
 * @file mcugen_transpose_s8.h
 * @brief TRANSPOSE of an int8 tensor of up to 6 dimensions.
 */
#ifndef MCUGEN_TRANSPOSE_S8_H
#define MCUGEN_TRANSPOSE_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCUGEN_TRANSPOSE_MAX_DIMS 6

/**
 * The permutation, reduced at compile time: size-1 dimensions dropped, runs of dimensions that stay adjacent
 * merged, then extended to 6 dimensions by prepending 1s. Output dimension d walks the input with
 * input_stride[d] elements per step (input_stride[d] = input row-major stride of dimension perm[d]).
 */
typedef struct {
    int32_t output_shape[MCUGEN_TRANSPOSE_MAX_DIMS];
    int32_t input_stride[MCUGEN_TRANSPOSE_MAX_DIMS];
} mcugen_transpose_params;

/**
 * @brief output[o0, ..., o5] = input[o0 * input_stride[0] + ... + o5 * input_stride[5]].
 *
 * @param[in]  params  shapes and strides, see mcugen_transpose_params
 * @param[in]  input   int8, row-major
 * @param[out] output  int8, row-major output_shape; must not overlap the input
 */
void mcugen_transpose_s8(const mcugen_transpose_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_TRANSPOSE_S8_H */
