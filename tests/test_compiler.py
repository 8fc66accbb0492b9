import pytest

from conftest import dev_model_params, requires_board
from modelgen import add_model, conv2d_model, depthwise_conv2d_model
from modelgen_state import logistic_model

from mcugen.compiler import compile_model
from mcugen.errors import BoardError
from mcugen.planner import verify_plan
from mcugen.verify import verify_model


@pytest.mark.parametrize("path", dev_model_params())
def test_every_dev_model_plans_at_its_bound_or_says_why(path):
    compiled = compile_model(path, board="qemu-m4")
    plan = compiled.plan
    verify_plan(compiled.problem, plan)
    assert plan.arena_size >= plan.lower_bound
    assert plan.arena_size == plan.lower_bound or plan.gap_reason
    # Every activation tensor has an aligned slot inside the arena.
    for tensor in compiled.graph.activations():
        offset = compiled.offset(tensor)
        assert offset % compiled.problem.alignment == 0
        assert offset + compiled.graph.tensors[tensor].nbytes <= plan.arena_size


def test_alignment_is_configurable(model_path):
    compiled = compile_model(model_path("mlperf_ic_resnet8_int8"), board="qemu-m4", alignment=64)
    assert all(offset % 64 == 0 for offset in compiled.plan.offsets.values())
    assert compiled.plan.arena_size % 64 == 0


# ---- AVR: constants stay in flash, read by the kernels through MCUGEN_READ_WEIGHT_* --------------------------

AVR_LAYERS = {
    # name: (model, the kernel it must get)
    "conv2d-same-stride": (lambda: conv2d_model(input_shape=(1, 7, 6, 3), out_channels=5, stride=(2, 1)),
                           "mcugen_conv2d_s8"),
    "conv2d-grouped-dilated": (lambda: conv2d_model(input_shape=(1, 6, 6, 4), out_channels=6, groups=2,
                                                    dilation=(2, 1), per_channel=False), "mcugen_conv2d_s8"),
    "conv2d-one-channel": (lambda: conv2d_model(input_shape=(1, 10, 5, 1), out_channels=6, kernel=(4, 3),
                                                stride=(2, 1)), "mcugen_conv2d_1ch_s8"),
    "depthwise-blocks-of-four": (lambda: depthwise_conv2d_model(input_shape=(1, 6, 6, 5)),
                                 "mcugen_depthwise_conv2d_s8"),
    "depthwise-multiplier-2": (lambda: depthwise_conv2d_model(input_shape=(1, 5, 5, 2), depth_multiplier=2,
                                                              padding="VALID"), "mcugen_depthwise_conv2d_s8"),
    "logistic-table": (lambda: logistic_model((1, 40), 0.1, 3), "mcugen_lut_8bit"),
}


@pytest.mark.emulator
@requires_board("uno")
@pytest.mark.parametrize("name", sorted(AVR_LAYERS))
def test_kernels_read_their_constants_from_avr_flash(name, tmp_path):
    make, kernel = AVR_LAYERS[name]
    model = make()
    assert compile_model(model, board="uno", kernels="portable").kernel_name(0) == kernel
    report = verify_model(model, board="uno", inputs=3, seed=5, workdir=tmp_path)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_avr_refuses_a_kernel_that_would_read_a_constant_from_ram():
    with pytest.raises(BoardError, match="kernel mcugen_add_s8 does not read constants from avr flash"):
        compile_model(add_model(shape1=(1, 2, 2, 4), constant_input2=True), board="uno")


def test_a_variable_model_output_is_refused():
    """Found by the fuzzer (a flipped is_variable flag on an output): it lives outside the arena, so it has no
    place in the interface."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from mcugen.errors import UnsupportedModelError
    from modelgen import fully_connected_model

    model = schema.ModelT.InitFromPackedBuf(fully_connected_model(seed=1), 0)
    model.subgraphs[0].tensors[int(model.subgraphs[0].outputs[0])].isVariable = True
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    with pytest.raises(UnsupportedModelError, match="is a variable tensor"):
        compile_model(bytes(builder.Output()), board="host")
