"""GATHER of an int8 tensor by constant int32 indices: one strided copy per run of indices.

Output = params[batch..., outer..., indices[batch..., i...], inner...] with `axis` and `batch_dims` as in TFLite
Micro (both may be negative). The indices must be constant (they are resolved at compile time; consecutive
indices become one copy) and inside the gathered axis, which TFLite Micro checks while running. TFLite Micro
refuses int64 indices, and so does mcugen.
"""

from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register, result
from mcugen.ops.layout import (
    Copy,
    MoveLayer,
    MovePortable,
    constant_ints,
    require_move_dtypes,
    require_same_quantization,
)

PARAMS, INDICES = 0, 1


def _axes(op: Op, graph: Graph) -> tuple[int, int]:
    x, indices = operand(op, graph, PARAMS), operand(op, graph, INDICES)
    axis, batch_dims = op.options.axis, op.options.batch_dims
    axis = axis + len(x.shape) if axis < 0 else axis
    batch_dims = batch_dims + len(indices.shape) if batch_dims < 0 else batch_dims
    return axis, batch_dims


@register
class Gather(OpLowering):
    kind = "GATHER"
    options_table = "GatherOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, indices, y = operand(op, graph, PARAMS), operand(op, graph, INDICES), result(op, graph)
        problems = require_move_dtypes([x, y], ("int8",))  # TFLite Micro gathers no int16
        if problems:
            return problems
        values, problems = constant_ints(indices, "indices")
        if problems:
            return problems
        if indices.dtype != "int32":
            return [f"indices {indices.describe()} have type {indices.dtype}; TFLite Micro gathers by int32 only"]
        axis, batch_dims = _axes(op, graph)
        if not 0 <= axis < len(x.shape):
            return [f"axis {op.options.axis} is outside the {len(x.shape)} dimensions of {x.describe()}"]
        if not 0 <= batch_dims <= min(axis, len(indices.shape)):
            return [f"batch_dims {op.options.batch_dims} must lie between 0 and axis {axis} (and the indices' rank)"]
        if list(x.shape[:batch_dims]) != list(indices.shape[:batch_dims]):
            return [f"indices {indices.describe()} and params {x.describe()} differ in their {batch_dims} batch "
                    "dimensions"]
        expected = [*x.shape[:axis], *indices.shape[batch_dims:], *x.shape[axis + 1:]]
        if list(y.shape) != expected:
            return [f"output {y.describe()} does not have the gathered shape {expected}"]
        bad = [v for v in values if not 0 <= v < x.shape[axis]]
        if bad:
            return [f"indices {sorted(set(bad))[:5]} are outside axis {axis} of {x.describe()} (size "
                    f"{x.shape[axis]})"]
        return require_same_quantization(x, y)

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x, indices = operand(op, graph, PARAMS), operand(op, graph, INDICES)
        values, _ = constant_ints(indices, "indices")
        axis, batch_dims = _axes(op, graph)
        batches = math.prod(x.shape[:batch_dims])
        outer = math.prod(x.shape[batch_dims:axis])
        size = x.shape[axis]
        inner = math.prod(x.shape[axis + 1:])
        count = math.prod(indices.shape[batch_dims:])
        moves = []
        for b in range(batches):
            chosen = values[b * count:(b + 1) * count]
            k = 0
            while k < count:
                run = 1  # indices k, k+1, ... that pick neighbouring slices make one copy
                while k + run < count and chosen[k + run] == chosen[k] + run:
                    run += 1
                moves.append(Copy(op.inputs[PARAMS], op.outputs[0], (outer, run * inner), (size * inner, 1),
                                  (count * inner, 1), source_offset=(b * outer * size + chosen[k]) * inner,
                                  target_offset=(b * outer * count + k) * inner))
                k += run
        return MoveLayer(tuple(moves), x.itemsize)


@binding
class GatherPortable(MovePortable):
    kind = "GATHER"
