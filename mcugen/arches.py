"""Architecture descriptions: one YAML file per architecture under mcugen/arches/, loaded through one schema.

An architecture says how firmware for its cores is built and run: the cross compiler and its tools, the flags,
the C library, the start-up and linker templates, the emulator with its command line and its machines (their
memory maps), and how a run reports its result (the semihosting exit status, or a marker line on a UART).
Boards name their architecture; adding an architecture is one description plus its templates, adding a board
whose core is described is one board file. A malformed file fails with an error naming the file and the field.

A board's console is semihosting (the default) or, where its machine describes one, a UART: `consoles` gives the
extra compile and link flags of each, and the emulator's `uart_args` the command line of a UART console run, whose
result arrives as a marker line on the emulator's stdout.

Flag lists may hold placeholders filled per board: {cpu_flags} (the board's own flags, spliced in as a list),
{flash_origin}, {flash_bytes}, {ram_origin}, {ram_bytes}, {stack_reserve} (hexadecimal or decimal numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from mcugen.errors import BoardError

ARCHES_DIR = Path(__file__).parent / "arches"
RESULTS = ("semihosting", "marker")
CONSOLES = ("semihosting", "uart")
CPU_FLAGS_SLOT = "{cpu_flags}"


@dataclass(frozen=True)
class Uart:
    """A UART of an emulated machine: its kind (which start-up code drives it), its base address, and the emulator
    arguments that route it to the emulator's stdout."""

    kind: str
    base: int
    args: tuple[str, ...]


@dataclass(frozen=True)
class Console:
    """Compile and link flags of one kind of console (semihosting, or a UART the firmware drives itself)."""

    cflags: tuple[str, ...] = ()
    ldflags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Machine:
    """An emulated machine: the CPUs whose code it runs, its memory map, and its own emulator arguments."""

    name: str
    runs: frozenset[str]
    flash_origin: int
    flash_bytes: int
    ram_origin: int
    ram_bytes: int
    args: tuple[str, ...] = ()
    # Where the core reads its reset vectors when that is not the start of flash (the vector table is then linked
    # there on its own).
    vector_origin: int | None = None
    # The UART a board's console may use instead of semihosting.
    uart: Uart | None = None


@dataclass(frozen=True)
class Emulator:
    """How an emulator runs firmware: its binary, arguments ({machine_args} and {elf} are filled per run), the
    stream that carries the console, and how the result arrives (exit status by semihosting, or a marker line)."""

    binary: str
    args: tuple[str, ...]
    result: str
    console: str = "stdout"
    marker: str = "mcugen: exit "
    # What the emulator prints for the firmware's newline before it breaks the line (simavr: ".").
    line_end: str = ""
    apt: tuple[str, ...] = ()
    # The emulator loads QEMU TCG plugins (the instruction counter of mcugen profile).
    plugins: bool = False
    # The arguments of a run whose console is a machine's UART ({uart_args}: the UART's own routing); such a run
    # reports its result by the marker line on stdout.
    uart_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arch:
    """One architecture: the toolchain that builds its firmware and the emulator that runs it."""

    name: str
    description: str
    compiler: str | None
    size: str | None
    readelf: str | None
    cflags: tuple[str, ...]
    ldflags: tuple[str, ...]
    libs: tuple[str, ...]
    stack_reserve: int
    apt: tuple[str, ...]
    # Generated build files: project-relative path -> template under templates/build.
    toolchain_file: str | None
    toolchain_template: str | None
    startup: str | None
    startup_template: str | None
    linker_template: str | None
    # Function symbols carry the Thumb bit (bit 0 set): clear it to get an instruction address.
    thumb: bool
    # The flag every board of the architecture must give to name its core (e.g. -mcpu=).
    cpu_flag: str | None
    # Constants stay in a separate flash address space (AVR program memory): kernels read them with accessors.
    flash_constants: bool
    emulator: Emulator | None
    machines: dict[str, Machine]
    # Console kind -> its extra flags; empty when the architecture has one console only.
    consoles: dict[str, Console] = field(default_factory=dict)

    @property
    def cross(self) -> bool:
        """Firmware of this architecture is built here by mcugen (not only by PlatformIO)."""
        return self.compiler is not None

    def expand(self, flags: tuple[str, ...], cpu_flags: tuple[str, ...], values: dict[str, int]) -> tuple[str, ...]:
        """`flags` with the placeholders filled: {cpu_flags} spliced, numbers formatted in hexadecimal."""
        out: list[str] = []
        for flag in flags:
            if flag == CPU_FLAGS_SLOT:
                out.extend(cpu_flags)
            else:
                out.append(flag.format(**{k: f"{v:#x}" for k, v in values.items()}))
        return tuple(out)

    def emulator_command(self, machine: Machine, elf: str, extra_args: tuple[str, ...] = (),
                         uart: bool = False) -> list[str]:
        """The emulator command line that runs `elf` on `machine`; `extra_args` go before the firmware. With
        `uart` the console is the machine's UART instead of semihosting."""
        if self.emulator is None:
            raise BoardError(f"architecture {self.name} has no emulator")
        if uart and (machine.uart is None or not self.emulator.uart_args):
            raise BoardError(f"machine {machine.name} has no UART console")
        command = [self.emulator.binary]
        for arg in self.emulator.uart_args if uart else self.emulator.args:
            if arg == "{machine_args}":
                command.extend(machine.args)
            elif arg == "{extra_args}":
                command.extend(extra_args)
            elif arg == "{uart_args}":
                command.extend(machine.uart.args)
            else:
                command.append(arg.replace("{elf}", elf))
        return command


