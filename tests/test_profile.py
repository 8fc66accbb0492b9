"""The profiler: the instruction-counting plugin on a program of known length, the per-op bookkeeping, MACs,
the report, and whole models profiled in QEMU."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

from conftest import requires_arm
from mcugen.boards import get_board
from mcugen.cli import main as cli_main
from mcugen.compiler import compile_model
from mcugen.errors import InternalError, ToolchainError
from mcugen.ir import Graph, Op, Tensor
from mcugen.profile import Flash, OpProfile, Profile, Ram, _per_run_counts, format_profile, op_macs, profile_model

# Reset handler calls `mark` three times in a loop, then exits through semihosting (SYS_EXIT, ApplicationExit).
TINY_PROGRAM = """
    .syntax unified
    .thumb
    .text
    .global _start
_start:
    .word 0x20001000
    .word reset + 1
    .thumb_func
reset:
    movs r4, #3
1:  bl mark
    subs r4, #1
    bne 1b
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
    .thumb_func
    .global mark
mark:
    bx lr
"""


# ---- bookkeeping without the emulator ---------------------------------------------------------------------------


def test_per_run_counts_are_differences_of_marker_records():
    # two runs of two ops: 3 records per run
    assert _per_run_counts([10, 15, 45, 100, 105, 135], ops=2, runs=2) == [[5, 30], [5, 30]]


def test_per_run_counts_refuse_runs_that_disagree_or_missing_records():
    with pytest.raises(InternalError, match="differ between inferences"):
        _per_run_counts([10, 15, 45, 100, 106, 135], ops=2, runs=2)
    with pytest.raises(ToolchainError, match="expected 6 marker records"):
        _per_run_counts([10, 15, 45, 100, 105], ops=2, runs=2)


def _tensor(index: int, shape: tuple[int, ...], constant: bool = False) -> Tensor:
    return Tensor(index, f"t{index}", shape, "int8", data=np.zeros(shape, np.int8) if constant else None)


def test_macs_per_op_kind():
    tensors = [
        _tensor(0, (1, 10, 8, 6)),
        _tensor(1, (16, 3, 3, 3), constant=True),  # conv filter with 2 groups: 3 input channels each
        _tensor(2, (1, 5, 4, 16)),
        _tensor(3, (1, 3, 3, 16), constant=True),  # depthwise filter
        _tensor(4, (1, 5, 4, 16)),
        _tensor(5, (10, 320), constant=True),  # fully connected weights [out, in]
        _tensor(6, (2, 10)),
    ]
    conv = Op(0, "CONV_2D", [0, 1, -1], [2])
    depthwise = Op(1, "DEPTHWISE_CONV_2D", [2, 3, -1], [4])
    fully_connected = Op(2, "FULLY_CONNECTED", [4, 5, -1], [6])
    add = Op(3, "ADD", [4, 4], [4])
    graph = Graph("g", tensors, [conv, depthwise, fully_connected, add], [0], [6])
    assert op_macs(conv, graph) == 5 * 4 * 16 * 3 * 3 * (6 // 2)
    assert op_macs(depthwise, graph) == 5 * 4 * 16 * 3 * 3
    assert op_macs(fully_connected, graph) == 2 * 320 * 10
    assert op_macs(add, graph) == 0


def _profile(counts: list[int]) -> Profile:
    ops = [OpProfile(i, i, "CONV_2D", "1x4x4x2", "1x4x4x2", "mcugen_conv2d_s8", n, 10 * n)
           for i, n in enumerate(counts)]
    return Profile("m.tflite", "qemu-m4", "auto", ops, sum(counts), 2, Flash(1000, 500, 24), Ram(256, 16, 300, 512))


def test_report_lists_every_op_with_share_and_totals():
    profile = _profile([300, 100])
    profile.free_ops = ["2 RESHAPE"]
    text = format_profile(profile)
    assert "no code (the output aliases the input): op 2 RESHAPE" in text
    assert "400 instructions per inference" in text
    assert re.search(r"^\s*0\s+CONV_2D\s+1x4x4x2 -> 1x4x4x2\s+mcugen_conv2d_s8\s+300\s+75.0%\s+3,000$", text, re.M)
    assert re.search(r"^\s+total\s+400\s+100.0%\s+4,000$", text, re.M)
    assert "flash: 1,524 bytes = code 1,000 + weights 500 + constants 24" in text
    assert "stack high-water 300" in text
    assert "not cycles" in text


def test_json_form_carries_totals_and_shares():
    data = _profile([300, 100]).to_dict()
    assert data["total_instructions"] == 400 and data["total_macs"] == 4000
    assert [row["share"] for row in data["ops"]] == [0.75, 0.25]
    json.dumps(data)


# ---- in the emulator -------------------------------------------------------------------------------------------


@pytest.mark.emulator
@requires_arm
def test_plugin_counts_a_known_program_exactly(tmp_path):
    from mcugen.emulate.build import elf_symbols
    from mcugen.emulate.counter import run_counted

    source = tmp_path / "tiny.S"
    source.write_text(TINY_PROGRAM)
    elf = tmp_path / "tiny.elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-Wl,-Ttext=0x0",
                    str(source), "-o", str(elf)], check=True)
    (mark,) = [s for s in elf_symbols(elf) if s.name == "mark"]
    counted = run_counted(elf, get_board("qemu-m4"), mark.address & ~1)
    assert counted.result.returncode == 0
    # movs, bl reach the first mark; then bx lr, subs, bne, bl between marks; the exit adds movs, ldr, bkpt.
    assert counted.marks == [2, 6, 10]
    assert counted.total == 1 + 3 * 4 + 3


@pytest.fixture(scope="module")
def hello_profile(model_path):
    return profile_model(model_path("hello_world_int8"), board="qemu-m4")


@pytest.fixture(scope="module")
def model_path():  # module-scoped twin of conftest's fixture, for the module-scoped profiles
    from conftest import MODELS_DIR

    def find(stem):
        path = MODELS_DIR / f"{stem}.tflite"
        if not path.exists():
            pytest.skip(f"{path} not found (set MCUGEN_MODELS)")
        return path

    return find


@pytest.mark.emulator
@requires_arm
def test_hello_world_rows_follow_the_op_list(hello_profile, model_path):
    compiled = compile_model(model_path("hello_world_int8"), board="qemu-m4")
    expected = [(compiled.steps[s].index, compiled.steps[s].kind) for s in compiled.plan.order]
    assert [(row.index, row.kind) for row in hello_profile.ops] == expected
    assert all(row.instructions > 0 for row in hello_profile.ops)
    assert hello_profile.total == hello_profile.inference > 0
    assert [row.macs for row in hello_profile.ops] == [16, 256, 16]
    assert hello_profile.flash.weights > 0 and hello_profile.flash.code > 0
    assert 0 < hello_profile.ram.stack < 4096
    assert hello_profile.flash.constants >= 0


@pytest.mark.emulator
@requires_arm
def test_two_runs_give_identical_figures(hello_profile, model_path):
    again = profile_model(model_path("hello_world_int8"), board="qemu-m4")
    assert again.to_dict() == hello_profile.to_dict()
    assert format_profile(again) == format_profile(hello_profile)


@pytest.mark.emulator
@requires_arm
def test_micronet_table_total_is_the_whole_inference(model_path):
    profile = profile_model(model_path("armzoo_kws_micronet_m_int8"), board="qemu-m4")
    text = format_profile(profile)
    total_line = next(line for line in text.splitlines() if line.split()[:1] == ["total"])
    assert int(total_line.split()[1].replace(",", "")) == profile.inference
    assert sum(row.instructions for row in profile.ops) == profile.inference
    assert profile.macs > 10_000_000


@pytest.mark.emulator
@requires_arm
def test_markers_vanish_from_normal_builds(model_path, tmp_path):
    from mcugen.codegen import render_project, write_project
    from mcugen.emulate.build import build_firmware, elf_symbols

    compiled = compile_model(model_path("hello_world_int8"), board="qemu-m4")
    project = write_project(render_project(compiled, None, "test"), tmp_path / "project")
    elf = build_firmware(project, compiled.board, tmp_path / "build")
    names = {s.name for s in elf_symbols(elf)}
    assert "hello_world_int8_invoke" in names and "hello_world_int8_profile_mark" not in names


@pytest.mark.emulator
@requires_arm
def test_cli_profile_json(model_path, capsys):
    assert cli_main(["profile", str(model_path("hello_world_int8")), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_instructions"] == sum(row["instructions"] for row in data["ops"])
    assert data["board"] == "qemu-m4"
