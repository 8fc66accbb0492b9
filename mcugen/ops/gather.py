"""GATHER of an int8 tensor by int32 indices: strided copies for constant indices, a gather kernel otherwise.

Output = params[batch..., outer..., indices[batch..., i...], inner...] with `axis` and `batch_dims` as in TFLite
Micro (both may be negative). Constant indices are resolved at compile time (consecutive ones become one copy) and
must lie inside the gathered axis. Indices computed while running are read by `mcugen_gather`; where one is
outside the axis TFLite Micro stops with an error, and mcugen writes zero bytes for that slice. TFLite Micro
refuses int64 indices and int16 data, and so does mcugen.
"""

from __future__ import annotations

import math

from dataclasses import dataclass

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


@dataclass(frozen=True)
class GatherLayer:
    """A GATHER by indices known only while running, in the terms of mcugen_gather."""

    batches: int
    outer: int
    axis_size: int
    count: int
    inner_bytes: int


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
        if indices is None:
            return ["indices tensor is missing"]
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
        values = [int(v) for v in indices.data.reshape(-1)] if indices.is_constant else []
        bad = [v for v in values if not 0 <= v < x.shape[axis]]
        if bad:
            return [f"indices {sorted(set(bad))[:5]} are outside axis {axis} of {x.describe()} (size "
                    f"{x.shape[axis]})"]
        return require_same_quantization(x, y)

    def prepare(self, op: Op, graph: Graph) -> MoveLayer | GatherLayer:
        x, indices = operand(op, graph, PARAMS), operand(op, graph, INDICES)
        axis, batch_dims = _axes(op, graph)
        batches = math.prod(x.shape[:batch_dims])
        outer = math.prod(x.shape[batch_dims:axis])
        size = x.shape[axis]
        inner = math.prod(x.shape[axis + 1:])
        count = math.prod(indices.shape[batch_dims:])
        if not indices.is_constant:
            return GatherLayer(batches, outer, size, count, inner * x.itemsize)
        values, _ = constant_ints(indices, "indices")
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

    def kernel_name(self, op: Op, layer: MoveLayer | GatherLayer) -> str:
        return "mcugen_gather" if isinstance(layer, GatherLayer) else super().kernel_name(op, layer)

    def emit(self, op: Op, layer: MoveLayer | GatherLayer, emit) -> None:
        if not isinstance(layer, GatherLayer):
            super().emit(op, layer, emit)
            return
        if layer.batches * layer.outer * layer.count * layer.inner_bytes == 0:
            return
        emit.kernel("mcugen_gather")
        params = emit.params("mcugen_gather_params", {
            "batches": layer.batches, "outer": layer.outer, "axis_size": layer.axis_size, "count": layer.count,
            "inner_bytes": layer.inner_bytes})
        emit.call("mcugen_gather", params, emit.tensor(op.inputs[INDICES]), emit.tensor(op.inputs[PARAMS]),
                  emit.tensor(op.outputs[0]))
