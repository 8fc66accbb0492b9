#include "mcugen_resize_nearest.h"

#include <string.h>

void mcugen_resize_nearest(const mcugen_resize_nearest_params *params, const int32_t *rows, const int32_t *cols,
                           const void *source, void *target)
{
    const size_t pixel = (size_t)params->pixel_bytes;
    const size_t in_row = (size_t)params->input_width * pixel;
    const size_t in_image = (size_t)params->input_height * in_row;
    const uint8_t *in = (const uint8_t *)source;
    uint8_t *out = (uint8_t *)target;
    for (int32_t b = 0; b < params->batches; ++b) {
        for (int32_t y = 0; y < params->output_height; ++y) {
            const uint8_t *row = in + (size_t)b * in_image + (size_t)rows[y] * in_row;
            for (int32_t x = 0; x < params->output_width; ++x) {
                memcpy(out, row + (size_t)cols[x] * pixel, pixel);
                out += pixel;
            }
        }
    }
}
