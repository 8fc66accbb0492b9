"""LOGISTIC (sigmoid) of int8 tensors, as a 256-entry table computed at compile time, or of int16 tensors.

TFLite Micro's int8 logistic rescales the input to a Q4.27 value (a Q31 multiplier from the input scale, with 4
integer bits), saturates beyond the input radius, evaluates gemmlowp's fixed-point logistic and rounds the Q0.31
result to 1/256 steps offset by -128. The output zero point must be -128 (TFLite Micro checks it; its scale is
taken as 1/256 whatever it says). Every step depends only on the input value, so mcugen runs the exact arithmetic
(mcugen/fixedpoint.py) for all 256 inputs and the device looks the result up.

int16 LOGISTIC interpolates in TFLite's sigmoid table instead (mcugen/ops/logistic_tanh_s16.py).
"""

from __future__ import annotations

import math
import numpy as np

from mcugen.fixedpoint import logistic, multiply_by_quantized_multiplier, rounding_shift_right, wrap
from mcugen.ir import Graph, Op
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result
from mcugen.ops.logistic_tanh_s16 import Int16ActivationLayer, Int16ActivationPortable, check_int16, prepare_int16
from mcugen.ops.lut import LutLayer, LutPortable, byte_table

INPUT, OUTPUT = 0, 0
INPUT_INTEGER_BITS = 4


def logistic_table(input_scale: float, input_zero_point: int) -> np.ndarray:
    """The int8 output of TFLite Micro's logistic for every int8 input (-128 .. 127)."""
    real_multiplier = float(np.float32(input_scale)) * float(1 << (31 - INPUT_INTEGER_BITS))
    mantissa, left_shift = math.frexp(real_multiplier)
    multiplier = wrap(int(math.floor(mantissa * (1 << 31) + 0.5)))
    radius = int(math.floor(((1 << INPUT_INTEGER_BITS) - 1) * (1 << (31 - INPUT_INTEGER_BITS)) / 2.0 ** left_shift))
    table = []
    for q in range(-128, 128):
        x = q - input_zero_point
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            q4 = multiply_by_quantized_multiplier(x, multiplier, left_shift)
            out = rounding_shift_right(logistic(q4, INPUT_INTEGER_BITS), 31 - 8) - 128
            table.append(max(-128, min(127, out)))
    return np.asarray(table, dtype=np.int8)


@register
class Logistic(OpLowering):
    kind = "LOGISTIC"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8", "int16"))
        if problems:
            return problems
        problems = require_dtype(y, "output", (x.dtype,))
        problems = problems or require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if problems:
            return problems
        if x.dtype == "int16":
            return check_int16(self.kind, x, y)
        if y.quant.single_zero_point != -128:
            problems.append(f"output {y.describe()} must have zero point -128 (as TFLite Micro requires)")
        if x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        if math.frexp(float(np.float32(x.quant.single_scale)) * (1 << 27))[1] < 0:
            problems.append(f"input {x.describe()} has a scale below 2^-27, outside what the reference handles")
        return problems

    def prepare(self, op: Op, graph: Graph) -> LutLayer | Int16ActivationLayer:
        x = operand(op, graph, INPUT)
        if x.dtype == "int16":
            return prepare_int16(self.kind, x)
        table = logistic_table(x.quant.single_scale, x.quant.single_zero_point)
        return LutLayer(size=x.size, table=byte_table(lambda q: table[q + 128], "int8"))


@binding
class LogisticInt16Portable(Int16ActivationPortable):
    kind = "LOGISTIC"


@binding
class LogisticPortable(LutPortable):
    kind = "LOGISTIC"
