"""AVERAGE_POOL_2D and MAX_POOL_2D through CMSIS-NN: arm_avgpool_s8 and arm_max_pool_s8.

Both clip the window to the input and, like TFLite Micro, average over the elements inside it only; every code
path of arm_avgpool_s8 (plain C, DSP, Helium) rounds as TFLite Micro's reference does, halves away from zero:
sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count, then clamps. The DSP path sums one window pixel at
a time into an int32 per channel in `ctx->buf` (arm_avgpool_s8_get_buffer_size_dsp: 4 bytes per channel) with a
saturating add, which cannot saturate for int8 inputs under windows of fewer than 2^24 elements.

arm_max_pool_s8 walks the output pixels in order; for each it copies the first valid window pixel (all channels)
into the output pixel, raises it to the maximum of the window's other pixels there, and clamps the whole image at
the end (reading only the output). Output pixel p is thus written while p's own window is still being read: it may
overlap the input only below the first byte that p or any later pixel reads, which `overlap_gap(...,
writes_while_reading=True)` computes with the pixel as the element (and which keeps the memcpy's buffers
disjoint). arm_avgpool_s8's code paths differ in their order, so it gets no overlap.
"""

from __future__ import annotations

from mcugen.ir import Op
from mcugen.kernels.base import Target, binding, int8_only
from mcugen.kernels.arm.common import CmsisNNBinding, activation, context, dims, tile
from mcugen.ops.base import Emitter
from mcugen.ops.pool2d import INPUT, OUTPUT, PoolLayer
from mcugen.ops.streaming import overlap_gap, window_first_reads

MAX_WINDOW = 1 << 24  # window elements below which the DSP path's int32 sums of int8 values cannot saturate


def avgpool_scratch_bytes(output_width: int, channels: int, isa: str) -> int:
    """arm_avgpool_s8_get_buffer_size(output width, channels) for the code path `isa`."""
    return channels * 4 if isa == "dsp" else 0


class _PoolCmsisNN(CmsisNNBinding):

    def supports(self, op: Op, layer: PoolLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        if layer.filter_height * layer.filter_width >= MAX_WINDOW:
            return f"a {layer.filter_height}x{layer.filter_width} window is too large for {self.function}"
        return None

    def emit(self, op: Op, layer: PoolLayer, emit: Emitter) -> None:
        emit.cmsis_nn(self.function)
        ctx = context(emit, self.scratch_bytes(op, layer, emit.target))
        params = emit.params("cmsis_nn_pool_params", {
            "stride": tile(layer.stride_width, layer.stride_height),
            "padding": tile(layer.pad_left, layer.pad_top),
            "activation": activation(layer.activation_min, layer.activation_max),
        })
        emit.call(self.function, ctx, params,
                  dims(emit, layer.batches, layer.input_height, layer.input_width, layer.channels),
                  emit.tensor(op.inputs[INPUT]),
                  dims(emit, 1, layer.filter_height, layer.filter_width, 1),
                  dims(emit, layer.batches, layer.output_height, layer.output_width, layer.channels),
                  emit.tensor(op.outputs[OUTPUT]))


@binding
class AveragePool2DCmsisNN(_PoolCmsisNN):
    kind = "AVERAGE_POOL_2D"
    function = "arm_avgpool_s8"

    def scratch_bytes(self, op: Op, layer: PoolLayer, target: Target) -> int:
        return avgpool_scratch_bytes(layer.output_width, layer.channels, target.isa)


@binding
class MaxPool2DCmsisNN(_PoolCmsisNN):
    kind = "MAX_POOL_2D"
    function = "arm_max_pool_s8"

    def overlap(self, op: Op, layer: PoolLayer) -> list[tuple[int, int]]:
        if layer.batches != 1:
            return []
        pixels = window_first_reads(layer.input_shape, layer.output_shape, layer.filter_hw,
                                    (layer.stride_height, layer.stride_width), (1, 1), (layer.pad_top, layer.pad_left))
        return [(INPUT, overlap_gap(pixels, out_itemsize=layer.channels, writes_while_reading=True))]
