"""The supported-op list in README.md is the op registry's (python -m mcugen.ops --update README.md)."""

from __future__ import annotations

from pathlib import Path

from mcugen.ops import markdown_block, replace_markdown_block, supported_ops

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_exactly_the_registered_ops():
    text = README.read_text()
    assert markdown_block() in text, "README.md is out of date: run python -m mcugen.ops --update README.md"
    assert replace_markdown_block(text) == text


def test_every_registered_op_appears_once():
    block = markdown_block()
    for kind in supported_ops():
        assert block.count(f"| {kind} |") == 1
