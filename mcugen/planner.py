"""Static memory planning: an execution order for the ops and a byte offset in one arena for every activation.

The planner works on a small, IR-independent description of the graph (Problem: buffer sizes and, per op, the
buffers it reads and writes, its kernel scratch and its in-place pairs), so it can be tested on synthetic graphs.
`verify_plan` checks a plan independently of how it was made.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PlanError(Exception):
    """A plan breaks an invariant (overlap of live buffers, misalignment, invalid order): a bug in mcugen."""


@dataclass(frozen=True)
class Step:
    """One op as the planner sees it."""

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    scratch: int = 0
    # (input buffer, output buffer): the output may take the input's offset when the input dies at this step.
    inplace: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Problem:
    """What must be planned: buffer sizes, the ops in the model file's (topological) order, graph inputs/outputs."""

    sizes: dict[int, int]
    steps: tuple[Step, ...]
    graph_inputs: tuple[int, ...]
    graph_outputs: tuple[int, ...]
    names: dict[int, str] = field(default_factory=dict)
    alignment: int = 16


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


def align_up(value: int, alignment: int) -> int:
    """Round `value` up to a multiple of `alignment`."""
    return -(-value // alignment) * alignment


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
        for b in step.outputs:
            first.setdefault(b, pos)
            last[b] = max(last.get(b, pos), pos)
        for b in step.inputs:
            first.setdefault(b, pos)
            last[b] = max(last.get(b, pos), pos)
    for b in problem.graph_outputs:
        first.setdefault(b, end)
        last[b] = end
    return {b: (first[b], last[b]) for b in first}


def plan(problem: Problem) -> Plan:
    """Plan `problem`: file order, greedy-by-size offsets."""
    order = list(range(len(problem.steps)))
    lifetimes = compute_lifetimes(problem, order)
    align = problem.alignment
    items = [(b, align_up(problem.sizes[b], align), lifetimes[b]) for b in lifetimes]
    for pos, index in enumerate(order):
        if problem.steps[index].scratch > 0:
            items.append((("scratch", index), align_up(problem.steps[index].scratch, align), (pos, pos)))
    items.sort(key=lambda it: (-it[1], it[2][0], str(it[0])))
    placed: list[tuple[int, int, tuple[int, int]]] = []
    offsets: dict = {}
    for key, size, (lo, hi) in items:
        busy = sorted((o, o + s) for o, s, (a, b) in placed if a <= hi and lo <= b)
        offset = 0
        for start, stop in busy:
            if start >= offset + size:
                break
            offset = max(offset, stop)
        offsets[key] = offset
        placed.append((offset, size, (lo, hi)))
    arena = max((o + s for o, s, _ in placed), default=0)
    buffer_offsets = {k: v for k, v in offsets.items() if not isinstance(k, tuple)}
    scratch_offsets = {k[1]: v for k, v in offsets.items() if isinstance(k, tuple)}
    live = [0] * (len(order) + 1)
    for _, size, (lo, hi) in placed:
        for pos in range(lo, hi + 1):
            live[pos + 1] += size
    peak = max(live)
    return Plan(
        order=order,
        offsets=buffer_offsets,
        scratch_offsets=scratch_offsets,
        arena_size=align_up(arena, align),
        lower_bound=peak,
        lower_bound_exact=False,
        peak_step=max(0, live.index(peak) - 1),
        strategy="size",
        lifetimes=lifetimes,
        gap_reason="" if arena == peak else "fragmentation",
    )
