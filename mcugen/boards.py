"""The board registry: one declarative YAML file per board under mcugen/boards/, loaded through one schema.

A board says what the generated project is built for: its architecture (mcugen/arches/*.yaml: toolchain,
start-up, emulator and machines), the CPU and its compiler flags, the flash and RAM budget that the model must fit
and the stack reserve within it, the PlatformIO environment that builds real firmware, and the emulated machine
that runs the same CPU. Emulators model few real boards, so a real board names a machine that runs its CPU; the
firmware is linked at that machine's addresses but within the real board's budget, so the linker enforces the
limits. Adding a board is adding one YAML file; a malformed file fails with an error naming the file and the field.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from mcugen import arches
from mcugen.arches import Arch, FieldError, Machine, Uart
from mcugen.errors import BoardError

BOARDS_DIR = Path(__file__).parent / "boards"

KERNEL_BACKENDS = ("cmsis-nn", "portable")  # mcugen.kernels.base.BACKENDS, without importing the op registry


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
    machine_name: str | None
    renode: Renode | None = None
    # Kernel backends in order of preference (`--kernels auto`); the portable kernels always come last.
    kernels: tuple[str, ...] = ("portable",)
    # RAM kept free above the static data for the stack (and the C library's heap); part of ram_bytes.
    stack_reserve: int = 0
    # Where printf and the exit status go: "semihosting", or "uart" (the machine's UART, read by the emulator).
    console: str = "semihosting"

    @property
    def architecture(self) -> Arch:
        return arches.registry()[self.arch]

    @property
    def machine(self) -> Machine | None:
        return self.architecture.machines[self.machine_name] if self.machine_name else None

    @property
    def uart(self) -> Uart | None:
        """The UART the firmware's console drives, or None when the console is semihosting."""
        return self.machine.uart if self.console == "uart" and self.machine else None

    @property
    def emulator(self) -> str | None:
        """The emulator and machine that run this board's firmware, e.g. "qemu-system-arm -M mps2-an386"."""
        machine = self.machine
        if machine is None:
            return None
        return f"{self.architecture.emulator.binary} {' '.join(machine.args)}".strip()

    @property
    def counts_instructions(self) -> bool:
        """Whether this board's emulator counts instructions (QEMU with TCG plugins), as `mcugen profile` needs."""
        emulator = self.architecture.emulator if self.machine else None
        return emulator is not None and emulator.plugins

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
    "machine": ((str, type(None)), True),
    "renode": ((dict, type(None)), False),
    "kernels": ((list,), False),
    "stack_reserve": ((int,), False),
    "console": ((str,), False),
}


def _check_fields(data: dict, fail: FieldError) -> None:
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
    known = arches.registry()
    if data["arch"] not in known:
        raise fail("arch", f"'{data['arch']}' is not one of {', '.join(known)}")
    reserve = data.get("stack_reserve")
    if reserve is not None and not 0 < reserve < data["ram_bytes"]:
        raise fail("stack_reserve", f"must be positive and below ram_bytes ({data['ram_bytes']})")


def _check_cross(data: dict, arch: Arch, fail: FieldError) -> None:
    """Firmware is linked for boards that mcugen builds: they need addresses and CPU flags."""
    for key in ("flash_origin", "ram_origin"):
        if data[key] is None:
            raise fail(key, f"a {arch.name} board needs the address (firmware is linked for it)")
    wanted = arch.cpu_flag or "-"
    if not any(f.startswith(wanted) for f in data["cpu_flags"]):
        raise fail("cpu_flags", f"a {arch.name} board needs {wanted}...")


def _check_machine(data: dict, arch: Arch, fail: FieldError) -> None:
    """The emulator must run the board's CPU and hold the board's budget."""
    name = data["machine"]
    machine = arch.machines.get(name)
    if machine is None:
        others = arches.machines()
        where = " (a machine of another architecture)" if name in others else ""
        raise fail("machine", f"unknown {arch.name} machine '{name}'{where} (known: {', '.join(arch.machines)})")
    if data["cpu"] not in machine.runs:
        raise fail("machine", f"{name} does not run {data['cpu']} code")
    for key, limit in (("flash_bytes", machine.flash_bytes), ("ram_bytes", machine.ram_bytes)):
        if data[key] > limit:
            raise fail(key, f"{data[key]} bytes exceed the {limit} bytes of {name}")


def _check_console(data: dict, arch: Arch, fail: FieldError) -> None:
    """A board's console must be one its architecture builds, and a UART console needs a machine with a UART."""
    console = data["console"]
    if console not in arch.consoles:
        known = ", ".join(arch.consoles) or "none: it has one console only"
        raise fail("console", f"'{console}' is not a console of {arch.name} (known: {known})")
    if console == "uart":
        machine = arch.machines.get(data["machine"] or "")
        if machine is None or machine.uart is None:
            raise fail("console", f"a UART console needs a machine with a UART ({data['machine']} has none)")


def _check_platformio(pio: dict, fail: FieldError) -> None:
    if "platform" not in pio:
        raise fail("platformio", "needs at least 'platform'")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in pio.items()):
        raise fail("platformio", "expected a mapping of option names to strings")


def _renode_from(renode: dict, pio: dict | None, fail: FieldError) -> Renode:
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
    fail = FieldError(source)
    _check_fields(data, fail)
    arch = arches.registry()[data["arch"]]
    if arch.cross:
        _check_cross(data, arch, fail)
    if data["machine"] is not None:
        _check_machine(data, arch, fail)
    if "console" in data:
        _check_console(data, arch, fail)
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
        machine_name=data["machine"],
        renode=_renode_from(renode, pio, fail) if renode is not None else None,
        kernels=tuple(data.get("kernels") or ("portable",)),
        stack_reserve=data.get("stack_reserve", arch.stack_reserve),
        console=data.get("console", "semihosting"),
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
    for path in sorted(directory.glob("*.yaml"), key=lambda p: p.stem):
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
