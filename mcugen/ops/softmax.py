"""SOFTMAX int8 -> int8 or int16 -> int16 along the last dimension, in TFLite Micro's fixed-point arithmetic.

TFLite requires the output quantized with scale 1/256 and zero point -128. The differences x - max(row) are
scaled by beta * input_scale into Q5.26 (5 integer bits: differences below -32 after scaling vanish in exp);
the multiplier, left shift and the smallest difference that still counts (diff_min) are computed here as TFLite's
PreprocessSoftmaxScaling and CalculateInputRadius do, in double precision.

int16 (zero points 0, output scale 1/32768) follows TFLite Micro's table-based kernel: differences are scaled by
input_scale * beta / (10 / 65535) (one Q31 multiplier) so that [-65535, 0] covers [-10, 0], and two 513-entry
interpolation tables (exp on [-10, 0] and 1 / (1 + x) on [0, 1]) are computed at compile time as TFLite computes
them at Prepare (mcugen/ops/lut16.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.ops.base import OpLowering, operand, register, require_int8_io, require_per_tensor_quant, result
from mcugen.ops.lut16 import F32, expf, int16_lut, reciprocal_one_plus
from mcugen.quant import quantize_multiplier

INPUT, OUTPUT = 0, 0
SCALED_DIFF_INTEGER_BITS = 5


@dataclass(frozen=True)
class SoftmaxLayer:
    """A prepared SOFTMAX: `rows` rows of `depth` values and TFLite's input scaling."""

    rows: int
    depth: int
    input_multiplier: int
    input_left_shift: int
    diff_min: int


@dataclass(frozen=True, eq=False)
class SoftmaxS16Layer:
    """A prepared int16 SOFTMAX: `rows` rows of `depth` values, the input scaling and TFLite's two tables."""

    rows: int
    depth: int
    input_multiplier: int
    input_shift: int
    exp_table: np.ndarray
    reciprocal_table: np.ndarray
    dtype: str = "int16"


INT16_RANGE = 65535  # int16 max - min, the span TFLite's tables are scaled by
OUTPUT_SCALE_S16 = 1.0 / 32768


def int16_tables() -> tuple[np.ndarray, np.ndarray]:
    """(exp on [-10, 0], 1 / (1 + x) on [0, 1]) as TFLite Micro's softmax Prepare populates them."""
    span = F32(INT16_RANGE)
    exp_table = int16_lut(expf, F32(10.0) / span, 32767, F32(2.0) / span, 0)
    reciprocal_table = int16_lut(reciprocal_one_plus, F32(1.0) / span, -32768, F32(2.0) / span, 0)
    return exp_table, reciprocal_table


