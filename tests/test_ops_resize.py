"""RESIZE_NEAREST_NEIGHBOR (int8, int16) and RESIZE_BILINEAR (int8): random sizes and both coordinate conventions, bit-exact with TFLite
Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, resize_model

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MODES = st.sampled_from([(False, False), (True, False), (False, True)])


@SETTINGS
@given(data=st.data(), mode=MODES, dtype=st.sampled_from(["int8", "int16"]))
def test_resize_nearest_random(data, mode, dtype):
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5)),
             data.draw(st.integers(1, 3)))
    size = [data.draw(st.integers(1, 9)), data.draw(st.integers(1, 9))]
    assert_bit_exact(resize_model("RESIZE_NEAREST_NEIGHBOR", shape, size, *mode, dtype))


@SETTINGS
@given(data=st.data(), mode=MODES)
def test_resize_bilinear_random(data, mode):
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5)),
             data.draw(st.integers(1, 3)))
    size = [data.draw(st.integers(1, 9)), data.draw(st.integers(1, 9))]
    assert_bit_exact(resize_model("RESIZE_BILINEAR", shape, size, *mode))


@pytest.mark.emulator
@requires_arm
def test_resize_on_qemu_m4():
    assert_bit_exact(resize_model("RESIZE_NEAREST_NEIGHBOR", (1, 3, 4, 2), [7, 5], half_pixel_centers=True),
                     "qemu-m4")
    assert_bit_exact(resize_model("RESIZE_NEAREST_NEIGHBOR", (2, 4, 3, 3), [3, 8], align_corners=True), "qemu-m4")
    assert_bit_exact(resize_model("RESIZE_BILINEAR", (1, 3, 4, 2), [7, 5], half_pixel_centers=True), "qemu-m4")
    assert_bit_exact(resize_model("RESIZE_BILINEAR", (2, 4, 3, 3), [3, 8], align_corners=True), "qemu-m4")
