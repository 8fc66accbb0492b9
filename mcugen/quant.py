"""Quantization arithmetic done at compile time, with the exact rounding of the TFLite Micro reference.

Sign convention everywhere in mcugen: a `shift` is positive for a left shift (multiply by 2**shift) and negative
for a right shift, so real_multiplier ~= multiplier * 2**(shift - 31).
"""

from __future__ import annotations

import math

import numpy as np

from mcugen.errors import UnsupportedModelError

INT8_MIN, INT8_MAX = -128, 127
# The largest left shift of a requantization: the kernels shift a 32-bit value, so a larger one is undefined in C
# (in mcugen's kernels, CMSIS-NN's and TFLite Micro's alike).
MAX_LEFT_SHIFT = 31

# TFLite fused activation names, as the reader reports them.
ACTIVATIONS = ("NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT", "RELU_0_TO_1")
# The fused activations TFLite Micro's quantized kernels turn into a clamp. Its range computation silently treats
# any other activation (RELU_0_TO_1 included) as NONE, so mcugen refuses those rather than guess.
CLAMPING_ACTIVATIONS = ("NONE", "RELU", "RELU_N1_TO_1", "RELU6")


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """Split a positive real multiplier into a Q31 mantissa and a power-of-two shift (left-positive).

    Same result as TFLite's QuantizeMultiplier (in its default double-rounding build): frexp, round half away
    from zero, renormalise on overflow, and flush to zero when the shift would be below -31. A shift above
    MAX_LEFT_SHIFT is refused (UnsupportedModelError): there the reference's arithmetic is undefined.
    """
    if real_multiplier == 0.0:
        return 0, 0
    if not math.isfinite(real_multiplier):  # a ratio of scales computed in float32 can overflow
        raise UnsupportedModelError(
            f"a requantization multiplier (a ratio of the tensors' scales) is {real_multiplier}, not a finite number")
    mantissa, shift = math.frexp(real_multiplier)
    q_fixed = _round_half_away(mantissa * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift = 0
        q_fixed = 0
    if shift > MAX_LEFT_SHIFT:
        raise UnsupportedModelError(
            f"a requantization multiplier of {real_multiplier:.6g} (input scale x weight scale / output scale, or "
            f"alike) is 2^{shift - 1} or more: TFLite Micro shifts int32 values left by {shift} there, which is "
            f"undefined, so mcugen cannot match it (below 2^{MAX_LEFT_SHIFT} only)")
    return int(q_fixed), int(shift)


def _round_half_away(x: float) -> int:
    """std::round semantics (TfLiteRound): halves go away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def multiply_by_quantized_multiplier(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """Python model of the C requantization (for tests): SaturatingRoundingDoublingHighMul then rounding shift.
    The left shift of a positive `shift` wraps to int32, as the reference's int32 multiplication does."""
    x = np.asarray(x, dtype=np.int64)
    left = max(shift, 0)
    right = max(-shift, 0)
    a = (x * (1 << left)).astype(np.int64)
    a = ((a + (1 << 31)) % (1 << 32)) - (1 << 31)
    ab = a * np.int64(multiplier)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    high = (ab + nudge)
    # C integer division truncates toward zero.
    high = np.where(high >= 0, high // (1 << 31), -((-high) // (1 << 31)))
    overflow = (a == -(1 << 31)) & (multiplier == -(1 << 31))
    high = np.where(overflow, (1 << 31) - 1, high)
    if right == 0:
        return high
    mask = (1 << right) - 1
    remainder = high & mask
    threshold = (mask >> 1) + (high < 0)
    return (high >> right) + (remainder > threshold)


def activation_range(activation: str, scale: float, zero_point: int,
                     qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """Quantized clamp bounds of a fused activation, as TFLite's CalculateActivationRangeQuantized: the bounds
    are zero_point + round(value / scale) with the division in float32 and halves rounded away from zero. Only
    the CLAMPING_ACTIVATIONS are accepted (TFLite would treat the others as NONE)."""

    def quantize(value: float) -> int:
        # TFLite divides in float32, not double.
        return zero_point + _round_half_away(float(np.float32(value) / np.float32(scale)))

    if activation == "NONE":
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, quantize(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise ValueError(f"activation {activation} has no quantized clamp range")
