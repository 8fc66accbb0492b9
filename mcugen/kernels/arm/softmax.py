"""SOFTMAX int8 -> int8 through CMSIS-NN: arm_softmax_s8(input, rows, row size, multiplier, left shift,
diff_min, output), the arguments TFLite Micro's CMSIS-NN softmax passes from the same Prepare as the reference
(SoftmaxLayer holds them). CMSIS-NN documents it bit-accurate with TFLite Micro; it uses the same fixed-point exp,
12 accumulation bits and 1/(1+x) as the reference.

In place: per row, the kernel reads the whole row twice (maximum, then the sum of exponentials) before writing
anything, then writes element i after reading element i (plain C one at a time; Helium four loaded then four
stored, the tail one at a time); rows are independent and in order. An output starting at or below the input
only overwrites bytes already read: gap 0, as the portable kernel.
"""

from __future__ import annotations

from mcugen.ir import Op
from mcugen.kernels.base import binding, int8_only
from mcugen.kernels.arm.common import CmsisNNBinding
from mcugen.ops.base import Emitter
from mcugen.ops.softmax import INPUT, OUTPUT, SoftmaxLayer

FUNCTION = "arm_softmax_s8"


@binding
class SoftmaxCmsisNN(CmsisNNBinding):
    kind = "SOFTMAX"
    function = FUNCTION

    def supports(self, op: Op, layer: SoftmaxLayer, target) -> str | None:
        return int8_only(layer, FUNCTION)

    def overlap(self, op: Op, layer: SoftmaxLayer) -> list[tuple[int, int]]:
        return [(INPUT, 0)]

    def emit(self, op: Op, layer: SoftmaxLayer, emit: Emitter) -> None:
        emit.cmsis_nn(FUNCTION)
        emit.call(FUNCTION, emit.tensor(op.inputs[INPUT]), str(layer.rows), str(layer.depth),
                  str(layer.input_multiplier), str(layer.input_left_shift), str(layer.diff_min),
                  emit.tensor(op.outputs[OUTPUT]))
