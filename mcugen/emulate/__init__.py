"""Build generated projects and run them: natively on the host, or as firmware in the emulator of the board's
architecture (QEMU for Arm and RISC-V, simavr for AVR).

Results come back as RunResult (output, exit status, timeout); the self-test's last line says PASS or FAIL.
"""

from mcugen.emulate.build import build_firmware, build_host, firmware_size
from mcugen.emulate.run import RunResult, emulator_command, run_emulator, run_host

# The names these had when QEMU was the only emulator.
qemu_command = emulator_command
run_qemu = run_emulator

__all__ = ["RunResult", "build_firmware", "build_host", "emulator_command", "firmware_size", "qemu_command",
           "run_emulator", "run_host", "run_qemu"]
