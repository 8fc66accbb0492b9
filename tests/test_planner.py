"""The memory planner on synthetic graphs: exact small cases, then invariants on random DAGs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcugen import planner
from mcugen.planner import Plan, PlanError, Problem, Step, align_up, compute_lifetimes, live_profile, plan, verify_plan


def chain(sizes: list[int], alignment: int = 16) -> Problem:
    """Buffer k feeds step k, which writes buffer k + 1."""
    steps = tuple(Step((k,), (k + 1,)) for k in range(len(sizes) - 1))
    return Problem(dict(enumerate(sizes)), steps, (0,), (len(sizes) - 1,), alignment=alignment)


def test_chain_needs_the_largest_neighbouring_pair():
    problem = chain([100, 200, 50, 300, 10])
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == 64 + 304  # 50 and 300 rounded up to 16
    assert result.lower_bound_exact
    assert result.arena_size == result.lower_bound
    assert result.gap_reason == ""
    assert result.order == [0, 1, 2, 3]
    assert result.peak_step == 2


def test_lifetimes_span_graph_boundaries():
    problem = chain([10, 20, 30])
    assert compute_lifetimes(problem, [0, 1]) == {0: (-1, 0), 1: (0, 1), 2: (1, 1)}


def diamond_problem() -> Problem:
    """Two branches, each with a large intermediate (1000 and 800 bytes); the file interleaves them, so running
    one branch to its end before starting the other halves the peak."""
    sizes = {0: 16, 1: 1000, 2: 800, 3: 16, 4: 16, 5: 16}
    steps = (
        Step((0,), (1,)),  # branch A, large
        Step((0,), (2,)),  # branch B, large
        Step((1,), (3,)),  # branch A, small result
        Step((2,), (4,)),  # branch B, small result
        Step((3, 4), (5,)),  # join
    )
    return Problem(sizes, steps, (0,), (5,))


def test_diamond_order_avoids_both_large_intermediates_at_once():
    problem = diamond_problem()
    result = plan(problem)
    verify_plan(problem, result)
    assert max(live_profile(problem, list(range(5)))) == 16 + 1008 + 800
    assert result.lower_bound == 16 + 1008 + 16  # input, A's intermediate, and the other branch's 16-byte result
    assert result.lower_bound_exact
    assert result.arena_size == result.lower_bound
    assert result.order.index(2) < result.order.index(1) or result.order.index(3) < result.order.index(0)


def test_inplace_add_shares_the_dying_input_slot():
    sizes = {0: 64, 1: 64, 2: 64, 3: 64}
    steps = (
        Step((0,), (1,)),
        Step((0,), (2,)),
        Step((0, 1, 2), (3,), inplace=((1, 3), (2, 3))),  # all four buffers are live at this step
    )
    problem = Problem(sizes, steps, (0,), (3,))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == 3 * 64
    assert result.arena_size == 3 * 64
    assert result.offsets[3] in (result.offsets[1], result.offsets[2])


def test_inplace_is_ignored_when_the_input_lives_on():
    sizes = {0: 64, 1: 64, 2: 64}
    steps = (Step((0,), (1,), inplace=((0, 1),)), Step((0, 1), (2,)))
    problem = Problem(sizes, steps, (0,), (2,))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.offsets[0] != result.offsets[1]
    assert result.arena_size == 3 * 64


def test_inplace_needs_an_output_no_larger_than_the_input():
    sizes = {0: 32, 1: 64}
    problem = Problem(sizes, (Step((0,), (1,), inplace=((0, 1),)),), (0,), (1,))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.arena_size == 96


def test_scratch_is_planned_and_overlaps_nothing_live():
    problem = Problem({0: 40, 1: 40, 2: 40}, (Step((0,), (1,), scratch=100), Step((1,), (2,))), (0,), (2,))
    result = plan(problem)
    verify_plan(problem, result)
    assert set(result.scratch_offsets) == {0}
    assert result.lower_bound == 48 + 48 + 112
    assert result.arena_size == result.lower_bound


@pytest.mark.parametrize("alignment", [1, 4, 8, 64])
def test_alignment_is_configurable(alignment):
    problem = chain([3, 5, 7, 9], alignment=alignment)
    result = plan(problem)
    verify_plan(problem, result)
    assert all(offset % alignment == 0 for offset in result.offsets.values())
    assert result.arena_size % alignment == 0
    assert result.lower_bound == max(align_up(a, alignment) + align_up(b, alignment) for a, b in [(3, 5), (5, 7), (7, 9)])


def test_buffer_that_is_input_and_output_lives_throughout():
    problem = Problem({0: 16, 1: 16}, (Step((0,), (1,)),), (0,), (0, 1))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lifetimes[0] == (-1, 0)
    assert result.arena_size == 32


def test_verify_rejects_overlap_misalignment_and_bad_order():
    problem = chain([16, 16, 16])
    good = plan(problem)
    overlapping = Plan(**{**good.__dict__, "offsets": {0: 0, 1: 0, 2: 16}})
    with pytest.raises(PlanError, match="overlap"):
        verify_plan(problem, overlapping)
    misaligned = Plan(**{**good.__dict__, "offsets": {0: 0, 1: 20, 2: 0}, "arena_size": 48})
    with pytest.raises(PlanError, match="aligned"):
        verify_plan(problem, misaligned)
    reordered = Plan(**{**good.__dict__, "order": [1, 0]})
    with pytest.raises(PlanError, match="before they are written"):
        verify_plan(problem, reordered)
    too_small = Plan(**{**good.__dict__, "arena_size": 16})
    with pytest.raises(PlanError, match="outside the arena"):
        verify_plan(problem, too_small)


def test_unknown_input_buffer_is_rejected():
    with pytest.raises(PlanError, match="neither a graph input"):
        plan(Problem({0: 16, 1: 16}, (Step((7,), (1,)),), (0,), (1,)))


def test_empty_graph():
    problem = Problem({0: 16}, (), (0,), (0,))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.arena_size == 16


@st.composite
def random_dags(draw, max_steps: int = 14) -> Problem:
    """Random DAGs: each step reads one to three earlier buffers (or graph inputs) and writes one or two."""
    alignment = draw(st.sampled_from([1, 4, 16]))
    n_inputs = draw(st.integers(1, 2))
    sizes = {b: draw(st.integers(1, 300)) for b in range(n_inputs)}
    available = list(range(n_inputs))
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        inputs = tuple(draw(st.lists(st.sampled_from(available), min_size=1, max_size=3, unique=True)))
        outputs = tuple(range(len(sizes), len(sizes) + draw(st.integers(1, 2))))
        for b in outputs:
            sizes[b] = draw(st.integers(1, 300))
        inplace = tuple((i, outputs[0]) for i in inputs if draw(st.booleans()))
        steps.append(Step(inputs, outputs, draw(st.sampled_from([0, 0, 40, 250])), inplace))
        available.extend(outputs)
    read = {b for s in steps for b in s.inputs}
    unread = [b for b in available if b not in read]
    outputs = tuple(unread[-draw(st.integers(1, len(unread))):]) if unread else (available[-1],)
    return Problem(sizes, tuple(steps), tuple(range(n_inputs)), outputs, alignment=alignment)


@settings(max_examples=100, deadline=None)
@given(random_dags())
def test_random_plans_are_valid_and_never_beat_the_bound(problem):
    result = plan(problem)
    verify_plan(problem, result)
    assert result.arena_size >= result.lower_bound
    assert all(offset % problem.alignment == 0 for offset in result.offsets.values())
    assert all(offset % problem.alignment == 0 for offset in result.scratch_offsets.values())
    assert max(live_profile(problem, result.order)) <= result.arena_size
    assert (result.gap_reason == "") == (result.arena_size == result.lower_bound)


@settings(max_examples=40, deadline=None)
@given(random_dags(max_steps=7))
def test_exact_bound_matches_brute_force_over_orders(problem):
    result = plan(problem)
    assert result.lower_bound_exact
    assert result.lower_bound == min(max(live_profile(problem, order)) for order in topological_orders(problem))


def topological_orders(problem: Problem):
    """Every valid execution order (small graphs only)."""
    producer = {b: s for s, step in enumerate(problem.steps) for b in step.outputs}
    deps = [{producer[b] for b in step.inputs if b in producer} for step in problem.steps]

    def extend(order):
        if len(order) == len(problem.steps):
            yield list(order)
            return
        for s in range(len(problem.steps)):
            if s not in order and deps[s] <= set(order):
                yield from extend([*order, s])

    yield from extend([])


@settings(max_examples=40, deadline=None)
@given(random_dags(max_steps=7))
def test_fallback_for_wide_graphs_gives_a_valid_plan_and_bound(problem):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner, "MAX_ORDER_TRANSITIONS", 0)  # as if the graph were too wide to search exactly
        result = plan(problem)
    verify_plan(problem, result)
    best = min(max(live_profile(problem, order)) for order in topological_orders(problem))
    assert result.lower_bound <= best
    assert result.arena_size >= result.lower_bound
    if result.lower_bound_exact:
        assert result.lower_bound == best
