"""BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND (int8, 3-D and 4-D): random blocks and crops, bit-exact with TFLite
Micro; SPACE_TO_BATCH_ND with padding is refused (TFLite Micro pads with an uninitialised value)."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_moves import assert_bit_exact, batch_space_model

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spatial(data):
    spatial = data.draw(st.integers(1, 2))
    block = data.draw(st.lists(st.integers(1, 3), min_size=spatial, max_size=spatial))
    return spatial, block


@SETTINGS
@given(data=st.data())
def test_batch_to_space_random(data):
    spatial, block = _spatial(data)
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=spatial, max_size=spatial))
    crops = []
    for s, b in zip(sizes, block):
        top = data.draw(st.integers(0, s * b - 1))
        crops.append([top, data.draw(st.integers(0, s * b - 1 - top))])
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    shape = (n * block[0] * (block[1] if spatial == 2 else 1), *sizes, c)
    assert_bit_exact(batch_space_model("BATCH_TO_SPACE_ND", shape, block, crops))


@SETTINGS
@given(data=st.data())
def test_space_to_batch_random(data):
    _, block = _spatial(data)
    sizes = [b * data.draw(st.integers(1, 3)) for b in block]
    shape = (data.draw(st.integers(1, 2)), *sizes, data.draw(st.integers(1, 3)))
    assert_bit_exact(batch_space_model("SPACE_TO_BATCH_ND", shape, block, [[0, 0]] * len(block),
                                       data.draw(st.integers(-9, 9))))


def test_space_to_batch_refuses_padding():
    from mcugen.compiler import compile_model
    from mcugen.errors import UnsupportedModelError

    model = batch_space_model("SPACE_TO_BATCH_ND", (1, 3, 4, 2), [2, 2], [[1, 0], [0, 0]])
    with pytest.raises(UnsupportedModelError, match=r"SPACE_TO_BATCH_ND.*never initialises"):
        compile_model(model, board="host")


@pytest.mark.emulator
@requires_arm
def test_batch_space_on_qemu_m4():
    assert_bit_exact(batch_space_model("BATCH_TO_SPACE_ND", (8, 2, 3, 3), [2, 2], [[1, 0], [0, 2]]), "qemu-m4")
    assert_bit_exact(batch_space_model("SPACE_TO_BATCH_ND", (1, 4, 6, 2), [2, 3], [[0, 0], [0, 0]]), "qemu-m4")
