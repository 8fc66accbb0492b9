"""TRANSPOSE int8: generated C bit-exact with TFLite Micro, and the compile-time simplification."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import single_op_model

from mcugen.ops.transpose import simplify_permutation
from mcugen.verify import verify_model


def transpose_model(input_shape, perm) -> bytes:
    out_shape = tuple(input_shape[p] for p in perm)
    return single_op_model(
        "TRANSPOSE",
        [dict(name="input", shape=input_shape, scale=0.0485, zero_point=6),
         dict(name="perm", shape=(len(perm),), dtype="int32", data=np.asarray(perm))],
        [dict(name="output", shape=out_shape, scale=0.0485, zero_point=6)],
    )


CASES = [
    ((1, 3, 3, 160), (0, 3, 1, 2)),  # as in MCUNet-VWW: NHWC -> NCHW
    ((2, 3, 4), (2, 0, 1)),
    ((2, 3, 4, 5), (3, 2, 1, 0)),
    ((2, 1, 3, 2, 4), (4, 2, 0, 3, 1)),
    ((3, 5), (1, 0)),
    ((2, 3, 4), (0, 1, 2)),  # identity
]


@pytest.mark.parametrize("shape, perm", CASES)
def test_transpose_bit_exact(shape, perm):
    report = verify_model(transpose_model(shape, perm), board="host", inputs=10, seed=13)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_simplify_permutation_merges_and_drops():
    assert simplify_permutation((1, 3, 3, 160), [0, 3, 1, 2]) == ([160, 9], [1, 160])
    assert simplify_permutation((2, 3, 4), [0, 1, 2]) == ([24], [1])


def test_simplify_permutation_walks_like_numpy():
    rng = np.random.default_rng(0)
    for _ in range(200):
        rank = int(rng.integers(1, 7))
        shape = tuple(int(n) for n in rng.integers(1, 4, size=rank))
        perm = [int(p) for p in rng.permutation(rank)]
        data = np.arange(int(np.prod(shape))).reshape(shape)
        out_shape, strides = simplify_permutation(shape, perm)
        grids = np.meshgrid(*[np.arange(n) for n in out_shape], indexing="ij")
        index = sum(g * s for g, s in zip(grids, strides)).reshape(-1) if out_shape else np.zeros(1, dtype=int)
        np.testing.assert_array_equal(data.reshape(-1)[index], np.transpose(data, perm).reshape(-1))
