"""FULLY_CONNECTED on int8 activations with int8 [out, in] weights (per-tensor or per-channel) and an optional
int32 bias, or on int16 activations ("16x8") with an optional int64 or int32 bias. The input may have any shape:
its rows are the runs of `in` consecutive elements.

Quantization follows TFLite Micro's CalculateOpDataFullyConnected: per-channel weights get one multiplier per
output channel exactly as CONV_2D (scales widened to double before multiplying); per-tensor weights get one
multiplier from GetQuantizedConvolutionMultipler, which multiplies input and weight scales in float32 and only
then divides in double. The two can differ in the last bit of the multiplier, so the distinction is kept. As in
TFLite Micro, a per-tensor layer whose bias scale is not input_scale * weight_scale (within 2% of the output
scale) is refused.

16x8 layers (int16 activations with zero point 0, int8 weights, optional int64 or int32 bias) follow TFLite Micro's
int16 path: the accumulator is int64 unless the bias is int32 (see mcugen/ops/conv2d.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.ops.base import Emitter, OpLowering, c_int_array, register
from mcugen.ops.conv2d import (bias_types, channel_multipliers, check_activation, check_io, check_weights,
                               emit_quant_arrays, emit_wide_bias, folded_bias, layer_accumulator_problems,
                               output_range, weighted_operands, wide_accumulator)
from mcugen.quant import quantize_multiplier

INPUT, WEIGHTS = 0, 1  # positions, as in mcugen.ops.conv2d.weighted_operands
OUTPUT = 0


@dataclass(frozen=True, eq=False)
class FullyConnectedLayer:
    """A prepared FULLY_CONNECTED: `batches` rows of `input_depth` features times [output_depth, input_depth]
    weights. `bias` is the model's (zeros when absent); `folded_bias` adds input_offset * sum(weights row)."""

    batches: int
    input_depth: int
    output_depth: int
    input_offset: int
    output_offset: int
    activation_min: int
    activation_max: int
    per_channel: bool
    multipliers: np.ndarray
    shifts: np.ndarray
    bias: np.ndarray
    has_bias: bool
    folded_bias: np.ndarray
    dtype: str = "int8"  # of the activations: "int16" for a 16x8 layer
    wide: bool = False  # a 16x8 layer's int64 accumulator


def layer_multipliers(input_scale: float, weight_scales: np.ndarray, output_scale: float,
                      channels: int) -> tuple[np.ndarray, np.ndarray]:
    if np.asarray(weight_scales).size > 1:
        return channel_multipliers(input_scale, weight_scales, output_scale, channels)
    product = float(np.float32(input_scale) * np.float32(np.asarray(weight_scales).reshape(-1)[0]))
    multiplier, shift = quantize_multiplier(product / float(np.float32(output_scale)))
    return np.full(channels, multiplier, dtype=np.int32), np.full(channels, shift, dtype=np.int32)


