"""STRIDED_SLICE and SLICE of int8 or int16 tensors: one strided copy each.

STRIDED_SLICE follows TFLite Micro: begin, end and strides are constants; begin_mask, end_mask, shrink_axis_mask
and `offset` are honoured; TFLite Micro ignores ellipsis_mask and new_axis_mask (it slices as if they were 0), so
mcugen does the same and, like TFLite Micro, refuses the op when the output shape then does not match. Negative
strides walk backwards. SLICE takes begin and size (size -1: to the end).
"""

from __future__ import annotations

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
    row_major_strides,
)

INPUT, BEGIN, END, STRIDES = 0, 1, 2, 3
SIZE = 2  # SLICE
MAX_DIMS = 5


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(v, hi))


def slice_axes(shape, begin, end, strides, begin_mask=0, end_mask=0, shrink_mask=0, offset=False):
    """(start, count, stride) per axis, computed as TFLite Micro's reference does."""
    axes = []
    for axis, size in enumerate(shape):
        stride = strides[axis]
        start = begin[axis]
        if start < 0:
            start += size
        start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
        if begin_mask & (1 << axis):
            start = 0 if stride > 0 else size - 1
        if shrink_mask & (1 << axis):
            stop = start if start >= size else start + 1
        else:
            stop = end[axis] + (start if offset else 0)
            if stop < 0:
                stop += size
            stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
            if end_mask & (1 << axis):
                stop = size if stride > 0 else -1
        count = max(0, -(-(stop - start) // stride)) if stride > 0 else max(0, -(-(start - stop) // -stride))
        axes.append((start, count, stride))
    return axes


def _common_problems(x, y) -> list[str]:
    """Types, quantization and rank, as both slicing ops require them."""
    problems = require_move_dtypes([x, y])
    if problems:
        return problems
    if len(x.shape) > MAX_DIMS:
        return [f"input {x.describe()} has {len(x.shape)} dimensions; TFLite Micro slices at most {MAX_DIMS}"]
    return require_same_quantization(x, y)


def _copy_for(op: Op, graph: Graph, axes) -> MoveLayer:
    x = graph.tensors[op.inputs[INPUT]]
    in_strides = row_major_strides(x.shape)
    shape = tuple(count for _, count, _ in axes)
    offset = sum(start * s for (start, _, _), s in zip(axes, in_strides)) if all(shape) else 0
    copy = Copy(op.inputs[INPUT], op.outputs[0], shape, tuple(stride * s for (_, _, stride), s in zip(axes, in_strides)),
                row_major_strides(shape), source_offset=offset)
    return MoveLayer((copy,), x.itemsize)


@register
class StridedSlice(OpLowering):
    kind = "STRIDED_SLICE"
    options_table = "StridedSliceOptions"
    input_count = (4, 4)

    def _params(self, op: Op, graph: Graph):
        begin, p1 = constant_ints(operand(op, graph, BEGIN), "begin")
        end, p2 = constant_ints(operand(op, graph, END), "end")
        strides, p3 = constant_ints(operand(op, graph, STRIDES), "strides")
        return begin, end, strides, p1 + p2 + p3

    def _slice_axes(self, op: Op, shape, begin, end, strides):
        options = op.options
        return slice_axes(shape, begin, end, strides, options.begin_mask, options.end_mask,
                          options.shrink_axis_mask, getattr(options, "offset", False))

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph)
        problems = _common_problems(x, y)
        if problems:
            return problems
        begin, end, strides, problems = self._params(op, graph)
        if problems:
            return problems
        rank = len(x.shape)
        if not len(begin) == len(end) == len(strides) == rank:
            return [f"begin, end and strides must each have {rank} values (one per input dimension)"]
        if any(s == 0 for s in strides):
            return [f"strides {strides} contain 0"]
        options = op.options
        axes = self._slice_axes(op, x.shape, begin, end, strides)
        expected = [count for axis, (_, count, _) in enumerate(axes) if not options.shrink_axis_mask & (1 << axis)]
        if list(y.shape) != expected:
            ignored = " (TFLite Micro ignores ellipsis_mask and new_axis_mask)" if (
                options.ellipsis_mask or options.new_axis_mask) else ""
            return [f"output {y.describe()} does not have the sliced shape {expected}{ignored}"]
        return []

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x = operand(op, graph, INPUT)
        begin, end, strides, _ = self._params(op, graph)
        return _copy_for(op, graph, self._slice_axes(op, x.shape, begin, end, strides))


@register
class Slice(OpLowering):
    kind = "SLICE"
    options_table = "SliceOptions"
    input_count = (3, 3)

    def _axes(self, op: Op, graph: Graph):
        x = operand(op, graph, INPUT)
        begin, p1 = constant_ints(operand(op, graph, BEGIN), "begin")
        size, p2 = constant_ints(operand(op, graph, SIZE), "size")
        if p1 or p2:
            return None, p1 + p2
        if not len(begin) == len(size) == len(x.shape):
            return None, [f"begin and size must each have {len(x.shape)} values (one per input dimension)"]
        axes = []
        for b, n, extent in zip(begin, size, x.shape):
            count = extent - b if n == -1 else n
            if b < 0 or count < 0 or b + count > extent:
                return None, [f"begin {begin} and size {size} reach outside input {x.describe()}"]
            axes.append((b, count, 1))
        return axes, []

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph)
        problems = _common_problems(x, y)
        if problems:
            return problems
        axes, problems = self._axes(op, graph)
        if problems:
            return problems
        expected = [count for _, count, _ in axes]
        if list(y.shape) != expected:
            return [f"output {y.describe()} does not have the sliced shape {expected}"]
        return []

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        axes, _ = self._axes(op, graph)
        return _copy_for(op, graph, axes)


@binding
class StridedSlicePortable(MovePortable):
    kind = "STRIDED_SLICE"


@binding
class SlicePortable(MovePortable):
    kind = "SLICE"
