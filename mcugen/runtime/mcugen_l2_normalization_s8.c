#include "mcugen_l2_normalization_s8.h"

#include "mcugen_common.h"

/*
 * 1 / sqrt(sum) as a multiplier and left shift, as TFLite's GetInvSqrtQuantizedMultiplierExp: the sum is brought
 * into [2^27, 2^29) by shifts of two bits (each one bit of the result's exponent), read as a Q3.28 value, and five
 * Newton-Raphson steps x = 3/2 x - (sum / 2) x^3 from x = 1 give 1 / sqrt; a final factor sqrt(2) / 2 accounts
 * for reading the sum halved. Sums of 0 and 1 give the largest multiplier.
 */
static void inverse_sqrt(int32_t sum, int32_t *multiplier, int32_t *shift)
{
    if (sum <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t right_shift = 11;
    while (sum >= (INT32_C(1) << 29)) {
        sum /= 4;
        ++right_shift;
    }
    const int32_t leading_zeros = mcugen_count_leading_zeros((uint32_t)sum);
    const int32_t pairs = (leading_zeros - 1) / 2 - 1;
    right_shift -= pairs;
    sum <<= 2 * pairs;
    const int32_t value = sum >> 1;
    const int32_t half_value = mcugen_rounding_shift_right(value, 1);
    const int32_t three_halves = (INT32_C(1) << 28) + (INT32_C(1) << 27);
    int32_t x = INT32_C(1) << 28; /* 1 in Q3.28 */
    for (int32_t step = 0; step < 5; ++step) {
        const int32_t x3 =
            mcugen_saturating_shift_left(mcugen_doubling_high_mul(mcugen_doubling_high_mul(x, x), x), 6);
        const int32_t difference = (int32_t)((uint32_t)mcugen_doubling_high_mul(three_halves, x) -
                                             (uint32_t)mcugen_doubling_high_mul(half_value, x3));
        x = mcugen_saturating_shift_left(difference, 3);
    }
    x = mcugen_doubling_high_mul(x, 1518500250); /* sqrt(2) / 2 in Q0.31 */
    if (right_shift < 0) {
        x = (int32_t)((uint32_t)x << -right_shift);
        right_shift = 0;
    }
    *multiplier = x;
    *shift = -right_shift;
}

void mcugen_l2_normalization_s8(const mcugen_l2_normalization_s8_params *params, const int8_t *input,
                                int8_t *output)
{
    const int32_t depth = params->depth;
    const int32_t input_zero_point = params->input_zero_point;
    for (int32_t row = 0; row < params->rows; ++row) {
        const int8_t *x = input + row * depth;
        int8_t *y = output + row * depth;
        /* Each square is below 2^16: the sum is exact for rows below 2^15 values. */
        int32_t sum = 0;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t value = x[c] - input_zero_point;
            sum += value * value;
        }
        int32_t multiplier, shift;
        inverse_sqrt(sum, &multiplier, &shift);
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t scaled = mcugen_requantize(x[c] - input_zero_point, multiplier, shift + 7);
            y[c] = (int8_t)mcugen_clamp_s32(scaled, INT8_MIN, INT8_MAX);
        }
    }
}
