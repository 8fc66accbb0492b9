"""CMSIS-NN bindings of FULLY_CONNECTED, pooling, ADD, SOFTMAX, TRANSPOSE and PAD: generated C bit-exact with
TFLite Micro, the expected CMSIS-NN kernel chosen, and declined layers falling back to portable with a reason."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import CMSIS_NN, requires_arm, requires_cmsis_nn
from modelgen import add_model, fully_connected_model
from test_ops_pad import pad_model
from test_ops_pool2d import pool_model
from test_ops_softmax import softmax_model
from test_ops_transpose import transpose_model

from mcugen.codegen import render_project
from mcugen.compiler import compile_model
from mcugen.kernels.base import Target
from mcugen.kernels.arm.fully_connected import kernel_sums, wrap_int32
from mcugen.kernels.arm.transpose import simplified
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

pytestmark = requires_cmsis_nn

CASES = {
    # name: (model, the kernel CMSIS-NN computes it with)
    "fc-per-tensor": (lambda: fully_connected_model(batches=1, in_features=40, out_features=10, seed=1),
                      "arm_fully_connected_s8"),
    "fc-per-channel-batches": (lambda: fully_connected_model(batches=3, in_features=17, out_features=6,
                                                             per_channel=True, activation="RELU", seed=2),
                               "arm_fully_connected_per_channel_s8"),
    "fc-no-bias-4d": (lambda: fully_connected_model(input_shape=(1, 2, 3, 8), in_features=8, out_features=5,
                                                    bias=False, activation="RELU6", seed=3),
                      "arm_fully_connected_s8"),
    "avgpool-same": (lambda: pool_model("AVERAGE_POOL_2D", (1, 7, 9, 5), (3, 3), (2, 2), "SAME", "RELU6"),
                     "arm_avgpool_s8"),
    "avgpool-global-batches": (lambda: pool_model("AVERAGE_POOL_2D", (2, 5, 6, 19), (5, 6), (1, 1), "VALID"),
                               "arm_avgpool_s8"),
    "avgpool-even-filter": (lambda: pool_model("AVERAGE_POOL_2D", (1, 6, 7, 3), (4, 4), (1, 1), "SAME", "RELU"),
                            "arm_avgpool_s8"),
    "maxpool-same": (lambda: pool_model("MAX_POOL_2D", (1, 7, 9, 5), (3, 3), (2, 2), "SAME"), "arm_max_pool_s8"),
    "maxpool-batches-relu": (lambda: pool_model("MAX_POOL_2D", (2, 8, 8, 6), (2, 2), (2, 2), "VALID", "RELU"),
                             "arm_max_pool_s8"),
    "add-same-shape": (lambda: add_model(shape1=(1, 6, 6, 7), seed=4), "arm_elementwise_add_s8"),
    "add-relu6": (lambda: add_model(shape1=(2, 5, 7), activation="RELU6", seed=5), "arm_elementwise_add_s8"),
    "softmax-rows": (lambda: softmax_model((2, 3, 7), 0.5, 0.05, -10), "arm_softmax_s8"),
    "softmax-long-row": (lambda: softmax_model((1, 300), 1.0, 0.2, 0), "arm_softmax_s8"),
    "transpose-nchw": (lambda: transpose_model((1, 3, 3, 160), (0, 3, 1, 2)), "arm_transpose_s8"),
    "transpose-3d": (lambda: transpose_model((2, 3, 4), (2, 0, 1)), "arm_transpose_s8"),
    "transpose-4d": (lambda: transpose_model((2, 3, 4, 5), (3, 2, 1, 0)), "arm_transpose_s8"),
    "transpose-identity": (lambda: transpose_model((2, 3, 4), (0, 1, 2)), "arm_transpose_s8"),
    "pad-4d": (lambda: pad_model((1, 5, 6, 4), [[0, 0], [2, 0], [0, 3], [1, 2]], zero_point=-128), "arm_pad_s8"),
    "pad-batches": (lambda: pad_model((2, 3, 3, 2), [[1, 0], [0, 1], [3, 3], [0, 0]], zero_point=17), "arm_pad_s8"),
    "pad-2d": (lambda: pad_model((3, 4), [[1, 2], [0, 1]], zero_point=-5), "arm_pad_s8"),
    "padv2": (lambda: pad_model((1, 4, 5, 3), [[0, 0], [1, 2], [2, 1], [0, 1]], zero_point=-7, constant_value=42),
              "arm_pad_s8"),
}

DECLINED = {
    # name: (model, the portable kernel it falls back to, words of the reason)
    "add-broadcast": (lambda: add_model(shape1=(1, 4, 4, 8), shape2=(8,)), "mcugen_add_broadcast_s8", "broadcast"),
    "transpose-5d": (lambda: transpose_model((2, 3, 2, 3, 2), (4, 2, 0, 3, 1)), "mcugen_transpose_s8",
                     "at most 4 dimensions"),
    "pad-5d": (lambda: pad_model((1, 2, 3, 2, 2), [[0, 1], [1, 0], [2, 1], [0, 0], [1, 1]], zero_point=0),
               "mcugen_pad_s8", "at most 4 dimensions"),
}


# Layers that mcugen's own Arm kernel (tests/test_arm_dsp_kernels.py) takes from CMSIS-NN on the DSP code path.
ARM_DSP_CHOICE = {"fc-per-channel-batches": "mcugen_arm_fully_connected_s8",
                  "fc-per-tensor": "mcugen_arm_fully_connected_s8"}


def compiled_for(model: bytes, board: str = "qemu-m4", host: bool = True):
    return compile_model(model, board=board, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, host=host)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cmsis_nn_kernel_bit_exact(name):
    build, kernel = CASES[name]
    model = build()
    assert compiled_for(model).kernel_name(0) == kernel
    report = verify_model(model, board="qemu-m4", host=True, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=10,
                          seed=len(name))
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_declined_layers_fall_back_to_portable(name):
    build, kernel, reason = DECLINED[name]
    model = build()
    choice = compiled_for(model).choices[0]
    assert choice.kernel == kernel and choice.backend == "portable"
    assert len(choice.fallbacks) == 1 and choice.fallbacks[0].startswith("cmsis-nn: ")
    assert reason in choice.fallbacks[0]
    report = verify_model(model, board="qemu-m4", host=True, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
@pytest.mark.parametrize("name", ["fc-per-channel-batches", "fc-per-tensor", "avgpool-global-batches",
                                  "avgpool-same", "maxpool-batches-relu", "add-same-shape", "softmax-long-row",
                                  "transpose-nchw", "transpose-4d", "pad-4d"])
def test_cmsis_nn_kernel_bit_exact_on_cortex_m4(name):
    build, kernel = CASES[name]
    model = build()
    kernel = ARM_DSP_CHOICE.get(name, kernel)
    assert compiled_for(model, host=False).kernel_name(0) == kernel
    report = verify_model(model, board="qemu-m4", kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=5, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


def test_avgpool_scratch_follows_the_code_path():
    model = pool_model("AVERAGE_POOL_2D", (1, 6, 6, 24), (2, 2), (2, 2), "VALID")
    graph = read_model_bytes(model)
    op = graph.ops[0]
    binding = compiled_for(model).choices[0].binding
    layer = lowering_for(op.kind).prepare(op, graph)
    sizes = {isa: binding.scratch_bytes(op, layer, Target(("cmsis-nn",), isa)) for isa in ("plain", "dsp", "mve")}
    assert sizes == {"plain": 0, "dsp": 24 * 4, "mve": 0}


def test_fc_kernel_sums_are_arm_vector_sum_s8():
    rng = np.random.default_rng(0)
    weights = rng.integers(-128, 128, size=(7, 300))
    bias = rng.integers(-(1 << 31), 1 << 31, size=7)
    for offset in (0, 1, -127, 128):
        expected = [(int(b) + offset * int(row.sum()) + (1 << 31)) % (1 << 32) - (1 << 31)
                    for b, row in zip(bias, weights)]
        assert kernel_sums(weights, bias, offset).tolist() == expected
        folded = bias.astype(np.int64) + offset * weights.sum(axis=1)
        assert wrap_int32(folded).tolist() == expected
    assert kernel_sums(weights, None, 0).tolist() == [0] * 7


def test_fc_kernel_sums_emitted_only_for_helium():
    model = fully_connected_model(batches=2, in_features=12, out_features=5, seed=9)
    compiled = compile_model(model, board="qemu-m4", kernels="cmsis-nn", cmsis_nn=CMSIS_NN, host=True)
    assert compiled.target.isa == "plain" and compiled.kernel_name(0) == "arm_fully_connected_s8"
    layer = compiled.choices[0].layer
    for isa in ("plain", "dsp", "mve"):
        target = replace(compiled.target, isa=isa)
        assert compiled.choices[0].binding.scratch_bytes(compiled.steps[0], layer, target) == 0
        files = render_project(replace(compiled, target=target), None, "test")
        sources = "\n".join(v for v in files.values() if isinstance(v, str))
        assert ("kernel_sums" in sources) == (isa == "mve"), isa
        if isa == "mve":
            assert all(str(v) in sources for v in wrap_int32(layer.folded_bias).tolist())


def test_transpose_simplified_shapes():
    graph = read_model_bytes(transpose_model((1, 3, 3, 160), (0, 3, 1, 2)))
    layer = lowering_for("TRANSPOSE").prepare(graph.ops[0], graph)
    assert simplified(layer) == ([9, 160], [1, 0], [160, 9])
    graph = read_model_bytes(transpose_model((2, 3, 4), (2, 0, 1)))
    layer = lowering_for("TRANSPOSE").prepare(graph.ops[0], graph)
    assert simplified(layer) == ([6, 4], [1, 0], [4, 6])
