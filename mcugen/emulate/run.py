"""Run firmware in its architecture's emulator (and host programs natively) with a timeout, collecting output and
exit status.

How a run reports its result is part of the architecture description (mcugen/arches/*.yaml):
- "semihosting": the firmware's console and its exit() status reach the host through semihosting; the emulator's
  exit status is the firmware's.
- "marker": the console is a UART the emulator prints (on stdout or stderr) and the emulator's own exit status
  means nothing (simavr always exits 0); the firmware ends with a marker line `mcugen: exit N` and stops the core,
  and N is the run's exit status. A run without the marker line failed. A board whose console is its machine's
  UART (`console: uart`) reports this way on stdout; QEMU does not stop when the core does, so the run is ended
  once the marker line has arrived.
Every run has a timeout, so a hang is a failed run, never a stuck caller.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mcugen.arches import install_hint
from mcugen.boards import Board
from mcugen.errors import BoardError, ToolchainError

PASS_LINE = "mcugen: PASS"
# Returned by QEMU when the core locks up (a fault inside a fault handler).
LOCKUP_STATUS = 134
# The exit status of a marker-protocol run that ended without its marker line.
NO_MARKER_STATUS = 255

_INSTALL = {
    "cc": "apt-get install -y gcc",
    "cmake": "apt-get install -y cmake make",
}
# Colour and cursor escape sequences some emulators wrap console lines in.
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class RunResult:
    """What a program did: its console output, its exit status (None when it was stopped), whether it timed out."""

    stdout: str
    returncode: int | None
    timed_out: bool
    stderr: str = ""

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def passed(self) -> bool:
        """Exit status 0 and the self-test's verdict line last."""
        return self.returncode == 0 and not self.timed_out and bool(self.lines) and self.lines[-1] == PASS_LINE


def require_tool(tool: str) -> str:
    """The path of `tool`, or a ToolchainError telling how to install it."""
    path = shutil.which(tool)
    if path is None:
        how = _INSTALL.get(tool) or install_hint(tool) or f"install {tool}"
        raise ToolchainError(f"{tool} not found on PATH; install it with: {how}")
    return path


def _no_emulator(board: Board) -> BoardError:
    return BoardError(f"board {board.name} has no emulator ({board.cpu}: {no_emulator_reason(board)}); "
                      f"run `mcugen boards` for the boards with one")


def no_emulator_reason(board: Board) -> str:
    """Why `board` has no emulator path, in a few words."""
    arch = board.architecture
    if arch.name == "host":
        return "it is the host itself: use --host"
    if not arch.cross:
        return f"no {arch.name} toolchain or emulator is available here; build it with PlatformIO"
    return "no emulated machine runs its CPU within its budget"


def emulator_command(board: Board, elf: str | Path, extra_args: Sequence[str] = ()) -> list[str]:
    """The command line that runs `elf` on `board`'s emulated machine."""
    if board.machine is None:
        raise _no_emulator(board)
    return board.architecture.emulator_command(board.machine, str(elf), tuple(extra_args),
                                               uart=board.uart is not None)


def _run(command: list[str], timeout: float) -> RunResult:
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        err = (exc.stderr or b"").decode("utf-8", "replace")
        return RunResult(out, None, True, err)
    return RunResult(
        done.stdout.decode("utf-8", "replace"), done.returncode, False, done.stderr.decode("utf-8", "replace")
    )


def _run_until_marker(command: list[str], timeout: float, marker: str) -> RunResult:
    """Run `command`, reading its stdout line by line, and stop it once a line starts with `marker` (or when
    `timeout` seconds have passed)."""
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    expired = threading.Event()

    def stop() -> None:
        expired.set()
        process.kill()

    timer = threading.Timer(timeout, stop)
    timer.start()
    lines: list[str] = []
    try:
        for raw in process.stdout:
            lines.append(raw.decode("utf-8", "replace"))
            if _ANSI_RE.sub("", lines[-1]).startswith(marker):
                process.terminate()
                break
        _, err = process.communicate()
    finally:
        timer.cancel()
    return RunResult("".join(lines), process.returncode, expired.is_set(), err.decode("utf-8", "replace"))


def read_marker(raw: RunResult, console: str, marker: str, line_end: str = "") -> RunResult:
    """The result of a marker-protocol run: the console's lines up to the marker, and the status it carries."""
    text = raw.stderr if console == "stderr" else raw.stdout
    lines, status = [], None
    for line in _ANSI_RE.sub("", text).replace("\r", "").splitlines():
        if line_end and line.endswith(line_end):
            line = line[: -len(line_end)]
        if line.startswith(marker):
            try:
                status = int(line[len(marker):].split()[0])
            except (ValueError, IndexError):
                status = NO_MARKER_STATUS
            break
        lines.append(line)
    if status is None:
        status = None if raw.timed_out else NO_MARKER_STATUS
    other = raw.stdout if console == "stderr" else raw.stderr
    return RunResult("".join(f"{line}\n" for line in lines), status, raw.timed_out, other)


def run_emulator(elf: str | Path, board: Board, timeout: float = 60, extra_args: Sequence[str] = ()) -> RunResult:
    """Run firmware on `board`'s emulated machine; `extra_args` go before the firmware (e.g. -icount shift=0)."""
    command = emulator_command(board, elf, extra_args)
    require_tool(command[0])
    if not Path(elf).is_file():
        raise ToolchainError(f"firmware not found: {elf}")
    emulator = board.architecture.emulator
    if board.uart is not None:
        raw = _run_until_marker(command, timeout, emulator.marker)
        return read_marker(raw, "stdout", emulator.marker)
    raw = _run(command, timeout)
    if emulator.result == "marker":
        return read_marker(raw, emulator.console, emulator.marker, emulator.line_end)
    return raw


def run_host(exe: str | Path, timeout: float = 60) -> RunResult:
    """Run a host executable built from a generated project."""
    if not Path(exe).is_file():
        raise ToolchainError(f"executable not found: {exe}")
    return _run([str(Path(exe).resolve())], timeout)
