"""PAD and PADV2 (constant) through CMSIS-NN: arm_pad_s8, for tensors of up to 4 dimensions (cmsis_nn_dims;
fewer dimensions are given leading 1s). It fills and copies bytes, as the portable kernel.

Overlap: arm_pad_s8 writes its output once, front to back, as a sequence of memsets (padding) and memcpys (one per
input row, or per input pixel when the channels are padded), and reads its input front to back through those
memcpys. A memcpy's own bytes may be copied in any order and its buffers must not overlap, so each memcpy is one
element whose writes happen while it reads: the output may start `gap` bytes below the input, where `gap` keeps
every memset and memcpy below every input byte that it or a later memcpy still reads (`copy_chunks`,
`chunked_gap`).
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import Target, binding
from mcugen.kernels.arm.common import CmsisNNBinding, dims
from mcugen.ops.base import Emitter
from mcugen.ops.pad import INPUT, OUTPUT, PadLayer

FUNCTION = "arm_pad_s8"
MAX_DIMS = 4


def nhwc(values: tuple[int, ...] | np.ndarray) -> list[int]:
    return [1] * (MAX_DIMS - len(values)) + [int(v) for v in values]


def copy_chunks(layer: PadLayer) -> list[tuple[int, int, int]]:
    """(output offset, input offset or -1, bytes) of every memset (-1) and memcpy of arm_pad_s8, in its order."""
    n, h, w, c = nhwc(layer.input_shape)
    before = nhwc(tuple(layer.pad_before))
    out_n, out_h, out_w, out_c = nhwc(layer.output_shape)
    after = [o - i - b for i, o, b in zip((n, h, w, c), (out_n, out_h, out_w, out_c), before)]
    chunks: list[tuple[int, int, int]] = []
    position, source = 0, 0

    def fill(count: int) -> None:
        nonlocal position
        if count:
            chunks.append((position, -1, count))
            position += count

    def copy(count: int) -> None:
        nonlocal position, source
        chunks.append((position, source, count))
        position += count
        source += count

    batch, row, pixel = out_h * out_w * out_c, out_w * out_c, out_c
    fill(batch * before[0])
    for _ in range(n):
        fill(row * before[1])
        for _ in range(h):
            fill(pixel * before[2])
            if c == out_c:
                copy(w * c)
            else:
                for _ in range(w):
                    fill(before[3])
                    copy(c)
                    fill(after[3])
            fill(pixel * after[2])
        fill(row * after[1])
    fill(batch * after[0])
    return chunks


def chunked_gap(chunks: list[tuple[int, int, int]]) -> int:
    """How far below the input the output may start: every chunk's last written byte stays below the first input
    byte read by that chunk (a memcpy) or any later one."""
    gap = -(1 << 62)
    pending_read = None  # smallest input byte read by this chunk or a later one
    for out_offset, in_offset, count in reversed(chunks):
        if in_offset >= 0:
            pending_read = in_offset if pending_read is None else min(pending_read, in_offset)
        if pending_read is not None:
            gap = max(gap, out_offset + count - 1 - pending_read + 1)
    return gap


class _PadCmsisNN(CmsisNNBinding):
    function = FUNCTION

    def overlap(self, op: Op, layer: PadLayer) -> list[tuple[int, int]]:
        return [(INPUT, chunked_gap(copy_chunks(layer)))]

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
