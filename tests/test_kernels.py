"""Choosing kernels per layer: backends in the board's order, fallbacks with reasons, CMSIS-NN location rules."""

from __future__ import annotations

import pytest
from conftest import CMSIS_NN, requires_cmsis_nn
from modelgen import add_model

from mcugen.boards import get_board
from mcugen.compiler import compile_model, kernel_target
from mcugen.errors import McugenError
from mcugen.kernels.base import BINDINGS, KernelBinding, Target, choose
from mcugen.kernels.arm.library import CmsisNNError, locate
from mcugen.ops import lowering_for, supported_ops
from mcugen.reader import read_model_bytes


def test_every_op_that_emits_code_has_a_portable_binding():
    for kind in supported_ops():
        lowering = lowering_for(kind)
        if not lowering.is_alias and not lowering.no_code:
            assert BINDINGS.get((kind, "portable")), kind


def test_portable_only_boards_ignore_cmsis_nn(monkeypatch):
    monkeypatch.setenv("CMSIS_NN_PATH", str(CMSIS_NN))
    target, notices = kernel_target(get_board("pico"), "auto", None, host=False)
    assert target.backends == ("portable",) and target.cmsis_nn is None and not notices


def test_auto_without_cmsis_nn_falls_back_with_a_notice(monkeypatch):
    monkeypatch.delenv("CMSIS_NN_PATH", raising=False)
    compiled = compile_model(add_model(shape1=(1, 4, 4, 8)), board="qemu-m4")
    assert compiled.target.backends == ("portable",)
    assert any("CMSIS-NN not found" in n for n in compiled.notices)
    assert compiled.kernel_name(0) == "mcugen_add_s8"


def test_cmsis_nn_without_a_location_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("CMSIS_NN_PATH", raising=False)
    with pytest.raises(CmsisNNError, match="needs CMSIS-NN"):
        kernel_target(get_board("qemu-m4"), "cmsis-nn", None, host=False)


def test_a_named_location_that_is_not_cmsis_nn_is_refused(tmp_path):
    with pytest.raises(CmsisNNError, match="not a CMSIS-NN tree"):
        locate(tmp_path)


def test_unknown_kernels_choice_is_refused():
    with pytest.raises(McugenError, match="unknown kernels"):
        kernel_target(get_board("qemu-m4"), "tflm", None, host=False)


@requires_cmsis_nn
def test_cmsis_nn_revision_and_code_path():
    library = locate(CMSIS_NN)
    assert library.pinned, library.describe()
    for board, isa in (("qemu-m4", "dsp"), ("qemu-m7", "dsp"), ("qemu-m33", "dsp"), ("qemu-m55", "mve")):
        target, _ = kernel_target(get_board(board), "cmsis-nn", CMSIS_NN, host=False)
        assert target.backends == ("cmsis-nn", "portable") and target.isa == isa
    host_target, _ = kernel_target(get_board("qemu-m4"), "cmsis-nn", CMSIS_NN, host=True)
    assert host_target.isa == "plain"


@requires_cmsis_nn
def test_file_closure_follows_calls_and_includes():
    files = locate(CMSIS_NN).files_for({"arm_elementwise_add_s8"})
    assert "Source/BasicMathFunctions/arm_elementwise_add_s8.c" in files
    assert "Include/arm_nnfunctions.h" in files and "Include/arm_nnsupportfunctions.h" in files
    assert not any("Convolution" in f for f in files)


class _Declines(KernelBinding):
    kind = "ADD"
    backend = "cmsis-nn"

    def supports(self, op, layer, target):
        return "broadcasting is not supported"


def test_choice_records_why_preferred_bindings_declined(monkeypatch):
    graph = read_model_bytes(add_model(shape1=(1, 4, 4, 8)))
    op = graph.ops[0]
    layer = lowering_for("ADD").prepare(op, graph)
    monkeypatch.setitem(BINDINGS, ("ADD", "cmsis-nn"), [_Declines()])
    choice = choose(op, layer, Target(backends=("cmsis-nn", "portable")))
    assert choice.backend == "portable"
    assert choice.fallbacks == ("cmsis-nn: broadcasting is not supported",)
    monkeypatch.setitem(BINDINGS, ("ADD", "cmsis-nn"), [])
    assert choose(op, layer, Target(backends=("cmsis-nn", "portable"))).fallbacks == ("cmsis-nn: no ADD kernel",)


@requires_cmsis_nn
def test_cmsis_nn_projects_are_byte_identical_and_carry_only_needed_files(model_path):
    from mcugen.codegen import render_project

    path = model_path("person_detect_int8")
    renders = [render_project(compile_model(path, board="qemu-m55", kernels="cmsis-nn", cmsis_nn=CMSIS_NN), None,
                              "mcugen build")
               for _ in range(2)]
    assert renders[0] == renders[1]
    library = sorted(p for p in renders[0] if p.startswith("lib/cmsis_nn/"))
    assert "lib/cmsis_nn/library.json" in library and "lib/cmsis_nn/LICENSE" in library
    sources = [p for p in library if p.endswith(".c")]
    assert any(p.endswith("/arm_convolve_1x1_s8_fast.c") for p in sources)
    assert not any("Pooling" in p and "max_pool" in p for p in sources)  # the model has no max pool
    assert not any(p.endswith(("_f32.c", "_f16.c")) for p in sources)
    assert len(sources) < 40
