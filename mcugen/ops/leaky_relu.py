"""LEAKY_RELU of int8 tensors, as TFLite Micro computes it, tabulated (mcugen/ops/lut.py).

The centred input is scaled to the output by input_scale / output_scale where it is not negative, and by
input_scale * alpha / output_scale where it is (both ratios in float32, then Q31 multipliers). A negative alpha
is refused: TFLite Micro versions disagree on it.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.activation_table import INT8_VALUES, LutOp, LutPortable, requantize
from mcugen.quant import INT8_MAX, INT8_MIN, quantize_multiplier


@register
class LeakyRelu(LutOp):
    kind = "LEAKY_RELU"
    options_table = "LeakyReluOptions"

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        alpha = float(getattr(op.options, "alpha", 0.0))
        if not alpha >= 0.0:
            return [f"LEAKY_RELU alpha {alpha} is negative; only alpha >= 0 is supported"]
        return []

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        in_scale, out_scale = np.float32(x.quant.scale[0]), np.float32(y.quant.scale[0])
        alpha = np.float32(getattr(op.options, "alpha", 0.0))
        identity = quantize_multiplier(float(in_scale / out_scale))
        slope = quantize_multiplier(float(np.float32(in_scale * alpha) / out_scale))
        centred = INT8_VALUES - x.quant.single_zero_point
        scaled = np.where(centred >= 0, requantize(centred, *identity), requantize(centred, *slope))
        return np.clip(scaled + y.quant.single_zero_point, INT8_MIN, INT8_MAX)


@binding
class LeakyReluPortable(LutPortable):
    kind = "LEAKY_RELU"
