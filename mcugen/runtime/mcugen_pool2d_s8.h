/**
 * @file mcugen_pool2d_s8.h
 * @brief AVERAGE_POOL_2D and MAX_POOL_2D on int8 or int16 NHWC tensors.
 */
#ifndef MCUGEN_POOL2D_S8_H
#define MCUGEN_POOL2D_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Geometry and clamp bounds of one pooling, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t channels;       /**< same for input and output */
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t pad_top;        /**< rows of implicit padding above the input (SAME padding), else 0 */
    int32_t pad_left;       /**< columns of implicit padding left of the input, else 0 */
    int32_t activation_min; /**< fused activation clamp, in output quantized units */
    int32_t activation_max;
} mcugen_pool2d_params;

/**
 * @brief Average of each filter window over the input elements it covers (padding is not counted), rounded half
 *        away from zero, then clamped to [activation_min, activation_max].
 *
 * Input and output share scale and zero point, so the average of quantized values is the quantized average.
 *
 * @param[in]  params  geometry, see mcugen_pool2d_params
 * @param[in]  input   int8 [batches, input_height, input_width, channels]
 * @param[out] output  int8 [batches, output_height, output_width, channels]
 */
void mcugen_avg_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output);

/**
 * @brief Maximum of each filter window over the input elements it covers (padding never wins), clamped to
 *        [activation_min, activation_max]. Input and output share scale and zero point.
 *
 * @param[in]  params  geometry, see mcugen_pool2d_params
 * @param[in]  input   int8 [batches, input_height, input_width, channels]
 * @param[out] output  int8 [batches, output_height, output_width, channels]
 */
void mcugen_max_pool2d_s8(const mcugen_pool2d_params *params, const int8_t *input, int8_t *output);

/** @brief mcugen_avg_pool2d_s8 on int16 tensors (windows below 2^16 elements). */
void mcugen_avg_pool2d_s16(const mcugen_pool2d_params *params, const int16_t *input, int16_t *output);

/** @brief mcugen_max_pool2d_s8 on int16 tensors. */
void mcugen_max_pool2d_s16(const mcugen_pool2d_params *params, const int16_t *input, int16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_POOL2D_S8_H */
