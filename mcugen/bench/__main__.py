"""Entry point: `python -m mcugen.bench <benchmark> [options]`."""

from __future__ import annotations

import sys

from mcugen.bench import build_time, memory, resources, speed

BENCHMARKS = {"memory": memory.main, "build": build_time.main, "speed": speed.main, "resources": resources.main}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m mcugen.bench {{{','.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    return BENCHMARKS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
