"""Board registry: the shipped boards, alias lookup, and the schema's errors on malformed board files."""

from pathlib import Path

import pytest
import yaml

from mcugen.arches import machines
from mcugen.boards import BOARDS_DIR, get_board, load_board_file, load_boards
from mcugen.errors import BoardError

KIB, MIB = 1024, 1024 * 1024

# CPU -> the gcc flags of that core with its FPU.
CPU_FLAGS = {
    "cortex-m4": ("-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"),
    "cortex-m7": ("-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-d16"),
    "cortex-m33": ("-mcpu=cortex-m33", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"),
    "cortex-m0plus": ("-mcpu=cortex-m0plus",),
}


def test_required_boards_are_shipped():
    boards = load_boards()
    assert {"nano33ble", "qemu-m4", "qemu-m7", "qemu-m33"} <= set(boards)
    assert list(boards) == sorted(boards)


def test_nano33ble():
    board = get_board("nano33ble")
    assert board.cpu == "cortex-m4" and board.arch == "arm"
    assert (board.flash_bytes, board.ram_bytes) == (1 * MIB, 256 * KIB)
    assert (board.flash_origin, board.ram_origin) == (0x0, 0x20000000)
    assert board.platformio == {"platform": "nordicnrf52", "board": "nano33ble", "framework": "arduino"}
    assert board.machine_name == "mps2-an386"
    assert board.renode.platform == "platforms/cpus/nrf52840.repl"
    assert board.link_regions == (0x0, 1 * MIB, 0x20000000, 256 * KIB)


@pytest.mark.parametrize(
    "name, machine, flash_origin, ram_origin",
    [("qemu-m4", "mps2-an386", 0x0, 0x20000000), ("qemu-m7", "mps2-an500", 0x0, 0x20000000),
     ("qemu-m33", "mps2-an505", 0x10000000, 0x38000000)],
)  # fmt: skip
def test_emulator_boards_use_the_whole_map(name, machine, flash_origin, ram_origin):
    board = get_board(name)
    assert board.machine_name == machine
    assert board.link_regions == (flash_origin, 4 * MIB, ram_origin, 4 * MIB)


def test_m55_links_its_vectors_where_the_core_fetches_them():
    board = get_board("qemu-m55")
    assert board.machine_name == "mps3-an547" and board.cpu == "cortex-m55"
    assert board.link_regions == (0x01000000, 2 * MIB, 0x20000000, 512 * KIB)
    assert board.machine.vector_origin == 0x0


@pytest.mark.parametrize("name", ["qemu-m4", "qemu-m7", "qemu-m33", "qemu-m55", "nano33ble", "nucleo-f446re"])
def test_cortex_m_dsp_and_helium_boards_prefer_cmsis_nn(name):
    assert get_board(name).kernels == ("cmsis-nn", "portable")


def test_other_boards_use_the_portable_kernels():
    for name in ("pico", "esp32", "host"):
        assert get_board(name).kernels == ("portable",)


def test_real_boards_link_at_the_machine_addresses_within_their_budget():
    pico = get_board("pico")
    assert pico.flash_origin == 0x10000000  # the RP2040's XIP flash ...
    assert pico.link_regions[0] == machines()["mps2-an385"].flash_origin  # ... but linked where the MPS2 has code
    assert pico.link_regions[1] == pico.flash_bytes


@pytest.mark.parametrize("board", load_boards().values(), ids=lambda b: b.name)
def test_every_board_is_consistent(board):
    if board.cpu in CPU_FLAGS:
        assert board.cpu_flags == CPU_FLAGS[board.cpu]
    if board.machine:
        assert board.cpu in board.machine.runs
        assert board.flash_bytes <= board.machine.flash_bytes and board.ram_bytes <= board.machine.ram_bytes


def test_aliases_and_case_resolve():
    assert get_board("nano33").name == "nano33ble"
    assert get_board(" Nano33BLE ").name == "nano33ble"
    assert get_board("mps2-an505").name == "qemu-m33"


def test_unknown_board_lists_the_known_ones():
    with pytest.raises(BoardError) as exc:
        get_board("uno-r9")
    message = str(exc.value)
    assert "'uno-r9'" in message and "nano33ble (nano33)" in message and "qemu-m4" in message


def _write_variant(tmp_path: Path, change: dict, name: str = "nano33ble") -> Path:
    data = yaml.safe_load((BOARDS_DIR / f"{name}.yaml").read_text())
    for key, value in change.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    path = tmp_path / f"{data.get('name', name)}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"ram_bytes": ...}, "ram_bytes", "missing"),
        ({"ram_bytes": "256K"}, "ram_bytes", "expected int"),
        ({"flash_bytes": True}, "flash_bytes", "expected int"),
        ({"colour": "blue"}, "colour", "unknown field"),
        ({"arch": "mips"}, "arch", "not one of"),
        ({"machine": "mps2-an999"}, "machine", "unknown arm machine"),
        ({"machine": "mps2-an385"}, "machine", "does not run cortex-m4"),
        ({"ram_bytes": 64 * MIB}, "ram_bytes", "exceed"),
        ({"cpu_flags": ["-O2"]}, "cpu_flags", "-mcpu"),
        ({"ram_origin": None}, "ram_origin", "needs the address"),
        ({"platformio": {"board": "x"}}, "platformio", "platform"),
        ({"renode": {"platform": "x"}}, "renode", "exactly"),
        ({"aliases": [1]}, "aliases", "non-empty strings"),
        ({"kernels": ["tflm"]}, "kernels", "unknown backend"),
        ({"console": "swo"}, "console", "not a console of arm"),
        ({"console": "uart"}, "console", "needs a machine with a UART"),
    ],
)
def test_bad_board_file_names_file_and_field(tmp_path, change, field, words):
    path = _write_variant(tmp_path, change)
    with pytest.raises(BoardError) as exc:
        load_board_file(path)
    message = str(exc.value)
    assert str(path) in message and f"field '{field}'" in message and words in message


