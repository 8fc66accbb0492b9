"""BATCH_MATMUL: the portable kernel bit-exact with TFLite Micro on random shapes, and what check refuses."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_layers import batch_matmul_model

from mcugen.compiler import compile_model
from mcugen.errors import UnsupportedModelError
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


@st.composite
def products(draw):
    """Operand shapes of ranks 2 to 5 whose batch dimensions broadcast (ones on either side), any adjoints."""
    rows, depth, cols = draw(st.integers(1, 6)), draw(st.integers(1, 9)), draw(st.integers(1, 6))
    batch_rank = draw(st.integers(0, 3))
    batches = [draw(st.integers(1, 3)) for _ in range(batch_rank)]
    lhs_batches = [b if draw(st.booleans()) else 1 for b in batches]
    rhs_batches = [b if draw(st.booleans()) else 1 for b in batches]
    # Either side may drop leading batch dimensions (lower rank broadcasts too).
    lhs_batches = lhs_batches[draw(st.integers(0, batch_rank)):]
    rhs_batches = rhs_batches[draw(st.integers(0, batch_rank)):]
    adj_x, adj_y = draw(st.booleans()), draw(st.booleans())
    lhs = (*lhs_batches, *((depth, rows) if adj_x else (rows, depth)))
    rhs = (*rhs_batches, *((cols, depth) if adj_y else (depth, cols)))
    return dict(lhs_shape=lhs, rhs_shape=rhs, adj_x=adj_x, adj_y=adj_y, constant_rhs=draw(st.booleans()),
                seed=draw(st.integers(0, 1000)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(products())
def test_batch_matmul_is_bit_exact(case):
    report = verify_model(batch_matmul_model(**case), board="host", host=True, kernels="portable", inputs=3,
                          seed=case["seed"])
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_batch_matmul_bit_exact_on_cortex_m4():
    model = batch_matmul_model(lhs_shape=(2, 1, 5, 7), rhs_shape=(3, 6, 7), adj_y=True, seed=5)
    report = verify_model(model, board="qemu-m4", inputs=4, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_check_refuses_a_reduction_mismatch():
    graph = read_model_bytes(batch_matmul_model())
    graph.ops[0].options.adj_y = True
    problems = lowering_for("BATCH_MATMUL").check(graph.ops[0], graph)
    assert len(problems) == 1 and "reduction dimension" in problems[0]


def test_check_refuses_batches_that_do_not_broadcast():
    graph = read_model_bytes(batch_matmul_model(lhs_shape=(2, 3, 4), rhs_shape=(2, 4, 5)))
    graph.tensors[graph.ops[0].inputs[1]].shape = (3, 4, 5)
    problems = lowering_for("BATCH_MATMUL").check(graph.ops[0], graph)
    assert len(problems) == 1 and "do not broadcast" in problems[0]


def test_int16_operands_are_refused_with_the_supported_type():
    graph = read_model_bytes(batch_matmul_model())
    for index in (*graph.ops[0].inputs, *graph.ops[0].outputs):
        graph.tensors[index].dtype = "int16"
    problems = lowering_for("BATCH_MATMUL").check(graph.ops[0], graph)
    assert len(problems) == 3 and all("supported: int8" in p for p in problems)


def test_the_compiler_reports_the_refusal():
    model = batch_matmul_model(lhs_shape=(3, 4), rhs_shape=(4, 2))
    graph = read_model_bytes(model)
    assert lowering_for("BATCH_MATMUL").check(graph.ops[0], graph) == []
    compile_model(model, board="host", kernels="portable", host=True)
    with pytest.raises(UnsupportedModelError):
        compile_model(batch_matmul_model(lhs_shape=(3, 40000), rhs_shape=(40000, 1)), board="host", host=True)
