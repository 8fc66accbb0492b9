"""mcugen's own Arm kernels (mcugen/runtime/mcugen_arm_*, bound in mcugen/kernels/arm/arm_dsp.py): chosen
under the cmsis-nn backend on cores with the DSP extension only, bit-exact with TFLite Micro on Cortex-M4 for every
layout edge (odd depths, feature counts not multiple of 4, padding borders, strides, dilation, batches)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CMSIS_NN, requires_arm, requires_cmsis_nn
from modelgen import conv2d_model, depthwise_conv2d_model, fully_connected_model

from mcugen.compiler import compile_model
from mcugen.kernels.base import BINDINGS, Target, choose
from mcugen.kernels.arm.arm_dsp import (ArmDspBinding, depthwise_mult1_blocks, fast_requantize_problem,
                                             fully_connected_blocks, fully_connected_channels, shallow_weight_words)
from mcugen.ops import lowering_for
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

pytestmark = requires_cmsis_nn

FC = "mcugen_arm_fully_connected_s8"
SHALLOW = "mcugen_arm_conv2d_shallow_s8"
DEPTHWISE = "mcugen_arm_depthwise_conv2d_mult1_s8"
IM2COL = "mcugen_arm_conv2d_im2col_s8"

CASES = {
    # name: (model, kernel chosen on Cortex-M4)
    "fc-depth-multiple-of-4": (lambda: fully_connected_model(in_features=40, out_features=12, seed=1), FC),
    "fc-odd-depth-odd-features": (lambda: fully_connected_model(in_features=37, out_features=11, activation="RELU",
                                                                seed=2), FC),
    "fc-depth-below-4": (lambda: fully_connected_model(in_features=3, out_features=6, seed=3), FC),
    "fc-one-feature": (lambda: fully_connected_model(in_features=18, out_features=1, seed=4), FC),
    "fc-per-channel-batches": (lambda: fully_connected_model(batches=3, in_features=21, out_features=7,
                                                             per_channel=True, activation="RELU6", seed=5), FC),
    "fc-no-bias": (lambda: fully_connected_model(in_features=64, out_features=9, bias=False, seed=6), FC),
    "conv-one-channel-same": (lambda: conv2d_model(input_shape=(1, 9, 7, 1), out_channels=12, seed=7), SHALLOW),
    "conv-three-channels-stride2": (lambda: conv2d_model(input_shape=(1, 11, 10, 3), out_channels=6,
                                                         stride=(2, 2), activation="RELU6", seed=8), SHALLOW),
    "conv-tall-filter-valid": (lambda: conv2d_model(input_shape=(1, 12, 6, 1), out_channels=9, kernel=(5, 3),
                                                    padding="VALID", seed=9), SHALLOW),
    "conv-odd-taps-odd-channels": (lambda: conv2d_model(input_shape=(1, 10, 3, 1), out_channels=5, kernel=(3, 1),
                                                        seed=10), SHALLOW),
    "conv-wide-filter-strides": (lambda: conv2d_model(input_shape=(1, 13, 14, 1), out_channels=7, kernel=(4, 5),
                                                      stride=(3, 2), per_channel=False, seed=11), SHALLOW),
    "conv-dilated-batched-no-bias": (lambda: conv2d_model(input_shape=(2, 9, 10, 2), out_channels=4,
                                                          dilation=(2, 3), bias=False, activation="RELU",
                                                          seed=12), SHALLOW),
    "depthwise-one-channel-stride2": (lambda: depthwise_conv2d_model(input_shape=(1, 9, 9, 1), depth_multiplier=8,
                                                                     stride=(2, 2), seed=13), SHALLOW),
    "depthwise-one-channel-odd": (lambda: depthwise_conv2d_model(input_shape=(1, 10, 7, 1), depth_multiplier=3,
                                                                 kernel=(4, 3), stride=(2, 1), seed=14), SHALLOW),
    "depthwise-one-channel-valid": (lambda: depthwise_conv2d_model(input_shape=(1, 8, 9, 1), depth_multiplier=6,
                                                                   kernel=(3, 3), padding="VALID",
                                                                   activation="RELU6", seed=15), SHALLOW),
    "conv-1x1-depth-8": (lambda: conv2d_model(input_shape=(1, 5, 6, 8), out_channels=12, kernel=(1, 1), seed=22), FC),
    "conv-1x1-odd-depths": (lambda: conv2d_model(input_shape=(1, 4, 3, 13), out_channels=7, kernel=(1, 1),
                                                 activation="RELU6", seed=23), FC),
    "conv-1x1-batched-per-tensor": (lambda: conv2d_model(input_shape=(2, 3, 3, 40), out_channels=9, kernel=(1, 1),
                                                         bias=False, per_channel=False, seed=24), FC),
    "conv-im2col-3x3-same": (lambda: conv2d_model(input_shape=(1, 8, 8, 16), out_channels=16, seed=25), IM2COL),
    "conv-im2col-odd-depths-stride2": (lambda: conv2d_model(input_shape=(1, 9, 7, 13), out_channels=7,
                                                            stride=(2, 2), activation="RELU6", seed=26), IM2COL),
    "conv-im2col-dilated-batched": (lambda: conv2d_model(input_shape=(2, 6, 7, 6), out_channels=9, kernel=(3, 2),
                                                         dilation=(2, 2), bias=False, per_channel=False, seed=27),
                                    IM2COL),
    "conv-im2col-1x1-stride2": (lambda: conv2d_model(input_shape=(1, 7, 8, 12), out_channels=10, kernel=(1, 1),
                                                     stride=(2, 2), padding="VALID", seed=28), IM2COL),
    "depthwise-3x3-same": (lambda: depthwise_conv2d_model(input_shape=(1, 9, 9, 8), seed=16), DEPTHWISE),
    "depthwise-odd-channels-stride2": (lambda: depthwise_conv2d_model(input_shape=(1, 10, 7, 11), stride=(2, 2),
                                                                      activation="RELU6", seed=17), DEPTHWISE),
    "depthwise-5x5-dilated": (lambda: depthwise_conv2d_model(input_shape=(1, 12, 11, 6), kernel=(5, 5),
                                                             dilation=(2, 1), seed=18), DEPTHWISE),
    "depthwise-5x5-stride2-relu": (lambda: depthwise_conv2d_model(input_shape=(1, 8, 9, 12), kernel=(5, 5),
                                                                  stride=(2, 2), activation="RELU", seed=19),
                                   DEPTHWISE),
    "depthwise-7x7-larger-than-image": (lambda: depthwise_conv2d_model(input_shape=(1, 3, 4, 16), kernel=(7, 7),
                                                                       per_channel=False, seed=20), DEPTHWISE),
    "depthwise-batched-valid-no-bias": (lambda: depthwise_conv2d_model(input_shape=(2, 6, 7, 5), kernel=(3, 2),
                                                                       padding="VALID", bias=False, seed=21),
                                        DEPTHWISE),
}


def _compiled(model: bytes, board: str = "qemu-m4", host: bool = False):
    return compile_model(model, board=board, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, host=host)


@pytest.mark.emulator
@requires_arm
@pytest.mark.parametrize("name", sorted(CASES))
def test_arm_kernel_bit_exact_on_cortex_m4(name):
    build, kernel = CASES[name]
    model = build()
    compiled = _compiled(model)
    assert compiled.kernel_name(0) == kernel, compiled.choices[0].fallbacks
    report = verify_model(model, board="qemu-m4", kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=6, seed=len(name))
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.emulator
@requires_arm
@pytest.mark.parametrize("board", ["qemu-m7", "qemu-m33"])
def test_arm_kernels_bit_exact_on_cortex_m7_and_m33(board):
    for name in ("fc-odd-depth-odd-features", "conv-three-channels-stride2", "depthwise-one-channel-odd",
                 "depthwise-odd-channels-stride2", "conv-1x1-odd-depths", "conv-im2col-odd-depths-stride2"):
        build, kernel = CASES[name]
        model = build()
        assert _compiled(model, board).kernel_name(0) == kernel
        report = verify_model(model, board=board, kernels="cmsis-nn", cmsis_nn=CMSIS_NN, inputs=3, seed=1)
        assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("name", sorted(CASES))
def test_host_builds_never_choose_arm_kernels(name):
    build, _ = CASES[name]
    compiled = _compiled(build(), host=True)
    assert compiled.target.isa == "plain"
    assert not compiled.kernel_name(0).startswith("mcugen_arm_")


@pytest.mark.parametrize("isa", ["plain", "mve"])
def test_cmsis_nn_keeps_the_layer_without_the_dsp_extension(isa):
    graph = read_model_bytes(CASES["depthwise-one-channel-stride2"][0]())
    op = graph.ops[0]
    layer = lowering_for(op.kind).prepare(op, graph)
    choice = choose(op, layer, Target(("cmsis-nn", "portable"), isa, None))
    assert choice.kernel == "arm_depthwise_conv_s8"
    assert "needs the DSP extension" in choice.fallbacks[0]


def test_arm_kernels_are_tried_before_cmsis_nn():
    kinds = {"FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D"}
    for kind in kinds:
        ours = [isinstance(b, ArmDspBinding) for b in BINDINGS[(kind, "cmsis-nn")]]
        assert ours[0] and ours == sorted(ours, reverse=True), kind


def test_fast_requantization_conditions():
    assert fast_requantize_problem(np.array([-1, -31]), np.array([1000, -5]), 9) is None
    assert "not a right shift" in fast_requantize_problem(np.array([-3, 0]), np.array([0, 0]), 9)
    taps = 64
    limit = (1 << 30) - 128 * 128 * taps
    assert fast_requantize_problem(np.array([-2]), np.array([-(limit - 1)]), taps) is None
    assert "2^30" in fast_requantize_problem(np.array([-2]), np.array([limit]), taps)


def test_fully_connected_blocks_layout():
    weights = np.arange(6 * 5).reshape(6, 5).astype(np.int8)  # 6 features x depth 5: one group + 2 rows
    blocks = fully_connected_blocks(weights)
    group = [*weights[0, :4], *weights[1, :4], *weights[2, :4], *weights[3, :4],
             weights[0, 4], 0, 0, 0, weights[1, 4], 0, 0, 0, weights[2, 4], 0, 0, 0, weights[3, 4], 0, 0, 0]
    rest = [*weights[4], 0, 0, 0, *weights[5], 0, 0, 0]
    assert blocks.tolist() == group + rest


def test_shallow_weight_words_layout():
    filters = np.array([[1, -2, 3], [-4, 5, -6], [7, 8, 9], [10, 11, 12], [-128, 127, 0]])
    words = shallow_weight_words(filters).view(np.uint32)

    def pair(low, high):
        return (high & 0xFFFF) << 16 | (low & 0xFFFF)

    expected = [pair(1, -2), pair(-4, 5), pair(7, 8), pair(10, 11),
                pair(3, 0), pair(-6, 0), pair(9, 0), pair(12, 0),
                pair(-128, 127), pair(0, 0)]
    assert words.tolist() == expected


def test_fully_connected_channels_layout():
    bias, multipliers, shifts = np.arange(5) * 10, np.arange(101, 106), np.array([-1, -2, -3, -4, -31])
    stream = fully_connected_channels(bias, multipliers, shifts)
    assert stream.tolist() == [0, 10, 20, 30, 101, 102, 103, 104, 0, 1, 2, 3, 40, 105, 30]


def test_depthwise_mult1_blocks_layout():
    filters = np.arange(1, 2 * 1 * 5 + 1).reshape(1, 2, 1, 5)  # two taps, five channels: one group + one channel
    filters[0, 1, 0, 2] = -128
    bias, multipliers, shifts = np.array([10, -20, 30, -40, 50]), np.arange(101, 106), np.array([-1, -2, -3, -4, -31])
    words = depthwise_mult1_blocks(filters, bias, multipliers, shifts)

    def pair(low, high):
        return np.array([(high & 0xFFFF) << 16 | (low & 0xFFFF)], dtype=np.uint32).view(np.int32)[0]

    tap0, tap1 = 2 * filters[0, 0, 0], 2 * filters[0, 1, 0]
    group = [20, -40, 60, -80,
             pair(tap0[0], tap0[2]), pair(tap0[1], tap0[3]), pair(tap1[0], tap1[2]), pair(tap1[1], tap1[3]),
             101, 102, 103, 104, 0, 1, 2, 3]
    rest = [100, tap0[4], tap1[4], 105, 30]
    assert words.tolist() == group + rest
