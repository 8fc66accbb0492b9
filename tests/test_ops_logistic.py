"""LOGISTIC int8 (a table computed at compile time) and QUANTIZE int8 <-> uint8, bit-exact with TFLite Micro."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen import tflm_run
from modelgen_state import logistic_model, quantize_model

from mcugen.compiler import compile_model
from mcugen.errors import UnsupportedModelError
from mcugen.ops.logistic import logistic_table
from mcugen.verify import verify_model

SCALES = st.floats(1e-3, 2.0)


@settings(max_examples=60, deadline=None)
@given(scale=SCALES, zero_point=st.integers(-128, 127))
def test_logistic_table_equals_tflm_for_every_input(scale, zero_point):
    model = logistic_model((256,), scale, zero_point)
    every_input = np.arange(-128, 128, dtype=np.int8)
    np.testing.assert_array_equal(logistic_table(scale, zero_point), tflm_run(model, [every_input])[0])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scale=SCALES, zero_point=st.integers(-128, 127), size=st.integers(1, 40))
def test_logistic_generated_code(scale, zero_point, size):
    report = verify_model(logistic_model((1, size), scale, zero_point), board="host", inputs=4, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(to_uint8=st.booleans(), same=st.booleans(), in_scale=SCALES, out_scale=SCALES,
       in_zp=st.integers(-128, 127), out_zp=st.integers(0, 255))
def test_quantize_int8_uint8(to_uint8, same, in_scale, out_scale, in_zp, out_zp):
    if same:  # the usual converter output: one scale, zero points 128 apart
        out_scale, out_zp = in_scale, in_zp + 128
    if to_uint8:
        model = quantize_model((2, 17), "int8", "uint8", in_scale, in_zp, out_scale, out_zp)
    else:
        model = quantize_model((2, 17), "uint8", "int8", out_scale, out_zp, in_scale, in_zp)
    report = verify_model(model, board="host", inputs=3, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_int16_logistic_with_another_output_scale_is_refused_with_its_index():
    from modelgen import single_op_model

    model = single_op_model("LOGISTIC", [dict(name="x", shape=(4,), dtype="int16", scale=1 / 4096, zero_point=0)],
                            [dict(name="y", shape=(4,), dtype="int16", scale=1 / 4096, zero_point=0)])
    with pytest.raises(UnsupportedModelError, match=r"op 0 \(LOGISTIC\): output 'y'.*must have scale 2\^-15"):
        compile_model(model, board="host")


@pytest.mark.emulator
@requires_arm
def test_logistic_and_uint8_quantize_on_qemu_m4():
    for model in (logistic_model((1, 33), 0.07, 12), quantize_model((1, 20), "int8", "uint8", 0.1, -5, 0.1, 123),
                  quantize_model((1, 20), "uint8", "int8", 0.03, 200, 0.05, 4)):
        report = verify_model(model, board="qemu-m4", inputs=3, seed=1)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]
