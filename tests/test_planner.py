"""The memory planner on synthetic graphs: exact small cases, then invariants on random DAGs."""

from __future__ import annotations

import itertools

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


def test_pairs_mean_gap_zero_and_the_output_may_run_past_the_input():
    sizes = {0: 32, 1: 64}
    problem = Problem(sizes, (Step((0,), (1,), inplace=((0, 1),)),), (0,), (1,))
    assert problem.steps[0].inplace == ((0, 1, 0),)
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == result.arena_size == 64
    assert result.offsets == {0: 0, 1: 0}


def gap_chain(sizes: list[int], gaps: list[int | None]) -> Problem:
    """A chain whose step k may overlap its output with its input at the given gap (None: no triple)."""
    steps = tuple(
        Step((k,), (k + 1,), inplace=() if gap is None else ((k, k + 1, gap),)) for k, gap in enumerate(gaps)
    )
    return Problem(dict(enumerate(sizes)), steps, (0,), (len(sizes) - 1,))


def test_gap_overlap_saves_exactly_the_expected_bytes():
    # without overlap the chain peaks at 256 + 256 at step 0; with gap 40 it needs 256 + 48 (gap aligned to 16)
    problem = gap_chain([256, 256, 16], [40, None])
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == 256 + 48
    assert result.lower_bound_exact
    assert result.arena_size == 256 + 48
    assert result.offsets[1] + 40 <= result.offsets[0] < result.offsets[1] + 256  # they do overlap
    assert planner.plan_overlaps(problem, result) == [(0, 1, 256 - 48)]


def test_a_gap_as_large_as_the_output_forbids_any_saving():
    problem = gap_chain([128, 128], [128])
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == result.arena_size == 256
    assert planner.plan_overlaps(problem, result) == []


def test_verify_enforces_the_gap_rule():
    problem = gap_chain([256, 256], [40])
    good = plan(problem)
    for offsets in ({0: 48, 1: 0}, {0: 64, 1: 0}, {0: 256, 1: 0}, {0: 0, 1: 256}):
        verify_plan(problem, Plan(**{**good.__dict__, "offsets": offsets, "arena_size": 512}))
    for offsets in ({0: 32, 1: 0}, {0: 0, 1: 0}, {0: 0, 1: 48}):  # too close, or the output above the input
        with pytest.raises(PlanError, match="overlap"):
            verify_plan(problem, Plan(**{**good.__dict__, "offsets": offsets, "arena_size": 512}))


def test_negative_gap_lets_the_output_start_above_the_input():
    problem = gap_chain([128, 128], [-32])
    result = plan(problem)
    verify_plan(problem, result)
    assert result.arena_size == 128
    shifted = Plan(**{**result.__dict__, "offsets": {0: 0, 1: 32}, "arena_size": 160})
    verify_plan(problem, shifted)
    with pytest.raises(PlanError, match="overlap"):
        verify_plan(problem, Plan(**{**result.__dict__, "offsets": {0: 0, 1: 48}, "arena_size": 176}))


def test_output_larger_than_its_input_extends_past_the_input_end():
    problem = gap_chain([64, 256], [16])
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == result.arena_size == 256  # max(64 + 16, 256)
    assert result.offsets[1] + 16 <= result.offsets[0]


def depthwise_chain(blocks: int) -> Problem:
    """Like a keyword-spotting DS-CNN: a small input widened to 8000 bytes, then depthwise (gap 384) and pointwise
    (gap 63) steps of 8000 bytes each, then a pooled 64-byte result and a 12-byte classifier."""
    gaps = [7552, *[384, 63] * blocks, 0, None]
    return gap_chain([490, *[8000] * (2 * blocks + 1), 64, 12], gaps)


def test_chained_overlaps_drift_down_and_the_bound_counts_the_drift():
    # No two 8000-byte buffers fit side by side under 16000 bytes, so every pair of the chain overlaps and each
    # output sits its gap (aligned) below its input: the chain needs 8000 + 4 * 384 + 4 * 64 bytes, above the
    # 8000 + 384 live at the peak step.
    problem = depthwise_chain(4)
    result = plan(problem)
    verify_plan(problem, result)
    assert max(live_profile(problem, result.order)) == 8000 + 384
    assert result.lower_bound == planner.drift_bound(problem, 8000 + 384) == 8000 + 4 * 384 + 4 * 64
    assert result.arena_size == result.lower_bound
    assert result.lower_bound_exact and result.gap_reason == ""


