"""Build files of a generated project for one board: CMake (host and cross), start-up code, linker script,
PlatformIO, the Arduino sketch and Renode scripts.

What differs between architectures is data (mcugen/arches/*.yaml: compiler, flags, templates, emulator); this
module turns a board and its architecture into flags and files. The flags live here, once: the CMake templates
render them, and mcugen.emulate.build passes the very same flags to the compiler when it builds a project without
CMake, so the two builds cannot drift apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

import jinja2

from mcugen.arches import Console
from mcugen.boards import Board
from mcugen.errors import BoardError, InternalError, McugenError
from mcugen.sanitize import c_comment

TEMPLATES_DIR = Path(__file__).parent / "templates" / "build"

INCLUDE_DIRS = ("include", "src", "src/kernels")
# Every build: strict C99 and warnings as errors; no fused multiply-add, so float code rounds as the reference does.
COMMON_CFLAGS = ("-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off")


def _placeholders(board: Board) -> dict[str, int]:
    flash_origin, flash_bytes, ram_origin, ram_bytes = board.link_regions
    return {"flash_origin": flash_origin, "flash_bytes": flash_bytes, "ram_origin": ram_origin,
            "ram_bytes": ram_bytes, "stack_reserve": board.stack_reserve,
            "ram_data_bytes": ram_bytes - board.stack_reserve}


def _cross_arch(board: Board):
    arch = board.architecture
    if not arch.cross:
        raise BoardError(f"board {board.name} ({board.cpu}, {arch.name}) is built with PlatformIO, not by mcugen")
    return arch


def _console(board: Board) -> Console:
    return board.architecture.consoles.get(board.console, Console())


def cross_cflags(board: Board) -> tuple[str, ...]:
    """Compile flags of a firmware build for `board` (without the common warning/standard flags), its console's
    last."""
    flags = (*_cross_arch(board).cflags, *_console(board).cflags)
    return board.architecture.expand(flags, board.cpu_flags, _placeholders(board))


def cross_ldflags(board: Board) -> tuple[str, ...]:
    """Link flags of a firmware build for `board`, before the sources (the linker script comes separately)."""
    flags = (*_cross_arch(board).ldflags, *_console(board).ldflags)
    return board.architecture.expand(flags, board.cpu_flags, _placeholders(board))


def linker_script_path(board: Board) -> str | None:
    """The board's generated linker script, when its architecture links with one (else its C library's)."""
    return f"cmake/{board.name}.ld" if board.architecture.linker_template else None


def platform_sources(board: Board) -> list[str]:
    """C sources the firmware build adds to the project's own: the architecture's start-up code."""
    startup = board.architecture.startup
    return [startup] if startup else []


def firmware_link_flags(board: Board) -> list[str]:
    """Every link flag of `board`'s firmware: the linker script (when generated) and the architecture's flags."""
    script = linker_script_path(board)
    return [*([f"-T{script}"] if script else []), *cross_ldflags(board)]


def _comment(text: str, style: str) -> str:
    """`text` as a comment block in a file syntax: style is the line-comment prefix, or "/*" for a C block.

    Each line goes through sanitize.c_comment, whose character set is inert in every style used here (C, C++,
    CMake, INI, Robot, Renode): nothing in it ends a comment or continues it onto the next line.
    """
    lines = [c_comment(line) for line in text.strip("\n").splitlines()] or [""]
    if style == "/*":
        body = [f" * {line}".rstrip() for line in lines]
        return "\n".join(["/*", *body, " */"])
    return "\n".join(f"{style} {line}".rstrip() for line in lines)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["comment"] = _comment
    return env


def _render(template: str, **context: object) -> str:
    return _environment().get_template(template).render(**context)


def _check_sources(c_sources: list[str]) -> list[str]:
    """Sorted, unique, project-relative POSIX paths of C files (the startup file is added by the build itself)."""
    checked = []
    for source in c_sources:
        path = PurePosixPath(source)
        if path.is_absolute() or ".." in path.parts or path.suffix != ".c" or "\\" in source or " " in source:
            raise InternalError(f"not a project-relative C source path: {source!r}")
        checked.append(str(path))
    if len(set(checked)) != len(checked):
        raise InternalError(f"duplicate C sources: {sorted(checked)}")
    return sorted(checked)


def _pio_src_filter(framework: str | None) -> list[str]:
    """PlatformIO builds the sketch on Arduino and main.c elsewhere; never the emulator start-up code."""
    entry_to_skip = "main.c" if framework == "arduino" else "main_arduino.cpp"
    return ["+<*>", f"-<{entry_to_skip}>", "-<platform/>"]


def arduino_selftest_sketch(name: str, banner: str, mirror_serial: str = "") -> str:
    """The Arduino sketch that runs project `name`'s self-test once and prints its lines on `Serial` (and on
    `mirror_serial`, the UART an emulator watches, when given)."""
    return _render("main_arduino.cpp.j2", banner=banner, name=name, mirror_serial=mirror_serial)


def build_files(name: str, board: Board, c_sources: list[str], banner: str,
                include_dirs: list[str] | tuple[str, ...] = INCLUDE_DIRS) -> dict[str, str]:
    """The build files of project `name` for `board`: {project-relative path: content}, sorted by path.

    `c_sources` are the project's C files (model, kernels, self-test, main.c, library sources); `include_dirs`
    the project-relative include directories.
    Each file opens with `banner` as a comment. Same arguments give byte-identical files.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise InternalError(f"project name must be a C identifier, got {name!r}")
    sources = _check_sources(c_sources)
    arch = board.architecture
    cross = arch.cross
    common = {"banner": banner, "name": name, "board": board}
    files: dict[str, str] = {}

    emulator_command = ""
    if board.machine is not None:
        from mcugen.emulate.run import emulator_command as command_of

        emulator_command = " ".join(command_of(board, f"build-{board.name}/{name}.elf"))
    files["CMakeLists.txt"] = _render(
        "CMakeLists.txt.j2",
        **common,
        sources=sources,
        include_dirs=list(include_dirs),
        common_cflags=COMMON_CFLAGS,
        cross=cross,
        toolchain_file=arch.toolchain_file,
        startup=arch.startup,
        linker_script=linker_script_path(board) if cross else None,
        link_options=list(cross_ldflags(board)) if cross and not arch.linker_template else [],
        emulator_command=emulator_command,
    )

    if cross:
        files[arch.toolchain_file] = _render(
            arch.toolchain_template, **common, cross_cflags=cross_cflags(board),
            cross_ldflags=cross_ldflags(board) if arch.linker_template else (),
            compiler=arch.compiler, libs=arch.libs,
        )
        if arch.linker_template:
            flash_origin, flash_bytes, ram_origin, ram_bytes = board.link_regions
            files[linker_script_path(board)] = _render(
                arch.linker_template,
                **common,
                flash_origin=flash_origin,
                flash_bytes=flash_bytes,
                ram_origin=ram_origin,
                ram_bytes=ram_bytes,
                vector_origin=board.machine.vector_origin if board.machine else None,
                stack_heap_reserve=board.stack_reserve,
            )
        if arch.startup:
            files[arch.startup] = _render(arch.startup_template, **common, uart=board.uart)

    if board.platformio is not None:
        framework = board.platformio.get("framework")
        # PlatformIO adds include/ itself and builds lib/* as libraries with their own include paths.
        pio_flags = [*(f"-I{d}" for d in include_dirs if d != "include" and not d.startswith("lib/")),
                     "-ffp-contract=off"]
        if framework != "arduino":
            pio_flags.append("-lm")
        files["platformio.ini"] = _render(
            "platformio.ini.j2",
            **common,
            platformio_options=list(board.platformio.items()),
            src_filter=_pio_src_filter(framework),
            pio_build_flags=pio_flags,
        )
        if framework == "arduino":
            # Only a board whose emulator watches another UART than `Serial` (Renode's nRF52840: Serial1) gets the
            # self-test's lines printed there as well.
            mirror = board.renode.arduino_serial if board.renode else ""
            files["src/main_arduino.cpp"] = arduino_selftest_sketch(name, banner, mirror)

    if board.renode is not None:
        files[f"renode/{name}.resc"] = _render("renode.resc.j2", **common)
        files[f"renode/{name}.robot"] = _render("renode.robot.j2", **common)

    return dict(sorted(files.items()))


