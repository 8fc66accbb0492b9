"""The emulator runner under its first name: QEMU was the only emulator when this module was written. The runner
(mcugen.emulate.run) now serves every architecture's emulator."""

from mcugen.emulate.run import (
    LOCKUP_STATUS,
    PASS_LINE,
    RunResult,
    emulator_command as qemu_command,
    require_tool,
    run_emulator as run_qemu,
    run_host,
)

__all__ = ["LOCKUP_STATUS", "PASS_LINE", "RunResult", "qemu_command", "require_tool", "run_host", "run_qemu"]
