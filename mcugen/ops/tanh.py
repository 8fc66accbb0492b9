"""TANH of int8 tensors, as a 256-entry table computed at compile time (mcugen/ops/lut.py), or of int16 tensors.

TFLite Micro's int8 tanh rescales the centred input to a Q4.27 value (a Q31 multiplier from the input scale, with
4 integer bits, computed with frexp and rounded half away from zero), saturates to -128 / 127 beyond the input
radius, evaluates gemmlowp's fixed-point tanh (mcugen/fixedpoint.py) and rounds the Q0.31 result to 1/128 steps.
The output is therefore always in scale 1/128, zero point 0, which the output tensor must declare.

int16 TANH interpolates in TFLite's sigmoid table instead (mcugen/ops/logistic_tanh_s16.py).
"""

from __future__ import annotations

import math

import numpy as np

from mcugen.fixedpoint import multiply_by_quantized_multiplier, rounding_shift_right, tanh, wrap
from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.activation_table import INT8_VALUES, LutLayer, LutOp, LutPortable
from mcugen.ops.base import operand, register, require_dtype, require_per_tensor_quant, result
from mcugen.ops.logistic_tanh_s16 import Int16ActivationLayer, Int16ActivationPortable, check_int16, prepare_int16
from mcugen.quant import INT8_MAX, INT8_MIN

INPUT_INTEGER_BITS = 4
OUTPUT_FRACTIONAL_BITS = 7


def input_rescaling(input_scale: float) -> tuple[int, int, int]:
    """(multiplier, left shift, input radius) of TFLite Micro's int8 tanh Prepare."""
    real = float(np.float32(input_scale)) * float(1 << (31 - INPUT_INTEGER_BITS))
    mantissa, left_shift = math.frexp(real)
    multiplier = wrap(int(math.floor(mantissa * (1 << 31) + 0.5)))
    radius = int(math.floor(((1 << INPUT_INTEGER_BITS) - 1) * (1 << (31 - INPUT_INTEGER_BITS)) / 2.0 ** left_shift))
    return multiplier, left_shift, radius


@register
class Tanh(LutOp):
    kind = "TANH"
    options_table = None

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, 0), result(op, graph, 0)
        if x is None or x.dtype != "int16":
            return super().check(op, graph)
        problems = require_dtype(y, "output", ("int16",))
        problems = problems or require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        return problems or check_int16(self.kind, x, y)

    def dtypes(self) -> tuple[str, ...]:
        return ("int8", "int16")

    def prepare(self, op: Op, graph: Graph) -> LutLayer | Int16ActivationLayer:
        x = operand(op, graph, 0)
        return prepare_int16(self.kind, x) if x.dtype == "int16" else super().prepare(op, graph)

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        problems = []
        if y.quant.single_zero_point != 0 or abs(y.quant.single_scale - 1.0 / 128) > 1e-9:
            problems.append(f"output {y.describe()} must have scale 1/128 and zero point 0 (TFLite Micro's int8 "
                            f"TANH writes that quantization)")
        if input_rescaling(x.quant.single_scale)[1] < 0:
            problems.append(f"input {x.describe()} has a scale below 2^-27, outside what the reference handles")
        return problems

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        multiplier, left_shift, radius = input_rescaling(x.quant.single_scale)
        outputs = []
        for q in INT8_VALUES.tolist():
            centred = q - x.quant.single_zero_point
            if centred <= -radius:
                outputs.append(INT8_MIN)
            elif centred >= radius:
                outputs.append(INT8_MAX)
            else:
                q4 = multiply_by_quantized_multiplier(centred, multiplier, left_shift)
                value = rounding_shift_right(tanh(q4, INPUT_INTEGER_BITS), 31 - OUTPUT_FRACTIONAL_BITS)
                outputs.append(min(max(value, INT8_MIN), INT8_MAX))
        return np.asarray(outputs)


@binding
class TanhInt16Portable(Int16ActivationPortable):
    kind = "TANH"


@binding
class TanhPortable(LutPortable):
    kind = "TANH"
