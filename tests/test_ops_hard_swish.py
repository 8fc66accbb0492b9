"""HARD_SWISH int8: the compile-time table bit-exact with TFLite Micro over every input value."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import tflm_run
from modelgen_math import unary_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

QUANTS = [
    # (input scale, zero point), (output scale, zero point)
    ((0.05, 3), (0.03, -60)),
    ((0.1, -128), (0.1, -100)),
    ((0.02, 0), (0.02, 0)),
    ((0.2, 10), (0.05, -20)),
    ((0.003, -5), (0.4, -128)),
]


@pytest.mark.parametrize("input_quant, output_quant", QUANTS)
def test_table_matches_tflite_micro_on_every_input(input_quant, output_quant):
    model = unary_model("HARD_SWISH", shape=(1, 256), input_quant=input_quant, output_quant=output_quant)
    expected = tflm_run(model, [np.arange(-128, 128, dtype=np.int8).reshape(1, 256)])[0].reshape(-1)
    graph = read_model_bytes(model)
    table = lowering_for("HARD_SWISH").prepare(graph.ops[0], graph).table
    assert list(table) == expected.tolist()


def test_hard_swish_bit_exact():
    model = unary_model("HARD_SWISH", shape=(2, 40), input_quant=(0.05, 3), output_quant=(0.03, -60))
    report = verify_model(model, board="host", inputs=5, seed=2)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
