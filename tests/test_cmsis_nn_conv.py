"""CONV_2D and DEPTHWISE_CONV_2D through CMSIS-NN: every kernel variant the bindings pick is chosen where the
wrapper would choose it and computes the layer bit-exactly with TFLite Micro (host plain C, Cortex-M4 DSP)."""

from __future__ import annotations

import pytest
from conftest import requires_arm
from modelgen import conv2d_model, depthwise_conv2d_model

from mcugen.compiler import compile_model
from mcugen.verify import verify_model

CONV_CASES = {
    # name: (conv2d_model keyword arguments, kernel chosen)
    "1x1-fast": (dict(input_shape=(1, 5, 6, 12), out_channels=7, kernel=(1, 1)), "arm_convolve_1x1_s8_fast"),
    "1x1-fast-odd-channels-batched": (dict(input_shape=(2, 3, 5, 5), out_channels=3, kernel=(1, 1),
                                           activation="RELU6"), "arm_convolve_1x1_s8_fast"),
    "1x1-strided": (dict(input_shape=(1, 9, 8, 6), out_channels=5, kernel=(1, 1), stride=(2, 3),
                         per_channel=False), "arm_convolve_1x1_s8"),
    "1xn": (dict(input_shape=(1, 1, 17, 8), out_channels=6, kernel=(1, 5), activation="RELU"),
            "arm_convolve_1_x_n_s8"),
    "1xn-stride2": (dict(input_shape=(1, 1, 16, 4), out_channels=3, kernel=(1, 3), stride=(1, 2)),
                    "arm_convolve_1_x_n_s8"),
    "generic-same": (dict(input_shape=(1, 9, 7, 3), out_channels=5), "arm_convolve_s8"),
    "generic-odd-padding-batched": (dict(input_shape=(2, 8, 11, 2), out_channels=4, kernel=(4, 2), stride=(3, 2),
                                         activation="RELU6"), "arm_convolve_s8"),
    "grouped": (dict(input_shape=(1, 6, 6, 8), out_channels=6, groups=2, per_channel=False), "arm_convolve_s8"),
    "grouped-odd-pixels": (dict(input_shape=(1, 5, 5, 6), out_channels=9, groups=3), "arm_convolve_s8"),
    "dilated-no-bias": (dict(input_shape=(1, 11, 10, 3), out_channels=4, dilation=(2, 3), bias=False,
                             activation="RELU_N1_TO_1"), "arm_convolve_s8"),
}

DEPTHWISE_CASES = {
    "3x3": (dict(input_shape=(1, 9, 7, 6)), "arm_depthwise_conv_3x3_s8"),
    "3x3-stride2-valid": (dict(input_shape=(1, 10, 9, 5), stride=(2, 2), padding="VALID", activation="RELU"),
                          "arm_depthwise_conv_3x3_s8"),
    "opt-5x5": (dict(input_shape=(1, 8, 9, 7), kernel=(5, 5), per_channel=False), "arm_depthwise_conv_s8_opt"),
    "opt-3x1-stride": (dict(input_shape=(1, 9, 6, 4), kernel=(3, 1), stride=(2, 1), activation="RELU6"),
                       "arm_depthwise_conv_s8_opt"),
    "generic-multiplier2": (dict(input_shape=(1, 8, 11, 3), depth_multiplier=2, kernel=(4, 2), stride=(3, 2)),
                            "arm_depthwise_conv_s8"),
    "generic-multiplier4": (dict(input_shape=(1, 7, 6, 3), depth_multiplier=4), "arm_depthwise_conv_s8"),
    "generic-multiplier8-one-channel": (dict(input_shape=(1, 9, 9, 1), depth_multiplier=8, stride=(2, 2)),
                                        "arm_depthwise_conv_s8"),
    "generic-dilated": (dict(input_shape=(1, 11, 10, 4), dilation=(2, 3), bias=False), "arm_depthwise_conv_s8"),
    "generic-batched": (dict(input_shape=(2, 6, 6, 4)), "arm_depthwise_conv_s8"),
}

CASES = {f"conv-{k}": (conv2d_model, *v) for k, v in CONV_CASES.items()}
CASES.update({f"depthwise-{k}": (depthwise_conv2d_model, *v) for k, v in DEPTHWISE_CASES.items()})

