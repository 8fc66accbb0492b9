"""Elementwise functions of one 8-bit value, computed at compile time for all 256 inputs and looked up.

An int8 or uint8 tensor has 256 possible values, so any elementwise op on it (LOGISTIC, int8 <-> uint8
requantization, ...) is exactly a table: mcugen evaluates the reference arithmetic in Python for every input byte
and the device runs `mcugen_lut_8bit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class LutLayer:
    """A prepared elementwise function of an 8-bit value: 256 result bytes, indexed by the input's raw byte."""

    size: int
    table: tuple[int, ...]


def byte_table(function: Callable[[int], int], input_dtype: str) -> tuple[int, ...]:
    """The raw output byte of `function` (an int result, int8 or uint8) for each raw input byte."""
    table = []
    for raw in range(256):
        value = raw if input_dtype == "uint8" else (raw - 256 if raw >= 128 else raw)
        table.append(int(function(value)) & 0xFF)
    return tuple(table)


class LutPortable(KernelBinding):
    """The portable binding of every table op (subclasses set `kind`)."""

    backend = "portable"

    def kernel_name(self, op: Op, layer: LutLayer) -> str:
        return "mcugen_lut_8bit"

    def supports(self, op: Op, layer: object, target) -> str | None:
        return None if isinstance(layer, LutLayer) else "not a byte table"

    def overlap(self, op: Op, layer: LutLayer) -> list[tuple[int, int]]:
        return [(INPUT, 0)]  # element i is read before it is written, and both are one byte

    def emit(self, op: Op, layer: LutLayer, emit) -> None:
        emit.kernel("mcugen_lut_8bit")
        table = emit.const("table", np.asarray(layer.table, dtype=np.uint8), "uint8_t")
        params = emit.params("mcugen_lut_8bit_params", {"size": layer.size, "table": table})
        emit.call("mcugen_lut_8bit", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
