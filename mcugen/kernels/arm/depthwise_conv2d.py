"""CMSIS-NN bindings of DEPTHWISE_CONV_2D: the s8 depthwise convolutions that `arm_depthwise_conv_wrapper_s8`
dispatches to, chosen at compile time with the wrapper's conditions (arm_depthwise_conv_wrapper_s8.c):

- `arm_depthwise_conv_3x3_s8` (not on Helium): depth multiplier 1, one image, no dilation, a 3x3 filter and
  padding of at most 1 on each axis;
- `arm_depthwise_conv_s8_opt`: depth multiplier 1, one image, no dilation;
- `arm_depthwise_conv_s8`: everything else (any multiplier, batches and dilation).

On Helium the wrapper runs a layer with one input channel and more than one output channel as a regular
convolution after transposing the filter into its scratch; mcugen calls `arm_depthwise_conv_s8` for those layers
instead (bit-exact, no scratch). Scratch sizes replicate arm_depthwise_conv_get_buffer_sizes_s8.c (GCC).
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.kernels.arm import common
from mcugen.kernels.arm.conv2d import quant_params, uint16_problem
from mcugen.ops.base import Emitter
from mcugen.ops.conv2d import ConvLayer, layer_input_shape, layer_output_shape
from mcugen.ops.streaming import window_gap
from mcugen.ops.depthwise_conv2d import FILTER, INPUT, OUTPUT, DepthwiseConv2DPortable

CH_IN_BLOCK_MVE = 124  # arm_nnsupportfunctions.h
# CONVERT_DW_CONV_WITH_ONE_INPUT_CH_AND_OUTPUT_CH_ABOVE_THRESHOLD under GCC (8 under Arm Compiler 6).
ONE_INPUT_CH_THRESHOLD = 1


def is_opt(layer: ConvLayer) -> bool:
    """The wrapper's condition for the multiplier-1 kernels."""
    return (layer.depth_multiplier == 1 and layer.batches == 1 and layer.dilation_height == 1
            and layer.dilation_width == 1)


def is_3x3(layer: ConvLayer) -> bool:
    return layer.filter_height == 3 and layer.filter_width == 3 and layer.pad_top <= 1 and layer.pad_left <= 1


def is_to_conv(layer: ConvLayer) -> bool:
    """Helium only: the wrapper turns the layer into a regular convolution."""
    return layer.input_depth == 1 and layer.output_depth > ONE_INPUT_CH_THRESHOLD


def wrapper_choice(layer: ConvLayer, isa: str) -> str:
    """The function arm_depthwise_conv_wrapper_s8 calls on code path `isa`."""
    if isa == "mve" and is_to_conv(layer):
        return "arm_depthwise_conv_to_conv_s8"
    if is_opt(layer):
        return "arm_depthwise_conv_3x3_s8" if isa != "mve" and is_3x3(layer) else "arm_depthwise_conv_s8_opt"
    return "arm_depthwise_conv_s8"


def opt_buffer(layer: ConvLayer, isa: str) -> int:
    """arm_depthwise_conv_s8_opt_get_buffer_size (plain: 0) / _dsp / _mve."""
    if isa == "mve":
        return 4 * CH_IN_BLOCK_MVE * layer.filter_width * layer.filter_height
    if isa == "dsp":
        return layer.input_depth * layer.filter_width * layer.filter_height * 2
    return 0


def dw_conv_params(emit: Emitter, layer: ConvLayer) -> str:
    return emit.params("cmsis_nn_dw_conv_params", {
        "input_offset": layer.input_offset,
        "output_offset": layer.output_offset,
        "ch_mult": layer.depth_multiplier,
        "stride": common.tile(layer.stride_width, layer.stride_height),
        "padding": common.tile(layer.pad_left, layer.pad_top),
        "dilation": common.tile(layer.dilation_width, layer.dilation_height),
        "activation": common.activation(layer.activation_min, layer.activation_max),
    })


class _CmsisDepthwise(KernelBinding):
    kind = "DEPTHWISE_CONV_2D"
    backend = common.BACKEND
    function = ""

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return self.function

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return 0

    def scratch_bytes(self, op: Op, layer: ConvLayer, target: Target) -> int:
        return self.buffer(layer, target.isa)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit.cmsis_nn(self.function)
        ctx = common.context(emit, self.buffer(layer, emit.target.isa))
        params = dw_conv_params(emit, layer)
        quant, bias = quant_params(emit, layer)
        input_dims = common.dims(emit, layer.batches, layer.input_height, layer.input_width, layer.input_depth)
        filter_dims = common.dims(emit, 1, layer.filter_height, layer.filter_width, layer.output_depth)
        bias_dims = common.dims(emit, 1, 1, 1, layer.output_depth)
        output_dims = common.dims(emit, layer.batches, layer.output_height, layer.output_width, layer.output_depth)
        emit.call(self.function, ctx, params, quant, input_dims, emit.tensor(op.inputs[INPUT]), filter_dims,
                  emit.tensor(op.inputs[FILTER]), bias_dims, bias, output_dims, emit.tensor(op.outputs[OUTPUT]))


@binding
class Depthwise3x3(_CmsisDepthwise):
    function = "arm_depthwise_conv_3x3_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if target.isa == "mve":
            return f"{self.function}: the wrapper does not use it on Helium"
        if not (is_opt(layer) and is_3x3(layer)):
            return (f"{self.function}: needs depth multiplier 1, one image, no dilation, a 3x3 filter and padding "
                    f"of at most 1")
        return None

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # Pixel by pixel; within a pixel, channels in groups of 4 (then one by one): the group's valid taps are
        # read from its first channel on, then its 4 outputs written. Channel k is modelled as written after
        # reading from its group's first channel, which only adds constraints.
        if layer.batches != 1:
            return []
        channel = np.arange(layer.output_depth)
        grouped = channel < (layer.input_depth // 4) * 4
        reads = np.where(grouped, channel // 4 * 4, channel)
        return [(INPUT, window_gap(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                                   layer.window, reads))]


@binding
class DepthwiseOpt(_CmsisDepthwise):
    function = "arm_depthwise_conv_s8_opt"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if not is_opt(layer):
            return f"{self.function}: needs depth multiplier 1, one image and no dilation"
        return None

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return opt_buffer(layer, isa)


@binding
class DepthwiseGeneric(_CmsisDepthwise):
    function = "arm_depthwise_conv_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = uint16_problem(layer)
        return problem and f"{self.function}: {problem}"

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # Both of its loops (depthwise_conv_s8_generic, and depthwise_conv_s8_mult_4 for multipliers of 4) write
        # pixel by pixel, input channel by input channel, each output channel c after reading only the valid taps
        # of input channel c / multiplier, on every code path: the access order of mcugen's portable kernel.
        return DepthwiseConv2DPortable().overlap(op, layer)
