"""BATCH_MATMUL on int8 tensors quantized per tensor: output[..., r, c] = sum_k lhs[..., r, k] * rhs[..., k, c]
with `adj_x` / `adj_y` reading an operand transposed in its last two dimensions, and numpy broadcasting of the
batch dimensions (ranks 2 to 5). Either operand may be constant or an activation; both may have zero points.

Quantization as TFLite Micro's BatchMatMulPrepare: one multiplier from GetQuantizedConvolutionMultipler (the lhs
and rhs scales multiplied in float32, then divided by the output scale in double), no fused activation (the clamp
is the int8 range). TFLite Micro transposes operands into persistent copies and flattens broadcast batches before
its reference loop; both leave every output value the same sum of the same products, which mcugen's kernel reads
through strides instead. Every product is at most 255 * 255, so the reduction depth is limited to keep the sum
inside int32.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.fixedpoint import INT32_MAX
from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import Emitter, OpLowering, operand, register, require_per_tensor_quant, result
from mcugen.ops.fully_connected import layer_multipliers

LHS, RHS = 0, 1
OUTPUT = 0
MAX_RANK = 5
BATCH_DIMS = MAX_RANK - 2  # the kernel walks three batch dimensions; lower ranks are padded with ones
MAX_DEPTH = INT32_MAX // (255 * 255)  # 33025: every (value - zero point) product lies in [-255*255, 255*255]


@dataclass(frozen=True, eq=False)
class BatchMatMulLayer:
    """A prepared BATCH_MATMUL: three (broadcast) batch dimensions, the matrix sizes, and element strides of each
    operand (a stride of 0 repeats a broadcast batch)."""

    batch_dims: tuple[int, int, int]
    lhs_batch_strides: tuple[int, int, int]
    rhs_batch_strides: tuple[int, int, int]
    rows: int
    cols: int
    depth: int
    lhs_row_stride: int
    lhs_depth_stride: int
    rhs_depth_stride: int
    rhs_col_stride: int
    lhs_offset: int
    rhs_offset: int
    output_offset: int
    multiplier: int
    shift: int


def _extended(shape: tuple[int, ...]) -> tuple[int, ...]:
    return (1,) * (MAX_RANK - len(shape)) + tuple(shape)


def _matrix(shape: tuple[int, ...], adjoint: bool) -> tuple[int, int]:
    """(rows, cols) of the operand as the product reads it."""
    return (shape[-1], shape[-2]) if adjoint else (shape[-2], shape[-1])


def _batch_strides(shape: tuple[int, ...], out_batches: tuple[int, ...]) -> tuple[int, int, int]:
    ext = _extended(shape)
    matrix = ext[-1] * ext[-2]
    strides = []
    for axis in range(BATCH_DIMS):
        inner = matrix
        for later in ext[axis + 1:BATCH_DIMS]:
            inner *= later
        strides.append(0 if ext[axis] == 1 and out_batches[axis] != 1 else inner)
    return tuple(strides)


@register
class BatchMatMul(OpLowering):
    kind = "BATCH_MATMUL"
    options_table = "BatchMatMulOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        lhs, rhs, y = operand(op, graph, LHS), operand(op, graph, RHS), result(op, graph, OUTPUT)
        problems = []
        for tensor, role in ((lhs, "lhs"), (rhs, "rhs"), (y, "output")):
            if tensor is None or tensor.dtype != "int8":
                problems.append(f"{role} tensor {tensor.describe() if tensor else ''} must be int8; supported: "
                                f"int8 (int16 and float BATCH_MATMUL are not)")
            else:
                problems += require_per_tensor_quant(tensor, role)
        if problems:
            return problems
        if not (2 <= len(lhs.shape) <= MAX_RANK and 2 <= len(rhs.shape) <= MAX_RANK):
            return [f"operands {lhs.describe()} and {rhs.describe()} must have between 2 and {MAX_RANK} dimensions"]
        rows, depth = _matrix(lhs.shape, op.options.adj_x)
        depth_rhs, cols = _matrix(rhs.shape, op.options.adj_y)
        if depth != depth_rhs:
            problems.append(f"lhs {lhs.describe()} (adj_x={op.options.adj_x}) and rhs {rhs.describe()} "
                            f"(adj_y={op.options.adj_y}) do not agree on the reduction dimension")
        rank = max(len(lhs.shape), len(rhs.shape))
        left, right = _extended(lhs.shape)[MAX_RANK - rank:-2], _extended(rhs.shape)[MAX_RANK - rank:-2]
        if any(a != b and 1 not in (a, b) for a, b in zip(left, right)):
            problems.append(f"the batch dimensions of lhs {lhs.describe()} and rhs {rhs.describe()} do not "
                            f"broadcast")
        if problems:
            return problems
        expected = tuple(max(a, b) for a, b in zip(left, right)) + (rows, cols)
        if tuple(y.shape) != expected:
            problems.append(f"output {y.describe()} does not have the product's shape {list(expected)}")
        if depth > MAX_DEPTH:
            problems.append(f"the reduction depth {depth} exceeds {MAX_DEPTH}: the int32 sum could overflow")
        return problems

    def prepare(self, op: Op, graph: Graph) -> BatchMatMulLayer:
        lhs, rhs, y = operand(op, graph, LHS), operand(op, graph, RHS), result(op, graph, OUTPUT)
        adj_x, adj_y = bool(op.options.adj_x), bool(op.options.adj_y)
        rows, depth = _matrix(lhs.shape, adj_x)
        cols = _matrix(rhs.shape, adj_y)[1]
        out_batches = _extended(y.shape)[:BATCH_DIMS]
        multipliers, shifts = layer_multipliers(lhs.quant.single_scale, rhs.quant.scale, y.quant.single_scale, 1)
        return BatchMatMulLayer(
            batch_dims=out_batches,
            lhs_batch_strides=_batch_strides(lhs.shape, out_batches),
            rhs_batch_strides=_batch_strides(rhs.shape, out_batches),
            rows=rows, cols=cols, depth=depth,
            # Stored [rows, depth] unless adj_x ([depth, rows]); rhs stored [depth, cols] unless adj_y.
            lhs_row_stride=1 if adj_x else depth, lhs_depth_stride=rows if adj_x else 1,
            rhs_depth_stride=1 if adj_y else cols, rhs_col_stride=depth if adj_y else 1,
            lhs_offset=-lhs.quant.single_zero_point, rhs_offset=-rhs.quant.single_zero_point,
            output_offset=y.quant.single_zero_point, multiplier=int(multipliers[0]), shift=int(shifts[0]),
        )


@binding
class BatchMatMulPortable(KernelBinding):
    kind = "BATCH_MATMUL"
    backend = "portable"

    def kernel_name(self, op: Op, layer: BatchMatMulLayer) -> str:
        return "mcugen_batch_matmul_s8"

    def emit(self, op: Op, layer: BatchMatMulLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_batch_matmul_s8")
        fields: dict[str, object] = {}
        for axis in range(BATCH_DIMS):
            fields[f"batch{axis}"] = layer.batch_dims[axis]
            fields[f"lhs_batch_stride{axis}"] = layer.lhs_batch_strides[axis]
            fields[f"rhs_batch_stride{axis}"] = layer.rhs_batch_strides[axis]
        params = emit.params("mcugen_batch_matmul_params", {
            **fields,
            "rows": layer.rows, "cols": layer.cols, "depth": layer.depth,
            "lhs_row_stride": layer.lhs_row_stride, "lhs_depth_stride": layer.lhs_depth_stride,
            "rhs_depth_stride": layer.rhs_depth_stride, "rhs_col_stride": layer.rhs_col_stride,
            "lhs_offset": layer.lhs_offset, "rhs_offset": layer.rhs_offset, "output_offset": layer.output_offset,
            "multiplier": layer.multiplier, "shift": layer.shift,
        })
        emit.call("mcugen_batch_matmul_s8", params, emit.tensor(op.inputs[LHS]), emit.tensor(op.inputs[RHS]),
                  emit.tensor(op.outputs[OUTPUT]))
