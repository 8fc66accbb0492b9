"""UNIDIRECTIONAL_SEQUENCE_LSTM: sequences of invokes from a fresh state, bit-exact with one TFLite Micro
interpreter invoked in the same order (int8 and 16x8, batch and time major, with and without cell clipping), the
converter-made fixture, both states outside the arena, and the variants check refuses."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from conftest import requires_arm, requires_board
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_layers import lstm_model

from mcugen.codegen import render_project
from mcugen.compiler import compile_graph, compile_model
from mcugen.errors import UnsupportedModelError
from mcugen.golden import make_inputs
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.reference import run_reference
from mcugen.verify import verify_model

FIXTURE = Path(__file__).parent / "fixtures" / "lstm" / "lstm_int8.tflite"

layers = st.fixed_dictionaries({
    "batches": st.integers(1, 3), "time_steps": st.integers(1, 6), "input_size": st.integers(1, 12),
    "units": st.integers(1, 10), "time_major": st.booleans(), "dtype": st.sampled_from(("int8", "int16")),
    "cell_clip": st.sampled_from((0.0, 0.0, 0.3, 1.0, 4.0)),
    # None: a power of two 2^-9 .. 2^-13, as converters choose; otherwise any scale (TFLite Micro's tanh of the
    # cell then reads the nearest power of two), up to the ends of the range its int16 tanh is defined on.
    "cell_scale": st.one_of(st.none(), st.floats(2.0 ** -14, 2.0 ** -8), st.floats(2.0 ** -30, 2.0 ** 1.5)),
    "skew": st.sampled_from((0.0, 0.0, 4.0, 8.0)),
    "seed": st.integers(0, 1000),
})


def _verify(model: bytes, board: str = "host", inputs: int = 5, seed: int = 0, kernels: str = "portable"):
    report = verify_model(model, board=board, host=board == "host", kernels=kernels, inputs=inputs, seed=seed)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
    return report


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers)
def test_lstm_sequence_is_bit_exact(layer):
    """Five invokes in a row: the hidden and cell state carry every step into the next invoke."""
    _verify(lstm_model(**layer), inputs=5, seed=layer["seed"])


@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("time_major", [False, True])
def test_lstm_bit_exact_over_many_invokes(dtype, time_major):
    _verify(lstm_model(batches=2, time_steps=4, input_size=6, units=5, time_major=time_major, dtype=dtype,
                       cell_clip=1.0, seed=21), inputs=20, seed=3)


def test_converter_made_fixture_is_bit_exact():
    """tests/fixtures/lstm/make_lstm_models.py: a Keras LSTM converted full-integer int8, 20 invokes."""
    _verify(FIXTURE.read_bytes(), inputs=20, seed=1)


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_the_reference_outputs_depend_on_the_earlier_invokes(dtype):
    """What the sequence tests rely on: the same input gives another output after other inputs (the state)."""
    model = lstm_model(time_steps=2, dtype=dtype, seed=2)
    graph = read_model_bytes(model)
    first, second = make_inputs(graph, 2, seed=5)
    alone = run_reference(model, [second], 1)[0][0]
    after = run_reference(model, [first, second], 1)[1][0]
    assert not np.array_equal(alone, after)


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_the_test_models_reach_the_clip_and_spread_their_outputs(dtype):
    """The random models are not degenerate: the outputs take many values, and a small cell clip changes them
    (the property test's clipped models do clip)."""
    model = lstm_model(batches=2, time_steps=6, input_size=8, units=8, dtype=dtype, seed=4)
    clipped = lstm_model(batches=2, time_steps=6, input_size=8, units=8, dtype=dtype, cell_clip=0.3, seed=4)
    inputs = make_inputs(read_model_bytes(model), 3, seed=1)
    plain = np.concatenate([o[0].reshape(-1) for o in run_reference(model, inputs, 1)])
    assert len(np.unique(plain)) > 40
    assert not np.array_equal(plain, np.concatenate([o[0].reshape(-1) for o in run_reference(clipped, inputs, 1)]))


def test_states_live_outside_the_arena():
    compiled = compile_model(lstm_model(batches=2, units=3), board="host", host=True)
    op = compiled.graph.ops[0]
    for state in (op.inputs[18], op.inputs[19]):
        assert state not in compiled.buffer_of
    source = render_project(compiled, None, command="test")[f"src/{compiled.graph.name}.c"]
    assert f"static uint8_t {compiled.graph.name}_state[" in source


@pytest.mark.emulator
@pytest.mark.slow
@requires_arm
@pytest.mark.parametrize("model", [
    pytest.param(lambda: FIXTURE.read_bytes(), id="fixture-int8"),
    pytest.param(lambda: lstm_model(batches=2, time_steps=3, input_size=5, units=4, time_major=True,
                                    cell_clip=1.0, seed=31), id="int8-time-major"),
    pytest.param(lambda: lstm_model(batches=2, time_steps=3, input_size=5, units=4, dtype="int16", seed=32),
                 id="16x8"),
])
def test_lstm_sequence_bit_exact_on_cortex_m4(model):
    _verify(model(), board="qemu-m4", inputs=4, seed=3, kernels="auto")


@pytest.mark.emulator
@pytest.mark.slow
@requires_board("mega2560")
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_lstm_sequence_bit_exact_on_avr(dtype):
    """AVR keeps the constants in flash: the stacked weights and the int64 biases are read from program memory."""
    _verify(lstm_model(batches=2, time_steps=3, input_size=5, units=4, dtype=dtype, cell_clip=1.0, seed=33),
            board="mega2560", inputs=3, seed=3)


# ---- what check refuses ---------------------------------------------------------------------------------------


def _graph(**kwargs):
    graph = read_model_bytes(lstm_model(**kwargs))
    return graph, graph.ops[0]


def _problems(graph, op):
    return lowering_for("UNIDIRECTIONAL_SEQUENCE_LSTM").check(op, graph)


def _one(problems: list[str], text: str) -> None:
    assert any(text in p for p in problems), problems


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_check_accepts_the_synthetic_models(dtype):
    assert _problems(*_graph(dtype=dtype)) == []


def test_check_accepts_the_fixture():
    graph = read_model_bytes(FIXTURE.read_bytes())
    op = next(op for op in graph.ops if op.kind == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    assert _problems(graph, op) == []


def test_check_refuses_a_float_lstm():
    graph, op = _graph()
    graph.tensors[op.inputs[0]].dtype = "float32"
    _one(_problems(graph, op), "has type float32; supported: int8, int16")


@pytest.mark.parametrize("positions,text", [
    ((9, 10, 11), "peephole weights"),
    ((16,), "projection tensor"),
    ((20, 21, 22, 23), "layer normalisation coefficients"),
])
def test_check_refuses_lstm_variants(positions, text):
    graph, op = _graph()
    for position in positions:
        op.inputs[position] = op.inputs[12]  # any tensor: present is what matters
    problems = _problems(graph, op)
    _one(problems, text)
    assert "TFLite Micro's LSTM has no" in problems[0]


def test_check_refuses_a_cifg_lstm():
    graph, op = _graph()
    op.inputs[1] = op.inputs[5] = op.inputs[12] = -1
    _one(_problems(graph, op), "the input gate's weights are missing (a CIFG LSTM)")


def test_check_refuses_per_channel_weights():
    graph, op = _graph(units=3)
    weights = graph.tensors[op.inputs[2]]
    weights.quant.scale = np.repeat(weights.quant.scale, 3)
    weights.quant.zero_point = np.zeros(3, dtype=np.int64)
    _one(_problems(graph, op), "quantized per channel; only per-tensor is supported here")


def test_check_refuses_asymmetric_weights():
    graph, op = _graph()
    graph.tensors[op.inputs[3]].quant.zero_point = np.array([4])
    _one(_problems(graph, op), "has zero point 4; TFLite Micro requires symmetric weights")


@pytest.mark.parametrize("dtype,wrong", [("int8", "int64"), ("int16", "int32")])
def test_check_refuses_the_other_bias_type(dtype, wrong):
    graph, op = _graph(dtype=dtype)
    graph.tensors[op.inputs[13]].dtype = wrong
    _one(_problems(graph, op), f"has type {wrong}; supported: {'int32' if dtype == 'int8' else 'int64'}")


def test_check_refuses_a_missing_bias():
    graph, op = _graph()
    op.inputs[14] = -1
    _one(_problems(graph, op), "cell gate bias (input 14) is missing")


def test_check_refuses_states_that_are_not_variable():
    graph, op = _graph()
    graph.tensors[op.inputs[18]].is_variable = False
    graph.tensors[op.inputs[19]].is_variable = False
    problems = _problems(graph, op)
    assert len(problems) == 2 and all("must be a variable tensor" in p for p in problems)


def test_check_refuses_a_state_shared_with_another_operand():
    graph, op = _graph(dtype="int16")
    op.inputs[18] = op.inputs[19]
    _one(_problems(graph, op), "must be four different tensors")


def test_check_refuses_a_state_another_op_writes():
    graph, op = _graph()
    writer = copy.copy(op)
    writer.index, writer.kind, writer.outputs = 1, "ADD", [op.inputs[18]]
    graph.ops.append(writer)
    _one(_problems(graph, op), "is also written by op 1 (ADD); an LSTM's states may only be written by LSTMs")


def test_check_refuses_a_one_dimensional_hidden_state():
    graph, op = _graph(units=3)
    graph.tensors[op.inputs[18]].shape = (3,)
    _one(_problems(graph, op), "TFLite Micro reads the units from its second dimension")


def test_check_refuses_a_cell_activation_other_than_tanh():
    graph, op = _graph()
    op.options.fused_activation_function = "RELU"
    _one(_problems(graph, op), "cell activation RELU is not supported; supported: TANH")


def test_check_refuses_an_int8_cell_state():
    graph, op = _graph()
    graph.tensors[op.inputs[19]].dtype = "int8"
    _one(_problems(graph, op), "cell state tensor")


def test_check_refuses_a_cell_scale_outside_the_tanh_range():
    graph, op = _graph()
    graph.tensors[op.inputs[19]].quant.scale = np.array([16.0], dtype=np.float32)
    _one(_problems(graph, op), "supported: 2^-43 to 2^2")


def test_check_refuses_a_16x8_gate_scale_beyond_the_int64_requantization():
    graph, op = _graph(dtype="int16")
    graph.tensors[op.inputs[2]].quant.scale = np.array([100.0], dtype=np.float32)
    _one(_problems(graph, op), "TFLite Micro's int64 requantization allows at most 7")


def test_check_refuses_mismatched_shapes():
    graph, op = _graph(units=3, input_size=4)
    graph.tensors[op.inputs[6]].shape = (3, 4)
    _one(_problems(graph, op), "(input 6) must have shape [3, 3]")


def test_compile_names_the_op_and_the_problem():
    graph, op = _graph()
    op.inputs[9] = op.inputs[12]
    with pytest.raises(UnsupportedModelError, match=r"op 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM\): peephole weights"):
        compile_graph(graph, "host", host=True)
