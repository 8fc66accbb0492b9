"""The memory table and the arena plot."""

from __future__ import annotations

import pytest

from mcugen.memory_report import format_memory_table, plot_arena
from mcugen.planner import Problem, Step, plan


@pytest.fixture
def planned() -> tuple[Problem, object]:
    problem = Problem(
        sizes={0: 100, 1: 300, 2: 40, 3: 40},
        steps=(Step((0,), (1,), scratch=64), Step((1,), (2,)), Step((0, 2), (3,))),
        graph_inputs=(0,),
        graph_outputs=(3,),
        names={0: "input", 1: "conv/out", 2: "pool", 3: "logits"},
    )
    return problem, plan(problem)


def test_table_lists_every_buffer_and_scratch_with_the_summary(planned):
    problem, result = planned
    text = format_memory_table(problem, result)
    assert f"arena:        {result.arena_size:,} bytes" in text
    assert f"lower bound:  {result.lower_bound:,} bytes (exact minimum" in text
    assert f"peak:         step {result.peak_step}" in text
    for name in ("input", "conv/out", "pool", "logits", "scratch of op 0"):
        assert name in text
    row = next(line for line in text.splitlines() if line.startswith("1 "))
    assert row.split()[-5:] == ["300", "0", "1", f"{result.offsets[1]:,}", f"{result.offsets[1] + 300:,}"]


def test_table_explains_a_gap():
    problem = Problem({0: 16, 1: 16}, (Step((0,), (1,)),), (0,), (1,))
    result = plan(problem)
    result.arena_size += 16
    result.gap_reason = "fragmentation"
    assert "gap:          16 bytes above the bound: fragmentation" in format_memory_table(problem, result)


def test_svg_plot_is_reproducible(planned, tmp_path):
    pytest.importorskip("matplotlib")
    problem, result = planned
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    plot_arena(problem, result, first, title="toy")
    plot_arena(problem, result, second, title="toy")
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert "<svg" in text and "Date" not in text


def test_png_plot_is_written(planned, tmp_path):
    pytest.importorskip("matplotlib")
    problem, result = planned
    path = tmp_path / "arena.png"
    plot_arena(problem, result, path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_table_names_the_overlapped_input_and_the_bytes_saved():
    problem = Problem(
        sizes={0: 256, 1: 256, 2: 16},
        steps=(Step((0,), (1,), inplace=((0, 1, 40),)), Step((1,), (2,))),
        graph_inputs=(0,),
        graph_outputs=(2,),
        names={0: "input", 1: "conv", 2: "logits"},
    )
    result = plan(problem)
    text = format_memory_table(problem, result)
    assert "overlaps:     1 outputs share 208 bytes with the inputs they consume" in text
    row = next(line for line in text.splitlines() if line.startswith("1 "))
    assert row.endswith("0 (208 B)")
    assert "overlaps" in next(line for line in text.splitlines() if line.startswith("id "))
