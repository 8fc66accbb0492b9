"""SQUARED_DIFFERENCE of two int8 tensors, each with its own quantization, with broadcasting.

As TFLite Micro's Prepare: both inputs are shifted left by 7 bits and scaled to a common scale (twice the larger
input scale, in double) by multipliers of at most 1/2; their difference is squared and scaled to the output by
twice_max_scale^2 / (2^14 * output_scale), a multiplier that may exceed 1. The result saturates to int8.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.broadcast import BinaryOp, BinaryPortable
from mcugen.quant import quantize_multiplier

LEFT_SHIFT = 7


def squared_difference_multipliers(scale1: float, scale2: float, output_scale: float) -> dict[str, int]:
    twice_max = 2.0 * float(max(np.float32(scale1), np.float32(scale2)))
    # (1 << 14) * output_scale is a float32 product in TFLite (exact: a power of two).
    denominator = float(np.float32(1 << (2 * LEFT_SHIFT)) * np.float32(output_scale))
    fields = {}
    for name, real in (("input1", float(np.float32(scale1)) / twice_max),
                       ("input2", float(np.float32(scale2)) / twice_max),
                       ("output", twice_max * twice_max / denominator)):
        fields[f"{name}_multiplier"], fields[f"{name}_shift"] = quantize_multiplier(real)
    return fields


@register
class SquaredDifference(BinaryOp):
    kind = "SQUARED_DIFFERENCE"
    options_table = "SquaredDifferenceOptions"

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        return {
            "input1_offset": -a.quant.single_zero_point,
            "input2_offset": -b.quant.single_zero_point,
            "left_shift": LEFT_SHIFT,
            **squared_difference_multipliers(a.quant.single_scale, b.quant.single_scale, y.quant.single_scale),
            "output_offset": y.quant.single_zero_point,
        }


@binding
class SquaredDifferencePortable(BinaryPortable):
    kind = "SQUARED_DIFFERENCE"
    source = "mcugen_squared_difference"
