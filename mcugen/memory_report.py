"""Human-readable views of a memory plan: a per-tensor table and a drawing of the arena over time.

Both read only the planner's Problem and Plan, so they work for any graph the planner can take.
"""

from __future__ import annotations

from pathlib import Path

from mcugen.planner import Plan, Problem, align_up, live_profile, plan_overlaps
from mcugen.sanitize import terminal


def format_memory_table(problem: Problem, plan: Plan) -> str:
    """The arena summary followed by one row per buffer and per kernel scratch, in order of first use; the last
    column names the input a buffer overlaps (it is written over that input's already-read bytes) and the bytes
    shared."""
    lines = _summary(problem, plan)
    hosts: dict[str, list[str]] = {}
    for i, o, shared in plan_overlaps(problem, plan):
        hosts.setdefault(str(o), []).append(f"{i} ({shared:,} B)")
    rows = [("id", "tensor", "bytes", "first", "last", "offset", "end", "overlaps")]
    for key, name, size, (first, last), offset in _regions(problem, plan):
        rows.append((key, name, f"{size:,}", str(first), str(last), f"{offset:,}", f"{offset + size:,}",
                     ", ".join(hosts.get(key, []))))
    lines.append("")
    lines.extend(_columns(rows, right_aligned={2, 3, 4, 5, 6}))
    return "\n".join(lines)


def _summary(problem: Problem, plan: Plan) -> list[str]:
    bound_kind = "exact minimum of the live peak over execution orders" if plan.lower_bound_exact else (
        "bytes live in every execution order; the exact minimum was not searched"
    )
    peak_bytes = max(live_profile(problem, plan.order))
    if plan.lower_bound > peak_bytes:
        raised = plan.lower_bound - peak_bytes
        bound_kind += f", raised by {raised:,} bytes that chained overlaps must leave between tensors"
    moved = sum(1 for pos, index in enumerate(plan.order) if pos != index)
    order = "file order" if moved == 0 else f"reordered ({moved} of {len(plan.order)} steps moved): {plan.order}"
    lines = [
        f"arena:        {plan.arena_size:,} bytes (alignment {problem.alignment})",
        f"lower bound:  {plan.lower_bound:,} bytes ({bound_kind}; sizes rounded up to the alignment)",
        f"peak:         step {plan.peak_step} (op {_op_at(plan, plan.peak_step)}), {peak_bytes:,} bytes live",
        f"order:        {order}",
        f"offsets by:   {plan.strategy}",
    ]
    overlaps = plan_overlaps(problem, plan)
    if overlaps:
        saved = sum(shared for _, _, shared in overlaps)
        lines.append(f"overlaps:     {len(overlaps)} outputs share {saved:,} bytes with the inputs they consume")
    if plan.gap_reason:
        lines.append(f"gap:          {plan.arena_size - plan.lower_bound:,} bytes above the bound: {plan.gap_reason}")
    return lines


def _op_at(plan: Plan, position: int) -> int | str:
    return plan.order[position] if 0 <= position < len(plan.order) else "-"


def _regions(problem: Problem, plan: Plan) -> list[tuple[str, str, int, tuple[int, int], int]]:
    """(id, name, bytes, lifetime, offset) of every planned buffer and scratch, sorted by first use then offset."""
    regions = [
        (str(b), short_tensor_name(problem.names.get(b, f"buffer {b}")), problem.sizes[b], plan.lifetimes[b],
         plan.offsets[b])
        for b in plan.lifetimes
    ]
    position = {index: pos for pos, index in enumerate(plan.order)}
    for index, offset in plan.scratch_offsets.items():
        pos = position[index]
        regions.append((f"s{index}", f"scratch of op {index}", problem.steps[index].scratch, (pos, pos), offset))
    return sorted(regions, key=lambda r: (r[3][0], r[4], r[0]))


def short_tensor_name(name: str, limit: int = 48) -> str:
    """TFLite tensor names list every op fused into them (`a;b;c`); the first part names the tensor well enough,
    and keeping its end keeps the distinguishing layer suffix. Control characters are escaped (terminal, SVG)."""
    head = terminal(name.split(";", 1)[0])
    return head if len(head) <= limit else "..." + head[-(limit - 3):]


def _columns(rows: list[tuple[str, ...]], right_aligned: set[int]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(cell.rjust(w) if c in right_aligned else cell.ljust(w) for c, (cell, w) in enumerate(zip(row, widths)))
        .rstrip()
        for row in rows
    ]


def plot_arena(problem: Problem, plan: Plan, path: str | Path, title: str = "") -> None:
    """Draw the arena over time: x is the step position, y the byte offset, one box per buffer (scratch hatched),
    the peak step shaded, the arena size and the lower bound as lines. PNG or SVG by the file suffix; SVG output
    is byte-identical across runs."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    with matplotlib.rc_context({"svg.hashsalt": "mcugen", "svg.fonttype": "path"}):
        figure = Figure(figsize=(max(6.0, 0.18 * len(plan.order) + 3), 5), layout="constrained")
        axes = figure.add_subplot()
        arena = max(plan.arena_size, 1)
        for key, name, size, (first, last), offset in _regions(problem, plan):
            scratch = key.startswith("s")
            axes.add_patch(Rectangle(
                (first - 0.45, offset), last - first + 0.9, size,
                facecolor="#f2c14e" if scratch else _colour(int(key)), edgecolor="black", linewidth=0.5,
                hatch="//" if scratch else None,
            ))
            if size >= 0.04 * arena and last - first >= 1:
                axes.text((first + last) / 2, offset + size / 2, _label(name), ha="center", va="center", fontsize=6)
        axes.axvspan(plan.peak_step - 0.5, plan.peak_step + 0.5, color="red", alpha=0.12, label="peak step")
        axes.axhline(plan.arena_size, color="black", linewidth=1, label=f"arena {plan.arena_size:,} B")
        if plan.lower_bound != plan.arena_size:
            axes.axhline(plan.lower_bound, color="red", linestyle="--", linewidth=1,
                         label=f"lower bound {plan.lower_bound:,} B")
        axes.set_xlim(-1.5, max(len(plan.order), 1) - 0.5)
        axes.set_ylim(0, align_up(int(arena * 1.08), problem.alignment))
        axes.set_xlabel("step (position in execution order)")
        axes.set_ylabel("arena offset (bytes)")
        axes.set_title(title or "arena over time")
        axes.legend(loc="upper right", fontsize=7)
        figure.savefig(path, metadata=_fixed_metadata(Path(path).suffix.lower()))


def _colour(buffer: int) -> tuple[float, float, float]:
    """A stable pastel per buffer, so neighbouring boxes are told apart and reruns draw the same picture."""
    hue = (buffer * 0.618033988749895) % 1.0
    import colorsys

    return colorsys.hsv_to_rgb(hue, 0.35, 0.95)


def _label(name: str) -> str:
    """The last path component of the tensor name: what fits inside a box. `$` would start matplotlib mathtext."""
    return short_tensor_name(name.rsplit("/", 1)[-1], limit=18).replace("$", r"\$")


def _fixed_metadata(suffix: str) -> dict[str, str | None]:
    """Metadata without dates or versions, for reproducible files."""
    if suffix == ".svg":
        return {"Date": None, "Creator": None}
    if suffix == ".png":
        return {"Software": None}
    return {}
