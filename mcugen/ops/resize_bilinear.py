"""RESIZE_BILINEAR of an int8 NHWC tensor to a constant size, in TFLite Micro's integer arithmetic.

Scales are input / output size (or (in - 1) / (out - 1) with align_corners) in 10 fraction bits, rounded to
nearest; the source coordinate of output i is i * scale (with half_pixel_centers: i * scale + scale / 2 - 0.5,
which may be negative at the border). The two input coordinates blended are its floor (at least 0) and ceiling
(at most the last), both by C's truncating division, and the weight of the second is the coordinate's distance
from the first. These per-row and per-column tables are computed at compile time; the kernel blends four pixels
with 20 fraction bits and rounds half away from zero, as TFLite Micro does.
"""

from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, register
from mcugen.ops.resize_nearest_neighbor import ResizeLayer, emit_resize, prepare_resize, resize_problems

ONE = 1 << 10  # 1.0 in 10 fraction bits


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def bilinear_table(input_size: int, output_size: int, align_corners: bool, half_pixel_centers: bool) -> list[int]:
    """(first, second, weight of second in 1/1024) per output coordinate, flattened."""
    if align_corners and output_size > 1:
        scale = (ONE * (input_size - 1) + (output_size - 1) // 2) // (output_size - 1)
    else:
        scale = (ONE * input_size + output_size // 2) // output_size
    table = []
    for i in range(output_size):
        value = i * scale + scale // 2 - ONE // 2 if half_pixel_centers else i * scale
        low = max(_c_div(value, ONE), 0)
        high = min(_c_div(value + ONE - 1, ONE), input_size - 1)
        table += [low, high, value - ONE * low]
    return table


@register
class ResizeBilinear(OpLowering):
    kind = "RESIZE_BILINEAR"
    options_table = "ResizeBilinearOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        # TFLite Micro blends the stored int8 values and does not rescale, so the quantization may differ
        return resize_problems(op, graph, ("int8",))

    def prepare(self, op: Op, graph: Graph) -> ResizeLayer:
        return prepare_resize(op, graph, bilinear_table)


@binding
class ResizeBilinearPortable(KernelBinding):
    kind = "RESIZE_BILINEAR"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ResizeLayer) -> str:
        return "mcugen_resize_bilinear_s8"

    def emit(self, op: Op, layer: ResizeLayer, emit) -> None:
        emit_resize(op, layer, emit, "mcugen_resize_bilinear_s8", "mcugen_resize_bilinear_params", "channels")
