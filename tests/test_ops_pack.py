"""PACK and UNPACK (int8, int16): random shapes and axes, bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, pack_model, unpack_model

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_pack_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(-rank - 1, rank))
    assert_bit_exact(pack_model(shape, data.draw(st.integers(1, 4)), axis, dtype))


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_unpack_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    assert_bit_exact(unpack_model(shape, data.draw(st.integers(-rank, rank - 1)), dtype))


@pytest.mark.emulator
@requires_arm
def test_pack_ops_on_qemu_m4():
    assert_bit_exact(pack_model((2, 3), 3, 1), "qemu-m4")
    assert_bit_exact(unpack_model((2, 3, 4), -1), "qemu-m4")
