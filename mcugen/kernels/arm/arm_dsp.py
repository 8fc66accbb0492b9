"""mcugen's own Arm kernels, bound under the cmsis-nn backend where they execute fewer instructions than CMSIS-NN.

The cmsis-nn backend means "Arm-optimised kernels": CMSIS-NN's, plus mcugen's own (mcugen/runtime/mcugen_arm_*,
C with ACLE intrinsics for the DSP extension) for the layers where they measure faster. These bindings are tried
before CMSIS-NN's bindings of the same op (the order is set in mcugen/kernels/arm/__init__.py) and only on
cores with the DSP extension (Cortex-M4, M7, M33): on Helium and plain-C targets CMSIS-NN keeps every layer.

What they do differently from CMSIS-NN:

- The input offset is folded into the bias at compile time (exact integers), so inner loops are plain int8 dot
  products; padded taps read the input zero point, which then contributes nothing.
- Weights are laid out at compile time in the order the kernel reads them (four output channels interleaved), and
  shallow filters are widened to int16 so that two taps cost one SMLAD.
- Requantization takes four instructions (mcugen_arm_common.h) where two conditions, checked here per layer,
  make that bit-exact with TFLite Micro's double rounding: every shift is a right shift (shift <= -1), and every
  accumulator is below 2^30 in magnitude. The bound used needs no weights: |folded bias| + 128 * 128 * taps,
  since every product of an int8 weight and an int8 input (padding included) is at most 128 * 128.
  The depthwise kernel goes further under the same conditions: it doubles bias and weights at compile time and
  folds the last rounding and the output zero point into one SSAT (its header).

Overlap of output and input: the shallow convolution reads the whole window of an output pixel (the valid taps,
all channels) before it writes that pixel's channels, pixel after pixel, (the gap of mcugen/ops/streaming.py for one
image; as arm_convolve_s8's im2col_block_gap with blocks of one pixel), and so does the im2col convolution (an int8 row
per pixel, then the fully connected kernel). The depthwise kernel reads the valid taps of
four channels before it writes them, as arm_depthwise_conv_3x3_s8 does. The fully connected kernel reads
the whole input row again for every group of four features: as a FULLY_CONNECTED layer its output gets a buffer of
its own; as a 1x1 convolution (rows = pixels) each output pixel lands below every later row it still reads.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.kernels.arm.common import BACKEND
from mcugen.ops.base import Emitter, c_int_array
from mcugen.ops.conv2d import FILTER, INPUT, OUTPUT, ConvLayer, layer_input_shape, layer_output_shape
from mcugen.ops.fully_connected import WEIGHTS, FullyConnectedLayer
from mcugen.ops.streaming import NO_OVERLAP, overlap_gap, window_first_reads, window_gap

FAST_REQUANTIZE_BOUND = 1 << 30
MAX_PRODUCT = 128 * 128  # |int8 * int8|
GROUP = 4  # output channels per pass

# CONV_2D layers the shallow kernel takes: few input channels (first layers), a window it gathers cheaply.
SHALLOW_MAX_INPUT_DEPTH = 4
SHALLOW_MAX_TAPS = 256


def fast_requantize_problem(shifts: np.ndarray, folded_bias: np.ndarray, taps: int) -> str | None:
    """Why mcugen_arm_requantize is not bit-exact for a layer (None when it is): see the module docstring."""
    if int(np.max(shifts)) > -1:
        return "a requantization shift is not a right shift"
    bound = int(np.max(np.abs(np.asarray(folded_bias, dtype=np.int64)))) + MAX_PRODUCT * taps
    if bound >= FAST_REQUANTIZE_BOUND:
        return f"accumulators may reach {bound}, not below 2^30"
    return None


class ArmDspBinding(KernelBinding):
    """A binding of one of mcugen's own Arm kernels under the cmsis-nn backend."""

    backend = BACKEND


def dsp_problem(target: Target) -> str | None:
    return None if target.isa == "dsp" else f"needs the DSP extension (the target's code path is {target.isa})"


def emit_requantization(emit: Emitter, multipliers: np.ndarray, shifts: np.ndarray) -> tuple[str, str]:
    """(multipliers, right shifts) const arrays: the kernels take the right shift as a positive count."""
    return (emit.const("multipliers", c_int_array(multipliers), "int32_t"),
            emit.const("right_shifts", c_int_array(-np.asarray(shifts, dtype=np.int64)), "int32_t"))


