"""BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND (int8, 3-D and 4-D): random blocks and crops, bit-exact with TFLite
Micro; SPACE_TO_BATCH_ND with padding (TFLite Micro pads with an uninitialised value) bit-exact with the TFLite
(LiteRT) interpreter, alone and around a convolution as converters write dilated ones."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen import single_op_model
from modelgen_moves import assert_bit_exact, batch_space_model, dilated_conv_model

from mcugen.golden import choose_reference
from mcugen.reader import read_model_bytes

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


@SETTINGS
@given(data=st.data())
def test_space_to_batch_with_padding_random(data):
    _, block = _spatial(data)
    paddings, sizes = [], []
    for b in block:
        size = data.draw(st.integers(1, 5))
        top = data.draw(st.integers(0, 4))
        bottom = data.draw(st.integers(0, 4)) * b + (-(size + top) % b)
        sizes.append(size)
        paddings.append([top, bottom])
    if not any(map(sum, paddings)):
        paddings[0][0] += block[0]
    shape = (data.draw(st.integers(1, 2)), *sizes, data.draw(st.integers(1, 3)))
    model = batch_space_model("SPACE_TO_BATCH_ND", shape, block, paddings, data.draw(st.integers(-128, 127)))
    assert choose_reference(read_model_bytes(model)).reference == "litert"
    assert_bit_exact(model)


def test_padding_needs_int32_parameters():
    from mcugen.compiler import compile_model
    from mcugen.errors import UnsupportedModelError

    model = single_op_model(
        "SPACE_TO_BATCH_ND", [dict(name="x", shape=(1, 3, 4, 2), scale=0.05, zero_point=-5),
                              dict(name="block", shape=(2,), dtype="int32", data=np.asarray([2, 2])),
                              dict(name="pads", shape=(2, 2), dtype="int64", data=np.asarray([[1, 0], [0, 0]]))],
        [dict(name="y", shape=(4, 2, 2, 2), scale=0.05, zero_point=-5)])
    with pytest.raises(UnsupportedModelError, match=r"paddings .* has type int64: a padding SPACE_TO_BATCH_ND"):
        compile_model(model, board="host")


def test_space_to_batch_without_padding_keeps_tflite_micro():
    model = batch_space_model("SPACE_TO_BATCH_ND", (1, 4, 6, 2), [2, 3], [[0, 0], [0, 0]])
    assert choose_reference(read_model_bytes(model)).reference == "tflm"


@SETTINGS
@given(data=st.data())
def test_dilated_convolution_pattern(data):
    """SPACE_TO_BATCH_ND (padded) -> CONV_2D -> BATCH_TO_SPACE_ND (cropped), as converters write a dilated SAME
    convolution."""
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(3, 9)), data.draw(st.integers(3, 9)),
             data.draw(st.integers(1, 4)))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    rate = (data.draw(st.integers(1, 3)), data.draw(st.integers(2, 3)))
    assert_bit_exact(dilated_conv_model(shape, data.draw(st.integers(1, 5)), kernel, rate,
                                        seed=data.draw(st.integers(0, 99))))


@pytest.mark.emulator
@requires_arm
def test_batch_space_on_qemu_m4():
    assert_bit_exact(batch_space_model("BATCH_TO_SPACE_ND", (8, 2, 3, 3), [2, 2], [[1, 0], [0, 2]]), "qemu-m4")
    assert_bit_exact(batch_space_model("SPACE_TO_BATCH_ND", (1, 4, 6, 2), [2, 3], [[0, 0], [0, 0]]), "qemu-m4")


@pytest.mark.emulator
@pytest.mark.slow
@requires_arm
def test_padded_space_to_batch_on_qemu_m4():
    assert_bit_exact(dilated_conv_model((1, 9, 7, 3), 8, (3, 3), (2, 2), seed=5), "qemu-m4")
