import numpy as np
import pytest

from conftest import dev_model_params
from mcugen.errors import ModelError, UnsupportedModelError
from mcugen.reader import c_identifier, read_model, read_model_bytes
from modelgen import ModelBuilder


@pytest.mark.parametrize("path", dev_model_params())
def test_reads_every_dev_model(path):
    graph = read_model(path)
    assert graph.ops and graph.inputs and graph.outputs
    for op in graph.ops:
        assert all(-1 <= t < len(graph.tensors) for t in op.inputs + op.outputs)
    for t in graph.tensors:
        if t.is_constant:
            assert t.data.shape == t.shape


def test_options_are_decoded_with_enum_names(model_path):
    graph = read_model(model_path("micro_speech_int8"))
    dw = graph.ops[1]
    assert dw.kind == "DEPTHWISE_CONV_2D"
    assert dw.options.padding == "SAME"
    assert dw.options.fused_activation_function == "RELU"
    assert (dw.options.stride_w, dw.options.stride_h, dw.options.depth_multiplier) == (2, 2, 8)
    assert graph.ops[0].options.new_shape == (-1, 49, 40, 1)


def test_person_detect_keeps_per_channel_quantization(model_path):
    graph = read_model(model_path("person_detect_int8"))
    per_channel = [t for t in graph.tensors if t.quant is not None and t.quant.per_channel]
    assert per_channel
    biases = [t for t in per_channel if t.dtype == "int32" and len(t.shape) == 1]
    assert biases and all(t.quant.scale.size == t.shape[0] for t in biases)


def _tiny_model() -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), scale=0.1, zero_point=0)
    w = b.add_tensor("w", (2, 4), scale=0.02, zero_point=0, data=np.ones((2, 4), np.int8))
    y = b.add_tensor("y", (1, 2), scale=0.2, zero_point=1)
    b.add_op("FULLY_CONNECTED", [x, w, -1], [y])
    b.inputs, b.outputs = [x], [y]
    return b.build()


def test_missing_file(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        read_model(tmp_path / "absent.tflite")


def test_not_tflite(tmp_path):
    path = tmp_path / "notes.tflite"
    path.write_text("hello, this is not a model")
    with pytest.raises(ModelError, match="not a TensorFlow Lite model"):
        read_model(path)


def test_truncated_flatbuffer():
    data = _tiny_model()
    for cut in (12, len(data) // 3, len(data) // 2):
        with pytest.raises(ModelError, match="corrupted or truncated|needs .* bytes|refers to"):
            read_model_bytes(data[:cut], source="cut.tflite")


def test_corrupted_flatbuffer():
    data = bytearray(_tiny_model())
    rng = np.random.default_rng(0)
    failures = 0
    for _ in range(50):
        broken = bytearray(data)
        for pos in rng.integers(8, len(data), size=8):
            broken[pos] = int(rng.integers(0, 256))
        try:
            read_model_bytes(bytes(broken), source="bad.tflite")
        except (ModelError, UnsupportedModelError):
            failures += 1
    # Random damage either hits padding/weights (still readable) or is reported; it never escapes as a crash.
    assert failures > 0


def test_further_subgraphs_are_kept_for_call_once():
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(_tiny_model(), 0)
    model.subgraphs.append(model.subgraphs[0])
    import flatbuffers

    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    graph = read_model_bytes(bytes(builder.Output()), source="two.tflite")
    # Only CALL_ONCE runs them (mcugen/ops/state.py); other control-flow ops are refused when checked.
    assert len(graph.subgraphs) == 1 and len(graph.subgraphs[0].ops) == len(graph.ops)


def test_dynamic_shape_is_refused():
    b = ModelBuilder()
    x = b.add_tensor("x", (-1, 4), scale=0.1, zero_point=0)
    y = b.add_tensor("y", (-1, 4), scale=0.1, zero_point=0)
    b.add_op("RESHAPE", [x], [y])
    b.inputs, b.outputs = [x], [y]
    with pytest.raises(UnsupportedModelError, match="dynamic shape"):
        read_model_bytes(b.build(), source="dyn.tflite")


def test_c_identifier():
    assert c_identifier("person-detect v2") == "person_detect_v2"
    assert c_identifier("3d") == "m_3d"


def test_a_tensor_too_large_for_any_board_is_refused_before_allocation():
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), scale=0.1, zero_point=0)
    y = b.add_tensor("huge", (65536, 65536, 2), scale=0.1, zero_point=0)  # 8 GiB of int8
    b.add_op("ADD", [x, x], [y])
    b.inputs, b.outputs = [x], [y]
    with pytest.raises(UnsupportedModelError, match=r"would take 8,589,934,592 bytes"):
        read_model_bytes(b.build())
