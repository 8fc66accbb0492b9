"""Memory benchmark: mcugen's arena against the lower bound and against TFLite Micro's arena, per model.

    python -m mcugen.bench memory [--models DIR] [--board BOARD] [--target 0.75]

TFLM's figure is the "Arena allocation total" its RecordingMicroAllocator prints after one invoke: everything the
interpreter takes from its arena (tensors, scratch and its own bookkeeping), which is what a user must reserve.
The report also shows the "head" part (activations and scratch alone) for a like-for-like view of the planning.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mcugen.errors import McugenError
from mcugen.memory_report import short_tensor_name

DEFAULT_MODELS = Path(__file__).resolve().parents[2].parent / "shared" / "models"
DEFAULT_TARGET = 0.75
TFLM_ARENA = 8 << 20  # generous; the recording allocator reports what was actually used


@dataclass
class TflmArena:
    """What TFLM's recording allocator reports, in bytes."""

    total: int
    head: int  # non-persistent: activations and scratch, planned by TFLM's greedy planner
    tail: int  # persistent: interpreter structs, quantization data, op data


@dataclass
class Row:
    """One model's line of the benchmark."""

    model: str
    arena: int | None = None
    lower_bound: int | None = None
    bound_exact: bool = False
    tflm: TflmArena | None = None
    note: str = ""  # why a figure is missing, or why the target is missed

    @property
    def ratio(self) -> float | None:
        if self.arena is None or self.tflm is None or not self.tflm.total:
            return None
        return self.arena / self.tflm.total


# ---- TFLM ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def captured_native_output():
    """Capture what native code writes to file descriptors 1 and 2: print_allocations prints from C++ (TFLM's
    DebugLog writes to stderr), past sys.stdout. Yields a list that holds the text once the block exits."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    text: list[str] = []
    with tempfile.TemporaryFile() as sink:
        for fd in saved:
            os.dup2(sink.fileno(), fd)
        try:
            yield text
        finally:
            _flush_c_stdio()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            sink.seek(0)
            text.append(sink.read().decode(errors="replace"))


def _flush_c_stdio() -> None:
    """Flush the C library's stdout buffer, which is fully buffered while it points at a file."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


def parse_allocations(report: str) -> TflmArena:
    """Pull the arena totals out of RecordingMicroAllocator's report."""

    def field(name: str) -> int:
        match = re.search(rf"Arena allocation {name} (\d+) bytes", report)
        if match is None:
            raise ValueError(f"no 'Arena allocation {name}' line in the TFLM allocation report")
        return int(match.group(1))

    return TflmArena(total=field("total"), head=field("head"), tail=field("tail"))


