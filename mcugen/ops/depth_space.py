"""DEPTH_TO_SPACE and SPACE_TO_DEPTH of int8 tensors (NHWC, constant block size): one 6-D strided copy each.

DEPTH_TO_SPACE moves channel block (i, j) of each pixel to pixel (h * block + i, w * block + j); SPACE_TO_DEPTH
is its inverse. Both only reorder bytes: the output must be quantized as the input. Like TFLite Micro, mcugen
takes int8 (and float, which mcugen does not compile) only.
"""

from __future__ import annotations

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register, result
from mcugen.ops.layout import Copy, MoveLayer, MovePortable, require_move_dtypes, require_same_quantization

INPUT = 0


def _problems(x: Tensor, y: Tensor, block: int, expected) -> list[str]:
    problems = require_move_dtypes([x, y], ("int8",))
    if problems:
        return problems
    if len(x.shape) != 4:
        return [f"input {x.describe()} must have 4 dimensions (NHWC)"]
    if block < 1:
        return [f"block_size {block} must be at least 1"]
    shape = expected(x.shape, block)
    if shape is None:
        return [f"input {x.describe()} does not divide into blocks of {block}"]
    if list(y.shape) != shape:
        return [f"output {y.describe()} does not have the rearranged shape {shape}"]
    return require_same_quantization(x, y)


def _to_space_shape(shape, block: int):
    n, h, w, c = shape
    return None if c % (block * block) else [n, h * block, w * block, c // (block * block)]


def _to_depth_shape(shape, block: int):
    n, h, w, c = shape
    return None if h % block or w % block else [n, h // block, w // block, c * block * block]


@register
class DepthToSpace(OpLowering):
    kind = "DEPTH_TO_SPACE"
    options_table = "DepthToSpaceOptions"

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _problems(operand(op, graph, INPUT), result(op, graph), op.options.block_size, _to_space_shape)

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x, b = operand(op, graph, INPUT), op.options.block_size
        n, h, w, c = x.shape
        depth = c // (b * b)
        # walk the output as [n, h, i, w, j, c']: input pixel (h, w), channel (i * b + j) * c' + c'
        shape = (n, h, b, w, b, depth)
        source = (h * w * c, w * c, b * depth, c, depth, 1)
        target = (h * b * w * b * depth, b * w * b * depth, w * b * depth, b * depth, depth, 1)
        return MoveLayer((Copy(op.inputs[INPUT], op.outputs[0], shape, source, target),), x.itemsize)


@register
class SpaceToDepth(OpLowering):
    kind = "SPACE_TO_DEPTH"
    options_table = "SpaceToDepthOptions"

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _problems(operand(op, graph, INPUT), result(op, graph), op.options.block_size, _to_depth_shape)

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        x, b = operand(op, graph, INPUT), op.options.block_size
        n, h, w, c = x.shape
        oh, ow, depth = h // b, w // b, c * b * b
        # walk the input as [n, h', i, w', j, c]: output pixel (h', w'), channel (i * b + j) * c + c
        shape = (n, oh, b, ow, b, c)
        source = (h * w * c, b * w * c, w * c, b * c, c, 1)
        target = (oh * ow * depth, ow * depth, b * c, depth, c, 1)
        return MoveLayer((Copy(op.inputs[INPUT], op.outputs[0], shape, source, target),), x.itemsize)


@binding
class DepthToSpacePortable(MovePortable):
    kind = "DEPTH_TO_SPACE"


@binding
class SpaceToDepthPortable(MovePortable):
    kind = "SPACE_TO_DEPTH"
