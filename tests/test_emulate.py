"""Building generated projects and running them on the host and under QEMU, through the project's own build
files: exit status, console output, faults, timeouts, and the linker enforcing a board's memory budget."""

from pathlib import Path

import shutil

import pytest

from mcugen.boards import get_board, load_boards
from mcugen.emulate import build_firmware, build_host, firmware_size, qemu_command, run_host, run_qemu
from mcugen.emulate.build import elf_symbols
from mcugen.emulate import run as run_module
from mcugen.errors import BoardError, ToolchainError
from mcugen.targets import build_files

SELFTEST_H = "int mcugen_selftest(void (*print_line)(const char *line));\n"
# Uses the FPU, so a start-up that forgets to enable it faults here.
SELFTEST_C = """#include "selftest.h"

int mcugen_selftest(void (*print_line)(const char *line))
{
    volatile float x = 1.5f;
    print_line(x * 2.0f == 3.0f ? "float: ok" : "float: wrong");
    print_line("mcugen: PASS");
    return 0;
}
"""
MAIN_C = """#include <stdio.h>
#include "selftest.h"

static void print_line(const char *line)
{
    puts(line);
}

int main(void)
{
    return mcugen_selftest(print_line);
}
"""
EMULATED_BOARDS = [b.name for b in load_boards().values() if b.machine]


def make_project(root: Path, board_name: str, main_c: str = MAIN_C) -> Path:
    """A tiny hand-written project laid out like a generated one, with the build files for `board_name`."""
    sources = {"src/selftest.h": SELFTEST_H, "src/selftest.c": SELFTEST_C, "src/main.c": main_c}
    files = build_files("tiny", get_board(board_name), ["src/selftest.c", "src/main.c"], "test project")
    for rel, text in {**sources, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "include").mkdir(exist_ok=True)
    return root


def test_qemu_command_is_the_documented_one():
    command = " ".join(qemu_command(get_board("qemu-m4"), "fw.elf"))
    assert command == (
        "qemu-system-arm -M mps2-an386 -display none -monitor none -serial none -chardev stdio,id=sh0 "
        "-semihosting-config enable=on,target=native,chardev=sh0 -kernel fw.elf"
    )


def test_board_without_emulator_is_refused():
    with pytest.raises(BoardError, match="no emulator"):
        qemu_command(get_board("esp32"), "fw.elf")
    with pytest.raises(BoardError, match="PlatformIO"):
        build_firmware(".", get_board("esp32"), ".")


def test_missing_tool_names_the_apt_package(monkeypatch):
    monkeypatch.setattr(run_module.shutil, "which", lambda tool: None)
    with pytest.raises(ToolchainError, match="apt-get install -y qemu-system-arm"):
        run_qemu("fw.elf", get_board("qemu-m4"))


def test_host_build_and_run(tmp_path):
    exe = build_host(make_project(tmp_path, "host"), tmp_path / "build")
    result = run_host(exe, timeout=10)
    assert result.passed and result.lines == ["float: ok", "mcugen: PASS"]


def test_host_build_through_cmake(tmp_path):
    exe = build_host(make_project(tmp_path, "host"), tmp_path / "build", use_cmake=True)
    assert run_host(exe, timeout=10).passed


def test_compile_error_is_reported_with_the_compiler_output(tmp_path):
    project = make_project(tmp_path, "host", main_c="int main(void) { return undeclared; }\n")
    with pytest.raises(ToolchainError, match="(?s)host build failed.*undeclared"):
        build_host(project, tmp_path / "build")


@pytest.mark.emulator
@pytest.mark.parametrize("board_name", EMULATED_BOARDS)
def test_selftest_passes_under_qemu(tmp_path, board_name):
    board = get_board(board_name)
    elf = build_firmware(make_project(tmp_path, board_name), board, tmp_path / "build")
    result = run_qemu(elf, board, timeout=30)
    assert (result.returncode, result.timed_out) == (0, False), result
    assert result.lines == ["float: ok", "mcugen: PASS"] and result.passed


@pytest.mark.emulator
def test_firmware_built_through_cmake_runs(tmp_path):
    board = get_board("nano33ble")
    elf = build_firmware(make_project(tmp_path, "nano33ble"), board, tmp_path / "build", use_cmake=True)
    assert elf.name == "tiny.elf"
    assert run_qemu(elf, board, timeout=30).passed
    sizes = firmware_size(elf)
    assert set(sizes) == {"text", "data", "bss"} and 0 < sizes["text"] < 64 * 1024


@pytest.mark.emulator
def test_exit_status_reaches_the_host(tmp_path):
    board = get_board("qemu-m4")
    project = make_project(tmp_path, "qemu-m4", main_c="int main(void)\n{\n    return 1;\n}\n")
    result = run_qemu(build_firmware(project, board, tmp_path / "build"), board, timeout=30)
    assert (result.returncode, result.timed_out, result.passed) == (1, False, False)


