"""MUL of two int8 tensors (each with its own quantization) or two int16 tensors (zero points 0), with
broadcasting.

As TFLite Micro's mul Prepare: the product of the centred inputs is scaled to the output by one multiplier,
input1_scale * input2_scale / output_scale in double precision (it may exceed 1), then the fused activation clamps.
"""

from __future__ import annotations

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.broadcast import BinaryOp, BinaryPortable, fused_range
from mcugen.ops.conv2d import check_activation
from mcugen.quant import quantize_multiplier


@register
class Mul(BinaryOp):
    kind = "MUL"
    options_table = "MulOptions"
    dtypes = ("int8", "int16")

    def check_quant(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> list[str]:
        return check_activation(op)

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        multiplier, shift = quantize_multiplier(
            float(a.quant.scale[0]) * float(b.quant.scale[0]) / float(y.quant.scale[0]))
        low, high = fused_range(op, y)
        return {
            "input1_offset": -a.quant.single_zero_point,
            "input2_offset": -b.quant.single_zero_point,
            "output_offset": y.quant.single_zero_point,
            "multiplier": multiplier,
            "shift": shift,
            "activation_min": low,
            "activation_max": high,
        }


@binding
class MulPortable(BinaryPortable):
    kind = "MUL"
    source = "mcugen_mul"
