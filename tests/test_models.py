"""Every DEV model end to end, with mcugen's portable kernels and with CMSIS-NN: bit-exact with TFLite Micro on
the host build and in emulation, and warning-free (-Wall -Wextra -Werror) with host gcc and the cross compilers of
Cortex-M3, M4F, M7, M33, M55 (Helium), rv32imc, the STM32F4 Discovery (console on its UART), and (where they fit)
Cortex-M0+ on the micro:bit machine and the AVR boards."""

import subprocess
import sys

import pytest

from conftest import CMSIS_NN, dev_model_params, requires_board, requires_cmsis_nn
from mcugen.errors import BoardError
from mcugen.verify import verify_model

VECTORS = 20

pytestmark = pytest.mark.slow


# (board, kernels, vectors): twenty vectors on the M4 (the contract); a few on the other cores, whose job is to
# prove the build and CMSIS-NN's code path (DSP on M7/M33, Helium on M55) for them.
QEMU_RUNS = [
    ("qemu-m4", "portable", VECTORS),
    ("qemu-m3", "portable", 5),
    ("qemu-m7", "portable", 5),
    ("qemu-m33", "portable", 5),
    ("qemu-m55", "portable", 5),
    ("qemu-rv32imc", "portable", 5),
    # Its console is USART2 (no semihosting): the UART console path, at the STM32F4's own addresses.
    ("stm32f4-discovery", "portable", 5),
    ("qemu-m4", "cmsis-nn", VECTORS),
    ("qemu-m7", "cmsis-nn", 5),
    ("qemu-m33", "cmsis-nn", 5),
    ("qemu-m55", "cmsis-nn", 5),
]


def _check(report) -> None:
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("path", dev_model_params())
def test_bit_exact_on_host(path, tmp_path):
    _check(verify_model(path, board="qemu-m4", inputs=VECTORS, seed=1, host=True, workdir=tmp_path,
                        kernels="portable"))


@requires_cmsis_nn
@pytest.mark.parametrize("path", dev_model_params())
def test_bit_exact_on_host_with_cmsis_nn(path, tmp_path):
    _check(verify_model(path, board="qemu-m4", inputs=VECTORS, seed=1, host=True, workdir=tmp_path,
                        kernels="cmsis-nn", cmsis_nn=CMSIS_NN))


@pytest.mark.emulator
@pytest.mark.parametrize("board, kernels, count", [
    pytest.param(b, k, n, id=f"{b}-{k}", marks=[requires_board(b), *([requires_cmsis_nn] if k == "cmsis-nn" else [])])
    for b, k, n in QEMU_RUNS
])
@pytest.mark.parametrize("path", dev_model_params())
def test_bit_exact_in_qemu(path, board, kernels, count, tmp_path):
    _check(verify_model(path, board=board, inputs=count, seed=2, workdir=tmp_path, kernels=kernels,
                        cmsis_nn=CMSIS_NN if kernels == "cmsis-nn" else None))


# Boards too small for most DEV models: the models that fit must verify, the others are refused with byte counts.
# (board, models expected to fit)
SMALL_BOARDS = [
    ("qemu-m0", {"hello_world_int8", "micro_speech_int8", "mlperf_kws_dscnn_int8"}),
    ("uno", {"hello_world_int8"}),
    ("mega2560", {"hello_world_int8", "micro_speech_int8"}),
]


@pytest.mark.emulator
@pytest.mark.parametrize("board, fitting", [pytest.param(b, f, id=b, marks=requires_board(b)) for b, f in SMALL_BOARDS])
@pytest.mark.parametrize("path", dev_model_params())
def test_small_boards_run_what_fits_and_refuse_the_rest(path, board, fitting, tmp_path):
    if path.stem in fitting:
        _check(verify_model(path, board=board, inputs=5, seed=2, workdir=tmp_path, kernels="portable"))
        return
    with pytest.raises(BoardError, match=r"[0-9],[0-9]{3} bytes"):
        verify_model(path, board=board, inputs=5, seed=2, workdir=tmp_path, kernels="portable")


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
