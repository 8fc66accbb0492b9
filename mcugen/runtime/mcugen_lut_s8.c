#include "mcugen_lut_s8.h"

#include "mcugen_common.h"

void mcugen_lut_s8(int32_t size, const int8_t *table, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < size; ++i) {
        output[i] = MCUGEN_READ_WEIGHT_S8(table + (int32_t)input[i] + 128);
    }
}
