"""BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND of int8 tensors with constant block shape and crops or paddings
(padding as in TFLite, LiteRT).

Both take 3-D [batch, height, channels] or 4-D NHWC tensors, as TFLite Micro does. Batch b' = (i * block_w + j)
* batch + b of the batched tensor holds the pixels (h * block_h + i, w * block_w + j) of image b of the spatial
one, less the crops (BATCH_TO_SPACE_ND) or beyond the paddings (SPACE_TO_BATCH_ND). Each (i, j) is one strided
copy.

SPACE_TO_BATCH_ND that pads (older converters wrap dilated convolutions in it) fills the padding with the output
zero point, the quantized 0.0, as the TFLite (LiteRT) interpreter does: the output is filled first, then the
copies land on it. TFLite Micro fills the padding from a parameter it never sets (whatever its persistent buffer
held), so such a layer is checked against LiteRT instead (`reference_for`).
"""

from __future__ import annotations

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register, result
from mcugen.ops.layout import (
    Copy,
    Fill,
    MoveLayer,
    MovePortable,
    constant_ints,
    require_move_dtypes,
    require_same_quantization,
)

INPUT, BLOCK, CROPS = 0, 1, 2  # SPACE_TO_BATCH_ND's third input is its paddings


def _as_4d(shape) -> tuple[int, int, int, int]:
    return tuple(shape) if len(shape) == 4 else (shape[0], shape[1], 1, shape[2])


def _parameters(op: Op, graph: Graph, role: str):
    """(block [h, w], edges [[top, bottom], [left, right]], problems) of a checked-so-far op."""
    x = operand(op, graph, INPUT)
    block, p1 = constant_ints(operand(op, graph, BLOCK), "block_shape")
    edges, p2 = constant_ints(operand(op, graph, CROPS), role)
    if p1 or p2:
        return None, None, p1 + p2
    spatial = len(x.shape) - 2
    if len(block) != spatial or len(edges) != 2 * spatial:
        return None, None, [f"block_shape and {role} must describe the {spatial} spatial dimensions of "
                            f"{x.describe()}"]
    if any(b < 1 for b in block) or any(e < 0 for e in edges):
        return None, None, [f"block_shape {block} must be positive and {role} {edges} not negative"]
    if spatial == 1:
        block, edges = [block[0], 1], [edges[0], edges[1], 0, 0]
    return block, [edges[0:2], edges[2:4]], []


def _problems(op: Op, graph: Graph, role: str, expected_shape) -> list[str]:
    x, y = operand(op, graph, INPUT), result(op, graph)
    problems = require_move_dtypes([x, y], ("int8",))
    if problems:
        return problems
    if len(x.shape) not in (3, 4):
        return [f"input {x.describe()} must have 3 or 4 dimensions"]
    block, edges, problems = _parameters(op, graph, role)
    if problems:
        return problems
    shape = expected_shape(_as_4d(x.shape), block, edges)
    if shape is None:
        return [f"block_shape and {role} do not fit input {x.describe()}"]
    if len(x.shape) == 3:
        shape = [shape[0], shape[1], shape[3]]
    if list(y.shape) != shape:
        return [f"output {y.describe()} does not have the shape {shape}"]
    return require_same_quantization(x, y)


