"""HARD_SWISH of int8 tensors, x * relu6(x + 3) / 6, as TFLite Micro computes it, tabulated (mcugen/ops/lut.py).

TFLite Micro works in int16 fixed point: the centred input is raised to a "hires" scale (input_scale / 128); one
Q15 multiplier takes it to the output scale, another (with a power-of-two exponent) to the "reluish" scale 3/32768,
where relu6(x + 3) / 6 becomes a value in [0, 1] in Q15; their product, rounded and shifted, is the output. The
multipliers are the float32 scale ratios made Q31 (QuantizeMultiplier) and rounded to Q15. Every step below
repeats that int16 arithmetic for each of the 256 inputs; an output multiplier above 1 is refused, as by TFLite
Micro.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.activation_table import INT8_VALUES, LutOp, LutPortable
from mcugen.ops.base import register
from mcugen.quant import INT8_MAX, INT8_MIN, quantize_multiplier

INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def to_int16(x: int) -> int:
    """Wrap to int16, as a C cast does."""
    return ((int(x) + (1 << 15)) % (1 << 16)) - (1 << 15)


def q15_multiplier(real: float) -> tuple[int, int]:
    """(Q15 multiplier, exponent): QuantizeMultiplier's Q31 mantissa rounded to Q15, saturating near 2^31."""
    q31, exponent = quantize_multiplier(real)
    if q31 >= (1 << 31) - 1 - (1 << 15):
        return INT16_MAX, exponent
    return (q31 + (1 << 15)) >> 16, exponent


def doubling_high_mul_16(a: int, b: int) -> int:
    """Rounding doubling high multiply of two int16 values (halves away from zero), saturating -32768^2."""
    if a == b == INT16_MIN:
        return INT16_MAX
    product = a * b
    nudge = (1 << 14) if product >= 0 else 1 - (1 << 14)
    return to_int16(int((product + nudge) / (1 << 15)))  # C division truncates toward zero


def truncating_high_mul_16(a: int, b: int) -> int:
    """High half of 2 * a * b with the division truncating toward zero (TFLite's non-rounding variant)."""
    if a == b == INT16_MIN:
        return INT16_MAX
    return to_int16(int((a * b) / (1 << 15)))


def rounding_divide_by_pot_16(x: int, exponent: int) -> int:
    """x / 2^exponent, halves away from zero."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def saturating_left_shift_16(x: int, amount: int) -> int:
    return max(INT16_MIN, min(INT16_MAX, x * (1 << amount)))


def hard_swish_multipliers(input_scale: float, output_scale: float) -> tuple[tuple[int, int], tuple[int, int]]:
    """((output multiplier, exponent), (reluish multiplier, exponent)) from the float32 scales."""
    hires = np.float32(np.float32(1.0 / 128.0) * np.float32(input_scale))
    reluish_scale = np.float32(np.float32(3.0) / np.float32(32768.0))
    output = q15_multiplier(float(np.float32(hires / np.float32(output_scale))))
    reluish = q15_multiplier(float(np.float32(hires / reluish_scale)))
    return output, reluish


@register
class HardSwish(LutOp):
    kind = "HARD_SWISH"
    options_table = "HardSwishOptions"

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        (_, output_exponent), (_, reluish_exponent) = hard_swish_multipliers(x.quant.single_scale,
                                                                             y.quant.single_scale)
        if output_exponent > 0:
            return [f"input scale {x.quant.single_scale:g} / 128 is larger than output scale "
                    f"{y.quant.single_scale:g}; TFLite Micro needs it no larger"]
        if not -15 <= reluish_exponent:
            return [f"input scale {x.quant.single_scale:g} is too small for HARD_SWISH's int16 arithmetic"]
        return []

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        (out_mult, out_exp), (relu_mult, relu_exp) = hard_swish_multipliers(x.quant.single_scale,
                                                                            y.quant.single_scale)
        zx, zy = x.quant.single_zero_point, y.quant.single_zero_point
        outputs = []
        for q in INT8_VALUES.tolist():
            hires = to_int16(to_int16(q - zx) * (1 << 7))
            preshift = doubling_high_mul_16(hires, out_mult)
            reluish = hires
            if relu_exp > 0:
                reluish = saturating_left_shift_16(reluish, relu_exp - 1)
            reluish = doubling_high_mul_16(reluish, relu_mult)
            if relu_exp > 0:
                reluish = saturating_left_shift_16(reluish, 1)
            if relu_exp < 0:
                reluish = rounding_divide_by_pot_16(reluish, -relu_exp)
            reluish = to_int16((reluish + (1 << 15)) >> 1)
            value = rounding_divide_by_pot_16(truncating_high_mul_16(reluish, preshift), -out_exp)
            outputs.append(min(max(to_int16(value + zy), INT8_MIN), INT8_MAX))
        return np.asarray(outputs)


@binding
class HardSwishPortable(LutPortable):
    kind = "HARD_SWISH"
