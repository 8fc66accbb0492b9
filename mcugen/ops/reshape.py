"""RESHAPE, SQUEEZE, EXPAND_DIMS: the bytes do not move, so the output aliases the input and no code is emitted."""

from mcugen.ir import Graph, Op
from mcugen.ops.base import OpLowering, operand, register, result


class _Alias(OpLowering):
    is_alias = True

    def check(self, op: Op, graph: Graph) -> list[str]:
        data, out = operand(op, graph, 0), result(op, graph)
        if data is None:
            return ["data input is missing"]
        if data.nbytes != out.nbytes or data.dtype != out.dtype:
            return [f"output {out.describe()} does not hold the same bytes as input {data.describe()}"]
        if data.quant is not None and out.quant is not None and (
            data.quant.single_scale != out.quant.single_scale
            or data.quant.single_zero_point != out.quant.single_zero_point
        ):
            return [f"output {out.describe()} is quantized differently from input {data.describe()}"]
        return []


@register
class Reshape(_Alias):
    kind = "RESHAPE"
    options_table = "ReshapeOptions"
    input_count = (1, 2)


@register
class Squeeze(_Alias):
    kind = "SQUEEZE"
    options_table = "SqueezeOptions"
    input_count = (1, 1)


@register
class ExpandDims(_Alias):
    kind = "EXPAND_DIMS"
    options_table = "ExpandDimsOptions"
    input_count = (2, 2)