def _batch_to_space_shape(shape, block, crops):
    n, h, w, c = shape
    if n % (block[0] * block[1]):
        return None
    oh, ow = h * block[0] - sum(crops[0]), w * block[1] - sum(crops[1])
    return None if oh < 0 or ow < 0 else [n // (block[0] * block[1]), oh, ow, c]


def _space_to_batch_shape(shape, block, paddings):
    n, h, w, c = shape
    ph, pw = h + sum(paddings[0]), w + sum(paddings[1])
    if ph % block[0] or pw % block[1]:
        return None
    return [n * block[0] * block[1], ph // block[0], pw // block[1], c]


def _block_copies(batched: int, batched_shape, spatial: int, spatial_shape, block, before, to_space: bool):
    """One copy per block offset (i, j): batched pixel (h, w) of batch (i * bw + j) * n + b is spatial pixel
    (h * bh + i - before[0], w * bw + j - before[1]) of image b, where that lies inside the spatial tensor."""
    n, sh, sw, c = spatial_shape
    _, bh_pixels, bw_pixels, _ = batched_shape
    bh, bw = block
    batched_strides = (bh_pixels * bw_pixels * c, bw_pixels * c, c, 1)
    spatial_strides = (sh * sw * c, sw * c, c, 1)
    copies = []
    for i in range(bh):
        for j in range(bw):
            rows = _inside(bh_pixels, bh, i - before[0], sh)
            cols = _inside(bw_pixels, bw, j - before[1], sw)
            if rows is None or cols is None:
                continue
            (h0, nh, first_row), (w0, nw, first_col) = rows, cols
            batched_offset = ((i * bw + j) * n) * batched_strides[0] + h0 * batched_strides[1] + w0 * c
            spatial_offset = first_row * spatial_strides[1] + first_col * c
            shape = (n, nh, nw, c)
            walk = (batched_strides[0], batched_strides[1], c, 1)
            spread = (spatial_strides[0], bh * spatial_strides[1], bw * c, 1)
            if to_space:
                copies.append(Copy(batched, spatial, shape, walk, spread, batched_offset, spatial_offset))
            else:
                copies.append(Copy(spatial, batched, shape, spread, walk, spatial_offset, batched_offset))
    return copies


def _inside(count: int, step: int, shift: int, extent: int):
    """(first k, how many k, first position) of the k < count with 0 <= k * step + shift < extent, or None."""
    first = max(0, -(-(-shift) // step)) if shift < 0 else 0
    last = min(count - 1, (extent - 1 - shift) // step)
    if last < first:
        return None
    return first, last - first + 1, first * step + shift


@register
class BatchToSpaceNd(OpLowering):
    kind = "BATCH_TO_SPACE_ND"
    options_table = "BatchToSpaceNDOptions"
    input_count = (3, 3)

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _problems(op, graph, "crops", _batch_to_space_shape)

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x, y = operand(op, graph, INPUT), result(op, graph)
        block, crops, _ = _parameters(op, graph, "crops")
        copies = _block_copies(op.inputs[INPUT], _as_4d(x.shape), op.outputs[0], _as_4d(y.shape), block,
                               (crops[0][0], crops[1][0]), True)
        return MoveLayer(tuple(copies), x.itemsize)


@register
class SpaceToBatchNd(OpLowering):
    kind = "SPACE_TO_BATCH_ND"
    options_table = "SpaceToBatchNDOptions"
    input_count = (3, 3)

    def check(self, op: Op, graph: Graph) -> list[str]:
        problems = _problems(op, graph, "paddings", _space_to_batch_shape)
        if problems or not _pads(op, graph):
            return problems
        return [f"{role} {t.describe()} has type {t.dtype}: a padding SPACE_TO_BATCH_ND needs int32 block_shape and "
                "paddings (TFLite (LiteRT), its reference, reads no other type)"
                for t, role in ((operand(op, graph, BLOCK), "block_shape"), (operand(op, graph, CROPS), "paddings"))
                if t.dtype != "int32"]

    def reference_for(self, op: Op, graph: Graph) -> str:
        return "litert" if _pads(op, graph) else "tflm"

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x, y = operand(op, graph, INPUT), result(op, graph)
        block, paddings, _ = _parameters(op, graph, "paddings")
        copies = _block_copies(op.outputs[0], _as_4d(y.shape), op.inputs[INPUT], _as_4d(x.shape), block,
                               (paddings[0][0], paddings[1][0]), False)
        # Every output element outside the copies is padding: fill it all first, then copy over it.
        fill = [Fill(op.outputs[0], y.size, y.quant.single_zero_point)] if _pads(op, graph) else []
        return MoveLayer(tuple(fill + copies), x.itemsize)


def _pads(op: Op, graph: Graph) -> bool:
    _, paddings, problems = _parameters(op, graph, "paddings")
    return not problems and any(sum(p) for p in paddings)


@binding
class BatchToSpaceNdPortable(MovePortable):
    kind = "BATCH_TO_SPACE_ND"


@binding
class SpaceToBatchNdPortable(MovePortable):
    kind = "SPACE_TO_BATCH_ND"
