"""The contract every op fulfils, and the emitter its kernels write C through.

An op is TFLite Micro's Prepare done at compile time: it validates the layer and computes, once, a typed record
of everything any kernel needs (shapes, multipliers, shifts, clamp bounds, padding). How the layer is computed is
the business of kernel bindings (mcugen/kernels/): one per (op, backend), chosen per layer for the target.
Adding an op means adding one module under mcugen/ops/ that defines one subclass of OpLowering decorated with
@register, and at least its portable binding; nothing else changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

from mcugen.ir import Graph, Op, Tensor

if TYPE_CHECKING:
    from mcugen.kernels.base import Target

QUANTIZED_RANGE = {"int8": (-128, 127), "int16": (-32768, 32767)}


class Emitter(Protocol):
    """What codegen offers a kernel binding while it writes the op's C."""

    target: Target  # what the kernels were chosen for (backends, instruction set, CMSIS-NN copy)

    def tensor(self, index: int) -> str:
        """C expression of a typed pointer to tensor `index` (arena slot or const weight array)."""

    def data(self, index: int) -> np.ndarray:
        """The values of constant tensor `index`, for kernels that lay weights out their own way (a tensor whose
        `tensor()` is never asked for is not written to the project)."""

    def const(self, suffix: str, values: np.ndarray, ctype: str) -> str:
        """Emit `static const <ctype> <op prefix>_<suffix>[]` in the weights file; return its symbol."""

    def params(self, ctype: str, fields: dict[str, object]) -> str:
        """Emit a `static const <ctype>` struct with designated initialisers; return `&symbol`."""

    def local(self, ctype: str, fields: dict[str, object]) -> str:
        """Emit a `const <ctype>` struct built where the op runs (fields may use scratch() or tensor(), which
        depend on the arena's run-time address); return `&symbol`."""

    def scratch(self) -> str:
        """C expression of a pointer to this op's scratch buffer (size given by the binding's scratch_bytes)."""

    def call(self, function: str, *args: str) -> None:
        """Emit the kernel call statement."""

    def kernel(self, name: str) -> None:
        """Require runtime kernel `name` (mcugen/runtime/<name>.c and .h) in the generated project."""

    def cmsis_nn(self, function: str) -> None:
        """Require CMSIS-NN function `function` (its source file and everything it calls) in the project."""


class OpLowering:
    """Base class of ops. Subclasses set `kind` and override check and prepare."""

    kind: ClassVar[str] = ""  # TFLite builtin operator name, e.g. "CONV_2D"
    # True for ops that move no data (RESHAPE, SQUEEZE, ...): the output aliases the input, no code is emitted.
    is_alias: ClassVar[bool] = False
    # True for ops that only declare something the compiler resolves beforehand (VAR_HANDLE, CALL_ONCE): no code.
    no_code: ClassVar[bool] = False
    # The schema's options table this op reads (None: it reads none). An op without a table gets its defaults, as
    # in TFLite; an op carrying another op's table is refused.
    options_table: ClassVar[str | None] = None
    # How many input tensors (smallest, largest; optional ones may be -1) and output tensors the op has.
    input_count: ClassVar[tuple[int, int]] = (1, 1)
    # Positions among the first input_count[0] that the model may mark -1 (the op's check says what it accepts).
    optional_inputs: ClassVar[tuple[int, ...]] = ()
    # How many outputs: a number, or (smallest, largest) for ops such as SPLIT whose count is an option.
    output_count: ClassVar[int | tuple[int, int]] = 1
    # The interpreter whose results this op is bit-exact with: "tflm" (TFLite Micro), or "litert" (the TFLite
    # interpreter) for ops TFLite Micro lacks or leaves undefined. A model with any "litert" op takes all its
    # reference outputs from LiteRT (mcugen/reference.py).
    reference: ClassVar[str] = "tflm"

    @classmethod
    def output_counts(cls) -> tuple[int, int]:
        count = cls.output_count
        return (count, count) if isinstance(count, int) else count

    def check(self, op: Op, graph: Graph) -> list[str]:
        """Return the reasons this op cannot be compiled (empty when it is supported). Each is one user-facing
        sentence naming what is wrong and what is supported."""
        return []

    def prepare(self, op: Op, graph: Graph) -> object:
        """The backend-independent parameters of a checked layer: what every kernel binding reads."""
        return None

    def reference_for(self, op: Op, graph: Graph) -> str:
        """The reference interpreter this layer needs (`reference`, unless only some layers of the op need
        LiteRT)."""
        return self.reference


REGISTRY: dict[str, OpLowering] = {}


def register(cls: type[OpLowering]) -> type[OpLowering]:
    assert cls.kind and cls.kind not in REGISTRY, cls
    REGISTRY[cls.kind] = cls()
    return cls


# ---- helpers shared by lowerings ---------------------------------------------------------------------------


def tensors(op: Op, graph: Graph) -> tuple[list[Tensor | None], list[Tensor]]:
    ins = [graph.tensors[i] if i >= 0 else None for i in op.inputs]
    outs = [graph.tensors[i] for i in op.outputs]
    return ins, outs


def operand(op: Op, graph: Graph, position: int) -> Tensor | None:
    """Input `position` of the op, or None where the model omits it (missing, or marked -1)."""
    if position >= len(op.inputs) or op.inputs[position] < 0:
        return None
    return graph.tensors[op.inputs[position]]


def result(op: Op, graph: Graph, position: int = 0) -> Tensor:
    return graph.tensors[op.outputs[position]]


def require_int8_io(x: Tensor | None, y: Tensor) -> list[str]:
    return require_dtype(x, "input", ("int8",)) + require_dtype(y, "output", ("int8",))


def require_dtype(t: Tensor | None, role: str, allowed: tuple[str, ...]) -> list[str]:
    if t is None:
        return [f"{role} tensor is missing"]
    if t.dtype not in allowed:
        return [f"{role} tensor {t.describe()} has type {t.dtype}; supported: {', '.join(allowed)}"]
    return []


def require_per_tensor_quant(t: Tensor | None, role: str) -> list[str]:
    if t is None:
        return []
    if t.quant is None:
        return [f"{role} tensor {t.describe()} is not quantized"]
    if t.quant.per_channel:
        return [f"{role} tensor {t.describe()} is quantized per channel; only per-tensor is supported here"]
    return []


def c_int_array(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)
