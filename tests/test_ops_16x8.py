"""16x8 layers (int16 activations, int8 weights): generated C bit-exact with TFLite Micro."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import requires_arm, requires_board
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_16x8 import conv2d_16x8_model, depthwise_conv2d_16x8_model, fully_connected_16x8_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

CASES = {
    "conv-same-int64-bias": (conv2d_16x8_model, dict(input_shape=(1, 9, 7, 3), out_channels=5)),
    "conv-valid-stride-relu-int32-bias": (conv2d_16x8_model, dict(input_shape=(2, 10, 9, 4), out_channels=3,
                                                                  stride=(2, 2), padding="VALID",
                                                                  activation="RELU", bias="int32")),
    "conv-dilated-grouped-no-bias-relu6": (conv2d_16x8_model, dict(input_shape=(1, 11, 10, 4), out_channels=6,
                                                                   dilation=(2, 3), groups=2, bias=None,
                                                                   activation="RELU6")),
    "conv-no-bias-int32-declared": (conv2d_16x8_model, dict(input_shape=(1, 6, 6, 2), out_channels=3, bias=None,
                                                            quantized_bias_type="INT32")),
    "depthwise-same": (depthwise_conv2d_16x8_model, dict(input_shape=(1, 9, 8, 4))),
    "depthwise-multiplier-stride-dilation": (depthwise_conv2d_16x8_model,
                                             dict(input_shape=(2, 11, 9, 3), depth_multiplier=2, stride=(2, 1),
                                                  dilation=(1, 2), activation="RELU_N1_TO_1")),
    "depthwise-no-bias": (depthwise_conv2d_16x8_model, dict(input_shape=(1, 5, 5, 2), bias=None)),
    "fc-per-tensor-int64": (fully_connected_16x8_model, dict()),
    "fc-per-channel-int32-relu": (fully_connected_16x8_model, dict(per_channel=True, bias="int32",
                                                                   activation="RELU")),
    "fc-no-bias": (fully_connected_16x8_model, dict(in_features=40, out_features=5, bias=None)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_16x8_bit_exact(name):
    build, options = CASES[name]
    report = verify_model(build(**options, seed=len(name)), board="host", inputs=6, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["conv", "depthwise", "fc"]), size=st.integers(1, 7), depth=st.integers(1, 6),
       kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)), stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       padding=st.sampled_from(["SAME", "VALID"]), bias=st.sampled_from(["int64", "int32", None]),
       activation=st.sampled_from(["NONE", "RELU", "RELU6"]), seed=st.integers(0, 2**31))
def test_random_16x8_layers(kind, size, depth, kernel, stride, padding, bias, activation, seed):
    kernel = (min(kernel[0], size + 2), min(kernel[1], size + 1))  # fits the input, even unpadded
    shape = (1, size + 2, size + 1, depth)
    if kind == "conv":
        model = conv2d_16x8_model(input_shape=shape, out_channels=depth + 1, kernel=kernel, stride=stride,
                                  padding=padding, bias=bias, activation=activation, seed=seed)
    elif kind == "depthwise":
        model = depthwise_conv2d_16x8_model(input_shape=shape, kernel=kernel, stride=stride, padding=padding,
                                            bias=bias if bias != "int32" else "int64", activation=activation,
                                            seed=seed)
    else:
        model = fully_connected_16x8_model(batches=size % 3 + 1, in_features=depth * 7, out_features=size + 1,
                                           per_channel=seed % 2 == 0, bias=bias, activation=activation, seed=seed)
    report = verify_model(model, board="host", inputs=3, seed=seed % 1000)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_16x8_bit_exact_on_cortex_m4():
    for build, options in (CASES["conv-same-int64-bias"], CASES["depthwise-same"], CASES["fc-per-channel-int32-relu"]):
        report = verify_model(build(**options), board="qemu-m4", inputs=3, seed=3)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_board("mega2560")
def test_16x8_bit_exact_on_avr():
    """AVR keeps the constants in flash: the int64 biases are read through MCUGEN_READ_WEIGHT_S64."""
    for build, options in (CASES["conv-same-int64-bias"], CASES["depthwise-no-bias"], CASES["fc-per-tensor-int64"]):
        report = verify_model(build(**options), board="mega2560", inputs=2, seed=3)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_int32_bias_of_an_int16_depthwise_layer_is_refused():
    graph = read_model_bytes(depthwise_conv2d_16x8_model(bias="int32"))
    problems = lowering_for("DEPTHWISE_CONV_2D").check(graph.ops[0], graph)
    assert len(problems) == 1 and "int32" in problems[0] and "int64" in problems[0]


KWS_16X8 = Path(__file__).resolve().parent.parent / "examples" / "kws_16x8" / "kws_16x8.tflite"


def test_kws_16x8_example_bit_exact():
    report = verify_model(KWS_16X8, board="host", inputs=10, seed=1)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_kws_16x8_example_bit_exact_on_cortex_m4():
    report = verify_model(KWS_16X8, board="qemu-m4", inputs=5, seed=1)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_arm_kernels_decline_16x8_layers():
    """Under the cmsis-nn backend with the DSP code path, every int16 layer falls back to its portable kernel."""
    from test_ops_pool2d import pool_model
    from test_ops_softmax import int16_softmax_model

    from mcugen.kernels.base import Target, choose

    target = Target(backends=("cmsis-nn", "portable"), isa="dsp")
    models = {
        "CONV_2D": conv2d_16x8_model(input_shape=(1, 6, 6, 8), kernel=(1, 1), out_channels=8),
        "DEPTHWISE_CONV_2D": depthwise_conv2d_16x8_model(input_shape=(1, 6, 6, 8)),
        "FULLY_CONNECTED": fully_connected_16x8_model(),
        "AVERAGE_POOL_2D": pool_model("AVERAGE_POOL_2D", (1, 6, 6, 4), (2, 2), (2, 2), "VALID", scale=1e-4,
                                      zero_point=0, dtype="int16"),
        "SOFTMAX": int16_softmax_model((1, 10), 1.0, 1e-3),
    }
    for kind, model in models.items():
        graph = read_model_bytes(model)
        op = graph.ops[0]
        choice = choose(op, lowering_for(kind).prepare(op, graph), target)
        assert choice is not None and choice.backend == "portable" and choice.kernel.endswith("_s16"), kind
        assert any(reason.startswith("cmsis-nn:") and "int8 activations only" in reason
                   for reason in choice.fallbacks), (kind, choice.fallbacks)
