import pytest

from conftest import dev_model_params
from mcugen.compiler import compile_model
from mcugen.planner import verify_plan


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
