"""Where CMSIS-NN comes from, which version it is, and which of its files a project needs.

CMSIS-NN is on no package registry, so mcugen takes it from a directory the user names (`--cmsis-nn PATH` or the
CMSIS_NN_PATH environment variable) and copies into each generated project only the files that project calls:
CMSIS-NN mostly keeps one function per source file, named after it (the get_buffer_size functions share files
such as arm_convolve_get_buffer_sizes_s8.c), so the closure of a set of functions is found by following calls to
other `arm_*` functions, uses of the lookup tables CMSIS-NN defines at file level (sigmoid_table_uint16 of
arm_nntables.c) and `#include`s of headers, file by file.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from mcugen.errors import McugenError

ENV_VAR = "CMSIS_NN_PATH"
# The revision mcugen's bindings are written and verified against (CMSIS-NN v7.0.0-43, commit 99f736a6):
# the `$Revision` line of Include/arm_nnfunctions.h.
PINNED_REVISION = "V.19.1.0"
PROJECT_DIR = "lib/cmsis_nn"  # where a generated project carries its copy
INCLUDE_DIR = f"{PROJECT_DIR}/Include"

# Which CMSIS-NN code path each core's compiler takes (ARM_MATH_DSP follows __ARM_FEATURE_DSP, ARM_MATH_MVEI
# follows __ARM_FEATURE_MVE). Scratch sizes differ between them, so a project is planned for one.
CPU_ISA = {
    "cortex-m4": "dsp",
    "cortex-m7": "dsp",
    "cortex-m33": "dsp",
    "cortex-m35p": "dsp",
    "cortex-m55": "mve",
    "cortex-m85": "mve",
}

_REVISION_RE = re.compile(r"\$Revision:\s*(\S+)")
_CALL_RE = re.compile(r"\b(arm_\w+)\s*\(")
_INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
# A function name at the start of a line after its return type: a definition when `{` comes before any `;`.
_DEFINITION_RE = re.compile(r"^[A-Za-z_][\w \t*]*?\b(arm_\w+)\s*\(", re.MULTILINE)
# A file-level const table: `const <type> <name>[<size>] = {`.
_TABLE_RE = re.compile(r"^const\s+\w+\s+(\w+)\s*\[[^\]]*\]\s*=", re.MULTILINE)
_IDENTIFIER_RE = re.compile(r"\b([A-Za-z_]\w*)\b")


class CmsisNNError(McugenError):
    """CMSIS-NN is missing, or not where the user said."""

    hint = f"pass --cmsis-nn PATH or set {ENV_VAR} to a CMSIS-NN checkout (https://github.com/ARM-software/CMSIS-NN)"


@dataclass(frozen=True)
class CmsisNN:
    """A CMSIS-NN source tree: its root, the revision it declares, and whether that is the pinned one."""

    root: Path
    revision: str
    sources: dict[str, str] = field(compare=False, repr=False)  # function name -> path relative to root
    tables: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # table name -> path

    @property
    def pinned(self) -> bool:
        return self.revision == PINNED_REVISION

    def describe(self) -> str:
        state = "the tested revision" if self.pinned else f"mcugen is tested with {PINNED_REVISION}"
        return f"CMSIS-NN {self.revision} at {self.root} ({state})"

    def files_for(self, functions: set[str]) -> list[str]:
        """Root-relative paths of every source and header that the given functions need, sorted."""
        return list(_closure(self.root, tuple(sorted(functions)), tuple(sorted(self.sources.items())),
                             tuple(sorted(self.tables.items()))))


def isa_of(cpu: str) -> str:
    """The CMSIS-NN code path ("plain", "dsp" or "mve") that a compiler for `cpu` takes."""
    return CPU_ISA.get(cpu, "plain")


def locate(path: str | Path | None = None) -> CmsisNN | None:
    """The CMSIS-NN tree at `path`, else at $CMSIS_NN_PATH, else None. A named location that is not a CMSIS-NN tree
    is an error (it is never silently ignored)."""
    where = path if path is not None else os.environ.get(ENV_VAR) or None
    if where is None:
        return None
    return _load(str(Path(where).expanduser().resolve()))


@lru_cache(maxsize=8)
def _load(root_text: str) -> CmsisNN:
    root = Path(root_text)
    header = root / "Include" / "arm_nnfunctions.h"
    if not header.is_file() or not (root / "Source").is_dir():
        raise CmsisNNError(f"{root} is not a CMSIS-NN tree (expected Include/arm_nnfunctions.h and Source/)")
    match = _REVISION_RE.search(header.read_text(encoding="utf-8", errors="replace"))
    sources = {}
    files = sorted((root / "Source").rglob("*.c"))
    for file in files:
        sources[file.stem] = file.relative_to(root).as_posix()
    # A few files define more than the function they are named after (arm_avgpool_get_buffer_sizes_s8.c defines
    # arm_avgpool_s8_get_buffer_size and its _dsp and _mve variants).
    tables = {}
    for file in files:
        text = file.read_text(encoding="utf-8", errors="replace")
        for name in defined_functions(text):
            sources.setdefault(name, file.relative_to(root).as_posix())
        for name in _TABLE_RE.findall(text):
            tables.setdefault(name, file.relative_to(root).as_posix())
    return CmsisNN(root=root, revision=match.group(1) if match else "unknown", sources=sources, tables=tables)


def defined_functions(text: str) -> list[str]:
    """Names of the arm_* functions a C source defines (not those it only declares)."""
    names = []
    for match in _DEFINITION_RE.finditer(text):
        rest = text[match.end():]
        brace, semicolon = rest.find("{"), rest.find(";")
        if brace >= 0 and (semicolon < 0 or brace < semicolon):
            names.append(match.group(1))
    return names


@lru_cache(maxsize=64)
def _closure(root: Path, functions: tuple[str, ...], sources: tuple[tuple[str, str], ...],
             tables: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    by_name = dict(sources)
    table_files = dict(tables)
    missing = [f for f in functions if f not in by_name]
    if missing:
        raise CmsisNNError(f"CMSIS-NN at {root} has no source for {', '.join(missing)}")
    needed: set[str] = set()
    pending = [by_name[f] for f in functions]
    while pending:
        rel = pending.pop()
        if rel in needed:
            continue
        needed.add(rel)
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        # Headers declare every function of the library; only calls made by a source file are dependencies.
        calls = _CALL_RE.findall(text) if rel.endswith(".c") else []
        for called in calls:
            if called in by_name and by_name[called] not in needed:
                pending.append(by_name[called])
        used = set(_IDENTIFIER_RE.findall(text)) & table_files.keys() if rel.endswith(".c") else set()
        for table in sorted(used):
            if table_files[table] not in needed:
                pending.append(table_files[table])
        for included in _INCLUDE_RE.findall(text):
            header = _find_header(root, rel, included)
            if header is not None and header not in needed:
                pending.append(header)
    return tuple(sorted(needed))


def _find_header(root: Path, including: str, name: str) -> str | None:
    """Root-relative path of a quoted #include, searched beside the including file, then in Include/."""
    for base in (PurePosixPath(including).parent, PurePosixPath("Include")):
        candidate = base / name
        if (root / candidate).is_file():
            return str(candidate)
    return None


def fingerprint(root: Path, files: list[str]) -> str:
    """A short digest of the copied files, recorded in the project so a later copy can be compared."""
    digest = hashlib.sha256()
    for rel in files:
        digest.update(rel.encode())
        digest.update((root / rel).read_bytes())
    return digest.hexdigest()[:16]
