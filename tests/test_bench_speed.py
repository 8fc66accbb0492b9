"""The speed benchmark: its table, the baseline file, and a run on the smallest models."""

from __future__ import annotations

import json
import re

import pytest

from conftest import requires_arm
from mcugen.bench import __main__ as bench_main
from mcugen.bench.speed import DEFAULT_BASELINE, Row, format_table, geomean, load_baseline


def test_table_has_ratios_and_a_geomean_row():
    rows = [
        Row("a.tflite", mcugen={"portable": 50}, tflm={"portable": 100, "cmsis-nn": 40}),
        Row("b.tflite", mcugen={"portable": 200}, tflm={"portable": 100}, notes=["cmsis-nn: not available"]),
    ]
    text = format_table(rows, ["portable", "cmsis-nn"])
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["model", "mcugen", "portable", "TFLM"]
    assert re.search(r"^a\.tflite\s+50\s+100\s+0\.500\s+-\s+40\s+-$", text, re.M)
    assert re.search(r"^geomean\s+1\.000\s+-$", text, re.M)
    assert "  b.tflite: cmsis-nn: not available" in text


def test_geomean():
    assert geomean([0.5, 2.0]) == pytest.approx(1.0)
    assert geomean([]) is None


def test_baseline_names_every_dev_model():
    if not DEFAULT_BASELINE.exists():
        pytest.skip(f"{DEFAULT_BASELINE} not found")
    baseline = load_baseline(DEFAULT_BASELINE)
    assert baseline["hello_world_int8"]["insns_ref"] > 0


@pytest.fixture
def small_models(tmp_path, model_path):
    """A models directory holding the two smallest DEV models, so a benchmark run takes seconds."""
    directory = tmp_path / "models"
    directory.mkdir()
    for stem in ("hello_world_int8", "mlperf_ad_autoencoder_int8"):
        (directory / f"{stem}.tflite").symlink_to(model_path(stem))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"models": {"hello_world_int8": {"insns_ref": 5230, "insns_cmsis_nn": 3523}}}))
    return directory, baseline


@pytest.mark.emulator
@requires_arm
def test_speed_benchmark_on_small_models(small_models, capsys):
    directory, baseline = small_models
    assert bench_main.main(["speed", "--models", str(directory), "--baseline", str(baseline),
                            "--kernels", "portable"]) == 0
    text = capsys.readouterr().out
    hello = re.search(r"^hello_world_int8\.tflite\s+([\d,]+)\s+5,230\s+(\d\.\d{3})$", text, re.M)
    assert hello, text
    assert float(hello.group(2)) == pytest.approx(int(hello.group(1).replace(",", "")) / 5230, abs=1e-3)
    assert re.search(r"^mlperf_ad_autoencoder_int8\.tflite\s+[\d,]+\s+-\s+-$", text, re.M)
    assert "mlperf_ad_autoencoder_int8.tflite: no TFLM figures in the baseline" in text
    assert re.search(r"^geomean\s+\d\.\d{3}$", text, re.M)
