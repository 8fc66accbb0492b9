"""Kernel bindings: how one backend's kernel computes one prepared layer.

An op module (mcugen/ops/) checks a layer and prepares its backend-independent parameters once (a typed record).
A binding says, for one (op, backend) pair, whether its kernel computes that layer bit-exactly, how much scratch
it needs on the target, how far its output may overlap a dying input (a proof about its own access order, or no
overlap at all), which sources it brings, and the C call. Per layer the target's first backend with a binding that
supports the layer wins; every binding that declined says why, so `mcugen inspect` can show the fallback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from mcugen.ir import Op

if TYPE_CHECKING:
    from mcugen.kernels.arm.library import CmsisNN
    from mcugen.ops.base import Emitter

BACKENDS = ("cmsis-nn", "portable")
# Which of CMSIS-NN's code paths the C compiler takes: plain C, the DSP extension (Cortex-M4/M7/M33), or Helium.
ISAS = ("plain", "dsp", "mve")


@dataclass(frozen=True)
class Target:
    """What the kernels are chosen for: backends in order of preference, the instruction set the project is
    compiled for, and the CMSIS-NN copy to take sources from when the cmsis-nn backend is enabled."""

    backends: tuple[str, ...]
    isa: str = "plain"
    cmsis_nn: CmsisNN | None = None


class KernelBinding:
    """One backend's kernel for one op kind. Subclasses set `kind`, `backend` and override what differs."""

    kind: ClassVar[str] = ""
    backend: ClassVar[str] = ""

    def kernel_name(self, op: Op, layer: object) -> str:
        """The C function this binding calls for the layer (shown by inspect and profile)."""
        raise NotImplementedError(f"{type(self).__name__}.kernel_name")

    def supports(self, op: Op, layer: object, target: Target) -> str | None:
        """None when the kernel computes this layer bit-exactly on `target`; otherwise the reason it does not."""
        return None

    def scratch_bytes(self, op: Op, layer: object, target: Target) -> int:
        """Bytes of scratch the kernel needs while it runs on `target` (planned in the arena for this op only)."""
        return 0

    def overlap(self, op: Op, layer: object) -> list[tuple[int, int]]:
        """(input position, gap) pairs: output 0 may overlap that input when the input dies here and the output
        starts at least `gap` bytes below it (mcugen/ops/streaming.py). Only a binding that has proven its own
        kernel's read/write order declares any; the default is no overlap."""
        return []

    def emit(self, op: Op, layer: object, emit: Emitter) -> None:
        """Write the C call (and require the kernel's sources through `emit`)."""
        raise NotImplementedError(f"{type(self).__name__}.emit")


def int8_only(layer: object, kernel: str) -> str | None:
    """Why an int8 kernel declines a layer with other activations (a 16x8 layer has int16 ones), or None."""
    dtype = getattr(layer, "dtype", "int8")
    return None if dtype == "int8" else f"{kernel} computes int8 activations only, not {dtype}"


BINDINGS: dict[tuple[str, str], list[KernelBinding]] = {}


def binding(cls: type[KernelBinding]) -> type[KernelBinding]:
    """Class decorator: register a binding. Several bindings of one (op, backend) are tried in registration order."""
    assert cls.kind and cls.backend in BACKENDS, cls
    BINDINGS.setdefault((cls.kind, cls.backend), []).append(cls())
    return cls


@dataclass(frozen=True)
class KernelChoice:
    """The binding chosen for one layer, with the reasons of every preferred binding that declined."""

    binding: KernelBinding
    layer: object
    kernel: str
    fallbacks: tuple[str, ...] = ()

    @property
    def backend(self) -> str:
        return self.binding.backend


def choose(op: Op, layer: object, target: Target) -> KernelChoice | None:
    """The first binding, in the target's backend order, that supports the layer; None when none does."""
    declined = []
    for backend in target.backends:
        candidates = BINDINGS.get((op.kind, backend))
        if not candidates:
            declined.append(f"{backend}: no {op.kind} kernel")
            continue
        for candidate in candidates:
            reason = candidate.supports(op, layer, target)
            if reason is None:
                return KernelChoice(candidate, layer, candidate.kernel_name(op, layer), tuple(declined))
            declined.append(f"{backend}: {reason}")
    return None
