"""The 513-entry int16 interpolation tables of TFLite Micro's int16 kernels (SOFTMAX's exp and 1 / (1 + x)),
computed at compile time in float32 exactly as TFLite's LUTPopulate computes them at Prepare.

The table samples a function f at 512 equal steps over the int16 input range, plus its value at the end. Each
sample is f(x) in output units, rounded half away from zero, then corrected by half the error that linear
interpolation would make at the step's midpoint, so that interpolating between samples (mcugen_lut_s16_lookup)
is closer to f. Every operation is a float32 one in TFLite's order; f itself calls the C library's float
function (expf), as TFLite does, so the tables match TFLite Micro built against the same C library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable

import numpy as np

STEPS = 512
INT16_MIN, INT16_MAX = -32768, 32767
F32 = np.float32


@functools.cache
def _libm_expf() -> Callable[[float], float]:
    """The C library's expf, loaded on first use (only int16 tables need it)."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or ctypes.util.find_library("c"))
    function = libm.expf
    function.restype = ctypes.c_float
    function.argtypes = [ctypes.c_float]
    return function


def expf(x: np.float32) -> np.float32:
    """The C library's float32 exp."""
    return F32(_libm_expf()(float(x)))


def _round(x: np.float32) -> np.float32:
    """roundf: halves away from zero (exact in float32)."""
    return F32(np.copysign(np.floor(np.abs(x) + F32(0.5)), x)) if abs(x) < 2 ** 23 else x


def reciprocal_one_plus(x: np.float32) -> np.float32:
    """1 / (1 + x) in float32."""
    return F32(F32(1.0) / F32(F32(1.0) + x))


def int16_lut(transform: Callable[[np.float32], np.float32], input_scale: np.float32, input_zero_point: int,
              output_scale: np.float32, output_zero_point: int) -> np.ndarray:
    """The int16 [513] table of `transform` (a float32 -> float32 function), as LUTPopulate<int16_t>."""
    input_min = F32(input_scale * F32(INT16_MIN - input_zero_point))
    input_max = F32(input_scale * F32(INT16_MAX - input_zero_point))
    output_min = F32(output_scale * F32(INT16_MIN - output_zero_point))
    output_max = F32(output_scale * F32(INT16_MAX - output_zero_point))
    step = F32(F32(input_max - input_min) / F32(STEPS))
    half_step = F32(step / F32(2))
    scaling_inv = F32(F32(INT16_MAX - INT16_MIN + 1) / F32(output_max - output_min))
    table = np.zeros(STEPS + 1, dtype=np.int16)
    for i in range(STEPS):
        at = F32(input_min + F32(F32(i) * step))
        value = transform(at)
        midpoint = transform(F32(at + half_step))
        following = transform(F32(input_min + F32(F32(i + 1) * step)))
        sample = _round(F32(value * scaling_inv))
        interpolated = _round(F32(F32(F32(following * scaling_inv) + sample) / F32(2)))
        error = F32(interpolated - _round(F32(midpoint * scaling_inv)))
        bias = _round(F32(error / F32(2)))
        table[i] = int(min(max(F32(sample - bias), F32(INT16_MIN)), F32(INT16_MAX)))
    last = _round(F32(transform(input_max) * scaling_inv))
    table[STEPS] = int(min(max(last, F32(INT16_MIN)), F32(INT16_MAX)))
    return table
