"""TANH int8: the compile-time table bit-exact with TFLite Micro over every input value."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import tflm_run
from modelgen_math import unary_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

OUTPUT_QUANT = (1.0 / 128, 0)


@pytest.mark.parametrize("input_quant", [(0.05, 3), (0.1, -128), (0.02, 0), (0.2, 10), (0.003, -5), (1.5, 20)])
def test_table_matches_tflite_micro_on_every_input(input_quant):
    model = unary_model("TANH", shape=(1, 256), input_quant=input_quant, output_quant=OUTPUT_QUANT)
    expected = tflm_run(model, [np.arange(-128, 128, dtype=np.int8).reshape(1, 256)])[0].reshape(-1)
    graph = read_model_bytes(model)
    assert lowering_for("TANH").check(graph.ops[0], graph) == []
    assert list(lowering_for("TANH").prepare(graph.ops[0], graph).table) == expected.tolist()


def test_tanh_bit_exact():
    model = unary_model("TANH", shape=(2, 40), input_quant=(0.05, 3), output_quant=OUTPUT_QUANT)
    report = verify_model(model, board="host", inputs=5, seed=2)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_other_output_quantizations_are_refused():
    graph = read_model_bytes(unary_model("TANH", input_quant=(0.05, 3), output_quant=(0.01, 4)))
    assert "1/128" in lowering_for("TANH").check(graph.ops[0], graph)[0]
    graph = read_model_bytes(unary_model("TANH", dtype="int16", input_quant=(1 / 4096, 0),
                                         output_quant=(1 / 4096, 0)))
    assert "must have scale 2^-15" in lowering_for("TANH").check(graph.ops[0], graph)[0]
