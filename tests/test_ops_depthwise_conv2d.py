"""DEPTHWISE_CONV_2D int8: generated C bit-exact with TFLite Micro, and the checks of the lowering."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from modelgen import depthwise_conv2d_model

from mcugen.compiler import compile_model
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


depthwise_layers = st.fixed_dictionaries({
    "height": st.integers(1, 8), "width": st.integers(1, 8), "channels": st.integers(1, 10),
    "multiplier": st.sampled_from([1, 1, 1, 2, 3]), "kernel": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)), "padding": st.sampled_from(["SAME", "VALID"]),
    "activation": st.sampled_from(["NONE", "RELU6"]), "per_channel": st.booleans(), "bias": st.booleans(),
    "seed": st.integers(0, 1000),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depthwise_layers)
def test_portable_depthwise_is_bit_exact(layer):
    """Random shapes, depth multipliers, strides, dilations and paddings against TFLite Micro: channel blocks of
    four and their remainder, interior windows and every kind of border window."""
    (k_h, k_w), (d_h, d_w) = layer["kernel"], layer["dilation"]
    if layer["padding"] == "VALID":
        assume((k_h - 1) * d_h + 1 <= layer["height"] and (k_w - 1) * d_w + 1 <= layer["width"])
    model = depthwise_conv2d_model(input_shape=(1, layer["height"], layer["width"], layer["channels"]),
                                   depth_multiplier=layer["multiplier"], kernel=(k_h, k_w), stride=layer["stride"],
                                   dilation=(d_h, d_w), padding=layer["padding"], activation=layer["activation"],
                                   per_channel=layer["per_channel"], bias=layer["bias"], seed=layer["seed"])
    compiled = compile_model(model, board="host", kernels="portable", host=True)
    assert compiled.kernel_name(0) == "mcugen_depthwise_conv2d_s8"
    report = verify_model(model, board="host", inputs=3, seed=layer["seed"], kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
