"""PAD and PADV2 int8: generated C bit-exact with TFLite Micro."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import single_op_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def pad_model(input_shape, paddings, scale: float = 0.0235, zero_point: int = -128, paddings_dtype="int32",
              constant_value: int | None = None) -> bytes:
    pairs = np.asarray(paddings)
    out_shape = tuple(int(n + a + b) for n, (a, b) in zip(input_shape, pairs))
    inputs = [dict(name="input", shape=input_shape, scale=scale, zero_point=zero_point),
              dict(name="paddings", shape=pairs.shape, dtype=paddings_dtype, data=pairs)]
    kind = "PAD"
    if constant_value is not None:
        kind = "PADV2"
        inputs.append(dict(name="constant", shape=(1,), scale=scale, zero_point=zero_point,
                           data=np.array([constant_value])))
    return single_op_model(kind, inputs, [dict(name="output", shape=out_shape, scale=scale, zero_point=zero_point)])


CASES = [
    # input shape, paddings, zero point
    ((1, 8, 8, 3), [[0, 0], [1, 1], [1, 1], [0, 0]], 0),  # as in MCUNet-VWW
    ((1, 5, 6, 4), [[0, 0], [2, 0], [0, 3], [1, 2]], -128),
    ((2, 3, 3, 2), [[1, 0], [0, 1], [3, 3], [0, 0]], 17),
    ((3, 4), [[1, 2], [0, 1]], -5),
    ((7,), [[2, 3]], 100),
    ((1, 2, 3, 2, 2), [[0, 1], [1, 0], [2, 1], [0, 0], [1, 1]], 0),
]


@pytest.mark.parametrize("shape, paddings, zero_point", CASES)
def test_pad_bit_exact(shape, paddings, zero_point):
    report = verify_model(pad_model(shape, paddings, zero_point=zero_point), board="host", inputs=10, seed=11)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_padv2_constant_value_bit_exact():
    model = pad_model((1, 4, 5, 3), [[0, 0], [1, 2], [2, 1], [0, 1]], zero_point=-7, constant_value=42)
    report = verify_model(model, board="host", inputs=10, seed=11)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_pad_accepts_int64_paddings():
    graph = read_model_bytes(pad_model((1, 4, 4, 2), [[0, 0], [1, 1], [1, 1], [0, 0]], paddings_dtype="int64"))
    assert lowering_for("PAD").check(graph.ops[0], graph) == []


def test_pad_rejects_negative_paddings():
    model = single_op_model(
        "PAD",
        [dict(name="input", shape=(1, 4, 4, 2), scale=0.1, zero_point=0),
         dict(name="paddings", shape=(4, 2), dtype="int32", data=np.array([[0, 0], [-1, 0], [0, 0], [0, 0]]))],
        [dict(name="output", shape=(1, 3, 4, 2), scale=0.1, zero_point=0)],
    )
    graph = read_model_bytes(model)
    assert any("negative" in p for p in lowering_for("PAD").check(graph.ops[0], graph))
