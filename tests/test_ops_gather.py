"""GATHER (int8) by constant int32 indices and by indices computed while running (by ARG_MAX): random shapes, axes and batch_dims, bit-exact with
TFLite Micro."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, gather_by_argmax_model, gather_model

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_gather_random(data):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(0, rank - 1))
    batch_dims = data.draw(st.integers(0, axis))
    index_shape = [*shape[:batch_dims], *data.draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))]
    count = int(np.prod(index_shape))
    values = data.draw(st.lists(st.integers(0, shape[axis] - 1), min_size=count, max_size=count))
    indices = np.asarray(values, dtype=np.int64).reshape(index_shape)
    assert_bit_exact(gather_model(shape, indices, axis - rank if data.draw(st.booleans()) else axis, batch_dims))


@SETTINGS
@given(batches=st.integers(1, 3), count=st.integers(1, 4), size=st.integers(1, 5),
       inner=st.lists(st.integers(1, 3), max_size=2), batch_dims=st.integers(0, 1), constant_params=st.booleans())
def test_gather_runtime_indices_random(batches, count, size, inner, batch_dims, constant_params):
    assert_bit_exact(gather_by_argmax_model(batches, count, size, inner, batch_dims, constant_params))


def test_gather_refuses_indices_out_of_range():
    from mcugen.compiler import compile_model
    from mcugen.errors import UnsupportedModelError

    with pytest.raises(UnsupportedModelError, match=r"GATHER.*indices \[3\] are outside axis 1"):
        compile_model(gather_model((2, 3), np.asarray([0, 3]), 1), board="host")
    with pytest.raises(UnsupportedModelError, match=r"GATHER.*int32 only"):
        compile_model(gather_model((2, 3), np.asarray([0, 1]), 1, index_dtype="int64"), board="host")


@pytest.mark.emulator
@requires_arm
def test_gather_on_qemu_m4():
    assert_bit_exact(gather_model((2, 5, 3), np.asarray([4, 0, 1, 2]), 1), "qemu-m4")
    assert_bit_exact(gather_model((2, 4, 3), np.asarray([[3, 1], [0, 0]]), 1, batch_dims=1), "qemu-m4")
    assert_bit_exact(gather_by_argmax_model(2, 3, 4, [5], batch_dims=1), "qemu-m4")
