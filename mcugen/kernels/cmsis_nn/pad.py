"""PAD and PADV2 (constant) through CMSIS-NN: arm_pad_s8, for tensors of up to 4 dimensions (cmsis_nn_dims;
fewer dimensions are given leading 1s). It fills and copies bytes, as the portable kernel. No overlap: it copies
rows with memcpy, which may not be given overlapping buffers.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import Target, binding
from mcugen.kernels.cmsis_nn.common import CmsisNNBinding, dims
from mcugen.ops.base import Emitter
from mcugen.ops.pad import INPUT, OUTPUT, PadLayer

FUNCTION = "arm_pad_s8"
MAX_DIMS = 4


def nhwc(values: tuple[int, ...] | np.ndarray) -> list[int]:
    return [1] * (MAX_DIMS - len(values)) + [int(v) for v in values]


class _PadCmsisNN(CmsisNNBinding):
    function = FUNCTION

    def supports(self, op: Op, layer: PadLayer, target: Target) -> str | None:
        if len(layer.input_shape) > MAX_DIMS:
            return f"{FUNCTION} handles at most {MAX_DIMS} dimensions; input has {len(layer.input_shape)}"
        return None

    def emit(self, op: Op, layer: PadLayer, emit: Emitter) -> None:
        lead = MAX_DIMS - len(layer.input_shape)
        before = [0] * lead + list(layer.pad_before)
        after = [0] * lead + [o - i - b for i, o, b in zip(layer.input_shape, layer.output_shape, layer.pad_before)]
        emit.cmsis_nn(FUNCTION)
        emit.call(FUNCTION, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]),
                  f"(int8_t){layer.pad_value}", dims(emit, *nhwc(layer.input_shape)), dims(emit, *before),
                  dims(emit, *after))


@binding
class PadCmsisNN(_PadCmsisNN):
    kind = "PAD"


@binding
class PadV2CmsisNN(_PadCmsisNN):
    kind = "PADV2"
