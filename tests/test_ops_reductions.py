"""SUM, REDUCE_MAX, ARG_MAX, ARG_MIN of int8 tensors: generated C bit-exact with TFLite Micro over random shapes,
axes and quantizations; and one model chaining every int8 math op, on the host and on an emulated Cortex-M4."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from conftest import requires_arm
from modelgen_math import arg_model, op_zoo_model, reduce_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def verify(model: bytes, inputs: int = 5, seed: int = 4) -> None:
    report = verify_model(model, board="host", inputs=inputs, seed=seed, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("keep_dims", [False, True])
@pytest.mark.parametrize("kind", ["SUM", "REDUCE_MAX"])
def test_reduce_bit_exact(kind, keep_dims):
    for axes in ((1, 2), (-1,), (0, 3), (2,)):
        verify(reduce_model(kind, shape=(2, 3, 4, 5), axes=axes, keep_dims=keep_dims,
                            same_quant=kind == "REDUCE_MAX", seed=len(axes)))


@pytest.mark.parametrize("kind", ["ARG_MAX", "ARG_MIN"])
def test_arg_bit_exact(kind):
    for shape, axis in (((1, 10), -1), ((2, 3, 4), 1), ((5, 2, 3), 0)):
        verify(arg_model(kind, shape=shape, axis=axis))


@st.composite
def shape_and_axes(draw):
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=5))
    axes = draw(st.lists(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape)))
    return shape, axes


@settings(max_examples=16, deadline=None)
@given(kind=st.sampled_from(["SUM", "REDUCE_MAX", "ARG_MAX", "ARG_MIN"]), case=shape_and_axes(),
       keep_dims=st.booleans(), seed=st.integers(0, 2**31))
def test_random_shapes_axes_and_quantization(kind, case, keep_dims, seed):
    shape, axes = case
    if kind.startswith("ARG"):
        model = arg_model(kind, shape=shape, axis=axes[0], seed=seed)
    else:
        model = reduce_model(kind, shape=shape, axes=axes, keep_dims=keep_dims, same_quant=kind == "REDUCE_MAX",
                             seed=seed)
    verify(model, inputs=3, seed=seed % 1000)


def check(model: bytes) -> list[str]:
    graph = read_model_bytes(model)
    return lowering_for(graph.ops[0].kind).check(graph.ops[0], graph)


def test_refusals_are_clear():
    problems = check(arg_model("ARG_MAX", output_dtype="int64"))
    assert len(problems) == 1 and "int64" in problems[0] and "int32" in problems[0]
    problems = check(reduce_model("REDUCE_MAX", same_quant=False))
    assert len(problems) == 1 and "one quantization" in problems[0]
    assert np.all(check(reduce_model("SUM")) == [])


def test_op_zoo_chain_bit_exact_on_host():
    verify(op_zoo_model(seed=1), inputs=8)


@pytest.mark.emulator
@requires_arm
def test_op_zoo_chain_bit_exact_on_cortex_m4():
    report = verify_model(op_zoo_model(seed=1), board="qemu-m4", inputs=5, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
