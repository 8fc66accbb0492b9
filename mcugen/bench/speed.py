"""Speed benchmark: instructions per inference of mcugen's firmware against TensorFlow Lite Micro, per model.

    python -m mcugen.bench speed [--models DIR] [--board qemu-m4] [--kernels portable,cmsis-nn] [--baseline FILE]

Both sides are counted the same way: executed instructions of one inference on an emulated Cortex-M4F (QEMU
mps2-an386), exact and repeatable (`mcugen profile`). mcugen's portable kernels are compared with TFLM's reference
kernels, mcugen's CMSIS-NN build with TFLM's CMSIS-NN build; below 1.00 mcugen executes fewer instructions.
TFLM's figures come from a baseline file (default ../shared/baselines/tflm-cortex-m4f.json next to the repository,
or $MCUGEN_TFLM_BASELINE).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mcugen.bench.memory import DEFAULT_MODELS, _first_words
from mcugen.errors import McugenError

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BASELINE = REPO.parent / "shared" / "baselines" / "tflm-cortex-m4f.json"
PINNED_CMSIS_NN = REPO.parent / "shared" / "third_party" / "CMSIS-NN"
# mcugen's kernel choice -> the key of TFLM's figure it is compared with.
KERNELS = {"portable": "insns_ref", "cmsis-nn": "insns_cmsis_nn"}


@dataclass
class Row:
    """One model: mcugen's and TFLM's instructions per inference, by mcugen kernel choice."""

    model: str
    mcugen: dict[str, int] = field(default_factory=dict)
    tflm: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ratio(self, kernels: str) -> float | None:
        ours, theirs = self.mcugen.get(kernels), self.tflm.get(kernels)
        return ours / theirs if ours and theirs else None


def models_dir() -> Path:
    return Path(os.environ.get("MCUGEN_MODELS", DEFAULT_MODELS))


def load_baseline(path: Path) -> dict[str, dict[str, int]]:
    """TFLM's figures per model stem: {"insns_ref": ..., "insns_cmsis_nn": ...}."""
    try:
        return json.loads(path.read_text())["models"]
    except (OSError, ValueError, KeyError) as error:
        raise McugenError(f"cannot read TFLM's baseline {path}: {error}") from None


def measure(path: Path, board: str, kernel_choices: list[str], baseline: dict[str, dict[str, int]],
            cmsis_nn: Path | None = None) -> Row:
    """Profile one model with each kernel choice; failures become notes on the row, not an abort."""
    from mcugen.profile import profile_model

    row = Row(path.name)
    figures = baseline.get(path.stem, {})
    for kernels in kernel_choices:
        if KERNELS[kernels] in figures:
            row.tflm[kernels] = int(figures[KERNELS[kernels]])
        try:
            row.mcugen[kernels] = profile_model(path, board=board, kernels=kernels, cmsis_nn=cmsis_nn).total
        except McugenError as error:
            row.notes.append(f"{kernels}: {_first_words(str(error))}")
    if not figures:
        row.notes.append("no TFLM figures in the baseline")
    return row


def geomean(values: list[float]) -> float | None:
    """Geometric mean of the positive values, None when there are none."""
    positive = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in positive) / len(positive)) if positive else None


def format_table(rows: list[Row], kernel_choices: list[str]) -> str:
    """One line per model, then the geometric mean of each ratio, then the notes."""
    header = ["model"]
    for kernels in kernel_choices:
        tflm = "TFLM ref" if kernels == "portable" else "TFLM cmsis-nn"
        header += [f"mcugen {kernels}", tflm, "ratio"]
    lines = [tuple(header)]
    for row in rows:
        cells = [row.model]
        for kernels in kernel_choices:
            ratio = row.ratio(kernels)
            cells += [_count(row.mcugen.get(kernels)), _count(row.tflm.get(kernels)),
                      "-" if ratio is None else f"{ratio:.3f}"]
        lines.append(tuple(cells))
    mean = ["geomean"]
    for kernels in kernel_choices:
        value = geomean([r for r in (row.ratio(kernels) for row in rows) if r is not None])
        mean += ["", "", "-" if value is None else f"{value:.3f}"]
    lines.append(tuple(mean))
    widths = [max(len(line[c]) for line in lines) for c in range(len(header))]
    out = ["  ".join(cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(line, widths)))
           for line in lines]
    out.insert(1, "-" * len(out[0]))
    out.insert(-1, out[1])
    out.append("")
    out.append("instructions per inference on an emulated Cortex-M4F (not cycles); ratio = mcugen / TFLM, "
               "below 1 is fewer")
    models_by_note: dict[str, list[str]] = {}
    for row in rows:
        for note in row.notes:
            models_by_note.setdefault(note, []).append(row.model)
    for note, models in models_by_note.items():
        who = "every model" if len(models) == len(rows) > 1 else ", ".join(models)
        out.append(f"  {who}: {note}")
    return "\n".join(out)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _default_cmsis_nn() -> Path | None:
    configured = os.environ.get("CMSIS_NN_PATH")
    if configured:
        return Path(configured)
    return PINNED_CMSIS_NN if PINNED_CMSIS_NN.is_dir() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.bench speed", description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=models_dir(), help="directory of .tflite files")
    parser.add_argument("--board", default="qemu-m4", help="emulated board (default qemu-m4, a Cortex-M4F)")
    parser.add_argument("--kernels", default=",".join(KERNELS),
                        help=f"comma-separated kernel choices to measure (default {','.join(KERNELS)})")
    parser.add_argument("--baseline", type=Path,
                        default=Path(os.environ.get("MCUGEN_TFLM_BASELINE", DEFAULT_BASELINE)),
                        help="TFLM's figures (JSON)")
    parser.add_argument("--cmsis-nn", type=Path, default=_default_cmsis_nn(),
                        help="CMSIS-NN source tree (default: $CMSIS_NN_PATH, else the pinned copy next to the repo)")
    args = parser.parse_args(argv)
    kernel_choices = [k.strip() for k in args.kernels.split(",") if k.strip()]
    unknown = [k for k in kernel_choices if k not in KERNELS]
    if unknown or not kernel_choices:
        print(f"unknown kernel choice {unknown}; known: {', '.join(KERNELS)}", file=sys.stderr)
        return 2
    paths = sorted(args.models.glob("*.tflite"))
    if not paths:
        print(f"no .tflite files in {args.models}", file=sys.stderr)
        return 2
    try:
        baseline = load_baseline(args.baseline)
    except McugenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = [measure(path, args.board, kernel_choices, baseline, args.cmsis_nn) for path in paths]
    print(format_table(rows, kernel_choices))
    return 0
