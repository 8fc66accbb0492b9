"""Exact Python models of the fixed-point arithmetic of TFLite Micro's integer kernels (int32 Qm.n values).

Qm.n is an int32 with m integer bits and n = 31 - m fractional bits. Ops whose int8 input has only 256 values
(LOGISTIC, TANH) evaluate the reference arithmetic here, once per possible input at compile time, and emit a table;
the device then only looks values up.
"""

from __future__ import annotations

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
# exp(-2^e) in Q0.31 for e = -2 .. 4
_EXP_OF_MINUS_POWER_OF_TWO = {-2: 1672461947, -1: 1302514674, 0: 790015084, 1: 290630308, 2: 39332535, 3: 720401,
                              4: 242}


def wrap(x: int) -> int:
    """x as an int32 (two's complement wrap-around)."""
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def doubling_high_mul(a: int, b: int) -> int:
    """The high 32 bits of 2ab, rounded to nearest (halves up); saturates the single overflowing case."""
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    return (a * b + (1 << 30)) >> 31


def rounding_shift_right(x: int, exponent: int) -> int:
    """x / 2^exponent rounded to nearest, halves away from zero."""
    if exponent == 0:
        return x
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def saturating_shift_left(x: int, exponent: int) -> int:
    """x * 2^exponent saturated to int32."""
    return max(INT32_MIN, min(INT32_MAX, x << exponent))


def multiply_by_quantized_multiplier(x: int, multiplier: int, shift: int) -> int:
    left, right = max(shift, 0), max(-shift, 0)
    return rounding_shift_right(doubling_high_mul(wrap(x << left), multiplier), right)


def _exp_on_quarter_interval(a: int) -> int:
    """exp(a) for a in [-1/4, 0), Q0.31: the Taylor polynomial around -1/8 of the reference."""
    exp_minus_one_eighth, one_third = 1895147668, 715827883
    x = wrap(a + (1 << 28))
    x2 = doubling_high_mul(x, x)
    x3 = doubling_high_mul(x2, x)
    x4 = doubling_high_mul(x2, x2)
    x4_over_4 = rounding_shift_right(x4, 2)
    cubic_and_quartic = doubling_high_mul(wrap(x4_over_4 + x3), one_third)
    polynomial = rounding_shift_right(wrap(cubic_and_quartic + x2), 1)
    return wrap(exp_minus_one_eighth + doubling_high_mul(exp_minus_one_eighth, wrap(x + polynomial)))


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    """exp(a) for a <= 0 given with `integer_bits` integer bits (at most 5), result in Q0.31."""
    fractional = 31 - integer_bits
    one_quarter = 1 << (fractional - 2)
    mod_quarter_minus_quarter = (a & (one_quarter - 1)) - one_quarter
    result = _exp_on_quarter_interval(saturating_shift_left(mod_quarter_minus_quarter, integer_bits))
    remainder = mod_quarter_minus_quarter - a
    for exponent in range(-2, integer_bits):
        if remainder & (1 << (fractional + exponent)):
            result = doubling_high_mul(result, _EXP_OF_MINUS_POWER_OF_TWO[exponent])
    return INT32_MAX if a == 0 else result


def _reciprocal_of_half_denominator(a: int) -> int:
    """1 / ((1 + a) / 2) for a Q0.31 `a` in [0, 1), in Q2.29, by the reference's three Newton-Raphson steps from
    48/17 - 32/17 * d (the rounding half sum of a and one gives d)."""
    total = a + INT32_MAX
    half_denominator = (total + 1) // 2 if total >= 0 else -((-total + 1) // 2)
    x = wrap(1515870810 + doubling_high_mul(half_denominator, -1010580540))
    for _ in range(3):
        half_denominator_times_x = doubling_high_mul(half_denominator, x)
        one_minus = wrap((1 << 29) - half_denominator_times_x)
        x = wrap(x + saturating_shift_left(doubling_high_mul(x, one_minus), 2))
    return x


def one_over_one_plus_x(a: int) -> int:
    """1 / (1 + a) for a in [0, 1), Q0.31 (the reciprocal of the half denominator, halved)."""
    return saturating_shift_left(_reciprocal_of_half_denominator(a), 1)


def one_minus_x_over_one_plus_x(a: int) -> int:
    """(1 - a) / (1 + a) for a in [0, 1), Q0.31: 2 / (1 + a) - 1."""
    return saturating_shift_left(wrap(_reciprocal_of_half_denominator(a) - (1 << 29)), 2)


def logistic(a: int, integer_bits: int) -> int:
    """1 / (1 + exp(-a)) for a Q(integer_bits) input, as a Q0.31 result."""
    if a == 0:
        return 1 << 30
    magnitude = a if a > 0 else wrap(-a)
    positive = one_over_one_plus_x(exp_on_negative_values(wrap(-magnitude), integer_bits))
    return positive if a > 0 else wrap(INT32_MAX - positive)


def tanh(a: int, integer_bits: int) -> int:
    """tanh(a) for a Q(integer_bits) input (at most 4), as a Q0.31 result: (1 - exp(-2|a|)) / (1 + exp(-2|a|))
    with the sign of a, -2|a| read as a value with one integer bit more (the same raw bits)."""
    if a == 0:
        return 0
    negative_magnitude = a if a < 0 else wrap(-a)
    t = one_minus_x_over_one_plus_x(exp_on_negative_values(negative_magnitude, integer_bits + 1))
    return wrap(-t) if a < 0 else t
