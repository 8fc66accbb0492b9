/**
 * @file mcugen_common.h
 * @brief Fixed-point helpers shared by the mcugen int8 kernels.
 *
 * Every int8 kernel ends the same way: an int32 accumulator (a sum of int8 x int8 products plus an int32 bias)
 * is scaled by a real number M = input_scale * weight_scale / output_scale, offset by the output zero point and
 * clamped to the fused activation's range. M is never used as a float on the device: mcugen splits it at compile
 * time (mcugen/quant.py, quantize_multiplier) into a Q31 mantissa `multiplier` in [2^30, 2^31) and a power-of-two
 * `shift` (positive = left), so that M ~= multiplier * 2^(shift - 31).
 *
 * The scaling below reproduces the TensorFlow Lite Micro reference arithmetic bit for bit, including where it
 * rounds twice: first a rounding "doubling high multiply" (the high 32 bits of 2 * x * multiplier, rounded to
 * nearest with halves toward +infinity), then a rounding arithmetic right shift (halves away from zero). A single
 * correctly rounded multiply would differ from it in the last bit for some inputs, so both steps are kept.
 *
 * Portability assumptions (true for gcc and clang on every target mcugen supports, and relied on by TFLM too):
 * int32_t is two's complement, `>>` of a negative value is an arithmetic shift, and converting an out-of-range
 * uint32_t to int32_t wraps modulo 2^32.
 *
 * Why the int32 accumulators of the convolution and fully connected kernels cannot overflow: an accumulator of
 * output channel c only ever holds partial sums of bias[c] and terms weight * input or weight * input_offset, with
 * |input| <= 128 and |input_offset| <= 128 (the offset is minus an int8 zero point). Every partial sum is therefore
 * bounded by |bias[c]| + 256 * sum(|weight|) over the channel's weights. mcugen evaluates that bound for every
 * channel at compile time from the actual weights and refuses the op if it could exceed INT32_MAX. (For a
 * sense of scale: with 127-magnitude weights the bound allows a reduction depth of about 66000.)
 */
#ifndef MCUGEN_COMMON_H
#define MCUGEN_COMMON_H

#include <stdint.h>

#if defined(__AVR__)
#include <avr/pgmspace.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Reads of the network's constants (weights, biases, per-channel multipliers and shifts). On AVR they stay in
 * flash, a separate address space read with LPM (pgm_read_*, near: the first 64 KB); elsewhere they are plain
 * loads, so these macros cost nothing there. Both forms evaluate their argument once (`MCUGEN_READ_WEIGHT_S8(w++)`
 * reads and advances, as `*w++` does). The params structs are not constants of this kind: they stay in RAM.
 */
#if defined(__AVR__)
#define MCUGEN_READ_WEIGHT_S8(p) ((int8_t)pgm_read_byte(p))
#define MCUGEN_READ_WEIGHT_U8(p) ((uint8_t)pgm_read_byte(p))
#define MCUGEN_READ_WEIGHT_S16(p) ((int16_t)pgm_read_word(p))
#define MCUGEN_READ_WEIGHT_S32(p) ((int32_t)pgm_read_dword(p))
#define MCUGEN_READ_WEIGHT_S64(p)                                                                             \
    ((int64_t)(((uint64_t)pgm_read_dword((const uint32_t *)(p) + 1) << 32) | pgm_read_dword((const uint32_t *)(p))))
#else
#define MCUGEN_READ_WEIGHT_S8(p) (*(p))
#define MCUGEN_READ_WEIGHT_U8(p) (*(p))
#define MCUGEN_READ_WEIGHT_S16(p) (*(p))
#define MCUGEN_READ_WEIGHT_S32(p) (*(p))
#define MCUGEN_READ_WEIGHT_S64(p) (*(p))
#endif

/** Smaller of two int32 values. */
static inline int32_t mcugen_min_s32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

/** Larger of two int32 values. */
static inline int32_t mcugen_max_s32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

/** Clamp `value` to [low, high] (the fused activation range of a quantized output). */
static inline int32_t mcugen_clamp_s32(int32_t value, int32_t low, int32_t high)
{
    return value < low ? low : (value > high ? high : value);
}

/**
 * The taps of one window axis that fall inside the input: of the taps t = 0..taps-1 at origin + t * dilation,
 * those in [*first, *end) lie in [0, size). *end <= *first when none does.
 */
static inline void mcugen_clip_taps(int32_t origin, int32_t taps, int32_t dilation, int32_t size, int32_t *first,
                                    int32_t *end)
{
    const int32_t low = origin < 0 ? (dilation - 1 - origin) / dilation : 0;
    const int32_t high = origin < size ? (size - origin + dilation - 1) / dilation : 0;
    *first = low;
    *end = high < taps ? high : taps;
}

/**
 * High 32 bits of 2 * a * b, rounded to nearest with halves toward +infinity, saturating the one overflowing
 * case a == b == INT32_MIN to INT32_MAX.
 *
 * The 64-bit product p is exact. The reference adds 2^30 to a non-negative p, 1 - 2^30 to a negative one, and
 * divides by 2^31 truncating toward zero; both cases equal floor((p + 2^30) / 2^31) (for p < 0, truncation is
 * the ceiling, and ceil((p + 1 - 2^30) / 2^31) == floor((p + 2^30) / 2^31) for integers), which is one
 * arithmetic shift: no sign test and no 64-bit division.
 */
