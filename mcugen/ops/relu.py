"""RELU and RELU6 (as TFLite Micro computes them) and RELU_N1_TO_1 (as TFLite, LiteRT, does) of int8 tensors,
tabulated (mcugen/ops/lut.py).

RELU requantizes: output = output_zp + (input - input_zp) * (input_scale / output_scale) (the ratio taken in
float32, then a Q31 multiplier), clamped below at the output zero point. RELU6 never requantizes in TFLite Micro:
it clamps the raw input to [input_zp, input_zp + round(6 / input_scale)], so it is only meaningful (and only
accepted) when input and output share one quantization, as the converter makes them.

RELU_N1_TO_1 has no TFLite Micro kernel, so it follows the TFLite (LiteRT) interpreter, which is then the model's
reference: it requantizes as RELU does, then clamps to the output's quantized -1 and 1 (output_zp + round(+-1 /
output_scale), the division in float32, within the int8 range).
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import operand, register
from mcugen.ops.activation_table import INPUT, INT8_VALUES, LutOp, LutPortable, requantize
from mcugen.quant import INT8_MAX, INT8_MIN, _round_half_away, activation_range, quantize_multiplier


def _requantized(x: Tensor, y: Tensor) -> np.ndarray:
    """Each int8 input value in the output's quantization, before any clamp."""
    ratio = np.float32(x.quant.scale[0]) / np.float32(y.quant.scale[0])
    multiplier, shift = quantize_multiplier(float(ratio))
    return requantize(INT8_VALUES - x.quant.single_zero_point, multiplier, shift) + y.quant.single_zero_point


@register
class Relu(LutOp):
    kind = "RELU"

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        return np.clip(_requantized(x, y), max(INT8_MIN, y.quant.single_zero_point), INT8_MAX)


@register
class Relu6(LutOp):
    kind = "RELU6"

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        if (x.quant.single_scale, x.quant.single_zero_point) != (y.quant.single_scale, y.quant.single_zero_point):
            return [f"RELU6 needs one quantization for input {x.describe()} and output {y.describe()} "
                    f"(TFLite Micro clamps raw values)"]
        return []

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        zero = x.quant.single_zero_point
        six = _round_half_away(float(np.float32(6.0) / np.float32(x.quant.scale[0]))) + zero
        six = min(max(six, INT8_MIN), INT8_MAX)
        return np.clip(INT8_VALUES, zero, six)


@register
class ReluN1To1(LutOp):
    kind = "RELU_N1_TO_1"
    reference = "litert"

    def check(self, op: Op, graph: Graph) -> list[str]:
        x = operand(op, graph, INPUT)
        if x is not None and x.dtype == "int16":
            return [f"input {x.describe()} is int16: RELU_N1_TO_1 is supported for int8 only (neither TFLite "
                    "Micro nor TFLite (LiteRT) has an int16 kernel to check it against)"]
        return super().check(op, graph)

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        # The bounds are output_zp + (int)roundf(+-1 / scale): past 2^31 that conversion is undefined in C.
        if not np.float32(1.0) / np.float32(y.quant.single_scale) < 2.0 ** 31:
            return [f"output {y.describe()} has a scale too small to represent 1.0 in 32 bits"]
        return []

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        low, high = activation_range("RELU_N1_TO_1", y.quant.single_scale, y.quant.single_zero_point)
        return np.clip(_requantized(x, y), low, high)


@binding
class ReluPortable(LutPortable):
    kind = "RELU"


@binding
class Relu6Portable(LutPortable):
    kind = "RELU6"


@binding
class ReluN1To1Portable(LutPortable):
    kind = "RELU_N1_TO_1"
