"""CMSIS-NN bindings of CONV_2D: the four s8 convolutions that `arm_convolve_wrapper_s8` dispatches to, chosen at
compile time with the wrapper's own conditions, each called directly so that only its files are copied.

In the wrapper's order (Source/ConvolutionFunctions/arm_convolve_wrapper_s8.c, arm_nnsupportfunctions.h):

- `arm_convolve_1x1_s8_fast`: 1x1 filter, no padding, no dilation, not grouped, stride 1x1;
- `arm_convolve_1x1_s8`: the same with any stride;
- `arm_convolve_1_x_n_s8`: input and filter height 1, dilation_w 1, (stride_w * input channels) % 4 == 0, not
  grouped. On Helium it gives wrong results for stride_w > 1 (CMSIS-NN 7.0.0, also TFLM's pin); those layers go
  to `arm_convolve_s8`, which is bit-exact for them;
- `arm_convolve_s8`: everything else, grouped convolution and dilation included.

Scratch sizes replicate the `*_get_buffer_size` functions of arm_convolve_get_buffer_sizes_s8.c for each code path
(plain C, DSP, Helium) as compiled by GCC. The bias is the model's raw bias (CMSIS-NN adds the input offset inside
its loops and pads with the input zero point); the filter is the model's OHWI tensor.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.kernels.arm import common
from mcugen.ops.base import Emitter, c_int_array
from mcugen.ops.conv2d import FILTER, INPUT, OUTPUT, ConvLayer, emit_quant_arrays, layer_input_shape, layer_output_shape
from mcugen.ops.streaming import NO_OVERLAP, overlap_gap, window_first_reads

UINT16_MAX = 0xFFFF


# ---- the wrapper's dispatch and the get_buffer_size functions, on a prepared layer ----------------------------


def is_1x1(layer: ConvLayer) -> bool:
    """arm_nn_is_convolve_1x1."""
    return (layer.pad_top == 0 and layer.pad_left == 0 and layer.filter_height == 1 and layer.filter_width == 1
            and layer.dilation_height == 1 and layer.dilation_width == 1 and layer.input_depth == layer.filter_depth)


def is_1x1_fast(layer: ConvLayer) -> bool:
    """arm_nn_is_convolve_1x1_fast (after is_1x1)."""
    return layer.stride_height == 1 and layer.stride_width == 1


def is_1_x_n(layer: ConvLayer) -> bool:
    """arm_nn_is_convolve_1_x_n."""
    return (layer.input_height == 1 and layer.dilation_width == 1 and layer.filter_height == 1
            and (layer.stride_width * layer.input_depth) % 4 == 0 and layer.input_depth == layer.filter_depth)


def wrapper_choice(layer: ConvLayer) -> str:
    """The function arm_convolve_wrapper_s8 calls for the layer (on every code path)."""
    if is_1x1(layer):
        return "arm_convolve_1x1_s8_fast" if is_1x1_fast(layer) else "arm_convolve_1x1_s8"
    if is_1_x_n(layer):
        return "arm_convolve_1_x_n_s8"
    return "arm_convolve_s8"


def convolve_s8_buffer(layer: ConvLayer, isa: str) -> int:
    """arm_convolve_s8_get_buffer_size (plain and DSP) / _mve."""
    rhs_cols = layer.filter_width * layer.filter_height * layer.input_depth
    if isa == "mve":
        return 4 * ((rhs_cols + 15) // 16) * 16
    aligned = rhs_cols + (-rhs_cols) % 4
    return 2 * aligned * 2


def convolve_1_x_n_buffer(layer: ConvLayer, isa: str) -> int:
    """arm_convolve_1_x_n_s8_get_buffer_size (plain and DSP: arm_convolve_s8's) / _mve."""
    if isa != "mve":
        return convolve_s8_buffer(layer, isa)
    pad_x, stride_x, kernel_x = layer.pad_left, layer.stride_width, layer.filter_width
    total_pad = (layer.output_width - 1) * stride_x + kernel_x - layer.input_width
    asym_pad = _c_rem(total_pad, 2)
    right = max(1, _c_div(pad_x + asym_pad + stride_x - 1, stride_x)) if pad_x + asym_pad != 0 else 0
    left = max(1, _c_div(pad_x + stride_x - 1, stride_x)) if pad_x != 0 else 0
    no_pad = max(layer.output_width - (right + left), 0)
    if right + no_pad + left != layer.output_width:
        return convolve_s8_buffer(layer, "mve")
    pad_size_left = pad_x * layer.input_depth
    pad_size_right = right * layer.input_depth if asym_pad else pad_size_left
    num_elem_left = kernel_x * layer.input_depth
    num_elem_right = num_elem_left - layer.input_depth
    return max(num_elem_left + pad_size_left, num_elem_right + pad_size_right)


def convolve_1x1_fast_buffer(layer: ConvLayer, isa: str) -> int:
    """arm_convolve_1x1_s8_fast_get_buffer_size: 2 * channels int16 only under Arm Compiler 6 on DSP; 0 under GCC
    (and the kernel falls back to its unbuffered path when given no buffer, so 0 is safe under any compiler)."""
    return 0


def wrapper_buffer(layer: ConvLayer, isa: str) -> int:
    """arm_convolve_wrapper_s8_get_buffer_size for the code path `isa` (GCC)."""
    choice = wrapper_choice(layer)
    if choice == "arm_convolve_1x1_s8_fast":
        return convolve_1x1_fast_buffer(layer, isa)
    if choice == "arm_convolve_1x1_s8":
        return 0
    if choice == "arm_convolve_1_x_n_s8":
        return convolve_1_x_n_buffer(layer, isa)
    return convolve_s8_buffer(layer, isa)


def _c_div(a: int, b: int) -> int:
    """C integer division (truncating toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _c_rem(a: int, b: int) -> int:
    return a - b * _c_div(a, b)


def uint16_problem(layer: ConvLayer) -> str | None:
    """arm_convolve_s8 and arm_depthwise_conv_s8 hold dimensions, padding, strides and dilations in uint16_t."""
    values = {
        "input": max(layer.input_height, layer.input_width, layer.input_depth),
        "filter": max(layer.filter_height, layer.filter_width, layer.filter_depth),
        "output": max(layer.output_height, layer.output_width, layer.output_depth),
        "padding": max(layer.pad_top, layer.pad_left),
        "stride": max(layer.stride_height, layer.stride_width),
        "dilation": max(layer.dilation_height, layer.dilation_width),
        "batches": layer.batches,
    }
    for name, value in values.items():
        if value > UINT16_MAX:
            return f"{name} {value} does not fit the kernel's uint16_t fields"
    return None


def im2col_block_gap(layer: ConvLayer, block: int) -> int:
    """Overlap gap of arm_convolve_s8 (one image, no groups) processing `block` output pixels at a time: it copies
    the valid taps of their windows (all channels, from channel 0) into scratch, then computes and writes those
    pixels' output channels from scratch alone (arm_nn_mat_mult_kernel_s8_s16 and the left-over loop on the plain
    and DSP paths, blocks of 2; arm_nn_mat_mult_nt_t_s8 on Helium, blocks of 4). Pairing runs on across rows; the
    last block may be shorter, which only removes writes."""
    if layer.batches != 1 or layer.groups != 1:
        return NO_OVERLAP
    pixels = window_first_reads(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                                (layer.stride_height, layer.stride_width),
                                (layer.dilation_height, layer.dilation_width), (layer.pad_top, layer.pad_left))
    blocks = np.minimum.reduceat(pixels, np.arange(0, pixels.size, block))
    return overlap_gap(blocks, block * layer.output_depth)


# ---- what every CONV_2D binding emits ------------------------------------------------------------------------


def conv_params(emit: Emitter, layer: ConvLayer) -> str:
    return emit.params("cmsis_nn_conv_params", {
        "input_offset": layer.input_offset,
        "output_offset": layer.output_offset,
        "stride": common.tile(layer.stride_width, layer.stride_height),
        "padding": common.tile(layer.pad_left, layer.pad_top),
        "dilation": common.tile(layer.dilation_width, layer.dilation_height),
        "activation": common.activation(layer.activation_min, layer.activation_max),
    })


def quant_params(emit: Emitter, layer: ConvLayer) -> tuple[str, str]:
    """(cmsis_nn_per_channel_quant_params, raw bias) of a convolution-like layer."""
    multipliers, shifts = emit_quant_arrays(emit, layer.multipliers, layer.shifts)
    quant = emit.params("cmsis_nn_per_channel_quant_params",
                        {"multiplier": common.mutable(multipliers), "shift": common.mutable(shifts)})
    return quant, emit.const("bias", c_int_array(layer.bias), "int32_t")


def emit_convolution(function: str, op: Op, layer: ConvLayer, emit: Emitter, scratch: int,
                     upscale: bool = False) -> None:
    """The call of one of CMSIS-NN's s8 convolutions (all share the wrapper's argument list; arm_convolve_s8 adds
    upscale_dims, NULL here)."""
    emit.cmsis_nn(function)
    ctx = common.context(emit, scratch)
    params = conv_params(emit, layer)
    quant, bias = quant_params(emit, layer)
    input_dims = common.dims(emit, layer.batches, layer.input_height, layer.input_width, layer.input_depth)
    filter_dims = common.dims(emit, layer.output_depth, layer.filter_height, layer.filter_width, layer.filter_depth)
    bias_dims = common.dims(emit, 1, 1, 1, layer.output_depth)
    output_dims = common.dims(emit, layer.batches, layer.output_height, layer.output_width, layer.output_depth)
    extra = ("NULL",) if upscale else ()
    emit.call(function, ctx, params, quant, input_dims, emit.tensor(op.inputs[INPUT]), filter_dims,
              emit.tensor(op.inputs[FILTER]), bias_dims, bias, *extra, output_dims, emit.tensor(op.outputs[OUTPUT]))


class _CmsisConv(KernelBinding):
    kind = "CONV_2D"
    backend = common.BACKEND
    function = ""

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return self.function

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        raise NotImplementedError

    def scratch_bytes(self, op: Op, layer: ConvLayer, target: Target) -> int:
        return self.buffer(layer, target.isa)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit_convolution(self.function, op, layer, emit, self.buffer(layer, emit.target.isa))


@binding
class Convolve1x1Fast(_CmsisConv):
    function = "arm_convolve_1x1_s8_fast"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if not (is_1x1(layer) and is_1x1_fast(layer)):
            return f"{self.function}: needs a 1x1 unit-stride, unpadded, undilated, ungrouped convolution"
        return None

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return convolve_1x1_fast_buffer(layer, isa)


@binding
class Convolve1x1(_CmsisConv):
    function = "arm_convolve_1x1_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if not is_1x1(layer):
            return f"{self.function}: needs a 1x1 unpadded, undilated, ungrouped convolution"
        return None

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return 0


@binding
class Convolve1xN(_CmsisConv):
    function = "arm_convolve_1_x_n_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if not is_1_x_n(layer):
            return (f"{self.function}: needs input and filter height 1, no horizontal dilation, "
                    f"(stride_w * input channels) % 4 == 0 and no groups")
        if target.isa == "mve" and layer.stride_width > 1:
            return f"{self.function}: wrong on Helium for input height 1 with stride_w > 1 (CMSIS-NN 7.0.0)"
        return uint16_problem(layer) and f"{self.function}: {uint16_problem(layer)}"

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return convolve_1_x_n_buffer(layer, isa)


@binding
class ConvolveGeneric(_CmsisConv):
    function = "arm_convolve_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = uint16_problem(layer)
        if problem is None and layer.filter_height * layer.filter_width * layer.filter_depth > UINT16_MAX:
            problem = "the filter's reduction depth does not fit the kernel's uint16_t loop counter"
        return problem and f"{self.function}: {problem}"

    def buffer(self, layer: ConvLayer, isa: str) -> int:
        return convolve_s8_buffer(layer, isa)

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # Valid for every code path: blocks of 2 pixels (plain C, DSP) and of 4 (Helium).
        return [(INPUT, max(im2col_block_gap(layer, 2), im2col_block_gap(layer, 4)))]

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        emit_convolution(self.function, op, layer, emit, self.buffer(layer, emit.target.isa), upscale=True)
