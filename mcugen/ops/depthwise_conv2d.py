"""DEPTHWISE_CONV_2D on int8 NHWC activations with int8 [1, H, W, C*M] weights (per-channel along dimension 3 or
per-tensor), an optional int32 bias, any depth multiplier M, stride and dilation; or 16x8: int16 activations,
int8 weights and an optional int64 bias (TFLite Micro reads an int16 layer's bias as int64 whatever its type, so
an int32 bias is refused rather than misread).

Quantization, padding and bias folding are those of CONV_2D (see mcugen/ops/conv2d.py), as in TFLite Micro.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.ops.base import Emitter, OpLowering, register
from mcugen.ops.conv2d import (ConvLayer, bias_types, border_bias, check_activation, check_io, check_weights,
                               check_window, emit_conv_constants, emit_quant_arrays, emit_wide_bias,
                               layer_accumulator_problems, layer_input_shape, layer_output_shape, offsets_and_clamp,
                               per_channel_weights, prepare_conv_layer, weighted_operands)
from mcugen.ops.streaming import window_gap

INPUT, FILTER, OUTPUT = 0, 1, 0  # positions, as in mcugen.ops.conv2d.weighted_operands
CHANNEL_AXIS = 3  # of the filter


@register
class DepthwiseConv2D(OpLowering):
    kind = "DEPTHWISE_CONV_2D"
    options_table = "DepthwiseConv2DOptions"
    input_count = (2, 3)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, w, bias, y = weighted_operands(op, graph)
        problems = check_io(x, y) + check_activation(op)
        if problems:
            return problems
        if w is None or len(w.shape) != 4 or w.shape[0] != 1 or len(x.shape) != 4 or len(y.shape) != 4:
            return [f"input {x.describe()} and output {y.describe()} must be 4-D NHWC and the filter "
                    f"[1, height, width, channels]"]
        _, filter_height, filter_width, out_channels = w.shape
        problems = check_weights(w, bias, out_channels, CHANNEL_AXIS, bias_types(x, ("int64",)))
        if len(op.inputs) > 2 and op.inputs[2] < 0:
            # TFLite Micro's kernel reads the third input whenever it is listed: -1 there crashes it
            problems.append("marks its bias as omitted (-1), which TFLite Micro cannot run; leave the input out")
        multiplier = op.options.depth_multiplier
        if multiplier < 1 or x.shape[3] * multiplier != out_channels:
            problems.append(f"depth multiplier {multiplier} does not turn the {x.shape[3]} input channels into "
                            f"the filter's {out_channels} channels")
        if problems:
            return problems
        problems += check_window(op, x, y, filter_height, filter_width, out_channels)
        return problems or layer_accumulator_problems(op, x, bias, per_channel_weights(w, CHANNEL_AXIS))

    def prepare(self, op: Op, graph: Graph) -> ConvLayer:
        return prepare_conv_layer(op, graph, CHANNEL_AXIS, 1, 1, op.options.depth_multiplier)


@binding
class DepthwiseConv2DPortable(KernelBinding):
    kind = "DEPTHWISE_CONV_2D"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_depthwise_conv2d_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        return int8_only(layer, "mcugen_depthwise_conv2d_s8")

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # mcugen_depthwise_conv2d_s8 writes pixel by pixel; output channel c reads input channel c / multiplier.
        if layer.batches != 1:
            return []
        channel = np.arange(layer.output_depth) // layer.depth_multiplier
        return [(INPUT, window_gap(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                                   layer.window, channel))]

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_depthwise_conv2d_s8")
        params = emit.params("mcugen_depthwise_conv2d_params", {
            **depthwise_geometry(layer),
            **offsets_and_clamp(layer),
        })
        multipliers, shifts, folded = emit_conv_constants(emit, layer, layer.folded_bias)
        emit.call("mcugen_depthwise_conv2d_s8", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), folded, border_bias(emit, layer, folded),
                  emit.tensor(op.outputs[OUTPUT]))


@binding
class DepthwiseConv2DS16Portable(KernelBinding):
    """16x8 depthwise convolution: int16 activations, int8 weights, int64 bias."""

    kind = "DEPTHWISE_CONV_2D"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_depthwise_conv2d_s16"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if layer.dtype != "int16":
            return f"mcugen_depthwise_conv2d_s16 computes int16 activations, not {layer.dtype}"
        return None

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_depthwise_conv2d_s16")
        params = emit.params("mcugen_depthwise_conv2d_s16_params", {
            **depthwise_geometry(layer),
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
        emit.call("mcugen_depthwise_conv2d_s16", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[FILTER]), emit_wide_bias(emit, layer.bias), emit.tensor(op.outputs[OUTPUT]))


def depthwise_geometry(layer: ConvLayer) -> dict[str, int]:
    """The params fields of mcugen_depthwise_conv2d_s8 and _s16 before their offsets and clamp."""
    return {
        "batches": layer.batches,
        "input_height": layer.input_height,
        "input_width": layer.input_width,
        "input_depth": layer.input_depth,
        "depth_multiplier": layer.depth_multiplier,
        "filter_height": layer.filter_height,
        "filter_width": layer.filter_width,
        "output_height": layer.output_height,
        "output_width": layer.output_width,
        "output_depth": layer.output_depth,
        **layer.window,
    }