def input_scaling(beta: float, input_scale: float) -> tuple[int, int, int] | None:
    """(input_multiplier, input_left_shift, diff_min), or None when beta * input_scale is too small (the scaled
    difference of one input step would be below one Q5.26 unit, which TFLite refuses)."""
    real = min(float(beta) * float(input_scale) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    if not real > 1.0:
        return None
    multiplier, left_shift = quantize_multiplier(real)
    # The largest |difference| whose scaled value stays inside the Q5.26 range, rounded down.
    radius = math.floor(((1 << SCALED_DIFF_INTEGER_BITS) - 1) * (1 << (31 - SCALED_DIFF_INTEGER_BITS))
                        / (1 << left_shift))
    return multiplier, left_shift, -radius


@register
class Softmax(OpLowering):
    kind = "SOFTMAX"
    options_table = "SoftmaxOptions"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        if x is not None and x.dtype == "int16":
            return self.check_int16(op, x, y)
        problems = require_int8_io(x, y)
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if problems:
            return problems
        if not x.shape or tuple(x.shape) != tuple(y.shape):
            problems.append(f"input {x.describe()} and output {y.describe()} must have the same non-scalar shape")
        if y.quant.single_zero_point != -128 or float(y.quant.scale[0]) != 1.0 / 256:
            problems.append(f"output {y.describe()} must have scale 1/256 and zero point -128")
        if input_scaling(op.options.beta, x.quant.single_scale) is None:
            problems.append(f"beta {op.options.beta} times the input scale {x.quant.single_scale:g} is below 2^-26")
        return problems

    def check_int16(self, op: Op, x, y) -> list[str]:
        if y.dtype != "int16":
            return [f"output {y.describe()} has type {y.dtype}; an int16 SOFTMAX has an int16 output"]
        problems = require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if problems:
            return problems
        if not x.shape or tuple(x.shape) != tuple(y.shape):
            problems.append(f"input {x.describe()} and output {y.describe()} must have the same non-scalar shape")
        elif x.shape[-1] >= 1 << 16:
            problems.append(f"rows of {x.shape[-1]} int16 values are too long; at most 65535 are supported")
        if x.quant.single_zero_point != 0 or y.quant.single_zero_point != 0:
            problems.append("int16 input and output must have zero point 0")
        if abs(float(y.quant.scale[0]) - OUTPUT_SCALE_S16) > 0.001 * OUTPUT_SCALE_S16:
            problems.append(f"output {y.describe()} must have scale 1/32768")
        return problems

    def prepare(self, op: Op, graph: Graph) -> SoftmaxLayer | SoftmaxS16Layer:
        x = operand(op, graph, INPUT)
        if x.dtype == "int16":
            multiplier, shift = quantize_multiplier(
                float(np.float32(x.quant.single_scale)) * float(np.float32(op.options.beta)) / (10.0 / 65535.0))
            exp_table, reciprocal_table = int16_tables()
            return SoftmaxS16Layer(rows=x.size // x.shape[-1], depth=x.shape[-1], input_multiplier=multiplier,
                                   input_shift=shift, exp_table=exp_table, reciprocal_table=reciprocal_table)
        multiplier, left_shift, diff_min = input_scaling(op.options.beta, x.quant.single_scale)
        depth = x.shape[-1]
        return SoftmaxLayer(rows=x.size // depth, depth=depth, input_multiplier=multiplier,
                            input_left_shift=left_shift, diff_min=diff_min)


@binding
class SoftmaxPortable(KernelBinding):
    kind = "SOFTMAX"
    backend = "portable"

    def kernel_name(self, op: Op, layer: SoftmaxLayer) -> str:
        return "mcugen_softmax_s8"

    def supports(self, op: Op, layer: SoftmaxLayer, target: Target) -> str | None:
        return int8_only(layer, "mcugen_softmax_s8")

    def overlap(self, op: Op, layer: SoftmaxLayer) -> list[tuple[int, int]]:
        # The kernel reads a whole row before writing it, and writes each element after its last read.
        return [(INPUT, 0)]

    def emit(self, op: Op, layer: SoftmaxLayer, emit) -> None:
        emit.kernel("mcugen_softmax_s8")
        params = emit.params("mcugen_softmax_s8_params", {
            "rows": layer.rows,
            "depth": layer.depth,
            "input_multiplier": layer.input_multiplier,
            "input_left_shift": layer.input_left_shift,
            "diff_min": layer.diff_min,
        })
        emit.call("mcugen_softmax_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))


@binding
class SoftmaxS16Portable(KernelBinding):
    kind = "SOFTMAX"
    backend = "portable"

    def kernel_name(self, op: Op, layer: SoftmaxS16Layer) -> str:
        return "mcugen_softmax_s16"

    def supports(self, op: Op, layer: SoftmaxS16Layer, target: Target) -> str | None:
        return None if getattr(layer, "dtype", "int8") == "int16" else "mcugen_softmax_s16 computes int16 only"

    def emit(self, op: Op, layer: SoftmaxS16Layer, emit) -> None:
        emit.kernel("mcugen_softmax_s16")
        params = emit.params("mcugen_softmax_s16_params", {
            "rows": layer.rows,
            "depth": layer.depth,
            "input_multiplier": layer.input_multiplier,
            "input_shift": layer.input_shift,
        })
        emit.call("mcugen_softmax_s16", params, emit.const("exp_table", layer.exp_table, "int16_t"),
                  emit.const("reciprocal_table", layer.reciprocal_table, "int16_t"), emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.outputs[OUTPUT]))