def test_name_must_match_the_file(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text((BOARDS_DIR / "qemu-m4.yaml").read_text())
    with pytest.raises(BoardError, match="field 'name'.*does not match"):
        load_board_file(path)


def test_bad_yaml_and_non_mapping(tmp_path):
    (tmp_path / "a.yaml").write_text("name: [unclosed\n")
    with pytest.raises(BoardError, match="a.yaml: not valid YAML"):
        load_board_file(tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("- 1\n")
    with pytest.raises(BoardError, match="b.yaml: expected a mapping"):
        load_board_file(tmp_path / "b.yaml")


def test_duplicate_alias_is_rejected(tmp_path):
    _write_variant(tmp_path, {})
    _write_variant(tmp_path, {"name": "nano33ble-copy"})
    with pytest.raises(BoardError, match="'nano33ble' is already used|'nano33' is already used"):
        load_boards(tmp_path)


def test_a_new_emulated_cortex_m_board_is_one_yaml_file(tmp_path):
    (tmp_path / "my-m3.yaml").write_text(
        "name: my-m3\ndescription: a Cortex-M3 part with 64 KB flash and 16 KB RAM\ncpu: cortex-m3\narch: arm\n"
        "cpu_flags: [-mcpu=cortex-m3]\nflash_bytes: 65536\nram_bytes: 16384\nflash_origin: 0x0\n"
        "ram_origin: 0x20000000\nplatformio: null\nstack_reserve: 4096\nmachine: mps2-an385\n")
    board = load_boards(tmp_path)["my-m3"]
    assert board.emulator == "qemu-system-arm -M mps2-an385"
    assert board.link_regions == (0x0, 64 * KIB, 0x20000000, 16 * KIB) and board.stack_reserve == 4096


def test_every_board_has_platformio_and_an_emulator_or_a_reason():
    from mcugen.emulate.run import no_emulator_reason

    boards = load_boards()
    assert {"pico", "esp32-c3", "esp32-c6", "esp32", "esp32-s3", "uno", "mega2560", "nucleo-f446re",
            "stm32f4-discovery", "nano33ble", "qemu-m0", "qemu-m3", "qemu-rv32imc", "qemu-rv32imac"} <= set(boards)
    for board in boards.values():
        if not board.name.startswith("qemu-"):
            assert board.platformio and "platform" in board.platformio, board.name
        if board.machine is None:
            assert no_emulator_reason(board)
    assert {b.name for b in boards.values() if b.machine is None} == {"esp32", "esp32-s3", "host"}


def test_bad_architecture_file_names_file_and_field(tmp_path):
    from mcugen.arches import load_arch_file

    path = tmp_path / "mips.yaml"
    path.write_text("name: mips\ndescription: x\ncompiler: gcc\nemulator: {binary: qemu, args: [-kernel], "
                    "result: semihosting}\n")
    with pytest.raises(BoardError, match=r"mips.yaml: field 'emulator.args': must name the firmware"):
        load_arch_file(path)
