"""`python -m mcugen.bench build`: wall time of `mcugen build` per model, in a fresh interpreter each, and whether
TensorFlow was imported (the compiler must install and run without it).

Each build runs as its own process so that import costs count as a user sees them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mcugen.bench.memory import DEFAULT_MODELS

BUDGET_SECONDS = 5.0

_PROBE = """
import json, sys
from mcugen.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow."))
print(json.dumps({"code": code, "tensorflow": bool(loaded)}))
"""


def time_build(model: Path, board: str, golden: int) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-c", _PROBE, "build", str(model), "--board", board, "--golden", str(golden),
                   "-o", str(Path(tmp) / "out")]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {"code": done.returncode}
    return seconds, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.bench build", description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=DEFAULT_MODELS)
    parser.add_argument("--board", default="nano33ble")
    parser.add_argument("--golden", type=int, default=5, help="reference vectors embedded (as mcugen build's default)")
    args = parser.parse_args(argv)
    models = sorted(args.models.glob("*.tflite"))
    if not models:
        print(f"no .tflite models in {args.models}", file=sys.stderr)
        return 2
    print(f"mcugen build --board {args.board} --golden {args.golden}: wall time per model (budget {BUDGET_SECONDS} s)")
    print(f"{'model':<36} {'seconds':>8}  {'exit':>4}  tensorflow imported")
    worst = 0.0
    failed = False
    for model in models:
        seconds, result = time_build(model, args.board, args.golden)
        worst = max(worst, seconds)
        failed |= result.get("code") != 0 or result.get("tensorflow", True)
        print(f"{model.stem:<36} {seconds:>8.2f}  {result.get('code', '?'):>4}  "
              f"{'YES' if result.get('tensorflow', True) else 'no'}")
    print(f"slowest: {worst:.2f} s ({'within' if worst < BUDGET_SECONDS else 'OVER'} the {BUDGET_SECONDS} s budget)")
    return 1 if failed or worst >= BUDGET_SECONDS else 0
