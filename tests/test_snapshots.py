"""Golden snapshot of a generated project: a pure refactor of the compiler must leave it byte for byte unchanged.

After an intended change of the generated code, refresh the snapshot and review its diff:
    MCUGEN_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_snapshots.py
Kernel sources (copied verbatim from mcugen/runtime) and the plot (drawn by matplotlib) are left out.
"""

import os
import shutil

from conftest import REPO
from mcugen.codegen import render_project
from mcugen.compiler import compile_model

EXAMPLE = REPO / "examples" / "wave_classifier" / "wave_int8.tflite"
SNAPSHOT = REPO / "tests" / "snapshots" / "wave_int8_nano33ble"


def _snapshot_files() -> dict[str, str | bytes]:
    compiled = compile_model(EXAMPLE, board="nano33ble", kernels="portable")
    files = render_project(compiled, None, "mcugen build wave_int8.tflite --board nano33ble --golden 0")
    return {path: content for path, content in files.items()
            if not path.startswith(("src/kernels/", "report/"))}


def test_example_project_matches_snapshot():
    files = _snapshot_files()
    if os.environ.get("MCUGEN_UPDATE_SNAPSHOTS"):
        shutil.rmtree(SNAPSHOT, ignore_errors=True)
        for path, content in files.items():
            target = SNAPSHOT / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
    stored = {str(p.relative_to(SNAPSHOT)): p.read_bytes() for p in SNAPSHOT.rglob("*") if p.is_file()}
    generated = {path: c if isinstance(c, bytes) else c.encode() for path, c in files.items()}
    assert sorted(stored) == sorted(generated)
    changed = [path for path in generated if generated[path] != stored[path]]
    assert not changed, f"generated code changed in {changed}; see the module docstring to refresh the snapshot"
