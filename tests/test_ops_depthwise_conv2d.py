"""DEPTHWISE_CONV_2D int8: generated C bit-exact with TFLite Micro, and the checks of the lowering."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import depthwise_conv2d_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

CASES = {
    # name: depthwise_conv2d_model keyword arguments
    "same-3x3-per-channel": dict(input_shape=(1, 9, 7, 4)),
    "valid-stride2-per-tensor-relu": dict(input_shape=(1, 10, 9, 3), stride=(2, 2), padding="VALID",
                                          per_channel=False, activation="RELU"),
    "multiplier2-odd-padding-relu6": dict(input_shape=(2, 8, 11, 3), depth_multiplier=2, kernel=(4, 2),
                                          stride=(3, 2), activation="RELU6"),
    "multiplier3-dilated-no-bias": dict(input_shape=(1, 11, 10, 2), depth_multiplier=3, dilation=(2, 3),
                                        bias=False, activation="RELU_N1_TO_1"),
    "window-larger-than-input": dict(input_shape=(1, 3, 4, 5), kernel=(5, 5), dilation=(1, 2)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_depthwise_conv2d_bit_exact(name):
    report = verify_model(depthwise_conv2d_model(**CASES[name], seed=len(name)), board="host", inputs=10, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_depthwise_conv2d_bit_exact_on_cortex_m4():
    model = depthwise_conv2d_model(input_shape=(1, 8, 8, 4), depth_multiplier=2, stride=(2, 2), activation="RELU")
    report = verify_model(model, board="qemu-m4", inputs=5, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_check_refuses_an_inconsistent_depth_multiplier():
    graph = read_model_bytes(depthwise_conv2d_model(input_shape=(1, 6, 6, 2), depth_multiplier=2))
    op = graph.ops[0]
    assert lowering_for("DEPTHWISE_CONV_2D").check(op, graph) == []
    op.options.depth_multiplier = 1
    problems = lowering_for("DEPTHWISE_CONV_2D").check(op, graph)
    assert len(problems) == 1 and "depth multiplier 1" in problems[0]


def test_check_refuses_per_channel_scales_along_the_wrong_dimension():
    graph = read_model_bytes(depthwise_conv2d_model(input_shape=(1, 6, 6, 2)))
    op = graph.ops[0]
    graph.tensors[op.inputs[1]].quant.axis = 0
    problems = lowering_for("DEPTHWISE_CONV_2D").check(op, graph)
    assert len(problems) == 1 and "along dimension 3" in problems[0]
