"""CONCATENATION, STRIDED_SLICE and SLICE (int8, int16): random shapes and parameters, bit-exact with TFLite Micro."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_state import concatenation_model, slice_model, strided_slice_model

from mcugen.ops.layout import Copy, simplify
from mcugen.ops.strided_slice import slice_axes
from mcugen.verify import verify_model

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _ok(model: bytes, seed: int = 0) -> None:
    report = verify_model(model, board="host", inputs=3, seed=seed, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_concatenation_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    base = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    axis = data.draw(st.integers(0, rank - 1))
    count = data.draw(st.integers(1, 4))
    shapes = []
    for _ in range(count):
        shape = list(base)
        shape[axis] = data.draw(st.integers(1, 3))
        shapes.append(shape)
    scale = data.draw(st.floats(0.01, 1.0))
    zero_point = data.draw(st.integers(-128, 127))
    _ok(concatenation_model(shapes, axis - rank if data.draw(st.booleans()) else axis, dtype, scale, zero_point))


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_strided_slice_random(data, dtype):
    rank = data.draw(st.integers(1, 4))
    shape = data.draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank))
    begin = [data.draw(st.integers(-n - 1, n + 1)) for n in shape]
    end = [data.draw(st.integers(-n - 1, n + 1)) for n in shape]
    strides = [data.draw(st.sampled_from([-3, -2, -1, 1, 2, 3])) for _ in shape]
    masks = [data.draw(st.integers(0, (1 << rank) - 1)) for _ in range(3)]
    axes = slice_axes(shape, begin, end, strides, *masks)
    shrink = [a for a in range(rank) if masks[2] & (1 << a)]
    if any(axes[a][1] != 1 for a in shrink) or all(c == 0 for _, c, _ in axes):
        masks[2] = 0  # shrinking an empty axis is an error in TFLite Micro too
        axes = slice_axes(shape, begin, end, strides, *masks)
    if any(c == 0 for _, c, _ in axes):
        return  # an empty output: nothing to compare
    out_shape = [c for a, (_, c, _) in enumerate(axes) if not masks[2] & (1 << a)]
    _ok(strided_slice_model(shape, begin, end, strides, out_shape, begin_mask=masks[0], end_mask=masks[1],
                            shrink_axis_mask=masks[2], dtype=dtype))


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]))
def test_slice_random(data, dtype):
    rank = data.draw(st.integers(1, 5))
    shape = data.draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank))
    begin = [data.draw(st.integers(0, n - 1)) for n in shape]
    size = [data.draw(st.sampled_from([-1, *range(1, n - b + 1)])) for n, b in zip(shape, begin)]
    out_shape = [n - b if s == -1 else s for n, b, s in zip(shape, begin, size)]
    _ok(slice_model(shape, begin, size, out_shape, dtype))


def test_reversed_and_shrunk_slice():
    # axis 1 walks backwards from the last row; axis 2 is shrunk to its element 1
    _ok(strided_slice_model((2, 5, 3), [0, -1, 1], [2, 0, 2], [1, -2, 1], (2, 2), shrink_axis_mask=0b100))


def test_concatenation_refuses_rescaling():
    from mcugen.compiler import compile_model
    from mcugen.errors import UnsupportedModelError
    from modelgen import single_op_model

    model = single_op_model("CONCATENATION", [dict(name="a", shape=(1, 2), scale=0.1, zero_point=0),
                                              dict(name="b", shape=(1, 2), scale=0.2, zero_point=0)],
                            [dict(name="y", shape=(1, 4), scale=0.1, zero_point=0)], axis=1)
    with pytest.raises(UnsupportedModelError, match=r"op 0 \(CONCATENATION\).*'b'.*same scale and zero point"):
        compile_model(model, board="host")


def test_simplify_merges_contiguous_dimensions():
    copy = Copy(0, 1, (2, 3, 4), (12, 4, 1), (24, 4, 1), target_offset=12)
    reduced = simplify(copy, 1)
    assert reduced.shape == (2,) and reduced.run_bytes == 12 and reduced.target_strides == (24,)


@pytest.mark.emulator
@requires_arm
def test_slicing_ops_on_qemu_m4():
    for model in (concatenation_model([(1, 2, 3), (1, 1, 3)], 1),
                  concatenation_model([(2, 3), (2, 2)], 1, "int16"),
                  strided_slice_model((2, 5, 3), [0, 4, 0], [2, 0, 3], [1, -2, 1], (2, 2, 3)),
                  slice_model((3, 4), [1, 1], [2, -1], (2, 3))):
        report = verify_model(model, board="qemu-m4", inputs=3, seed=2)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]
