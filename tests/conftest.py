"""Shared fixtures: where the DEV models live, and which tools this machine has."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/modelgen.py

MODELS_DIR = Path(os.environ.get("MCUGEN_MODELS", REPO.parent / "shared" / "models"))
DEV_MODELS = sorted(MODELS_DIR.glob("*.tflite"))
# The pinned CMSIS-NN tree the CMSIS-NN tests build against.
CMSIS_NN = Path(os.environ.get("CMSIS_NN_PATH", REPO.parent / "shared" / "third_party" / "CMSIS-NN"))


def have_cmsis_nn() -> bool:
    return (CMSIS_NN / "Include" / "arm_nnfunctions.h").is_file()


# CI has the pinned copy beside the checkout: there a missing copy fails the tests instead of skipping them.
requires_cmsis_nn = pytest.mark.skipif(not have_cmsis_nn() and not os.environ.get("CI"),
                                       reason=f"no CMSIS-NN at {CMSIS_NN} (set CMSIS_NN_PATH)")


def dev_model_params():
    if not DEV_MODELS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no models in {MODELS_DIR} (set MCUGEN_MODELS)"))]
    return [pytest.param(p, id=p.stem) for p in DEV_MODELS]


def have_arm_toolchain() -> bool:
    return shutil.which("arm-none-eabi-gcc") is not None and shutil.which("qemu-system-arm") is not None


requires_arm = pytest.mark.skipif(not have_arm_toolchain(), reason="arm-none-eabi-gcc or qemu-system-arm missing")


def requires_board(name: str):
    """Skip unless the compiler and emulator of board `name`'s architecture are installed (never skipped on CI,
    whose set-up installs them all)."""
    from mcugen.boards import get_board

    board = get_board(name)
    arch = board.architecture
    tools = [arch.compiler, arch.emulator.binary if arch.emulator else None]
    missing = [t for t in tools if t and shutil.which(t) is None]
    return pytest.mark.skipif(bool(missing) and not os.environ.get("CI"),
                              reason=f"{', '.join(missing)} missing (make setup-system installs them)")


@pytest.fixture
def model_path():
    def find(stem: str) -> Path:
        path = MODELS_DIR / f"{stem}.tflite"
        if not path.exists():
            pytest.skip(f"{path} not found (set MCUGEN_MODELS)")
        return path

    return find


@pytest.fixture
def cmsis_nn_path() -> Path:
    """The CMSIS-NN tree the cmsis-nn tests build against: $CMSIS_NN_PATH, else the shared pinned copy. Missing, it
    skips the test locally and fails it in CI."""
    if not have_cmsis_nn():
        message = f"no CMSIS-NN at {CMSIS_NN} (set CMSIS_NN_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CMSIS_NN


def pytest_collection_modifyitems(config, items):
    """The long fuzzing lane runs only when `-m` selects it."""
    if "fuzz" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="the long fuzzing lane: run with pytest -m fuzz")
    for item in items:
        if "fuzz" in item.keywords and item.get_closest_marker("fuzz") is not None:
            item.add_marker(skip)
