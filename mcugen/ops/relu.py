"""RELU and RELU6 of int8 tensors, as TFLite Micro computes them, tabulated (mcugen/ops/lut.py).

RELU requantizes: output = output_zp + (input - input_zp) * (input_scale / output_scale) (the ratio taken in
float32, then a Q31 multiplier), clamped below at the output zero point. RELU6 never requantizes in TFLite Micro:
it clamps the raw input to [input_zp, input_zp + round(6 / input_scale)], so it is only meaningful (and only
accepted) when input and output share one quantization, as the converter makes them.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.activation_table import INT8_VALUES, LutOp, LutPortable, requantize
from mcugen.quant import INT8_MAX, INT8_MIN, _round_half_away, quantize_multiplier


@register
class Relu(LutOp):
    kind = "RELU"

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        ratio = np.float32(x.quant.scale[0]) / np.float32(y.quant.scale[0])
        multiplier, shift = quantize_multiplier(float(ratio))
        low = max(INT8_MIN, y.quant.single_zero_point)
        scaled = requantize(INT8_VALUES - x.quant.single_zero_point, multiplier, shift)
        return np.clip(scaled + y.quant.single_zero_point, low, INT8_MAX)


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


@binding
class ReluPortable(LutPortable):
    kind = "RELU"


@binding
class Relu6Portable(LutPortable):
    kind = "RELU6"
