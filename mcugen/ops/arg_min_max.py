"""ARG_MAX and ARG_MIN of an int8 tensor along one constant axis, into int32 indices (the first index on ties).

TFLite Micro computes them only with an int32 axis into an int32 output; an int64 output (the converter's default
for tf.argmax) is refused with that reason rather than computed without a reference to be bit-exact with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, result

INPUT, AXIS = 0, 1
OUTPUT = 0


@dataclass(frozen=True)
class ArgMinMaxLayer:
    """The input seen as [outer, axis, inner]."""

    outer: int
    axis: int
    inner: int


class _ArgMinMax(OpLowering):
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, axis, y = operand(op, graph, INPUT), operand(op, graph, AXIS), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8",)) + require_dtype(axis, "axis", ("int32",))
        problems += require_dtype(y, "output", ("int32",))
        if problems:
            return [p + " (TFLite Micro's only integer form)" for p in problems]
        if not axis.is_constant or axis.size != 1:
            return [f"axis {axis.describe()} must be a constant holding one value"]
        rank = len(x.shape)
        value = int(axis.data.reshape(-1)[0])
        if not -rank <= value < rank:
            return [f"axis {value} is out of range for input {x.describe()}"]
        value %= rank
        expected = tuple(x.shape[:value]) + tuple(x.shape[value + 1:])
        if tuple(y.shape) != expected:
            return [f"output {y.describe()} is not input {x.describe()} without axis {value}"]
        if x.shape[value] == 0 or y.size == 0:
            return [f"input {x.describe()} must not be empty"]
        return []

    def prepare(self, op: Op, graph: Graph) -> ArgMinMaxLayer:
        x = operand(op, graph, INPUT)
        axis = int(operand(op, graph, AXIS).data.reshape(-1)[0]) % len(x.shape)
        return ArgMinMaxLayer(outer=int(np.prod(x.shape[:axis], dtype=np.int64)), axis=int(x.shape[axis]),
                              inner=int(np.prod(x.shape[axis + 1:], dtype=np.int64)))


@register
class ArgMax(_ArgMinMax):
    kind = "ARG_MAX"
    options_table = "ArgMaxOptions"


@register
class ArgMin(_ArgMinMax):
    kind = "ARG_MIN"
    options_table = "ArgMinOptions"


class _ArgMinMaxPortable(KernelBinding):
    backend = "portable"

    def kernel_name(self, op: Op, layer: ArgMinMaxLayer) -> str:
        return f"mcugen_{self.kind.lower()}_s8"

    def emit(self, op: Op, layer: ArgMinMaxLayer, emit) -> None:
        emit.kernel("mcugen_arg_min_max_s8")
        params = emit.params("mcugen_arg_min_max_params", {"outer": layer.outer, "axis": layer.axis,
                                                            "inner": layer.inner})
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.outputs[OUTPUT]))


@binding
class ArgMaxPortable(_ArgMinMaxPortable):
    kind = "ARG_MAX"


@binding
class ArgMinPortable(_ArgMinMaxPortable):
    kind = "ARG_MIN"
