/**
 * @file mcugen_arm_common.h
 * @brief What the mcugen_arm_* kernels (Cortex-M cores with the DSP extension) share: int8 word access and
 *        TFLite Micro's requantization in four instructions, under two conditions proven at compile time
 *        (mcugen/kernels/arm/arm_dsp.py, fast_requantize_problem).
 *
 * mcugen_requantize (mcugen_common.h) computes RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^ls, m),
 * rs): first the high word of 2 * x * m rounded to nearest with halves up, i.e. floor((x * m + 2^30) / 2^31),
 * then a right shift by rs rounding halves away from zero. Here:
 *
 * - the right shift is at least 1 for every channel (a shift <= -1, so there is no left shift), and
 * - every accumulator satisfies |acc| < 2^30 (the compile-time bound |bias| + 128 * sum |weights| of the channel).
 *
 * Then 2 * acc fits int32 and SMMULR(2 * acc, m) = floor((2 * acc * m + 2^31) / 2^32) = floor((acc * m + 2^30) /
 * 2^31), the first rounding exactly (m in [2^30, 2^31) is never INT32_MIN, so the saturating case cannot occur).
 * Its result h satisfies |h| <= |acc| < 2^30. With h = q * 2^rs + r (0 <= r < 2^rs), the reference adds one to q
 * when r > 2^(rs-1) - 1 + (h < 0); that is floor((h + 2^(rs-1) - (h < 0)) / 2^rs), which cannot overflow since
 * |h| + 2^(rs-1) <= 2^30 + 2^30 - 1. Adding h >> 31 (0 or -1) subtracts the (h < 0).
 */
#ifndef MCUGEN_ARM_COMMON_H
#define MCUGEN_ARM_COMMON_H

#include <stdint.h>
#include <string.h>

#if !defined(__ARM_FEATURE_DSP)
#error "mcugen_arm_* kernels need a Cortex-M core with the DSP extension (Cortex-M4, M7, M33)"
#endif

#include <arm_acle.h>

/** Four int8 values from a possibly unaligned address (one LDR: these cores allow unaligned word loads). */
static inline int32_t mcugen_arm_read_s8x4(const int8_t *p)
{
    int32_t word;
    memcpy(&word, p, sizeof(word));
    return word;
}

/** Bytes 1 and 3 of a word sign-extended to two int16 halves (__sxtb16 gives bytes 0 and 2). */
static inline int32_t mcugen_arm_sxtb16_odd(int32_t word)
{
    int32_t result;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(word));
    return result;
}

/** acc * multiplier * 2^(-31 - right_shift) rounded as TFLM's MultiplyByQuantizedMultiplier with shift =
 *  -right_shift; needs right_shift in [1, 31] and |acc| < 2^30 (file comment). */
static inline int32_t mcugen_arm_requantize(int32_t acc, int32_t multiplier, int32_t right_shift)
{
    int32_t high;
    __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(acc * 2), "r"(multiplier));
    const int32_t nudged = high + (high >> 31) + (int32_t)((uint32_t)1 << (right_shift - 1));
    return nudged >> right_shift;
}

/** The requantized accumulator plus the output zero point, clamped to [act_min, act_max], narrowed. */
static inline int8_t mcugen_arm_requantize_s8(int32_t acc, int32_t multiplier, int32_t right_shift,
                                              int32_t output_offset, int32_t act_min, int32_t act_max)
{
    int32_t value = mcugen_arm_requantize(acc, multiplier, right_shift) + output_offset;
    value = value < act_min ? act_min : value;
    value = value > act_max ? act_max : value;
    return (int8_t)value;
}

/**
 * The int8 output of a doubled accumulator acc2 = 2 * acc (|acc| < 2^30), saturated to [-128, 127], for a right
 * shift s = pre_shift + 1 and output zero point z given as rounding_offset = 2 * z + 1. With h = SMMULR(acc2, m)
 * (the first rounding, as in mcugen_arm_requantize), TFLite Micro's rounding of h / 2^s with halves away from zero
 * is floor((h - (h < 0) + 2^(s-1)) / 2^s) = floor((t + 1) / 2) where t = (h - (h < 0)) >> (s - 1); adding z gives
 * floor((t + 2z + 1) / 2), which SSAT computes and saturates in one instruction.
 */
static inline int32_t mcugen_arm_requantize_doubled_s8(int32_t acc2, int32_t multiplier, int32_t pre_shift,
                                                       int32_t rounding_offset)
{
    int32_t high;
    __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(acc2), "r"(multiplier));
    const int32_t halves = ((high + (high >> 31)) >> pre_shift) + rounding_offset;
    int32_t result;
    __asm__("ssat %0, #8, %1, asr #1" : "=r"(result) : "r"(halves));
    return result;
}

/** `value` (an int8) in each of the four bytes of a word. */
static inline int32_t mcugen_arm_s8x4(int32_t value)
{
    return (int32_t)(((uint32_t)value & 0xFFu) * 0x01010101u);
}

/** Four int8 values (int32s in [-128, 127]) as the bytes of one word, v0 lowest. */
static inline int32_t mcugen_arm_pack_s8x4(int32_t v0, int32_t v1, int32_t v2, int32_t v3)
{
    uint32_t even, odd;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(even) : "r"(v0), "r"(v2));
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(odd) : "r"(v1), "r"(v3));
    return (int32_t)((even & 0x00FF00FFu) | ((odd & 0x00FF00FFu) << 8));
}

/** Each int8 byte of `values` clamped to the bytes of [bounds_min, bounds_max] (SSUB8 sets the GE flags that SEL
 *  reads: two instructions per bound for four values). */
static inline int32_t mcugen_arm_clamp_s8x4(int32_t values, int32_t bounds_min, int32_t bounds_max)
{
    (void)__ssub8(values, bounds_min); /* GE where values >= min */
    values = (int32_t)__sel(values, bounds_min);
    (void)__ssub8(values, bounds_max); /* GE where values >= max */
    return (int32_t)__sel(bounds_max, values);
}

#endif /* MCUGEN_ARM_COMMON_H */
