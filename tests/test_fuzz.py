"""The mutation fuzzer: a short fixed-seed lane, the regression fixtures it found, and the long lane (`-m fuzz`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mcugen import fuzz
from mcugen.codegen import render_project
from mcugen.compiler import compile_model
from mcugen.errors import McugenError

FIXTURES = sorted(fuzz.FIXTURES.glob("*.tflite"))


def test_mutants_are_reproducible():
    first, again = fuzz.make_mutant(7, 123), fuzz.make_mutant(7, 123)
    assert first.data == again.data and first.mutations == again.mutations
    assert fuzz.make_mutant(7, 124).data != first.data


def test_short_lane_has_no_findings():
    """1000 mutants of a fixed seed, in this process: refused with a McugenError or compiled and rendered."""
    outcomes = {}
    findings = []
    for index in range(1000):
        mutant = fuzz.make_mutant(2024, index)
        outcome = fuzz.run_mutant(mutant, timeout=20)
        outcomes[outcome.kind] = outcomes.get(outcome.kind, 0) + 1
        if outcome.kind in fuzz.FINDING_KINDS:
            findings.append(f"{mutant.label()}\n{outcome.detail}")
    assert not findings, "\n\n".join(findings)
    assert outcomes.get("accepted", 0) >= 30 and outcomes.get("refused", 0) >= 100, outcomes


def test_every_fixture_is_described():
    manifest = json.loads((fuzz.FIXTURES / fuzz.FIXTURE_MANIFEST).read_text())
    assert sorted(manifest) == [path.name for path in FIXTURES]
    present = {base.name for corpus in (1, 2, 3) for base in fuzz.bases(corpus)}
    for name, entry in manifest.items():
        assert entry["made_by"].startswith("python -m mcugen.fuzz --seed ") and entry["found"]
        words = entry["made_by"].split()
        seed, index, corpus = (int(words[words.index(flag) + 1]) for flag in ("--seed", "--index", "--corpus"))
        if entry["base"] in present:  # the harness still makes the same mutant from the same base
            assert fuzz.make_mutant(seed, index, corpus).data == (fuzz.FIXTURES / name).read_bytes()


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_is_refused_or_compiles(path: Path):
    """Each model the fuzzer once broke mcugen with: now a clear refusal, or a project."""
    entry = json.loads((fuzz.FIXTURES / fuzz.FIXTURE_MANIFEST).read_text())[path.name]
    cmsis_nn = fuzz.cmsis_nn_root()
    kernels = "portable" if entry["kernels"] == "cmsis-nn" and cmsis_nn is None else entry["kernels"]
    try:
        compiled = compile_model(path.read_bytes(), board=entry["board"], kernels=kernels, allow_overflow=True,
                                 cmsis_nn=cmsis_nn)
    except McugenError:
        return
    render_project(compiled, None, "test", plot=False)


@pytest.mark.fuzz
def test_long_lane():
    """MCUGEN_FUZZ_COUNT mutants (default 5000) with MCUGEN_FUZZ_SANITIZE (default 20) built under the sanitizers:
    no finding. Run with `pytest -m fuzz`."""
    count = int(os.environ.get("MCUGEN_FUZZ_COUNT", "5000"))
    sanitize = int(os.environ.get("MCUGEN_FUZZ_SANITIZE", "20"))
    seed = int(os.environ.get("MCUGEN_FUZZ_SEED", "1"))
    summary = fuzz.campaign(seed, count, sanitize=sanitize, out=Path("fuzz-findings"))
    assert not summary.findings, summary.text()