static inline int32_t mcugen_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/** x * 2^exponent saturated to the int32 range, for exponent in [1, 31]. */
static inline int32_t mcugen_saturating_shift_left(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)((UINT32_C(1) << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/** Leading zero bits of a 32-bit value (32 for 0). */
static inline int32_t mcugen_count_leading_zeros(uint32_t value)
{
    int32_t count = 0;
    if (value == 0) {
        return 32;
    }
    while ((value & 0x80000000u) == 0) {
        value <<= 1;
        ++count;
    }
    return count;
}

/**
 * x / 2^exponent rounded to nearest, halves away from zero, for exponent in [0, 31].
 *
 * The arithmetic shift floors; the low bits that were shifted out (`remainder`) decide whether to add one. For a
 * negative x a remainder of exactly half must not round up (that would round the half toward +infinity), hence
 * the threshold is one higher for negative values. Both are in [0, 2^31), so threshold - remainder cannot
 * overflow and its sign bit is the comparison, without a branch.
 */
static inline int32_t mcugen_rounding_shift_right(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)((UINT32_C(1) << exponent) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
    return (x >> exponent) - ((threshold - remainder) >> 31);
}

/**
 * Scale an int32 value by the real multiplier (multiplier, shift): x * multiplier * 2^(shift - 31), rounded as
 * TFLM's MultiplyByQuantizedMultiplier does. A positive shift is applied to x first as a left shift (which, as in
 * the reference, wraps if the value does not fit; mcugen's multipliers keep realistic accumulators far from it),
 * a negative one after the high multiply as a rounding right shift.
 */
static inline int32_t mcugen_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    const int32_t shifted = (int32_t)((uint32_t)x << left_shift);
    return mcugen_rounding_shift_right(mcugen_doubling_high_mul(shifted, multiplier), right_shift);
}

/**
 * mcugen_requantize for a multiplier that is not negative (every multiplier mcugen computes: a Q31 mantissa in
 * [2^30, 2^31), or 0), in fewer instructions; the same result for every x.
 *
 * No product can then saturate. For a right shift by e >= 1 the high multiply's result v is rounded as
 * floor((v + 2^(e-1) - [v < 0]) / 2^e), and with w = v - [v < 0] that is (w >> e) + bit e-1 of w (adding 2^(e-1)
 * carries into bit e exactly when bit e-1 is set), which cannot overflow. [v < 0] may be replaced by [x < 0]:
 * they differ only when -2^30 <= x * multiplier < 0, where v == 0 and both forms round to 0.
 */
static inline int32_t mcugen_requantize_nonnegative(int32_t x, int32_t multiplier, int32_t shift)
{
    if (shift >= 0) {
        const int32_t shifted = (int32_t)((uint32_t)x << shift);
        return (int32_t)(((int64_t)shifted * multiplier + ((int64_t)1 << 30)) >> 31);
    }
    const int32_t exponent = -shift;
    const int32_t w = (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31) + (x >> 31);
    return (w >> exponent) + ((w >> (exponent - 1)) & 1);
}

/**
 * Finish an accumulator into an int8 output: scale (by a multiplier that is not negative, see
 * mcugen_requantize_nonnegative), add the output zero point, clamp to [act_min, act_max] (a subrange of
 * [-128, 127]), narrow.
 */
static inline int8_t mcugen_requantize_s8(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset,
                                          int32_t act_min, int32_t act_max)
{
    const int32_t scaled = mcugen_requantize_nonnegative(acc, multiplier, shift) + output_offset;
    return (int8_t)mcugen_clamp_s32(scaled, act_min, act_max);
}

/**
 * Scale a 64-bit accumulator (the 16x8 kernels: int16 activations, int8 weights, int64 bias) by (multiplier,
 * shift) as TFLM's MultiplyByQuantizedMultiplier does for int64 values: the Q31 multiplier is first rounded to
 * Q15 (halves up; multipliers from 0x7FFF0000 on saturate to 0x7FFF), then the product is shifted right by
 * 15 - shift with halves rounded toward +infinity. shift is in [-31, 7]; |acc| < 2^47 keeps the product inside
 * int64 (|acc| * 2^15 < 2^62).
 */
static inline int32_t mcugen_requantize_s64(int64_t acc, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? (int64_t)((multiplier + (INT32_C(1) << 15)) >> 16) : 0x7FFF;
    const int32_t right_shift = 15 - shift;
    return (int32_t)((acc * reduced + ((int64_t)1 << (right_shift - 1))) >> right_shift);
}

/**
 * Finish a 16x8 accumulator into an int16 output. With `wide` the accumulator is TFLM's int64 one (an int64 bias,
 * or none in a model that declares int64 biases) and is scaled by mcugen_requantize_s64; otherwise it is TFLM's
 * int32 one (an int32 bias), which mcugen has proven at compile time to stay inside int32, scaled as the int8
 * kernels scale theirs. Then offset and clamp to [act_min, act_max] (a subrange of [-32768, 32767]).
 */
static inline int16_t mcugen_requantize_s16(int64_t acc, int32_t wide, int32_t multiplier, int32_t shift,
                                            int32_t output_offset, int32_t act_min, int32_t act_max)
{
    const int32_t scaled = wide ? mcugen_requantize_s64(acc, multiplier, shift)
                                : mcugen_requantize_nonnegative((int32_t)acc, multiplier, shift);
    return (int16_t)mcugen_clamp_s32(scaled + output_offset, act_min, act_max);
}

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_COMMON_H */
