"""SUM of an int8 or int16 tensor over constant axes: MEAN's arithmetic and kernel without the division by the count.

TFLite Micro sums in int32, subtracts zero_point * count and scales by input_scale / output_scale (one Q31
multiplier, which may exceed 1); mcugen_mean_s8 does exactly that given the undivided multiplier.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import binding
from mcugen.ops.base import operand, register, result
from mcugen.ops.mean import AXES, INPUT, OUTPUT, Mean, MeanLayer, MeanPortable, group_dimensions, resolve_axes
from mcugen.quant import quantize_multiplier


@register
class Sum(Mean):
    kind = "SUM"

    def prepare(self, op: Op, graph: Graph) -> MeanLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        axes = resolve_axes(operand(op, graph, AXES).data, len(x.shape))
        kept, summed = group_dimensions(tuple(x.shape), axes)
        count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
        multiplier, shift = quantize_multiplier(float(x.quant.scale[0]) / float(y.quant.scale[0]))
        return MeanLayer(kept=tuple(kept), reduced=tuple(summed), sum_offset=-x.quant.single_zero_point * count,
                         multiplier=multiplier, shift=shift, output_zero_point=y.quant.single_zero_point,
                         dtype=y.dtype)


@binding
class SumPortable(MeanPortable):
    kind = "SUM"
