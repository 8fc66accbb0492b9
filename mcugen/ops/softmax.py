"""SOFTMAX int8 -> int8 along the last dimension, in TFLite Micro's fixed-point arithmetic.

TFLite requires the output quantized with scale 1/256 and zero point -128. The differences x - max(row) are
scaled by beta * input_scale into Q5.26 (5 integer bits: differences below -32 after scaling vanish in exp);
the multiplier, left shift and the smallest difference that still counts (diff_min) are computed here as TFLite's
PreprocessSoftmaxScaling and CalculateInputRadius do, in double precision.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_int8_io, require_per_tensor_quant, result
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

    def prepare(self, op: Op, graph: Graph) -> SoftmaxLayer:
        x = operand(op, graph, INPUT)
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
