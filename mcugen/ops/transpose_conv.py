"""TRANSPOSE_CONV on int8 NHWC activations with int8 OHWI weights (per-channel or per-tensor) and an optional
int32 bias, SAME or VALID padding and any strides (dilation is always 1 for this op).

TFLite Micro scatters every input pixel through the filter into an int32 scratch image and requantizes that image
afterwards. Integer addition is exact (the accumulator bound below keeps every partial sum inside int32), so the
sum may be taken in any order: mcugen's kernel gathers instead, output pixel by output pixel, adding the taps whose
input pixel exists, and needs no scratch. Unlike CONV_2D the input offset cannot be folded into the bias, since the
number of taps that reach an output pixel varies along the border; the kernel adds it per tap.

Operands follow the schema: 0 the output shape (int32 [4]; TFLite Micro ignores its values and uses the output
tensor's shape, mcugen checks they agree when it is constant), 1 the filter [out channels, height, width, in
channels], 2 the input, 3 the optional bias. Padding is TFLite's ComputePaddingHeightWidth applied with the
output's height and width in the role of the input's; multipliers as CONV_2D's (PopulateConvolutionQuantization-
Params).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import Emitter, OpLowering, c_int_array, operand, register, result
from mcugen.ops.conv2d import (WINDOW_LIMIT, accumulator_problems, channel_multipliers, check_activation,
                               check_int8_io, check_weights, conv_output_size, conv_padding, emit_quant_arrays,
                               output_range, per_channel_weights)

OUTPUT_SHAPE, FILTER, INPUT, BIAS = 0, 1, 2, 3
OUTPUT = 0


@dataclass(frozen=True, eq=False)
class TransposeConvLayer:
    """A prepared TRANSPOSE_CONV: NHWC shapes, strides, the padding before the output, per-channel requantization
    and the model's bias (zeros when absent)."""

    batches: int
    input_height: int
    input_width: int
    input_depth: int
    filter_height: int
    filter_width: int
    output_height: int
    output_width: int
    output_depth: int
    stride_height: int
    stride_width: int
    pad_top: int
    pad_left: int
    input_offset: int
    output_offset: int
    activation_min: int
    activation_max: int
    multipliers: np.ndarray
    shifts: np.ndarray
    bias: np.ndarray
    has_bias: bool


@register
class TransposeConv(OpLowering):
    kind = "TRANSPOSE_CONV"
    options_table = "TransposeConvOptions"
    input_count = (3, 4)

    def check(self, op: Op, graph: Graph) -> list[str]:
        shape, w, x, bias, y = (operand(op, graph, OUTPUT_SHAPE), operand(op, graph, FILTER),
                                operand(op, graph, INPUT), operand(op, graph, BIAS), result(op, graph, OUTPUT))
        problems = check_int8_io(x, y) + check_activation(op)
        if problems:
            return problems
        if w is None or len(w.shape) != 4 or len(x.shape) != 4 or len(y.shape) != 4:
            return [f"input {x.describe()}, filter and output {y.describe()} must be 4-D (NHWC, OHWI)"]
        out_channels, filter_height, filter_width, filter_depth = w.shape
        problems = check_weights(w, bias, out_channels, 0)
        if shape is not None and shape.is_constant and [int(v) for v in np.asarray(shape.data).reshape(-1)] \
                != list(y.shape):
            problems.append(f"the output shape operand {np.asarray(shape.data).reshape(-1).tolist()} differs from "
                            f"the output tensor {y.describe()}")
        if filter_depth != x.shape[3] or out_channels != y.shape[3] or x.shape[0] != y.shape[0]:
            problems.append(f"filter {w.describe()} does not map input {x.describe()} to output {y.describe()} "
                            f"(batches, input and output channels must agree)")
        o = op.options
        if o.padding not in ("SAME", "VALID"):
            problems.append(f"padding {o.padding} is not supported; supported: SAME, VALID")
        if min(o.stride_h, o.stride_w) < 1 or max(o.stride_h, o.stride_w) > WINDOW_LIMIT:
            problems.append(f"strides must be between 1 and {WINDOW_LIMIT}, got {o.stride_h}x{o.stride_w}")
        if max(filter_height, filter_width) > WINDOW_LIMIT:
            problems.append(f"filter {w.describe()} exceeds {WINDOW_LIMIT} taps along an axis")
        if problems:
            return problems
        # Every output value sums at most one term per filter weight of its channel: the CONV_2D bound holds.
        return accumulator_problems(bias, per_channel_weights(w, 0))

    def prepare(self, op: Op, graph: Graph) -> TransposeConvLayer:
        w, x, bias, y = (operand(op, graph, FILTER), operand(op, graph, INPUT), operand(op, graph, BIAS),
                         result(op, graph, OUTPUT))
        o = op.options
        out_channels, filter_height, filter_width, _ = w.shape
        pads = []
        for size, taps, stride in ((y.shape[1], filter_height, o.stride_h), (y.shape[2], filter_width, o.stride_w)):
            pads.append(conv_padding(size, taps, stride, 1, conv_output_size(o.padding, size, taps, stride, 1))[0])
        multipliers, shifts = channel_multipliers(x.quant.single_scale, w.quant.scale, y.quant.single_scale,
                                                  out_channels)
        act_min, act_max = output_range(op, y)
        return TransposeConvLayer(
            batches=x.shape[0], input_height=x.shape[1], input_width=x.shape[2], input_depth=x.shape[3],
            filter_height=filter_height, filter_width=filter_width, output_height=y.shape[1],
            output_width=y.shape[2], output_depth=out_channels, stride_height=o.stride_h, stride_width=o.stride_w,
            pad_top=pads[0], pad_left=pads[1], input_offset=-x.quant.single_zero_point,
            output_offset=y.quant.single_zero_point, activation_min=act_min, activation_max=act_max,
            multipliers=multipliers, shifts=shifts,
            bias=(np.asarray(bias.data, dtype=np.int64).reshape(-1) if bias is not None
                  else np.zeros(out_channels, dtype=np.int64)),
            has_bias=bias is not None,
        )


@binding
class TransposeConvPortable(KernelBinding):
    kind = "TRANSPOSE_CONV"
    backend = "portable"

    def kernel_name(self, op: Op, layer: TransposeConvLayer) -> str:
        return "mcugen_transpose_conv_s8"

    def emit(self, op: Op, layer: TransposeConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_transpose_conv_s8")
        params = emit.params("mcugen_transpose_conv_params", {
            "batches": layer.batches,
            "input_height": layer.input_height,
            "input_width": layer.input_width,
            "input_depth": layer.input_depth,
            "filter_height": layer.filter_height,
            "filter_width": layer.filter_width,
            "output_height": layer.output_height,
            "output_width": layer.output_width,
            "output_depth": layer.output_depth,
            "stride_height": layer.stride_height,
            "stride_width": layer.stride_width,
            "pad_top": layer.pad_top,
            "pad_left": layer.pad_left,
            "input_offset": layer.input_offset,
            "output_offset": layer.output_offset,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
        bias = emit.const("bias", c_int_array(layer.bias), "int32_t")
        emit.call("mcugen_transpose_conv_s8", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), bias, emit.tensor(op.outputs[OUTPUT]))
