"""CMSIS-NN binding of UNIDIRECTIONAL_SEQUENCE_LSTM (arm_lstm_unidirectional_s8 / _s16): chosen where it is exact
and faster, bit-exact with TFLite Micro over sequences of invokes (int8 and 16x8, batch and time major), and the
layers it declines falling back to the portable kernel with the reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import CMSIS_NN, requires_arm, requires_cmsis_nn
from hypothesis import HealthCheck, given, settings
from modelgen_layers import lstm_model
from test_ops_lstm import layers

from mcugen.codegen import render_profile_main
from mcugen.compiler import compile_model
from mcugen.kernels.arm import lstm as binding
from mcugen.kernels.arm.library import locate
from mcugen.kernels.base import Target
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

pytestmark = requires_cmsis_nn

FIXTURE = Path(__file__).parent / "fixtures" / "lstm" / "lstm_int8.tflite"
KERNEL = {"int8": "arm_lstm_unidirectional_s8", "int16": "arm_lstm_unidirectional_s16"}
# Seeds whose random 12-unit models every exactness rule accepts (the others are declined, see below).
SEEDS = {"int8": 2, "int16": 1}


def _model(dtype: str, time_major: bool = False, batches: int = 2, **kwargs) -> bytes:
    return lstm_model(batches=batches, time_steps=4, input_size=12, units=12, dtype=dtype, time_major=time_major,
                      cell_clip=kwargs.pop("cell_clip", 1.0), seed=kwargs.pop("seed", SEEDS[dtype]), **kwargs)


def _compiled(model: bytes, board: str = "qemu-m4", host: bool = True):
    return compile_model(model, board=board, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, host=host)


def _verify(model: bytes, board: str = "qemu-m4", host: bool = True, inputs: int = 5, seed: int = 0):
    report = verify_model(model, board=board, host=host, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=inputs,
                          seed=seed)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def _layer(model: bytes):
    graph = read_model_bytes(model)
    op = next(op for op in graph.ops if op.kind == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    return op, lowering_for(op.kind).prepare(op, graph)


@pytest.mark.parametrize("board,kernel,reason", [
    # 8 units, 3 inputs: measured 1% fewer instructions with CMSIS-NN on the DSP path, inside the estimate's error
    ("qemu-m4", "mcugen_lstm_s8", "instructions per step against the portable kernel"),
    ("qemu-m55", "arm_lstm_unidirectional_s8", None),
])
def test_fixture_kernel_on_cortex_m(board, kernel, reason):
    choice = _compiled(FIXTURE.read_bytes(), board, host=False).choices[0]
    assert choice.kernel == kernel
    assert (reason is None and choice.fallbacks == ()) or reason in choice.fallbacks[0]


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_larger_layers_take_the_cmsis_nn_kernel_on_cortex_m4(dtype):
    assert _compiled(_model(dtype), host=False).kernel_name(0) == KERNEL[dtype]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers)
def test_cmsis_nn_lstm_sequence_is_bit_exact(layer):
    """The property test's random LSTMs, speed aside (every layer the exactness rules accept takes CMSIS-NN):
    five invokes in a row, whichever kernel computes the layer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(binding, "MIN_GAIN", -1e9)
        _verify(lstm_model(**layer), inputs=5, seed=layer["seed"])


@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("time_major", [False, True])
def test_cmsis_nn_lstm_bit_exact_over_many_invokes(dtype, time_major):
    model = _model(dtype, time_major)
    assert _compiled(model).kernel_name(0) == KERNEL[dtype]
    _verify(model, inputs=20, seed=3)


DECLINED = {
    # name: (model, words of the reason)
    "recurrent-beyond-int16": (lambda: lstm_model(batches=1, time_steps=3, input_size=12, units=12, skew=8.0,
                                                  seed=0), "recurrent fully connected layer can leave int16"),
    "cell-clip-zero": (lambda: _model("int8", cell_clip=1e-4, cell_scale=2.0 ** -9),
                       "the cell clip is 0 in cell-state units"),
    "too-small": (lambda: lstm_model(batches=1, time_steps=3, input_size=2, units=4, seed=2),
                  "instructions per step against the portable kernel"),
}


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_declined_layers_fall_back_to_portable(name):
    build, reason = DECLINED[name]
    model = build()
    choice = _compiled(model).choices[0]
    assert choice.backend == "portable" and choice.kernel.startswith("mcugen_lstm_s")
    assert len(choice.fallbacks) == 1 and choice.fallbacks[0].startswith("cmsis-nn: arm_lstm_unidirectional_s")
    assert reason in choice.fallbacks[0]
    _verify(model, inputs=4)


