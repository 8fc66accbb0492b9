/**
 * @file mcugen_add_s8.h
 * @brief ADD of two int8 tensors with different quantizations, element-wise or with numpy-style broadcasting.
 */
#ifndef MCUGEN_ADD_S8_H
#define MCUGEN_ADD_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most dimensions a broadcast ADD iterates over (after mcugen merged the dimensions it could). */
#define MCUGEN_ADD_MAX_DIMS 6

/**
 * Quantization and shape of one ADD, all computed at compile time. Both inputs are brought to a common scale
 * with `left_shift` extra bits of precision (value << left_shift, then each input's multiplier, at most 1/2),
 * summed, and the sum scaled to the output by output_multiplier.
 */
typedef struct {
    int32_t input1_offset;     /**< minus input 1's zero point */
    int32_t input2_offset;     /**< minus input 2's zero point */
    int32_t left_shift;        /**< 20 for int8 */
    int32_t input1_multiplier; /**< Q31 multiplier of input 1 */
    int32_t input1_shift;      /**< its shift, <= 0 */
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_multiplier;
    int32_t output_shift;      /**< <= 0 */
    int32_t output_offset;     /**< the output zero point */
    int32_t activation_min;    /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
    int32_t size;              /**< number of output elements (mcugen_add_s8) */
    /** mcugen_add_broadcast_s8: the output's extents, outermost first, padded in front with 1s. */
    int32_t extent[MCUGEN_ADD_MAX_DIMS];
    /** mcugen_add_broadcast_s8: elements to step in input 1 / input 2 per step along each output dimension;
     *  0 along a dimension the input is broadcast over. */
    int32_t input1_stride[MCUGEN_ADD_MAX_DIMS];
    int32_t input2_stride[MCUGEN_ADD_MAX_DIMS];
} mcugen_add_params;

/**
 * @brief Element-wise sum of two tensors of the same shape: output[i] = clamp(requantize(input1[i] and
 *        input2[i] rescaled to a common scale and summed) + output_zero_point). The output may alias an input.
 *
 * @param[in]  params  quantization and size, see mcugen_add_params
 * @param[in]  input1  int8 [size]
 * @param[in]  input2  int8 [size]
 * @param[out] output  int8 [size]
 */
void mcugen_add_s8(const mcugen_add_params *params, const int8_t *input1, const int8_t *input2, int8_t *output);

/**
 * @brief Sum with broadcasting: the output has shape `extent` ([d0, ..., d5], row-major), and each input is read
 *        through its strides, so an input dimension of size 1 is repeated along the output's. The output may
 *        alias an input that has the output's shape.
 *
 * @param[in]  params  quantization, extents and strides, see mcugen_add_params
 * @param[in]  input1  int8, input 1's own shape
 * @param[in]  input2  int8, input 2's own shape
 * @param[out] output  int8 [d0, d1, d2, d3, d4, d5]
 */
void mcugen_add_broadcast_s8(const mcugen_add_params *params, const int8_t *input1, const int8_t *input2,
                             int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_ADD_S8_H */