def test_drift_bound_keeps_the_floor_when_pairs_can_sit_apart():
    problem = depthwise_chain(4)
    assert planner.drift_bound(problem, 16000) == 16000  # in 16000 bytes no pair has to overlap
    assert planner.drift_bound(gap_chain([256, 256, 16], [40, None]), 256 + 48) == 256 + 48


def mobilenet_chain() -> Problem:
    """The activations of a MobileNet v1 (96x96, width 0.25) with the gaps of its kernels: each depthwise or
    pointwise output may overlap its input only well below it, and the widening steps barely at all."""
    sizes = [27648, 18432, 18432, 36864, 9216, 18432, 18432, 18432, 4608, 9216, 9216, 9216, 2304, 4608,
             *[4608] * 10, 1152, 2304, 2304, 2304, 256, 2, 2]
    gaps = [101, 392, 18439, 0, 9231, 800, 31, 0, 4639, 832, 63, 0, 2367, 896, *[127, 896] * 4, 127, 0, 1279,
            1024, 255, 0, None, 0]
    return gap_chain(sizes, gaps)


def test_sweep_reaches_the_bound_where_first_fit_drifts():
    # The peak step (18432 -> 36864 with a gap of 18439) fixes its pair at the bottom and top of the arena; the
    # steps before it must jump back up instead of drifting down, which no first-fit order does.
    problem = mobilenet_chain()
    graph = planner._analyse(problem)
    order = list(range(len(problem.steps)))
    lifetimes = compute_lifetimes(problem, order)
    layout = planner._Layout(
        planner._items(problem, graph, order, lifetimes), planner.overlap_triples(problem, order, lifetimes), 16
    )
    bound = 18448 + 18432
    assert layout.arena(planner._heuristic_offsets(layout)[3]) > bound
    swept = planner._sweep_search(layout, bound, 2 * bound)
    assert layout.arena(swept) == bound
    result = plan(problem)
    verify_plan(problem, result)
    check_overlaps_independently(problem, result)
    assert result.lower_bound == result.arena_size == bound


def chain_optimum(problem: Problem) -> int:
    """The smallest arena of a chain (buffer k feeds step k, which writes buffer k + 1), by enumerating every
    aligned offset of every buffer, one neighbouring pair at a time."""
    align = problem.alignment
    sizes = [align_up(problem.sizes[b], align) for b in range(len(problem.sizes))]
    gaps = [dict(((i, o), g) for i, o, g in step.inplace).get((k, k + 1)) for k, step in enumerate(problem.steps)]

    def fits(arena: int) -> bool:
        reachable = set(range(0, arena - sizes[0] + 1, align))
        for k, gap in enumerate(gaps):
            reachable = {
                y for y in range(0, arena - sizes[k + 1] + 1, align)
                if any(y + sizes[k + 1] <= x or x + sizes[k] <= y or (gap is not None and y + gap <= x)
                       for x in reachable)
            }
        return bool(reachable)

    arena = max(sizes)
    while not fits(arena):
        arena += align
    return arena


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_chains_plan_at_their_optimum_and_the_bound_never_exceeds_it(data):
    n = data.draw(st.integers(2, 13))
    sizes = data.draw(st.lists(st.sampled_from([16, 32, 48, 64, 96, 128]), min_size=n, max_size=n))
    gaps = data.draw(st.lists(st.one_of(st.none(), st.integers(-40, 140)), min_size=n - 1, max_size=n - 1))
    problem = gap_chain(sizes, gaps)
    result = plan(problem)
    verify_plan(problem, result)
    optimum = chain_optimum(problem)
    assert result.lower_bound <= optimum
    assert result.arena_size == optimum


@st.composite
def overlapping_dags(draw) -> Problem:
    """Small, mostly chained DAGs of mostly equal buffers where every step may overlap its output with its inputs
    at small gaps: the pairs often have to overlap, so their gaps add up."""
    sizes = {0: draw(st.sampled_from([16, 64]))}
    available = [0]
    steps = []
    for _ in range(draw(st.integers(3, 5))):
        extra = draw(st.lists(st.sampled_from(available[-3:-1]), max_size=1)) if len(available) > 1 else []
        inputs = (available[-1], *extra)
        out = len(sizes)
        sizes[out] = draw(st.sampled_from([16, 64, 64, 64, 64, 80]))
        steps.append(Step(inputs, (out,), 0, tuple((i, out, draw(st.sampled_from([0, 16, 16, 32, 64]))) for i in inputs)))
        available.append(out)
    read = {b for step in steps for b in step.inputs}
    return Problem(sizes, tuple(steps), (0,), tuple(b for b in available if b not in read))


