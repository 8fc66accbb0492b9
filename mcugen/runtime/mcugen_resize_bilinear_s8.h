/**
 * @file mcugen_resize_bilinear_s8.h
 * @brief RESIZE_BILINEAR of an int8 NHWC tensor in TFLite's integer arithmetic (coordinates with 10 fraction
 * bits, products with 20, rounded half away from zero).
 */
#ifndef MCUGEN_RESIZE_BILINEAR_S8_H
#define MCUGEN_RESIZE_BILINEAR_S8_H

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
    int32_t channels;
} mcugen_resize_bilinear_params;

/**
 * @brief Each output pixel blends four input pixels. For output row y, rows[3 * y] and rows[3 * y + 1] are the
 * two input rows blended and rows[3 * y + 2] the weight of the second, in 1/1024 (the first weighs 1024 minus it;
 * with half_pixel_centers it may lie outside [0, 1024] at the border); cols likewise for columns.
 *
 * @param[in]  params  shapes, see mcugen_resize_bilinear_params
 * @param[in]  rows    [output_height * 3] row pairs and weights, computed at compile time
 * @param[in]  cols    [output_width * 3] column pairs and weights
 * @param[in]  source  [batches, input_height, input_width, channels]
 * @param[out] target  [batches, output_height, output_width, channels]; must not overlap source
 */
void mcugen_resize_bilinear_s8(const mcugen_resize_bilinear_params *params, const int32_t *rows,
                               const int32_t *cols, const int8_t *source, int8_t *target);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_RESIZE_BILINEAR_S8_H */
