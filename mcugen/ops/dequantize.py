"""DEQUANTIZE: int8 or int16 -> float32 (the exit of float-I/O models), real = scale * (q - zero_point)."""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class DequantizeLayer:
    """A prepared DEQUANTIZE int8 -> float32."""

    size: int
    scale: float
    zero_point: int
    dtype: str = "int8"  # of the input


@register
class Dequantize(OpLowering):
    kind = "DEQUANTIZE"
    options_table = "DequantizeOptions"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8", "int16")) + require_dtype(y, "output", ("float32",))
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input")
        if x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        return problems

    def prepare(self, op: Op, graph: Graph) -> DequantizeLayer:
        x = operand(op, graph, INPUT)
        return DequantizeLayer(size=x.size, scale=float(x.quant.scale[0]), zero_point=x.quant.single_zero_point,
                               dtype=x.dtype)


@binding
class DequantizePortable(KernelBinding):
    kind = "DEQUANTIZE"
    backend = "portable"

    def kernel_name(self, op: Op, layer: DequantizeLayer) -> str:
        return "mcugen_dequantize_s16_f32" if layer.dtype == "int16" else "mcugen_dequantize_s8_f32"

    def emit(self, op: Op, layer: DequantizeLayer, emit) -> None:
        emit.kernel(self.kernel_name(op, layer))
        params = emit.params("mcugen_dequantize_s8_f32_params", {
            "size": layer.size,
            "scale": layer.scale,
            "zero_point": layer.zero_point,
        })
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT]),
                  emit.tensor(op.outputs[OUTPUT]))