def order_optimum(problem: Problem, order: list[int]) -> int | None:
    """The smallest arena for one order by the exhaustive offset search (complete without negative gaps), or
    None when the search runs out of nodes."""
    graph = planner._analyse(problem)
    lifetimes = compute_lifetimes(problem, order)
    layout = planner._Layout(
        planner._items(problem, graph, order, lifetimes), planner.overlap_triples(problem, order, lifetimes), 16
    )
    best = sum(item.size for item in layout.items) + 16
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner, "MAX_EXACT_NODES", 3_000)
        offsets, finished = planner._exact_offsets(layout, 0, best)
    return layout.arena(offsets) if finished and offsets is not None else None


@settings(max_examples=100, deadline=None)
@given(overlapping_dags())
def test_bound_with_drift_never_exceeds_the_optimum_over_all_orders(problem):
    result = plan(problem)
    optima = [order_optimum(problem, order) for order in topological_orders(problem)]
    if None not in optima:
        assert result.lower_bound <= min(optima) <= result.arena_size


def test_one_output_may_overlap_two_dying_inputs():
    sizes = {0: 64, 1: 64, 2: 64, 3: 192}
    steps = (
        Step((0,), (1,)),
        Step((0,), (2,)),
        Step((1, 2), (3,), inplace=((1, 3, 0), (2, 3, 0))),  # 64 + 64 + 192 without overlap
    )
    problem = Problem(sizes, steps, (0,), (3,))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == result.arena_size == 192
    assert sorted(i for i, _, _ in planner.plan_overlaps(problem, result)) == [1, 2]


def test_triple_is_unusable_when_the_input_is_a_graph_output():
    problem = Problem({0: 64, 1: 64}, (Step((0,), (1,), inplace=((0, 1, -16),)),), (0,), (0, 1))
    result = plan(problem)
    verify_plan(problem, result)
    assert result.lower_bound == result.arena_size == 128
    with pytest.raises(PlanError, match="overlap"):
        verify_plan(problem, Plan(**{**result.__dict__, "offsets": {0: 0, 1: 0}}))


def test_plans_are_deterministic():
    problem = diamond_problem()
    assert plan(problem) == plan(problem)


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
        inplace = tuple(
            (i, draw(st.sampled_from(outputs)), draw(st.integers(-48, 320)))[: draw(st.sampled_from([2, 3, 3]))]
            for i in inputs if draw(st.booleans())
        )
        steps.append(Step(inputs, outputs, draw(st.sampled_from([0, 0, 40, 250])), inplace))
        available.extend(outputs)
    read = {b for s in steps for b in s.inputs}
    unread = [b for b in available if b not in read]
    outputs = tuple(unread[-draw(st.integers(1, len(unread))):]) if unread else (available[-1],)
    return Problem(sizes, tuple(steps), tuple(range(n_inputs)), outputs, alignment=alignment)


def check_overlaps_independently(problem: Problem, result: Plan) -> None:
    """Recheck a plan without the planner's code: regions live at the same step are disjoint, except a declared
    (input, output, gap) whose input dies at that step (and is no graph output), whose output starts there, and
    whose offsets satisfy offset(output) + gap <= offset(input) for every gap declared for the pair."""
    first: dict[int, int] = {b: -1 for b in problem.graph_inputs}
    last: dict[int, int] = {b: -1 for b in problem.graph_inputs}
    for pos, index in enumerate(result.order):
        for b in (*problem.steps[index].outputs, *problem.steps[index].inputs):
            first.setdefault(b, pos)
            last[b] = pos
    end = len(result.order) - 1
    for b in problem.graph_outputs:
        first.setdefault(b, end)
        last[b] = end
    regions = [(b, result.offsets[b], problem.sizes[b], first[b], last[b]) for b in first]
    for pos, index in enumerate(result.order):
        if problem.steps[index].scratch:
            regions.append(("scratch", result.scratch_offsets[index], problem.steps[index].scratch, pos, pos))
    for (ka, oa, sa, la, ha), (kb, ob, sb, lb, hb) in itertools.combinations(regions, 2):
        pos = max(la, lb)  # the first position where both are live
        if not (pos <= min(ha, hb) and oa < ob + sb and ob < oa + sa):
            continue
        assert pos >= 0, f"graph inputs {ka} and {kb} overlap"
        step = problem.steps[result.order[pos]]
        by_key = {ka: (oa, la, ha), kb: (ob, lb, hb)}
        for i, o in ((ka, kb), (kb, ka)):
            gaps = [t[2] if len(t) > 2 else 0 for t in step.inplace if (t[0], t[1]) == (i, o)]
            if gaps:
                break
        assert gaps, f"{ka} and {kb} overlap while both live"
        (oi, _, last_i), (oo, first_o, _) = by_key[i], by_key[o]
        assert last_i == pos and first_o == pos and i not in problem.graph_outputs, (i, o)
        assert i in step.inputs and o in step.outputs and i not in step.outputs and o not in step.inputs
        assert all(oo + gap <= oi for gap in gaps), (i, o, oi, oo, gaps)