class FieldError:
    """Makes BoardErrors that name a description file and the offending field."""

    def __init__(self, source: str):
        self.source = source

    def __call__(self, field: str, problem: str) -> BoardError:
        return BoardError(f"{self.source}: field '{field}': {problem}")


# field -> (accepted types, required). Every key of an architecture file must be listed here.
_SCHEMA: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": ((str,), True),
    "description": ((str,), True),
    "compiler": ((str, type(None)), True),
    "size": ((str, type(None)), False),
    "readelf": ((str, type(None)), False),
    "cflags": ((list,), False),
    "ldflags": ((list,), False),
    "libs": ((list,), False),
    "stack_reserve": ((int,), False),
    "apt": ((list,), False),
    "toolchain_file": ((str, type(None)), False),
    "toolchain_template": ((str, type(None)), False),
    "startup": ((str, type(None)), False),
    "startup_template": ((str, type(None)), False),
    "linker_template": ((str, type(None)), False),
    "thumb": ((bool,), False),
    "cpu_flag": ((str,), False),
    "flash_constants": ((bool,), False),
    "emulator": ((dict, type(None)), False),
    "machines": ((dict,), False),
    "consoles": ((dict,), False),
}
_EMULATOR_KEYS = {"binary": str, "args": list, "result": str, "console": str, "marker": str, "line_end": str,
                  "apt": list, "plugins": bool, "uart_args": list}
_MACHINE_KEYS = {"runs": list, "flash": list, "ram": list, "args": list, "vector_origin": int, "uart": dict}


def _check_type(value: object, types: tuple[type, ...], fail: FieldError, field: str) -> None:
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
        raise fail(field, f"expected {names}, got {value!r}")


def _strings(value: list, fail: FieldError, field: str) -> tuple[str, ...]:
    if not all(isinstance(v, str) and v for v in value):
        raise fail(field, "expected a list of non-empty strings")
    return tuple(value)


def _region(value: list, fail: FieldError, field: str) -> tuple[int, int]:
    if len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise fail(field, "expected [origin, bytes] as two non-negative integers")
    if value[1] <= 0:
        raise fail(field, "the size must be positive")
    return value[0], value[1]


def _check_section(data: dict, known: dict[str, type], required: tuple[str, ...], fail: FieldError,
                   where: str) -> None:
    """The keys of a nested mapping `where`: all known, the required ones present, each of its type."""
    for key, value in data.items():
        if key not in known:
            raise fail(f"{where}.{key}", f"unknown field (known: {', '.join(known)})")
        _check_type(value, (known[key],), fail, f"{where}.{key}")
    for key in required:
        if key not in data:
            raise fail(f"{where}.{key}", "missing")


def _emulator_from(data: dict, fail: FieldError) -> Emulator:
    _check_section(data, _EMULATOR_KEYS, ("binary", "args", "result"), fail, "emulator")
    if data["result"] not in RESULTS:
        raise fail("emulator.result", f"'{data['result']}' is not one of {', '.join(RESULTS)}")
    if data.get("console", "stdout") not in ("stdout", "stderr"):
        raise fail("emulator.console", "expected stdout or stderr")
    args = _strings(data["args"], fail, "emulator.args")
    if "{elf}" not in " ".join(args):
        raise fail("emulator.args", "must name the firmware as {elf}")
    return Emulator(binary=data["binary"], args=args, result=data["result"], console=data.get("console", "stdout"),
                    marker=data.get("marker", "mcugen: exit "), line_end=data.get("line_end", ""),
                    apt=_strings(data.get("apt", []), fail, "emulator.apt"),
                    plugins=data.get("plugins", False),
                    uart_args=_strings(data.get("uart_args", []), fail, "emulator.uart_args"))


def _machine_from(name: str, data: object, fail: FieldError) -> Machine:
    where = f"machines.{name}"
    if not isinstance(data, dict):
        raise fail(where, "expected a mapping")
    _check_section(data, _MACHINE_KEYS, ("runs", "flash", "ram"), fail, where)
    flash, ram = _region(data["flash"], fail, f"{where}.flash"), _region(data["ram"], fail, f"{where}.ram")
    uart = None
    if "uart" in data:
        u = data["uart"]
        if (set(u) != {"kind", "base", "args"} or not isinstance(u["kind"], str) or not isinstance(u["base"], int)
                or not isinstance(u["args"], list)):
            raise fail(f"{where}.uart", "expected {kind: name, base: address, args: [emulator arguments]}")
        uart = Uart(u["kind"], u["base"], _strings(u["args"], fail, f"{where}.uart.args"))
    return Machine(name=name, runs=frozenset(_strings(data["runs"], fail, f"{where}.runs")), flash_origin=flash[0],
                   flash_bytes=flash[1], ram_origin=ram[0], ram_bytes=ram[1],
                   args=_strings(data.get("args", []), fail, f"{where}.args"),
                   vector_origin=data.get("vector_origin"), uart=uart)


