"""CONV_2D on int8 NHWC activations with int8 OHWI weights (per-channel or per-tensor) and an optional int32 bias,
or on int16 activations with int8 weights ("16x8") and an optional int64 or int32 bias.

Also home of what the convolution-like lowerings (depthwise, fully connected) share: padding, per-channel
requantization multipliers, the folded bias and the accumulator bound. The arithmetic follows TFLite Micro's
reference kernels bit for bit:

- output size and padding as TFLite's ComputePaddingHeightWidth (SAME pads half of the total before, the odd
  element after; the kernels only need the part before);
- one multiplier per output channel from input_scale * filter_scale / output_scale, each scale widened from
  float32 to double before multiplying (PopulateConvolutionQuantizationParams); a per-tensor filter repeats its
  one scale;
- the filter's zero point is ignored, as the reference int8 convolution does (int8 weights are symmetric);
- the bias tensor's own quantization is not used (some converters give it quantized_dimension 3 on a 1-D
  tensor): its channels follow the filter's output channels.

The input zero point is folded into the bias at compile time (bias + input_offset * sum of the channel's
weights), which turns the kernels' inner loops into plain int8 dot products; see mcugen_conv2d_s8.c for how
padded taps are handled.

16x8 layers follow TFLite Micro's int16 path: activations are symmetric (zero point 0) and products are summed in
an int64 accumulator, scaled by the int64 requantization (the Q31 multiplier rounded to Q15). An int32 bias (or no
bias in a model that declares int32 biases) selects TFLite Micro's int32 accumulator and the int8 scaling instead;
mcugen then proves at compile time that the int32 sum cannot overflow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.fixedpoint import INT32_MAX
from mcugen.ir import Graph, Op, Tensor
from mcugen.ops.base import (QUANTIZED_RANGE, Emitter, OpLowering, c_int_array, operand, register, require_dtype,
                             require_int8_io, require_per_tensor_quant, result)
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.ops.streaming import window_gap
from mcugen.quant import CLAMPING_ACTIVATIONS, activation_range, quantize_multiplier

INPUT, FILTER, BIAS = 0, 1, 2
OUTPUT = 0
INT64_ACCUMULATOR_LIMIT = 1 << 47  # the int64 requantization's domain (TFLite Micro checks |acc| < 2^47)
INT32_TENSOR_TYPE = 2  # TFLite TensorType INT32, as an options field such as quantized_bias_type holds it


# ---- helpers shared by the convolution-like lowerings --------------------------------------------------------


def conv_output_size(padding: str, size: int, filter_size: int, stride: int, dilation: int) -> int:
    """Output extent along one axis, as TFLite's ComputeOutSize."""
    effective = (filter_size - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - effective) // stride


def conv_padding(size: int, filter_size: int, stride: int, dilation: int, out_size: int) -> tuple[int, int]:
    """(padding before, odd extra padding after) along one axis, as TFLite's ComputePaddingWithOffset."""
    effective = (filter_size - 1) * dilation + 1
    total = max((out_size - 1) * stride + effective - size, 0)
    return total // 2, total % 2


def check_activation(op: Op) -> list[str]:
    activation = op.options.fused_activation_function
    if activation not in CLAMPING_ACTIVATIONS:
        return [f"fused activation {activation} is not supported; supported: {', '.join(CLAMPING_ACTIVATIONS)}"]
    return []


def output_range(op: Op, output: Tensor) -> tuple[int, int]:
    low, high = QUANTIZED_RANGE[output.dtype]
    return activation_range(op.options.fused_activation_function, output.quant.single_scale,
                            output.quant.single_zero_point, low, high)


def weighted_operands(op: Op, graph: Graph) -> tuple[Tensor | None, Tensor | None, Tensor | None, Tensor]:
    """(input, filter or weights, bias or None, output): the operand order of CONV_2D, DEPTHWISE_CONV_2D and
    FULLY_CONNECTED."""
    return (operand(op, graph, INPUT), operand(op, graph, FILTER), operand(op, graph, BIAS),
            result(op, graph, OUTPUT))


def check_int8_io(x: Tensor | None, y: Tensor) -> list[str]:
    """An int8 input and output, each quantized per tensor."""
    problems = require_int8_io(x, y)
    if not problems:
        problems += require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
    return problems


