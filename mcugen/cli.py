"""The `mcugen` command line: thin functions over the library. Known errors print one line and exit non-zero."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from collections.abc import Callable
from typing import NoReturn

from mcugen import __version__
from mcugen.errors import InternalError, McugenError
from mcugen.progress import Progress
from mcugen.sanitize import terminal, terminal_lines

# Kept here so that `mcugen --help` and bad arguments answer without importing the compiler (numpy and all).
KERNEL_CHOICES = ("auto", "cmsis-nn", "portable")  # mcugen.compiler.KERNEL_CHOICES
MAX_ALIGNMENT = 4096  # mcugen.compiler.MAX_ALIGNMENT
FORMATS = ("project", "arduino-library")
DEFAULT_FORMAT = "project"
DEFAULT_GOLDEN = 5
MAX_VECTORS = 100_000
MAX_SEED = (1 << 32) - 1  # the device's seed is a uint32_t
MAX_RUNS = 1000


def say(text: object = "", err: bool = False) -> None:
    """Print through the terminal sanitiser: messages carry model strings, which may hold escape sequences."""
    print(terminal_lines(str(text)), file=sys.stderr if err else sys.stdout)


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(enabled=not (args.quiet or args.json))


def _notes(args: argparse.Namespace, notices: list[str], warnings: list[str]) -> None:
    if not args.quiet:
        for notice in notices:
            say(f"note: {notice}", err=True)
    for warning in warnings:
        say(f"warning: {warning}", err=True)


def build_command(args: argparse.Namespace, board: str) -> str:
    """The command that reproduces a build: every option that changes the output, none that only places it."""
    parts = ["mcugen build", Path(args.model).name, f"--board {board}", f"--kernels {args.kernels}",
             f"--alignment {args.alignment}", f"--golden {args.golden}", f"--seed {args.seed}"]
    if args.allow_overflow:
        parts.append("--allow-overflow")
    if args.format != DEFAULT_FORMAT:
        parts.append(f"--format {args.format}")
    return " ".join(parts)


def cmd_build(args: argparse.Namespace) -> int:
    from mcugen.codegen import render_project, report, write_project
    from mcugen.compiler import compile_model
    from mcugen.golden import choose_reference, golden_vectors
    from mcugen.reference import REFERENCES, reference_available

    progress = _progress(args)
    start = time.perf_counter()
    if args.format == "arduino-library":
        if args.kernels == "cmsis-nn":
            raise McugenError("the Arduino library format carries mcugen's portable kernels only; use "
                              "--kernels portable (or auto)")
        args.kernels = "portable"
    with progress.stage(f"Compiling {Path(args.model).name} for {args.board}"):
        compiled = compile_model(args.model, board=args.board, alignment=args.alignment,
                                 allow_overflow=args.allow_overflow, kernels=args.kernels, cmsis_nn=args.cmsis_nn)
    _notes(args, compiled.notices, compiled.warnings)
    golden = None
    if args.golden > 0:
        choice = choose_reference(compiled.graph)
        if reference_available(choice.reference):
            with progress.stage(f"Reference outputs of {args.golden} inputs ({choice.name})"):
                golden = golden_vectors(compiled, Path(args.model).read_bytes(), args.golden, args.seed)
        elif not args.quiet:
            say(f"note: the reference interpreter of this model ({choice.describe()}) is not installed, so the "
                f"self-test embeds no reference outputs ({REFERENCES[choice.reference].install})", err=True)
    out = Path(args.output or f"{compiled.graph.name}_{compiled.board.name}"
               + ("_arduino" if args.format == "arduino-library" else ""))
    command = build_command(args, compiled.board.name)
    with progress.stage(f"Writing {out}"):
        if args.format == "arduino-library":
            from mcugen.arduino import render_arduino_library

            files = render_arduino_library(compiled, golden, command)
        else:
            files = render_project(compiled, golden, command)
        write_project(files, out, force=args.force)
    plan = compiled.plan
    if args.json:
        say(json.dumps({"output": str(out), "format": args.format, "command": command, "files": sorted(files),
                        "report": report(compiled)}, indent=2, sort_keys=True))
        return 0
    if args.quiet:
        return 0
    say(f"Compiled {terminal(Path(args.model).name)}: {len(compiled.graph.ops)} ops for {compiled.board.name}")
    say(f"  arena {plan.arena_size:,} bytes (lower bound {plan.lower_bound:,}), "
        f"weights {compiled.fit.weights:,} bytes, RAM {compiled.fit.ram_needed:,}/{compiled.fit.ram_available:,}, "
        f"flash ~{compiled.fit.flash_needed:,}/{compiled.fit.flash_available:,}")
    say(f"Wrote {len(files)} files to {terminal(str(out))} in {time.perf_counter() - start:.2f} s")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from mcugen.codegen import report
    from mcugen.compiler import compile_model

    with _progress(args).stage(f"Compiling {Path(args.model).name} for {args.board}"):
        compiled = compile_model(args.model, board=args.board, alignment=args.alignment, allow_overflow=True,
                                 kernels=args.kernels, cmsis_nn=args.cmsis_nn)
    _notes(args, compiled.notices, [])
    if args.json:
        say(json.dumps(report(compiled), indent=2, sort_keys=True))
    else:
        say(describe_model(compiled))
    if args.memory:
        from mcugen.memory_report import format_memory_table

        say()
        say(format_memory_table(compiled.problem, compiled.plan))
    if args.plot:
        from mcugen.memory_report import plot_arena

        plot_arena(compiled.problem, compiled.plan, args.plot, title=f"{compiled.graph.name} arena")
        say(f"Wrote {terminal(args.plot)}")
    return 0


def describe_model(compiled) -> str:
    graph, plan, fit = compiled.graph, compiled.plan, compiled.fit
    model = terminal(Path(graph.source).name)
    lines = [f"{model}: {len(graph.ops)} ops, {len(graph.tensors)} tensors, sha256 {graph.sha256}"]
    lines.append("inputs:  " + ", ".join(graph.tensors[t].describe() for t in graph.inputs))
    lines.append("outputs: " + ", ".join(graph.tensors[t].describe() for t in graph.outputs))
    lines.append("")
    lines.append(f"{'op':>4}  {'kind':<20} {'kernel':<34} {'inputs -> outputs'}")
    choice_of = {op.index: choice for op, choice in zip(compiled.steps, compiled.choices)}
    for op in graph.ops:
        ins = ", ".join(graph.tensors[t].describe() for t in op.inputs if t >= 0 and not graph.tensors[t].is_constant)
        consts = [graph.tensors[t] for t in op.inputs if t >= 0 and graph.tensors[t].is_constant]
        outs = ", ".join(graph.tensors[t].describe() for t in op.outputs)
        choice = choice_of.get(op.index)
        kernel = choice.kernel if choice else "(alias: no code)"
        lines.append(f"{op.index:>4}  {op.kind:<20} {kernel:<34} {ins} -> {outs}")
        for reason in choice.fallbacks if choice else ():
            lines.append(f"{'':>26}fallback: {reason}")
        for c in consts:
            lines.append(f"{'':>26}const {c.describe()}")
    lines.append("")
    lines.append(f"arena: {plan.arena_size:,} bytes (lower bound {plan.lower_bound:,}"
                 f"{'' if plan.lower_bound_exact else ', not exact'}), strategy {plan.strategy}")
    if plan.gap_reason:
        lines.append(f"  gap: {plan.gap_reason}")
    lines.append(f"kernels: {', '.join(compiled.target.backends)} (code path {compiled.target.isa})"
                 + (f"; {compiled.target.cmsis_nn.describe()}" if compiled.target.cmsis_nn else ""))
    lines.append(f"weights: {fit.weights:,} bytes")
    lines.append(f"{compiled.board.name}: RAM {fit.ram_needed:,} of {fit.ram_available:,} bytes, "
                 f"flash ~{fit.flash_needed:,} of {fit.flash_available:,} bytes")
    return "\n".join(lines)


def cmd_boards(args: argparse.Namespace) -> int:
    from mcugen.boards import load_boards

    boards = load_boards()
    if args.json:
        say(json.dumps([
            {"name": b.name, "aliases": list(b.aliases), "cpu": b.cpu, "arch": b.arch, "description": b.description,
             "flash_bytes": b.flash_bytes, "ram_bytes": b.ram_bytes, "stack_reserve": b.stack_reserve,
             "platformio": b.platformio, "machine": b.machine_name, "emulator": b.emulator}
            for b in boards.values()
        ], indent=2))
        return 0
    say(f"{'board':<18} {'cpu':<14} {'flash':>8} {'RAM':>8}  {'PlatformIO env':<38} emulator")
    for b in boards.values():
        say(f"{b.name:<18} {b.cpu:<14} {_kib(b.flash_bytes):>8} {_kib(b.ram_bytes):>8}  {_pio_env(b):<38} "
            f"{b.emulator or '- (' + _why_not(b) + ')'}")
    return 0


def _pio_env(board) -> str:
    pio = board.platformio or {}
    parts = [pio.get("platform", "-"), pio.get("board"), pio.get("framework")]
    return "/".join(p for p in parts if p)


def _why_not(board) -> str:
    from mcugen.emulate.run import no_emulator_reason

    return no_emulator_reason(board)


def _kib(n: int) -> str:
    return f"{n // 1024} KB" if n < 1 << 20 or n % (1 << 20) else f"{n >> 20} MB"


def cmd_verify(args: argparse.Namespace) -> int:
    from mcugen.verify import verify_model

    if args.sanitize and not args.host:
        raise McugenError("--sanitize builds with the host compiler: add --host")
    report = verify_model(args.model, board=args.board, inputs=args.inputs, seed=args.seed, host=args.host,
                          kernels=args.kernels, cmsis_nn=args.cmsis_nn, progress=_progress(args),
                          sanitize=args.sanitize)
    say(json.dumps(report.to_dict(), indent=2, sort_keys=True) if args.json else report.summary())
    if not report.ok and not report.outputs:
        say(report.log.rstrip(), err=True)
    if not report.ok and report.errors:
        say(report.errors.rstrip(), err=True)
    return 0 if report.ok else 1


def cmd_profile(args: argparse.Namespace) -> int:
    from mcugen.profile import format_profile, profile_model

    profile = profile_model(args.model, board=args.board, kernels=args.kernels, cmsis_nn=args.cmsis_nn, runs=args.runs,
                            progress=_progress(args))
    _notes(args, profile.notices, profile.warnings)
    say(json.dumps(profile.to_dict(), indent=2) if args.json else format_profile(profile))
    return 0


class _Parser(argparse.ArgumentParser):
    """Bad arguments give one line, `error: ...`, and exit status 2 (argparse's usage block is left to --help)."""

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")
        self.exit(2, terminal(f"error: {message} (see `{self.prog} --help`)") + "\n")


def _bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


def _alignment(text: str) -> int:
    value = _bounded_int(1, MAX_ALIGNMENT)(text)
    if value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of two (1, 2, 4, ... {MAX_ALIGNMENT}), got {value}")
    return value


def _plot_file(text: str) -> str:
    if Path(text).suffix.lower() not in (".png", ".svg"):
        raise argparse.ArgumentTypeError(f"the plot file must end in .png or .svg, got '{text}'")
    return text


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="mcugen", description=__doc__.splitlines()[0])
    top.add_argument("--version", action="version", version=f"mcugen {__version__}")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="machine-readable result on stdout (no progress lines)")
        p.add_argument("-q", "--quiet", action="store_true",
                       help="no progress lines or notes; warnings and errors only")
        return p

    def model_command(name: str, help_text: str, default_board: str) -> argparse.ArgumentParser:
        p = command(name, help_text)
        p.add_argument("model", help="int8-quantized .tflite file")
        p.add_argument("--board", "-b", default=default_board, help=f"target board (default {default_board})")
        p.add_argument("--kernels", default="auto", choices=KERNEL_CHOICES,
                       help="kernel backend: auto (the board's preference: CMSIS-NN on Cortex-M4/M7/M33/M55 when "
                            "available, else portable), cmsis-nn, or portable (default auto)")
        p.add_argument("--cmsis-nn", metavar="PATH", default=None,
                       help="CMSIS-NN source tree (default: $CMSIS_NN_PATH)")
        return p

    alignment_help = f"arena offset alignment in bytes, a power of two up to {MAX_ALIGNMENT} (default 16)"
    build = model_command("build", "compile a model into a C project", "nano33ble")
    build.add_argument("-o", "--output", help="output directory (default <model>_<board>)")
    build.add_argument("--format", default=DEFAULT_FORMAT, choices=FORMATS,
                       help="project: CMake + PlatformIO project with a self-test (default); arduino-library: an "
                            "Arduino library (1.5 format) with a usage example and the self-test as sketches")
    build.add_argument("--force", action="store_true",
                       help="write into a non-empty directory that mcugen did not create (only files of the same "
                            "names are replaced)")
    build.add_argument("--golden", type=_bounded_int(0, MAX_VECTORS), default=DEFAULT_GOLDEN, metavar="N",
                       help=f"reference vectors embedded in the self-test (default {DEFAULT_GOLDEN}; 0: none)")
    build.add_argument("--seed", type=_bounded_int(0, MAX_SEED), default=0,
                       help="seed of the self-test's random inputs (0 to 2^32-1)")
    build.add_argument("--alignment", type=_alignment, default=16, help=alignment_help)
    build.add_argument("--allow-overflow", action="store_true",
                       help="generate the project even when it does not fit the board (warning instead of error)")
    build.set_defaults(run=cmd_build)

    inspect = model_command("inspect", "show ops, tensors, quantization, arena plan and memory estimate", "nano33ble")
    inspect.add_argument("--memory", action="store_true", help="per-tensor size, lifetime and offset")
    inspect.add_argument("--plot", metavar="FILE", type=_plot_file, help="draw the arena over time (.png or .svg)")
    inspect.add_argument("--alignment", type=_alignment, default=16, help=alignment_help)
    inspect.set_defaults(run=cmd_inspect)

    boards = command("boards", "list the boards mcugen knows")
    boards.set_defaults(run=cmd_boards)

    verify = model_command("verify", "build, run in the emulator (or natively) and compare with TFLite Micro "
                           "(LiteRT for ops TFLite Micro cannot serve)", "qemu-m4")
    verify.add_argument("--inputs", "-n", type=_bounded_int(1, MAX_VECTORS), default=20,
                        help="random inputs (default 20)")
    verify.add_argument("--seed", type=_bounded_int(0, MAX_SEED), default=0,
                        help="seed of the random inputs (0 to 2^32-1)")
    verify.add_argument("--host", action="store_true", help="build with the host compiler and run natively")
    verify.add_argument("--sanitize", action="store_true",
                        help="with --host: build under AddressSanitizer and UndefinedBehaviorSanitizer")
    verify.set_defaults(run=cmd_verify)

    profile = model_command("profile", "count the instructions of every op in the emulator, with flash and RAM use",
                            "qemu-m4")
    profile.add_argument("--runs", type=_bounded_int(1, MAX_RUNS), default=2,
                         help="inferences run; their counts must agree (default 2)")
    profile.set_defaults(run=cmd_profile)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad argument (already reported)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    try:
        if getattr(args, "board", None) is not None:
            from mcugen.boards import get_board

            get_board(args.board)  # an unknown board is a bad option: report it before any work starts
        return args.run(args)
    except McugenError as exc:
        say(f"error: {exc}", err=True)
        if exc.hint:
            say(f"hint: {exc.hint}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`mcugen boards | head`): not an error of ours. Point stdout at
        # /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except InternalError as exc:
        say(f"error: internal error: {exc}", err=True)
        say(f"mcugen {__version__} broke one of its own rules: this is a bug in mcugen, not in your model or "
            "options; please report it with the model and the command line", err=True)
        return InternalError.exit_code
    except Exception:
        import traceback

        traceback.print_exc()
        say(f"error: internal error in mcugen {__version__}: please report it with the traceback above, the model "
            "and the command line", err=True)
        return InternalError.exit_code


if __name__ == "__main__":
    sys.exit(main())
