"""The memory benchmark's pieces: capturing native output, parsing TFLM's report, the table."""

from __future__ import annotations

import os

import pytest

from mcugen.bench import __main__ as bench_main
from mcugen.bench.memory import (
    DEFAULT_MODELS,
    Row,
    TflmArena,
    captured_native_output,
    format_table,
    parse_allocations,
    tflm_arena,
)

REPORT = """[RecordingMicroAllocator] Arena allocation total 55984 bytes
[RecordingMicroAllocator] Arena allocation head 49152 bytes
[RecordingMicroAllocator] Arena allocation tail 6832 bytes
"""


def test_parse_allocations():
    assert parse_allocations(REPORT) == TflmArena(total=55984, head=49152, tail=6832)
    with pytest.raises(ValueError, match="Arena allocation total"):
        parse_allocations("nothing here")


def test_native_writes_to_stdout_and_stderr_are_captured():
    with captured_native_output() as text:
        os.write(1, b"to stdout\n")
        os.write(2, b"to stderr\n")
    assert text == ["to stdout\nto stderr\n"]


def test_table_marks_misses_and_explains_them():
    rows = [
        Row("good.tflite", 600, 600, True, TflmArena(1000, 700, 300)),
        Row("bad.tflite", 900, 880, False, TflmArena(1000, 950, 50), note="peak needs both tensors"),
        Row("broken.tflite", note="not compiled: unsupported op"),
    ]
    text = format_table(rows, 0.75)
    lines = text.splitlines()
    assert lines[2].split()[-2:] == ["0.600", "ok"]
    assert lines[3].split()[-2:] == ["0.900", "MISS"]
    assert "880 ~" in lines[3]
    assert "1 of 3 models at or below 0.75" in text
    assert "  bad.tflite: peak needs both tensors" in text
    assert "  broken.tflite: not compiled: unsupported op" in text


def test_unknown_benchmark_is_a_usage_error(capsys):
    assert bench_main.main(["nope"]) == 2
    assert "usage" in capsys.readouterr().err


@pytest.mark.skipif(not (DEFAULT_MODELS / "hello_world_int8.tflite").exists(), reason="DEV models not present")
def test_tflm_arena_matches_the_published_figure():
    pytest.importorskip("tflite_micro")
    arena = tflm_arena((DEFAULT_MODELS / "hello_world_int8.tflite").read_bytes())
    assert arena.total == 1504
    assert arena.head == 32


def test_missed_overlap_hint_reads_triples():
    from types import SimpleNamespace

    from mcugen.bench.memory import missed_inplace
    from mcugen.planner import Problem, Step, plan

    def compiled(inplace):
        problem = Problem({0: 64, 1: 128}, (Step((0,), (1,), inplace=inplace),), (0,), (1,))
        return SimpleNamespace(problem=problem, plan=plan(problem), steps=[SimpleNamespace(kind="CONV_2D")])

    assert "CONV_2D declares no overlap" in missed_inplace(compiled(()))
    assert missed_inplace(compiled(((0, 1, 500),))) == ""
