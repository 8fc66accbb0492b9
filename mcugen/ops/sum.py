"""SUM of an int8 or int16 tensor over constant axes: MEAN's arithmetic and kernel without the division by the count.

TFLite Micro sums in int32, subtracts zero_point * count and scales by input_scale / output_scale (one Q31
multiplier, which may exceed 1); mcugen_mean_s8 does exactly that given the undivided multiplier.
"""

from __future__ import annotations

from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.mean import Mean, MeanPortable
from mcugen.quant import quantize_multiplier


@register
class Sum(Mean):
    kind = "SUM"

    def multiplier(self, input_scale: float, output_scale: float, count: int) -> tuple[int, int]:
        return quantize_multiplier(input_scale / output_scale)


@binding
class SumPortable(MeanPortable):
    kind = "SUM"
