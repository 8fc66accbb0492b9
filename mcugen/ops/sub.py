"""SUB of two int8 tensors (each with its own quantization) or two int16 tensors (zero points 0), with
broadcasting.

As TFLite Micro's sub Prepare: both inputs are shifted left (20 bits for int8, 15 for int16), scaled to a common
scale (twice the larger input scale) by multipliers of at most 1/2, subtracted, and the difference scaled to the
output by twice_max_scale / (2^left_shift * output_scale); the multipliers are ADD's (mcugen/ops/add.py).
"""

from __future__ import annotations

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.add import add_multipliers
from mcugen.ops.base import register
from mcugen.ops.broadcast import BinaryOp, BinaryPortable, fused_range
from mcugen.ops.conv2d import check_activation

LEFT_SHIFT = {"int8": 20, "int16": 15}


@register
class Sub(BinaryOp):
    kind = "SUB"
    options_table = "SubOptions"
    dtypes = ("int8", "int16")

    def check_quant(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> list[str]:
        problems = check_activation(op)
        fields = add_multipliers(a.quant.single_scale, b.quant.single_scale, y.quant.single_scale,
                                 LEFT_SHIFT[y.dtype])
        if fields["output_shift"] > 0:
            problems.append(f"output scale of {y.describe()} is too small for the inputs' scales")
        return problems

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        low, high = fused_range(op, y)
        left_shift = LEFT_SHIFT[y.dtype]
        return {
            "input1_offset": -a.quant.single_zero_point,
            "input2_offset": -b.quant.single_zero_point,
            "left_shift": left_shift,
            **add_multipliers(a.quant.single_scale, b.quant.single_scale, y.quant.single_scale, left_shift),
            "output_offset": y.quant.single_zero_point,
            "activation_min": low,
            "activation_max": high,
        }


@binding
class SubPortable(BinaryPortable):
    kind = "SUB"
    source = "mcugen_sub"