_SOURCES_RE = re.compile(r"^set\(MCUGEN_SOURCES\n(.*?)^\)", re.MULTILINE | re.DOTALL)
_INCLUDES_RE = re.compile(r"^target_include_directories\(\w+ PRIVATE ([^)]*)\)", re.MULTILINE)
_PROJECT_RE = re.compile(r"^project\((\w+) C\)", re.MULTILINE)


def project_includes(project_dir: Path) -> list[str]:
    """The include directories of a generated project, as its CMakeLists.txt lists them."""
    text = (Path(project_dir) / "CMakeLists.txt").read_text(encoding="utf-8")
    found = _INCLUDES_RE.search(text)
    return found.group(1).split() if found else list(INCLUDE_DIRS)


def project_sources(project_dir: Path) -> tuple[str, list[str]]:
    """(project name, C sources) as listed in a generated project's CMakeLists.txt."""
    cmake = Path(project_dir) / "CMakeLists.txt"
    try:
        text = cmake.read_text(encoding="utf-8")
    except OSError as exc:
        raise McugenError(f"not a generated project: cannot read {cmake} ({exc.strerror})") from None
    project, sources = _PROJECT_RE.search(text), _SOURCES_RE.search(text)
    if project is None or sources is None:
        raise McugenError(f"{cmake} does not list MCUGEN_SOURCES as mcugen writes it")
    return project.group(1), sources.group(1).split()
