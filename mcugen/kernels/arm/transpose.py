"""TRANSPOSE through CMSIS-NN: arm_transpose_s8, on the simplified permutation (mcugen/ops/transpose.py).

arm_transpose_s8 takes up to 4 dimensions in a cmsis_nn_dims: 1 is a copy, 2 a [rows, cols] matrix transpose
(with rows and cols held in uint16_t, and on Helium gathered with 16-bit offsets 0..7 * cols), 3 and 4 a general
walk over the input. Simplification never leaves two neighbouring input dimensions in order, so its 4-D Helium
special case (perm 0, 1, ...) is never taken. Larger ranks and matrices beyond those 16-bit limits are declined.
No overlap: the kernel writes the output in scattered order.
"""

from __future__ import annotations

from mcugen.ir import Op
from mcugen.kernels.base import Target, binding
from mcugen.kernels.arm.common import CmsisNNBinding, dims
from mcugen.ops.base import Emitter
from mcugen.ops.transpose import INPUT, OUTPUT, TransposeLayer

FUNCTION = "arm_transpose_s8"
MAX_DIMS = 4
UINT16_MAX = 0xFFFF
GATHER_LANES = 8  # Helium gathers 8 rows at offsets k * cols, k < 8, in uint16 lanes


def simplified(layer: TransposeLayer) -> tuple[list[int], list[int], list[int]]:
    """(input shape, permutation, output shape) of the simplified transpose: input dimensions are the output
    dimensions ordered by decreasing input stride."""
    out_shape = list(layer.output_shape) or [1]
    strides = list(layer.input_strides) or [1]
    order = sorted(range(len(out_shape)), key=lambda k: -strides[k])  # output dims in input order
    in_shape = [out_shape[k] for k in order]
    perm = [order.index(k) for k in range(len(out_shape))]
    return in_shape, perm, out_shape


def as_dims(shape: list[int]) -> tuple[int, int, int, int]:
    """The shape in cmsis_nn_dims order (n, h, w, c), the trailing fields left at 1."""
    return tuple(shape + [1] * (MAX_DIMS - len(shape)))


@binding
class TransposeCmsisNN(CmsisNNBinding):
    kind = "TRANSPOSE"
    function = FUNCTION

    def supports(self, op: Op, layer: TransposeLayer, target: Target) -> str | None:
        in_shape, _, _ = simplified(layer)
        if len(in_shape) > MAX_DIMS:
            return f"{FUNCTION} handles at most {MAX_DIMS} dimensions; this transpose needs {len(in_shape)}"
        if len(in_shape) == 2:
            rows, cols = in_shape
            limit = UINT16_MAX // (GATHER_LANES - 1) if target.isa == "mve" else UINT16_MAX
            if rows > UINT16_MAX or cols > limit:
                return f"a {rows}x{cols} matrix exceeds {FUNCTION}'s 16-bit row and column indexing"
        return None

    def emit(self, op: Op, layer: TransposeLayer, emit: Emitter) -> None:
        in_shape, perm, out_shape = simplified(layer)
        emit.cmsis_nn(FUNCTION)
        permutation = emit.const("perm", perm, "uint32_t")
        params = emit.params("cmsis_nn_transpose_params", {"num_dims": len(perm),
                                                          "permutations": permutation})
        emit.call(FUNCTION, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]),
                  dims(emit, *as_dims(in_shape)), dims(emit, *as_dims(out_shape)), params)
