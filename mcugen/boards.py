"""The board registry: one declarative YAML file per board under mcugen/boards/, loaded through one schema.

A board says what the generated project is built for: the CPU and its compiler flags, the flash and RAM budget
that the model must fit, the PlatformIO environment that builds real firmware, and the emulator that runs the
same CPU. QEMU models few real boards, so a real board names the MPS2 machine that runs its CPU; the firmware
is linked at that machine's addresses but within the real board's budget, so the linker enforces the limits.
Adding a board is adding one YAML file; a malformed file fails with an error naming the file and the field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from mcugen.errors import BoardError

BOARDS_DIR = Path(__file__).parent / "boards"

ARCHES = ("arm", "xtensa", "host")
KERNEL_BACKENDS = ("cmsis-nn", "portable")  # mcugen.kernels.base.BACKENDS, without importing the op registry


@dataclass(frozen=True)
class Machine:
    """A QEMU machine: the CPUs whose code it runs and its memory map (from QEMU's `info mtree`)."""

    name: str
    runs: frozenset[str]
    flash_origin: int
    flash_bytes: int
    ram_origin: int
    ram_bytes: int
    # Where the core reads its reset vectors when that is not the start of flash (the vector table is then linked
    # there on its own).
    vector_origin: int | None = None


_MB4 = 4 * 1024 * 1024
_ARMV6M = {"cortex-m0", "cortex-m0plus"}

# Each machine also runs the code of the smaller cores in its family (Armv6-M code runs on any Armv7-M/v8-M core,
# and Cortex-M4F code on a Cortex-M7).
MACHINES: dict[str, Machine] = {
    m.name: m
    for m in (
        Machine("mps2-an385", frozenset({"cortex-m3"} | _ARMV6M), 0x0, _MB4, 0x20000000, _MB4),
        Machine("mps2-an386", frozenset({"cortex-m4", "cortex-m3"} | _ARMV6M), 0x0, _MB4, 0x20000000, _MB4),
        Machine("mps2-an500", frozenset({"cortex-m7", "cortex-m4", "cortex-m3"} | _ARMV6M),
                0x0, _MB4, 0x20000000, _MB4),
        Machine("mps2-an505", frozenset({"cortex-m33"} | _ARMV6M), 0x10000000, _MB4, 0x38000000, _MB4),
        # Corstone SSE-300: the 2 MB code SRAM holds the program, the 512 KB DTCM the data.
        Machine("mps3-an547", frozenset({"cortex-m55", "cortex-m33"} | _ARMV6M), 0x01000000, 2 * 1024 * 1024,
                0x20000000, 512 * 1024, vector_origin=0x0),
    )
}


@dataclass(frozen=True)
class Renode:
    """How Renode models the board: its platform description, the UART it watches, and the Arduino port on it."""

    platform: str
    uart: str
    arduino_serial: str


@dataclass(frozen=True)
class Board:
    """One target board. Sizes are the budget the firmware must fit; origins are the real part's addresses."""

    name: str
    aliases: tuple[str, ...]
    description: str
    cpu: str
    arch: str
    cpu_flags: tuple[str, ...]
    flash_bytes: int
    ram_bytes: int
    flash_origin: int | None
    ram_origin: int | None
    platformio: dict | None
    qemu_machine: str | None
    renode: Renode | None = None
    # Kernel backends in order of preference (`--kernels auto`); the portable kernels always come last.
    kernels: tuple[str, ...] = ("portable",)

    @property
    def machine(self) -> Machine | None:
        return MACHINES[self.qemu_machine] if self.qemu_machine else None

    @property
    def link_regions(self) -> tuple[int, int, int, int]:
        """(flash origin, flash length, RAM origin, RAM length) for the linker script of the emulated build.

        The origins are the emulator's when the board runs under one, so the same ELF runs there; the lengths
        are always the board's own budget.
        """
        where = self.machine or self
        return (where.flash_origin, self.flash_bytes, where.ram_origin, self.ram_bytes)


# field -> (accepted types, required). Every key of a board file must be listed here.
_SCHEMA: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": ((str,), True),
    "aliases": ((list,), False),
    "description": ((str,), True),
    "cpu": ((str,), True),
    "arch": ((str,), True),
    "cpu_flags": ((list,), True),
    "flash_bytes": ((int,), True),
    "ram_bytes": ((int,), True),
    "flash_origin": ((int, type(None)), True),
    "ram_origin": ((int, type(None)), True),
    "platformio": ((dict, type(None)), True),
    "qemu_machine": ((str, type(None)), True),
    "renode": ((dict, type(None)), False),
    "kernels": ((list,), False),
}


class _FileError:
    """Makes BoardErrors that name the board file and the offending field."""

    def __init__(self, source: str):
        self.source = source

    def __call__(self, field: str, problem: str) -> BoardError:
        return BoardError(f"{self.source}: field '{field}': {problem}")


