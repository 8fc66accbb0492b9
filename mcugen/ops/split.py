"""SPLIT and SPLIT_V of int8 or int16 tensors along a constant axis: one strided copy per output.

As in TFLite Micro, the axis is a constant tensor and each output takes the next `output.shape[axis]` slices of
the input, so the outputs' sizes along the axis must add up to the input's. SPLIT_V's size_splits must be a
constant that agrees with the outputs (-1 stands for the rest).
"""

from __future__ import annotations

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register
from mcugen.ops.layout import (
    MoveLayer,
    MovePortable,
    axis_moves,
    constant_ints,
    require_move_dtypes,
    require_same_quantization,
)

MAX_OUTPUTS = 1024  # no limit in TFLite Micro; one copy call each


def split_problems(x: Tensor, ys: list[Tensor], axis_values: list[int]) -> list[str]:
    """What is wrong with splitting `x` into `ys` along the axis given by `axis_values` (empty when it fits)."""
    problems = require_move_dtypes([x, *ys])
    if problems:
        return problems
    if len(axis_values) != 1:
        return [f"axis must hold one value, not {len(axis_values)}"]
    rank = len(x.shape)
    axis = axis_values[0] + rank if axis_values[0] < 0 else axis_values[0]
    if not 0 <= axis < rank:
        return [f"axis {axis_values[0]} is outside the {rank} dimensions of {x.describe()}"]
    for y in ys:
        if len(y.shape) != rank or any(a != b for d, (a, b) in enumerate(zip(x.shape, y.shape)) if d != axis):
            problems.append(f"output {y.describe()} does not match input {x.describe()} outside axis {axis}")
        else:
            problems += require_same_quantization(x, y)
    if not problems and sum(y.shape[axis] for y in ys) != x.shape[axis]:
        problems.append(f"the outputs' sizes along axis {axis} do not add up to input {x.describe()}")
    return problems


@register
class Split(OpLowering):
    kind = "SPLIT"
    options_table = "SplitOptions"
    input_count = (2, 2)
    output_count = (1, MAX_OUTPUTS)
    AXIS, INPUT = 0, 1

    def check(self, op: Op, graph: Graph) -> list[str]:
        axis, problems = constant_ints(operand(op, graph, self.AXIS), "axis")
        if problems:
            return problems
        x, ys = operand(op, graph, self.INPUT), [graph.tensors[i] for i in op.outputs]
        problems = split_problems(x, ys, axis)
        if not problems and op.options.num_splits not in (0, len(ys)):
            problems.append(f"num_splits {op.options.num_splits} differs from the {len(ys)} outputs")
        if not problems and len({y.shape[axis[0]] for y in ys}) != 1:
            problems.append("SPLIT outputs must all have the same size along the axis (use SPLIT_V otherwise)")
        return problems

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        axis, _ = constant_ints(operand(op, graph, self.AXIS), "axis")
        return axis_moves(op.inputs[self.INPUT], list(op.outputs), graph, axis[0], False)


@register
class SplitV(OpLowering):
    kind = "SPLIT_V"
    options_table = "SplitVOptions"
    input_count = (3, 3)
    output_count = (1, MAX_OUTPUTS)
    INPUT, SIZES, AXIS = 0, 1, 2

    def check(self, op: Op, graph: Graph) -> list[str]:
        axis, problems = constant_ints(operand(op, graph, self.AXIS), "axis")
        sizes, more = constant_ints(operand(op, graph, self.SIZES), "size_splits")
        if problems or more:
            return problems + more
        x, ys = operand(op, graph, self.INPUT), [graph.tensors[i] for i in op.outputs]
        problems = split_problems(x, ys, axis)
        if problems:
            return problems
        rank = len(x.shape)
        a = axis[0] + rank if axis[0] < 0 else axis[0]
        actual = [y.shape[a] for y in ys]
        if len(sizes) != len(ys) or any(s != n for s, n in zip(sizes, actual) if s != -1):
            problems.append(f"size_splits {sizes} does not match the outputs' sizes {actual} along axis {a}")
        return problems

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        axis, _ = constant_ints(operand(op, graph, self.AXIS), "axis")
        return axis_moves(op.inputs[self.INPUT], list(op.outputs), graph, axis[0], False)


@binding
class SplitPortable(MovePortable):
    kind = "SPLIT"


@binding
class SplitVPortable(MovePortable):
    kind = "SPLIT_V"
