"""`mcugen verify`: prove a generated project bit-exact against the reference interpreter (TFLite Micro; LiteRT for
a model with an op TFLite Micro cannot serve, see mcugen.golden.choose_reference).

Stages: compile -> reference outputs for N seeded random inputs -> write the project with those outputs embedded ->
build (host gcc, or arm-none-eabi-gcc for the board) -> run (natively, or in QEMU) -> read the self-test's verdicts.
The device regenerates the inputs from the seed, so only the expected outputs cost flash.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mcugen.codegen import render_project, write_project
from mcugen.compiler import Compiled, compile_model
from mcugen.errors import ToolchainError
from mcugen.golden import ReferenceChoice, choose_reference, golden_vectors
from mcugen.progress import SILENT, Progress
from mcugen.sanitize import display_name

_IDENTICAL = re.compile(r"^mcugen: output (\d+) identical on (\d+) vectors")
_MISMATCH = re.compile(r"^mcugen: output (\d+) MISMATCH on (\d+) of (\d+) vectors, first at vector (\d+) index (\d+)")


@dataclass
class OutputResult:
    index: int
    name: str
    identical: bool
    mismatched_vectors: int = 0
    first_vector: int = -1
    first_index: int = -1

    def describe(self) -> str:
        if self.identical:
            return f"output {self.index} '{display_name(self.name)}': identical"
        return (f"output {self.index} '{display_name(self.name)}': MISMATCH on {self.mismatched_vectors} vector(s), "
                f"first at vector {self.first_vector} index {self.first_index}")


@dataclass
class VerifyReport:
    model: str
    board: str
    target: str  # "host", or the emulator that ran the firmware ("qemu", "simavr")
    vectors: int
    seed: int
    outputs: list[OutputResult] = field(default_factory=list)
    passed: bool = False  # the self-test's own verdict line
    exit_code: int | None = None
    log: str = ""
    errors: str = ""  # what the program wrote on stderr (sanitizer reports)
    reference: ReferenceChoice = field(default_factory=lambda: ReferenceChoice("tflm"))

    @property
    def ok(self) -> bool:
        return self.passed and self.exit_code == 0 and bool(self.outputs) and all(o.identical for o in self.outputs)

    def where(self) -> str:
        if self.target == "host":
            return f"natively on this host (project planned for {self.board})"
        return f"on {self.board} in {'QEMU' if self.target == 'qemu' else self.target}"

    def summary(self) -> str:
        model = display_name(self.model)
        lines = [f"{model} {self.where()}, {self.vectors} random inputs, seed {self.seed}:"]
        lines.append(f"  reference: {self.reference.describe()}")
        lines += [f"  {o.describe()}" for o in self.outputs]
        lines.append(f"  {f'PASS: bit-exact with {self.reference.name}' if self.ok else 'FAIL'}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model, "board": self.board, "target": self.target, "vectors": self.vectors,
            "seed": self.seed, "ok": self.ok, "passed": self.passed, "exit_code": self.exit_code,
            "reference": self.reference.reference, "reference_needed_by": list(self.reference.because),
            "outputs": [{"index": o.index, "name": o.name, "identical": o.identical,
                         "mismatched_vectors": o.mismatched_vectors, "first_vector": o.first_vector,
                         "first_index": o.first_index} for o in self.outputs],
        }


def verify_model(
    model: str | Path | bytes,
    board: str = "qemu-m4",
    inputs: int = 20,
    seed: int = 0,
    host: bool = False,
    workdir: str | Path | None = None,
    timeout: float = 120.0,
    kernels: str = "auto",
    cmsis_nn: str | Path | None = None,
    progress: Progress = SILENT,
    sanitize: bool = False,
) -> VerifyReport:
    """Build the model's project with `inputs` golden vectors and run it on the host or under QEMU; `progress`
    reports each stage as it runs. `sanitize` builds the host program under ASan and UBSan."""
    from mcugen.emulate import build_firmware, build_host, run_emulator, run_host
    from mcugen.emulate.run import no_emulator_reason

    source = "the model" if isinstance(model, bytes) else Path(model).name
    with progress.stage(f"Compiling {source} for {board}"):
        compiled = compile_model(model, board=board, kernels=kernels, cmsis_nn=cmsis_nn, host=host)
    data = model if isinstance(model, bytes) else Path(model).read_bytes()
    host = host or compiled.board.arch == "host"
    if sanitize and not host:
        raise ToolchainError("the sanitizers need a host build (--host)")
    if not host and compiled.board.machine is None:
        raise ToolchainError(f"board {compiled.board.name} has no emulator ({no_emulator_reason(compiled.board)}); "
                             f"use --host or a board with an emulator (`mcugen boards` lists them)")
    choice = choose_reference(compiled.graph)
    with progress.stage(f"Reference outputs of {inputs} inputs ({choice.name})"):
        golden = golden_vectors(compiled, data, inputs, seed)
    with tempfile.TemporaryDirectory(prefix="mcugen-verify-", dir=workdir) as tmp:
        project = write_project(render_project(compiled, golden, command="mcugen verify"), Path(tmp) / "project")
        if host:
            with progress.stage("Building for the host"):
                exe = build_host(project, Path(tmp) / "build", sanitize=sanitize)
            with progress.stage("Running natively"):
                result = run_host(exe, timeout=timeout)
        else:
            with progress.stage(f"Building firmware for {compiled.board.name}"):
                elf = build_firmware(project, compiled.board, Path(tmp) / "build")
            with progress.stage(f"Running in {compiled.board.emulator}"):
                result = run_emulator(elf, compiled.board, timeout=timeout)
    report = VerifyReport(
        model=Path(compiled.graph.source).name or compiled.graph.name,
        board=compiled.board.name,
        target="host" if host else _emulator_name(compiled.board),
        vectors=inputs,
        seed=seed,
        exit_code=result.returncode,
        log=result.stdout,
        errors=result.stderr,
        reference=choice,
    )
    report.outputs, report.passed = parse_selftest(result.stdout, compiled)
    return report


def _emulator_name(board) -> str:
    binary = board.architecture.emulator.binary
    return "qemu" if binary.startswith("qemu-") else binary


def parse_selftest(stdout: str, compiled: Compiled) -> tuple[list[OutputResult], bool]:
    names = [compiled.graph.tensors[t].name for t in compiled.graph.outputs]
    results: dict[int, OutputResult] = {}
    passed = False
    for line in stdout.splitlines():
        line = line.strip()
        if m := _IDENTICAL.match(line):
            j = int(m.group(1))
            results[j] = OutputResult(j, names[j], True)
        elif m := _MISMATCH.match(line):
            j = int(m.group(1))
            results[j] = OutputResult(j, names[j], False, int(m.group(2)), int(m.group(4)), int(m.group(5)))
        elif line == "mcugen: PASS":
            passed = True
    return [results[j] for j in sorted(results)], passed
