"""tests/modelgen.py: the synthetic models it builds load in TFLite Micro and in mcugen's reader as described."""

from __future__ import annotations

import numpy as np
import pytest
from modelgen import ModelBuilder, conv2d_model, single_op_model, tflm_run

from mcugen.reader import read_model_bytes


def test_builder_writes_tensors_quantization_and_options():
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4, 4, 2), scale=0.5, zero_point=-3)
    w = b.add_tensor("w", (3, 1, 1, 2), scale=[0.1, 0.2, 0.3], data=np.arange(6), quantized_dimension=0)
    y = b.add_tensor("y", (1, 2, 2, 3), scale=0.25, zero_point=4)
    b.add_op("CONV_2D", [x, w, -1], [y], padding="VALID", stride_w=2, stride_h=2, fused_activation_function="RELU")
    b.inputs, b.outputs = [x], [y]
    graph = read_model_bytes(b.build())
    op = graph.ops[0]
    assert (op.kind, op.inputs, op.options.padding, op.options.fused_activation_function) == \
        ("CONV_2D", [0, 1, -1], "VALID", "RELU")
    assert graph.tensors[w].data.reshape(-1).tolist() == list(range(6))
    assert graph.tensors[w].quant.scale.tolist() == pytest.approx([0.1, 0.2, 0.3])
    assert graph.tensors[x].quant.single_zero_point == -3


def test_tflm_runs_what_the_builder_makes():
    model = conv2d_model(input_shape=(1, 5, 5, 2), out_channels=3, activation="RELU6")
    outputs = tflm_run(model, [np.zeros((1, 5, 5, 2), dtype=np.int8)])
    assert len(outputs) == 1 and outputs[0].shape == (1, 5, 5, 3) and outputs[0].dtype == np.int8


def test_single_op_model_with_an_operator_above_127():
    # Operator codes above 127 only fit the 32-bit builtin_code field; the deprecated byte is capped.
    model = single_op_model("GELU", [dict(name="x", shape=(4,), dtype="float32")],
                            [dict(name="y", shape=(4,), dtype="float32")])
    assert read_model_bytes(model).ops[0].kind == "GELU"


def test_builder_reports_mistakes():
    b = ModelBuilder()
    with pytest.raises(ValueError, match="data has 3 elements"):
        b.add_tensor("w", (2, 2), data=[1, 2, 3])
    x = b.add_tensor("x", (4,), scale=1.0)
    with pytest.raises(ValueError, match="not a Padding name"):
        b.add_op("CONV_2D", [x], [x], padding="FULL")
    with pytest.raises(ValueError, match="no option"):
        b.add_op("ADD", [x, x], [x], stride=2)
    with pytest.raises(ValueError, match="inputs and .outputs"):
        b.build()
