"""CONCATENATION written in place: its inputs' producers write straight into their slices of the output, the op
emits no code, the plan stays valid, and the results stay bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, computed_concatenation_model
from modelgen_state import concatenation_model

from mcugen.compiler import compile_model

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _in_place(model: bytes) -> bool:
    compiled = compile_model(model, board="host", kernels="portable")
    return all(op.kind != "CONCATENATION" for op in compiled.steps)


def test_aligned_slices_are_written_in_place():
    model = computed_concatenation_model([2, 1, 3], 16)
    compiled = compile_model(model, board="host", kernels="portable")
    assert [op.kind for op in compiled.steps] == ["ADD", "ADD", "ADD", "ADD"]
    names = {t.name: i for i, t in enumerate(compiled.graph.tensors)}
    base = compiled.offset(names["joined"])
    assert [compiled.offset(names[f"piece{k}"]) - base for k in range(3)] == [0, 32, 48]
    assert_bit_exact(model)


def test_unaligned_or_strided_slices_are_copied():
    assert not _in_place(computed_concatenation_model([1, 1], 8))  # the second slice starts at byte 8
    assert not _in_place(computed_concatenation_model([1, 1], 16, batches=2))  # each slice is two runs
    assert not _in_place(concatenation_model([(1, 2, 16), (1, 1, 16)], 1))  # graph inputs are not placed


@SETTINGS
@given(rows=st.lists(st.integers(1, 3), min_size=1, max_size=4), channels=st.sampled_from([4, 8, 16, 32]),
       batches=st.integers(1, 2))
def test_concatenation_in_place_random(rows, channels, batches):
    model = computed_concatenation_model(rows, channels, batches)
    aligned = all(sum(rows[:k]) * channels % 16 == 0 for k in range(len(rows)))
    assert _in_place(model) == (aligned and batches == 1)
    assert_bit_exact(model)


@pytest.mark.emulator
@requires_arm
def test_concatenation_in_place_on_qemu_m4():
    assert_bit_exact(computed_concatenation_model([2, 1, 3], 16), "qemu-m4")
