"""AVERAGE_POOL_2D and MAX_POOL_2D (int8 and int16): generated C bit-exact with TFLite Micro on synthetic one-op
models."""

from __future__ import annotations

import pytest
from modelgen import single_op_model

from mcugen.ops import lowering_for
from mcugen.ops.pool2d import pool_output_size, pool_padding_before
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model


def pool_model(kind: str, input_shape, filter_hw, stride_hw, padding: str, activation: str = "NONE",
               scale: float = 0.05, zero_point: int = -3, output_quant: tuple[float, int] | None = None,
               dtype: str = "int8") -> bytes:
    batches, height, width, channels = input_shape
    out_h = pool_output_size(padding, height, filter_hw[0], stride_hw[0])
    out_w = pool_output_size(padding, width, filter_hw[1], stride_hw[1])
    out_scale, out_zp = output_quant or (scale, zero_point)
    return single_op_model(
        kind,
        [dict(name="input", shape=input_shape, dtype=dtype, scale=scale, zero_point=zero_point)],
        [dict(name="output", shape=(batches, out_h, out_w, channels), dtype=dtype, scale=out_scale,
              zero_point=out_zp)],
        padding=padding, stride_h=stride_hw[0], stride_w=stride_hw[1], filter_height=filter_hw[0],
        filter_width=filter_hw[1], fused_activation_function=activation,
    )


CASES = [
    # kind, input shape, filter, stride, padding, activation
    ("AVERAGE_POOL_2D", (1, 7, 9, 5), (3, 3), (2, 2), "SAME", "RELU6"),
    ("AVERAGE_POOL_2D", (1, 8, 8, 4), (2, 2), (2, 2), "VALID", "NONE"),
    ("AVERAGE_POOL_2D", (2, 5, 6, 3), (5, 6), (1, 1), "VALID", "NONE"),  # global pooling, two batches
    ("AVERAGE_POOL_2D", (1, 6, 7, 3), (4, 4), (1, 1), "SAME", "RELU"),  # even filter: uneven padding
    ("AVERAGE_POOL_2D", (1, 10, 10, 8), (7, 7), (3, 3), "SAME", "RELU_N1_TO_1"),
    ("MAX_POOL_2D", (1, 7, 9, 5), (3, 3), (2, 2), "SAME", "NONE"),
    ("MAX_POOL_2D", (1, 90, 3, 1), (2, 1), (2, 1), "VALID", "NONE"),
    ("MAX_POOL_2D", (2, 8, 8, 4), (2, 2), (2, 2), "VALID", "RELU"),
    ("MAX_POOL_2D", (1, 5, 6, 2), (4, 3), (1, 2), "SAME", "RELU6"),
]


@pytest.mark.parametrize("kind, shape, filter_hw, stride_hw, padding, activation", CASES)
def test_pool_bit_exact(kind, shape, filter_hw, stride_hw, padding, activation):
    model = pool_model(kind, shape, filter_hw, stride_hw, padding, activation)
    report = verify_model(model, board="host", inputs=20, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("kind, shape, filter_hw, stride_hw, padding, activation", CASES[::2])
def test_int16_pool_bit_exact(kind, shape, filter_hw, stride_hw, padding, activation):
    model = pool_model(kind, shape, filter_hw, stride_hw, padding, activation, scale=2e-4, zero_point=0,
                       dtype="int16")
    report = verify_model(model, board="host", inputs=10, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_pool_padding_matches_tflite_rule():
    # total padding (out - 1) * stride + filter - in, the smaller half before
    assert pool_padding_before(6, 4, 1, 6) == 1
    assert pool_padding_before(7, 3, 2, 4) == 1
    assert pool_padding_before(8, 2, 2, 4) == 0


def test_pool_rejects_requantization():
    model = pool_model("AVERAGE_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), "VALID", output_quant=(0.1, 0))
    graph = read_model_bytes(model)
    problems = lowering_for("AVERAGE_POOL_2D").check(graph.ops[0], graph)
    assert any("share scale and zero point" in p for p in problems)
