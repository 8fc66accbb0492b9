"""The TFLite Micro reference in its child process: outputs, arena growth, and every way it can fail turned into a
ReferenceFailure (never the death of mcugen); LiteRT, the reference of models with ops TFLite Micro cannot serve,
in the same process, and a clear error when it is missing."""

from __future__ import annotations

from dataclasses import replace

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from mcugen import golden
from mcugen.cli import main
from mcugen.errors import ReferenceFailure
from mcugen.golden import ReferenceChoice, choose_reference
from mcugen.reader import read_model_bytes
from mcugen.reference import LITERT, MIN_ARENA, REFERENCES, TFLM, arena_estimate, run_reference
from modelgen import add_model, conv2d_model, depthwise_conv2d_model, fully_connected_model, litert_run, tflm_run
from modelgen_math import unary_model

X = np.arange(128, dtype=np.int64).astype(np.int8).reshape(1, 4, 4, 8)


def _mutated(data: bytes, change) -> bytes:
    model = schema.ModelT.InitFromPackedBuf(data, 0)
    change(model)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def test_outputs_match_the_interpreter_in_this_process():
    data = add_model(seed=3)
    (out,), = run_reference(data, [[X, X[:, ::-1]]], 1)
    np.testing.assert_array_equal(out, tflm_run(data, [X, X[:, ::-1]])[0])


def test_the_arena_grows_until_the_model_allocates():
    data = conv2d_model(input_shape=(1, 48, 48, 8), out_channels=8, seed=2)  # 18 KB in, 18 KB out
    x = np.ones((1, 48, 48, 8), np.int8)
    small, = run_reference(data, [[x]], 1, arena_size=MIN_ARENA)
    large, = run_reference(data, [[x]], 1, arena_size=8 << 20)
    np.testing.assert_array_equal(small[0], large[0])


def test_arena_estimate_follows_the_activations_not_the_file():
    assert arena_estimate(0, 0, 0) == MIN_ARENA
    assert (1 << 20) < arena_estimate(1 << 20, 100, 50) < (2 << 20)


def test_a_crash_is_a_clear_error():
    crashing = _mutated(add_model(seed=1), lambda m: setattr(m.subgraphs[0].operators[0], "inputs",
                                                             np.array([0, 99], np.int32)))
    with pytest.raises(ReferenceFailure, match=r"TFLite Micro crashed on this model \(signal \d+"):
        run_reference(crashing, [[X, X]], 1)


def test_an_interpreter_error_is_a_clear_error():
    refused = _mutated(add_model(seed=1), lambda m: setattr(m.subgraphs[0].operators[0], "opcodeIndex", 5))
    with pytest.raises(ReferenceFailure, match="TFLite Micro refused this model"):
        run_reference(refused, [[X, X]], 1)


def test_a_hang_is_a_clear_error():
    with pytest.raises(ReferenceFailure, match="did not finish within"):
        run_reference(add_model(seed=1), [[X, X]], 1, timeout=0.001)


def test_build_reports_a_reference_failure_in_one_line(tmp_path, capsys, monkeypatch):
    model = tmp_path / "add.tflite"
    model.write_bytes(add_model(seed=1))

    def crash(*args, **kwargs):
        raise ReferenceFailure("TFLite Micro crashed on this model (signal 11, SIGSEGV); mcugen and TFLM may "
                               "differ here, so no reference outputs could be computed")

    monkeypatch.setattr(golden, "run_reference", crash)
    code = main(["build", str(model), "--board", "host", "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("error: TFLite Micro crashed on this model (signal 11") and "Traceback" not in err


def test_litert_runs_in_the_child_process_too():
    data = add_model(seed=3)
    (out,), = run_reference(data, [[X, X[:, ::-1]]], 1, reference=LITERT)
    np.testing.assert_array_equal(out, litert_run(data, [X, X[:, ::-1]])[0])
    np.testing.assert_array_equal(out, tflm_run(data, [X, X[:, ::-1]])[0])


def test_a_litert_refusal_is_a_clear_error():
    refused = _mutated(add_model(seed=1), lambda m: setattr(m.subgraphs[0].operators[0], "opcodeIndex", 5))
    with pytest.raises(ReferenceFailure, match=r"TFLite \(LiteRT\) refused this model"):
        run_reference(refused, [[X, X]], 1, reference=LITERT)


def test_the_reference_is_tflm_unless_an_op_needs_litert():
    assert choose_reference(read_model_bytes(add_model(seed=1))) == ReferenceChoice(TFLM)
    choice = choose_reference(read_model_bytes(unary_model("RELU_N1_TO_1")))
    assert choice == ReferenceChoice(LITERT, ("RELU_N1_TO_1",))
    assert "TFLite (LiteRT)" in choice.describe() and "RELU_N1_TO_1" in choice.describe()


def test_missing_litert_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(REFERENCES, LITERT, replace(REFERENCES[LITERT], module="mcugen_no_such_module"))
    model = tmp_path / "relu1.tflite"
    model.write_bytes(unary_model("RELU_N1_TO_1"))
    code = main(["verify", str(model), "--host", "-n", "2"])
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" not in err
    assert "TFLite (LiteRT) reference interpreter is not installed" in err
    assert "RELU_N1_TO_1" in err and "pip install ai-edge-litert" in err
    # `mcugen build` still writes the project, without reference outputs, and says why.
    code = main(["build", str(model), "--board", "host", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0 and "embeds no reference outputs" in err and "ai-edge-litert" in err


@pytest.mark.parametrize("make", [
    lambda: conv2d_model(seed=4), lambda: depthwise_conv2d_model(seed=4), lambda: fully_connected_model(seed=4),
    lambda: add_model(seed=4)], ids=["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD"])
def test_litert_reference_kernels_agree_with_tflm_on_common_ops(make):
    """A model with an op only LiteRT serves takes all its reference outputs from LiteRT: its other ops (the
    convolution around a padding SPACE_TO_BATCH_ND, say) must compute there as in TFLite Micro."""
    data = make()
    graph = read_model_bytes(data)
    rng = np.random.default_rng(0)
    inputs = [rng.integers(-128, 128, graph.tensors[i].shape).astype(np.int8) for i in graph.inputs]
    for got, want in zip(litert_run(data, inputs), tflm_run(data, inputs)):
        np.testing.assert_array_equal(got, want)
