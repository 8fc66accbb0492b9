"""Graph-level validation: models TFLite Micro would run wrongly (or not at all) are refused with one clear error;
models it runs as written are accepted, even without options tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from modelgen import ModelBuilder, add_model, conv2d_model

from mcugen.compiler import compile_graph
from mcugen.errors import ModelError, UnsupportedModelError
from mcugen.reader import read_model_bytes
from mcugen.validate import ZERO_POINT_RANGE


def refused(graph, *words: str) -> str:
    with pytest.raises(UnsupportedModelError) as caught:
        compile_graph(graph, "qemu-m4", kernels="portable")
    message = str(caught.value)
    for word in words:
        assert word in message, message
    return message


def two_adds() -> ModelBuilder:
    """x + x -> y; y + y -> z."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), scale=0.1, zero_point=0)
    y = b.add_tensor("y", (1, 4), scale=0.2, zero_point=0)
    z = b.add_tensor("z", (1, 4), scale=0.4, zero_point=0)
    b.add_op("ADD", [x, x], [y])
    b.add_op("ADD", [y, y], [z])
    b.inputs, b.outputs = [x], [z]
    return b


def test_add_whose_output_is_larger_than_its_broadcast_is_refused():
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), scale=0.1)
    y = b.add_tensor("y", (3, 4), scale=0.2)
    b.add_op("ADD", [x, x], [y])
    b.inputs, b.outputs = [x], [y]
    refused(read_model_bytes(b.build()), "do not broadcast to output")


def test_ops_out_of_order_are_refused():
    b = two_adds()
    b.operators.reverse()
    refused(read_model_bytes(b.build()), "op 0 (ADD) reads tensor 'y'", "before it is computed", "op 1 writes it")


def test_duplicate_writers_and_writes_to_inputs_are_refused():
    graph = read_model_bytes(two_adds().build())
    graph.ops[1].outputs = list(graph.ops[0].outputs)
    refused(graph, "written by both op 0 and op 1")
    graph = read_model_bytes(two_adds().build())
    graph.ops[1].outputs = [graph.inputs[0]]
    refused(graph, "writes the model input")


def test_graphs_without_operators_or_outputs_are_refused():
    graph = read_model_bytes(two_adds().build())
    graph.ops = []
    refused(graph, "no operators")
    graph = read_model_bytes(two_adds().build())
    graph.outputs = []
    refused(graph, "no outputs")


def test_operand_counts_are_checked_before_the_op_rules():
    graph = read_model_bytes(two_adds().build())
    graph.ops[1].outputs = []
    refused(graph, "model output 'z'", "is never computed")
    graph = read_model_bytes(two_adds().build())
    graph.ops[1].inputs = [graph.ops[1].inputs[0]]
    refused(graph, "op 1 (ADD): has 1 inputs; ADD takes 2")


def test_a_missing_options_table_means_its_defaults():
    graph = read_model_bytes(two_adds().build())
    for op in graph.ops:
        op.options_type, op.options = None, type(op.options)()
    compiled = compile_graph(graph, "qemu-m4", kernels="portable")
    assert graph.ops[0].options.fused_activation_function == "NONE"
    assert compiled.kernel_name(0) == "mcugen_add_s8"


def test_another_ops_options_table_is_refused():
    graph = read_model_bytes(two_adds().build())
    graph.ops[0].options_type = "Conv2DOptions"
    refused(graph, "carries Conv2DOptions where ADD reads AddOptions")


@pytest.mark.parametrize("scale", [0.0, -0.5, math.nan, math.inf])
def test_scales_must_be_finite_and_positive(scale):
    graph = read_model_bytes(two_adds().build())
    graph.tensors[graph.outputs[0]].quant.scale = np.array([scale], dtype=np.float32)
    refused(graph, "not a finite positive number")


@pytest.mark.parametrize("zero_point", [-129, 128, 1 << 40])
def test_zero_points_must_fit_the_type(zero_point):
    graph = read_model_bytes(two_adds().build())
    graph.tensors[graph.inputs[0]].quant.zero_point = np.array([zero_point], dtype=np.int64)
    refused(graph, "zero point outside [-128, 127]")
    assert ZERO_POINT_RANGE["int8"] == (-128, 127)


def test_unknown_tensor_types_are_refused():
    graph = read_model_bytes(two_adds().build())
    graph.tensors[graph.outputs[0]].dtype = "type99"
    refused(graph, "unsupported type type99")


def test_huge_dilation_is_refused():
    graph = read_model_bytes(conv2d_model(input_shape=(1, 8, 8, 3), kernel=(3, 3), padding="SAME"))
    graph.ops[0].options.dilation_w_factor = 524288
    refused(graph, "window", "after dilation")


def test_huge_pool_filter_is_refused_without_allocating():
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4, 4, 2), scale=0.1)
    y = b.add_tensor("y", (1, 1, 1, 2), scale=0.1)
    b.add_op("MAX_POOL_2D", [x], [y], padding="SAME", stride_w=4, stride_h=4, filter_width=(1 << 31) - 1,
             filter_height=(1 << 31) - 1)
    b.inputs, b.outputs = [x], [y]
    refused(read_model_bytes(b.build()), "window")


def test_buffer_with_both_data_and_offset_is_refused():
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), scale=0.1)
    c = b.add_tensor("c", (1, 4), scale=0.1, data=np.arange(4))
    y = b.add_tensor("y", (1, 4), scale=0.2)
    b.add_op("ADD", [x, c], [y])
    b.inputs, b.outputs = [x], [y]
    b.buffers[1].offset, b.buffers[1].size = 1 << 20, 4
    with pytest.raises(ModelError, match="both inline data and an offset"):
        read_model_bytes(b.build())


def test_a_valid_model_still_compiles():
    compile_graph(read_model_bytes(add_model(shape1=(1, 4, 4, 8), shape2=(8,))), "qemu-m4", kernels="portable")


@pytest.mark.parametrize("code, accepted", [(0, True), (2, True), (22, True), (23, False), (-128, False)])
def test_quantized_bias_type_must_name_a_tensor_type(code, accepted):
    """TFLite Micro refuses a model whose FULLY_CONNECTED options name no tensor type (found by the fuzzer), and
    ignores a known one for int8 layers."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from modelgen import fully_connected_model

    model = schema.ModelT.InitFromPackedBuf(fully_connected_model(seed=4), 0)
    model.subgraphs[0].operators[0].builtinOptions.quantizedBiasType = code
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    graph = read_model_bytes(bytes(builder.Output()))
    if accepted:
        compile_graph(graph, "host")
    else:
        with pytest.raises(UnsupportedModelError, match="quantized_bias_type"):
            compile_graph(graph, "host")
