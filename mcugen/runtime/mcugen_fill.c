#include "mcugen_fill.h"

#include <string.h>

void mcugen_fill(const mcugen_fill_params *params, void *target)
{
    uint8_t *out = (uint8_t *)target;
    const int32_t count = params->count;
    if (params->element_bytes == 1) {
        memset(out, params->value & 0xFF, (size_t)count);
    } else if (params->element_bytes == 2) {
        const int16_t v = (int16_t)params->value;
        for (int32_t i = 0; i < count; ++i) {
            memcpy(out + (size_t)i * 2u, &v, 2u);
        }
    } else {
        const int32_t v = params->value;
        for (int32_t i = 0; i < count; ++i) {
            memcpy(out + (size_t)i * 4u, &v, 4u);
        }
    }
}
