"""The intermediate representation: plain dataclasses, no flatbuffer objects.

The reader builds a Graph; passes rewrite it; op lowerings, the planner and the code generator read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from mcugen.sanitize import display_name

# TFLite tensor type name -> (numpy dtype, C type).
DTYPES: dict[str, tuple[np.dtype, str]] = {
    "int8": (np.dtype(np.int8), "int8_t"),
    "uint8": (np.dtype(np.uint8), "uint8_t"),
    "int16": (np.dtype(np.int16), "int16_t"),
    "int32": (np.dtype(np.int32), "int32_t"),
    "int64": (np.dtype(np.int64), "int64_t"),
    "float32": (np.dtype(np.float32), "float"),
    "bool": (np.dtype(np.bool_), "uint8_t"),
}


@dataclass
class QuantParams:
    """Affine quantization: real = scale * (q - zero_point); one entry per channel along `axis` or a single entry."""

    scale: np.ndarray  # float32, shape (n,)
    zero_point: np.ndarray  # int64, shape (n,)
    axis: int = 0

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1

    @property
    def single_scale(self) -> float:
        return float(self.scale[0])

    @property
    def single_zero_point(self) -> int:
        return int(self.zero_point[0])


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str  # a key of DTYPES
    quant: QuantParams | None = None
    data: np.ndarray | None = None  # set for constant tensors (weights, biases, shape operands)
    # A variable tensor (an op's state, e.g. SVDF's activation state) keeps its values from one invoke to the
    # next: it lives in the model's state array (mcugen/state.py), never in the arena.
    is_variable: bool = False

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def itemsize(self) -> int:
        return DTYPES[self.dtype][0].itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.itemsize

    @property
    def ctype(self) -> str:
        return DTYPES[self.dtype][1]

    def describe(self) -> str:
        """One-line human summary used in errors and in comments of the generated C."""
        text = f"'{display_name(self.name)}' {self.dtype}{list(self.shape)}"
        if self.quant is not None and not self.quant.per_channel:
            text += f" s={self.quant.single_scale:.6g} zp={self.quant.single_zero_point}"
        elif self.quant is not None:
            text += f" per-channel({self.quant.scale.size})"
        return text


@dataclass
class Op:
    index: int  # position in the model's operator list
    kind: str  # TFLite builtin name, e.g. "CONV_2D"
    inputs: list[int]  # tensor indices; -1 marks an omitted optional input
    outputs: list[int]
    options: SimpleNamespace = field(default_factory=SimpleNamespace)  # builtin options, snake_case fields
    version: int = 1
    options_type: str | None = None  # the schema's options table name (e.g. "Conv2DOptions"); None when absent


@dataclass
class Graph:
    name: str  # C identifier derived from the file name
    tensors: list[Tensor]
    ops: list[Op]
    inputs: list[int]
    outputs: list[int]
    source: str = ""  # path of the .tflite file
    sha256: str = ""
    description: str = ""

    def tensor(self, index: int) -> Tensor:
        return self.tensors[index]

    def producers(self) -> dict[int, Op]:
        return {t: op for op in self.ops for t in op.outputs}

    def consumers(self) -> dict[int, list[Op]]:
        result: dict[int, list[Op]] = {}
        for op in self.ops:
            for t in op.inputs:
                if t >= 0:
                    result.setdefault(t, []).append(op)
        return result

    def activations(self) -> list[int]:
        """Indices of non-constant, non-variable tensors that some op or the graph interface uses (they live in
        the arena)."""
        return [t for t in self._used() if not self.tensors[t].is_constant and not self.tensors[t].is_variable]

    def variables(self) -> list[int]:
        """Indices of the variable tensors some op uses (they persist across invokes, outside the arena)."""
        return [t for t in self._used() if self.tensors[t].is_variable]

    def _used(self) -> list[int]:
        used = {t for op in self.ops for t in op.inputs + op.outputs if t >= 0}
        used.update(self.inputs)
        used.update(self.outputs)
        return sorted(used)
