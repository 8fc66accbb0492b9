"""FULLY_CONNECTED int8: generated C bit-exact with TFLite Micro, and the compile-time quantization."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import requires_arm
from modelgen import fully_connected_model

from mcugen.ops import lowering_for
from mcugen.ops.fully_connected import layer_multipliers
from mcugen.quant import quantize_multiplier
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

CASES = {
    # name: fully_connected_model keyword arguments
    "per-tensor": dict(batches=1, in_features=40, out_features=10),
    "per-channel-relu": dict(batches=3, in_features=17, out_features=6, per_channel=True, activation="RELU"),
    "no-bias-relu6": dict(batches=2, in_features=64, out_features=12, bias=False, activation="RELU6"),
    "4d-input-relu-n1-to-1": dict(input_shape=(1, 2, 3, 8), in_features=8, out_features=5,
                                  activation="RELU_N1_TO_1"),
    "keep-num-dims": dict(input_shape=(2, 3, 4), in_features=4, out_features=7, keep_num_dims=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fully_connected_bit_exact(name):
    report = verify_model(fully_connected_model(**CASES[name], seed=len(name)), board="host", inputs=10, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_fully_connected_bit_exact_on_cortex_m4():
    model = fully_connected_model(batches=2, in_features=50, out_features=9, activation="RELU")
    report = verify_model(model, board="qemu-m4", inputs=5, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_per_tensor_multiplier_uses_the_float32_scale_product():
    # For these scales the float32 product of input and weight scale changes the multiplier's last bits.
    scales = np.array([0.06405920535326004, 0.027708884328603745, 0.005056378897279501], dtype=np.float32)
    multipliers, shifts = layer_multipliers(scales[0], scales[1:2], scales[2], 2)
    single = quantize_multiplier(float(scales[0] * scales[1]) / float(scales[2]))
    double = quantize_multiplier(float(scales[0]) * float(scales[1]) / float(scales[2]))
    assert single != double
    assert list(zip(multipliers.tolist(), shifts.tolist())) == [single, single]


def test_check_refuses_weights_with_a_zero_point():
    graph = read_model_bytes(fully_connected_model())
    op = graph.ops[0]
    weights = graph.tensors[op.inputs[1]]
    weights.quant = replace(weights.quant, zero_point=weights.quant.zero_point + 3)
    problems = lowering_for("FULLY_CONNECTED").check(op, graph)
    assert len(problems) == 1 and "zero point" in problems[0]


def test_check_refuses_a_bias_of_the_wrong_scale():
    graph = read_model_bytes(fully_connected_model())
    op = graph.ops[0]
    bias = graph.tensors[op.inputs[2]]
    bias.quant = replace(bias.quant, scale=bias.quant.scale * 100)
    problems = lowering_for("FULLY_CONNECTED").check(op, graph)
    assert len(problems) == 1 and "expected input scale times weight scale" in problems[0]