def _consoles_from(data: dict, fail: FieldError) -> dict[str, Console]:
    consoles = {}
    for kind, flags in data.items():
        if kind not in CONSOLES:
            raise fail(f"consoles.{kind}", f"unknown console (known: {', '.join(CONSOLES)})")
        if not isinstance(flags, dict):
            raise fail(f"consoles.{kind}", "expected {cflags: [...], ldflags: [...]}")
        _check_section(flags, {"cflags": list, "ldflags": list}, (), fail, f"consoles.{kind}")
        consoles[kind] = Console(_strings(flags.get("cflags", []), fail, f"consoles.{kind}.cflags"),
                                 _strings(flags.get("ldflags", []), fail, f"consoles.{kind}.ldflags"))
    return consoles


def _arch_from_mapping(data: object, source: str) -> Arch:
    if not isinstance(data, dict):
        raise BoardError(f"{source}: expected a mapping of architecture fields, got {type(data).__name__}")
    fail = FieldError(source)
    for key in data:
        if key not in _SCHEMA:
            raise fail(key, f"unknown field (known: {', '.join(_SCHEMA)})")
    for key, (types, required) in _SCHEMA.items():
        if key in data:
            _check_type(data[key], types, fail, key)
        elif required:
            raise fail(key, "missing")
    if Path(source).stem != data["name"]:
        raise fail("name", f"'{data['name']}' does not match the file name")
    emulator = _emulator_from(data["emulator"], fail) if data.get("emulator") else None
    machines = {name: _machine_from(name, spec, fail) for name, spec in (data.get("machines") or {}).items()}
    if machines and emulator is None:
        raise fail("machines", "machines need an emulator")
    for path_key, template_key in (("toolchain_file", "toolchain_template"), ("startup", "startup_template")):
        if bool(data.get(path_key)) != bool(data.get(template_key)):
            raise fail(template_key, f"{path_key} and {template_key} go together")
    return Arch(
        name=data["name"],
        description=data["description"],
        compiler=data["compiler"],
        size=data.get("size"),
        readelf=data.get("readelf"),
        cflags=_strings(data.get("cflags", []), fail, "cflags"),
        ldflags=_strings(data.get("ldflags", []), fail, "ldflags"),
        libs=_strings(data.get("libs", []), fail, "libs"),
        stack_reserve=data.get("stack_reserve", 0),
        apt=_strings(data.get("apt", []), fail, "apt"),
        toolchain_file=data.get("toolchain_file"),
        toolchain_template=data.get("toolchain_template"),
        startup=data.get("startup"),
        startup_template=data.get("startup_template"),
        linker_template=data.get("linker_template"),
        thumb=data.get("thumb", False),
        cpu_flag=data.get("cpu_flag"),
        flash_constants=data.get("flash_constants", False),
        emulator=emulator,
        machines=machines,
        consoles=_consoles_from(data.get("consoles") or {}, fail),
    )


def load_arch_file(path: Path) -> Arch:
    """Read and validate one architecture YAML file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BoardError(f"{path}: not valid YAML: {exc}") from None
    except OSError as exc:
        raise BoardError(f"{path}: cannot read ({exc.strerror})") from None
    return _arch_from_mapping(data, str(path))


def load_arches(directory: Path = ARCHES_DIR) -> dict[str, Arch]:
    """All architectures of `directory`, sorted by name; machine names are unique across them."""
    arches: dict[str, Arch] = {}
    owner: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        arch = load_arch_file(path)
        for machine in arch.machines:
            if machine in owner:
                raise BoardError(f"{path}: field 'machines.{machine}': already described by {owner[machine]}")
            owner[machine] = arch.name
        arches[arch.name] = arch
    return arches


@lru_cache(maxsize=1)
def registry() -> dict[str, Arch]:
    """The shipped architectures."""
    return load_arches()


def machines() -> dict[str, Machine]:
    """Every emulated machine of the shipped architectures, by name."""
    return {name: m for arch in registry().values() for name, m in arch.machines.items()}


def install_hint(tool: str) -> str | None:
    """The apt-get command that installs `tool`, when a shipped architecture names it."""
    for arch in registry().values():
        if tool in (arch.compiler, arch.size, arch.readelf) and arch.apt:
            return "apt-get install -y " + " ".join(arch.apt)
        if arch.emulator and tool == arch.emulator.binary and arch.emulator.apt:
            return "apt-get install -y " + " ".join(arch.emulator.apt)
    return None
