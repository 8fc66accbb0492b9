"""MAXIMUM and MINIMUM of two int8 or int16 tensors, with broadcasting.

TFLite Micro compares the raw quantized values and never requantizes, which is only meaningful when both inputs
and the output share one quantization (the converter always makes them so); other models are refused rather than
computed in a way that would silently differ from the float model.
"""

from __future__ import annotations

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.broadcast import SUFFIX, BinaryLayer, BinaryOp, BinaryPortable


class _MaximumMinimum(BinaryOp):
    options_table = "MaximumMinimumOptions"
    dtypes = ("int8", "int16")
    int16_symmetric = False

    def check_quant(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> list[str]:
        same = {(t.quant.single_scale, t.quant.single_zero_point) for t in (a, b, y)}
        if len(same) != 1:
            return [f"{self.kind} needs one quantization for inputs {a.describe()}, {b.describe()} and output "
                    f"{y.describe()} (TFLite Micro compares raw values)"]
        return []

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        return {}


@register
class Maximum(_MaximumMinimum):
    kind = "MAXIMUM"


@register
class Minimum(_MaximumMinimum):
    kind = "MINIMUM"


class _MaximumMinimumPortable(BinaryPortable):
    source = "mcugen_maximum_minimum"

    def kernel_name(self, op: Op, layer: BinaryLayer) -> str:
        return f"mcugen_{self.kind.lower()}_{SUFFIX[layer.dtype]}"


@binding
class MaximumPortable(_MaximumMinimumPortable):
    kind = "MAXIMUM"


@binding
class MinimumPortable(_MaximumMinimumPortable):
    kind = "MINIMUM"