def simulate_bytes(problem: Problem, result: Plan) -> None:
    """Run the plan on a byte-level model of the arena: every op streams, writing output byte w only after it has
    read every input byte at position <= w - gap of each input it declares an overlap with (the most a kernel with
    that gap may have left unread), and reading its other inputs at the end. Every byte read must still hold what
    its producer wrote; so must the graph outputs at the end."""
    arena: list[tuple[int, int] | None] = [None] * result.arena_size
    for b in problem.graph_inputs:
        for k in range(problem.sizes[b]):
            arena[result.offsets[b] + k] = (b, k)

    def read(b: int, k: int) -> None:
        assert arena[result.offsets[b] + k] == (b, k), f"byte {k} of buffer {b} was overwritten before it was read"

    for index in result.order:
        step = problem.steps[index]
        if step.scratch:
            start = result.scratch_offsets[index]
            arena[start:start + step.scratch] = [("scratch", index)] * step.scratch
        unread = {b: 0 for b in step.inputs}  # next position of each input still to read
        for o in step.outputs:
            gaps = {i: max(t[2] if len(t) > 2 else 0 for t in step.inplace if t[:2] == (i, o))
                    for i in step.inputs if any(t[:2] == (i, o) for t in step.inplace)}
            for w in range(problem.sizes[o]):
                for i, gap in gaps.items():
                    while unread[i] < problem.sizes[i] and unread[i] <= w - gap:
                        read(i, unread[i])
                        unread[i] += 1
                arena[result.offsets[o] + w] = (o, w)
        for i, position in unread.items():
            for k in range(position, problem.sizes[i]):
                read(i, k)
    for b in problem.graph_outputs:
        for k in range(problem.sizes[b]):
            read(b, k)


@settings(max_examples=100, deadline=None)
@given(random_dags())
def test_random_plans_are_valid_and_never_beat_the_bound(problem):
    result = plan(problem)
    verify_plan(problem, result)
    check_overlaps_independently(problem, result)
    simulate_bytes(problem, result)
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
    best = min(max(live_profile(problem, order)) for order in topological_orders(problem))
    assert result.lower_bound == planner.drift_bound(problem, best)


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
    best = planner.drift_bound(problem, min(max(live_profile(problem, order)) for order in topological_orders(problem)))
    assert result.lower_bound <= best
    assert result.arena_size >= result.lower_bound
    if result.lower_bound_exact:
        assert result.lower_bound == best


def test_buffer_written_by_several_steps():
    # steps 1 and 2 each write part of buffer 3 (a concatenation written in place); step 3 reads it
    problem = Problem(sizes={0: 32, 1: 32, 3: 64, 4: 64},
                      steps=(Step((0,), (1,)), Step((1,), (3,)), Step((0,), (3,)), Step((3,), (4,))),
                      graph_inputs=(0,), graph_outputs=(4,), alignment=16)
    result = plan(problem)
    verify_plan(problem, result)
    assert result.order.index(3) == 3 and result.order.index(1) < result.order.index(2)
    assert max(live_profile(problem, result.order)) == 32 + 32 + 64  # buffer 3 counted once
    bad = Plan(**{**vars(result), "order": [0, 1, 3, 2]})
    with pytest.raises(PlanError, match="reads"):
        verify_plan(problem, bad)


def test_a_long_chain_plans_in_near_linear_time():
    import time

    from mcugen.bench.resources import chain_problem

    problem = chain_problem(5000)
    start = time.perf_counter()
    result = plan(problem)
    assert time.perf_counter() - start < 10  # about 0.5 s; generous for a loaded machine
    verify_plan(problem, result)
    assert result.arena_size == result.lower_bound and not result.budget_exhausted


def test_a_wide_graph_stops_at_the_work_limits_with_a_valid_plan():
    from mcugen.bench.resources import branch_problem

    problem = branch_problem(1024)
    result = plan(problem)
    verify_plan(problem, result)
    assert result.budget_exhausted and "work limits" in result.gap_reason
    assert result.arena_size < max(live_profile(problem, list(range(len(problem.steps)))))
    assert plan(problem) == result  # the limits count steps, not time
