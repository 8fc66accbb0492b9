"""Scratch sizes of the CMSIS-NN FULLY_CONNECTED and AVERAGE_POOL_2D bindings equal CMSIS-NN's own
*_get_buffer_size functions, for every such layer of every DEV model, on each code path: a C probe calls the
plain function (host: plain C; Cortex-M4 under QEMU: the DSP path) and the host-callable _dsp and _mve variants."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import CMSIS_NN, DEV_MODELS, requires_arm, requires_cmsis_nn

from mcugen.kernels.arm.fully_connected import fc_scratch_bytes
from mcugen.kernels.arm.pooling import avgpool_scratch_bytes
from mcugen.ops import lowering_for
from mcugen.reader import read_model

pytestmark = requires_cmsis_nn

SOURCES = ("Source/FullyConnectedFunctions/arm_fully_connected_get_buffer_sizes_s8.c",
           "Source/PoolingFunctions/arm_avgpool_get_buffer_sizes_s8.c")
VARIANTS = {"": None, "_dsp": "dsp", "_mve": "mve"}  # None: the code path the probe is compiled for


def dev_layers() -> list[tuple[str, str, int, int]]:
    """(model, kind, a, b) per layer: FULLY_CONNECTED (output depth, input depth) or AVERAGE_POOL_2D
    (output width, channels)."""
    layers = []
    for path in DEV_MODELS:
        graph = read_model(path)
        for op in graph.ops:
            if op.kind not in ("FULLY_CONNECTED", "AVERAGE_POOL_2D"):
                continue
            layer = lowering_for(op.kind).prepare(op, graph)
            if op.kind == "FULLY_CONNECTED":
                layers.append((path.stem, op.kind, layer.output_depth, layer.input_depth))
            else:
                layers.append((path.stem, op.kind, layer.output_width, layer.channels))
    return layers


def probe_source(layers) -> str:
    lines = ["#include <stdio.h>", '#include "arm_nnfunctions.h"', "int main(void) {"]
    for _, kind, a, b in layers:
        for suffix in VARIANTS:
            if kind == "FULLY_CONNECTED":
                lines.append(f"  {{ const cmsis_nn_dims f = {{{b}, 1, 1, {a}}}; "
                             f'printf("%ld ", (long)arm_fully_connected_s8_get_buffer_size{suffix}(&f)); }}')
            else:
                lines.append(f'  printf("%ld ", (long)arm_avgpool_s8_get_buffer_size{suffix}({a}, {b}));')
        lines.append('  printf("\\n");')
    lines += ['  printf("PROBE-END\\n");', "  return 0;", "}"]
    return "\n".join(lines) + "\n"


def expected(layers, native_isa: str) -> list[list[int]]:
    rows = []
    for _, kind, a, b in layers:
        row = []
        for isa in VARIANTS.values():
            isa = isa or native_isa
            row.append(fc_scratch_bytes(a, isa) if kind == "FULLY_CONNECTED" else avgpool_scratch_bytes(a, b, isa))
        rows.append(row)
    return rows


def parse(output: str, count: int) -> list[list[int]]:
    text = output[:output.index("PROBE-END")]
    rows = [[int(v) for v in line.split()] for line in text.strip().splitlines()]
    assert len(rows) == count, output
    return rows


@pytest.fixture(scope="module")
def layers():
    found = dev_layers()
    if not found:
        pytest.skip("no FULLY_CONNECTED or AVERAGE_POOL_2D layer in the DEV models")
    return found


def test_buffer_sizes_match_cmsis_nn_on_host(layers, tmp_path):
    (tmp_path / "probe.c").write_text(probe_source(layers))
    exe = tmp_path / "probe"
    subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{CMSIS_NN / 'Include'}",
                    str(tmp_path / "probe.c"), *(str(CMSIS_NN / s) for s in SOURCES), "-o", str(exe)],
                   check=True, capture_output=True, text=True)
    output = subprocess.run([str(exe)], check=True, capture_output=True, text=True, timeout=30).stdout
    assert parse(output, len(layers)) == expected(layers, "plain")


@pytest.mark.emulator
@requires_arm
def test_buffer_sizes_match_cmsis_nn_on_cortex_m4(layers, tmp_path):
    """The plain function compiled for Cortex-M4 takes CMSIS-NN's DSP path."""
    from mcugen import targets
    from mcugen.boards import get_board
    from mcugen.emulate.build import build_firmware
    from mcugen.emulate.qemu import run_qemu

    board = get_board("qemu-m4")
    project = tmp_path / "probe"
    files = {"src/probe.c": probe_source(layers)}
    for rel in (*SOURCES, *(p.relative_to(CMSIS_NN).as_posix() for p in (CMSIS_NN / "Include").rglob("*.h"))):
        files[f"lib/cmsis_nn/{rel}"] = (CMSIS_NN / rel).read_text()
    files.update(targets.build_files("probe", board, ["src/probe.c", *(f"lib/cmsis_nn/{s}" for s in SOURCES)],
                                     "buffer-size probe", include_dirs=["lib/cmsis_nn/Include"]))
    for rel, text in files.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text)
    result = run_qemu(build_firmware(project, board, tmp_path / "build"), board, timeout=60)
    assert parse(result.stdout, len(layers)) == expected(layers, "dsp")
