"""SPLIT and SPLIT_V (int8, int16): random shapes and axes, bit-exact with TFLite Micro."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, split_model, split_v_model

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_split_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(-rank, rank - 1))
    count = data.draw(st.integers(1, 3))
    shape[axis] *= count
    assert_bit_exact(split_model(shape, axis, count, dtype))


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_split_v_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(-rank, rank - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    shape[axis] = sum(sizes)
    rest = data.draw(st.one_of(st.none(), st.integers(0, len(sizes) - 1)))
    assert_bit_exact(split_v_model(shape, axis, sizes, dtype, rest))


def test_split_v_refuses_wrong_sizes():
    from mcugen.compiler import compile_model
    from mcugen.errors import UnsupportedModelError
    import numpy as np
    from modelgen import single_op_model

    model = single_op_model("SPLIT_V", [dict(name="x", shape=(4, 2)),
                                        dict(name="sizes", shape=(2,), dtype="int32", data=np.asarray([3, 1])),
                                        dict(name="axis", shape=(1,), dtype="int32", data=np.asarray([0]))],
                            [dict(name="a", shape=(2, 2)), dict(name="b", shape=(2, 2))], num_splits=2)
    with pytest.raises(UnsupportedModelError, match=r"SPLIT_V.*size_splits \[3, 1\]"):
        compile_model(model, board="host")


@pytest.mark.emulator
@requires_arm
def test_split_ops_on_qemu_m4():
    assert_bit_exact(split_model((2, 6, 3), 1, 3), "qemu-m4")
    assert_bit_exact(split_v_model((1, 4, 5), -1, [2, 1, 2], rest=1), "qemu-m4")
