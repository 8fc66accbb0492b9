"""Compile-time quantization arithmetic, on exact values (TFLite's QuantizeMultiplier and activation ranges)."""

import math

import numpy as np
import pytest

from mcugen.errors import UnsupportedModelError
from mcugen.quant import activation_range, multiply_by_quantized_multiplier, quantize_multiplier


@pytest.mark.parametrize("real, expected", [
    (0.5, (1 << 30, 0)),
    (0.25, (1 << 30, -1)),
    (1.0, (1 << 30, 1)),
    (0.001, (1099511628, -9)),
    (0.0, (0, 0)),
    (2.0 ** -40, (0, 0)),  # below 2^-31 the multiplier flushes to zero
    (1.5 * 2 ** 30, (1610612736, 31)),  # no cap at 30 in the double-rounding build
])
def test_quantize_multiplier_exact(real, expected):
    assert quantize_multiplier(real) == expected


def test_quantize_multiplier_renormalises_when_rounding_reaches_two_to_the_31():
    multiplier, shift = quantize_multiplier(math.nextafter(1.0, 0.0))
    assert (multiplier, shift) == (1 << 30, 1)


def test_requantization_model_matches_real_arithmetic():
    multiplier, shift = quantize_multiplier(0.0123)
    x = np.arange(-100000, 100000, 997)
    got = multiply_by_quantized_multiplier(x, multiplier, shift)
    assert np.max(np.abs(got - x * 0.0123)) <= 1


@pytest.mark.parametrize("activation, expected", [
    ("NONE", (-128, 127)),
    ("RELU", (-10, 127)),
    ("RELU6", (-10, 50)),  # 6 / 0.1 = 60 steps above the zero point -10
    ("RELU_N1_TO_1", (-20, 0)),
])
def test_activation_range(activation, expected):
    assert activation_range(activation, 0.1, -10) == expected


def test_quantize_multiplier_refuses_shifts_the_reference_cannot_compute():
    assert quantize_multiplier(2.0 ** 30) == (1 << 30, 31)
    with pytest.raises(UnsupportedModelError, match="left by 32"):
        quantize_multiplier(2.0 ** 31)
    with pytest.raises(UnsupportedModelError, match="undefined"):
        quantize_multiplier(6.3e25)
    with pytest.raises(UnsupportedModelError, match="not a finite number"):
        quantize_multiplier(float("inf"))
