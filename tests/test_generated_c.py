"""The generated C drops into other firmware: every file compiles as strict C99, every header from C++, the arena
can be the caller's, placement macros work, and two models live side by side in one firmware."""

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, requires_arm
from mcugen import targets
from mcugen.boards import get_board
from mcugen.codegen import render_project, write_project
from mcugen.compiler import compile_model
from mcugen.emulate import run_host, run_qemu
from mcugen.golden import golden_vectors

EXAMPLE = REPO / "examples" / "wave_classifier" / "wave_int8.tflite"
STRICT_C99 = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"]


def _project(tmp_path: Path, model: Path, board: str, vectors: int = 0, kernels: str = "portable",
             name: str = "project") -> tuple[Path, str]:
    compiled = compile_model(model, board=board, kernels=kernels)
    golden = golden_vectors(compiled, model.read_bytes(), vectors, 0) if vectors else None
    project = write_project(render_project(compiled, golden, "mcugen build"), tmp_path / name)
    return project, compiled.graph.name


def _includes(project: Path) -> list[str]:
    return [f"-I{project / d}" for d in targets.project_includes(project)]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, " ".join(command) + "\n" + done.stdout + done.stderr
    return done


@pytest.mark.parametrize("board", ["host", "nano33ble"])
def test_every_c_file_is_strict_c99(tmp_path, board):
    project, _ = _project(tmp_path, EXAMPLE, board)
    sources = sorted(p for p in project.rglob("*.c") if "platform" not in p.parts)
    assert len(sources) >= 5
    for source in sources:
        _run(["gcc", *STRICT_C99, *_includes(project), "-c", str(source), "-o", "/dev/null"], project)
    for defines in (["-DMCUGEN_DEBUG"], ["-DMCUGEN_ARENA_SECTION=\".dtcm\"", "-DMCUGEN_WEIGHTS_SECTION=\".qspi\""],
                    ["-DWAVE_INT8_STATIC_ARENA=0"]):
        for source in ("src/wave_int8.c", "src/wave_int8_weights.c"):
            _run(["gcc", *STRICT_C99, *defines, *_includes(project), "-c", source, "-o", "/dev/null"], project)
    if board != "host" and shutil.which("arm-none-eabi-gcc"):
        startup = project / targets.platform_sources(get_board(board))[0]
        _run(["arm-none-eabi-gcc", *get_board(board).cpu_flags, "-mthumb", *STRICT_C99, "-c", str(startup),
              "-o", "/dev/null"], project)


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")
def test_every_header_compiles_from_cpp(tmp_path):
    project, name = _project(tmp_path, EXAMPLE, "nano33ble")
    headers = sorted(p for p in project.rglob("*.h"))
    assert any(p.name == f"{name}.h" for p in headers) and any(p.name == "mcugen_common.h" for p in headers)
    for header in headers:
        unit = tmp_path / f"use_{header.stem}.cpp"
        unit.write_text(f'#include "{header}"\nint main() {{ return 0; }}\n')
        _run(["g++", "-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror", *_includes(project), "-c",
              str(unit), "-o", "/dev/null"], project)
    # Linked from C++: the C symbols are found (no name mangling).
    unit = tmp_path / "call.cpp"
    unit.write_text(f'#include "{name}.h"\n#include "{name}_selftest.h"\n'
                    f'int main() {{ return {name}_invoke() + ({name}_selftest(0) & 0) + ({name}_model_hash[0] & 0); }}\n')
    objects = []
    library = [p for p in (project / "src").rglob("*.c") if p.name != "main.c" and "platform" not in p.parts]
    for source in sorted(library):
        obj = tmp_path / f"{source.stem}.o"
        _run(["gcc", "-std=c99", *_includes(project), "-c", str(source), "-o", str(obj)], project)
        objects.append(str(obj))
    _run(["g++", "-std=c++11", *_includes(project), str(unit), *objects, "-lm", "-o", str(tmp_path / "cpp")], project)


