"""L2_NORMALIZATION int8: generated C bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import single_op_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def l2_model(shape, input_quant, output_quant=(1.0 / 128, 0)) -> bytes:
    return single_op_model(
        "L2_NORMALIZATION",
        [dict(name="input", shape=shape, scale=input_quant[0], zero_point=input_quant[1])],
        [dict(name="output", shape=shape, scale=output_quant[0], zero_point=output_quant[1])],
    )


@pytest.mark.parametrize("shape, input_quant", [
    ((1, 16), (0.05, 3)),
    ((2, 3, 10), (0.1, -128)),
    ((4, 1), (0.02, 0)),  # one value per row: +-1 (or the largest multiplier for 0 and +-1)
    ((1, 2, 2, 300), (0.2, 10)),
    ((3, 2000), (0.01, -5)),  # long rows: the sum is brought below 2^29 first
])
def test_l2_normalization_bit_exact(shape, input_quant):
    report = verify_model(l2_model(shape, input_quant), board="host", inputs=10, seed=4)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_short_rows_bit_exact():
    # Small sums of squares: the inverse square root shifts them up the most.
    model = l2_model((1, 3), (0.05, 0))
    report = verify_model(model, board="host", inputs=40, seed=1)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_l2_normalization_bit_exact_on_cortex_m4():
    report = verify_model(l2_model((3, 2000), (0.01, -5)), board="qemu-m4", inputs=3, seed=4)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_other_output_quantization_is_refused():
    graph = read_model_bytes(l2_model((1, 8), (0.05, 3), output_quant=(0.01, 0)))
    problems = lowering_for("L2_NORMALIZATION").check(graph.ops[0], graph)
    assert len(problems) == 1 and "1/128" in problems[0]
