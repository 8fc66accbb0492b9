"""PACK and UNPACK of int8 or int16 tensors: stacking along a new axis, or taking it apart, as strided copies.

PACK stacks `values_count` tensors of one shape into a new axis `axis` (negative: counted from the end of the
output); UNPACK takes axis `axis` of its input apart into `num` outputs. Values are copied without rescaling, so
every tensor must be quantized alike.
"""

from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, register, result
from mcugen.ops.layout import (
    Copy,
    MoveLayer,
    MovePortable,
    graph_tensors,
    require_move_dtypes,
    require_same_quantization,
    row_major_strides,
)

MAX_PIECES = 1024  # no limit in TFLite Micro; one copy call each


def _stack_problems(whole, pieces, axis: int, count: int, count_name: str) -> list[str]:
    """What is wrong with `whole` being `pieces` stacked along `axis` of `whole`."""
    problems = require_move_dtypes([whole, *pieces])
    if problems:
        return problems
    rank = len(whole.shape)
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < rank:
        return [f"axis {axis} is outside the {rank} dimensions of {whole.describe()}"]
    if count not in (0, len(pieces)):
        problems.append(f"{count_name} {count} differs from the {len(pieces)} tensors")
    expected = [n for d, n in enumerate(whole.shape) if d != a]
    if whole.shape[a] != len(pieces):
        problems.append(f"{whole.describe()} has {whole.shape[a]} entries along axis {a}, not {len(pieces)}")
    for piece in pieces:
        if list(piece.shape) != expected:
            problems.append(f"{piece.describe()} does not have shape {expected}")
        else:
            problems += require_same_quantization(piece, whole, "tensor")
    return problems


def _stack_copies(whole_index: int, whole_shape, piece_indices: list[int], axis: int, packing: bool) -> tuple:
    rank = len(whole_shape)
    a = axis + rank if axis < 0 else axis
    strides = row_major_strides(whole_shape)
    shape = tuple(n for d, n in enumerate(whole_shape) if d != a)
    whole_strides = tuple(s for d, s in enumerate(strides) if d != a)
    piece_strides = row_major_strides(shape)
    copies = []
    for k, piece in enumerate(piece_indices):
        if packing:
            copies.append(Copy(piece, whole_index, shape, piece_strides, whole_strides, target_offset=k * strides[a]))
        else:
            copies.append(Copy(whole_index, piece, shape, whole_strides, piece_strides, source_offset=k * strides[a]))
    return tuple(copies)


@register
class Pack(OpLowering):
    kind = "PACK"
    options_table = "PackOptions"
    input_count = (1, MAX_PIECES)

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _stack_problems(result(op, graph), graph_tensors(op, graph), op.options.axis,
                               op.options.values_count, "values_count")

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        y = result(op, graph)
        return MoveLayer(_stack_copies(op.outputs[0], y.shape, list(op.inputs), op.options.axis, True), y.itemsize)


@register
class Unpack(OpLowering):
    kind = "UNPACK"
    options_table = "UnpackOptions"
    input_count = (1, 1)
    output_count = (1, MAX_PIECES)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x = graph.tensors[op.inputs[0]]
        return _stack_problems(x, [graph.tensors[i] for i in op.outputs], op.options.axis, op.options.num, "num")

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x = graph.tensors[op.inputs[0]]
        return MoveLayer(_stack_copies(op.inputs[0], x.shape, list(op.outputs), op.options.axis, False), x.itemsize)


@binding
class PackPortable(MovePortable):
    kind = "PACK"


@binding
class UnpackPortable(MovePortable):
    kind = "UNPACK"
