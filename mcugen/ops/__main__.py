"""`python -m mcugen.ops`: the supported-op list, generated from the op registry.

    python -m mcugen.ops                    one op per line
    python -m mcugen.ops --markdown         the Markdown block README.md carries
    python -m mcugen.ops --update README.md rewrite that block in place (run it after adding an op)

tests/test_ops_registry.py fails when README.md and the registry disagree.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mcugen.ops import markdown_block, replace_markdown_block, supported_ops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mcugen.ops", description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--markdown", action="store_true", help="print the README block")
    group.add_argument("--update", metavar="README", type=Path, help="rewrite the block in this file")
    args = parser.parse_args(argv)
    if args.update is not None:
        text = args.update.read_text()
        updated = replace_markdown_block(text)
        if updated is None:
            print(f"{args.update}: no supported-ops markers found", file=sys.stderr)
            return 1
        if updated != text:
            args.update.write_text(updated)
        return 0
    print(markdown_block() if args.markdown else "\n".join(supported_ops()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