def _pad_columns(rows: np.ndarray, multiple: int) -> np.ndarray:
    """`rows` [n, k] with zero columns appended up to a multiple of `multiple`."""
    extra = (-rows.shape[1]) % multiple
    return np.pad(rows, ((0, 0), (0, extra))) if extra else rows


def _int16_halves(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """int32 words holding `low` in the low and `high` in the high int16 half."""
    return ((high & 0xFFFF) << 16 | (low & 0xFFFF)).astype(np.uint32).view(np.int32)


# ---- FULLY_CONNECTED -------------------------------------------------------------------------------------------


def fully_connected_blocks(weights: np.ndarray) -> np.ndarray:
    """The int8 weights [features, depth] in mcugen_arm_fully_connected_s8's order (its header)."""
    weights = np.asarray(weights, dtype=np.int8)
    features, depth = weights.shape
    whole = depth // 4 * 4
    parts = []
    for start in range(0, features // GROUP * GROUP, GROUP):
        group = weights[start:start + GROUP]
        # [4 rows, D4 words, 4 bytes] -> [D4 words, 4 rows, 4 bytes]
        parts.append(group[:, :whole].reshape(GROUP, -1, 4).transpose(1, 0, 2).reshape(-1))
        if depth > whole:
            parts.append(_pad_columns(group[:, whole:], 4).reshape(-1))
    for row in weights[features // GROUP * GROUP:]:
        parts.append(_pad_columns(row[None, :], 4).reshape(-1))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int8)


def _channel_stream(parts_per_channel: list[np.ndarray], channels: int) -> np.ndarray:
    """Per group of four channels each part's four values, part after part; then per remaining channel its value of
    each part: the int32 stream the kernels read alongside their weights."""
    whole = channels // GROUP * GROUP
    parts = []
    for c in range(0, whole, GROUP):
        parts += [p[c:c + GROUP] for p in parts_per_channel]
    for c in range(whole, channels):
        parts += [p[c:c + 1] for p in parts_per_channel]
    return np.concatenate([np.asarray(p, dtype=np.int64) for p in parts]).astype(np.uint32).view(np.int32)


def fully_connected_channels(folded_bias: np.ndarray, multipliers: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """Bias, multiplier and pre-shift (right shift minus one) of each feature in mcugen_arm_fully_connected_s8's
    order (its header)."""
    pre_shifts = -np.asarray(shifts, dtype=np.int64) - 1
    return _channel_stream([np.asarray(folded_bias, dtype=np.int64), np.asarray(multipliers, dtype=np.int64),
                            pre_shifts], len(pre_shifts))


@binding
class FullyConnectedArm(ArmDspBinding):
    kind = "FULLY_CONNECTED"

    def kernel_name(self, op: Op, layer: FullyConnectedLayer) -> str:
        return "mcugen_arm_fully_connected_s8"

    def supports(self, op: Op, layer: FullyConnectedLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = dsp_problem(target) or fast_requantize_problem(layer.shifts, layer.folded_bias, layer.input_depth)
        return problem and f"{self.kernel_name(op, layer)}: {problem}"

    def emit(self, op: Op, layer: FullyConnectedLayer, emit: Emitter) -> None:
        emit_fully_connected(emit, layer, layer.batches, emit.data(op.inputs[WEIGHTS]), emit.tensor(op.inputs[INPUT]),
                             emit.tensor(op.outputs[OUTPUT]))


def emit_fully_connected(emit: Emitter, layer: FullyConnectedLayer | ConvLayer, batches: int, weights: np.ndarray,
                         input_tensor: str, output_tensor: str, call: str = "mcugen_arm_fully_connected_s8",
                         before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> None:
    """The call of mcugen_arm_fully_connected_s8 on `batches` rows, `weights` [output_depth, input_depth]; or of
    `call`, a kernel built on it that takes the same arguments between `before` and `after`."""
    name = "mcugen_arm_fully_connected_s8"
    emit.kernel(name)
    output_depth, input_depth = weights.shape
    params = emit.params("mcugen_arm_fully_connected_params", {
        "batches": batches,
        "input_depth": input_depth,
        "output_depth": output_depth,
        "output_offset": layer.output_offset,
        "activation_min": layer.activation_min,
        "activation_max": layer.activation_max,
    })
    blocks = emit.const("weights", fully_connected_blocks(weights), "int8_t")
    channels = fully_connected_channels(layer.folded_bias, layer.multipliers, layer.shifts)
    emit.call(call, *before, params, input_tensor, blocks, emit.const("channels", channels, "int32_t"), output_tensor,
              *after)


@binding
class Conv2D1x1Arm(ArmDspBinding):
    """A 1x1 unit-stride unpadded convolution is a fully connected layer over the pixels."""

    kind = "CONV_2D"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_arm_fully_connected_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = dsp_problem(target)
        if problem is None and not (layer.filter_height == layer.filter_width == 1 and layer.groups == 1
                                    and layer.stride_height == layer.stride_width == 1
                                    and layer.pad_top == layer.pad_left == 0):
            problem = "needs a 1x1 unit-stride, unpadded, ungrouped convolution"
        problem = problem or fast_requantize_problem(layer.shifts, layer.folded_bias, layer.input_depth)
        return problem and f"{self.kernel_name(op, layer)}: {problem}"

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # Pixel by pixel (rows of the fully connected kernel), four output channels at a time, each group written
        # after it has read the pixel's whole input row: every output of pixel p reads from p * input_depth on.
        pixels = layer.batches * layer.input_height * layer.input_width
        first_reads = np.repeat(np.arange(pixels, dtype=np.int64) * layer.input_depth, layer.output_depth)
        return [(INPUT, overlap_gap(first_reads))]

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        weights = np.asarray(emit.data(op.inputs[FILTER]))
        emit_fully_connected(emit, layer, layer.batches * layer.input_height * layer.input_width,
                             weights.reshape(weights.shape[0], -1), emit.tensor(op.inputs[INPUT]),
                             emit.tensor(op.outputs[OUTPUT]))


# ---- CONV_2D of a shallow input, DEPTHWISE_CONV_2D of a one-channel input ---------------------------------------


def shallow_taps(layer: ConvLayer) -> int:
    return layer.filter_height * layer.filter_width * layer.input_depth


def shallow_weight_words(filters: np.ndarray) -> np.ndarray:
    """Filters [channels, taps] (taps in (ky, kx, c) order) as mcugen_arm_conv2d_shallow_s8's int32 words of int16
    pairs (its header)."""
    filters = _pad_columns(np.asarray(filters, dtype=np.int64), 2)
    channels, taps = filters.shape
    words = _int16_halves(filters[:, 0::2], filters[:, 1::2])  # [channels, pairs]
    whole = channels // GROUP * GROUP
    grouped = words[:whole].reshape(-1, GROUP, taps // 2).transpose(0, 2, 1).reshape(-1)
    return np.concatenate([grouped, words[whole:].reshape(-1)])


def window_fields(layer: ConvLayer, output_depth: bool) -> dict[str, int]:
    """The shape and window fields, in order, that the window kernels' params structs begin with (output_depth
    where the struct has it), then the padding value: the input zero point."""
    return {
        "batches": layer.batches,
        "input_height": layer.input_height,
        "input_width": layer.input_width,
        "input_depth": layer.input_depth,
        "filter_height": layer.filter_height,
        "filter_width": layer.filter_width,
        "output_height": layer.output_height,
        "output_width": layer.output_width,
        **({"output_depth": layer.output_depth} if output_depth else {}),
        **layer.window,
        "pad_value": -layer.input_offset,
    }


def pixel_window_overlap(layer: ConvLayer) -> list[tuple[int, int]]:
    """Overlap of a kernel that, pixel by pixel, reads the valid taps of the window (all channels, from channel 0)
    and then writes the pixel's channels."""
    if layer.batches != 1:
        return [(INPUT, NO_OVERLAP)]
    first_reads = window_first_reads(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                                     (layer.stride_height, layer.stride_width),
                                     (layer.dilation_height, layer.dilation_width), (layer.pad_top, layer.pad_left))
    return [(INPUT, overlap_gap(first_reads, layer.output_depth))]


class _ShallowConv(ArmDspBinding):
    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_arm_conv2d_shallow_s8"

    def shape_problem(self, layer: ConvLayer) -> str | None:
        raise NotImplementedError

    def filters(self, weights: np.ndarray) -> np.ndarray:
        """The filter tensor as [output channels, taps]."""
        raise NotImplementedError

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = (dsp_problem(target) or self.shape_problem(layer)
                   or fast_requantize_problem(layer.shifts, layer.folded_bias, shallow_taps(layer)))
        return problem and f"{self.kernel_name(op, layer)}: {problem}"

    def scratch_bytes(self, op: Op, layer: ConvLayer, target: Target) -> int:
        return 4 * ((shallow_taps(layer) + 1) // 2)  # MCUGEN_ARM_CONV2D_SHALLOW_SCRATCH

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        return pixel_window_overlap(layer)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        name = self.kernel_name(op, layer)
        emit.kernel(name)
        params = emit.params("mcugen_arm_conv2d_shallow_params", {
            **window_fields(layer, output_depth=True),
            "output_offset": layer.output_offset,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        multipliers, right_shifts = emit_requantization(emit, layer.multipliers, layer.shifts)
        words = shallow_weight_words(self.filters(np.asarray(emit.data(op.inputs[FILTER]))))
        weights = emit.const("weights", words, "int32_t")
        bias = emit.const("bias", c_int_array(layer.folded_bias), "int32_t")
        emit.call(name, params, multipliers, right_shifts, emit.tensor(op.inputs[INPUT]), weights, bias,
                  emit.tensor(op.outputs[OUTPUT]), emit.scratch())


@binding
class Conv2DShallowArm(_ShallowConv):
    kind = "CONV_2D"

    def shape_problem(self, layer: ConvLayer) -> str | None:
        if layer.groups != 1:
            return "grouped convolution"
        if layer.input_depth > SHALLOW_MAX_INPUT_DEPTH or shallow_taps(layer) > SHALLOW_MAX_TAPS:
            return (f"needs at most {SHALLOW_MAX_INPUT_DEPTH} input channels and {SHALLOW_MAX_TAPS} taps "
                    f"(has {layer.input_depth} and {shallow_taps(layer)})")
        return None

    def filters(self, weights: np.ndarray) -> np.ndarray:
        return weights.reshape(weights.shape[0], -1)  # OHWI


@binding
class DepthwiseOneChannelArm(_ShallowConv):
    kind = "DEPTHWISE_CONV_2D"

    def shape_problem(self, layer: ConvLayer) -> str | None:
        if layer.input_depth != 1:
            return f"needs a one-channel input (has {layer.input_depth})"
        if shallow_taps(layer) > SHALLOW_MAX_TAPS:
            return f"needs at most {SHALLOW_MAX_TAPS} taps (has {shallow_taps(layer)})"
        return None

    def filters(self, weights: np.ndarray) -> np.ndarray:
        # [1, kh, kw, multiplier] -> [multiplier, kh * kw]: with one input channel, output channel m is the
        # convolution with filter m.
        return weights.reshape(-1, weights.shape[-1]).T


# ---- DEPTHWISE_CONV_2D with depth multiplier 1 --------------------------------------------------------------------

# Fewer channels leave the four-channel loop idle: CMSIS-NN keeps those layers.
DEPTHWISE_MIN_DEPTH = 4


def depthwise_mult1_blocks(filters: np.ndarray, folded_bias: np.ndarray, multipliers: np.ndarray,
                           shifts: np.ndarray) -> np.ndarray:
    """Filter [1, kh, kw, channels], bias and requantization as mcugen_arm_depthwise_conv2d_mult1_s8's stream of
    int32 words (its header): per group of four channels the doubled biases, the doubled weights of each tap as
    int16 halves, the multipliers and the right shifts minus one; then the remaining channels one by one."""
    taps = 2 * np.asarray(filters, dtype=np.int64).reshape(-1, filters.shape[-1]).T  # [channels, taps]
    bias = 2 * np.asarray(folded_bias, dtype=np.int64)
    multipliers = np.asarray(multipliers, dtype=np.int64)
    pre_shifts = -np.asarray(shifts, dtype=np.int64) - 1
    channels = taps.shape[0]
    parts = []
    for c in range(0, channels // GROUP * GROUP, GROUP):
        group = taps[c:c + GROUP]
        weights = np.stack([_int16_halves(group[0], group[2]), _int16_halves(group[1], group[3])], axis=-1)
        parts += [bias[c:c + GROUP], weights.reshape(-1), multipliers[c:c + GROUP], pre_shifts[c:c + GROUP]]
    for c in range(channels // GROUP * GROUP, channels):
        parts += [bias[c:c + 1], taps[c], multipliers[c:c + 1], pre_shifts[c:c + 1]]
    return np.concatenate([np.asarray(p, dtype=np.int64).astype(np.uint32).view(np.int32) for p in parts])


@binding
class DepthwiseMult1Arm(ArmDspBinding):
    kind = "DEPTHWISE_CONV_2D"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_arm_depthwise_conv2d_mult1_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = dsp_problem(target)
        if problem is None and layer.depth_multiplier != 1:
            problem = f"needs depth multiplier 1 (has {layer.depth_multiplier})"
        if problem is None and layer.input_depth < DEPTHWISE_MIN_DEPTH:
            problem = f"needs at least {DEPTHWISE_MIN_DEPTH} channels (has {layer.input_depth})"
        taps = layer.filter_height * layer.filter_width
        problem = problem or fast_requantize_problem(layer.shifts, layer.folded_bias, taps)
        return problem and f"{self.kernel_name(op, layer)}: {problem}"

    def scratch_bytes(self, op: Op, layer: ConvLayer, target: Target) -> int:
        # MCUGEN_ARM_DEPTHWISE_CONV2D_MULT1_SCRATCH: the tap table, then the padding row.
        return 4 * layer.filter_height * layer.filter_width + 4 * ((layer.input_depth + 3) // 4)

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        # Pixel by pixel; within a pixel, groups of four channels (then the rest one by one), each reading its
        # valid taps from its first channel on before writing its outputs (the header's order of accesses).
        channel = np.arange(layer.output_depth)
        reads = np.where(channel < layer.output_depth // GROUP * GROUP, channel // GROUP * GROUP, channel)
        return [(INPUT, window_gap(layer_input_shape(layer), layer_output_shape(layer), layer.filter_hw,
                                   layer.window, reads))]

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        name = self.kernel_name(op, layer)
        emit.kernel(name)
        params = emit.params("mcugen_arm_depthwise_conv2d_mult1_params", {
            "batches": layer.batches,
            "input_height": layer.input_height,
            "input_width": layer.input_width,
            "depth": layer.input_depth,
            "filter_height": layer.filter_height,
            "filter_width": layer.filter_width,
            "output_height": layer.output_height,
            "output_width": layer.output_width,
            **layer.window,
            "pad_value": -layer.input_offset,
            "output_offset": layer.output_offset,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
        })
        blocks = depthwise_mult1_blocks(np.asarray(emit.data(op.inputs[FILTER])), layer.folded_bias,
                                        layer.multipliers, layer.shifts)
        emit.call(name, params, emit.tensor(op.inputs[INPUT]), emit.const("blocks", blocks, "int32_t"),
                  emit.tensor(op.outputs[OUTPUT]), emit.scratch())


# ---- CONV_2D: the window copied to a row, then the fully connected kernel -------------------------------------


@binding
class Conv2DIm2colArm(ArmDspBinding):
    kind = "CONV_2D"

    def kernel_name(self, op: Op, layer: ConvLayer) -> str:
        return "mcugen_arm_conv2d_im2col_s8"

    def supports(self, op: Op, layer: ConvLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        problem = dsp_problem(target)
        if problem is None and layer.groups != 1:
            problem = "grouped convolution"
        if problem is None and layer.input_height == 1 and layer.filter_height == 1:
            problem = "a 1 x n convolution of a one-row input (not measured against arm_convolve_1_x_n_s8)"
        problem = problem or fast_requantize_problem(layer.shifts, layer.folded_bias, shallow_taps(layer))
        return problem and f"{self.kernel_name(op, layer)}: {problem}"

    def scratch_bytes(self, op: Op, layer: ConvLayer, target: Target) -> int:
        return 4 * ((shallow_taps(layer) + 3) // 4)  # MCUGEN_ARM_CONV2D_IM2COL_SCRATCH

    def overlap(self, op: Op, layer: ConvLayer) -> list[tuple[int, int]]:
        return pixel_window_overlap(layer)

    def emit(self, op: Op, layer: ConvLayer, emit: Emitter) -> None:
        name = self.kernel_name(op, layer)
        emit.kernel(name)
        window = emit.params("mcugen_arm_conv2d_im2col_params", window_fields(layer, output_depth=False))
        weights = np.asarray(emit.data(op.inputs[FILTER]))
        emit_fully_connected(emit, layer, 1, weights.reshape(weights.shape[0], -1), emit.tensor(op.inputs[INPUT]),
                             emit.tensor(op.outputs[OUTPUT]), call=name, before=(window,), after=(emit.scratch(),))
