"""Model-controlled strings (tensor and op names, custom op codes, the model file name) made safe per destination.

A .tflite file is untrusted input: its strings end up in C comments, Markdown, build files and the terminal, and
each of those has its own way of turning text into code or control. One function per destination, each with its
rule. Where a rule replaces characters or cuts a long string, a short hash of the original is appended, so two
different names never print the same.
"""

from __future__ import annotations

import hashlib
import re
import string

HASH_SEPARATOR = "~"
HASH_CHARS = 8
COMMENT_LIMIT = 400  # one comment line: long enough for TensorFlow's fused-op tensor names
NAME_LIMIT = 160  # a name in a human summary (errors, the README)
IDENTIFIER_LIMIT = 40

# Printable ASCII that cannot help a comment end early: no `*` (comment delimiters with `/`), no `\` (line
# splicing), no `?` (the trigraph ??/ is a backslash in C99 mode). Newlines and control characters are out too.
_COMMENT_CHARS = frozenset(string.ascii_letters + string.digits + " !\"#$%&'()+,-.:;<=>@[]^_`{|}~/")
# Inside a Markdown code span everything is literal except the backtick (ends it) and, in a table, `|` (ends the
# cell, even inside code) and the backslash that could escape it.
_MARKDOWN_CODE_FORBIDDEN = frozenset("`|\\")
# Characters with inline meaning in Markdown text (emphasis, code, links, HTML, tables, strikethrough, escapes).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&|~!])")

# File names and symbols of a generated project that a model name must not take, so that `#include <stdio.h>`
# or `"selftest.h"` never finds `include/stdio.h` and no symbol of the project is defined twice.
_C_HEADERS = frozenset("""
    assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdalign stdarg
    stdatomic stdbool stddef stdint stdio stdlib stdnoreturn string tgmath threads time uchar wchar wctype
""".split())
_PROJECT_NAMES = frozenset({"main", "selftest", "main_arduino", "startup_cortexm", "arduino", "platform", "kernels"})
_RESERVED_PREFIXES = ("mcugen",)  # kernels, mcugen_common.h, the MCUGEN_ macros
IDENTIFIER_FALLBACK = "model"


def digest(text: str) -> str:
    """Short hex hash of `text` (surrogates from undecodable bytes included)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]


def _tag(original: str, cleaned: str, changed: bool, limit: int) -> str:
    """`cleaned`, cut to `limit` characters, with the hash of `original` appended when anything was lost."""
    suffix_length = len(HASH_SEPARATOR) + HASH_CHARS
    if len(cleaned) > limit:
        cleaned, changed = cleaned[: limit - suffix_length], True
    return f"{cleaned}{HASH_SEPARATOR}{digest(original)}" if changed else cleaned


def c_comment(text: str, limit: int = COMMENT_LIMIT) -> str:
    """Text for one line inside a C block comment (also used for `#`, `;` and `//` line comments).

    Rule: keep printable ASCII except `*`, `\\` and `?`; every other character (newline, control, non-ASCII)
    becomes `_`. A `/` at either end becomes `_` too, so that no template's `*` can pair with it. Since the result
    holds no `*`, `\\`, `?` or line break, no comment delimiter, line splice or trigraph can form from it.
    """
    chars = [c if c in _COMMENT_CHARS else "_" for c in text]
    for end in (0, -1):
        if chars and chars[end] == "/":
            chars[end] = "_"
    cleaned = "".join(chars)
    return _tag(text, cleaned, cleaned != text, limit)


def terminal(text: str) -> str:
    """Text safe to print on a terminal as one line.

    Rule: every character that is not printable (C0/C1 controls including ESC, DEL, newlines, format characters
    such as bidi overrides, unassigned code points) is shown as a Python-style escape (`\\x1b`, `\\u202e`).
    """
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def terminal_lines(text: str) -> str:
    """Like terminal(), but keeps the line breaks of a multi-line message (each line is made safe on its own)."""
    return "\n".join(terminal(line) for line in text.split("\n"))


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def display_name(name: str, limit: int = NAME_LIMIT) -> str:
    """A name for human summaries (error messages, listings): terminal-safe and at most `limit` characters."""
    return _tag(name, terminal(name), False, limit)


def markdown_code(text: str, limit: int = NAME_LIMIT) -> str:
    """Content for a Markdown code span `` `...` `` (also inside a table cell).

    Rule: terminal-safe (no line breaks or controls), and no backtick, `|` or `\\`; those become `_`.
    """
    safe = terminal(text)
    cleaned = "".join("_" if c in _MARKDOWN_CODE_FORBIDDEN else c for c in safe)
    return _tag(text, cleaned, cleaned != text, limit)


def markdown_text(text: str) -> str:
    """Plain Markdown text: terminal-safe, and every character with inline meaning is backslash-escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", terminal(text))


