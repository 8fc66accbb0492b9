"""Build generated projects and run them: natively on the host, or as Cortex-M firmware under QEMU.

Results come back as RunResult (output, exit status, timeout); the self-test's last line says PASS or FAIL.
"""

from mcugen.emulate.build import build_firmware, build_host, firmware_size
from mcugen.emulate.qemu import RunResult, qemu_command, run_host, run_qemu

__all__ = ["RunResult", "build_firmware", "build_host", "firmware_size", "qemu_command", "run_host", "run_qemu"]
