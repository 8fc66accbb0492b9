"""Golden vectors: pseudo-random model inputs that the device regenerates bit for bit, and their reference outputs.

Inputs are not stored in the project (they would cost flash: 20 VWW images are 550 KB). Both sides derive element
number `c` of the stream from a 32-bit integer hash of (c + seed * golden ratio), so only the expected outputs are
embedded. Float inputs are `k * step` with `k` a 16-bit integer: one float32 multiplication, exact on any IEEE target.

The reference outputs come from TFLite Micro, or, for a model with an op whose lowering declares another reference
(`OpLowering.reference`), from that interpreter for the whole model: one model, one reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mcugen.errors import McugenError
from mcugen.ir import Graph, Tensor
from mcugen.reference import LITERT, REFERENCES, TFLM, arena_estimate, run_reference

if TYPE_CHECKING:
    from mcugen.compiler import Compiled

SEED_MIX = 0x9E3779B9  # golden-ratio increment: distinct seeds give unrelated streams


def hash32(counter: np.ndarray) -> np.ndarray:
    """A 32-bit integer finaliser (xorshift-multiply); templates/model/selftest.c.j2 has the same function."""
    x = counter.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x


@dataclass(frozen=True)
class Golden:
    """Expected outputs of the self-test: for vector v and output j, expected[v][j]."""

    seed: int
    expected: list[list[np.ndarray]]
    reference: str = TFLM  # the interpreter the outputs come from (a key of mcugen.reference.REFERENCES)


@dataclass(frozen=True)
class ReferenceChoice:
    """The interpreter a model's reference outputs come from, and the op kinds that call for it (none: TFLM)."""

    reference: str
    because: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return REFERENCES[self.reference].name

    def describe(self) -> str:
        if not self.because:
            return self.name
        return f"{self.name}: the model has {', '.join(self.because)}, which TFLite Micro lacks or leaves undefined"


def choose_reference(graph: Graph) -> ReferenceChoice:
    """TFLite Micro, unless some op of the graph needs LiteRT (OpLowering.reference_for)."""
    from mcugen.ops import lowering_for

    needing = sorted({op.kind for op in graph.ops
                      if (lowering := lowering_for(op.kind)) is not None
                      and lowering.reference_for(op, graph) == LITERT})
    return ReferenceChoice(LITERT, tuple(needing)) if needing else ReferenceChoice(TFLM)


@dataclass(frozen=True)
class InputStream:
    """How the values of one model input are drawn from the hash stream."""

    dtype: str
    count: int  # elements
    float_step: float = 0.0  # float32 inputs only


def input_streams(graph: Graph) -> list[InputStream]:
    return [InputStream(t.dtype, t.size, _float_step(graph, t) if t.dtype == "float32" else 0.0)
            for t in (graph.tensors[i] for i in graph.inputs)]


def _float_step(graph: Graph, tensor: Tensor) -> float:
    """Spread float inputs over the range the first QUANTIZE that reads them can represent (and a bit beyond)."""
    for op in graph.ops:
        if op.kind == "QUANTIZE" and op.inputs and op.inputs[0] == tensor.index:
            q = graph.tensors[op.outputs[0]].quant
            if q is not None:
                span = max(abs(-128 - q.single_zero_point), abs(127 - q.single_zero_point)) * q.single_scale
                return float(np.float32(span * 1.0625 / 32768.0))
    return float(np.float32(1.0 / 4096.0))


def make_inputs(graph: Graph, count: int, seed: int) -> list[list[np.ndarray]]:
    """The `count` input vectors the generated self-test regenerates on the device for this seed."""
    streams = input_streams(graph)
    base = np.uint32((seed * SEED_MIX) & 0xFFFFFFFF)
    counter = 0
    vectors = []
    for _ in range(count):
        vector = []
        for stream, index in zip(streams, graph.inputs):
            c = np.arange(counter, counter + stream.count, dtype=np.uint64).astype(np.uint32) + base
            counter += stream.count
            vector.append(_values(hash32(c), stream).reshape(graph.tensors[index].shape))
        vectors.append(vector)
    return vectors


def _values(r: np.ndarray, stream: InputStream) -> np.ndarray:
    if stream.dtype == "float32":
        k = (r >> np.uint32(16)).astype(np.int32) - 32768
        return k.astype(np.float32) * np.float32(stream.float_step)
    if stream.dtype in ("int8", "uint8"):
        return (r >> np.uint32(24)).astype(np.uint8).view(np.int8 if stream.dtype == "int8" else np.uint8)
    if stream.dtype in ("int16",):
        return (r >> np.uint32(16)).astype(np.uint16).view(np.int16)
    if stream.dtype == "int32":
        return r.view(np.int32)
    raise ValueError(f"no input generator for {stream.dtype}")


def golden_vectors(compiled: Compiled, model_bytes: bytes, count: int, seed: int) -> Golden:
    """`count` seeded inputs and the reference's outputs for them (in a child process; TFLite Micro gets an arena
    sized from mcugen's plan of the same model)."""
    if count < 1:
        raise McugenError("the number of golden inputs must be at least 1")
    vectors = make_inputs(compiled.graph, count, seed)
    graph = compiled.graph
    choice = choose_reference(graph)
    arena = arena_estimate(compiled.plan.arena_size, len(graph.tensors), len(graph.ops))
    expected = run_reference(model_bytes, vectors, len(graph.outputs), arena_size=arena, reference=choice.reference,
                             needed_by=choice.describe() if choice.because else "")
    return Golden(seed=seed, expected=expected, reference=choice.reference)
