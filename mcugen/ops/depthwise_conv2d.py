"""DEPTHWISE_CONV_2D on int8 NHWC activations with int8 [1, H, W, C*M] weights (per-channel along dimension 3 or
per-tensor), an optional int32 bias, any depth multiplier M, stride and dilation.

Quantization, padding and bias folding are those of CONV_2D (see mcugen/ops/conv2d.py), as in TFLite Micro.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import Emitter, OpLowering, c_int_array, register
from mcugen.ops.conv2d import (accumulator_problems, channel_multipliers, check_activation, check_int8_io,
                               check_weights, check_window, emit_quant_arrays, folded_bias, output_range,
                               per_channel_weights, weighted_operands, window_params)
from mcugen.ops.streaming import batch_one, window_gap

INPUT, FILTER, OUTPUT = 0, 1, 0  # positions, as in mcugen.ops.conv2d.weighted_operands
CHANNEL_AXIS = 3  # of the filter


@register
class DepthwiseConv2D(OpLowering):
    kind = "DEPTHWISE_CONV_2D"

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, w, bias, y = weighted_operands(op, graph)
        problems = check_int8_io(x, y) + check_activation(op)
        if problems:
            return problems
        if w is None or len(w.shape) != 4 or w.shape[0] != 1 or len(x.shape) != 4 or len(y.shape) != 4:
            return [f"input {x.describe()} and output {y.describe()} must be 4-D NHWC and the filter "
                    f"[1, height, width, channels]"]
        _, filter_height, filter_width, out_channels = w.shape
        problems = check_weights(w, bias, out_channels, CHANNEL_AXIS)
        multiplier = op.options.depth_multiplier
        if multiplier < 1 or x.shape[3] * multiplier != out_channels:
            problems.append(f"depth multiplier {multiplier} does not turn the {x.shape[3]} input channels into "
                            f"the filter's {out_channels} channels")
        if problems:
            return problems
        problems += check_window(op, x, y, filter_height, filter_width, out_channels)
        return problems or accumulator_problems(bias, per_channel_weights(w, CHANNEL_AXIS))

    def inplace_inputs(self, op: Op, graph: Graph) -> list[tuple[int, int]]:
        # mcugen_depthwise_conv2d_s8 writes pixel by pixel; output channel c reads input channel c / multiplier.
        x, w, _, y = weighted_operands(op, graph)
        if not batch_one(x, y):
            return []
        _, filter_height, filter_width, out_channels = w.shape
        window = window_params(op, x, y, filter_height, filter_width)
        channel = np.arange(out_channels) // op.options.depth_multiplier
        return [(INPUT, window_gap(x, y, (filter_height, filter_width), window, channel))]

    def lower(self, op: Op, graph: Graph, emit: Emitter) -> None:
        x, w, bias, y = weighted_operands(op, graph)
        _, filter_height, filter_width, out_channels = w.shape
        multipliers, shifts = channel_multipliers(x.quant.single_scale, w.quant.scale, y.quant.single_scale,
                                                  out_channels)
        act_min, act_max = output_range(op, y)
        weights = per_channel_weights(w, CHANNEL_AXIS)
        emit.kernel("mcugen_depthwise_conv2d_s8")
        params = emit.params("mcugen_depthwise_conv2d_params", {
            "batches": x.shape[0],
            "input_height": x.shape[1],
            "input_width": x.shape[2],
            "input_depth": x.shape[3],
            "depth_multiplier": op.options.depth_multiplier,
            "filter_height": filter_height,
            "filter_width": filter_width,
            "output_height": y.shape[1],
            "output_width": y.shape[2],
            "output_depth": out_channels,
            **window_params(op, x, y, filter_height, filter_width),
            "input_offset": -x.quant.single_zero_point,
            "output_offset": y.quant.single_zero_point,
            "activation_min": act_min,
            "activation_max": act_max,
        })
        multipliers_symbol, shifts_symbol = emit_quant_arrays(emit, multipliers, shifts)
        bias_symbol = emit.const("bias", c_int_array(folded_bias(bias, weights, x.quant.single_zero_point)),
                                 "int32_t")
        emit.call("mcugen_depthwise_conv2d_s8", params, multipliers_symbol, shifts_symbol,
                  emit.tensor(op.inputs[INPUT]), emit.tensor(op.inputs[FILTER]), bias_symbol,
                  emit.tensor(op.outputs[OUTPUT]))
