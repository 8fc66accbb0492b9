"""The shared shape of int8 element-wise activations that mcugen computes as a 256-entry table.

The output of such an op depends on the input value alone, so the op's TFLite Micro arithmetic (integer, or float
where TFLite Micro itself tabulates in float) is evaluated here once for each of the 256 int8 values, and the
device only looks the result up (mcugen_lut_8bit). The table is bit-exact by construction as long
as `table` follows the reference, which the op tests check against TFLite Micro over every input value.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ops.lut import LutLayer as ByteLutLayer
from mcugen.ops.lut import LutPortable as BytePortable
from mcugen.ops.base import Emitter, OpLowering, operand, require_dtype, require_per_tensor_quant, result
from mcugen.quant import multiply_by_quantized_multiplier

INPUT, OUTPUT = 0, 0
INT8_VALUES = np.arange(-128, 128, dtype=np.int64)


@dataclass(frozen=True)
class LutLayer:
    """A prepared table activation: the element count and the output for each input value -128..127."""

    size: int
    table: tuple[int, ...]


class LutOp(OpLowering):
    """An int8 -> int8 activation computed as a table. Subclasses set `kind`, `options_table`, and implement
    `table` (and may add rules in `check_quant`)."""

    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", self.dtypes()) + require_dtype(y, "output", ("int8",))
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if not problems and x.size != y.size:
            problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
        if not problems:
            for t, role in ((x, "input"), (y, "output")):
                if not t.quant.single_scale > 0:
                    problems.append(f"{role} tensor {t.describe()} must have a positive scale")
        return problems or self.check_quant(op, x, y)

    def dtypes(self) -> tuple[str, ...]:
        return ("int8",)

    def check_quant(self, op: Op, x: Tensor, y: Tensor) -> list[str]:
        return []

    def table(self, op: Op, x: Tensor, y: Tensor) -> np.ndarray:
        """The int8 output for each input value in INT8_VALUES."""
        raise NotImplementedError

    def prepare(self, op: Op, graph: Graph) -> LutLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        table = np.asarray(self.table(op, x, y), dtype=np.int64)
        assert table.shape == (256,) and table.min() >= -128 and table.max() <= 127, self.kind
        return LutLayer(size=y.size, table=tuple(int(v) for v in table))


class LutPortable(BytePortable):
    """The table lookup, for every LutOp: mcugen_lut_8bit (mcugen/ops/lut.py), which indexes by the input's raw
    byte, so the value-ordered table is rotated by 128 (value -128, raw byte 0x80, sits at index 128)."""

    def supports(self, op: Op, layer: object, target) -> str | None:
        return None if isinstance(layer, LutLayer) else "not a table activation"

    def emit(self, op: Op, layer: LutLayer, emit: Emitter) -> None:
        raw = np.roll(np.asarray(layer.table, dtype=np.int64), 128).astype(np.uint8)
        super().emit(op, ByteLutLayer(size=layer.size, table=tuple(int(v) for v in raw)), emit)


def requantize(values: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """TFLite's MultiplyByQuantizedMultiplier on int32 values (mcugen.quant's model of it)."""
    return np.asarray(multiply_by_quantized_multiplier(values, multiplier, shift), dtype=np.int64)

