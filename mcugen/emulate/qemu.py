"""Run firmware under QEMU (and host programs natively) with a timeout, collecting output and exit status.

Firmware talks through semihosting: QEMU forwards its console to our stdout and its exit() status to QEMU's.
The semihosting console is bound to a stdio chardev because without one QEMU 7.2 sends part of it to stderr.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mcugen.boards import Board
from mcugen.errors import BoardError, ToolchainError

PASS_LINE = "mcugen: PASS"
# Returned by QEMU when the core locks up (a fault inside a fault handler).
LOCKUP_STATUS = 134

_INSTALL = {
    "qemu-system-arm": "apt-get install -y qemu-system-arm",
    "arm-none-eabi-gcc": "apt-get install -y gcc-arm-none-eabi libnewlib-arm-none-eabi",
    "arm-none-eabi-size": "apt-get install -y binutils-arm-none-eabi",
    "arm-none-eabi-readelf": "apt-get install -y binutils-arm-none-eabi",
    "cc": "apt-get install -y gcc",
    "cmake": "apt-get install -y cmake make",
}


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
        how = _INSTALL.get(tool, f"install {tool}")
        raise ToolchainError(f"{tool} not found on PATH; install it with: {how}")
    return path


def qemu_command(board: Board, elf: str | Path, extra_args: Sequence[str] = ()) -> list[str]:
    """The QEMU command line that runs `elf` on `board`'s machine with semihosting on stdio."""
    if board.qemu_machine is None:
        raise BoardError(f"board {board.name} has no emulator; boards with one: the qemu-* boards and nano33ble")
    return [
        "qemu-system-arm",
        "-M", board.qemu_machine,
        "-display", "none",
        "-monitor", "none",
        "-serial", "none",
        "-chardev", "stdio,id=sh0",
        "-semihosting-config", "enable=on,target=native,chardev=sh0",
        *extra_args,
        "-kernel", str(elf),
    ]  # fmt: skip


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


def run_qemu(elf: str | Path, board: Board, timeout: float = 60, extra_args: Sequence[str] = ()) -> RunResult:
    """Run firmware on `board`'s QEMU machine; `extra_args` go before -kernel (e.g. -icount shift=0)."""
    command = qemu_command(board, elf, extra_args)
    require_tool(command[0])
    if not Path(elf).is_file():
        raise ToolchainError(f"firmware not found: {elf}")
    return _run(command, timeout)


def run_host(exe: str | Path, timeout: float = 60) -> RunResult:
    """Run a host executable built from a generated project."""
    if not Path(exe).is_file():
        raise ToolchainError(f"executable not found: {exe}")
    return _run([str(Path(exe).resolve())], timeout)
