"""QUANTIZE: float32 -> int8 or int16 (the entry of float-I/O models), requantization between int8 and int16
(int8 -> int8, int16 -> int8, int8 -> int16), and int8 <-> uint8 (uint8 model inputs and outputs around an int8 body).

float32 -> int8 (or int16) divides by the output scale in float32 and rounds halves away from zero, as TFLite Micro's
AffineQuantize. Integer requantization rescales by input_scale / output_scale with the usual Q31 multiplier and
shift; int8 <-> uint8 does the same arithmetic, evaluated at compile time for the 256 possible inputs (a table).
"""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.fixedpoint import multiply_by_quantized_multiplier
from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result
from mcugen.ops.lut import LutLayer, LutPortable, byte_table
from mcugen.quant import quantize_multiplier

INPUT, OUTPUT = 0, 0
# (input, output) type -> the C function requantizing between them
REQUANTIZE_KERNELS = {
    ("int8", "int8"): "mcugen_requantize_s8_s8",
    ("int16", "int8"): "mcugen_requantize_s16_s8",
    ("int8", "int16"): "mcugen_requantize_s8_s16",
}
# Runtime files holding more than one of those functions.
KERNEL_SOURCES = {"mcugen_requantize_s16_s8": "mcugen_requantize_s16",
                  "mcugen_requantize_s8_s16": "mcugen_requantize_s16",
                  "mcugen_quantize_f32_s16": "mcugen_quantize_f32_s8"}
FROM_FLOAT = (("float32", "int8"), ("float32", "int16"))


@dataclass(frozen=True)
class QuantizeLayer:
    """A prepared QUANTIZE: float32 -> int8 by the output scale, or int8 -> int8 by a Q31 multiplier."""

    size: int
    from_float: bool
    scale: float  # float32 -> int8: the output scale
    input_zero_point: int
    output_zero_point: int
    multiplier: int = 0  # integer -> integer
    shift: int = 0
    kernel: str = "mcugen_quantize_f32_s8"


@register
class Quantize(OpLowering):
    kind = "QUANTIZE"
    options_table = "QuantizeOptions"
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("float32", "int8", "int16", "uint8"))
        problems += require_dtype(y, "output", ("int8", "int16", "uint8"))
        if problems:
            return problems
        pair = (x.dtype, y.dtype)
        if pair not in REQUANTIZE_KERNELS and pair not in FROM_FLOAT + (("int8", "uint8"), ("uint8", "int8")):
            return [f"QUANTIZE from {x.dtype} to {y.dtype} is not supported; supported: float32 -> int8, "
                    "float32 -> int16, "
                    + ", ".join(f"{a} -> {b}" for a, b in REQUANTIZE_KERNELS) + ", int8 <-> uint8"]
        problems = require_per_tensor_quant(y, "output")
        if x.dtype != "float32":
            problems += require_per_tensor_quant(x, "input")
        if x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        return problems

    def prepare(self, op: Op, graph: Graph) -> QuantizeLayer | LutLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        if "uint8" in (x.dtype, y.dtype):
            multiplier, shift = quantize_multiplier(float(x.quant.scale[0]) / float(y.quant.scale[0]))
            low, high = (0, 255) if y.dtype == "uint8" else (-128, 127)
            zx, zy = x.quant.single_zero_point, y.quant.single_zero_point

            def requantize(q: int) -> int:
                return max(low, min(high, multiply_by_quantized_multiplier(q - zx, multiplier, shift) + zy))

            return LutLayer(size=y.size, table=byte_table(requantize, x.dtype))
        if x.dtype == "float32":
            return QuantizeLayer(size=y.size, from_float=True, scale=float(y.quant.scale[0]),
                                 input_zero_point=0, output_zero_point=y.quant.single_zero_point,
                                 kernel=f"mcugen_quantize_f32_s{y.dtype[3:]}")
        # The ratio of the two float32 scales is taken in double, as TFLite does.
        multiplier, shift = quantize_multiplier(float(x.quant.scale[0]) / float(y.quant.scale[0]))
        return QuantizeLayer(size=y.size, from_float=False, scale=0.0, input_zero_point=x.quant.single_zero_point,
                             output_zero_point=y.quant.single_zero_point, multiplier=multiplier, shift=shift,
                             kernel=REQUANTIZE_KERNELS[(x.dtype, y.dtype)])


@binding
class Quantize8BitPortable(LutPortable):
    """int8 <-> uint8 by table."""

    kind = "QUANTIZE"

    def supports(self, op: Op, layer, target) -> str | None:
        return None if isinstance(layer, LutLayer) else "not an int8 <-> uint8 requantization"


@binding
class QuantizePortable(KernelBinding):
    kind = "QUANTIZE"
    backend = "portable"

    def kernel_name(self, op: Op, layer: QuantizeLayer) -> str:
        return layer.kernel

    def overlap(self, op: Op, layer: QuantizeLayer) -> list[tuple[int, int]]:
        # Element i is read before it is written, and the output element is never wider than the input's.
        return [] if layer.kernel == "mcugen_requantize_s8_s16" else [(INPUT, 0)]

    def emit(self, op: Op, layer: QuantizeLayer, emit) -> None:
        name = self.kernel_name(op, layer)
        emit.kernel(KERNEL_SOURCES.get(name, name))
        if layer.from_float:
            params = emit.params("mcugen_quantize_f32_s8_params", {
                "size": layer.size,
                "scale": layer.scale,
                "zero_point": layer.output_zero_point,
            })
        else:
            params = emit.params("mcugen_requantize_s8_s8_params", {
                "size": layer.size,
                "input_zero_point": layer.input_zero_point,
                "output_zero_point": layer.output_zero_point,
                "multiplier": layer.multiplier,
                "shift": layer.shift,
            })
        emit.call(name, params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
