"""Stateful models: resource variables, CALL_ONCE initialisers, reset, and the streaming keyword-spotting example,
bit-exact with TFLite Micro over sequences of invokes from a fresh state (and again after <name>_reset())."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import requires_arm
from modelgen_state import ring_buffer_model

from mcugen.codegen import render_project
from mcugen.compiler import compile_model
from mcugen.errors import UnsupportedModelError
from mcugen.verify import verify_model

KWS = Path(__file__).resolve().parent.parent / "examples" / "streaming_kws" / "streaming_kws.tflite"


@pytest.mark.parametrize("initial", [0, -100, 55])
def test_ring_buffer_sequence_bit_exact(initial):
    # The self-test runs the sequence twice, the second time after <name>_reset(): both must match the reference.
    report = verify_model(ring_buffer_model(initial=initial), board="host", inputs=8, seed=initial & 7,
                          kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_streaming_kws_50_invokes_on_host():
    report = verify_model(KWS, board="host", inputs=50, seed=3, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_streaming_kws_50_invokes_on_qemu_m4():
    report = verify_model(KWS, board="qemu-m4", inputs=50, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_variables_live_outside_the_arena():
    compiled = compile_model(KWS, board="host", kernels="portable")
    graph = compiled.graph
    assert [v.key for v in graph.variables] == ["/window", "/history"]
    assert [v.nbytes for v in graph.variables] == [80, 4]
    # No arena buffer stands for a variable: the arena holds activations only.
    assert not set(graph.variable_of) & set(compiled.buffer_of)
    files = render_project(compiled, None, command="test")
    source = files[f"src/{graph.name}.c"]
    assert f"static uint8_t {graph.name}_state[{graph.name.upper()}_STATE_SIZE]" in source
    assert f"void {graph.name}_reset(void)" in source
    header = files[f"include/{graph.name}.h"]
    assert "advances the state" in header and f"{graph.name.upper()}_STATE_SIZE 84u" in header


def test_other_control_flow_is_refused():
    with pytest.raises(UnsupportedModelError, match=r"op 0: WHILE[\s\S]*control flow"):
        compile_model(ring_buffer_model(control_op="WHILE"), board="host")
