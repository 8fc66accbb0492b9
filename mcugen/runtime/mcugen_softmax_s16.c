#include "mcugen_softmax_s16.h"

#include "mcugen_common.h"

/* Interpolated table value at `value`: its top 9 bits (offset by 256) choose the step, the low 7 bits the
 * position inside it; the slope between neighbouring entries is taken as int16, as TFLite Micro does. */
static int16_t lut_lookup(int32_t value, const int16_t *table)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7f;
    const int32_t base = MCUGEN_READ_WEIGHT_S16(&table[index]);
    const int32_t slope = (int16_t)(MCUGEN_READ_WEIGHT_S16(&table[index + 1]) - base);
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

void mcugen_softmax_s16(const mcugen_softmax_s16_params *params, const int16_t *exp_table,
                        const int16_t *reciprocal_table, const int16_t *input, int16_t *output)
{
    const int32_t depth = params->depth;
    for (int32_t row = 0; row < params->rows; ++row) {
        const int16_t *x = input + row * depth;
        int16_t *y = output + row * depth;
        int32_t maximum = INT16_MIN;
        for (int32_t c = 0; c < depth; ++c) {
            maximum = mcugen_max_s32(maximum, x[c]);
        }
        /* The exponentials go to the output first; their Q16.15 sum cannot overflow below 65536 elements. */
        int32_t sum = 0;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t scaled = mcugen_requantize(x[c] - maximum, params->input_multiplier, params->input_shift);
            y[c] = lut_lookup(mcugen_clamp_s32(scaled + 32767, INT16_MIN, INT16_MAX), exp_table);
            sum += y[c];
        }
        /* The sum normalised to [1, 2) in Q1.15 (headroom from the leading zeros), minus 1 and recentred for the
         * 1 / (1 + x) table. */
        const int32_t headroom_plus_one = mcugen_count_leading_zeros((uint32_t)sum);
        const int32_t shifted = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (INT32_C(1) << 13)) >> 14);
        const int32_t offset = (INT32_C(1) << 15) + (INT32_C(1) << 16);
        const int32_t centred = mcugen_clamp_s32(shifted - offset, INT16_MIN, INT16_MAX);
        const int32_t reciprocal = lut_lookup(centred, reciprocal_table);
        const int32_t right_shift = 31 - headroom_plus_one;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t value =
                (int32_t)(((int64_t)y[c] * reciprocal + ((int64_t)1 << (right_shift - 1))) >> right_shift);
            y[c] = (int16_t)mcugen_clamp_s32(value, 0, INT16_MAX);
        }
    }
}