@pytest.mark.emulator
def test_fault_ends_the_run_with_a_report(tmp_path):
    board = get_board("qemu-m4")
    main_c = "int main(void)\n{\n    return (int)*(volatile unsigned *)0xF0000000u;\n}\n"
    project = make_project(tmp_path, "qemu-m4", main_c=main_c)
    result = run_qemu(build_firmware(project, board, tmp_path / "build"), board, timeout=30)
    assert result.lines == ["mcugen: fault: HardFault (exception 3)", "mcugen: FAIL"]
    assert result.returncode == 128 + 3


@pytest.mark.emulator
def test_hang_times_out(tmp_path):
    board = get_board("qemu-m4")
    project = make_project(tmp_path, "qemu-m4", main_c="int main(void)\n{\n    for (;;) {\n    }\n}\n")
    result = run_qemu(build_firmware(project, board, tmp_path / "build"), board, timeout=0.5)
    assert result.timed_out and result.returncode is None and not result.passed


@pytest.mark.emulator
@pytest.mark.parametrize("array_bytes, problem", [(300 * 1024, "RAM overflowed by"), (250 * 1024, "stack and heap")])
def test_static_data_beyond_the_board_ram_fails_to_link(tmp_path, array_bytes, problem):
    main_c = (
        f"static volatile unsigned char big[{array_bytes}];\n\n"
        "int main(void)\n{\n    big[1] = 1;\n    return big[1] - 1;\n}\n"
    )
    project = make_project(tmp_path, "nano33ble", main_c=main_c)
    with pytest.raises(BoardError) as exc:
        build_firmware(project, get_board("nano33ble"), tmp_path / "build")
    first_line = str(exc.value).splitlines()[0]
    assert first_line.startswith("the firmware does not fit nano33ble: ") and problem in first_line
    # The same program fits the emulator board's 4 MB.
    elf = build_firmware(make_project(tmp_path, "qemu-m4", main_c=main_c), get_board("qemu-m4"), tmp_path / "m4")
    assert run_qemu(elf, get_board("qemu-m4"), timeout=30).returncode == 0


def test_verify_says_why_a_board_has_no_emulator():
    from mcugen.verify import verify_model

    with pytest.raises(ToolchainError, match="no xtensa toolchain or emulator"):
        verify_model(Path(__file__).parent.parent / "examples" / "wave_classifier" / "wave_int8.tflite", board="esp32-s3",
                     inputs=1)


@pytest.mark.parametrize("board_name", ["qemu-rv32imac", "uno", "stm32f4-discovery"])
def test_semihosting_and_marker_runs_report_the_exit_status(tmp_path, board_name):
    board = get_board(board_name)
    if shutil.which(board.architecture.compiler) is None:
        pytest.skip(f"{board.architecture.compiler} missing")
    project = make_project(tmp_path, board_name, MAIN_C.replace("return mcugen_selftest(print_line);",
                                                                  "print_line(\"bye\");\n    return 3;"))
    elf = build_firmware(project, board, tmp_path / "build")
    result = run_qemu(elf, board, timeout=30)
    assert (result.returncode, result.timed_out, result.lines[-1:]) == (3, False, ["bye"]), result


def test_a_uart_console_board_runs_without_semihosting():
    """The STM32F4 Discovery prints on USART2, as on the board and in Renode: QEMU's netduinoplus2 routes its second
    serial port (USART2) to stdout, and the firmware links no semihosting."""
    board = get_board("stm32f4-discovery")
    assert board.console == "uart" and board.uart.base == 0x40004400
    command = " ".join(qemu_command(board, "fw.elf"))
    assert command == "qemu-system-arm -M netduinoplus2 -display none -monitor none -serial null -serial stdio " \
                      "-kernel fw.elf"
    files = build_files("tiny", board, ["src/main.c"], "test project")
    toolchain = files["cmake/arm-none-eabi.cmake"]
    assert "--specs=nosys.specs" in toolchain and "-Wl,--wrap=exit" in toolchain and "rdimon" not in toolchain
    startup = files["src/platform/startup_cortexm.c"]
    assert "initialise_monitor_handles" not in startup and "MCUGEN_REG(0x40004404u)" in startup


@pytest.mark.emulator
def test_a_fault_on_a_uart_console_board_ends_the_run_with_a_report(tmp_path):
    board = get_board("stm32f4-discovery")
    if shutil.which(board.architecture.compiler) is None:
        pytest.skip(f"{board.architecture.compiler} missing")
    main_c = "int main(void)\n{\n    return (int)*(volatile unsigned *)0xF0000000u;\n}\n"
    elf = build_firmware(make_project(tmp_path, board.name, main_c=main_c), board, tmp_path / "build")
    assert not any(s.name == "initialise_monitor_handles" for s in elf_symbols(elf, board))
    result = run_qemu(elf, board, timeout=30)
    assert result.lines == ["mcugen: fault: HardFault (exception 3)", "mcugen: FAIL"]
    assert (result.returncode, result.timed_out) == (128 + 3, False)
