"""Compile generated projects for the host or as firmware for a board (any architecture mcugen builds).

By default one compiler invocation builds the whole project, reading the source list from its CMakeLists.txt
and the flags from mcugen.targets: that costs a fraction of a second, while a CMake configure alone costs more
than the build (it probes the compiler). `use_cmake=True` builds through the project's CMake files instead, as a
user would; both give the same program.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mcugen import targets
from mcugen.boards import Board
from mcugen.emulate.run import require_tool
from mcugen.errors import BoardError, ToolchainError

HOST_CC = "cc"
_TAIL_LINES = 40
_OVERFLOW_RE = re.compile(r"region `(\w+)' overflowed by (\d+) bytes")
# Picolibc's linker script: the stack and heap reserve did not fit in RAM.
_PICOLIBC_OVERFLOW_RE = re.compile(r"section `\.(?:stack|heap)' will not fit in region `(\w+)'")
_RESERVE_ASSERT = "RAM overflow: .data + .bss leave less than the stack and heap reserve"


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-_TAIL_LINES:])


def _overflow_problem(linker_output: str, board: Board) -> str:
    """A one-line account of a flash or RAM overflow reported by the linker, or "" when there was none."""
    reserve = board.stack_reserve
    overflow = _OVERFLOW_RE.search(linker_output)
    if overflow:
        region, excess = overflow.group(1).upper(), int(overflow.group(2))
        if region in ("FLASH", "TEXT", "ROM"):
            return f"FLASH overflowed by {excess} bytes (budget {board.flash_bytes} bytes)"
        return f"RAM overflowed by {excess} bytes (budget {board.ram_bytes} bytes)"
    if _PICOLIBC_OVERFLOW_RE.search(linker_output) or _RESERVE_ASSERT in linker_output:
        return f"RAM: .data + .bss leave less than {reserve} bytes for stack and heap (budget {board.ram_bytes} bytes)"
    return ""


def _run_tool(command: list[str], cwd: Path, what: str, board: Board | None = None) -> None:
    require_tool(command[0])
    done = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if done.returncode == 0:
        return
    output = done.stdout + done.stderr
    if board is not None:
        problem = _overflow_problem(output, board)
        if problem:
            raise BoardError(f"the firmware does not fit {board.name}: {problem}\n{_tail(output)}")
    raise ToolchainError(f"{what} failed (exit {done.returncode}):\n{_tail(output)}")


def _cmake_build(project_dir: Path, build_dir: Path, cache: list[str], board: Board | None) -> None:
    _run_tool(["cmake", "-S", str(project_dir), "-B", str(build_dir), *cache], project_dir, "cmake configure")
    _run_tool(["cmake", "--build", str(build_dir)], project_dir, "cmake build", board)


def build_host(project_dir: str | Path, build_dir: str | Path, *, use_cmake: bool = False,
               sanitize: bool = False) -> Path:
    """Build the project as a native executable; returns its path. With `sanitize`, under AddressSanitizer and
    UndefinedBehaviorSanitizer, stopping at the first report."""
    if use_cmake and sanitize:
        raise ValueError("sanitize applies to the direct build, not to use_cmake=True")
    project_dir, build_dir = Path(project_dir).resolve(), Path(build_dir).resolve()
    name, sources = targets.project_sources(project_dir)
    build_dir.mkdir(parents=True, exist_ok=True)
    exe = build_dir / name
    if use_cmake:
        _cmake_build(project_dir, build_dir, [], None)
    else:
        includes = [f"-I{d}" for d in targets.project_includes(project_dir)]
        if sanitize:
            _sanitized_build(project_dir, build_dir, includes, sources, exe)
        else:
            command = [HOST_CC, *targets.COMMON_CFLAGS, *includes, *sources, "-o", str(exe), "-lm"]
            _run_tool(command, project_dir, "host build")
    return exe


SANITIZE_FLAGS = ("-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g")
# CMSIS-NN relies on two's complement arithmetic on purpose: it shifts negative values left (softmax, requantization)
# and its rounding division computes (1 << 31) - 1 for a right shift by 31 (a multiplier just above TFLite's
# flush-to-zero limit, as in the VWW models). Defined in GCC, undefined in C99; the self-test's comparison with
# TFLite Micro checks what that arithmetic computes. Its files are checked for everything else (memory, other UB).
THIRD_PARTY_DIR = "lib/"
THIRD_PARTY_SANITIZE_FLAGS = ("-fno-sanitize=shift-base,signed-integer-overflow",)


def _sanitized_build(project_dir: Path, build_dir: Path, includes: list[str], sources: list[str], exe: Path) -> None:
    objects = []
    for number, source in enumerate(sources):
        obj = build_dir / f"{number}_{Path(source).stem}.o"
        extra = THIRD_PARTY_SANITIZE_FLAGS if source.startswith(THIRD_PARTY_DIR) else ()
        _run_tool([HOST_CC, *targets.COMMON_CFLAGS, *SANITIZE_FLAGS, *extra, *includes, "-c", source, "-o", str(obj)],
                  project_dir, "sanitized host build")
        objects.append(str(obj))
    _run_tool([HOST_CC, *SANITIZE_FLAGS, *objects, "-o", str(exe), "-lm"], project_dir, "sanitized host link")


def build_firmware(
    project_dir: str | Path,
    board: Board,
    build_dir: str | Path,
    *,
    use_cmake: bool = False,
    defines: Sequence[str] = (),
    sources: Sequence[str] | None = None,
) -> Path:
    """Build the project as firmware for `board` with its architecture's cross compiler; returns the ELF.

    `defines` are preprocessor symbols (`NAME` or `NAME=VALUE`) added to every compile; `sources` are
    project-relative C files built instead of the project's list (e.g. another main). Both need the direct build.
    Raises BoardError when the firmware does not fit the board's flash or RAM, ToolchainError on other failures.
    """
    arch = board.architecture
    if not arch.cross:
        raise BoardError(f"board {board.name} ({board.cpu}) is built with PlatformIO, not by mcugen")
    if use_cmake and (defines or sources is not None):
        raise ValueError("defines and sources apply to the direct build, not to use_cmake=True")
    project_dir, build_dir = Path(project_dir).resolve(), Path(build_dir).resolve()
    name, listed = targets.project_sources(project_dir)
    sources = listed if sources is None else list(sources)
    build_dir.mkdir(parents=True, exist_ok=True)
    elf = build_dir / f"{name}.elf"
    if use_cmake:
        toolchain = project_dir / arch.toolchain_file
        _cmake_build(project_dir, build_dir, [f"-DCMAKE_TOOLCHAIN_FILE={toolchain}"], board)
    else:
        command = [
            arch.compiler,
            *targets.cross_cflags(board),
            *targets.COMMON_CFLAGS,
            *(f"-D{d}" for d in defines),
            *(f"-I{d}" for d in targets.project_includes(project_dir)),
            *sources,
            *targets.platform_sources(board),
            *targets.firmware_link_flags(board),
            "-o", str(elf),
            *arch.libs,
        ]  # fmt: skip
        _run_tool(command, project_dir, f"firmware build for {board.name}", board)
    return elf


def _tool(board: Board | None, kind: str) -> str:
    """The architecture's `kind` tool ("size" or "readelf"); Arm's when no board is given."""
    from mcugen.arches import registry

    arch = board.architecture if board is not None else registry()["arm"]
    tool = getattr(arch, kind)
    if tool is None:
        raise ToolchainError(f"architecture {arch.name} has no {kind} tool")
    return tool


def firmware_size(elf: str | Path, board: Board | None = None) -> dict[str, int]:
    """Section totals of a firmware as the architecture's size tool counts them: text (code + constants), data,
    bss."""
    tool = _tool(board, "size")
    command = [require_tool(tool), str(elf)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolchainError(f"{tool} failed: {_tail(done.stderr)}")
    fields = done.stdout.splitlines()[1].split()
    return {"text": int(fields[0]), "data": int(fields[1]), "bss": int(fields[2])}


@dataclass(frozen=True)
class Symbol:
    """One symbol of an ELF's symbol table: kind is "FUNC" for functions, "OBJECT" for data (constant or not)."""

    name: str
    address: int
    size: int
    kind: str


def elf_symbols(elf: str | Path, board: Board | None = None) -> list[Symbol]:
    """The ELF's defined functions and data objects with their addresses and sizes, as the architecture's readelf
    lists them. (nm cannot tell them apart here: the linker script puts constant data in the .text section.)"""
    tool = _tool(board, "readelf")
    command = [require_tool(tool), "-sW", str(elf)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolchainError(f"{tool} failed: {_tail(done.stderr)}")
    symbols = []
    for line in done.stdout.splitlines():
        fields = line.split()  # Num: Value Size Type Bind Vis Ndx Name
        if len(fields) == 8 and fields[3] in ("FUNC", "OBJECT") and fields[6] != "UND":
            size = int(fields[2], 16) if fields[2].startswith("0x") else int(fields[2])
            symbols.append(Symbol(fields[7], int(fields[1], 16), size, fields[3]))
    return symbols
