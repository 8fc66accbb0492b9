"""MEAN int8 and int16: generated C bit-exact with TFLite Micro, and the compile-time grouping and scaling."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import single_op_model

from mcugen.ops import lowering_for
from mcugen.ops.mean import group_dimensions, mean_multiplier, resolve_axes
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def mean_model(input_shape, axes, keep_dims: bool, in_quant=(0.0485, 6), out_quant=None,
               axes_dtype: str = "int32", dtype: str = "int8", kind: str = "MEAN") -> bytes:
    resolved = resolve_axes(np.asarray(axes), len(input_shape))
    if keep_dims:
        out_shape = tuple(1 if d in resolved else n for d, n in enumerate(input_shape))
    else:
        out_shape = tuple(n for d, n in enumerate(input_shape) if d not in resolved)
    out_scale, out_zp = out_quant or in_quant
    return single_op_model(
        kind,
        [dict(name="input", shape=input_shape, dtype=dtype, scale=in_quant[0], zero_point=in_quant[1]),
         dict(name="axes", shape=(len(axes),), dtype=axes_dtype, data=np.asarray(axes))],
        [dict(name="output", shape=out_shape, dtype=dtype, scale=out_scale, zero_point=out_zp)],
        keep_dims=keep_dims,
    )


CASES = [
    # input shape, axes, keep_dims, input (scale, zp), output (scale, zp) or None for the same
    ((1, 160, 3, 3), [3], False, (0.0485, 6), None),  # the two MEANs of MCUNet-VWW
    ((1, 160, 3), [2], False, (0.0485, 6), None),
    ((1, 5, 4, 8), [1, 2], True, (0.05, 3), (0.02, -5)),  # global average pooling, requantized
    ((1, 20, 20, 16), [2, 1], False, (0.1, -128), (0.1, -128)),  # 400 elements per mean
    ((2, 3, 4, 5), [0, 2], True, (0.03, 10), (0.04, 0)),  # axes that are not neighbours
    ((3, 7), [-1, 1], False, (0.2, 0), (0.05, 2)),  # negative and repeated axis
    ((1, 1, 4, 8), [1], False, (0.1, 4), (0.01, -3)),  # one element per mean: a plain rescale by 10
    ((2, 3, 2, 3, 2), [1, 3], False, (0.07, -20), (0.06, 1)),  # kept and reduced groups interleave
    ((4, 6), [0, 1], True, (0.02, 5), (0.001, 0)),  # everything into one value, saturating
]


@pytest.mark.parametrize("shape, axes, keep_dims, in_quant, out_quant", CASES)
def test_mean_bit_exact(shape, axes, keep_dims, in_quant, out_quant):
    report = verify_model(mean_model(shape, axes, keep_dims, in_quant, out_quant), board="host", inputs=20, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_group_dimensions():
    # NHWC mean over H and W: batch and channels kept, H*W summed with stride C
    assert group_dimensions((1, 5, 4, 8), [1, 2]) == ([(8, 1)], [(20, 8)])
    assert group_dimensions((2, 3, 4, 5), [0, 2]) == ([(3, 20), (5, 1)], [(2, 60), (4, 5)])
    assert group_dimensions((1, 160, 3, 3), [3]) == ([(480, 3)], [(3, 1)])


def test_mean_multiplier_same_quantization():
    # ratio 1 is (2^30, 1); 9 elements: widened by 2^3 and divided by 9
    assert mean_multiplier(0.5, 0.5, 9) == ((1 << 33) // 9, -2)
    assert mean_multiplier(0.5, 0.5, 1) == (1 << 30, 1)


def test_mean_rejects_variable_axes():
    model = single_op_model(
        "MEAN",
        [dict(name="input", shape=(1, 4, 4, 2), scale=0.1, zero_point=0),
         dict(name="axes", shape=(2,), dtype="int32")],
        [dict(name="output", shape=(1, 2), scale=0.1, zero_point=0)],
        keep_dims=False,
    )
    graph = read_model_bytes(model)
    problems = lowering_for("MEAN").check(graph.ops[0], graph)
    assert any("constant" in p for p in problems)


INT16_CASES = [
    # kind, input shape, axes, keep_dims, input scale, output scale
    ("MEAN", (1, 5, 4, 8), [1, 2], True, 3e-4, 3e-4),
    ("MEAN", (1, 20, 20, 16), [2, 1], False, 1e-4, 2.5e-5),
    ("MEAN", (2, 3, 4, 5), [0, 2], True, 2e-4, 5e-4),
    ("SUM", (1, 6, 5, 3), [1, 2], False, 1e-4, 3e-3),
]


@pytest.mark.parametrize("kind, shape, axes, keep_dims, in_scale, out_scale", INT16_CASES)
def test_int16_mean_and_sum_bit_exact(kind, shape, axes, keep_dims, in_scale, out_scale):
    model = mean_model(shape, axes, keep_dims, (in_scale, 0), (out_scale, 0), dtype="int16", kind=kind)
    report = verify_model(model, board="host", inputs=10, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
