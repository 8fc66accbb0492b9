"""SOFTMAX int8 and int16: generated C bit-exact with TFLite Micro, and the compile-time scaling constants."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import single_op_model

from mcugen.ops import lowering_for
from mcugen.ops.softmax import input_scaling
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def softmax_model(shape, beta: float, scale: float, zero_point: int, out_scale: float = 1.0 / 256) -> bytes:
    return single_op_model(
        "SOFTMAX",
        [dict(name="logits", shape=shape, scale=scale, zero_point=zero_point)],
        [dict(name="probabilities", shape=shape, scale=out_scale, zero_point=-128)],
        beta=beta,
    )


CASES = [
    # shape, beta, input scale, input zero point
    ((1, 10), 1.0, 0.1, 3),
    ((1, 4), 1.0, 0.1017, -128),
    ((2, 3, 7), 0.5, 0.05, -10),
    ((1, 300), 1.0, 0.2, 0),
    ((3, 12), 2.0, 0.0039, 20),  # small input scale: large left shift, narrow diff_min
    ((1, 6), 100.0, 1.0, 0),  # the multiplier saturates at 2^31 - 1, only the maxima count
    ((5, 2), 1.0, 0.5, 7),
]


INT16_CASES = [
    # shape, beta, input scale
    ((1, 10), 1.0, 3e-4),
    ((2, 3, 7), 0.5, 1e-3),
    ((1, 300), 1.0, 5e-4),
    ((4, 12), 2.0, 3.0517578e-05),
    ((1, 6), 1.0, 0.01),  # large input steps: most differences fall beyond -10
]


def int16_softmax_model(shape, beta: float, scale: float) -> bytes:
    return single_op_model(
        "SOFTMAX",
        [dict(name="logits", shape=shape, dtype="int16", scale=scale, zero_point=0)],
        [dict(name="probabilities", shape=shape, dtype="int16", scale=1.0 / 32768, zero_point=0)],
        beta=beta,
    )


@pytest.mark.parametrize("shape, beta, scale", INT16_CASES)
def test_int16_softmax_bit_exact(shape, beta, scale):
    report = verify_model(int16_softmax_model(shape, beta, scale), board="host", inputs=20, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_int16_softmax_bit_exact_on_cortex_m4():
    report = verify_model(int16_softmax_model((4, 12), 2.0, 3.0517578e-05), board="qemu-m4", inputs=5, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("shape, beta, scale, zero_point", CASES)
def test_softmax_bit_exact(shape, beta, scale, zero_point):
    report = verify_model(softmax_model(shape, beta, scale, zero_point), board="host", inputs=20, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_input_scaling_constants():
    # beta * scale * 2^26 = 6710886.4 -> Q31 mantissa of 0.8 with shift 23; radius floor(31 * 2^26 / 2^23) = 248
    assert input_scaling(1.0, 0.1) == (1717986918, 23, -248)
    # capped at 2^31 - 1: shift 31, only a zero difference counts
    assert input_scaling(100.0, 1.0) == (2147483647, 31, 0)
    assert input_scaling(1.0, 2.0 ** -27) is None


def test_softmax_rejects_other_output_quantization():
    graph = read_model_bytes(softmax_model((1, 4), 1.0, 0.1, 0, out_scale=1.0 / 128))
    problems = lowering_for("SOFTMAX").check(graph.ops[0], graph)
    assert any("1/256" in p for p in problems)


@pytest.mark.emulator
@requires_arm
def test_softmax_bit_exact_on_cortex_m4():
    report = verify_model(softmax_model((3, 12), 1.0, 0.1, 3), board="qemu-m4", inputs=10, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
