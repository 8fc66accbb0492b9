"""TRANSPOSE of an int8 tensor by a constant permutation.

The permutation is simplified at compile time before it reaches the kernel: size-1 dimensions are dropped and
input dimensions that stay next to each other in the output are merged (NHWC [1, 3, 3, 160] by (0, 3, 1, 2) is a
[9, 160] -> [160, 9] transpose). The kernel then walks the output in order with one input stride per level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_int8_io, result

INPUT, PERM = 0, 1
OUTPUT = 0
MAX_DIMS = 6  # MCUGEN_TRANSPOSE_MAX_DIMS in mcugen_transpose_s8.h


@dataclass(frozen=True)
class TransposeLayer:
    """A prepared TRANSPOSE: the model's shape and permutation, and the smallest equivalent one (merged output
    dimensions with their input strides)."""

    input_shape: tuple[int, ...]
    perm: tuple[int, ...]
    output_shape: tuple[int, ...]
    input_strides: tuple[int, ...]


def simplify_permutation(shape: tuple[int, ...], perm: list[int]) -> tuple[list[int], list[int]]:
    """(output shape, input stride per output dimension) of the smallest equivalent transpose."""
    kept = [d for d in range(len(shape)) if shape[d] > 1]
    renumber = {d: i for i, d in enumerate(kept)}
    sizes = [shape[d] for d in kept]
    order = [renumber[p] for p in perm if shape[p] > 1]
    # Group runs p, p+1, ... of the permutation: each run is one contiguous block of the input.
    runs: list[list[int]] = []
    for p in order:
        if runs and runs[-1][-1] + 1 == p:
            runs[-1].append(p)
        else:
            runs.append([p])
    merged_sizes = {run[0]: int(np.prod([sizes[p] for p in run])) for run in runs}
    heads = sorted(merged_sizes)  # merged input dimensions, in input order
    strides = {}
    stride = 1
    for head in reversed(heads):
        strides[head] = stride
        stride *= merged_sizes[head]
    return [merged_sizes[run[0]] for run in runs], [strides[run[0]] for run in runs]


@register
class Transpose(OpLowering):
    kind = "TRANSPOSE"
    options_table = "TransposeOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, perm, y = operand(op, graph, INPUT), operand(op, graph, PERM), result(op, graph, OUTPUT)
        problems = require_int8_io(x, y)
        problems += require_dtype(perm, "perm", ("int32", "int64"))
        if problems:
            return problems
        if not perm.is_constant:
            return [f"perm {perm.describe()} must be a constant tensor"]
        order = [int(p) for p in np.asarray(perm.data).reshape(-1)]
        if sorted(order) != list(range(len(x.shape))):
            return [f"perm {order} is not a permutation of the {len(x.shape)} input dimensions"]
        expected = tuple(x.shape[p] for p in order)
        if tuple(y.shape) != expected:
            return [f"output {y.describe()} does not have the permuted shape {list(expected)}"]
        out_shape, _ = simplify_permutation(tuple(x.shape), order)
        if len(out_shape) > MAX_DIMS:
            return [f"perm {order} on {x.describe()} needs {len(out_shape)} dimensions; at most {MAX_DIMS} "
                    "are supported"]
        return []

    def prepare(self, op: Op, graph: Graph) -> TransposeLayer:
        x = operand(op, graph, INPUT)
        order = [int(p) for p in np.asarray(operand(op, graph, PERM).data).reshape(-1)]
        out_shape, strides = simplify_permutation(tuple(x.shape), order)
        return TransposeLayer(input_shape=tuple(x.shape), perm=tuple(order), output_shape=tuple(out_shape),
                              input_strides=tuple(strides))


@binding
class TransposePortable(KernelBinding):
    kind = "TRANSPOSE"
    backend = "portable"

    def kernel_name(self, op: Op, layer: TransposeLayer) -> str:
        return "mcugen_transpose_s8"

    def emit(self, op: Op, layer: TransposeLayer, emit) -> None:
        lead = MAX_DIMS - len(layer.output_shape)
        emit.kernel("mcugen_transpose_s8")
        params = emit.params("mcugen_transpose_params", {
            "output_shape": [1] * lead + list(layer.output_shape),
            "input_stride": [0] * lead + list(layer.input_strides),
        })
        emit.call("mcugen_transpose_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
