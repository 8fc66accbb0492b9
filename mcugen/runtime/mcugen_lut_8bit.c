#include "mcugen_lut_8bit.h"

#include "mcugen_common.h"

void mcugen_lut_8bit(const mcugen_lut_8bit_params *params, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const uint8_t *table = params->table;
    for (int32_t i = 0; i < params->size; ++i) {
        out[i] = MCUGEN_READ_WEIGHT_U8(table + in[i]);
    }
}
