"""verify's comparison must be able to fail: a wrong expected byte is reported at its vector and index."""

import numpy as np
import pytest

from conftest import requires_board
from mcugen.boards import load_boards

from mcugen.codegen import render_project, write_project
from mcugen.compiler import compile_model
from mcugen.emulate.run import no_emulator_reason
from mcugen.errors import ToolchainError
from mcugen.emulate import build_host, run_host
from mcugen.golden import golden_vectors, make_inputs
from mcugen.reference import run_reference
from mcugen.verify import parse_selftest, verify_model
from modelgen import ModelBuilder
from modelgen_math import unary_model


def _model() -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 6, 6, 2), scale=0.05, zero_point=-3)
    y = b.add_tensor("y", (1, 3, 3, 2), scale=0.05, zero_point=-3)
    b.add_op("MAX_POOL_2D", [x], [y], padding="VALID", stride_w=2, stride_h=2, filter_width=2, filter_height=2)
    b.inputs, b.outputs = [x], [y]
    return b.build()


def test_golden_inputs_are_deterministic_and_seeded():
    compiled = compile_model(_model(), board="host")
    a = make_inputs(compiled.graph, 3, seed=1)
    b = make_inputs(compiled.graph, 3, seed=1)
    c = make_inputs(compiled.graph, 3, seed=2)
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b))
    assert not np.array_equal(a[0][0], c[0][0])
    assert a[0][0].dtype == np.int8 and a[0][0].min() < -64 and a[0][0].max() > 64


def test_verify_passes_on_host():
    report = verify_model(_model(), board="host", inputs=8, seed=3)
    assert report.ok, report.log
    assert [o.identical for o in report.outputs] == [True]
    assert "reference: TFLite Micro" in report.summary() and "PASS: bit-exact with TFLite Micro" in report.summary()
    assert report.to_dict()["reference"] == "tflm"


def test_verify_names_litert_when_an_op_needs_it():
    model = unary_model("RELU_N1_TO_1", shape=(1, 4, 4, 3))
    report = verify_model(model, board="host", inputs=2, seed=3)
    assert report.ok, report.log
    assert "reference: TFLite (LiteRT): the model has RELU_N1_TO_1" in report.summary()
    assert "PASS: bit-exact with TFLite (LiteRT)" in report.summary()
    assert report.to_dict()["reference"] == "litert"
    assert report.to_dict()["reference_needed_by"] == ["RELU_N1_TO_1"]


def test_a_wrong_reference_byte_is_caught(tmp_path):
    data = _model()
    compiled = compile_model(data, board="host")
    golden = golden_vectors(compiled, data, 4, seed=0)
    golden.expected[2][0] = golden.expected[2][0].copy()
    golden.expected[2][0].reshape(-1)[5] ^= 1
    project = write_project(render_project(compiled, golden, "test"), tmp_path / "p")
    result = run_host(build_host(project, tmp_path / "b"), timeout=30)
    outputs, passed = parse_selftest(result.stdout, compiled)
    assert result.returncode == 1 and not passed
    assert not outputs[0].identical
    assert (outputs[0].mismatched_vectors, outputs[0].first_vector, outputs[0].first_index) == (1, 2, 5)


def test_reference_runs_the_tflm_interpreter():
    data = _model()
    compiled = compile_model(data, board="host")
    vectors = make_inputs(compiled.graph, 1, seed=0)
    (out,), = run_reference(data, vectors, 1)
    expected = vectors[0][0].reshape(3, 2, 3, 2, 2).max(axis=(1, 3))
    assert np.array_equal(out.reshape(3, 3, 2), expected)


def _board_param(board):
    marks = [requires_board(board.name)] if board.machine is not None else []
    return pytest.param(board, id=board.name, marks=marks)


@pytest.mark.emulator
@pytest.mark.parametrize("board", [_board_param(b) for b in load_boards().values()])
def test_verify_runs_on_every_board_or_says_why_not(board, model_path, tmp_path):
    """Every board with an emulator path verifies hello_world there (the host board natively); the others are
    refused with the reason and what to use instead."""
    path = model_path("hello_world_int8")
    if board.machine is None and board.arch != "host":
        with pytest.raises(ToolchainError) as refused:
            verify_model(path, board=board.name, inputs=2, workdir=tmp_path)
        message = str(refused.value)
        assert f"board {board.name} has no emulator ({no_emulator_reason(board)})" in message
        assert "use --host or a board with an emulator" in message
        return
    report = verify_model(path, board=board.name, inputs=2, workdir=tmp_path)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
    if board.arch == "host":
        assert report.target == "host"
    else:
        assert report.target in ("qemu", board.architecture.emulator.binary)
