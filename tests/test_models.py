"""Every DEV model end to end: bit-exact with TFLite Micro on the host build and under QEMU, and warning-free
(-Wall -Wextra -Werror) with host gcc and arm-none-eabi-gcc for Cortex-M4F, M7 and M33."""

import subprocess
import sys

import pytest

from conftest import dev_model_params, requires_arm
from mcugen.verify import verify_model

VECTORS = 20

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("path", dev_model_params())
def test_bit_exact_on_host(path, tmp_path):
    report = verify_model(path, board="qemu-m4", inputs=VECTORS, seed=1, host=True, workdir=tmp_path)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@requires_arm
@pytest.mark.emulator
@pytest.mark.parametrize("board", ["qemu-m4", "qemu-m7", "qemu-m33"])
@pytest.mark.parametrize("path", dev_model_params())
def test_bit_exact_in_qemu(path, board, tmp_path):
    # Twenty vectors on the M4 (the contract); a few on M7/M33, whose job is to prove the build for those cores.
    count = VECTORS if board == "qemu-m4" else 3
    report = verify_model(path, board=board, inputs=count, seed=2, workdir=tmp_path)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("path", dev_model_params())
def test_build_does_not_import_tensorflow(path, tmp_path):
    script = (
        "import sys\n"
        "from mcugen.cli import main\n"
        f"code = main(['build', {str(path)!r}, '--board', 'qemu-m4', '-o', {str(tmp_path / 'out')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m == 'tensorflow' or m.startswith('tensorflow.'))\n"
        "assert code == 0, code\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "mcugen_report.json").exists()
