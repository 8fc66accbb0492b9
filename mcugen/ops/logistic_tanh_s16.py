"""int16 LOGISTIC and TANH: TFLite's interpolation in a table of sigmoid(i / 24) (mcugen_logistic_tanh_s16).

TFLite Micro takes int16 sigmoid and tanh only with zero points 0 and an output scale of 2^-15. The input is
brought to the table's scale, 1 / (3 * 4096): an input scale of exactly 2^-12 (or, for tanh, 2^-11) is a
multiplication by 3 or 6; any other scale becomes an integer multiplier of at most 15 bits and a rounding right
shift, found by doubling scale * 3 * 4096 until it passes 32767 / 2. Both are decided here, at compile time, as
TFLite Micro's Prepare decides them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Op, Tensor
from mcugen.kernels.base import KernelBinding

INPUT, OUTPUT = 0, 0
TABLE_SCALE_EXPONENT = 12  # the table's input unit is 2^-12 / 3
OUTPUT_SCALE_EXPONENT = -15
MAX_MULTIPLIER = 32767
KERNELS = {"LOGISTIC": "mcugen_logistic_s16", "TANH": "mcugen_tanh_s16"}
# The input left shifts (12 + log2 of a power-of-two input scale) each op takes as a plain multiplication.
POWER_OF_TWO_SHIFTS = {"LOGISTIC": (0,), "TANH": (0, 1)}


@dataclass(frozen=True)
class Int16ActivationLayer:
    """A prepared int16 sigmoid or tanh: the element count and the input rescaling (multiplier 0: a power of
    two, applied as 3 << input_left_shift)."""

    size: int
    input_multiplier: int
    input_left_shift: int


def checked_log2(scale: float) -> tuple[int, bool]:
    """TFLite's CheckedLog2 in float32: log2 rounded to an integer, and whether it was within 1e-3 of one."""
    log2 = np.float32(np.log(np.float32(scale))) * np.float32(1.0 / np.log(np.float32(2.0)))
    rounded = np.round(log2)
    return int(rounded), bool(abs(np.float32(log2 - rounded)) < np.float32(1e-3))


def input_rescaling(kind: str, input_scale: float) -> tuple[int, int]:
    """(input_multiplier, input_left_shift) as TFLite Micro's int16 Prepare of LOGISTIC or TANH computes them."""
    log2, power_of_two = checked_log2(input_scale)
    left_shift = (15 - 3) + log2
    if power_of_two and left_shift in POWER_OF_TWO_SHIFTS[kind]:
        return 0, left_shift
    multiplier = float(np.float32(input_scale)) * 4096.0 * 3.0
    left_shift = 0
    while multiplier <= MAX_MULTIPLIER / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    return int(multiplier), left_shift


def check_int16(kind: str, x: Tensor, y: Tensor) -> list[str]:
    """What TFLite Micro requires of int16 LOGISTIC / TANH tensors (both int16, per-tensor quantized)."""
    problems = []
    for tensor, role in ((x, "input"), (y, "output")):
        if tensor.quant.single_zero_point != 0:
            problems.append(f"{role} {tensor.describe()} must have zero point 0 (int16 {kind})")
    if not y.quant.single_scale > 0 or checked_log2(y.quant.single_scale) != (OUTPUT_SCALE_EXPONENT, True):
        problems.append(f"output {y.describe()} must have scale 2^-15 (int16 {kind})")
    if not x.quant.single_scale > 0:
        problems.append(f"input {x.describe()} must have a positive scale")
    elif input_rescaling(kind, x.quant.single_scale)[0] > MAX_MULTIPLIER:
        problems.append(f"input {x.describe()} has a scale above {MAX_MULTIPLIER / 12288:.4g}, beyond what "
                        f"int16 {kind} rescales")
    if x.size != y.size:
        problems.append(f"output {y.describe()} does not have as many elements as input {x.describe()}")
    return problems


def prepare_int16(kind: str, x: Tensor) -> Int16ActivationLayer:
    multiplier, left_shift = input_rescaling(kind, x.quant.single_scale)
    return Int16ActivationLayer(size=x.size, input_multiplier=multiplier, input_left_shift=left_shift)


class Int16ActivationPortable(KernelBinding):
    """The portable binding of int16 LOGISTIC and TANH (subclasses set `kind`)."""

    backend = "portable"

    def kernel_name(self, op: Op, layer: Int16ActivationLayer) -> str:
        return KERNELS[op.kind]

    def supports(self, op: Op, layer: object, target) -> str | None:
        return None if isinstance(layer, Int16ActivationLayer) else "not an int16 activation"

    def overlap(self, op: Op, layer: Int16ActivationLayer) -> list[tuple[int, int]]:
        return [(INPUT, 0)]  # element i is read before it is written, two bytes each

    def emit(self, op: Op, layer: Int16ActivationLayer, emit) -> None:
        emit.kernel("mcugen_logistic_tanh_s16")
        emit.call(KERNELS[op.kind], emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]),
                  str(layer.size), str(layer.input_multiplier), str(layer.input_left_shift))
