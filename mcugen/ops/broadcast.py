"""TFLite's numpy-style broadcasting of two operands, planned once as a loop nest, and the shared shape of the
binary element-wise ops (ADD, SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU).

The output is walked in order as an up-to-6-D box whose per-input strides (0 along a broadcast dimension) are
computed here; neighbouring dimensions that both inputs traverse contiguously (or both repeat) are merged first, so
e.g. [1, 8, 8, 16] * [16] becomes a 2-D loop and two inputs of the output's shape a single flat one. The C side
(mcugen/runtime/mcugen_broadcast.h) runs that nest and applies the op's element function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import KernelBinding
from mcugen.ops.base import (QUANTIZED_RANGE, Emitter, OpLowering, operand, require_dtype, require_per_tensor_quant,
                             result, tensors)
from mcugen.quant import activation_range

INPUT1, INPUT2 = 0, 1
OUTPUT = 0
MAX_DIMS = 6  # MCUGEN_BROADCAST_MAX_DIMS in mcugen_broadcast.h (and MCUGEN_ADD_MAX_DIMS)


def extended(shape: tuple[int, ...], rank: int) -> tuple[int, ...]:
    return (1,) * (rank - len(shape)) + tuple(shape)


def broadcast_shape(shape1: tuple[int, ...], shape2: tuple[int, ...]) -> tuple[int, ...] | None:
    """The shape TFLite gives the result of broadcasting two shapes, or None when they do not broadcast."""
    try:
        return tuple(int(d) for d in np.broadcast_shapes(tuple(shape1), tuple(shape2)))
    except ValueError:
        return None


def broadcast_loops(shape1: tuple[int, ...], shape2: tuple[int, ...],
                    out_shape: tuple[int, ...]) -> tuple[list[int], list[int], list[int]] | None:
    """(extents, input 1 strides, input 2 strides) of the smallest loop nest that walks the output in order,
    or None when the input shapes do not broadcast to the output shape."""
    rank = len(out_shape)
    if max(len(shape1), len(shape2)) > rank:
        return None
    dims = []
    per_input = []
    for shape in (extended(shape1, rank), extended(shape2, rank)):
        strides, step = [0] * rank, 1
        for d in reversed(range(rank)):
            if shape[d] not in (1, out_shape[d]):
                return None
            strides[d] = step if shape[d] != 1 else 0
            step *= shape[d]
        per_input.append(strides)
    for d in range(rank):
        if out_shape[d] == 1:
            continue
        entry = [out_shape[d], per_input[0][d], per_input[1][d]]
        if dims and all(dims[-1][k] == entry[k] * entry[0] for k in (1, 2)):
            dims[-1] = [dims[-1][0] * entry[0], entry[1], entry[2]]
        else:
            dims.append(entry)
    return [e for e, _, _ in dims], [s for _, s, _ in dims], [s for _, _, s in dims]


def check_broadcast(a: Tensor, b: Tensor, y: Tensor) -> list[str]:
    """Why the two inputs cannot be walked into the output (empty when they can)."""
    loops = broadcast_loops(a.shape, b.shape, y.shape)
    if loops is None or broadcast_shape(a.shape, b.shape) != tuple(y.shape):
        return [f"inputs {a.describe()} and {b.describe()} do not broadcast to output {y.describe()}"]
    if len(loops[0]) > MAX_DIMS:
        return [f"broadcasting {a.describe()} with {b.describe()} needs {len(loops[0])} loops; "
                f"at most {MAX_DIMS} are supported"]
    return []


@dataclass(frozen=True)
class BroadcastWalk:
    """The loop nest over the output (outermost first) and the input positions that have the output's shape."""

    extents: tuple[int, ...]
    input1_strides: tuple[int, ...]
    input2_strides: tuple[int, ...]
    full_inputs: tuple[int, ...]

    @classmethod
    def plan(cls, a: Tensor, b: Tensor, y: Tensor) -> BroadcastWalk:
        extents, strides1, strides2 = broadcast_loops(a.shape, b.shape, y.shape)
        rank = len(y.shape)
        full = tuple(position for position, t in ((INPUT1, a), (INPUT2, b))
                     if extended(t.shape, rank) == tuple(y.shape))
        return cls(tuple(extents), tuple(strides1), tuple(strides2), full)

    def c_fields(self) -> dict[str, object]:
        """The mcugen_broadcast struct: extents and strides padded in front to MAX_DIMS."""
        padding = MAX_DIMS - len(self.extents)
        return {
            "extent": [1] * padding + list(self.extents),
            "input1_stride": [0] * padding + list(self.input1_strides),
            "input2_stride": [0] * padding + list(self.input2_strides),
        }


