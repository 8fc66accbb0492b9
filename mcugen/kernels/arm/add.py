"""ADD through CMSIS-NN: arm_elementwise_add_s8, for inputs of the output's shape (as TFLite Micro's CMSIS-NN add
uses it); broadcasting stays with the portable kernel.

The kernel computes TFLite Micro's reference arithmetic: each input offset, shifted left by 20, requantized by
its multiplier (double rounding), summed, requantized to the output, offset and clamped.

In place: every code path reads element i of both inputs before it writes element i, and writes nothing beyond
elements it has read. The plain-C loop goes one element at a time; the DSP loop reads four elements of each input
(read_and_pad_reordered) and then writes those four (arm_nn_write_s8x4_ia), the remainder one at a time; the
Helium loop loads four (predicated on the tail) and stores those four. An output that starts at or below an input
therefore only overwrites input bytes already read: gap 0, for both inputs, as the portable kernel.
"""

from __future__ import annotations

from mcugen.ir import Op
from mcugen.kernels.base import Target, binding
from mcugen.kernels.arm.common import CmsisNNBinding
from mcugen.ops.add import INPUT1, INPUT2, OUTPUT, AddLayer
from mcugen.ops.base import Emitter

FUNCTION = "arm_elementwise_add_s8"


@binding
class AddCmsisNN(CmsisNNBinding):
    kind = "ADD"
    function = FUNCTION

    def supports(self, op: Op, layer: AddLayer, target: Target) -> str | None:
        if layer.dtype != "int8":
            return f"{FUNCTION} computes int8 only"
        if not layer.same_shape:
            return f"{FUNCTION} needs inputs of the output's shape (broadcasting is done by the portable kernel)"
        return None

    def overlap(self, op: Op, layer: AddLayer) -> list[tuple[int, int]]:
        return [(INPUT1, 0), (INPUT2, 0)]

    def emit(self, op: Op, layer: AddLayer, emit: Emitter) -> None:
        emit.cmsis_nn(FUNCTION)
        emit.call(FUNCTION, emit.tensor(op.inputs[INPUT1]), emit.tensor(op.inputs[INPUT2]),
                  str(layer.input1_offset), str(layer.input1_multiplier), str(layer.input1_shift),
                  str(layer.input2_offset), str(layer.input2_multiplier), str(layer.input2_shift),
                  str(layer.left_shift), emit.tensor(op.outputs[OUTPUT]),
                  str(layer.output_offset), str(layer.output_multiplier), str(layer.output_shift),
                  str(layer.activation_min), str(layer.activation_max), str(layer.size))
