"""`mcugen profile`: exact instructions per op, flash split and measured RAM of a model's firmware under QEMU.

Stages: compile -> write the project plus a profiling main -> build with -DMCUGEN_PROFILE (the generated invoke()
then calls an empty marker function before every op and after the last one) -> run under QEMU with the
instruction-counting plugin (mcugen/emulate/counter.py) recording the count at each marker -> per-op differences.

The figures are executed instructions, not cycles: QEMU does not model pipelines, wait states or caches. They are
exact and repeat run after run. Each op's count includes the marker's own call and return (MARKER_INSNS: a `bl`
and the marker's `bx lr`), so the op counts add up to the whole inference from the first marker to the last.
The compiler may schedule a few argument loads of the next call across a marker, so an op's boundary is exact to
within those few instructions; the total is exact.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mcugen.compiler import Compiled, compile_model
from mcugen.errors import InternalError, McugenError, ToolchainError
from mcugen.ir import Graph, Op
from mcugen.progress import SILENT, Progress

PROFILE_DEFINE = "MCUGEN_PROFILE"
# Instructions of one marker call included in every op's count: the `bl` to the marker and its `bx lr`.
MARKER_INSNS = 2
DEFAULT_RUNS = 2
_DONE = re.compile(r"^mcugen-profile: runs (\d+) stack (\d+) status (-?\d+)$", re.MULTILINE)
NOTE = (f"instructions executed (QEMU TCG plugin), not cycles; exact and repeatable. Each op includes "
        f"{MARKER_INSNS} instructions of its profiling marker.")


@dataclass
class OpProfile:
    """One op of the inference, in execution order."""

    position: int  # place in execution order
    index: int  # op index in the model
    kind: str
    inputs: str  # shapes of the activation inputs
    outputs: str
    kernel: str
    instructions: int
    macs: int


@dataclass
class Flash:
    """Bytes of flash: code (functions), weights (the model's constant arrays) and the other constant data."""

    code: int
    weights: int
    constants: int

    @property
    def total(self) -> int:
        return self.code + self.weights + self.constants


@dataclass
class Ram:
    """Bytes of RAM: the arena (scratch planned inside it), measured stack high-water mark, all static data."""

    arena: int
    scratch: int
    stack: int
    static: int  # .data + .bss, the arena included


@dataclass
class Profile:
    model: str
    board: str
    kernels: str
    ops: list[OpProfile]
    inference: int  # instructions from the first marker of an inference to its last, counted as one span
    runs: int
    flash: Flash
    ram: Ram
    note: str = NOTE
    notices: list[str] = field(default_factory=list)  # the compiler's notes, e.g. which kernels it fell back to
    free_ops: list[str] = field(default_factory=list)  # "index KIND" of ops that emit no code (aliases)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(op.instructions for op in self.ops)

    @property
    def macs(self) -> int:
        return sum(op.macs for op in self.ops)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["total_instructions"] = self.total
        data["total_macs"] = self.macs
        data["flash"]["total"] = self.flash.total
        for row in data["ops"]:
            row["share"] = row["instructions"] / self.total if self.total else 0.0
        return data


# ---- per-op facts computed in Python --------------------------------------------------------------------------


def op_macs(op: Op, graph: Graph) -> int:
    """Multiply-accumulates of one op: convolutions and fully connected layers; 0 for the rest."""
    out = graph.tensors[op.outputs[0]]
    if op.kind == "CONV_2D":  # filter [out_c, k_h, k_w, in_c / groups]
        _, k_h, k_w, in_per_group = graph.tensors[op.inputs[1]].shape
        return out.size * k_h * k_w * in_per_group
    if op.kind == "DEPTHWISE_CONV_2D":  # filter [1, k_h, k_w, out_c]
        _, k_h, k_w, _ = graph.tensors[op.inputs[1]].shape
        return out.size * k_h * k_w
    if op.kind == "FULLY_CONNECTED":  # weights [out, in]; every output element takes `in` products
        return out.size * graph.tensors[op.inputs[1]].shape[-1]
    return 0


def _shapes(graph: Graph, indices: list[int], constants: bool) -> str:
    shapes = ["x".join(map(str, graph.tensors[t].shape)) or "scalar"
              for t in indices if t >= 0 and (constants or not graph.tensors[t].is_constant)]
    return ", ".join(shapes) or "-"


def _compile(model: str | Path | bytes, board: str, kernels: str | None, cmsis_nn: str | Path | None) -> Compiled:
    return compile_model(model, board=board, allow_overflow=True, kernels=kernels or "auto", cmsis_nn=cmsis_nn)


# ---- the run ---------------------------------------------------------------------------------------------------


def profile_model(
    model: str | Path | bytes,
    board: str = "qemu-m4",
    kernels: str | None = None,
    *,
    cmsis_nn: str | Path | None = None,
    runs: int = DEFAULT_RUNS,
    timeout: float = 300.0,
    progress: Progress = SILENT,
) -> Profile:
    """Build `model` for `board` with the profiling hooks, run it `runs` times under QEMU and count instructions.

    Raises InternalError when the counts of the runs differ (the generated code must be deterministic)."""
    from mcugen.codegen import PROFILE_MAIN, render_profile_main, render_project, write_project
    from mcugen.emulate.build import build_firmware, elf_symbols, firmware_size
    from mcugen.emulate.counter import run_counted
    from mcugen.targets import project_sources

    if runs < 1:
        raise McugenError("profile at least one run")
    with progress.stage(f"Compiling {'the model' if isinstance(model, bytes) else Path(model).name} for {board}"):
        compiled = _compile(model, board, kernels, cmsis_nn)
    if not compiled.board.counts_instructions:
        raise ToolchainError(f"board {compiled.board.name} has no emulator that counts instructions; profile on a "
                             f"qemu-* board")
    name = compiled.graph.name
    command = "mcugen profile"
    files = render_project(compiled, None, command)
    files[PROFILE_MAIN] = render_profile_main(compiled, command, runs)
    with tempfile.TemporaryDirectory(prefix="mcugen-profile-") as tmp:
        project = write_project(files, Path(tmp) / "project")
        _, listed = project_sources(project)
        sources = [PROFILE_MAIN if s == "src/main.c" else s for s in listed]
        with progress.stage(f"Building profiling firmware for {compiled.board.name}"):
            elf = build_firmware(project, compiled.board, Path(tmp) / "build", defines=(PROFILE_DEFINE,),
                                 sources=sources)
        symbols = elf_symbols(elf, compiled.board)
        marker = next((s for s in symbols if s.name == f"{name}_profile_mark"), None)
        if marker is None:
            raise ToolchainError(f"{name}_profile_mark is missing from the profiling firmware")
        with progress.stage(f"Counting instructions in {compiled.board.emulator}"):
            address = marker.address & ~1 if compiled.board.architecture.thumb else marker.address
            counted = run_counted(elf, compiled.board, address, timeout=timeout)
        sizes = firmware_size(elf, compiled.board)
    done = _DONE.search(counted.result.stdout)
    if counted.result.returncode != 0 or done is None:
        raise ToolchainError(f"the profiling firmware failed (exit {counted.result.returncode}):\n"
                             f"{(counted.result.stdout + counted.result.stderr).strip()[-2000:]}")

    order = compiled.plan.order
    per_run = _per_run_counts(counted.marks, len(order), runs)
    graph = compiled.graph
    rows = []
    for position, step in enumerate(order):
        op = compiled.steps[step]
        rows.append(OpProfile(
            position=position,
            index=op.index,
            kind=op.kind,
            inputs=_shapes(graph, op.inputs, constants=False),
            outputs=_shapes(graph, op.outputs, constants=True),
            kernel=compiled.kernel_name(step),
            instructions=per_run[0][position],
            macs=op_macs(op, graph),
        ))
    emitting = {op.index for op in compiled.steps}
    flash = _flash_split(symbols, weight_symbols(str(files[f"src/{name}_weights.h"])), sizes)
    ram = Ram(
        arena=compiled.plan.arena_size,
        scratch=max((s.scratch for s in compiled.problem.steps), default=0),
        stack=int(done.group(2)),
        static=sizes["data"] + sizes["bss"],
    )
    return Profile(
        model=Path(graph.source).name or graph.name,
        board=compiled.board.name,
        kernels=kernels or "auto",
        notices=list(compiled.notices),
        ops=rows,
        inference=counted.marks[len(order)] - counted.marks[0],
        runs=runs,
        flash=flash,
        ram=ram,
        free_ops=[f"{op.index} {op.kind}" for op in graph.ops if op.index not in emitting],
        warnings=list(compiled.warnings),
    )


def _per_run_counts(marks: list[int], ops: int, runs: int) -> list[list[int]]:
    """Instructions of each op in each run, from the marker records (ops + 1 per run); all runs must agree."""
    if len(marks) != runs * (ops + 1):
        raise ToolchainError(f"expected {runs * (ops + 1)} marker records ({runs} runs of {ops} ops), "
                             f"got {len(marks)}")
    per_run: list[list[int]] = []
    for run in range(runs):
        own = marks[run * (ops + 1):(run + 1) * (ops + 1)]
        per_run.append([later - earlier for earlier, later in zip(own, own[1:])])
    if any(counts != per_run[0] for counts in per_run):
        totals = ", ".join(f"{sum(c):,}" for c in per_run)
        raise InternalError(f"instruction counts differ between inferences on the same input ({totals})")
    return per_run


_WEIGHT_DECLARATION = re.compile(r"^extern const \w+ (\w+)\[\d+\];$", re.MULTILINE)


def weight_symbols(weights_header: str) -> set[str]:
    """The constant arrays a generated `<name>_weights.h` declares (tensors, and per-op arrays such as biases)."""
    return set(_WEIGHT_DECLARATION.findall(weights_header))


def _flash_split(symbols, weights_declared: set[str], sizes: dict[str, int]) -> Flash:
    """Code is the functions' sizes; weights the model's constant arrays (tensors and per-op arrays such as
    biases and multipliers, not the small parameter structs); constants everything else in flash (vectors, C
    library tables, parameter structs, .data's initial values, alignment)."""
    functions = {s.address & ~1: s.size for s in symbols if s.kind == "FUNC"}  # aliases share an address
    code = sum(functions.values())
    weights = sum(s.size for s in symbols if s.kind == "OBJECT" and s.name in weights_declared)
    flash_total = sizes["text"] + sizes["data"]
    return Flash(code=code, weights=weights, constants=flash_total - code - weights)


# ---- report ----------------------------------------------------------------------------------------------------


def format_profile(profile: Profile) -> str:
    total = profile.total
    header = ("op", "kind", "shapes (in -> out)", "kernel", "instructions", "share", "MACs")
    lines = [header]
    for row in profile.ops:
        share = row.instructions / total if total else 0.0
        lines.append((str(row.index), row.kind, f"{row.inputs} -> {row.outputs}", row.kernel,
                      f"{row.instructions:,}", f"{share:.1%}", f"{row.macs:,}" if row.macs else "-"))
    lines.append(("", "total", "", "", f"{total:,}", "100.0%", f"{profile.macs:,}"))
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
    right = {0, 4, 5, 6}
    out = ["  ".join(cell.rjust(w) if c in right else cell.ljust(w) for c, (cell, w) in enumerate(zip(line, widths)))
           .rstrip() for line in lines]
    out.insert(1, "-" * max(len(line) for line in out))
    out.insert(-1, out[1])
    flash, ram = profile.flash, profile.ram
    per_mac = f", {total / profile.macs:.2f} instructions per MAC" if profile.macs else ""
    title = (f"{profile.model} on {profile.board}, kernels {profile.kernels}: {profile.inference:,} instructions "
             "per inference")
    return "\n".join([
        title + per_mac,
        "",
        *out,
        *([f"no code (the output aliases the input): op {', op '.join(profile.free_ops)}"] if profile.free_ops else []),
        "",
        f"flash: {flash.total:,} bytes = code {flash.code:,} + weights {flash.weights:,} + constants "
        f"{flash.constants:,}",
        f"RAM:   arena {ram.arena:,} bytes (scratch {ram.scratch:,} inside), stack high-water {ram.stack:,}, "
        f".data+.bss {ram.static:,}",
        f"note:  {profile.note} Identical in all {profile.runs} runs.",
    ])

