"""SVDF: sequences of invokes from a fresh state, bit-exact with one TFLite Micro interpreter invoked in the same
order; the state array outside the arena; what check refuses."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_layers import svdf_model

from mcugen import targets
from mcugen.codegen import render_project
from mcugen.compiler import compile_model
from mcugen.emulate.qemu import run_host
from mcugen.golden import golden_vectors, make_inputs
from mcugen.outdir import write_project
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.reference import run_reference
from mcugen.verify import verify_model

layers = st.fixed_dictionaries({
    "batches": st.integers(1, 3), "input_size": st.integers(1, 24), "units": st.integers(1, 6),
    "rank": st.integers(1, 3), "memory": st.integers(1, 8), "seed": st.integers(0, 1000),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers)
def test_svdf_sequence_is_bit_exact(layer):
    """Ten invokes in a row: the state carries each step's features into the next outputs."""
    report = verify_model(svdf_model(**layer), board="host", host=True, kernels="portable", inputs=10,
                          seed=layer["seed"])
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_the_reference_outputs_depend_on_the_earlier_invokes():
    """What the sequence test relies on: the same input gives another output after other inputs (the state)."""
    model = svdf_model(memory=4, seed=2)
    graph = read_model_bytes(model)
    first, second = make_inputs(graph, 2, seed=5)
    alone = run_reference(model, [second], 1)[0][0]
    after = run_reference(model, [first, second], 1)[1][0]
    assert not np.array_equal(alone, after)


def test_state_lives_outside_the_arena_and_resets_to_zero():
    compiled = compile_model(svdf_model(batches=2, memory=3, units=2, rank=2), board="host", host=True)
    state = compiled.graph.ops[0].inputs[4]
    assert state not in compiled.buffer_of
    files = render_project(compiled, None, command="test")
    source = files[f"src/{compiled.graph.name}.c"]
    header = files[f"include/{compiled.graph.name}.h"]
    assert f"void {compiled.graph.name}_reset(void);" in header
    assert f"static uint8_t {compiled.graph.name}_state[" in source
    assert f"{compiled.graph.name}_state + 0)" in source


@pytest.mark.emulator
@requires_arm
def test_svdf_sequence_bit_exact_on_cortex_m4():
    report = verify_model(svdf_model(batches=2, input_size=20, units=5, rank=2, memory=6, seed=4),
                          board="qemu-m4", inputs=8, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def _problems(graph):
    return lowering_for("SVDF").check(graph.ops[0], graph)


def test_check_accepts_the_synthetic_model():
    assert _problems(read_model_bytes(svdf_model())) == []


def test_check_refuses_int8_time_weights_and_state():
    graph = read_model_bytes(svdf_model())
    graph.tensors[graph.ops[0].inputs[2]].dtype = "int8"
    graph.tensors[graph.ops[0].inputs[4]].dtype = "int8"
    problems = _problems(graph)
    assert any("int8 time weights and activation state are not supported; supported: int16" in p
               for p in problems)


def test_check_refuses_a_state_that_is_not_variable():
    graph = read_model_bytes(svdf_model())
    graph.tensors[graph.ops[0].inputs[4]].is_variable = False
    problems = _problems(graph)
    assert len(problems) == 1 and "must be a variable tensor" in problems[0]


def test_check_refuses_a_rank_that_does_not_divide_the_filters():
    graph = read_model_bytes(svdf_model(units=3, rank=2))
    graph.ops[0].options.rank = 4
    problems = _problems(graph)
    assert len(problems) == 1 and "rank 4 does not divide the 6 filters" in problems[0]


def test_check_refuses_a_bias_of_the_wrong_scale():
    graph = read_model_bytes(svdf_model())
    bias = graph.tensors[graph.ops[0].inputs[3]]
    bias.quant.scale = bias.quant.scale * 2 + 1e-3
    problems = _problems(graph)
    assert len(problems) == 1 and "expected state scale times time weights scale" in problems[0]


RESET_MAIN = r"""
#include <stdio.h>
#include "NAME.h"
#include "NAME_selftest.h"

static void print_line(const char *line) { puts(line); }

/* The self-test runs its vectors as one sequence from the start state: a second run passes only after a reset. */
int main(void)
{
    if (NAME_selftest(print_line) != 0) return 1;
    if (NAME_selftest(print_line) == 0) return 2;
    NAME_reset();
    return NAME_selftest(print_line) != 0 ? 3 : 0;
}
"""


def test_reset_returns_the_state_to_its_start(tmp_path):
    model = svdf_model(memory=3, seed=8)
    compiled = compile_model(model, board="host", host=True)
    name = compiled.graph.name
    project = write_project(render_project(compiled, golden_vectors(compiled, model, 4, 1), command="test"),
                            tmp_path / "project")
    (project / "src" / "main.c").write_text(RESET_MAIN.replace("NAME", name))
    _, sources = targets.project_sources(project)
    exe = tmp_path / "reset"
    includes = [f"-I{d}" for d in targets.project_includes(project)]
    subprocess.run(["cc", *targets.COMMON_CFLAGS, *includes, *sources, "-o", str(exe), "-lm"], check=True,
                   cwd=project)
    result = run_host(exe)
    assert result.returncode == 0, result.stdout
