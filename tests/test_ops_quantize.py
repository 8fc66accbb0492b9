"""QUANTIZE (float32 -> int8 or int16, and int8 -> int8): generated C bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import single_op_model

from mcugen.verify import verify_model


def quantize_model(shape, out_quant, in_quant=None, out_dtype="int8") -> bytes:
    if in_quant is None:
        source = dict(name="input", shape=shape, dtype="float32")
    else:
        source = dict(name="input", shape=shape, scale=in_quant[0], zero_point=in_quant[1])
    return single_op_model("QUANTIZE", [source],
                           [dict(name="output", shape=shape, dtype=out_dtype, scale=out_quant[0],
                                 zero_point=out_quant[1])])


@pytest.mark.parametrize("shape, out_quant", [
    ((1, 8, 8, 3), (0.007839307, 0)),  # as in MCUNet-VWW
    ((4, 25), (0.1, -20)),
    ((1, 64), (0.003921569, -128)),
])
def test_quantize_float_bit_exact(shape, out_quant):
    report = verify_model(quantize_model(shape, out_quant), board="host", inputs=20, seed=17)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("out_quant", [(3.0517578e-05, 0), (1e-3, 0), (0.5, 0)])
def test_quantize_float_to_int16_bit_exact(out_quant):
    report = verify_model(quantize_model((3, 40), out_quant, out_dtype="int16"), board="host", inputs=20, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("in_quant, out_quant", [
    ((0.05, 3), (0.1, -7)),
    ((0.1, 0), (0.02, 5)),  # ratio 5: a left shift
    ((0.0235, -128), (0.0235, -128)),
])
def test_requantize_bit_exact(in_quant, out_quant):
    report = verify_model(quantize_model((2, 50), out_quant, in_quant), board="host", inputs=20, seed=19)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_quantize_float_bit_exact_on_cortex_m4():
    report = verify_model(quantize_model((1, 8, 8, 3), (0.007839307, 0)), board="qemu-m4", inputs=10, seed=17)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