# Layers that mcugen's own Arm kernel (tests/test_arm_dsp_kernels.py) takes from CMSIS-NN on the DSP code path.
ARM_DSP_CHOICE = {
    **{name: "mcugen_arm_conv2d_shallow_s8" for name in (
        "conv-1xn-stride2", "conv-dilated-no-bias", "conv-generic-odd-padding-batched", "conv-generic-same",
        "depthwise-generic-multiplier8-one-channel")},
    **{name: "mcugen_arm_fully_connected_s8" for name in ("conv-1x1-fast", "conv-1x1-fast-odd-channels-batched")},
    "conv-1x1-strided": "mcugen_arm_conv2d_im2col_s8",
    **{name: "mcugen_arm_depthwise_conv2d_mult1_s8" for name in (
        "depthwise-3x3", "depthwise-3x3-stride2-valid", "depthwise-generic-batched", "depthwise-generic-dilated",
        "depthwise-opt-3x1-stride", "depthwise-opt-5x5")},
}


def _check(name: str, cmsis_nn_path, board: str, host: bool) -> None:
    make, options, kernel = CASES[name]
    if not host:
        kernel = ARM_DSP_CHOICE.get(name, kernel)
    model = make(**options, seed=len(name))
    compiled = compile_model(model, board=board, kernels="cmsis-nn", cmsis_nn=cmsis_nn_path, host=host)
    assert compiled.kernel_name(0) == kernel, compiled.choices[0].fallbacks
    report = verify_model(model, board=board, kernels="cmsis-nn", cmsis_nn=cmsis_nn_path, inputs=6, seed=7,
                          host=host)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("name", sorted(CASES))
def test_cmsis_nn_conv_bit_exact_on_host(name, cmsis_nn_path):
    _check(name, cmsis_nn_path, "qemu-m4", host=True)


@pytest.mark.emulator
@requires_arm
@pytest.mark.parametrize("name", sorted(CASES))
def test_cmsis_nn_conv_bit_exact_on_cortex_m4(name, cmsis_nn_path):
    _check(name, cmsis_nn_path, "qemu-m4", host=False)


def test_the_helium_1xn_bug_routes_to_arm_convolve_s8(cmsis_nn_path):
    from mcugen.kernels.base import Target, choose
    from mcugen.kernels.arm.library import locate
    from mcugen.ops import lowering_for
    from mcugen.reader import read_model_bytes

    graph = read_model_bytes(conv2d_model(input_shape=(1, 1, 16, 4), out_channels=3, kernel=(1, 3), stride=(1, 2)))
    op = graph.ops[0]
    layer = lowering_for(op.kind).prepare(op, graph)
    library = locate(cmsis_nn_path)
    chosen = {isa: choose(op, layer, Target(("cmsis-nn", "portable"), isa, library)).kernel
              for isa in ("plain", "dsp", "mve")}
    assert chosen == {"plain": "arm_convolve_1_x_n_s8", "dsp": "mcugen_arm_conv2d_shallow_s8", "mve": "arm_convolve_s8"}


@pytest.mark.parametrize("shape", [(5, 4, 3, 2, 3, 3, 1, 1, 1), (6, 7, 2, 5, 3, 2, 2, 1, 0), (4, 5, 4, 8, 1, 3, 1, 2, 0),
                                   (7, 6, 1, 3, 5, 5, 2, 2, 2)])
def test_im2col_block_gap_holds_for_the_block_order(shape):
    """arm_convolve_s8 reads the valid taps of a block of pixels, then writes the block: with the output placed
    `gap` bytes below the input, no write destroys an input byte a later block reads."""
    from mcugen.kernels.arm.conv2d import im2col_block_gap
    from mcugen.ops import lowering_for
    from mcugen.reader import read_model_bytes

    h, w, c, oc, kh, kw, stride, pad_kind, dilation = shape
    graph = read_model_bytes(conv2d_model(input_shape=(1, h, w, c), out_channels=oc, kernel=(kh, kw),
                                          stride=(stride, stride), dilation=(1 + dilation % 2, 1),
                                          padding="SAME" if pad_kind else "VALID"))
    layer = lowering_for("CONV_2D").prepare(graph.ops[0], graph)
    for block in (2, 4):
        gap = im2col_block_gap(layer, block)
        pixels = [(oy, ox) for oy in range(layer.output_height) for ox in range(layer.output_width)]
        blocks = [pixels[i:i + block] for i in range(0, len(pixels), block)]
        reads_of = []
        for members in blocks:
            reads = set()
            for oy, ox in members:
                for ky in range(kh):
                    for kx in range(kw):
                        iy = oy * layer.stride_height - layer.pad_top + ky * layer.dilation_height
                        ix = ox * layer.stride_width - layer.pad_left + kx * layer.dilation_width
                        if 0 <= iy < h and 0 <= ix < w:
                            reads.update((iy * w + ix) * c + ch for ch in range(c))
            reads_of.append(reads)
        destroyed = set()
        for b, members in enumerate(blocks):
            assert not (reads_of[b] & destroyed), (block, b)
            start = (b * block) * oc
            destroyed.update(start + i - gap for i in range(len(members) * oc))