@register
class FullyConnected(OpLowering):
    kind = "FULLY_CONNECTED"
    options_table = "FullyConnectedOptions"
    input_count = (2, 3)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, w, bias, y = weighted_operands(op, graph)
        problems = check_io(x, y) + check_activation(op)
        if getattr(op.options, "weights_format", "DEFAULT") != "DEFAULT":
            problems.append(f"weights format {op.options.weights_format} is not supported; supported: DEFAULT")
        if problems:
            return problems
        if w is None or len(w.shape) != 2:
            return ["weights must be a 2-D [output features, input features] tensor"]
        out_features, in_features = w.shape
        problems = check_weights(w, bias, out_features, 0, bias_types(x))
        if problems:
            return problems
        if not w.quant.per_channel and w.quant.single_zero_point != 0:
            problems.append(f"weights tensor {w.describe()} has a non-zero zero point; int8 weights must be "
                            f"symmetric")
        if not y.shape or y.shape[-1] != out_features:
            problems.append(f"output {y.describe()} must end in the {out_features} output features")
        elif x.size != (y.size // out_features) * in_features:
            problems.append(f"input {x.describe()} does not hold {y.size // out_features} rows of {in_features} "
                            f"features")
        if bias is not None and not w.quant.per_channel:
            bias_scale = float(bias.quant.scale[0]) if bias.quant is not None else 0.0
            product = float(np.float32(x.quant.single_scale)) * float(np.float32(w.quant.single_scale))
            if abs(product - bias_scale) / float(np.float32(y.quant.single_scale)) > 0.02:
                problems.append(f"bias tensor {bias.describe()} has scale {bias_scale:.6g}; expected input scale "
                                f"times weight scale ({product:.6g})")
        return problems or layer_accumulator_problems(op, x, bias, w.data.reshape(w.shape[0], -1))

    def prepare(self, op: Op, graph: Graph) -> FullyConnectedLayer:
        x, w, bias, y = weighted_operands(op, graph)
        out_features, in_features = w.shape
        multipliers, shifts = layer_multipliers(x.quant.single_scale, w.quant.scale, y.quant.single_scale,
                                                out_features)
        act_min, act_max = output_range(op, y)
        raw_bias = (np.asarray(bias.data, dtype=np.int64).reshape(-1) if bias is not None
                    else np.zeros(out_features, dtype=np.int64))
        return FullyConnectedLayer(
            batches=y.size // out_features, input_depth=in_features, output_depth=out_features,
            input_offset=-x.quant.single_zero_point, output_offset=y.quant.single_zero_point,
            activation_min=act_min, activation_max=act_max, per_channel=bool(w.quant.per_channel),
            multipliers=multipliers, shifts=shifts, bias=raw_bias, has_bias=bias is not None,
            folded_bias=folded_bias(bias, w.data.reshape(out_features, -1), x.quant.single_zero_point),
            dtype=x.dtype, wide=x.dtype == "int16" and wide_accumulator(op, bias),
        )


@binding
class FullyConnectedPortable(KernelBinding):
    kind = "FULLY_CONNECTED"
    backend = "portable"

    def kernel_name(self, op: Op, layer: FullyConnectedLayer) -> str:
        return "mcugen_fully_connected_s8"

    def supports(self, op: Op, layer: FullyConnectedLayer, target: Target) -> str | None:
        return int8_only(layer, "mcugen_fully_connected_s8")

    def emit(self, op: Op, layer: FullyConnectedLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_fully_connected_s8")
        params = emit.params("mcugen_fully_connected_params", {
            "batches": layer.batches,
            "input_depth": layer.input_depth,
            "output_depth": layer.output_depth,
            "output_offset": layer.output_offset,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
        bias = emit.const("bias", c_int_array(layer.folded_bias), "int32_t")
        emit.call("mcugen_fully_connected_s8", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[WEIGHTS]), bias, emit.tensor(op.outputs[OUTPUT]))


@binding
class FullyConnectedS16Portable(KernelBinding):
    """16x8 fully connected: int16 activations, int8 weights, int64 bias (int32 widened to it)."""

    kind = "FULLY_CONNECTED"
    backend = "portable"

    def kernel_name(self, op: Op, layer: FullyConnectedLayer) -> str:
        return "mcugen_fully_connected_s16"

    def supports(self, op: Op, layer: FullyConnectedLayer, target: Target) -> str | None:
        if layer.dtype != "int16":
            return f"mcugen_fully_connected_s16 computes int16 activations, not {layer.dtype}"
        return None

    def emit(self, op: Op, layer: FullyConnectedLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_fully_connected_s16")
        params = emit.params("mcugen_fully_connected_s16_params", {
            "batches": layer.batches,
            "input_depth": layer.input_depth,
            "output_depth": layer.output_depth,
            "wide": int(layer.wide),
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
        emit.call("mcugen_fully_connected_s16", params, multipliers, shifts, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[WEIGHTS]), emit_wide_bias(emit, layer.bias), emit.tensor(op.outputs[OUTPUT]))