CALLER_ARENA_MAIN = r"""
#include <stdint.h>
#include <stdio.h>
#include "NAME.h"
#include "NAME_selftest.h"

static void print_line(const char *line) { puts(line); }

/* Aligned for the model, with a byte of room to misalign it on purpose. */
static union { uint8_t bytes[NAMEU_ARENA_SIZE + 64u]; long double align; } buffer;

int main(void)
{
    uint8_t *base = buffer.bytes;
    while (((uintptr_t)base % NAMEU_ARENA_ALIGNMENT) != 0u) base++;
    if (NAME_invoke() != -2 || NAME_input0() != NULL) return 10;            /* no arena yet */
    if (NAME_init(NULL, 0) != -1) return 11;                                 /* no static arena to fall back to */
    if (NAME_init(base, NAMEU_ARENA_SIZE - 1u) != -1) return 12;             /* too small */
    if (NAME_init(base + 1, NAMEU_ARENA_SIZE) != -1) return 13;              /* misaligned */
    if (NAME_init(base, NAMEU_ARENA_SIZE) != 0) return 14;
    if ((uint8_t *)NAME_input0() < base || (uint8_t *)NAME_input0() >= base + NAMEU_ARENA_SIZE) return 15;
    return NAME_selftest(print_line);
}
"""


def test_caller_provided_arena(tmp_path):
    project, name = _project(tmp_path, EXAMPLE, "host", vectors=3)
    main_c = project / "src" / "main.c"
    main_c.write_text(CALLER_ARENA_MAIN.replace("NAMEU", name.upper()).replace("NAME", name))
    _, sources = targets.project_sources(project)
    exe = tmp_path / "caller_arena"
    _run(["cc", *STRICT_C99, f"-D{name.upper()}_STATIC_ARENA=0", *_includes(project), *sources, "-o", str(exe),
          "-lm"], project)
    result = run_host(exe)
    assert result.returncode == 0, result.stdout
    assert "mcugen: PASS" in result.stdout
    # Without the static arena there is no arena-sized object in the program.
    symbols = _run(["nm", str(exe)], project).stdout
    assert f"{name}_arena_storage" not in symbols


TWO_MODELS_MAIN = r"""
#include <stdio.h>
#include "FIRST_selftest.h"
#include "SECOND_selftest.h"

static void print_line(const char *line) { puts(line); fflush(stdout); }

int main(void)
{
    int first = FIRST_selftest(print_line);
    int second = SECOND_selftest(print_line);
    return first != 0 || second != 0;
}
"""


@requires_arm
@pytest.mark.emulator
def test_two_models_in_one_firmware_verify_on_qemu(tmp_path, model_path):
    board = get_board("qemu-m4")
    projects = [_project(tmp_path, model_path(stem), board.name, vectors=4, name=stem)
                for stem in ("hello_world_int8", "micro_speech_int8")]
    (first, first_name), (second, second_name) = projects
    assert first_name != second_name
    sources: dict[str, Path] = {}
    for project, _ in projects:
        _, listed = targets.project_sources(project)
        for rel in listed:
            if rel == "src/main.c":
                continue
            path = project / rel
            if rel.startswith("src/kernels/") and rel in sources:  # one copy of a shared kernel
                assert sources[rel].read_bytes() == path.read_bytes()
                continue
            sources[rel if rel.startswith("src/kernels/") else str(path)] = path
    main_c = tmp_path / "main.c"
    main_c.write_text(TWO_MODELS_MAIN.replace("FIRST", first_name).replace("SECOND", second_name))
    elf = tmp_path / "two.elf"
    includes = [flag for project, _ in projects for flag in _includes(project)]
    _run(["arm-none-eabi-gcc", *targets.cross_cflags(board), *targets.COMMON_CFLAGS, *includes,
          *map(str, sources.values()), str(main_c), *(str(first / s) for s in targets.platform_sources(board)),
          f"-T{first / targets.linker_script_path(board)}", *targets.cross_ldflags(board), "-o", str(elf), "-lm"], tmp_path)
    # Every global symbol of a model carries its name: nothing but the shared kernels is defined twice.
    result = run_qemu(elf, board, timeout=120)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert f"mcugen: model {first_name}, arena" in result.stdout.split("\n")[0]
    assert any(line.startswith(f"mcugen: model {second_name}") for line in lines)
    assert lines.count("mcugen: PASS") == 2, result.stdout
    assert sum("identical on 4 vectors" in line for line in lines) == 2
