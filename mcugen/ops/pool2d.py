"""AVERAGE_POOL_2D and MAX_POOL_2D on int8 or int16 NHWC tensors, with SAME/VALID padding and a fused clamp activation.

As in TFLite Micro, input and output share their quantization, so the kernels work on raw quantized values: the
average divides by the number of input elements under the window (padding is not counted) and rounds halves
away from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import (QUANTIZED_RANGE, OpLowering, operand, register, require_dtype, require_per_tensor_quant,
                             result)
from mcugen.ops.conv2d import window_limit_problems
from mcugen.ops.streaming import window_gap
from mcugen.quant import CLAMPING_ACTIVATIONS, activation_range

INPUT, OUTPUT = 0, 0
INT16_WINDOW_LIMIT = 1 << 16  # elements: the int32 sum of an int16 window stays exact below it


def pool_output_size(padding: str, size: int, filter_size: int, stride: int) -> int:
    """Output extent along one axis, as TFLite computes it (no dilation for pooling)."""
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size - filter_size + stride) // stride


def pool_padding_before(size: int, filter_size: int, stride: int, out_size: int) -> int:
    """Implicit padding before the first element: half the total, the odd element going after."""
    total = (out_size - 1) * stride + filter_size - size
    return max(total, 0) // 2


@dataclass(frozen=True)
class PoolLayer:
    """A prepared AVERAGE_POOL_2D or MAX_POOL_2D on NHWC int8 (input and output share their quantization)."""

    batches: int
    input_height: int
    input_width: int
    channels: int
    output_height: int
    output_width: int
    stride_height: int
    stride_width: int
    filter_height: int
    filter_width: int
    pad_top: int
    pad_left: int
    activation_min: int
    activation_max: int
    dtype: str = "int8"

    @property
    def input_shape(self) -> tuple[int, int, int, int]:
        return (self.batches, self.input_height, self.input_width, self.channels)

    @property
    def output_shape(self) -> tuple[int, int, int, int]:
        return (self.batches, self.output_height, self.output_width, self.channels)

    @property
    def filter_hw(self) -> tuple[int, int]:
        return (self.filter_height, self.filter_width)

    @property
    def window(self) -> dict[str, int]:
        return {"stride_height": self.stride_height, "stride_width": self.stride_width,
                "pad_top": self.pad_top, "pad_left": self.pad_left}


class _Pool2D(OpLowering):
    options_table = "Pool2DOptions"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8", "int16")) + require_dtype(y, "output", ("int8", "int16"))
        if not problems and x.dtype != y.dtype:
            problems.append(f"input {x.describe()} and output {y.describe()} must have one type")
        if problems:
            return problems
        problems += require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if problems:
            return problems
        o = op.options
        if len(x.shape) != 4 or len(y.shape) != 4:
            return [f"input {x.describe()} and output {y.describe()} must be 4-D NHWC"]
        if o.padding not in ("SAME", "VALID"):
            problems.append(f"padding {o.padding} is not supported; supported: SAME, VALID")
        if min(o.stride_h, o.stride_w, o.filter_height, o.filter_width) < 1:
            problems.append("strides and filter sizes must be at least 1")
        else:
            problems += window_limit_problems((o.stride_h, o.stride_w), (o.filter_height, o.filter_width), x,
                                              within_input=True)
            if x.dtype == "int16" and o.filter_height * o.filter_width >= INT16_WINDOW_LIMIT:
                problems.append(f"a {o.filter_height}x{o.filter_width} window over int16 values is too large; "
                                f"at most {INT16_WINDOW_LIMIT - 1} elements are supported")
        if o.fused_activation_function not in CLAMPING_ACTIVATIONS:
            problems.append(f"fused activation {o.fused_activation_function} is not supported; "
                            f"supported: {', '.join(CLAMPING_ACTIVATIONS)}")
        if abs(x.quant.single_scale - y.quant.single_scale) > 1e-6 or \
                x.quant.single_zero_point != y.quant.single_zero_point:
            problems.append(f"input {x.describe()} and output {y.describe()} must share scale and zero point")
        if problems:
            return problems
        expected = (x.shape[0],
                    pool_output_size(o.padding, x.shape[1], o.filter_height, o.stride_h),
                    pool_output_size(o.padding, x.shape[2], o.filter_width, o.stride_w),
                    x.shape[3])
        if tuple(y.shape) != expected:
            problems.append(f"output {y.describe()} does not have the pooled shape {list(expected)}")
        elif min(expected[1:3]) < 1:
            problems.append(f"the {o.filter_height}x{o.filter_width} filter does not fit input {x.describe()}")
        return problems

    def prepare(self, op: Op, graph: Graph) -> PoolLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        o = op.options
        batches, in_h, in_w, channels = x.shape
        _, out_h, out_w, _ = y.shape
        act_min, act_max = activation_range(o.fused_activation_function, y.quant.single_scale,
                                            y.quant.single_zero_point, *QUANTIZED_RANGE[y.dtype])
        return PoolLayer(
            batches=batches, input_height=in_h, input_width=in_w, channels=channels,
            output_height=out_h, output_width=out_w, stride_height=o.stride_h, stride_width=o.stride_w,
            filter_height=o.filter_height, filter_width=o.filter_width,
            pad_top=pool_padding_before(in_h, o.filter_height, o.stride_h, out_h),
            pad_left=pool_padding_before(in_w, o.filter_width, o.stride_w, out_w),
            activation_min=act_min, activation_max=act_max, dtype=y.dtype,
        )


class _Pool2DPortable(KernelBinding):
    backend = "portable"
    c_name: ClassVar[str] = ""  # kernels mcugen_<c_name>_s8 and _s16 in runtime/mcugen_pool2d_s8.c

    def kernel_name(self, op: Op, layer: PoolLayer) -> str:
        return f"mcugen_{self.c_name}_s{layer.dtype[3:]}"

    def overlap(self, op: Op, layer: PoolLayer) -> list[tuple[int, int]]:
        # mcugen_pool2d_s8 writes pixel by pixel, channel by channel; channel c reads only channel c of its window.
        # (window_gap counts one-byte elements: int16 layers declare no overlap.)
        if layer.batches != 1 or layer.dtype != "int8":
            return []
        return [(INPUT, window_gap(layer.input_shape, layer.output_shape, layer.filter_hw, layer.window,
                                   np.arange(layer.channels)))]

    def emit(self, op: Op, layer: PoolLayer, emit) -> None:
        emit.kernel("mcugen_pool2d_s8")
        params = emit.params("mcugen_pool2d_params", {
            "batches": layer.batches,
            "input_height": layer.input_height,
            "input_width": layer.input_width,
            "channels": layer.channels,
            "output_height": layer.output_height,
            "output_width": layer.output_width,
            "stride_height": layer.stride_height,
            "stride_width": layer.stride_width,
            "filter_height": layer.filter_height,
            "filter_width": layer.filter_width,
            "pad_top": layer.pad_top,
            "pad_left": layer.pad_left,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))


@register
class AveragePool2D(_Pool2D):
    kind = "AVERAGE_POOL_2D"


@register
class MaxPool2D(_Pool2D):
    kind = "MAX_POOL_2D"


@binding
class AveragePool2DPortable(_Pool2DPortable):
    kind = "AVERAGE_POOL_2D"
    c_name = "avg_pool2d"


@binding
class MaxPool2DPortable(_Pool2DPortable):
    kind = "MAX_POOL_2D"
    c_name = "max_pool2d"