@dataclass(frozen=True)
class BinaryLayer:
    """A prepared binary element-wise op: its element type, the walk, and the op's own constants (the fields of
    its C params struct besides the walk, in declaration order)."""

    dtype: str
    walk: BroadcastWalk
    fields: tuple[tuple[str, object], ...]


class BinaryOp(OpLowering):
    """A binary element-wise op with broadcasting. Subclasses set `kind`, `options_table`, `dtypes` and override
    `check_quant` (extra rules on the quantization) and `constants` (the op's own C fields)."""

    input_count = (2, 2)
    dtypes: ClassVar[tuple[str, ...]] = ("int8",)
    # int16 operands must have zero point 0, as TFLite Micro requires of every 16-bit arithmetic op.
    int16_symmetric: ClassVar[bool] = True

    def check(self, op: Op, graph: Graph) -> list[str]:
        ins, outs = tensors(op, graph)
        if len(ins) != 2:
            return [f"{self.kind} takes 2 inputs, got {len(ins)}"]
        a, b, y = ins[INPUT1], ins[INPUT2], outs[OUTPUT]
        problems = require_dtype(a, "input 1", self.dtypes) + require_dtype(b, "input 2", self.dtypes)
        problems += require_dtype(y, "output", self.dtypes)
        if problems:
            return problems
        if not a.dtype == b.dtype == y.dtype:
            return [f"{self.kind} needs inputs and output of one type, got {a.dtype}, {b.dtype} and {y.dtype}"]
        for t, role in ((a, "input 1"), (b, "input 2"), (y, "output")):
            problems += require_per_tensor_quant(t, role)
            if t.quant is not None and not t.quant.single_scale > 0:
                problems.append(f"{role} tensor {t.describe()} must have a positive scale")
            elif t.quant is not None and t.dtype == "int16" and self.int16_symmetric \
                    and t.quant.single_zero_point != 0:
                problems.append(f"{role} tensor {t.describe()} is int16 with a zero point; "
                                f"TFLite Micro supports only zero point 0 here")
        if problems:
            return problems
        return check_broadcast(a, b, y) + self.check_quant(op, a, b, y)

    def check_quant(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> list[str]:
        return []

    def constants(self, op: Op, a: Tensor, b: Tensor, y: Tensor) -> dict[str, object]:
        raise NotImplementedError

    def prepare(self, op: Op, graph: Graph) -> BinaryLayer:
        a, b, y = operand(op, graph, INPUT1), operand(op, graph, INPUT2), result(op, graph, OUTPUT)
        return BinaryLayer(dtype=y.dtype, walk=BroadcastWalk.plan(a, b, y),
                           fields=tuple(self.constants(op, a, b, y).items()))


SUFFIX = {"int8": "s8", "int16": "s16"}


class BinaryPortable(KernelBinding):
    """Portable binding of a BinaryOp: `<source>_<s8|s16>(params, input1, input2, output)` from runtime file
    `source`, whose params struct `<source>_params` starts with the op's constants and ends with the walk."""

    backend = "portable"
    source: ClassVar[str] = ""

    def kernel_name(self, op: Op, layer: BinaryLayer) -> str:
        return f"{self.source}_{SUFFIX[layer.dtype]}"

    def overlap(self, op: Op, layer: BinaryLayer) -> list[tuple[int, int]]:
        # Output element i is written after element i of each input is read (broadcast inputs excepted).
        return [(position, 0) for position in layer.walk.full_inputs]

    def emit(self, op: Op, layer: BinaryLayer, emit: Emitter) -> None:
        emit.kernel(self.source)
        fields = dict(layer.fields)
        fields["walk"] = layer.walk.c_fields()
        params = emit.params(f"{self.source}_params", fields)
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT1]),
                  emit.tensor(op.inputs[INPUT2]), emit.tensor(op.outputs[OUTPUT]))


def fused_range(op: Op, y: Tensor) -> tuple[int, int]:
    """Clamp bounds of the op's fused activation in the output's quantized units (int8 or int16)."""
    low, high = QUANTIZED_RANGE[y.dtype]
    return activation_range(op.options.fused_activation_function, y.quant.single_scale,
                            y.quant.single_zero_point, low, high)
