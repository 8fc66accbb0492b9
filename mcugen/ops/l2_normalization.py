"""L2_NORMALIZATION of int8 tensors along the last dimension, in TFLite Micro's fixed-point arithmetic.

Each row's centred values are squared and summed in int32; TFLite's GetInvSqrtQuantizedMultiplierExp turns the sum
into a multiplier and shift for 1 / sqrt(sum) by Newton-Raphson steps in Q3.28, evaluated on the device per row
(mcugen_l2_normalization_s8.c); each value is then scaled by it into 1/128 steps. The output is therefore in scale
1/128, zero point 0, which the output tensor must declare. As in TFLite Micro, no fused activation is accepted and
the input has at most 4 dimensions.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_int8_io, require_per_tensor_quant, result

INPUT, OUTPUT = 0, 0
MAX_DEPTH = (1 << 15) - 1  # the int32 sum of squares (each below 2^16) stays exact


@dataclass(frozen=True)
class L2NormalizationLayer:
    rows: int
    depth: int
    input_zero_point: int


@register
class L2Normalization(OpLowering):
    kind = "L2_NORMALIZATION"
    options_table = "L2NormOptions"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_int8_io(x, y)
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if problems:
            return problems
        activation = getattr(op.options, "fused_activation_function", "NONE")
        if activation != "NONE":
            problems.append(f"fused activation {activation} is not supported; supported: NONE")
        if not 1 <= len(x.shape) <= 4 or tuple(x.shape) != tuple(y.shape):
            problems.append(f"input {x.describe()} and output {y.describe()} must have one shape of 1 to 4 "
                            f"dimensions")
        elif x.shape[-1] > MAX_DEPTH:
            problems.append(f"rows of {x.shape[-1]} values are too long; at most {MAX_DEPTH} are supported")
        if y.quant.single_zero_point != 0 or abs(y.quant.single_scale - 1.0 / 128) > 1e-9:
            problems.append(f"output {y.describe()} must have scale 1/128 and zero point 0 (TFLite Micro's int8 "
                            f"L2_NORMALIZATION writes that quantization)")
        return problems

    def prepare(self, op: Op, graph: Graph) -> L2NormalizationLayer:
        x = operand(op, graph, INPUT)
        depth = x.shape[-1]
        return L2NormalizationLayer(rows=x.size // depth, depth=depth, input_zero_point=x.quant.single_zero_point)


@binding
class L2NormalizationPortable(KernelBinding):
    kind = "L2_NORMALIZATION"
    backend = "portable"

    def kernel_name(self, op: Op, layer: L2NormalizationLayer) -> str:
        return "mcugen_l2_normalization_s8"

    def overlap(self, op: Op, layer: L2NormalizationLayer) -> list[tuple[int, int]]:
        # A row is read in full before any of it is written, and rows are walked in order.
        return [(INPUT, 0)]

    def emit(self, op: Op, layer: L2NormalizationLayer, emit) -> None:
        emit.kernel("mcugen_l2_normalization_s8")
        params = emit.params("mcugen_l2_normalization_s8_params", {
            "rows": layer.rows,
            "depth": layer.depth,
            "input_zero_point": layer.input_zero_point,
        })
        emit.call("mcugen_l2_normalization_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
