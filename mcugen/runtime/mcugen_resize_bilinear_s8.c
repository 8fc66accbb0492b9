#include "mcugen_resize_bilinear_s8.h"

#define MCUGEN_BILINEAR_ONE 1024 /* 1.0 in the weights' 10 fraction bits */

void mcugen_resize_bilinear_s8(const mcugen_resize_bilinear_params *params, const int32_t *rows,
                               const int32_t *cols, const int8_t *source, int8_t *target)
{
    const int32_t channels = params->channels;
    const int32_t in_row = params->input_width * channels;
    const int32_t in_image = params->input_height * in_row;
    int8_t *out = target;
    for (int32_t b = 0; b < params->batches; ++b) {
        const int8_t *image = source + b * in_image;
        for (int32_t y = 0; y < params->output_height; ++y) {
            const int8_t *top = image + rows[3 * y] * in_row;
            const int8_t *bottom = image + rows[3 * y + 1] * in_row;
            const int64_t wy1 = rows[3 * y + 2];
            const int64_t wy0 = MCUGEN_BILINEAR_ONE - wy1;
            for (int32_t x = 0; x < params->output_width; ++x) {
                const int32_t left = cols[3 * x] * channels;
                const int32_t right = cols[3 * x + 1] * channels;
                const int64_t wx1 = cols[3 * x + 2];
                const int64_t wx0 = MCUGEN_BILINEAR_ONE - wx1;
                /* The corners' weights, 20 fraction bits; the factors' magnitudes stay below 2048, so int64 never
                 * overflows. */
                const int64_t top_left = wy0 * wx0;
                const int64_t bottom_left = wy1 * wx0;
                const int64_t top_right = wy0 * wx1;
                const int64_t bottom_right = wy1 * wx1;
                for (int32_t c = 0; c < channels; ++c) {
                    const int64_t sum = top[left + c] * top_left + bottom[left + c] * bottom_left
                                        + top[right + c] * top_right + bottom[right + c] * bottom_right;
                    const int64_t half = sum > 0 ? (INT64_C(1) << 19) : -(INT64_C(1) << 19);
                    *out++ = (int8_t)((sum + half) / (INT64_C(1) << 20));
                }
            }
        }
    }
}
