"""mcugen_common.h: the C fixed-point helpers agree with the Python model in mcugen/quant.py and with the
reference's rounding on hand-checked values."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcugen.quant import multiply_by_quantized_multiplier, quantize_multiplier

PROGRAM = r"""
#include <stdio.h>
#include "mcugen_common.h"
int main(void)
{
    long x, multiplier, shift;
    while (scanf("%ld %ld %ld", &x, &multiplier, &shift) == 3) {
        /* The general helper, then the kernels' one for multipliers that are not negative. */
        const int32_t general = mcugen_requantize((int32_t)x, (int32_t)multiplier, (int32_t)shift);
        const int32_t fast = multiplier >= 0 ?
            mcugen_requantize_nonnegative((int32_t)x, (int32_t)multiplier, (int32_t)shift) : general;
        printf("%ld %ld\n", (long)general, (long)fast);
    }
    return 0;
}
"""


@pytest.fixture(scope="module")
def requantize(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc missing")
    work = tmp_path_factory.mktemp("common")
    header = resources.files("mcugen.runtime").joinpath("mcugen_common.h").read_text()
    (work / "mcugen_common.h").write_text(header)
    (work / "main.c").write_text(PROGRAM)
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-o", str(work / "requantize"),
                    str(work / "main.c")], check=True, cwd=work)

    def run(cases: list[tuple[int, int, int]], helper: int = 0) -> list[int]:
        """Results of mcugen_requantize (helper 0) or mcugen_requantize_nonnegative (helper 1)."""
        text = "".join(f"{x} {m} {s}\n" for x, m, s in cases)
        out = subprocess.run([str(work / "requantize")], input=text, capture_output=True, text=True, check=True)
        return [int(v) for v in out.stdout.split()[helper::2]]

    return run


def test_rounding_of_both_steps(requantize):
    half = 1 << 30  # the multiplier 0.5
    # The high multiply rounds halves up (toward +infinity): 1.5 -> 2, -1.5 -> -1.
    assert requantize([(3, half, 0), (-3, half, 0)]) == [2, -1]
    # The right shift rounds halves away from zero: 2.5 -> 3, -2.5 -> -3, 1.25 -> 1.
    assert requantize([(10, half, -1), (-10, half, -1), (10, half, -2)]) == [3, -3, 1]


def test_saturates_the_one_overflowing_product(requantize):
    assert requantize([(-(1 << 31), -(1 << 31), 0)]) == [(1 << 31) - 1]


def test_agrees_with_the_python_model(requantize):
    rng = np.random.default_rng(7)
    cases = []
    for real in (0.9, 0.5, 0.0123, 3.7e-4, 1.5e-6, 2.0, 7.9):
        multiplier, shift = quantize_multiplier(real)
        limit = (1 << 31) // (1 << max(shift, 0)) - 1
        xs = rng.integers(-limit, limit, size=40).tolist() + [0, 1, -1, limit, -limit]
        cases += [(int(x), multiplier, shift) for x in xs]
    expected = [int(multiply_by_quantized_multiplier(np.array([x]), m, s)[0]) for x, m, s in cases]
    assert requantize(cases) == expected


INT32 = st.integers(-(1 << 31), (1 << 31) - 1)
EDGES = st.sampled_from([0, 1, -1, 2, -2, (1 << 31) - 1, -(1 << 31), 1 << 30, -(1 << 30)])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.one_of(INT32, EDGES, st.integers(-5000, 5000)),
                          st.one_of(st.integers(0, (1 << 31) - 1), st.sampled_from([0, 1 << 30, (1 << 31) - 1])),
                          st.integers(-31, 10)), min_size=1, max_size=200))
def test_fast_helper_equals_the_python_model_for_nonnegative_multipliers(requantize, cases):
    # Every x, including the ones whose left shift wraps and the rounding halves of both steps.
    expected = [int(multiply_by_quantized_multiplier(np.array([x]), m, s)[0]) for x, m, s in cases]
    assert requantize(cases, helper=1) == expected
