#include "mcugen_softmax_s8.h"

#include "mcugen_common.h"

/*
 * Fixed-point notation: Qm.n is an int32 with m integer bits and n = 31 - m fractional bits, value = raw / 2^n.
 * A doubling high multiply of Qa and Qb raw values gives the Q(a+b) raw value of the product.
 * Additions of fixed-point values of the same format are plain int32 additions, as in the reference.
 */

#define Q0_ONE INT32_MAX         /* 1.0 is not representable in Q0.31: the largest value stands for it */
#define Q2_ONE ((int32_t)1 << 29) /* 1.0 in Q2.29 */

/* Integer add with two's complement wrap-around, as the reference's plain int32 additions behave. */
static int32_t wrapping_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out: a 4th-order Taylor polynomial around -1/8. */
static int32_t exp_on_quarter_interval(int32_t a)
{
    const int32_t exp_minus_one_eighth = 1895147668; /* exp(-1/8) in Q0.31 */
    const int32_t one_third = 715827883;             /* 1/3 in Q0.31 */
    const int32_t x = wrapping_add(a, (int32_t)1 << 28); /* x = a + 1/8 */
    const int32_t x2 = mcugen_doubling_high_mul(x, x);
    const int32_t x3 = mcugen_doubling_high_mul(x2, x);
    const int32_t x4 = mcugen_doubling_high_mul(x2, x2);
    const int32_t x4_over_4 = mcugen_rounding_shift_right(x4, 2);
    /* (x^4/4 + x^3) / 3 + x^2, halved: x^4/24 + x^3/6 + x^2/2 */
    const int32_t cubic_and_quartic = mcugen_doubling_high_mul(wrapping_add(x4_over_4, x3), one_third);
    const int32_t polynomial = mcugen_rounding_shift_right(wrapping_add(cubic_and_quartic, x2), 1);
    const int32_t series = wrapping_add(x, polynomial);
    return wrapping_add(exp_minus_one_eighth, mcugen_doubling_high_mul(exp_minus_one_eighth, series));
}

/* exp(a) for a <= 0 given in Q5.26, result in Q0.31.
 * a = (a mod 1/4 - 1/4) - r with r a non-negative multiple of 1/4 below 32: exp of the first part comes from the
 * polynomial, and each set bit of r (1/4, 1/2, 1, ..., 16) multiplies by the constant exp(-bit value). */
static int32_t exp_on_negative_values(int32_t a)
{
    static const int32_t exp_of_minus_power_of_two[7] = {
        1672461947, /* exp(-1/4) in Q0.31 */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1) */
        290630308,  /* exp(-2) */
        39332535,   /* exp(-4) */
        720401,     /* exp(-8) */
        242,        /* exp(-16) */
    };
    const int32_t one_quarter = (int32_t)1 << 24; /* 1/4 in Q5.26 */
    const int32_t mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
    /* From Q5.26 to Q0.31; the value is in [-1/4, 0), so nothing saturates. */
    int32_t result = exp_on_quarter_interval(mcugen_saturating_shift_left(mod_quarter_minus_quarter, 5));
    const int32_t remainder = mod_quarter_minus_quarter - a;
    for (int32_t bit = 0; bit < 7; ++bit) {
        if (remainder & ((int32_t)1 << (24 + bit))) {
            result = mcugen_doubling_high_mul(result, exp_of_minus_power_of_two[bit]);
        }
    }
    return a == 0 ? Q0_ONE : result;
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out, by three Newton-Raphson steps on the half denominator. */
static int32_t one_over_one_plus_x(int32_t a)
{
    /* (a + 1) / 2, rounded half away from zero */
    const int64_t sum = (int64_t)a + Q0_ONE;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t forty_eight_over_17 = 1515870810;       /* 48/17 in Q2.29 */
    const int32_t minus_thirty_two_over_17 = -1010580540; /* -32/17 in Q2.29 */
    /* Q2.29 estimate of 1 / half_denominator */
    int32_t x = wrapping_add(forty_eight_over_17, mcugen_doubling_high_mul(half_denominator, minus_thirty_two_over_17));
    for (int32_t step = 0; step < 3; ++step) {
        const int32_t half_denominator_times_x = mcugen_doubling_high_mul(half_denominator, x);
        const int32_t one_minus_half_denominator_times_x = Q2_ONE - half_denominator_times_x;
        /* Q4.27 correction brought back to Q2.29 */
        const int32_t correction =
            mcugen_saturating_shift_left(mcugen_doubling_high_mul(x, one_minus_half_denominator_times_x), 2);
        x = wrapping_add(x, correction);
    }
    /* x / 2 as Q1.30 then moved to Q0.31 */
    return mcugen_saturating_shift_left(x, 1);
}

/* The difference scaled to Q5.26: d * 2^left_shift (exact: diff_min keeps it above -2^31) times the multiplier. */
static int32_t scaled_difference(const mcugen_softmax_s8_params *params, int32_t difference)
{
    const int64_t shifted = (int64_t)difference * ((int64_t)1 << params->input_left_shift);
    return mcugen_doubling_high_mul((int32_t)shifted, params->input_multiplier);
}

void mcugen_softmax_s8(const mcugen_softmax_s8_params *params, const int8_t *input, int8_t *output)
{
    const int32_t depth = params->depth;
    for (int32_t row = 0; row < params->rows; ++row) {
        const int8_t *in = input + row * depth;
        int8_t *out = output + row * depth;

        int32_t max_in_row = INT8_MIN;
        for (int32_t c = 0; c < depth; ++c) {
            max_in_row = mcugen_max_s32(max_in_row, in[c]);
        }

        /* Sum of exponentials in Q12.19: each term is at most 1, so up to 4096 terms fit. */
        int32_t sum_of_exps = 0;
        for (int32_t c = 0; c < depth; ++c) {
            const int32_t difference = in[c] - max_in_row;
            if (difference >= params->diff_min) {
                const int32_t exp_q0 = exp_on_negative_values(scaled_difference(params, difference));
                sum_of_exps = wrapping_add(sum_of_exps, mcugen_rounding_shift_right(exp_q0, 12));
            }
        }

        /* sum = 2^bits_over_unit * (1 + fraction): its reciprocal is 1 / (1 + fraction) scaled back. The row
         * maximum contributes exp(0) = 1, so the sum is positive. */
        const int32_t headroom_plus_one = mcugen_count_leading_zeros((uint32_t)sum_of_exps);
        const int32_t bits_over_unit = 12 - headroom_plus_one;
        const int32_t fraction = (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u);
        const int32_t reciprocal = one_over_one_plus_x(fraction);
        /* The product exp * reciprocal is in Q0.31; 2^-8 output units and 2^bits_over_unit give the shift. */
        const int32_t output_shift = bits_over_unit + 31 - 8;

        for (int32_t c = 0; c < depth; ++c) {
            const int32_t difference = in[c] - max_in_row;
            int32_t value = INT8_MIN;
            if (difference >= params->diff_min) {
                const int32_t exp_q0 = exp_on_negative_values(scaled_difference(params, difference));
                const int32_t probability =
                    mcugen_rounding_shift_right(mcugen_doubling_high_mul(reciprocal, exp_q0), output_shift);
                value = mcugen_clamp_s32(probability + INT8_MIN, INT8_MIN, INT8_MAX);
            }
            out[c] = (int8_t)value;
        }
    }
}
