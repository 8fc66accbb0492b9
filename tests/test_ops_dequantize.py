"""DEQUANTIZE int8 -> float32: generated C bit-exact with TFLite Micro (floats compared bit for bit)."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import single_op_model

from mcugen.verify import verify_model


@pytest.mark.parametrize("shape, scale, zero_point", [
    ((1, 2), 0.14687847, 1),  # as in MCUNet-VWW
    ((4, 64), 0.02, -128),
    ((3, 5, 7), 1.7e-5, 33),
])
def test_dequantize_bit_exact(shape, scale, zero_point):
    model = single_op_model("DEQUANTIZE", [dict(name="input", shape=shape, scale=scale, zero_point=zero_point)],
                            [dict(name="output", shape=shape, dtype="float32")])
    report = verify_model(model, board="host", inputs=20, seed=23)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_dequantize_bit_exact_on_cortex_m4():
    model = single_op_model("DEQUANTIZE", [dict(name="input", shape=(4, 64), scale=0.14687847, zero_point=1)],
                            [dict(name="output", shape=(4, 64), dtype="float32")])
    report = verify_model(model, board="qemu-m4", inputs=10, seed=23)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
