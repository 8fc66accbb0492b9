"""Every DEV model's host project under AddressSanitizer and UndefinedBehaviorSanitizer, bit-exact with TFLite
Micro: mcugen's portable kernels and the CMSIS-NN backend (its plain C code paths)."""

from __future__ import annotations

import pytest

from conftest import dev_model_params, requires_cmsis_nn
from mcugen.verify import verify_model


def _check(report) -> None:
    assert report.ok, f"{report.summary()}\n{report.log[-2000:]}\n{report.errors[-4000:]}"


@pytest.mark.slow
@pytest.mark.parametrize("model", dev_model_params())
def test_portable_kernels_are_clean_under_sanitizers(model, tmp_path):
    _check(verify_model(model, board="qemu-m4", inputs=3, host=True, kernels="portable", sanitize=True,
                        workdir=tmp_path))


@pytest.mark.slow
@requires_cmsis_nn
@pytest.mark.parametrize("model", dev_model_params())
def test_cmsis_nn_kernels_are_clean_under_sanitizers(model, tmp_path, cmsis_nn_path):
    _check(verify_model(model, board="qemu-m4", inputs=3, host=True, kernels="cmsis-nn", cmsis_nn=cmsis_nn_path,
                        sanitize=True, workdir=tmp_path))
