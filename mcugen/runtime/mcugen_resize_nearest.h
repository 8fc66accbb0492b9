/**
 * @file mcugen_resize_nearest.h
 * @brief RESIZE_NEAREST_NEIGHBOR of an NHWC tensor: each output pixel is a copy of one input pixel, chosen by
 * row and column tables computed at compile time.
 */
#ifndef MCUGEN_RESIZE_NEAREST_H
#define MCUGEN_RESIZE_NEAREST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t output_height;
    int32_t output_width;
    int32_t pixel_bytes; /**< channels * element size */
} mcugen_resize_nearest_params;

/**
 * @brief target[b, y, x, :] = source[b, rows[y], cols[x], :].
 *
 * @param[in]  params  shapes, see mcugen_resize_nearest_params
 * @param[in]  rows    [output_height] input row of each output row, in [0, input_height)
 * @param[in]  cols    [output_width] input column of each output column, in [0, input_width)
 * @param[in]  source  [batches, input_height, input_width, pixel_bytes]
 * @param[out] target  [batches, output_height, output_width, pixel_bytes]; must not overlap source
 */
void mcugen_resize_nearest(const mcugen_resize_nearest_params *params, const int32_t *rows, const int32_t *cols,
                           const void *source, void *target);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_RESIZE_NEAREST_H */
