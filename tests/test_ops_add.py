"""ADD int8: generated C bit-exact with TFLite Micro, with and without broadcasting, and the loop planning."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import add_model

from mcugen.ops import lowering_for
from mcugen.ops.add import AddPortable, add_multipliers, broadcast_loops
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

CASES = {
    # name: add_model keyword arguments
    "same-shape": dict(shape1=(1, 6, 6, 8)),
    "same-shape-relu6": dict(shape1=(2, 5, 7), activation="RELU6"),
    "channel-vector": dict(shape1=(1, 4, 4, 8), shape2=(8,), activation="RELU"),
    "both-sides": dict(shape1=(1, 4, 1, 8), shape2=(1, 1, 5, 1), activation="RELU_N1_TO_1"),
    "scalar-first": dict(shape1=(1,), shape2=(3, 2, 4)),
    "5d": dict(shape1=(2, 1, 3, 1, 2), shape2=(1, 4, 1, 5, 1)),
    "constant-operand": dict(shape1=(1, 4, 4, 8), shape2=(1, 1, 4, 8), constant_input2=True),
    "equal-scales": dict(shape1=(4, 16), scales=(0.05, 0.05, 0.08)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_add_bit_exact(name):
    report = verify_model(add_model(**CASES[name], seed=len(name)), board="host", inputs=10, seed=11)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_add_bit_exact_on_cortex_m4():
    for model in (add_model(shape1=(1, 8, 8, 16)), add_model(shape1=(1, 8, 8, 16), shape2=(16,))):
        report = verify_model(model, board="qemu-m4", inputs=5, seed=11)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_broadcast_loops_merge_neighbouring_dimensions():
    # A per-channel vector: the three outer dimensions of input 1 are one contiguous run of rows.
    assert broadcast_loops((1, 8, 8, 16), (16,), (1, 8, 8, 16)) == ([64, 16], [16, 1], [0, 1])
    # Same shapes: one flat loop.
    assert broadcast_loops((2, 3, 4), (2, 3, 4), (2, 3, 4)) == ([24], [1], [1])
    # Both sides broadcast: nothing merges.
    assert broadcast_loops((2, 1, 3), (1, 4, 1), (2, 4, 3)) == ([2, 4, 3], [3, 0, 1], [0, 1, 0])
    assert broadcast_loops((2, 3), (4, 3), (2, 3)) is None


def test_multipliers_follow_tflite_add_prepare():
    fields = add_multipliers(0.5, 0.25, 1.0)
    # input 1: 0.5 / (2 * 0.5) = 0.5; input 2: 0.25; output: 1.0 / (2^20 * 1.0) = 2^-20.
    assert (fields["input1_multiplier"], fields["input1_shift"]) == (1 << 30, 0)
    assert (fields["input2_multiplier"], fields["input2_shift"]) == (1 << 30, -1)
    assert (fields["output_multiplier"], fields["output_shift"]) == (1 << 30, -19)


def portable_add_overlap(model: bytes) -> list[tuple[int, int]]:
    graph = read_model_bytes(model)
    op = graph.ops[0]
    return AddPortable().overlap(op, lowering_for("ADD").prepare(op, graph))


def test_inplace_only_for_inputs_of_the_output_shape():
    assert portable_add_overlap(add_model(shape1=(1, 4, 4, 8), shape2=(8,))) == [(0, 0)]
    assert portable_add_overlap(add_model(shape1=(1, 4, 4, 8))) == [(0, 0), (1, 0)]


def test_check_refuses_an_activation_without_a_clamp():
    graph = read_model_bytes(add_model())
    op = graph.ops[0]
    op.options.fused_activation_function = "TANH"
    problems = lowering_for("ADD").check(op, graph)
    assert len(problems) == 1 and "TANH" in problems[0]
