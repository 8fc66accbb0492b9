"""ELU of int8 tensors. TFLite Micro itself evaluates it as a 256-entry table built in float32 at Prepare:
dequantize (scale * (q - zp)), exp(v) - 1 below zero, multiply by 1 / output_scale, round halves away from zero,
add the output zero point and saturate. The table is built here the same way, every step in float32.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import register
from mcugen.ops.activation_table import INT8_VALUES, LutOp, LutPortable
from mcugen.quant import INT8_MAX, INT8_MIN


def float32_table(x: Tensor, y: Tensor, transform) -> np.ndarray:
    """TFLite Micro's PopulateLookupTable for int8: `transform` maps float32 values to float32 values."""
    inverse_scale = np.float32(1.0) / np.float32(y.quant.scale[0])
    dequantized = np.float32(x.quant.scale[0]) * (INT8_VALUES - x.quant.single_zero_point).astype(np.float32)
    transformed = transform(dequantized.astype(np.float32)).astype(np.float32)
    product = (transformed * inverse_scale).astype(np.float32).astype(np.float64)
    rounded = np.sign(product) * np.floor(np.abs(product) + 0.5)
    quantized = rounded.astype(np.int64) + y.quant.single_zero_point
    return np.clip(quantized, INT8_MIN, INT8_MAX)


def expm1_float32(values: np.ndarray) -> np.ndarray:
    """std::exp(v) - 1.0f in float32 for v < 0, v elsewhere (exp correctly rounded to float32)."""
    exp = np.exp(values.astype(np.float64)).astype(np.float32)
    return np.where(values < 0, (exp - np.float32(1.0)).astype(np.float32), values)


@register
class Elu(LutOp):
    kind = "ELU"

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        return float32_table(x, y, expm1_float32)


@binding
class EluPortable(LutPortable):
    kind = "ELU"
