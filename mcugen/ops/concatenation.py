"""CONCATENATION of int8 or int16 tensors along one axis: each input is copied into its slice of the output.

TFLite Micro copies bytes without rescaling: int8 inputs must share the output's scale and zero point; int16
inputs and output must have zero point 0 (their scales may differ: the bytes are still copied as they are).
When every input is one contiguous, aligned slice of the output and is computed only for it, the compiler has the
producers write there directly and the op costs nothing (`place_concatenations` in mcugen/compiler.py).
"""

from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, register, result
from mcugen.ops.layout import MoveLayer, MovePortable, axis_moves, require_move_dtypes

MAX_INPUTS = 10  # TFLite Micro's kMaxInputNum


@register
class Concatenation(OpLowering):
    kind = "CONCATENATION"
    options_table = "ConcatenationOptions"
    input_count = (1, MAX_INPUTS)

    def check(self, op: Op, graph: Graph) -> list[str]:
        xs = [graph.tensors[i] if i >= 0 else None for i in op.inputs]
        y = result(op, graph)
        problems = require_move_dtypes([*xs, y])
        if problems:
            return problems
        if op.options.fused_activation_function != "NONE":
            return [f"fused activation {op.options.fused_activation_function} is not supported (TFLite Micro "
                    "accepts only NONE)"]
        rank = len(y.shape)
        axis = op.options.axis + rank if op.options.axis < 0 else op.options.axis
        if not 0 <= axis < rank:
            return [f"axis {op.options.axis} is outside the {rank} dimensions of {y.describe()}"]
        for x in xs:
            if len(x.shape) != rank or any(a != b for d, (a, b) in enumerate(zip(x.shape, y.shape)) if d != axis):
                problems.append(f"input {x.describe()} does not match output {y.describe()} outside axis {axis}")
            elif y.dtype == "int8" and (x.quant is None or y.quant is None
                                         or x.quant.single_scale != y.quant.single_scale
                                         or x.quant.single_zero_point != y.quant.single_zero_point):
                problems.append(f"int8 input {x.describe()} is quantized differently from output {y.describe()}; "
                                "TFLite Micro requires the same scale and zero point")
            elif y.dtype == "int16" and x.quant is not None and x.quant.single_zero_point != 0:
                problems.append(f"int16 input {x.describe()} has a zero point other than 0")
        if y.dtype == "int16" and y.quant is not None and y.quant.single_zero_point != 0:
            problems.append(f"int16 output {y.describe()} has a zero point other than 0")
        if not problems and sum(x.shape[axis] for x in xs) != y.shape[axis]:
            problems.append(f"the inputs' sizes along axis {axis} do not add up to {y.describe()}")
        return problems

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        return axis_moves(op.outputs[0], list(op.inputs), graph, op.options.axis, True)


@binding
class ConcatenationPortable(MovePortable):
    kind = "CONCATENATION"