def check_io(x: Tensor | None, y: Tensor) -> list[str]:
    """int8 input and output, or int16 input and output with zero point 0 (a 16x8 layer), each quantized per
    tensor."""
    if x is not None and x.dtype == "int16":
        problems = require_dtype(y, "output", ("int16",))
        if not problems:
            problems += require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        for t, role in ((x, "input"), (y, "output")):
            if not problems and t.quant.single_zero_point != 0:
                problems.append(f"{role} tensor {t.describe()} has zero point {t.quant.single_zero_point}; int16 "
                                f"activations must be symmetric (zero point 0)")
        return problems
    return check_int8_io(x, y)


def bias_types(x: Tensor | None, int16: tuple[str, ...] = ("int64", "int32")) -> tuple[str, ...]:
    """The bias types taken with input `x`: int32 for int8 activations, `int16` for 16x8 layers."""
    return int16 if x is not None and x.dtype == "int16" else ("int32",)


def wide_accumulator(op: Op, bias: Tensor | None) -> bool:
    """Whether a 16x8 layer accumulates in int64, as TFLite Micro chooses: yes unless the bias is int32, or absent
    in a model whose options declare int32 biases."""
    if bias is not None:
        return bias.dtype != "int32"
    return getattr(op.options, "quantized_bias_type", 0) not in (INT32_TENSOR_TYPE, "INT32")


def check_weights(w: Tensor | None, bias: Tensor | None, channels: int, channel_axis: int,
                  allowed_bias: tuple[str, ...] = ("int32",)) -> list[str]:
    """Constant int8 weights quantized per tensor or per channel along `channel_axis` (one scale per output
    channel), and an optional constant bias (of a type in `allowed_bias`) with one value per output channel."""
    problems = require_dtype(w, "weights", ("int8",))
    if problems:
        return problems
    if not w.is_constant:
        problems.append(f"weights tensor {w.describe()} must be constant")
    if w.quant is None:
        problems.append(f"weights tensor {w.describe()} is not quantized")
    elif w.quant.per_channel and (w.quant.scale.size != channels or w.quant.axis != channel_axis):
        problems.append(f"weights tensor {w.describe()} has {w.quant.scale.size} scales along dimension "
                        f"{w.quant.axis}; expected one per output channel ({channels}) along dimension "
                        f"{channel_axis}")
    if bias is not None:
        problems += require_dtype(bias, "bias", allowed_bias)
        if not bias.is_constant:
            problems.append(f"bias tensor {bias.describe()} must be constant")
        elif bias.size != channels:
            problems.append(f"bias tensor {bias.describe()} has {bias.size} values; expected {channels}")
    return problems


