"""CONV_2D int8: generated C bit-exact with TFLite Micro, and the compile-time geometry and quantization."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from modelgen import conv2d_model

from mcugen.compiler import compile_model
from mcugen.ops import lowering_for
from mcugen.ops.conv2d import channel_multipliers, conv_output_size, conv_padding
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

CASES = {
    # name: conv2d_model keyword arguments
    "same-3x3-per-channel": dict(input_shape=(1, 9, 7, 3), out_channels=5),
    "valid-stride2-per-tensor-relu": dict(input_shape=(1, 10, 9, 4), out_channels=3, stride=(2, 2), padding="VALID",
                                          per_channel=False, activation="RELU"),
    "same-stride-odd-padding-relu6": dict(input_shape=(2, 8, 11, 2), out_channels=4, kernel=(4, 2), stride=(3, 2),
                                          activation="RELU6"),
    "dilated-no-bias-relu-n1-to-1": dict(input_shape=(1, 11, 10, 3), out_channels=4, dilation=(2, 3),
                                         bias=False, activation="RELU_N1_TO_1"),
    "pointwise-deep": dict(input_shape=(1, 4, 4, 96), out_channels=24, kernel=(1, 1)),
    "grouped": dict(input_shape=(1, 6, 6, 8), out_channels=6, groups=2, per_channel=False),
    # As in person_detect: a 1-D bias whose quantized_dimension says 3.
    "bias-quantized-dimension-3": dict(input_shape=(1, 6, 6, 2), out_channels=3, bias_quantized_dimension=3),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_conv2d_bit_exact(name):
    report = verify_model(conv2d_model(**CASES[name], seed=len(name)), board="host", inputs=10, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_conv2d_bit_exact_on_cortex_m4():
    model = conv2d_model(input_shape=(1, 8, 8, 3), out_channels=4, stride=(2, 1), activation="RELU6")
    report = verify_model(model, board="qemu-m4", inputs=5, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_output_size_and_padding_follow_tflite():
    # SAME: ceil(size / stride); total padding split with the odd element after.
    assert conv_output_size("SAME", 10, 4, 3, 1) == 4
    assert conv_padding(10, 4, 3, 1, 4) == (1, 1)  # total (4 - 1) * 3 + 4 - 10 = 3
    # VALID with dilation: effective filter (3 - 1) * 2 + 1 = 5.
    assert conv_output_size("VALID", 11, 3, 2, 2) == 4
    assert conv_padding(11, 3, 2, 2, 4) == (0, 0)


def test_multipliers_are_computed_in_double_from_float32_scales():
    multipliers, shifts = channel_multipliers(0.5, np.array([0.25], dtype=np.float32), 0.125, 3)
    assert multipliers.tolist() == [1 << 30] * 3 and shifts.tolist() == [1] * 3  # 1.0 = 0.5 * 2^1


def _problems(**options) -> list[str]:
    graph = read_model_bytes(conv2d_model(input_shape=(1, 6, 6, 2), out_channels=3))
    op = graph.ops[0]
    for key, value in options.items():
        setattr(op.options, key, value)
    return lowering_for("CONV_2D").check(op, graph)


def test_check_accepts_the_synthetic_model():
    assert _problems() == []


@pytest.mark.parametrize("activation", ["TANH", "SIGN_BIT", "RELU_0_TO_1"])
def test_check_refuses_activations_without_a_clamp(activation):
    problems = _problems(fused_activation_function=activation)
    assert len(problems) == 1 and activation in problems[0] and "RELU6" in problems[0]


def test_check_refuses_an_output_of_the_wrong_shape():
    problems = _problems(stride_h=2)
    assert len(problems) == 1 and "convolved shape [1, 3, 6, 3]" in problems[0]


def test_check_refuses_weights_that_could_overflow_the_accumulator():
    graph = read_model_bytes(conv2d_model(input_shape=(1, 6, 6, 2), out_channels=3))
    graph.tensors[graph.ops[0].inputs[2]].data = np.full(3, (1 << 31) - 1000, dtype=np.int32)
    problems = lowering_for("CONV_2D").check(graph.ops[0], graph)
    assert len(problems) == 1 and "overflow" in problems[0]


# ---- the portable kernel variants against TFLite Micro on random layers --------------------------------------

conv_layers = st.fixed_dictionaries({
    "height": st.integers(1, 8), "width": st.integers(1, 8), "channels_per_group": st.integers(1, 5),
    "groups": st.sampled_from([1, 1, 2]), "filters_per_group": st.integers(1, 9),
    "kernel": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)), "padding": st.sampled_from(["SAME", "VALID"]),
    "activation": st.sampled_from(["NONE", "RELU", "RELU6"]), "per_channel": st.booleans(), "bias": st.booleans(),
    "seed": st.integers(0, 1000),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_layers)
def test_portable_conv_variants_are_bit_exact(layer):
    """Random shapes, strides, dilations, paddings (windows across every border, windows larger than the input),
    groups and filter counts that leave a remainder after the blocks of four; each against TFLite Micro, with the
    variant the layer must get."""
    groups = layer["groups"]
    in_c = groups * layer["channels_per_group"]
    (k_h, k_w), (d_h, d_w), (s_h, s_w) = layer["kernel"], layer["dilation"], layer["stride"]
    if layer["padding"] == "VALID":
        assume((k_h - 1) * d_h + 1 <= layer["height"] and (k_w - 1) * d_w + 1 <= layer["width"])
    model = conv2d_model(input_shape=(1, layer["height"], layer["width"], in_c),
                         out_channels=groups * layer["filters_per_group"], kernel=(k_h, k_w), stride=(s_h, s_w),
                         dilation=(d_h, d_w), padding=layer["padding"], activation=layer["activation"],
                         per_channel=layer["per_channel"], bias=layer["bias"], groups=groups, seed=layer["seed"])
    expected = "mcugen_conv2d_1ch_s8" if in_c == 1 else "mcugen_conv2d_s8"
    assert compile_model(model, board="host", kernels="portable", host=True).kernel_name(0) == expected
    report = verify_model(model, board="host", inputs=3, seed=layer["seed"], kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_one_channel_variant_declines_a_window_too_large_for_its_stack_buffer():
    model = conv2d_model(input_shape=(1, 20, 10, 1), out_channels=2, kernel=(13, 10))
    compiled = compile_model(model, board="host", kernels="portable", host=True)
    assert compiled.kernel_name(0) == "mcugen_conv2d_s8"
    assert any("at most 128 filter taps" in reason for reason in compiled.choices[0].fallbacks)


@pytest.mark.emulator
@requires_arm
def test_one_channel_variant_bit_exact_on_cortex_m4():
    model = conv2d_model(input_shape=(1, 12, 6, 1), out_channels=7, kernel=(5, 3), stride=(2, 2))
    report = verify_model(model, board="qemu-m4", inputs=3, seed=4, kernels="portable")
    assert report.ok, report.summary() + "\n" + report.log[-2000:]
