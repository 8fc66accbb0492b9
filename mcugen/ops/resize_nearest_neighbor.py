"""RESIZE_NEAREST_NEIGHBOR of an int8 or int16 NHWC tensor to a constant size: pixel copies by tables.

The input row and column of each output row and column are computed at compile time exactly as TFLite Micro
computes them while running (in float32: scale = in / out, or (in - 1) / (out - 1) with align_corners; the source
coordinate (i + 0.5 with half_pixel_centers) * scale is rounded half away from zero with align_corners, floored
otherwise, then clamped to the image). The kernel only copies pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, result
from mcugen.ops.layout import constant_ints, require_move_dtypes, require_same_quantization

INPUT, SIZE = 0, 1


def nearest_sources(input_size: int, output_size: int, align_corners: bool, half_pixel_centers: bool) -> list[int]:
    """The input coordinate each output coordinate copies (TFLite's float32 arithmetic)."""
    f32 = np.float32
    if align_corners and output_size > 1:
        scale = f32(input_size - 1) / f32(output_size - 1)
    else:
        scale = f32(input_size) / f32(output_size)
    offset = f32(0.5) if half_pixel_centers else f32(0.0)
    sources = []
    for i in range(output_size):
        value = (f32(i) + offset) * scale
        if align_corners:
            value = np.sign(value) * np.floor(np.abs(value) + f32(0.5))  # round half away from zero
        else:
            value = np.floor(value)
        chosen = min(int(value), input_size - 1)
        sources.append(max(0, chosen) if half_pixel_centers else chosen)
    return sources


def resize_problems(op: Op, graph: Graph, dtypes: tuple[str, ...]) -> list[str]:
    """Types, ranks and the constant size every resize op checks alike."""
    x, y = operand(op, graph, INPUT), result(op, graph)
    problems = require_move_dtypes([x, y], dtypes)
    if problems:
        return problems
    if len(x.shape) != 4:
        return [f"input {x.describe()} must have 4 dimensions (NHWC)"]
    size, problems = constant_ints(operand(op, graph, SIZE), "size")
    if problems:
        return problems
    expected = [x.shape[0], *size, x.shape[3]]
    if len(size) != 2 or list(y.shape) != expected:
        return [f"output {y.describe()} does not have the shape {expected} that size {size} gives"]
    if op.options.align_corners and op.options.half_pixel_centers:
        return ["align_corners and half_pixel_centers cannot both be set"]
    return []


@dataclass(frozen=True)
class ResizeLayer:
    """A prepared resize: shapes and the per-row and per-column tables its kernel reads."""

    batches: int
    input_hw: tuple[int, int]
    output_hw: tuple[int, int]
    pixel_bytes: int  # channels * element size
    rows: tuple[int, ...]
    cols: tuple[int, ...]


def prepare_resize(op: Op, graph: Graph, table) -> ResizeLayer:
    """The layer of a resize whose row and column tables come from table(input size, output size,
    align_corners, half_pixel_centers)."""
    x, y = operand(op, graph, INPUT), result(op, graph)
    corners, half = bool(op.options.align_corners), bool(op.options.half_pixel_centers)
    return ResizeLayer(
        x.shape[0], (x.shape[1], x.shape[2]), (y.shape[1], y.shape[2]), x.shape[3] * x.itemsize,
        tuple(table(x.shape[1], y.shape[1], corners, half)), tuple(table(x.shape[2], y.shape[2], corners, half)))


def emit_resize(op: Op, layer: ResizeLayer, emit, kernel: str, params_type: str, depth_field: str) -> None:
    """The call shared by the resize kernels: params, row table, column table, input, output."""
    if math.prod(layer.output_hw) == 0:
        return
    emit.kernel(kernel)
    params = emit.params(params_type, {
        "batches": layer.batches, "input_height": layer.input_hw[0], "input_width": layer.input_hw[1],
        "output_height": layer.output_hw[0], "output_width": layer.output_hw[1], depth_field: layer.pixel_bytes})
    rows = emit.const("rows", np.asarray(layer.rows, dtype=np.int32), "int32_t")
    cols = emit.const("cols", np.asarray(layer.cols, dtype=np.int32), "int32_t")
    emit.call(kernel, params, rows, cols, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[0]))


@register
class ResizeNearestNeighbor(OpLowering):
    kind = "RESIZE_NEAREST_NEIGHBOR"
    options_table = "ResizeNearestNeighborOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        return resize_problems(op, graph, ("int8", "int16")) or require_same_quantization(
            operand(op, graph, INPUT), result(op, graph))

    def prepare(self, op: Op, graph: Graph) -> ResizeLayer:
        return prepare_resize(op, graph, nearest_sources)


@binding
class ResizeNearestNeighborPortable(KernelBinding):
    kind = "RESIZE_NEAREST_NEIGHBOR"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ResizeLayer) -> str:
        return "mcugen_resize_nearest"

    def emit(self, op: Op, layer: ResizeLayer, emit) -> None:
        emit_resize(op, layer, emit, "mcugen_resize_nearest", "mcugen_resize_nearest_params", "pixel_bytes")
