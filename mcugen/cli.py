"""The `mcugen` command line: thin functions over the library. Known errors print one line and exit non-zero."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from mcugen import __version__
from mcugen.errors import McugenError
from mcugen.sanitize import terminal, terminal_lines

KERNEL_CHOICES = ("auto", "cmsis-nn", "portable")  # mcugen.compiler.KERNEL_CHOICES, without importing it

DEFAULT_GOLDEN = 5


def say(text: object = "", err: bool = False) -> None:
    """Print through the terminal sanitiser: messages carry model strings, which may hold escape sequences."""
    print(terminal_lines(str(text)), file=sys.stderr if err else sys.stdout)


def cmd_build(args: argparse.Namespace) -> int:
    from mcugen.codegen import render_project, write_project
    from mcugen.compiler import compile_model
    from mcugen.golden import golden_vectors
    from mcugen.reference import reference_available

    start = time.perf_counter()
    compiled = compile_model(args.model, board=args.board, alignment=args.alignment,
                             allow_overflow=args.allow_overflow, kernels=args.kernels, cmsis_nn=args.cmsis_nn)
    for notice in compiled.notices:
        say(f"note: {notice}", err=True)
    for warning in compiled.warnings:
        say(f"warning: {warning}", err=True)
    golden = None
    if args.golden > 0:
        if reference_available():
            golden = golden_vectors(compiled, Path(args.model).read_bytes(), args.golden, args.seed)
        else:
            say("note: tflite-micro is not installed, so the self-test embeds no reference outputs "
                  "(pip install 'mcugen[reference]')", err=True)
    out = Path(args.output or f"{compiled.graph.name}_{compiled.board.name}")
    command = f"mcugen build {Path(args.model).name} --board {compiled.board.name} --kernels {args.kernels}"
    if args.golden != DEFAULT_GOLDEN or args.seed:
        command += f" --golden {args.golden} --seed {args.seed}"
    files = render_project(compiled, golden, command)
    write_project(files, out, force=args.force)
    plan = compiled.plan
    say(f"Compiled {terminal(Path(args.model).name)}: {len(compiled.graph.ops)} ops for {compiled.board.name}")
    say(f"  arena {plan.arena_size:,} bytes (lower bound {plan.lower_bound:,}), "
          f"weights {compiled.fit.weights:,} bytes, RAM {compiled.fit.ram_needed:,}/{compiled.fit.ram_available:,}, "
          f"flash ~{compiled.fit.flash_needed:,}/{compiled.fit.flash_available:,}")
    say(f"Wrote {len(files)} files to {terminal(str(out))} in {time.perf_counter() - start:.2f} s")
    return 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from mcugen.codegen import report
    from mcugen.compiler import compile_model

    compiled = compile_model(args.model, board=args.board, alignment=args.alignment, allow_overflow=True,
                             kernels=args.kernels, cmsis_nn=args.cmsis_nn)
    for notice in compiled.notices:
        say(f"note: {notice}", err=True)
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
            {"name": b.name, "aliases": list(b.aliases), "cpu": b.cpu, "description": b.description,
             "flash_bytes": b.flash_bytes, "ram_bytes": b.ram_bytes, "emulator": b.qemu_machine}
            for b in boards.values()
        ], indent=2))
        return 0
    say(f"{'board':<16} {'aliases':<12} {'cpu':<14} {'flash':>10} {'RAM':>10}  {'emulator':<12} description")
    for b in boards.values():
        say(f"{b.name:<16} {','.join(b.aliases):<12} {b.cpu:<14} {_kib(b.flash_bytes):>10} {_kib(b.ram_bytes):>10}"
              f"  {b.qemu_machine or '-':<12} {b.description}")
    return 0


def _kib(n: int) -> str:
    return f"{n // 1024} KB" if n < 1 << 20 or n % (1 << 20) else f"{n >> 20} MB"


def cmd_verify(args: argparse.Namespace) -> int:
    from mcugen.verify import verify_model

    report = verify_model(args.model, board=args.board, inputs=args.inputs, seed=args.seed, host=args.host,
                          kernels=args.kernels, cmsis_nn=args.cmsis_nn)
    say(report.summary())
    if not report.ok and not report.outputs:
        say(report.log.rstrip(), err=True)
    return 0 if report.ok else 1


def cmd_profile(args: argparse.Namespace) -> int:
    from mcugen.profile import format_profile, profile_model

    profile = profile_model(args.model, board=args.board, kernels=args.kernels, cmsis_nn=args.cmsis_nn, runs=args.runs)
    for notice in profile.notices:
        say(f"note: {notice}", err=True)
    for warning in profile.warnings:
        say(f"warning: {warning}", err=True)
    say(json.dumps(profile.to_dict(), indent=2) if args.json else format_profile(profile))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="mcugen", description=__doc__.splitlines()[0])
    top.add_argument("--version", action="version", version=f"mcugen {__version__}")
    sub = top.add_subparsers(dest="command", required=True)

    def model_command(name: str, help_text: str, default_board: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("model", help="int8-quantized .tflite file")
        p.add_argument("--board", "-b", default=default_board, help=f"target board (default {default_board})")
        p.add_argument("--kernels", default="auto", choices=KERNEL_CHOICES,
                       help="kernel backend: auto (the board's preference: CMSIS-NN on Cortex-M4/M7/M33/M55 when "
                            "available, else portable), cmsis-nn, or portable (default auto)")
        p.add_argument("--cmsis-nn", metavar="PATH", default=None,
                       help="CMSIS-NN source tree (default: $CMSIS_NN_PATH)")
        return p

    build = model_command("build", "compile a model into a C project", "nano33ble")
    build.add_argument("-o", "--output", help="output directory (default <model>_<board>)")
    build.add_argument("--force", action="store_true",
                       help="write into a non-empty directory that mcugen did not create (only files of the same "
                            "names are replaced)")
    build.add_argument("--golden", type=int, default=DEFAULT_GOLDEN, metavar="N",
                       help=f"reference vectors embedded in the self-test (default {DEFAULT_GOLDEN}; 0: none)")
    build.add_argument("--seed", type=int, default=0, help="seed of the self-test's random inputs")
    build.add_argument("--alignment", type=int, default=16, help="arena offset alignment in bytes (default 16)")
    build.add_argument("--allow-overflow", action="store_true",
                       help="generate the project even when it does not fit the board (warning instead of error)")
    build.set_defaults(run=cmd_build)

    inspect = model_command("inspect", "show ops, tensors, quantization, arena plan and memory estimate", "nano33ble")
    inspect.add_argument("--memory", action="store_true", help="per-tensor size, lifetime and offset")
    inspect.add_argument("--plot", metavar="FILE", help="draw the arena over time (.png or .svg)")
    inspect.add_argument("--alignment", type=int, default=16)
    inspect.add_argument("--json", action="store_true", help="machine-readable report")
    inspect.set_defaults(run=cmd_inspect)

    boards = sub.add_parser("boards", help="list the boards mcugen knows")
    boards.add_argument("--json", action="store_true")
    boards.set_defaults(run=cmd_boards)

    verify = model_command("verify", "build, run in the emulator (or natively) and compare with TFLite Micro",
                           "qemu-m4")
    verify.add_argument("--inputs", "-n", type=int, default=20, help="random inputs (default 20)")
    verify.add_argument("--seed", type=int, default=0)
    verify.add_argument("--host", action="store_true", help="build with the host compiler and run natively")
    verify.set_defaults(run=cmd_verify)

    profile = model_command("profile", "count the instructions of every op in the emulator, with flash and RAM use",
                            "qemu-m4")
    profile.add_argument("--runs", type=int, default=2, help="inferences run; their counts must agree (default 2)")
    profile.add_argument("--json", action="store_true", help="machine-readable report")
    profile.set_defaults(run=cmd_profile)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except McugenError as exc:
        say(f"error: {exc}", err=True)
        if exc.hint:
            say(f"hint: {exc.hint}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        import traceback

        traceback.print_exc()
        say(f"mcugen {__version__} hit an internal error: please report it with the traceback above",
              file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
