"""Static memory planning: an execution order for the ops and a byte offset in one arena for every activation.

The planner works on a small, IR-independent description of the graph (Problem: buffer sizes and, per op, the
buffers it reads and writes, its kernel scratch and its overlap triples), so it can be tested on synthetic graphs.

Overlap. A streaming kernel writes its output in increasing address order while it reads its input in increasing
order, so the output may start below a dying input and run into it, as long as no write lands on an input byte that
is still to be read. An op declares this as a triple (input, output, gap): with `gap` = max over the writes of
(write position - smallest input position still to be read afterwards) + 1, every placement with
offset(output) + gap <= offset(input) is safe. gap <= 0 includes the classic in-place slot (same offset). The triple
is usable only when the input dies at the op (and is no graph output); then the pair needs
max(size(input) + max(gap, 0), size(output)) bytes instead of the sum.

Several writers. A buffer may be written by several steps, each its own part (the inputs of a concatenation
written in place). The first writer in file order makes it live; the others run after it, its readers after all.

Three questions are answered in turn:

1. Order. The live bytes at each step depend on the execution order when the graph branches. A dynamic program
   over the sets of executed steps finds the order with the smallest peak (exact, and fast while the graph's
   frontier stays narrow); wider graphs fall back to a beam search over the same states (and the file order).
2. Lower bound. No arena can be smaller than the live bytes at the peak of the best order (sizes rounded up to
   the alignment, overlapping pairs counted by their smallest union). When the order search gives up, the bound is the
   bytes every order must hold at once around each step (`forced_live_bound`), and it is marked as not exact.
   Chains of pairs that must overlap add their gaps up, which can raise the bound above the peak (`drift_bound`).
3. Offsets. Placing intervals in an arena is NP-hard in general, so several first-fit strategies are tried (by
   size, lifetime, start, conflicts, area; with and without a preference for the tightest overlap), then an exact
   search on small problems and a bounded local search on the rest; the smallest arena wins. While it is still
   above the bound, a search that places the buffers in the order they are born, at their extreme legal offsets
   for a target arena, takes over (`_sweep_offsets`): within its budget it is complete on chains such as
   MobileNet's, where first fit lets every output drift below its input.

`verify_plan` checks a plan independently of how it was made.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Hashable

from mcugen.errors import InternalError

# Limits that keep planning well inside the compile-time budget. They count steps of work, not time, so the same
# model always gets the same plan on any machine; every search stops at its limit with the best result so far.
MAX_ORDER_TRANSITIONS = 60_000  # state expansions of the exact order search before it gives up
ORDER_BEAM = 64  # sets of executed steps kept per layer by the heuristic order search
MAX_BEAM_TRANSITIONS = 300_000  # state expansions of the heuristic order search; then the file order finishes it
ORDER_CANDIDATES = 8  # steps tried from one set by the heuristic search (besides those the last step unlocked)
MAX_EXACT_ITEMS = 9  # problems with at most this many items get an exhaustive offset search
MAX_EXACT_NODES = 60_000  # nodes of that search before it gives up
LOCAL_SEARCH_ROUNDS = 40  # passes of the priority-list local search
SWEEP_NODES = 2_000  # placements the sweep search may try, over all its target arenas
# Conflicts examined by the offset searches of one order (a placement examines the placed items it conflicts
# with). The first heuristic always runs to the end; the others, the local search and the sweep stop here.
PLACEMENT_WORK = 2_000_000


class PlanError(InternalError):
    """A plan breaks an invariant (overlap of live buffers, misalignment, invalid order): a bug in mcugen."""


@dataclass(frozen=True)
class Step:
    """One op as the planner sees it."""

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    scratch: int = 0
    # (input buffer, output buffer, gap): when the input dies at this step, the output may overlap it provided
    # offset(output) + gap <= offset(input). An (input, output) pair means gap 0, the classic in-place slot.
    inplace: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self):
        triples = tuple((t[0], t[1], t[2] if len(t) > 2 else 0) for t in self.inplace)
        object.__setattr__(self, "inplace", triples)


@dataclass(frozen=True)
class Problem:
    """What must be planned: buffer sizes, the ops in the model file's (topological) order, graph inputs/outputs."""

    sizes: dict[int, int]
    steps: tuple[Step, ...]
    graph_inputs: tuple[int, ...]
    graph_outputs: tuple[int, ...]
    names: dict[int, str] = field(default_factory=dict)
    alignment: int = 16
    keep_order: bool = False  # run the steps in file order (they depend on each other beyond their buffers)


@dataclass
class Plan:
    """The result: order, offsets, arena size and how it compares with the lower bound."""

    order: list[int]
    offsets: dict[int, int]
    scratch_offsets: dict[int, int]
    arena_size: int
    lower_bound: int
    lower_bound_exact: bool
    peak_step: int
    strategy: str
    lifetimes: dict[int, tuple[int, int]]
    gap_reason: str
    budget_exhausted: bool = False  # a search stopped at its work limit (the plan is valid, perhaps not the best)