def channel_multipliers(input_scale: float, filter_scales: np.ndarray, output_scale: float,
                        channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-channel (multiplier, shift) of input_scale * filter_scale / output_scale, computed in double
    from the float32 scales, as TFLite's PopulateConvolutionQuantizationParams. A single filter scale serves
    every channel."""
    scales = np.asarray(filter_scales, dtype=np.float32).reshape(-1)
    if scales.size == 1:
        scales = np.repeat(scales, channels)
    pairs = [quantize_multiplier(float(np.float32(input_scale)) * float(s) / float(np.float32(output_scale)))
             for s in scales]
    return (np.array([m for m, _ in pairs], dtype=np.int32), np.array([s for _, s in pairs], dtype=np.int32))


def per_channel_weights(w: Tensor, channel_axis: int) -> np.ndarray:
    """The weights as [channels, everything else], in their own integer type (the sums below widen them)."""
    return np.moveaxis(np.asarray(w.data), channel_axis, 0).reshape(w.shape[channel_axis], -1)


def _row_sums(weights: np.ndarray, absolute: bool = False) -> np.ndarray:
    """int64 sums (of magnitudes) of the rows of `weights`, a block of rows at a time: a 100 MB int8 matrix
    never becomes an 800 MB int64 one."""
    rows = max(1, (1 << 20) // max(1, weights.shape[1] if weights.ndim > 1 else 1))
    sums = np.zeros(weights.shape[0], dtype=np.int64)
    for start in range(0, weights.shape[0], rows):
        block = np.asarray(weights[start : start + rows], dtype=np.int64)
        sums[start : start + rows] = (np.abs(block) if absolute else block).reshape(block.shape[0], -1).sum(axis=1)
    return sums


def folded_bias(bias: Tensor | None, weights: np.ndarray, input_zero_point: int) -> np.ndarray:
    """bias[c] + input_offset * sum(weights[c]) with input_offset = -input_zero_point; `weights` is
    [channels, reduction]. Exact integers: equal to the reference's per-element offset additions."""
    values = np.zeros(weights.shape[0], dtype=np.int64)
    if bias is not None:
        values += np.asarray(bias.data, dtype=np.int64).reshape(-1)
    return values - int(input_zero_point) * _row_sums(weights)


def accumulator_problems(bias: Tensor | None, weights: np.ndarray, input_bound: int = 256,
                         wide: bool = False) -> list[str]:
    """The bound mcugen_common.h relies on: |bias| + input_bound * sum(|weights|) must fit int32 for every channel
    (int8 inputs: input_bound 256 covers |input - zero point|; 16x8 layers: 32768), or, for an int64 accumulator
    (`wide`), stay below 2^47."""
    bound = _row_sums(weights, absolute=True) * input_bound
    if bias is not None:
        bound = bound + np.abs(np.asarray(bias.data, dtype=np.int64).reshape(-1))
    worst = int(bound.max()) if bound.size else 0
    limit = INT64_ACCUMULATOR_LIMIT - 1 if wide else INT32_MAX
    if worst > limit:
        return [f"the int{64 if wide else 32} accumulator could overflow (worst-case magnitude {worst}); the "
                f"reduction is too deep or the bias too large"]
    return []


def layer_accumulator_problems(op: Op, x: Tensor, bias: Tensor | None, weights: np.ndarray) -> list[str]:
    """accumulator_problems for the layer's input type and accumulator."""
    if x.dtype == "int16":
        return accumulator_problems(bias, weights, 1 << 15, wide_accumulator(op, bias))
    return accumulator_problems(bias, weights)


def emit_quant_arrays(emit: Emitter, multipliers: np.ndarray, shifts: np.ndarray) -> tuple[str, str]:
    return emit.const("multipliers", c_int_array(multipliers), "int32_t"), \
        emit.const("shifts", c_int_array(shifts), "int32_t")


# ---- CONV_2D -------------------------------------------------------------------------------------------------


# Strides and (dilated) windows beyond this are refused: no real model comes near it, and it keeps every offset
# the kernels compute inside int32 (and the compile-time analysis of windows small).
WINDOW_LIMIT = 1 << 15


def window_limit_problems(strides: tuple[int, int], windows: tuple[int, int], x: Tensor,
                          within_input: bool = False) -> list[str]:
    """Strides and effective window extents (after dilation) within WINDOW_LIMIT; with `within_input`, windows
    also within twice the input plus one (pooling: a larger window averages nothing but padding)."""
    problems = []
    if max(strides) > WINDOW_LIMIT:
        problems.append(f"strides {strides[0]}x{strides[1]} exceed {WINDOW_LIMIT}")
    for axis, (window, size) in enumerate(zip(windows, x.shape[1:3])):
        limit = min(WINDOW_LIMIT, 2 * size + 1) if within_input else WINDOW_LIMIT
        if window > limit:
            problems.append(f"the {'height' if axis == 0 else 'width'} of the window, {window} after dilation, "
                            f"exceeds {limit}, the most mcugen compiles for input {x.describe()}")
    return problems


def check_window(op: Op, x: Tensor, y: Tensor, filter_height: int, filter_width: int,
                 out_channels: int) -> list[str]:
    """Padding, strides, dilations and the output shape of a 2-D windowed op."""
    o = op.options
    problems = []
    if o.padding not in ("SAME", "VALID"):
        problems.append(f"padding {o.padding} is not supported; supported: SAME, VALID")
    if min(o.stride_h, o.stride_w) < 1:
        problems.append(f"strides must be at least 1, got {o.stride_h}x{o.stride_w}")
    if min(o.dilation_h_factor, o.dilation_w_factor) < 1:
        problems.append(f"dilations must be at least 1, got {o.dilation_h_factor}x{o.dilation_w_factor}")
    if problems:
        return problems
    problems += window_limit_problems((o.stride_h, o.stride_w),
                                      ((filter_height - 1) * o.dilation_h_factor + 1,
                                       (filter_width - 1) * o.dilation_w_factor + 1), x)
    if problems:
        return problems
    expected = (x.shape[0],
                conv_output_size(o.padding, x.shape[1], filter_height, o.stride_h, o.dilation_h_factor),
                conv_output_size(o.padding, x.shape[2], filter_width, o.stride_w, o.dilation_w_factor),
                out_channels)
    if min(expected[1:3]) < 1:
        problems.append(f"the {filter_height}x{filter_width} filter does not fit input {x.describe()}")
    elif tuple(y.shape) != expected:
        problems.append(f"output {y.describe()} does not have the convolved shape {list(expected)}")
    return problems


def window_params(op: Op, x: Tensor, y: Tensor, filter_height: int, filter_width: int) -> dict[str, int]:
    o = op.options
    pad_top, _ = conv_padding(x.shape[1], filter_height, o.stride_h, o.dilation_h_factor, y.shape[1])
    pad_left, _ = conv_padding(x.shape[2], filter_width, o.stride_w, o.dilation_w_factor, y.shape[2])
    return {
        "stride_height": o.stride_h,
        "stride_width": o.stride_w,
        "dilation_height": o.dilation_h_factor,
        "dilation_width": o.dilation_w_factor,
        "pad_top": pad_top,
        "pad_left": pad_left,
    }


@dataclass(frozen=True, eq=False)
class ConvLayer:
    """A prepared CONV_2D or DEPTHWISE_CONV_2D: NHWC shapes, the window, and per-output-channel requantization.

    `bias` is the model's bias (zeros when it has none); `folded_bias` adds input_offset * sum(weights) to it for
    kernels that take the input offset out of their inner loop."""

    batches: int
    input_height: int
    input_width: int
    input_depth: int
    filter_height: int
    filter_width: int
    filter_depth: int  # input channels each filter reads (per group for grouped conv, 1 for depthwise)
    output_height: int
    output_width: int
    output_depth: int
    groups: int  # CONV_2D groups (1 for ordinary convolution); 1 for depthwise
    depth_multiplier: int  # DEPTHWISE_CONV_2D only; 1 for CONV_2D
    stride_height: int
    stride_width: int
    dilation_height: int
    dilation_width: int
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
    folded_bias: np.ndarray
    dtype: str = "int8"  # of the activations: "int16" for a 16x8 layer
    wide: bool = False  # a 16x8 layer's int64 accumulator (see the module docstring)

    @property
    def window(self) -> dict[str, int]:
        return {"stride_height": self.stride_height, "stride_width": self.stride_width,
                "dilation_height": self.dilation_height, "dilation_width": self.dilation_width,
                "pad_top": self.pad_top, "pad_left": self.pad_left}

    @property
    def filter_hw(self) -> tuple[int, int]:
        return self.filter_height, self.filter_width


def prepare_conv_layer(op: Op, graph: Graph, channel_axis: int, filter_depth: int, groups: int,
                       depth_multiplier: int) -> ConvLayer:
    """The ConvLayer of a checked CONV_2D (channel_axis 0) or DEPTHWISE_CONV_2D (channel_axis 3)."""
    x, w, bias, y = weighted_operands(op, graph)
    filter_height, filter_width = w.shape[1], w.shape[2]
    out_channels = w.shape[channel_axis]
    multipliers, shifts = channel_multipliers(x.quant.single_scale, w.quant.scale, y.quant.single_scale,
                                              out_channels)
    act_min, act_max = output_range(op, y)
    weights = per_channel_weights(w, channel_axis)
    raw_bias = (np.asarray(bias.data, dtype=np.int64).reshape(-1) if bias is not None
                else np.zeros(out_channels, dtype=np.int64))
    return ConvLayer(
        batches=x.shape[0], input_height=x.shape[1], input_width=x.shape[2], input_depth=x.shape[3],
        filter_height=filter_height, filter_width=filter_width, filter_depth=filter_depth,
        output_height=y.shape[1], output_width=y.shape[2], output_depth=out_channels,
        groups=groups, depth_multiplier=depth_multiplier,
        **window_params(op, x, y, filter_height, filter_width),
        input_offset=-x.quant.single_zero_point, output_offset=y.quant.single_zero_point,
        activation_min=act_min, activation_max=act_max,
        multipliers=multipliers, shifts=shifts, bias=raw_bias, has_bias=bias is not None,
        folded_bias=folded_bias(bias, weights, x.quant.single_zero_point),
        dtype=x.dtype, wide=x.dtype == "int16" and wide_accumulator(op, bias),
    )


def emit_conv_constants(emit: Emitter, layer: ConvLayer, bias: np.ndarray) -> tuple[str, str, str]:
    """(multipliers, shifts, bias) const arrays of a convolution-like layer."""
    multipliers_symbol, shifts_symbol = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
    return multipliers_symbol, shifts_symbol, emit.const("bias", c_int_array(bias), "int32_t")


@register
class Conv2D(OpLowering):
    kind = "CONV_2D"
    options_table = "Conv2DOptions"
    input_count = (2, 3)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, w, bias, y = weighted_operands(op, graph)
        problems = check_io(x, y) + check_activation(op)
        if problems:
            return problems
        if w is None or len(w.shape) != 4 or len(x.shape) != 4 or len(y.shape) != 4:
            return [f"input {x.describe()}, filter and output {y.describe()} must be 4-D (NHWC, OHWI)"]
        out_channels, filter_height, filter_width, filter_depth = w.shape
        problems = check_weights(w, bias, out_channels, 0, bias_types(x))
        if filter_depth < 1 or x.shape[3] % filter_depth or out_channels % (x.shape[3] // filter_depth or 1):
            problems.append(f"filter {w.describe()} does not divide the {x.shape[3]} input channels into groups "
                            f"of equal size")
        if problems:
            return problems
        problems += check_window(op, x, y, filter_height, filter_width, out_channels)
        return problems or layer_accumulator_problems(op, x, bias, per_channel_weights(w, 0))

    def prepare(self, op: Op, graph: Graph) -> ConvLayer:
        x, w = operand(op, graph, INPUT), operand(op, graph, FILTER)
        filter_depth = w.shape[3]
        return prepare_conv_layer(op, graph, 0, filter_depth, x.shape[3] // filter_depth, 1)


def conv_overlap(layer: ConvLayer) -> list[tuple[int, int]]:
    """The gap of a kernel writing pixel by pixel, in increasing channel order, where each output channel is
    written after reading its group's window. mcugen_conv2d_s8 reads the window of four channels (a block) before
    writing any of them, mcugen_conv2d_1ch_s8 a pixel's window before writing the pixel: both only move writes
    later relative to reads, so the gap of the channel-by-channel order holds for them (tests/test_ops_streaming.py
    traces both orders)."""
    if layer.batches != 1:
        return []
    filters_per_group = layer.output_depth // layer.groups
    group_start = (np.arange(layer.output_depth) // filters_per_group) * layer.filter_depth
    return [(INPUT, window_gap(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                               layer.window, group_start))]


ONE_CHANNEL_MAX_TAPS = 128  # MCUGEN_CONV2D_1CH_MAX_TAPS in mcugen_conv2d_1ch_s8.h


@binding
class Conv2DOneChannelPortable(KernelBinding):
    """A one-channel input under a small filter (first layers of keyword spotting): the window is gathered once
    per output pixel, then every filter is one contiguous dot product with it."""

    kind = "CONV_2D"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_conv2d_1ch_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, "mcugen_conv2d_1ch_s8"):
            return reason
        if layer.input_depth != 1:
            return f"mcugen_conv2d_1ch_s8 takes one input channel, not {layer.input_depth}"
        if layer.filter_height * layer.filter_width > ONE_CHANNEL_MAX_TAPS:
            return f"mcugen_conv2d_1ch_s8 takes at most {ONE_CHANNEL_MAX_TAPS} filter taps"
        return None

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        return conv_overlap(layer)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_conv2d_1ch_s8")
        window = layer.window
        params = emit.params("mcugen_conv2d_1ch_params", {
            "batches": layer.batches,
            "input_height": layer.input_height,
            "input_width": layer.input_width,
            "filter_height": layer.filter_height,
            "filter_width": layer.filter_width,
            "output_height": layer.output_height,
            "output_width": layer.output_width,
            "output_depth": layer.output_depth,
            **window,
            **offsets_and_clamp(layer),
        })
        multipliers, shifts, folded = emit_conv_constants(emit, layer, layer.folded_bias)
        emit.call("mcugen_conv2d_1ch_s8", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), folded, emit.tensor(op.outputs[OUTPUT]))


@binding
class Conv2DPortable(KernelBinding):
    kind = "CONV_2D"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_conv2d_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        return int8_only(layer, "mcugen_conv2d_s8")

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        return conv_overlap(layer)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_conv2d_s8")
        params = emit.params("mcugen_conv2d_params", {
            **conv_geometry(layer),
            **offsets_and_clamp(layer),
        })
        multipliers, shifts, folded = emit_conv_constants(emit, layer, layer.folded_bias)
        emit.call("mcugen_conv2d_s8", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), folded, border_bias(emit, layer, folded),
                  emit.tensor(op.outputs[OUTPUT]))


@binding
class Conv2DS16Portable(KernelBinding):
    """16x8 convolution: int16 activations, int8 weights, int64 bias (int32 widened to it)."""

    kind = "CONV_2D"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_conv2d_s16"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        return None if layer.dtype == "int16" else f"mcugen_conv2d_s16 computes int16 activations, not {layer.dtype}"

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_conv2d_s16")
        params = emit.params("mcugen_conv2d_s16_params", {
            **conv_geometry(layer),
            "wide": int(layer.wide),
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
        emit.call("mcugen_conv2d_s16", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), emit_wide_bias(emit, layer.bias), emit.tensor(op.outputs[OUTPUT]))


def emit_wide_bias(emit: Emitter, bias: np.ndarray) -> str:
    """The int64 bias array of a 16x8 kernel (an int32 bias is widened; a missing one is zeros)."""
    return emit.const("bias", np.asarray(bias, dtype=np.int64), "int64_t")


def conv_geometry(layer: ConvLayer) -> dict[str, int]:
    """The params fields of mcugen_conv2d_s8 and mcugen_conv2d_s16 before their offsets and clamp."""
    return {
        "batches": layer.batches,
        "input_height": layer.input_height,
        "input_width": layer.input_width,
        "input_depth": layer.input_depth,
        "filter_height": layer.filter_height,
        "filter_width": layer.filter_width,
        "filter_depth": layer.filter_depth,
        "output_height": layer.output_height,
        "output_width": layer.output_width,
        "output_depth": layer.output_depth,
        "filters_per_group": layer.output_depth // layer.groups,
        **layer.window,
    }


def window_crosses_border(layer: ConvLayer) -> bool:
    """Whether some output pixel's window reaches into the padding (the rest lie inside the input)."""
    for size, out_size, taps, stride, dilation, pad in (
            (layer.input_height, layer.output_height, layer.filter_height, layer.stride_height,
             layer.dilation_height, layer.pad_top),
            (layer.input_width, layer.output_width, layer.filter_width, layer.stride_width, layer.dilation_width,
             layer.pad_left)):
        if pad > 0 or (out_size - 1) * stride - pad + (taps - 1) * dilation >= size:
            return True
    return False


def border_bias(emit: Emitter, layer: ConvLayer, folded: str) -> str:
    """The model's bias for the windows that cross the border; where none does, the kernel never reads it and the
    folded bias stands in (no second array in flash)."""
    if not window_crosses_border(layer):
        return folded
    return emit.const("border_bias", c_int_array(layer.bias), "int32_t")


def offsets_and_clamp(layer: ConvLayer) -> dict[str, int]:
    """The params fields every convolution-like kernel ends with."""
    return {"input_offset": layer.input_offset, "output_offset": layer.output_offset,
            "activation_min": layer.activation_min, "activation_max": layer.activation_max}


def layer_input_shape(layer: ConvLayer) -> tuple[int, int, int, int]:
    return (layer.batches, layer.input_height, layer.input_width, layer.input_depth)


def layer_output_shape(layer: ConvLayer) -> tuple[int, int, int, int]:
    return (layer.batches, layer.output_height, layer.output_width, layer.output_depth)
