"""DEPTH_TO_SPACE and SPACE_TO_DEPTH (int8): random shapes and block sizes, bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, depth_space_model

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIZES = st.integers(1, 3)


@SETTINGS
@given(n=SIZES, h=SIZES, w=SIZES, c=SIZES, block=st.integers(1, 3))
def test_depth_to_space_random(n, h, w, c, block):
    assert_bit_exact(depth_space_model("DEPTH_TO_SPACE", (n, h, w, c * block * block), block))


@SETTINGS
@given(n=SIZES, h=SIZES, w=SIZES, c=SIZES, block=st.integers(1, 3))
def test_space_to_depth_random(n, h, w, c, block):
    assert_bit_exact(depth_space_model("SPACE_TO_DEPTH", (n, h * block, w * block, c), block))


@pytest.mark.emulator
@requires_arm
def test_depth_space_on_qemu_m4():
    assert_bit_exact(depth_space_model("DEPTH_TO_SPACE", (1, 2, 3, 8), 2), "qemu-m4")
    assert_bit_exact(depth_space_model("SPACE_TO_DEPTH", (2, 4, 6, 3), 2), "qemu-m4")
