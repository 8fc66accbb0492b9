#include "mcugen_gather.h"

#include <string.h>

void mcugen_gather(const mcugen_gather_params *params, const int32_t *indices, const void *source, void *target)
{
    const size_t inner = (size_t)params->inner_bytes;
    const uint8_t *in = (const uint8_t *)source;
    uint8_t *out = (uint8_t *)target;
    for (int32_t b = 0; b < params->batches; ++b) {
        const int32_t *chosen = indices + (size_t)b * (size_t)params->count;
        for (int32_t o = 0; o < params->outer; ++o) {
            const uint8_t *slab = in + ((size_t)b * (size_t)params->outer + (size_t)o) * (size_t)params->axis_size
                                           * inner;
            for (int32_t k = 0; k < params->count; ++k) {
                const int32_t index = chosen[k];
                if (index >= 0 && index < params->axis_size) {
                    memcpy(out, slab + (size_t)index * inner, inner);
                } else {
                    memset(out, 0, inner);
                }
                out += inner;
            }
        }
    }
}