def _check_fields(data: dict, fail: _FileError) -> None:
    """Every key known, every required one present, every value of its declared type."""
    for key in data:
        if key not in _SCHEMA:
            raise fail(key, f"unknown field (known: {', '.join(_SCHEMA)})")
    for key, (types, required) in _SCHEMA.items():
        if key not in data:
            if required:
                raise fail(key, "missing")
            continue
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, types):
            names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise fail(key, f"expected {names}, got {value!r}")
    unknown = [k for k in data.get("kernels") or [] if k not in KERNEL_BACKENDS]
    if unknown:
        raise fail("kernels", f"unknown backend(s) {', '.join(map(str, unknown))} (known: {', '.join(KERNEL_BACKENDS)})")
    for key in ("aliases", "cpu_flags", "kernels"):
        if not all(isinstance(v, str) and v for v in data.get(key) or []):
            raise fail(key, "expected a list of non-empty strings")
    for key in ("flash_bytes", "ram_bytes"):
        if data[key] <= 0:
            raise fail(key, "must be positive")
    if Path(fail.source).stem != data["name"]:
        raise fail("name", f"'{data['name']}' does not match the file name")
    if data["arch"] not in ARCHES:
        raise fail("arch", f"'{data['arch']}' is not one of {', '.join(ARCHES)}")


def _check_arm(data: dict, fail: _FileError) -> None:
    """Firmware is linked for arm boards: they need addresses and a -mcpu flag."""
    for key in ("flash_origin", "ram_origin"):
        if data[key] is None:
            raise fail(key, "an arm board needs the address (firmware is linked for it)")
    if not any(f.startswith("-mcpu=") for f in data["cpu_flags"]):
        raise fail("cpu_flags", "an arm board needs -mcpu=...")


def _check_machine(data: dict, fail: _FileError) -> None:
    """The emulator must run the board's CPU and hold the board's budget."""
    name = data["qemu_machine"]
    machine = MACHINES.get(name)
    if machine is None:
        raise fail("qemu_machine", f"unknown machine '{name}' (known: {', '.join(MACHINES)})")
    if data["arch"] != "arm" or data["cpu"] not in machine.runs:
        raise fail("qemu_machine", f"{name} does not run {data['cpu']} code")
    for key, limit in (("flash_bytes", machine.flash_bytes), ("ram_bytes", machine.ram_bytes)):
        if data[key] > limit:
            raise fail(key, f"{data[key]} bytes exceed the {limit} bytes of {name}")


def _check_platformio(pio: dict, fail: _FileError) -> None:
    if "platform" not in pio:
        raise fail("platformio", "needs at least 'platform'")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in pio.items()):
        raise fail("platformio", "expected a mapping of option names to strings")


def _renode_from(renode: dict, pio: dict | None, fail: _FileError) -> Renode:
    keys = {"platform", "uart", "arduino_serial"}
    if set(renode) != keys or not all(isinstance(v, str) for v in renode.values()):
        raise fail("renode", f"expected exactly the string fields {', '.join(sorted(keys))}")
    if (pio or {}).get("framework") != "arduino":
        raise fail("renode", "the Renode test runs the Arduino build: platformio.framework must be arduino")
    return Renode(**renode)


def _board_from_mapping(data: object, source: str) -> Board:
    """Check one board file's content against the schema and build the Board; errors name the file and field."""
    if not isinstance(data, dict):
        raise BoardError(f"{source}: expected a mapping of board fields, got {type(data).__name__}")
    fail = _FileError(source)
    _check_fields(data, fail)
    if data["arch"] == "arm":
        _check_arm(data, fail)
    if data["qemu_machine"] is not None:
        _check_machine(data, fail)
    pio = data["platformio"]
    if pio is not None:
        _check_platformio(pio, fail)
    renode = data.get("renode")
    return Board(
        name=data["name"],
        aliases=tuple(data.get("aliases") or ()),
        description=data["description"],
        cpu=data["cpu"],
        arch=data["arch"],
        cpu_flags=tuple(data["cpu_flags"]),
        flash_bytes=data["flash_bytes"],
        ram_bytes=data["ram_bytes"],
        flash_origin=data["flash_origin"],
        ram_origin=data["ram_origin"],
        platformio=dict(pio) if pio is not None else None,
        qemu_machine=data["qemu_machine"],
        renode=_renode_from(renode, pio, fail) if renode is not None else None,
        kernels=tuple(data.get("kernels") or ("portable",)),
    )


def load_board_file(path: Path) -> Board:
    """Read and validate one board YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BoardError(f"{path}: not valid YAML: {exc}") from None
    return _board_from_mapping(data, str(path))


def load_boards(directory: Path = BOARDS_DIR) -> dict[str, Board]:
    """All boards of `directory`, sorted by name; names and aliases must be unique across boards."""
    boards: dict[str, Board] = {}
    owner: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        board = load_board_file(path)
        for key in (board.name, *board.aliases):
            if key in owner:
                raise BoardError(f"{path}: field 'aliases': '{key}' is already used by board '{owner[key]}'")
            owner[key] = board.name
        boards[board.name] = board
    return boards


@lru_cache(maxsize=1)
def _registry() -> dict[str, Board]:
    return load_boards()


def get_board(name: str) -> Board:
    """The board called `name` or having it as an alias (case-insensitive)."""
    boards = _registry()
    wanted = name.strip().lower()
    for board in boards.values():
        if wanted == board.name or wanted in board.aliases:
            return board
    known = ", ".join(f"{b.name} ({', '.join(b.aliases)})" if b.aliases else b.name for b in boards.values())
    names = [n for b in boards.values() for n in (b.name, *b.aliases)]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    guess = f" (did you mean '{close[0]}'?)" if close else ""
    raise BoardError(f"unknown board '{name}'{guess}; known boards: {known}")
