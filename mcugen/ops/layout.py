"""Ops that only move data, as lists of strided copies decided at compile time.

Slicing, joining, splitting, packing and the space/depth/batch rearrangements compute no values: every output
element is some input element (or a padding value). Each such op describes itself as `Move`s: a copy of an
N-dimensional box from one tensor to another, each side with its own element strides and start offset, or a
`Fill` of a run with one value. `simplify` reduces a copy to the fewest dimensions (size-1 dimensions dropped,
dimensions contiguous on both sides merged, the contiguous innermost run turned into one memcpy), and the
portable binding emits one `mcugen_copy` call per copy. An op module only has to say where its elements go.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import KernelBinding

MAX_DIMS = 6  # MCUGEN_COPY_MAX_DIMS in mcugen_copy.h


@dataclass(frozen=True)
class Copy:
    """target[target_offset + sum(i * target_strides)] = source[source_offset + sum(i * source_strides)] for every
    index i < shape (offsets and strides in elements)."""

    source: int  # tensor index
    target: int
    shape: tuple[int, ...]
    source_strides: tuple[int, ...]
    target_strides: tuple[int, ...]
    source_offset: int = 0
    target_offset: int = 0


@dataclass(frozen=True)
class Fill:
    """target[offset .. offset + count) = value."""

    target: int
    count: int
    value: int
    offset: int = 0


@dataclass(frozen=True)
class MoveLayer:
    """A prepared data-movement op: its moves in execution order and the element size of its tensors."""

    moves: tuple[Copy | Fill, ...]
    element_bytes: int


def row_major_strides(shape) -> tuple[int, ...]:
    strides = []
    step = 1
    for n in reversed(tuple(shape)):
        strides.append(step)
        step *= int(n)
    return tuple(reversed(strides))


def axis_moves(whole: int, pieces: list[int], graph: Graph, axis: int, joining: bool) -> MoveLayer:
    """The copies between tensor `whole` and `pieces` laid one after another along `axis` (may be negative):
    into the whole when joining, out of it otherwise."""
    whole_tensor = graph.tensors[whole]
    rank = len(whole_tensor.shape)
    axis = axis + rank if axis < 0 else axis
    whole_strides = row_major_strides(whole_tensor.shape)
    moves = []
    start = 0
    for index in pieces:
        piece = graph.tensors[index]
        offset = start * whole_strides[axis]
        if joining:
            moves.append(Copy(index, whole, tuple(piece.shape), row_major_strides(piece.shape), whole_strides,
                              target_offset=offset))
        else:
            moves.append(Copy(whole, index, tuple(piece.shape), whole_strides, row_major_strides(piece.shape),
                              source_offset=offset))
        start += piece.shape[axis]
    return MoveLayer(tuple(moves), whole_tensor.itemsize)


@dataclass(frozen=True)
class Reduced:
    """A copy in the kernel's terms: shape, byte strides and the bytes of each innermost run."""

    shape: tuple[int, ...]
    source_strides: tuple[int, ...]
    target_strides: tuple[int, ...]
    run_bytes: int


def simplify(copy: Copy, element_bytes: int) -> Reduced | None:
    """The smallest equivalent copy (None when it copies nothing)."""
    if any(n == 0 for n in copy.shape):
        return None
    dims = [(int(n), int(s), int(t)) for n, s, t in zip(copy.shape, copy.source_strides, copy.target_strides)
            if n != 1]
    merged: list[tuple[int, int, int]] = []
    for n, s, t in dims:
        if merged and merged[-1][1] == s * n and merged[-1][2] == t * n:
            outer_n = merged[-1][0]
            merged[-1] = (outer_n * n, s, t)
        else:
            merged.append((n, s, t))
    run = element_bytes
    if merged and merged[-1][1] == 1 and merged[-1][2] == 1:
        run = merged[-1][0] * element_bytes
        merged.pop()
    return Reduced(tuple(n for n, _, _ in merged), tuple(s * element_bytes for _, s, _ in merged),
                   tuple(t * element_bytes for _, _, t in merged), run)


def split_outer(reduced: Reduced) -> list[tuple[int, int, Reduced]]:
    """(source byte offset, target byte offset, copy) pieces of at most MAX_DIMS dimensions each."""
    extra = len(reduced.shape) - MAX_DIMS
    if extra <= 0:
        return [(0, 0, reduced)]
    inner = Reduced(reduced.shape[extra:], reduced.source_strides[extra:], reduced.target_strides[extra:],
                    reduced.run_bytes)
    pieces = []
    for index in np.ndindex(*reduced.shape[:extra]):
        source = sum(i * s for i, s in zip(index, reduced.source_strides))
        target = sum(i * t for i, t in zip(index, reduced.target_strides))
        pieces.append((source, target, inner))
    return pieces


