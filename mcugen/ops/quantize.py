"""QUANTIZE: float32 -> int8 (the entry of float-I/O models) and int8 -> int8 requantization.

float32 -> int8 divides by the output scale in float32 and rounds halves away from zero, as TFLite Micro's
AffineQuantize. int8 -> int8 rescales by input_scale / output_scale with the usual Q31 multiplier and shift.
"""

from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result
from mcugen.quant import quantize_multiplier

INPUT, OUTPUT = 0, 0


@register
class Quantize(OpLowering):
    kind = "QUANTIZE"

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("float32", "int8")) + require_dtype(y, "output", ("int8",))
        if problems:
            return problems
        problems = require_per_tensor_quant(y, "output")
        if x.dtype == "int8":
            problems += require_per_tensor_quant(x, "input")
        if x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        return problems

    def inplace_inputs(self, op: Op, graph: Graph) -> list[int]:
        # Element i is read before it is written, and the output element is never wider than the input's.
        return [INPUT]

    def lower(self, op: Op, graph: Graph, emit) -> None:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        if x.dtype == "float32":
            emit.kernel("mcugen_quantize_f32_s8")
            params = emit.params("mcugen_quantize_f32_s8_params", {
                "size": y.size,
                "scale": float(y.quant.scale[0]),
                "zero_point": y.quant.single_zero_point,
            })
            emit.call("mcugen_quantize_f32_s8", params, emit.tensor(op.inputs[INPUT]),
                      emit.tensor(op.outputs[OUTPUT]))
            return
        # The ratio of the two float32 scales is taken in double, as TFLite does.
        multiplier, shift = quantize_multiplier(float(x.quant.scale[0]) / float(y.quant.scale[0]))
        emit.kernel("mcugen_requantize_s8_s8")
        params = emit.params("mcugen_requantize_s8_s8_params", {
            "size": y.size,
            "input_zero_point": x.quant.single_zero_point,
            "output_zero_point": y.quant.single_zero_point,
            "multiplier": multiplier,
            "shift": shift,
        })
        emit.call("mcugen_requantize_s8_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
