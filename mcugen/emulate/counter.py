"""Exact instruction counts of firmware under QEMU, from the TCG plugin in plugin/insn_count.c.

The plugin is compiled on first use with the host C compiler into a cache directory keyed by a hash of its source
(~/.cache/mcugen, or $MCUGEN_CACHE_DIR; a temporary directory when neither is writable). QEMU 7.2's system
emulators load plugins with `-plugin file.so,key=value,...`. The plugin counts every executed instruction and
records the running count whenever the marker address is reached; differences of consecutive records are the
instructions executed between two arrivals, the same on every run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mcugen.boards import Board
from mcugen.emulate.run import RunResult, require_tool, run_emulator
from mcugen.errors import ToolchainError

PLUGIN_SOURCE = "insn_count.c"
PLUGIN_CFLAGS = ("-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-Wall", "-Wextra", "-Werror")


@dataclass(frozen=True)
class CountedRun:
    """A firmware run under the counting plugin: its output, every instruction it executed, the marker records."""

    result: RunResult
    total: int
    marks: list[int]


def _cache_dirs() -> list[Path]:
    configured = os.environ.get("MCUGEN_CACHE_DIR")
    if configured:
        return [Path(configured)]
    xdg = os.environ.get("XDG_CACHE_HOME")
    home = Path(xdg) if xdg else Path.home() / ".cache"
    return [home / "mcugen", Path(tempfile.gettempdir()) / f"mcugen-{os.getuid()}"]


def plugin_path() -> Path:
    """The compiled plugin, built now when the cache has no build of the current source."""
    source = resources.files("mcugen.emulate").joinpath("plugin", PLUGIN_SOURCE).read_bytes()
    key = hashlib.sha256(source + " ".join(PLUGIN_CFLAGS).encode()).hexdigest()[:16]
    errors = []
    for directory in _cache_dirs():
        target = directory / "plugins" / f"insn_count-{key}.so"
        if target.is_file():
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _compile_plugin(source, target)
            return target
        except OSError as error:
            errors.append(f"{target.parent}: {error.strerror or error}")
    raise ToolchainError("cannot build the instruction-counting plugin: " + "; ".join(errors))


def _compile_plugin(source: bytes, target: Path) -> None:
    """Compile into a private file, then rename: concurrent builds of the same source cannot see a partial one."""
    compiler = require_tool("cc")
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        c_file = Path(tmp) / PLUGIN_SOURCE
        c_file.write_bytes(source)
        built = Path(tmp) / target.name
        done = subprocess.run([compiler, *PLUGIN_CFLAGS, str(c_file), "-o", str(built)], capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise ToolchainError(f"building the instruction-counting plugin failed:\n{done.stderr.strip()}")
        os.replace(built, target)


def run_counted(elf: str | Path, board: Board, marker: int, timeout: float = 120) -> CountedRun:
    """Run `elf` on `board`'s QEMU machine counting instructions, recording the count at each arrival at `marker`
    (an instruction address: clear the Thumb bit of a function symbol)."""
    if not board.counts_instructions:
        raise ToolchainError(f"board {board.name} has no emulator that counts instructions (QEMU with TCG plugins)")
    plugin = plugin_path()
    with tempfile.TemporaryDirectory(prefix="mcugen-count-") as tmp:
        out = Path(tmp) / "counts.txt"
        args = ["-plugin", f"{plugin},marker={marker:#x},out={out}"]
        result = run_emulator(elf, board, timeout=timeout, extra_args=args)
        if not out.is_file():
            raise ToolchainError(f"QEMU wrote no instruction counts (exit {result.returncode}):\n"
                                 f"{(result.stdout + result.stderr).strip()[-2000:]}")
        lines = out.read_text().split("\n")
    if lines[0].split()[0] != "total" or any(line.startswith("error") for line in lines):
        raise ToolchainError(f"the instruction-counting plugin failed: {' '.join(lines[:3])}")
    total = int(lines[0].split()[1])
    return CountedRun(result, total, [int(line) for line in lines[1:] if line.strip()])
