"""TRANSPOSE_CONV: the portable kernel bit-exact with TFLite Micro on random layers, and what check refuses."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgen_layers import transpose_conv_model

from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

layers = st.fixed_dictionaries({
    "batches": st.sampled_from([1, 1, 2]), "height": st.integers(1, 5), "width": st.integers(1, 5),
    "in_channels": st.integers(1, 6), "out_channels": st.integers(1, 6),
    "kernel": st.tuples(st.integers(1, 4), st.integers(1, 4)),
    "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)), "padding": st.sampled_from(["SAME", "VALID"]),
    "activation": st.sampled_from(["NONE", "RELU", "RELU6"]), "per_channel": st.booleans(), "bias": st.booleans(),
    # Extra output rows and columns beyond the natural size: TFLite Micro takes the output tensor's shape as given.
    "extra": st.tuples(st.integers(0, 2), st.integers(0, 2)), "seed": st.integers(0, 1000),
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers)
def test_transpose_conv_is_bit_exact(layer):
    """Random shapes, strides larger and smaller than the filter, both paddings, output sizes that are not the
    natural one; each against TFLite Micro."""
    (k_h, k_w), (s_h, s_w), (e_h, e_w) = layer["kernel"], layer["stride"], layer["extra"]
    h, w = layer["height"], layer["width"]
    if layer["padding"] == "SAME":
        out = (h * s_h + e_h, w * s_w + e_w)
    else:
        out = ((h - 1) * s_h + k_h + e_h, (w - 1) * s_w + k_w + e_w)
    model = transpose_conv_model(input_shape=(layer["batches"], h, w, layer["in_channels"]),
                                 out_channels=layer["out_channels"], kernel=(k_h, k_w), stride=(s_h, s_w),
                                 padding=layer["padding"], activation=layer["activation"],
                                 per_channel=layer["per_channel"], bias=layer["bias"], seed=layer["seed"],
                                 output_hw=out)
    report = verify_model(model, board="host", host=True, kernels="portable", inputs=3, seed=layer["seed"])
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
def test_transpose_conv_bit_exact_on_cortex_m4():
    model = transpose_conv_model(input_shape=(1, 5, 4, 6), out_channels=5, kernel=(3, 3), stride=(2, 2),
                                 activation="RELU", seed=11)
    report = verify_model(model, board="qemu-m4", inputs=4, seed=7)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def _problems(model: bytes, **options) -> list[str]:
    graph = read_model_bytes(model)
    for key, value in options.items():
        setattr(graph.ops[0].options, key, value)
    return lowering_for("TRANSPOSE_CONV").check(graph.ops[0], graph)


def test_check_accepts_the_synthetic_model():
    assert _problems(transpose_conv_model()) == []


def test_check_refuses_an_output_shape_operand_that_disagrees():
    graph = read_model_bytes(transpose_conv_model())
    op = graph.ops[0]
    graph.tensors[op.inputs[0]].data = graph.tensors[op.inputs[0]].data + 1
    problems = lowering_for("TRANSPOSE_CONV").check(op, graph)
    assert len(problems) == 1 and "output shape operand" in problems[0]


def test_check_refuses_a_filter_of_other_channels():
    graph = read_model_bytes(transpose_conv_model(input_shape=(1, 4, 4, 3)))
    graph.tensors[graph.ops[0].inputs[2]].shape = (1, 4, 4, 5)
    problems = lowering_for("TRANSPOSE_CONV").check(graph.ops[0], graph)
    assert len(problems) == 1 and "input and output channels must agree" in problems[0]


@pytest.mark.parametrize("activation", ["TANH", "SIGN_BIT"])
def test_check_refuses_activations_without_a_clamp(activation):
    problems = _problems(transpose_conv_model(), fused_activation_function=activation)
    assert len(problems) == 1 and activation in problems[0]