def test_scratch_holds_two_gate_buffers_of_one_step():
    for time_major, rows in ((False, 1), (True, 3)):
        op, layer = _layer(lstm_model(batches=3, units=5, time_major=time_major))
        sizes = {isa: binding.UnidirectionalSequenceLstmCmsisNN().scratch_bytes(op, layer, Target(("cmsis-nn",), isa))
                 for isa in ("plain", "dsp", "mve")}
        assert set(sizes.values()) == {2 * 2 * rows * 5}


def test_cell_scale_power_is_the_one_the_layer_derived():
    for power in (-20, -15, -12, -9, 0):
        _, layer = _layer(lstm_model(cell_scale=2.0 ** power))
        assert binding.cell_scale_power(layer) == power


def test_wide_requantization_rounds_as_tflite_micro_where_the_intermediate_fits():
    """arm_nn_requantize_s64: ((acc * m) >> (14 - shift) + 1) >> 1 equals TFLite Micro's single rounding shift."""
    rng = np.random.default_rng(0)
    for acc, multiplier, shift in zip(rng.integers(-(1 << 40), 1 << 40, 500), rng.integers(1 << 30, 1 << 31, 500),
                                      rng.integers(-20, 8, 500)):
        acc, multiplier, shift = int(acc), int(multiplier), int(shift)
        assert (binding.wide_intermediate(acc, multiplier, shift) + 1) >> 1 == \
            binding.requantize_wide(acc, multiplier, shift)


def test_the_hidden_range_is_the_kernels_outputs_and_the_reset_value():
    _, layer = _layer(lstm_model(seed=5))
    low, high = binding.hidden_range(layer)
    assert -128 <= low <= layer.hidden_zero_point <= high <= 127
    assert (low, high) != (-128, 127)  # a hidden scale above 1/128 leaves part of the type unused


def test_projects_carry_the_sigmoid_table():
    files = locate(CMSIS_NN).files_for({"arm_lstm_unidirectional_s8"})
    assert "Source/NNSupportFunctions/arm_nntables.c" in files


def test_profiling_starts_each_run_of_a_stateful_model_from_the_reset_state():
    compiled = compile_model(FIXTURE.read_bytes(), board="qemu-m4", kernels="portable")
    assert f"{compiled.graph.name}_reset();" in render_profile_main(compiled, "test", 2)


@pytest.mark.emulator
@pytest.mark.slow
@requires_arm
@pytest.mark.parametrize("board", ["qemu-m4", "qemu-m55"])
@pytest.mark.parametrize("model", [
    pytest.param(lambda: _model("int8", time_major=True), id="int8-time-major"),
    pytest.param(lambda: _model("int16"), id="16x8"),
])
def test_cmsis_nn_lstm_bit_exact_on_cortex_m(board, model):
    """The DSP and Helium code paths (the host tests build plain C), four invokes in a row."""
    model = model()
    op, layer = _layer(model)
    assert _compiled(model, board, host=False).kernel_name(op.index) == KERNEL[layer.dtype]
    _verify(model, board=board, host=False, inputs=4, seed=3)


@pytest.mark.emulator
@pytest.mark.slow
@requires_arm
@pytest.mark.parametrize("board", ["qemu-m4", "qemu-m55"])
def test_fixture_bit_exact_through_cmsis_nn_on_cortex_m(board):
    """20 invokes of the converter-made fixture, through CMSIS-NN also where the estimate leaves it portable."""
    model = FIXTURE.read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(binding, "MIN_GAIN", -1e9)
        assert _compiled(model, board, host=False).kernel_name(0) == "arm_lstm_unidirectional_s8"
        _verify(model, board=board, host=False, inputs=20, seed=1)
