"""SVDF on int8 input and output with int8 feature weights, int16 time weights, an int32 bias and an int16
activation state: a variable tensor that carries the last `memory` feature values of every filter from one invoke
to the next (it lives in the model's state array, mcugen/state.py).

Each invoke, as TFLite Micro's EvalIntegerSvdfReference: the state moves one step back in time; every filter's
feature (an int8 dot product with the input) is requantized to the state's scale, clamped to int16 and stored as
the newest step; every filter's state is weighted by its time weights; each unit sums the bias and its `rank`
filters, and is requantized to the output. TFLite Micro's integer SVDF applies no fused activation (it clamps to
int8 only), so the option is accepted and, as there, ignored.

Quantization as TFLite Micro's PrepareSvdf: the two effective scales are computed in float32 (input * feature /
state, state * time / output) and only then widened to double; the bias scale must equal state scale * time
scale within 1e-5, and TFLite Micro requires the bias (its Prepare reads the bias scale). The int8 time weights
and state variant (TFLite Micro has one) is refused: the kernel here is the int16 one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import (Emitter, OpLowering, c_int_array, operand, register, require_dtype,
                             require_per_tensor_quant, result)
from mcugen.ops.conv2d import accumulator_problems
from mcugen.quant import quantize_multiplier

INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS, STATE = 0, 1, 2, 3, 4
OUTPUT = 0


@dataclass(frozen=True, eq=False)
class SvdfLayer:
    """A prepared SVDF: sizes, zero points and the two requantizations (feature -> state, sum -> output)."""

    batches: int
    input_size: int
    filters: int
    units: int
    rank: int
    memory: int
    input_zero_point: int
    state_zero_point: int
    output_zero_point: int
    feature_multiplier: int
    feature_shift: int
    output_multiplier: int
    output_shift: int
    bias: np.ndarray


def _float_ratio(a: float, b: float, c: float) -> float:
    """a * b / c evaluated in float32, as TFLite Micro's float expression, then widened to double."""
    with np.errstate(over="ignore", divide="ignore"):  # an infinite ratio is refused by the caller
        return float(np.float32(np.float32(a) * np.float32(b)) / np.float32(c))


def _operands(op: Op, graph: Graph) -> tuple[Tensor | None, ...]:
    return tuple(operand(op, graph, i) for i in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS, STATE)) + (
        result(op, graph, OUTPUT),)


@register
class Svdf(OpLowering):
    kind = "SVDF"
    options_table = "SVDFOptions"
    input_count = (5, 5)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, feature, time, bias, state, y = _operands(op, graph)
        problems = (require_dtype(x, "input", ("int8",)) + require_dtype(y, "output", ("int8",))
                    + require_dtype(feature, "feature weights", ("int8",)))
        if not problems and time is not None and time.dtype == "int8":
            problems.append("int8 time weights and activation state are not supported; supported: int16")
        problems += require_dtype(time, "time weights", ("int16",)) + require_dtype(state, "activation state",
                                                                                   ("int16",))
        if bias is None:
            problems.append("the bias is missing; TFLite Micro's int8 SVDF requires one")
        else:
            problems += require_dtype(bias, "bias", ("int32",))
        if problems:
            return problems
        for tensor, role in ((x, "input"), (feature, "feature weights"), (time, "time weights"),
                             (state, "activation state"), (y, "output")):
            problems += require_per_tensor_quant(tensor, role)
        for tensor, role in ((feature, "feature weights"), (time, "time weights"), (bias, "bias")):
            if not tensor.is_constant:
                problems.append(f"{role} tensor {tensor.describe()} must be constant")
        if not state.is_variable:
            problems.append(f"activation state {state.describe()} must be a variable tensor")
        if problems:
            return problems
        rank = op.options.rank
        if len(x.shape) != 2 or len(feature.shape) != 2 or len(time.shape) != 2 or len(y.shape) != 2:
            return ["input, output, feature and time weights must be 2-D"]
        batches, input_size = x.shape
        filters, memory = time.shape
        if rank < 1 or filters % rank:
            return [f"rank {rank} does not divide the {filters} filters"]
        units = filters // rank
        expected = {"feature weights": (feature, (filters, input_size)), "bias": (bias, (units,)),
                    "activation state": (state, (batches, memory * filters)), "output": (y, (batches, units))}
        for role, (tensor, shape) in expected.items():
            if tuple(tensor.shape) != shape:
                problems.append(f"{role} {tensor.describe()} must have shape {list(shape)}")
        bias_scale = float(bias.quant.scale[0]) if bias.quant is not None else 0.0
        wanted = float(np.float32(state.quant.single_scale) * np.float32(time.quant.single_scale))
        if abs(bias_scale - wanted) >= 1e-5:
            problems.append(f"bias {bias.describe()} has scale {bias_scale:.6g}; expected state scale times time "
                            f"weights scale ({wanted:.6g})")
        return problems or accumulator_problems(None, np.asarray(feature.data, dtype=np.int64))

    def prepare(self, op: Op, graph: Graph) -> SvdfLayer:
        x, feature, time, bias, state, y = _operands(op, graph)
        filters, memory = time.shape
        feature_multiplier, feature_shift = quantize_multiplier(
            _float_ratio(x.quant.single_scale, feature.quant.single_scale, state.quant.single_scale))
        output_multiplier, output_shift = quantize_multiplier(
            _float_ratio(state.quant.single_scale, time.quant.single_scale, y.quant.single_scale))
        return SvdfLayer(
            batches=x.shape[0], input_size=x.shape[1], filters=filters, units=filters // op.options.rank,
            rank=op.options.rank, memory=memory, input_zero_point=x.quant.single_zero_point,
            state_zero_point=state.quant.single_zero_point, output_zero_point=y.quant.single_zero_point,
            feature_multiplier=feature_multiplier, feature_shift=feature_shift,
            output_multiplier=output_multiplier, output_shift=output_shift,
            bias=np.asarray(bias.data, dtype=np.int64).reshape(-1),
        )


@binding
class SvdfPortable(KernelBinding):
    kind = "SVDF"
    backend = "portable"

    def kernel_name(self, op: Op, layer: SvdfLayer) -> str:
        return "mcugen_svdf_s8_s16"

    def emit(self, op: Op, layer: SvdfLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_svdf_s8_s16")
        params = emit.params("mcugen_svdf_params", {
            "batches": layer.batches, "input_size": layer.input_size, "filters": layer.filters,
            "units": layer.units, "rank": layer.rank, "memory": layer.memory,
            "input_zero_point": layer.input_zero_point, "state_zero_point": layer.state_zero_point,
            "output_zero_point": layer.output_zero_point,
            "feature_multiplier": layer.feature_multiplier, "feature_shift": layer.feature_shift,
            "output_multiplier": layer.output_multiplier, "output_shift": layer.output_shift,
        })
        bias = emit.const("bias", c_int_array(layer.bias), "int32_t")
        emit.call("mcugen_svdf_s8_s16", params, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.inputs[WEIGHTS_FEATURE]), emit.tensor(op.inputs[WEIGHTS_TIME]), bias,
                  emit.tensor(op.inputs[STATE]), emit.tensor(op.outputs[OUTPUT]))