def apply_moves(layer: MoveLayer, arrays: dict[int, np.ndarray], outputs: dict[int, np.ndarray]) -> None:
    """Run the moves in numpy (flat arrays by tensor index): the specification the tests check the kernels by."""
    for move in layer.moves:
        target = outputs[move.target]
        if isinstance(move, Fill):
            target[move.offset:move.offset + move.count] = move.value
            continue
        source = arrays[move.source]
        for index in np.ndindex(*move.shape):
            s = move.source_offset + sum(i * k for i, k in zip(index, move.source_strides))
            t = move.target_offset + sum(i * k for i, k in zip(index, move.target_strides))
            target[t] = source[s]


def same_quantization(a: Tensor, b: Tensor) -> bool:
    if a.quant is None or b.quant is None:
        return a.quant is None and b.quant is None
    return (np.array_equal(a.quant.scale, b.quant.scale)
            and np.array_equal(a.quant.zero_point, b.quant.zero_point))


def require_same_quantization(x: Tensor, y: Tensor, role: str = "input") -> list[str]:
    """TFLite Micro's data-movement kernels copy bytes: input and output must be quantized alike."""
    if same_quantization(x, y):
        return []
    return [f"{role} {x.describe()} and output {y.describe()} are quantized differently; this op copies values "
            "without rescaling, so they must match"]


MOVE_DTYPES = ("int8", "int16")


def require_move_dtypes(tensors: list[Tensor | None], allowed: tuple[str, ...] = MOVE_DTYPES) -> list[str]:
    problems = []
    for t in tensors:
        if t is None:
            problems.append("a data tensor is missing")
        elif t.dtype not in allowed:
            problems.append(f"tensor {t.describe()} has type {t.dtype}; supported: {', '.join(allowed)}")
    dtypes = {t.dtype for t in tensors if t is not None}
    if not problems and len(dtypes) > 1:
        problems.append(f"the data tensors mix types {sorted(dtypes)}; they must all have one type")
    return problems


def constant_ints(t: Tensor | None, role: str) -> tuple[list[int] | None, list[str]]:
    """The values of a constant int32/int64 operand, or the reason it cannot be used."""
    if t is None:
        return None, [f"{role} tensor is missing"]
    if t.dtype not in ("int32", "int64"):
        return None, [f"{role} {t.describe()} has type {t.dtype}; supported: int32, int64"]
    if not t.is_constant:
        return None, [f"{role} {t.describe()} must be a constant tensor"]
    return [int(v) for v in np.asarray(t.data).reshape(-1)], []


class MovePortable(KernelBinding):
    """The portable binding shared by every data-movement op (subclasses set `kind`)."""

    backend = "portable"

    def kernel_name(self, op: Op, layer: MoveLayer) -> str:
        return "mcugen_copy"

    def emit(self, op: Op, layer: MoveLayer, emit) -> None:
        for move in layer.moves:
            if isinstance(move, Fill):
                if move.count == 0:
                    continue
                emit.kernel("mcugen_fill")
                params = emit.params("mcugen_fill_params", {
                    "count": move.count, "element_bytes": layer.element_bytes, "value": move.value})
                emit.call("mcugen_fill", params, _at(emit.tensor(move.target), move.offset))
                continue
            reduced = simplify(move, layer.element_bytes)
            if reduced is None:
                continue
            for source_bytes, target_bytes, piece in split_outer(reduced):
                lead = MAX_DIMS - len(piece.shape)
                emit.kernel("mcugen_copy")
                params = emit.params("mcugen_copy_params", {
                    "shape": [1] * lead + list(piece.shape),
                    "source_stride": [0] * lead + list(piece.source_strides),
                    "target_stride": [0] * lead + list(piece.target_strides),
                    "run_bytes": piece.run_bytes,
                })
                source = _byte_at(emit.tensor(move.source), move.source_offset * layer.element_bytes + source_bytes,
                                  "const uint8_t")
                target = _byte_at(emit.tensor(move.target), move.target_offset * layer.element_bytes + target_bytes,
                                  "uint8_t")
                emit.call("mcugen_copy", params, source, target)


def _at(pointer: str, offset: int) -> str:
    return pointer if offset == 0 else f"({pointer} + {offset})"


def _byte_at(pointer: str, offset: int, ctype: str) -> str:
    """`pointer` (any object type) advanced by `offset` bytes, as a `ctype *`."""
    base = f"({ctype} *){pointer}"
    return base if offset == 0 else f"({base} + {offset})"


def graph_tensors(op: Op, graph: Graph) -> list[Tensor]:
    return [graph.tensors[i] for i in op.inputs if i >= 0]
