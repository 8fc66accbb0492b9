"""int8 activations computed as tables (RELU, RELU6, LEAKY_RELU, ELU): every table entry equals TFLite Micro's
output for that input value, over random quantizations, and the generated C is bit-exact end to end; RELU_N1_TO_1,
which TFLite Micro lacks, the same against the TFLite (LiteRT) interpreter; and the int16 conversions (QUANTIZE
int16 <-> int8, DEQUANTIZE int16 -> float32)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import given, settings
from hypothesis import strategies as st
from modelgen import ModelBuilder, litert_run, tflm_run
from modelgen_math import unary_model

from mcugen.golden import choose_reference
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
    assert "for int8 only" in check(unary_model("RELU_N1_TO_1", dtype="int16"))[0]
    assert "too small" in check(unary_model("RELU_N1_TO_1", input_quant=(0.1, 0), output_quant=(1e-10, 0)))[0]


def _relu_n1_to_1_quantization(data) -> dict:
    """Scales from fine (the quantized +-1 beyond the int8 range) to coarse (+-1 a step or two away), some of them
    putting +-1 exactly halfway between two steps."""
    def scale():
        if data.draw(st.booleans()):
            return float(np.float32(1.0 / (data.draw(st.integers(0, 200)) + 0.5)))
        return float(np.float32(10.0 ** data.draw(st.floats(-3.0, 0.5))))

    return dict(input_quant=(scale(), data.draw(st.integers(-128, 127))),
                output_quant=(scale(), data.draw(st.integers(-128, 127))))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_relu_n1_to_1_table_equals_litert_on_every_input(data):
    model = unary_model("RELU_N1_TO_1", shape=(1, 256), **_relu_n1_to_1_quantization(data))
    reference = litert_run(model, [ALL_INT8])[0].reshape(-1)
    np.testing.assert_array_equal(table_of(model), reference)


@settings(max_examples=4, deadline=None)
@given(data=st.data())
def test_relu_n1_to_1_bit_exact_with_litert(data):
    shape = data.draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))
    model = unary_model("RELU_N1_TO_1", shape=shape, **_relu_n1_to_1_quantization(data))
    assert choose_reference(read_model_bytes(model)).reference == "litert"
    report = verify_model(model, board="host", inputs=3, seed=data.draw(st.integers(0, 99)), kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
    assert "bit-exact with TFLite (LiteRT)" in report.summary()


@pytest.mark.emulator
@pytest.mark.slow
@requires_arm
def test_relu_n1_to_1_on_qemu_m4():
    model = unary_model("RELU_N1_TO_1", shape=(1, 6, 6, 8), input_quant=(0.02, 3), output_quant=(0.01, -7))
    report = verify_model(model, board="qemu-m4", inputs=3, seed=4)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("source,target", [("int16", "int8"), ("int8", "int16"), ("int16", "float32")])
def test_int16_quantize_and_dequantize_bit_exact(source, target):
    kind = "DEQUANTIZE" if target == "float32" else "QUANTIZE"
    rng = np.random.default_rng(len(source + target))
    input_quant = (float(np.float32(rng.uniform(1e-4, 1e-3) if source == "int16" else rng.uniform(0.01, 0.1))),
                   0 if source == "int16" else int(rng.integers(-20, 21)))
    output_quant = None if target == "float32" else (
        float(np.float32(rng.uniform(1e-4, 1e-3) if target == "int16" else rng.uniform(0.01, 0.1))),
        0 if target == "int16" else int(rng.integers(-20, 21)))
    b = ModelBuilder(kind.lower())
    x = b.add_tensor("input", (1, 6, 8), source, scale=input_quant[0], zero_point=input_quant[1])
    if output_quant is None:
        y = b.add_tensor("output", (1, 6, 8), target)
    else:
        y = b.add_tensor("output", (1, 6, 8), target, scale=output_quant[0], zero_point=output_quant[1])
    b.add_op(kind, [x], [y])
    b.inputs, b.outputs = [x], [y]
    report = verify_model(b.build(), board="host", inputs=4, seed=2, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