def align_up(value: int, alignment: int) -> int:
    """Round `value` up to a multiple of `alignment`."""
    return -(-value // alignment) * alignment


def align_down(value: int, alignment: int) -> int:
    """Round `value` down to a multiple of `alignment`."""
    return value // alignment * alignment


# ---- graph facts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    """Facts about a Problem that do not depend on the order: who writes and reads each buffer, step deps."""

    producer: dict[int, int]  # buffer -> first step (in file order) that writes it
    readers: dict[int, frozenset[int]]  # buffer -> steps that read it
    preds: tuple[int, ...]  # step -> bitmask of the steps producing its inputs
    asize: dict[int, int]  # buffer -> size rounded up to the alignment
    succs: tuple[tuple[int, ...], ...] = ()  # step -> the steps reading one of its outputs, ascending
    pred_lists: tuple[tuple[int, ...], ...] = ()  # step -> the steps producing its inputs, ascending


def _analyse(problem: Problem) -> _Graph:
    """Collect producers, readers and dependencies; reject steps that read a buffer nobody provides.

    A buffer may be written by several steps, each its own part (a concatenation whose inputs are written in
    place): its producer is the first of them in file order, which every other writer then follows, and every
    reader waits for all of them."""
    producer: dict[int, int] = {}
    writers: dict[int, int] = {}  # buffer -> bitmask of the steps that write it
    readers: dict[int, set[int]] = {}
    for index, step in enumerate(problem.steps):
        for b in step.outputs:
            producer.setdefault(b, index)
            writers[b] = writers.get(b, 0) | 1 << index
    for index, step in enumerate(problem.steps):
        for b in step.inputs:
            if b not in producer and b not in problem.graph_inputs:
                raise PlanError(f"step {index} reads buffer {b}, which is neither a graph input nor written by a step")
            readers.setdefault(b, set()).add(index)
    pred_lists = []
    for index, step in enumerate(problem.steps):
        before = {w for b in step.inputs for w in _bits(writers.get(b, 0))}
        before |= {producer[b] for b in step.outputs}
        before.discard(index)
        pred_lists.append(tuple(sorted(before)))
    succs: list[list[int]] = [[] for _ in problem.steps]
    for index, before in enumerate(pred_lists):
        for p in before:
            succs[p].append(index)
    preds = tuple(_mask(before) for before in pred_lists)
    asize = {b: align_up(size, problem.alignment) for b, size in problem.sizes.items()}
    return _Graph(producer, {b: frozenset(r) for b, r in readers.items()}, preds, asize,
                  tuple(tuple(s) for s in succs), tuple(pred_lists))


def _mask(indices) -> int:
    bits = 0
    for i in indices:
        bits |= 1 << i
    return bits


def _bits(mask: int) -> list[int]:
    """The positions of the set bits of `mask`, ascending (linear in its length, however many are set)."""
    text = bin(mask)[:1:-1]
    return [i for i, c in enumerate(text) if c == "1"]


def compute_lifetimes(problem: Problem, order: list[int]) -> dict[int, tuple[int, int]]:
    """First and last position (inclusive) of every referenced buffer in `order`.

    Graph inputs start at -1 (before the first step); graph outputs end at the last position. A buffer nobody
    reads dies where it is written. Buffers no step or graph boundary mentions get no lifetime (nothing to place).
    """
    end = len(order) - 1
    first: dict[int, int] = {b: -1 for b in problem.graph_inputs}
    last: dict[int, int] = {b: -1 for b in problem.graph_inputs}
    for pos, index in enumerate(order):
        step = problem.steps[index]
        for b in (*step.outputs, *step.inputs):
            first.setdefault(b, pos)
            last[b] = max(last.get(b, pos), pos)
    for b in problem.graph_outputs:
        first.setdefault(b, end)
        last[b] = end
    return {b: (first[b], last[b]) for b in first}


def step_triples(problem: Problem, step: Step) -> dict[tuple[int, int], int]:
    """The overlap triples of `step` that can ever be used, as {(input, output): gap}: the input is read and not
    written by the step and is no graph output, the output is written and not read and is no graph input. A pair
    declared twice keeps its larger (safer) gap."""
    triples: dict[tuple[int, int], int] = {}
    for i, o, gap in step.inplace:
        if (
            i != o and i in step.inputs and i not in step.outputs and i not in problem.graph_outputs
            and o in step.outputs and o not in step.inputs and o not in problem.graph_inputs
        ):
            triples[i, o] = max(gap, triples.get((i, o), gap))
    return triples


def overlap_triples(
    problem: Problem, order: list[int], lifetimes: dict[int, tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """The triples usable in `order`, as {(input, output): gap}: the input dies at the step and the output starts
    there. Only these pairs may overlap, and only with offset(output) + gap <= offset(input)."""
    usable: dict[tuple[int, int], int] = {}
    for pos, index in enumerate(order):
        for (i, o), gap in step_triples(problem, problem.steps[index]).items():
            if i in lifetimes and o in lifetimes and lifetimes[i][1] == pos and lifetimes[o][0] == pos:
                usable[i, o] = gap
    return usable


def overlap_allowed(offset_input: int, offset_output: int, gap: int) -> bool:
    """The placement rule of a usable triple."""
    return offset_output + gap <= offset_input


def pair_saving(size_input: int, size_output: int, gap: int, alignment: int) -> int:
    """Bytes a usable triple can save at most (aligned sizes): the sum minus the smallest union,
    max(size_input + max(gap, 0), size_output) with the gap rounded up to the alignment (offsets are aligned)."""
    union = max(size_input + align_up(max(gap, 0), alignment), size_output)
    return max(0, size_input + size_output - union)


def _max_overlap_saving(triples: list[tuple[int, int, int]], asize: dict[int, int], alignment: int) -> int:
    """An upper bound on the bytes saved by overlaps at one step, exact when the step has one output or one
    overlapping input. The inputs are disjoint from each other and so are the outputs, hence the overlaps inside
    one buffer add up to at most its size; each pair overlaps at most its `pair_saving`.

    Saving too much only weakens the lower bound, never breaks it."""
    if not triples:
        return 0
    per_input: dict[int, int] = {}
    per_output: dict[int, int] = {}
    total = 0
    for i, o, gap in triples:
        saving = pair_saving(asize[i], asize[o], gap, alignment)
        per_input[i] = per_input.get(i, 0) + saving
        per_output[o] = per_output.get(o, 0) + saving
        total += saving
    return min(
        total,
        sum(min(asize[i], s) for i, s in per_input.items()),
        sum(min(asize[o], s) for o, s in per_output.items()),
    )


# ---- live bytes and execution order -------------------------------------------------------------------------


def live_profile(problem: Problem, order: list[int]) -> list[int]:
    """Live bytes (aligned sizes, minus what usable overlaps can save, plus scratch) at each position of `order`;
    entry 0 is position -1 (graph inputs before the first step)."""
    graph = _analyse(problem)
    lifetimes = compute_lifetimes(problem, order)
    live = [0] * (len(order) + 1)
    for b, (lo, hi) in lifetimes.items():
        for pos in range(lo, hi + 1):
            live[pos + 1] += graph.asize[b]
    for pos, index in enumerate(order):
        step = problem.steps[index]
        triples = [
            (i, o, gap) for (i, o), gap in step_triples(problem, step).items()
            if lifetimes[i][1] == pos and lifetimes[o][0] == pos
        ]
        saving = _max_overlap_saving(triples, graph.asize, problem.alignment)
        live[pos + 1] += align_up(step.scratch, problem.alignment) - saving
    return live


class _OrderSearch:
    """Live-byte bookkeeping over sets of executed steps (bitmasks), shared by the order searches.

    The bytes live after executing a set S do not depend on the order inside S, which is what makes the dynamic
    program over sets exact. Per-step facts are precomputed because the search calls `execute` very often."""

    def __init__(self, problem: Problem, graph: _Graph):
        self.problem = problem
        self.graph = graph
        outputs = set(problem.graph_outputs)
        self.all_steps = (1 << len(problem.steps)) - 1
        reader_mask = {b: _mask(r) for b, r in graph.readers.items()}
        self.initial_live = sum(
            graph.asize[b] for b in set(problem.graph_inputs) if b in reader_mask or b in outputs
        )
        self.successors = graph.succs
        self.facts = [
            self._step_facts(problem, graph, s, step, reader_mask, outputs) for s, step in enumerate(problem.steps)
        ]

    @staticmethod
    def _step_facts(problem: Problem, graph: _Graph, s: int, step: Step, reader_mask: dict, outputs: set) -> tuple:
        """(bytes added while running, bytes kept after, [(input, its readers, size)] that may die, triples)."""
        new = {b for b in step.outputs if b not in step.inputs and graph.producer[b] == s}
        running = sum(graph.asize[b] for b in new) + align_up(step.scratch, problem.alignment)
        kept = sum(graph.asize[b] for b in new if b in reader_mask or b in outputs)
        mortal = [(b, reader_mask[b], graph.asize[b]) for b in set(step.inputs) if b not in outputs]
        triples = [(i, o, gap) for (i, o), gap in step_triples(problem, step).items() if graph.producer[o] == s]
        return running, kept, mortal, triples

    def start(self) -> tuple[int, int, tuple[int, ...]]:
        """(executed set, live bytes, ready steps) before the first step."""
        preds = self.graph.preds
        return 0, self.initial_live, tuple(s for s in range(len(preds)) if preds[s] == 0)

    def execute(self, done: int, live: int, ready: tuple[int, ...], s: int) -> tuple[int, int, int, tuple[int, ...]]:
        """Run step s after the set `done`: (bytes live while it runs, new set, bytes live after, ready steps)."""
        during, after, live_after = self.cost(done, live, s)
        return during, after, live_after, self.next_ready(ready, s, after)

    def cost(self, done: int, live: int, s: int) -> tuple[int, int, int]:
        """(bytes live while step s runs after the set `done`, the new set, bytes live after it)."""
        running, kept, mortal, triples = self.facts[s]
        after = done | 1 << s
        dying = [(b, size) for b, readers, size in mortal if readers & ~after == 0]
        during = live + running
        if triples and dying:
            dead = {b for b, _ in dying}
            usable = [t for t in triples if t[0] in dead]
            during -= _max_overlap_saving(usable, self.graph.asize, self.problem.alignment)
        return during, after, live + kept - sum(size for _, size in dying)

    def next_ready(self, ready: tuple[int, ...], s: int, after: int) -> tuple[int, ...]:
        """The steps ready after running s from a state whose ready steps were `ready`; `after` includes s."""
        preds = self.graph.preds
        position = bisect.bisect_left(ready, s)
        following = list(ready[:position] + ready[position + 1 :])
        for t in self.successors[s]:
            if preds[t] & ~after == 0:
                bisect.insort(following, t)
        return tuple(following)


def min_peak_order(
    problem: Problem, graph: _Graph, max_transitions: int | None = None, beam: int | None = None
) -> tuple[list[int], int, bool] | None:
    """The topological order with the smallest live-byte peak, that peak, and whether the search ran out of budget,
    by dynamic programming over the sets of executed steps. Ties keep the order closest to the file order.

    Without `beam` the search is exact and gives up (None) after `max_transitions` state expansions (graphs with a
    wide frontier). With `beam`, only the `beam` most promising sets of each size are kept: a heuristic order;
    after `max_transitions` expansions (default MAX_BEAM_TRANSITIONS) it finishes the best set in file order."""
    if max_transitions is None:
        max_transitions = MAX_ORDER_TRANSITIONS if beam is None else MAX_BEAM_TRANSITIONS
    search = _OrderSearch(problem, graph)
    done, live, ready = search.start()
    base_peak = sum(graph.asize[b] for b in set(problem.graph_inputs))
    # executed set -> (peak so far, live bytes after, ready steps, previous set, last step); the ready steps of a
    # new set are computed only for the sets a layer keeps
    layer: dict[int, tuple] = {done: (base_peak, live, ready, -1, -1)}
    history = [layer]
    transitions = 0
    for depth in range(len(problem.steps)):
        nxt: dict[int, list] = {}
        for done, (peak, live, ready, _, last) in layer.items():
            if transitions > max_transitions:
                break
            tried = ready if beam is None else _candidates(graph, ready, last)
            for s in tried:
                during, state, after = search.cost(done, live, s)
                candidate = [max(peak, during), after, ready, done, s]
                if state not in nxt or candidate[0] < nxt[state][0]:
                    nxt[state] = candidate
            transitions += len(tried)
            if beam is None and transitions > max_transitions:
                return None
        if beam is not None:
            # spread what is left of the budget over the layers still to come
            width = (max_transitions - transitions) // max(1, (len(problem.steps) - depth) * ORDER_CANDIDATES)
            width = max(1, min(beam, width))
            if len(nxt) > width:
                nxt = dict(sorted(nxt.items(), key=lambda kv: (kv[1][0], kv[1][1]))[:width])
        for state, candidate in nxt.items():
            candidate[2] = search.next_ready(candidate[2], candidate[4], state)
        layer = {state: tuple(candidate) for state, candidate in nxt.items()}
        history.append(layer)
        if transitions > max_transitions:  # out of budget: the best set so far, then the rest in file order
            best = min(layer.items(), key=lambda kv: (kv[1][0], kv[1][1]))[0]
            order = _unwind(history, best)
            order += [s for s in range(len(problem.steps)) if not best >> s & 1]
            return order, max(live_profile(problem, order)), True
    return _unwind(history, search.all_steps), layer[search.all_steps][0], False


def _candidates(graph: _Graph, ready: tuple[int, ...], last: int) -> tuple[int, ...]:
    """The ready steps the heuristic search tries from one set: those the last step unlocked (finishing what it
    started frees memory soonest), then the first ORDER_CANDIDATES in file order."""
    if len(ready) <= ORDER_CANDIDATES:
        return ready
    unlocked = [t for t in graph.succs[last] if t in ready] if last >= 0 else []
    return tuple(dict.fromkeys((*unlocked, *ready[:ORDER_CANDIDATES])))


def _unwind(history: list[dict[int, tuple]], final: int) -> list[int]:
    """Follow the back-pointers of the order search from the full set to the empty one."""
    order: list[int] = []
    state = final
    for layer in reversed(history[1:]):
        *_, previous, step = layer[state]
        order.append(step)
        state = previous
    return order[::-1]


def _forced_steps(problem: Problem, graph: _Graph) -> list[tuple[int, list[tuple[int, int, int]]]]:
    """Per step s, facts valid for every order: (bytes live while s runs before any overlap, the triples of s whose
    input may die at s). While s runs, any buffer made before s (by an ancestor, or a graph input) and needed after
    s (by a descendant, or a graph output) must be live, besides s's own buffers and scratch."""
    n = len(problem.steps)
    ancestors = [0] * n
    for s in range(n):  # the file order is topological, so ancestors are complete when reached
        for p in graph.pred_lists[s]:
            ancestors[s] |= ancestors[p] | 1 << p
    descendants = [0] * n
    for s in reversed(range(n)):
        for t in graph.succs[s]:
            descendants[s] |= descendants[t] | 1 << t
    outputs = set(problem.graph_outputs)
    inputs = set(problem.graph_inputs)
    reader_mask = {b: _mask(r) for b, r in graph.readers.items()}
    everything = (1 << n) - 1
    touching: dict[int, int] = {}  # buffer -> the steps that read or write it
    for s, step in enumerate(problem.steps):
        for b in (*step.inputs, *step.outputs):
            touching[b] = touching.get(b, 0) | 1 << s
    # Per buffer, the steps during which it is made before and needed after: the descendants of its producer
    # (every step for a graph input) that are ancestors of one of its readers (every step for a graph output).
    # Linear in the steps that hold it, so a long chain costs a constant per buffer.
    held = [0] * n
    for b, size in graph.asize.items():
        if b in inputs:
            made = everything
        elif b in graph.producer:
            made = descendants[graph.producer[b]]
        else:
            continue
        needed = everything if b in outputs else 0
        if not needed:
            for r in graph.readers.get(b, ()):
                needed |= ancestors[r]
        for s in _bits(made & needed & ~touching.get(b, 0)):
            held[s] += size
    facts = []
    for s, step in enumerate(problem.steps):
        total = sum(graph.asize[b] for b in set(step.inputs) | set(step.outputs)) + held[s]
        triples = [
            (i, o, gap) for (i, o), gap in step_triples(problem, step).items()
            if graph.producer[o] == s and not reader_mask[i] & descendants[s]
        ]
        facts.append((total + align_up(step.scratch, problem.alignment), triples))
    return facts


def forced_live_bound(problem: Problem, graph: _Graph) -> int:
    """A lower bound valid for every order: the bytes every order holds while each step runs (`_forced_steps`),
    minus what the step's overlaps can save."""
    bound = sum(graph.asize[b] for b in set(problem.graph_inputs))
    for total, triples in _forced_steps(problem, graph):
        bound = max(bound, total - _max_overlap_saving(triples, graph.asize, problem.alignment))
    return bound


def drift_bound(problem: Problem, floor: int) -> int:
    """Raise the lower bound `floor` by the drift of chained overlaps, valid for every order.

    In an arena of A bytes, the input and output of a triple must overlap when the step's bytes without that
    overlap (`_forced_steps`, less what its other triples can save) exceed A; then offset(output) + gap <=
    offset(input). Along a chain of such forced pairs each buffer sits at least the sum of the gaps below the
    first, so A >= size(first) + the sum of the gaps: a chain of 8000-byte buffers with gaps of 384 and 64 needs
    8000 plus all its gaps, more than the two neighbours live at the peak. A larger A forces fewer pairs, so the
    smallest A that satisfies its own requirement (found by bisection) is the bound."""
    graph = _analyse(problem)
    align = problem.alignment
    pairs = []  # (bytes without the overlap, input, output, gap aligned)
    for total, triples in _forced_steps(problem, graph):
        for t in triples:
            others = [u for u in triples if u is not t]
            bytes_apart = total - _max_overlap_saving(others, graph.asize, align)
            pairs.append((bytes_apart, t[0], t[1], align_up(t[2], align)))
    if not pairs:
        return floor
    rank = {b: graph.producer.get(b, -1) for b in graph.asize}

    def required(arena: int) -> int:
        """The smallest arena the pairs forced in an arena of `arena` bytes allow."""
        below: dict[int, int] = {}  # buffer -> bytes its offset must keep below it
        for bytes_apart, i, o, gap in sorted(pairs, key=lambda p: -rank[p[2]]):
            if bytes_apart > arena:
                below[i] = max(below.get(i, 0), gap + below.get(o, 0))
        return max((graph.asize[b] + drop for b, drop in below.items()), default=0)

    lo, hi = align_up(floor, align), align_up(max(floor, required(floor)), align)
    while lo < hi:  # the smallest aligned arena at least as large as its own requirement
        mid = align_down((lo + hi) // 2, align)
        if mid >= required(mid):
            hi = mid
        else:
            lo = mid + align
    return lo


# ---- offsets --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One region to place: a buffer (key = buffer id) or a step's scratch (key = ("scratch", step index))."""

    key: Hashable
    size: int  # aligned
    lo: int
    hi: int


class _Layout:
    """Items of one order with their conflicts: pairs live at the same position must be disjoint, except the pairs
    of a usable triple, which may overlap when offset(output) + gap <= offset(input)."""

    def __init__(self, items: list[_Item], triples: dict[tuple[int, int], int], alignment: int):
        self.items = items
        self.alignment = alignment
        index = {item.key: k for k, item in enumerate(items)}
        self.conflicts: list[list[int]] = [[] for _ in items]
        # item -> {partner item: gap}, seen from either side of the triple
        self.hosts: list[dict[int, int]] = [{} for _ in items]  # as output: partner inputs
        self.guests: list[dict[int, int]] = [{} for _ in items]  # as input: partner outputs
        for a, b in _live_together([(item.lo, item.hi) for item in items]):
            self.conflicts[a].append(b)
            self.conflicts[b].append(a)
        for partners in self.conflicts:
            partners.sort()
        self.work = 0  # conflicts examined by placements so far (see PLACEMENT_WORK)
        for (i, o), gap in sorted(triples.items()):
            self.hosts[index[o]][index[i]] = gap
            self.guests[index[i]][index[o]] = gap
        self.has_negative_gap = any(gap < 0 for gap in triples.values())

    def first_fit(self, priority: list[int], prefer_overlap: bool, cutoff: int | None = None) -> dict[int, int] | None:
        """Place items in `priority` order, each at the lowest legal offset (or at the tightest overlap with a placed
        partner). None as soon as the arena would reach `cutoff`."""
        offsets: dict[int, int] = {}
        top = 0
        for k in priority:
            offset = self._place(k, offsets, prefer_overlap)
            offsets[k] = offset
            top = max(top, offset + self.items[k].size)
            if cutoff is not None and top >= cutoff:
                return None
        return offsets

    def _place(self, k: int, offsets: dict[int, int], prefer_overlap: bool) -> int:
        """The lowest legal offset for item k, or with `prefer_overlap` the lowest legal tightest-overlap slot next
        to a placed partner (output at input - gap aligned down, input at output + gap aligned up), if any."""
        blocked = sorted(self._blocked(k, offsets))
        if prefer_overlap:
            slots = sorted(s for s in self._overlap_slots(k, offsets) if all(not lo < s < hi for lo, hi in blocked))
            if slots:
                return slots[0]
        return self._lowest(blocked)

    def _lowest(self, blocked: list[tuple[int, int]]) -> int:
        """The lowest aligned offset outside the open intervals `blocked` (sorted)."""
        offset = 0
        for lo, hi in blocked:
            if lo >= offset:
                break
            if offset < hi:
                offset = align_up(hi, self.alignment)
        return offset

    def extremes(self, k: int, offsets: dict[int, int], limit: int) -> list[int]:
        """The legal offsets of item k that keep it below `limit` among the lowest, the tightest overlaps with its
        placed partners and the highest, in that order and without repeats."""
        blocked = sorted(self._blocked(k, offsets))
        top = align_down(limit - self.items[k].size, self.alignment)
        highest = top
        for lo, hi in reversed(blocked):  # by decreasing start, so no interval already passed can cover it again
            if lo < highest < hi:
                highest = align_down(lo, self.alignment)
        found = [self._lowest(blocked), *sorted(self._overlap_slots(k, offsets)), highest]
        legal = (o for o in found if 0 <= o <= top and all(not lo < o < hi for lo, hi in blocked))
        return list(dict.fromkeys(legal))

    def _blocked(self, k: int, offsets: dict[int, int]) -> list[tuple[int, int]]:
        """Open intervals (lo, hi) of offsets item k may not take, one per placed conflicting item."""
        size = self.items[k].size
        blocked = []
        self.work += len(self.conflicts[k]) + 1
        for c in self.conflicts[k]:
            if c not in offsets:
                continue
            lo, hi = offsets[c] - size, offsets[c] + self.items[c].size
            if c in self.hosts[k]:  # k is the output: overlapping needs offset(k) <= offset(c) - gap
                lo = max(lo, offsets[c] - self.hosts[k][c])
            elif c in self.guests[k]:  # k is the input: overlapping needs offset(k) >= offset(c) + gap
                hi = min(hi, offsets[c] + self.guests[k][c])
            if lo < hi:
                blocked.append((lo, hi))
        return blocked

    def _overlap_slots(self, k: int, offsets: dict[int, int]) -> set[int]:
        align = self.alignment
        slots = {
            offsets[c] - align_up(max(gap, 0), align) for c, gap in self.hosts[k].items() if c in offsets
        }
        slots.update(align_up(offsets[c] + max(gap, 0), align) for c, gap in self.guests[k].items() if c in offsets)
        return {s for s in slots if s >= 0}

    def arena(self, offsets: dict[int, int]) -> int:
        return max((offsets[k] + self.items[k].size for k in offsets), default=0)

    @property
    def out_of_work(self) -> bool:
        return self.work > PLACEMENT_WORK


def _live_together(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs (a, b), a < b, of inclusive intervals `spans` that intersect: a sweep over the starts, so the cost
    is the number of pairs plus n log n (a chain has few)."""
    pairs = []
    active: list[int] = []
    for k in sorted(range(len(spans)), key=lambda k: (spans[k][0], k)):
        lo = spans[k][0]
        active = [a for a in active if spans[a][1] >= lo]
        pairs.extend((min(a, k), max(a, k)) for a in active)
        active.append(k)
    return pairs


def _priorities(layout: _Layout) -> dict[str, list[int]]:
    """The placement orders tried for every layout, by name; each is a classic heuristic for interval packing."""
    items = layout.items
    weight = [sum(items[c].size for c in layout.conflicts[k]) for k in range(len(items))]

    def by(key: Callable[[int], tuple]) -> list[int]:
        return sorted(range(len(items)), key=lambda k: (*key(k), k))

    return {
        "size": by(lambda k: (-items[k].size, -(items[k].hi - items[k].lo))),
        "lifetime": by(lambda k: (-(items[k].hi - items[k].lo), -items[k].size)),
        "start": by(lambda k: (items[k].lo, -items[k].size)),
        "conflict": by(lambda k: (-weight[k] - items[k].size, -items[k].size)),
        "area": by(lambda k: (-items[k].size * (items[k].hi - items[k].lo + 1), -items[k].size)),
        # later buffers first: along a chain of overlaps each input then lands at its output + gap
        "reverse": by(lambda k: (-items[k].lo, -items[k].size)),
    }


def _heuristic_offsets(layout: _Layout, floor: int = 0) -> tuple[str, list[int], bool, dict[int, int]]:
    """Best of the first-fit strategies: (name, priority, prefer_overlap, offsets). Stops at the first that reaches
    `floor` (a lower bound: none can do better)."""
    best = None
    for name, priority in _priorities(layout).items():
        for prefer in (False, True):
            if best is not None and (layout.out_of_work or layout.arena(best[3]) <= floor):
                return best
            offsets = layout.first_fit(priority, prefer)
            label = name + ("+overlap" if prefer else "")
            if best is None or layout.arena(offsets) < layout.arena(best[3]):
                best = (label, priority, prefer, offsets)
    return best


def _exact_offsets(layout: _Layout, floor: int, best: int) -> tuple[dict[int, int] | None, bool]:
    """Exhaustive search over placement orders (first fit, or the tightest overlap), which contains an optimal
    packing when no gap is negative: placing the items of any packing in increasing offset order (an output before
    an input at the same offset), each at its lowest legal offset, never ends higher, because moving an item down
    only relaxes the rule of a later input and a later output can overlap an earlier input only at the same
    offset. Branches that already reach the best arena found are cut. Returns (better offsets or None, whether the
    search finished)."""
    n = len(layout.items)
    found: dict[int, int] | None = None
    nodes = 0

    def extend(offsets: dict[int, int], top: int) -> bool:
        """Depth-first over the next item to place; False when the node budget runs out."""
        nonlocal best, found, nodes
        nodes += 1
        if nodes > MAX_EXACT_NODES:
            return False
        if len(offsets) == n:
            best, found = top, dict(offsets)
            return True
        for k in (k for k in range(n) if k not in offsets):
            for offset in sorted({layout._place(k, offsets, prefer) for prefer in (False, True)}):
                if max(top, offset + layout.items[k].size) >= best:
                    continue
                offsets[k] = offset
                finished = extend(offsets, max(top, offset + layout.items[k].size))
                del offsets[k]
                if not finished:
                    return False
                if best <= floor:
                    return True
        return True

    finished = extend({}, 0)
    return found, finished


def _local_search(layout: _Layout, priority: list[int], prefer: bool, offsets: dict[int, int], floor: int):
    """Try moving each item that touches the arena top to the front of the priority list; keep improvements.
    Deterministic and bounded, so the same model always gets the same plan."""
    best = layout.arena(offsets)
    for _ in range(LOCAL_SEARCH_ROUNDS):
        if best <= floor or layout.out_of_work:
            break
        improved = False
        tops = [k for k in priority if offsets[k] + layout.items[k].size == best]
        for k in tops:
            for target in range(priority.index(k)):
                if layout.out_of_work:
                    break
                trial = priority[:target] + [k] + [p for p in priority[target:] if p != k]
                result = layout.first_fit(trial, prefer, cutoff=best)
                if result is not None:
                    priority, offsets, best, improved = trial, result, layout.arena(result), True
                    break
            if improved:
                break
        if not improved:
            break
    return priority, offsets


def _sweep_offsets(layout: _Layout, target: int, budget: int) -> tuple[dict[int, int] | None, int]:
    """Offsets inside an arena of `target` bytes, placing the items in order of birth (the order the program runs)
    and trying for each the extreme positions: lowest legal, highest legal, and the tightest overlap with each placed
    partner. Chains of overlapping ops (each output below its input, or jumping back to the top) need exactly these
    choices: along a chain the legal offsets of the next buffer form at most two intervals whose ends come from
    the extreme offsets of the previous one, so on a chain the search is complete. Dead ends are remembered by the
    offsets of the items still live, so a chain costs few placements per step.

    Returns (offsets, or None when nothing is found within `budget` placements; the placements used)."""
    items = layout.items
    sweep = sorted(range(len(items)), key=lambda k: (items[k].lo, -items[k].size, k))
    # per depth, the items placed before it that later items may still conflict with
    live: list[list[int]] = []
    active: list[int] = []
    for k in sweep:  # births are in increasing order, so an item that has died stays out
        active = [j for j in active if items[j].hi >= items[k].lo]
        live.append(list(active))
        active.append(k)
    failed: set[tuple] = set()
    nodes = 0

    def extend(depth: int, offsets: dict[int, int]) -> bool | None:
        """True when placed (offsets complete), False on a dead end, None when the budget runs out."""
        nonlocal nodes
        if depth == len(sweep):
            return True
        key = (depth, *(offsets[j] for j in live[depth]))
        if key in failed:
            return False
        k = sweep[depth]
        for offset in layout.extremes(k, offsets, target):
            nodes += 1
            if nodes > budget or layout.out_of_work:
                return None
            offsets[k] = offset
            result = extend(depth + 1, offsets)
            if result is None or result:
                return result
            del offsets[k]
        failed.add(key)
        return False

    offsets: dict[int, int] = {}
    return (offsets if extend(0, offsets) else None), nodes


def _sweep_search(layout: _Layout, floor: int, best: int) -> dict[int, int] | None:
    """The smallest arena the sweep search reaches between `floor` and `best` (exclusive) by bisection on the
    target, or None. The targets share a budget of placements, so the result does not depend on the machine."""
    align = layout.alignment
    budget = SWEEP_NODES
    lo, hi = align_up(floor, align), align_up(best, align) - align  # targets still worth trying
    found = None
    while lo <= hi and budget > 0 and not layout.out_of_work:
        target = lo if found is None and lo == align_up(floor, align) else align_down((lo + hi) // 2, align)
        offsets, used = _sweep_offsets(layout, target, budget)
        budget -= used
        if offsets is None:
            lo = target + align
        else:
            found, hi = offsets, align_up(layout.arena(offsets), align) - align
    return found


def _items(problem: Problem, graph: _Graph, order: list[int], lifetimes: dict[int, tuple[int, int]]) -> list[_Item]:
    items = [_Item(b, graph.asize[b], lo, hi) for b, (lo, hi) in sorted(lifetimes.items())]
    for pos, index in enumerate(order):
        scratch = problem.steps[index].scratch
        if scratch > 0:
            items.append(_Item(("scratch", index), align_up(scratch, problem.alignment), pos, pos))
    return items


@dataclass
class _Candidate:
    """The offsets found for one execution order."""

    order: list[int]
    lifetimes: dict[int, tuple[int, int]]
    layout: _Layout
    offsets: dict[int, int]
    strategy: str
    peak: int

    @property
    def arena(self) -> int:
        return self.layout.arena(self.offsets)


def _place_order(problem: Problem, graph: _Graph, order: list[int], floor: int) -> _Candidate:
    """Offsets for one order: the heuristics, then the exact search when small, else the local search; then, while
    above the bound, the sweep search."""
    lifetimes = compute_lifetimes(problem, order)
    triples = overlap_triples(problem, order, lifetimes)
    layout = _Layout(_items(problem, graph, order, lifetimes), triples, problem.alignment)
    peak = max(live_profile(problem, order))
    floor = max(peak, floor)
    name, priority, prefer, offsets = _heuristic_offsets(layout, floor)
    arena = layout.arena(offsets)
    proved = False
    if arena > floor and len(layout.items) <= MAX_EXACT_ITEMS:
        exact, finished = _exact_offsets(layout, floor, arena)
        proved = finished and not layout.has_negative_gap
        if exact is not None:
            offsets, name, arena = exact, "exact", layout.arena(exact)
        elif proved:
            name += " (proved optimal)"
    elif arena > floor:
        priority, better = _local_search(layout, priority, prefer, offsets, floor)
        if layout.arena(better) < arena:
            offsets, name, arena = better, name + "+search", layout.arena(better)
    if arena > floor and not proved:
        swept = _sweep_search(layout, floor, arena)
        if swept is not None:
            offsets, name = swept, "sweep"
    return _Candidate(order, lifetimes, layout, offsets, name, peak)


# ---- plan -----------------------------------------------------------------------------------------------------


def plan(problem: Problem) -> Plan:
    """Choose the execution order and the arena offsets with the smallest arena; report the lower bound."""
    graph = _analyse(problem)
    file_order = list(range(len(problem.steps)))
    best_order = min_peak_order(problem, graph)
    limited = False
    peaks: dict[tuple[int, ...], int] = {}

    def peak_of(order: list[int]) -> int:  # each order's peak once: live_profile analyses the problem again
        if tuple(order) not in peaks:
            peaks[tuple(order)] = max(live_profile(problem, order))
        return peaks[tuple(order)]

    if best_order is not None:
        searched, bound, exact = best_order[0], best_order[1], True
    else:
        searched, searched_peak, limited = min_peak_order(problem, graph, beam=ORDER_BEAM)
        bound = forced_live_bound(problem, graph)
        exact = searched_peak == bound or peak_of(file_order) == bound
    bound = drift_bound(problem, bound)
    # The file order goes first: when it reaches the bound, the generated code follows the model as written. When
    # its peak is above the searched order's, it goes second, and only while it can still give a smaller arena
    # (no arena is below its order's peak): a wide graph in file order has many buffers live at once.
    candidates = []
    if problem.keep_order:
        candidates.append(_place_order(problem, graph, file_order, bound))
    elif searched != file_order and peak_of(file_order) > peak_of(searched):
        candidates.append(_place_order(problem, graph, searched, bound))
        if peak_of(file_order) < candidates[0].arena:
            candidates.insert(0, _place_order(problem, graph, file_order, bound))
    else:
        for order in _unique([file_order, searched]):
            candidates.append(_place_order(problem, graph, order, bound))
            if candidates[-1].arena <= bound:
                break
    chosen = min(candidates, key=lambda c: (c.arena, c.peak))
    return _finish(problem, chosen, bound, exact, limited or any(c.layout.out_of_work for c in candidates))


def _unique(orders: list[list[int]]) -> list[list[int]]:
    seen: list[list[int]] = []
    for order in orders:
        if order not in seen:
            seen.append(order)
    return seen


def _finish(problem: Problem, chosen: _Candidate, bound: int, exact: bool, limited: bool) -> Plan:
    items = chosen.layout.items
    offsets = {items[k].key: off for k, off in chosen.offsets.items() if not isinstance(items[k].key, tuple)}
    scratch = {items[k].key[1]: off for k, off in chosen.offsets.items() if isinstance(items[k].key, tuple)}
    profile = live_profile(problem, chosen.order)
    arena = align_up(chosen.arena, problem.alignment)
    return Plan(
        order=chosen.order,
        offsets=dict(sorted(offsets.items())),
        scratch_offsets=dict(sorted(scratch.items())),
        arena_size=arena,
        lower_bound=bound,
        lower_bound_exact=exact,
        peak_step=max(0, profile.index(max(profile)) - 1),
        strategy=chosen.strategy,
        lifetimes=chosen.lifetimes,
        gap_reason=_gap_reason(arena, bound, exact, chosen.peak, limited),
        budget_exhausted=limited,
    )


def _gap_reason(arena: int, bound: int, exact: bool, peak: int, limited: bool = False) -> str:
    """Why the arena is above the lower bound, in one sentence for the report."""
    if arena <= bound:
        return ""
    reasons = []
    if limited:
        reasons.append("the graph is too large for the planner's searches to finish within their work limits")
    if not exact:
        reasons.append(
            "the bound counts only buffers live in every order (too many orders to search exactly), so it may be low"
        )
    if peak > bound:
        reasons.append(f"the order with the smallest arena peaks at {peak} live bytes, above the bound")
    if arena > peak:
        reasons.append(
            f"fragmentation: buffers living across the peak (or chained overlaps, each output below its input) "
            f"leave gaps, {arena - peak} bytes above the {peak} live at the peak"
        )
    return "; ".join(reasons)


def plan_overlaps(problem: Problem, plan_: Plan) -> list[tuple[int, int, int]]:
    """(input, output, bytes shared) of every usable triple whose regions overlap in `plan_`, by input then output:
    the bytes each overlap saves."""
    found = []
    for (i, o), _ in sorted(overlap_triples(problem, plan_.order, plan_.lifetimes).items()):
        start = max(plan_.offsets[i], plan_.offsets[o])
        stop = min(plan_.offsets[i] + problem.sizes[i], plan_.offsets[o] + problem.sizes[o])
        if stop > start:
            found.append((i, o, stop - start))
    return found


# ---- verification ---------------------------------------------------------------------------------------------


def verify_plan(problem: Problem, plan_: Plan) -> None:
    """Check `plan_` from scratch: a valid order, aligned offsets inside the arena, and no two regions that are live
    at the same position overlapping, except the input and output of a usable triple placed with
    offset(output) + gap <= offset(input). Raises PlanError."""
    _verify_order(problem, plan_.order)
    align = problem.alignment
    if plan_.arena_size % align:
        raise PlanError(f"arena size {plan_.arena_size} is not a multiple of {align}")
    lifetimes = compute_lifetimes(problem, plan_.order)
    regions = _verify_regions(problem, plan_, lifetimes)
    usable = overlap_triples(problem, plan_.order, lifetimes)
    for a, b in _live_together([(region[3], region[4]) for region in regions]):
        (ka, oa, sa, _, _), (kb, ob, sb, _, _) = regions[a], regions[b]
        if oa < ob + sb and ob < oa + sa:
            if (ka, kb) in usable and overlap_allowed(oa, ob, usable[ka, kb]):
                continue
            if (kb, ka) in usable and overlap_allowed(ob, oa, usable[kb, ka]):
                continue
            raise PlanError(f"{ka!r} [{oa}, {oa + sa}) and {kb!r} [{ob}, {ob + sb}) overlap while both live")


def _verify_order(problem: Problem, order: list[int]) -> None:
    if sorted(order) != list(range(len(problem.steps))):
        raise PlanError(f"order {order} is not a permutation of the {len(problem.steps)} steps")
    unwritten: dict[int, int] = {}  # buffer -> writers still to run
    for step in problem.steps:
        for b in set(step.outputs):
            unwritten[b] = unwritten.get(b, 0) + 1
    ready = set(problem.graph_inputs)
    for pos, index in enumerate(order):
        step = problem.steps[index]
        missing = [b for b in step.inputs
                   if b not in ready or unwritten.get(b, 0) > (1 if b in step.outputs else 0)]
        if missing:
            raise PlanError(f"step {index} at position {pos} reads {missing} before they are written")
        for b in set(step.outputs):
            unwritten[b] -= 1
        ready.update(step.outputs)


def _verify_regions(problem: Problem, plan_: Plan, lifetimes: dict[int, tuple[int, int]]) -> list[tuple]:
    """(key, offset, size, first, last) of every buffer and scratch, after checking alignment and bounds."""
    regions = []
    for b, (lo, hi) in lifetimes.items():
        if b not in plan_.offsets:
            raise PlanError(f"buffer {b} has no offset")
        regions.append((b, plan_.offsets[b], problem.sizes[b], lo, hi))
    for pos, index in enumerate(plan_.order):
        if problem.steps[index].scratch > 0:
            if index not in plan_.scratch_offsets:
                raise PlanError(f"step {index} needs scratch but has no scratch offset")
            regions.append((("scratch", index), plan_.scratch_offsets[index], problem.steps[index].scratch, pos, pos))
    for key, offset, size, _, _ in regions:
        if offset % problem.alignment:
            raise PlanError(f"{key!r} at offset {offset} is not aligned to {problem.alignment}")
        if offset < 0 or offset + size > plan_.arena_size:
            raise PlanError(f"{key!r} [{offset}, {offset + size}) lies outside the arena of {plan_.arena_size}")
    return regions
