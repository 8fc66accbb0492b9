"""PRELU of an int8 tensor with an int8 alpha tensor (usually a constant per channel), alpha broadcast.

As TFLite Micro's Prepare: a centred input that is not negative is scaled by input_scale / output_scale, a
negative one is multiplied by the centred alpha and scaled by input_scale * alpha_scale / output_scale (both in
double, then Q31 multipliers); the result saturates to int8.
"""

from __future__ import annotations

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.broadcast import BinaryOp, BinaryPortable
from mcugen.quant import quantize_multiplier


@register
class Prelu(BinaryOp):
    kind = "PRELU"

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        input_scale, alpha_scale = float(a.quant.scale[0]), float(b.quant.scale[0])
        output_scale = float(y.quant.scale[0])
        identity = quantize_multiplier(input_scale / output_scale)
        slope = quantize_multiplier(input_scale * alpha_scale / output_scale)
        return {
            "input_offset": -a.quant.single_zero_point,
            "alpha_offset": -b.quant.single_zero_point,
            "output_offset": y.quant.single_zero_point,
            "identity_multiplier": identity[0],
            "identity_shift": identity[1],
            "alpha_multiplier": slope[0],
            "alpha_shift": slope[1],
        }


@binding
class PreluPortable(BinaryPortable):
    kind = "PRELU"
    source = "mcugen_prelu"
