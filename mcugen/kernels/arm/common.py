"""What every CMSIS-NN binding emits: argument structs built from prepared layers, in CMSIS-NN's own types.

Every struct is `static const` data computed at compile time. CMSIS-NN's quantization structs hold non-const
pointers although the kernels only read through them, hence the casts.
"""

from __future__ import annotations

from typing import ClassVar

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding
from mcugen.ops.base import Emitter

BACKEND = "cmsis-nn"


class CmsisNNBinding(KernelBinding):
    """A CMSIS-NN binding that calls one function, `function`, for every layer it supports."""

    backend = BACKEND
    function: ClassVar[str] = ""

    def kernel_name(self, op: Op, layer: object) -> str:
        return self.function


def dims(emit: Emitter, n: int = 1, h: int = 1, w: int = 1, c: int = 1) -> str:
    """A `cmsis_nn_dims` (CMSIS-NN's NHWC dimensions; filters use n for output channels)."""
    return emit.params("cmsis_nn_dims", {"n": n, "h": h, "w": w, "c": c})


def context(emit: Emitter, scratch_bytes: int) -> str:
    """A `cmsis_nn_context` pointing at the op's scratch in the arena, or empty when the kernel needs none."""
    if scratch_bytes <= 0:
        return emit.params("cmsis_nn_context", {"buf": "NULL", "size": 0})
    # The scratch address depends on where the arena is, known at run time when the caller provides it.
    return emit.local("cmsis_nn_context", {"buf": emit.scratch(), "size": scratch_bytes})


def mutable(symbol: str, ctype: str = "int32_t") -> str:
    """`symbol` (a const array) as the non-const pointer a CMSIS-NN struct field is declared with."""
    return f"({ctype} *){symbol}"


def activation(minimum: int, maximum: int) -> dict[str, int]:
    return {"min": minimum, "max": maximum}


def tile(w: int, h: int) -> dict[str, int]:
    return {"w": w, "h": h}