def c_identifier(text: str) -> str:
    """A C identifier (lower case, at most IDENTIFIER_LIMIT characters) for the project's files and symbols.

    Rule: runs of characters outside [0-9A-Za-z_] become `_`, leading/trailing `_` are dropped, a leading digit
    gets the prefix `m_`. When the name had non-ASCII characters or was cut, a hash of the original is appended
    (so that names in other scripts do not all become `model`). Names of C standard headers, of the project's own
    files, and names starting with `mcugen` get the prefix `model_`, so they never shadow a header or a symbol.
    """
    ident = re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_").lower()
    lost = not text.isascii() or len(ident) > IDENTIFIER_LIMIT
    ident = ident[:IDENTIFIER_LIMIT].rstrip("_")
    if lost:
        ident = f"{ident or IDENTIFIER_FALLBACK}_{digest(text)}"
    ident = ident or IDENTIFIER_FALLBACK
    if ident[0].isdigit():
        ident = f"m_{ident}"
    if ident in _C_HEADERS or ident in _PROJECT_NAMES or ident.startswith(_RESERVED_PREFIXES):
        ident = f"{IDENTIFIER_FALLBACK}_{ident}"
    return ident


SHORT_NAME_LIMIT = 48  # a tensor name in an op's comment
SYMBOL_PART_LIMIT = 32  # the part of a C symbol taken from a tensor name


def short_name(text: str, limit: int = SHORT_NAME_LIMIT) -> str:
    """A tensor name for a one-line C comment, at most `limit` characters: c_comment's rule, and a long name keeps
    its end (where TensorFlow puts the distinguishing layer), after `...`, with the hash of the whole name."""
    cleaned = c_comment(text, limit=len(text) + 1)  # the safe characters only, never cut here
    if len(cleaned) <= limit:
        return cleaned
    if HASH_SEPARATOR in cleaned and cleaned.endswith(digest(text)):
        cleaned = cleaned[: -(len(HASH_SEPARATOR) + HASH_CHARS)]
    tail = limit - len("...") - len(HASH_SEPARATOR) - HASH_CHARS
    return f"...{cleaned[-tail:]}{HASH_SEPARATOR}{digest(text)}"


def symbol_part(text: str, limit: int = SYMBOL_PART_LIMIT) -> str:
    """Lower-case identifier characters naming a tensor inside a C symbol, or "" when none remain.

    Rule: the first of TensorFlow's `;`-joined fused names; runs outside [0-9A-Za-z] become `_`; a name longer
    than `limit` keeps its last `/` scopes that fit (the layer, not the model's outer scopes), or the end of the
    last one."""
    first = text.split(";", 1)[0]
    words = [w for w in (re.sub(r"[^0-9A-Za-z]+", "_", c).strip("_").lower() for c in first.split("/")) if w]
    kept: list[str] = []
    for word in reversed(words):  # whole scopes from the end while they fit
        if kept and len(word) + 1 + len("_".join(kept)) > limit:
            break
        kept.insert(0, word)
    part = "_".join(kept)
    return part[-limit:].strip("_") if len(part) > limit else part
