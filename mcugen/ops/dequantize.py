"""DEQUANTIZE: int8 -> float32 (the exit of float-I/O models), real = scale * (q - zero_point)."""

from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result

INPUT, OUTPUT = 0, 0


@register
class Dequantize(OpLowering):
    kind = "DEQUANTIZE"

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8",)) + require_dtype(y, "output", ("float32",))
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input")
        if x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        return problems

    def lower(self, op: Op, graph: Graph, emit) -> None:
        x = graph.tensors[op.inputs[INPUT]]
        emit.kernel("mcugen_dequantize_s8_f32")
        params = emit.params("mcugen_dequantize_s8_f32_params", {
            "size": x.size,
            "scale": float(x.quant.scale[0]),
            "zero_point": x.quant.single_zero_point,
        })
        emit.call("mcugen_dequantize_s8_f32", params, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.outputs[OUTPUT]))