def tflm_arena(model: bytes) -> TflmArena:
    """Allocate and invoke the model once in TFLM (inputs set to zero), then read its allocation report."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model, arena_size=TFLM_ARENA)
    for index in range(_input_count(model)):
        details = interpreter.get_input_details(index)
        interpreter.set_input(np.zeros(details["shape"], dtype=details["dtype"]), index)
    interpreter.invoke()
    with captured_native_output() as text:
        interpreter.print_allocations()
    return parse_allocations(text[0])


def _input_count(model: bytes) -> int:
    from mcugen.reader import read_model_bytes

    return len(read_model_bytes(model).inputs)


# ---- mcugen --------------------------------------------------------------------------------------------------


def measure(path: Path, board: str) -> Row:
    """Compile one model and measure it in TFLM; failures become a note on the row, not an abort."""
    row = Row(path.name)
    data = path.read_bytes()
    try:
        row.tflm = tflm_arena(data)
    except Exception as error:  # the reference failing on one model must not hide the others
        row.note = f"TFLM failed: {error}; "
    try:
        from mcugen.compiler import compile_model

        compiled = compile_model(path, board=board, allow_overflow=True)
    except McugenError as error:
        row.note += f"not compiled: {_first_words(str(error))}"
        return row
    row.arena = compiled.plan.arena_size
    row.lower_bound = compiled.plan.lower_bound
    row.bound_exact = compiled.plan.lower_bound_exact
    if not row.note:
        row.note = explain(row, compiled)
    return row


def explain(row: Row, compiled) -> str:
    """Why a model misses the target ratio (empty when it meets it): either the tensors that must coexist at the
    peak already exceed the target, or the arena is above its own bound (and the plan says why)."""
    if row.ratio is None or row.ratio <= DEFAULT_TARGET:
        return ""
    plan = compiled.plan
    if plan.arena_size > plan.lower_bound:
        return f"arena {plan.arena_size - plan.lower_bound:,} B above the bound: {plan.gap_reason}"
    text = (
        f"the bound itself is {plan.lower_bound / row.tflm.total:.2f} of TFLM's arena "
        f"(TFLM's bookkeeping is only {row.tflm.tail:,} B, its tensor part {row.tflm.head:,} B); "
        f"{peak_contents(compiled)}"
    )
    hint = missed_inplace(compiled)
    return f"{text}; {hint}" if hint else text


def peak_contents(compiled) -> str:
    """What is live at the peak step: the op and the largest buffers."""
    problem, plan = compiled.problem, compiled.plan
    position = plan.peak_step
    op = compiled.steps[plan.order[position]]
    live = sorted(
        (b for b, (first, last) in plan.lifetimes.items() if first <= position <= last),
        key=lambda b: (-problem.sizes[b], b),
    )
    parts = [f"{short_tensor_name(problem.names.get(b, str(b)))} {problem.sizes[b]:,} B" for b in live[:3]]
    if len(live) > 3:
        parts.append(f"{len(live) - 3} more")
    scratch = problem.steps[plan.order[position]].scratch
    if scratch:
        parts.append(f"scratch {scratch:,} B")
    return f"at op {op.index} ({op.kind}) these are live at once: " + ", ".join(parts)


def missed_inplace(compiled) -> str:
    """Name the peak op's input that dies there when the op's kernel declares no overlap (input, output, gap) for
    it: the one change that would lower the bound without touching the planner."""
    problem, plan = compiled.problem, compiled.plan
    position = plan.peak_step
    step = problem.steps[plan.order[position]]
    declared = {(i, o) for i, o, _ in step.inplace}
    for o in step.outputs:
        for i in step.inputs:
            dies_here = plan.lifetimes[i][1] == position and i not in problem.graph_outputs
            if dies_here and (i, o) not in declared:
                op = compiled.steps[plan.order[position]]
                return (
                    f"{op.kind} declares no overlap with its input: its output ({problem.sizes[o]:,} B) could be "
                    f"written over the dying input ({problem.sizes[i]:,} B) if the kernel declared its gap"
                )
    return ""


# ---- report --------------------------------------------------------------------------------------------------


def format_table(rows: list[Row], target: float) -> str:
    """The benchmark table, then one line per model that misses the target (or could not be measured)."""
    header = ("model", "mcugen arena", "lower bound", "TFLM arena", "TFLM head", "mcugen/TFLM", "")
    lines = [header]
    for row in rows:
        lines.append((
            row.model,
            _bytes(row.arena),
            _bytes(row.lower_bound) + ("" if row.bound_exact or row.lower_bound is None else " ~"),
            _bytes(row.tflm.total if row.tflm else None),
            _bytes(row.tflm.head if row.tflm else None),
            "-" if row.ratio is None else f"{row.ratio:.3f}",
            "" if row.ratio is None else ("ok" if row.ratio <= target else "MISS"),
        ))
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
    out = ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(line, widths)))
           for line in lines]
    out.insert(1, "-" * len(out[0]))
    out.append("")
    out.append("~ = bound not exact (bytes live in every order); bounds count sizes rounded up to the alignment")
    notes = [row for row in rows if row.note]
    met = sum(1 for row in rows if row.ratio is not None and row.ratio <= target)
    out.append(f"{met} of {len(rows)} models at or below {target:.2f} of TFLM's arena")
    out.extend(f"  {row.model}: {row.note}" for row in notes)
    return "\n".join(out)


def _first_words(text: str, limit: int = 140) -> str:
    """An error message on one line, cut to a length that keeps the table readable."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _bytes(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.bench memory", description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS, help="directory of .tflite files")
    parser.add_argument("--board", default="qemu-m4", help="board the models are compiled for")
    parser.add_argument("--target", type=float, default=DEFAULT_TARGET, help="goal for mcugen/TFLM")
    args = parser.parse_args(argv)
    paths = sorted(args.models.glob("*.tflite"))
    if not paths:
        print(f"no .tflite files in {args.models}", file=sys.stderr)
        return 2
    rows = [measure(path, args.board) for path in paths]
    print(format_table(rows, args.target))
    return 0
