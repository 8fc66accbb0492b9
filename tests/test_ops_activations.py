"""int8 activations computed as tables (RELU, RELU6, LEAKY_RELU, ELU): every table entry equals TFLite Micro's
output for that input value, over random quantizations, and the generated C is bit-exact end to end."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modelgen import tflm_run
from modelgen_math import unary_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

ALL_INT8 = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)

# kind -> options, and whether input and output must share one quantization
ACTIVATIONS = {
    "RELU": ({}, False),
    "RELU6": ({}, True),
    "LEAKY_RELU": ({"alpha": 0.2}, False),
    "ELU": ({}, False),
}


def quantizations(rng: np.random.Generator, same: bool) -> dict:
    x = (float(np.float32(rng.uniform(0.002, 0.2))), int(rng.integers(-128, 128)))
    y = x if same else (float(np.float32(rng.uniform(0.002, 0.2))), int(rng.integers(-128, 128)))
    return dict(input_quant=x, output_quant=y)


def table_of(model: bytes) -> np.ndarray:
    graph = read_model_bytes(model)
    op = graph.ops[0]
    lowering = lowering_for(op.kind)
    assert lowering.check(op, graph) == []
    return np.asarray(lowering.prepare(op, graph).table, dtype=np.int8)


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(ACTIVATIONS)), seed=st.integers(0, 2**31), alpha=st.floats(0.0, 3.0))
def test_table_equals_tflite_micro_on_every_input(kind, seed, alpha):
    options, same = ACTIVATIONS[kind]
    if "alpha" in options:
        options = {"alpha": alpha}
    model = unary_model(kind, shape=(1, 256), **quantizations(np.random.default_rng(seed), same), **options)
    reference = tflm_run(model, [ALL_INT8])[0].reshape(-1)
    np.testing.assert_array_equal(table_of(model), reference)


@pytest.mark.parametrize("kind", sorted(ACTIVATIONS))
def test_bit_exact(kind):
    options, same = ACTIVATIONS[kind]
    model = unary_model(kind, shape=(1, 5, 5, 8), **quantizations(np.random.default_rng(len(kind)), same),
                        **options)
    report = verify_model(model, board="host", inputs=4, seed=2, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_refusals_are_clear():
    def check(model):
        graph = read_model_bytes(model)
        return lowering_for(graph.ops[0].kind).check(graph.ops[0], graph)

    assert "one quantization" in check(unary_model("RELU6", input_quant=(0.1, 0), output_quant=(0.2, 0)))[0]
    assert "negative" in check(unary_model("LEAKY_RELU", alpha=-0.5))[0]
    assert "supported: int8" in check(unary_model("ELU", dtype="int16"))[0]
