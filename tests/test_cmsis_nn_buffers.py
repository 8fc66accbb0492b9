"""The CMSIS-NN convolution bindings' choices and scratch sizes against CMSIS-NN's own code.

For every CONV_2D and DEPTHWISE_CONV_2D layer of every DEV model, a C probe built against the pinned CMSIS-NN
(only its get_buffer_size sources) prints, per layer, the function arm_convolve_wrapper_s8 would call (decided
with CMSIS-NN's own arm_nn_is_convolve_* predicates) and the wrapper's scratch size for each code path: on the host
the plain-C size and the host-callable `_dsp` / `_mve` variants; on a Cortex-M4 (DSP) and a Cortex-M55 (Helium)
under QEMU the non-suffixed functions, which pick the code path the compiler targets. mcugen's choice and
scratch for each code path must match, except where mcugen deliberately differs:

- Helium, 1xN with stride_w > 1: arm_convolve_1_x_n_s8 is wrong there; mcugen calls arm_convolve_s8 and needs
  arm_convolve_s8_get_buffer_size_mve;
- Helium, depthwise with one input channel and several output channels: the wrapper converts the layer into a
  convolution (a static function of the wrapper); mcugen calls arm_depthwise_conv_s8, which needs no scratch.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import DEV_MODELS, requires_arm

from mcugen.boards import get_board
from mcugen.compiler import compile_model
from mcugen.kernels.base import BINDINGS, Target
from mcugen.kernels.arm import conv2d as cmsis_conv
from mcugen.kernels.arm.arm_dsp import ArmDspBinding
from mcugen.kernels.arm import depthwise_conv2d as cmsis_dw
from mcugen.kernels.arm.library import locate
from mcugen.targets import build_files, cross_cflags

ISAS = ("plain", "dsp", "mve")
CONV_CHOICES = ("arm_convolve_1x1_s8_fast", "arm_convolve_1x1_s8", "arm_convolve_1_x_n_s8", "arm_convolve_s8")
DW_CHOICES = ("arm_depthwise_conv_to_conv_s8", "arm_depthwise_conv_3x3_s8", "arm_depthwise_conv_s8_opt",
              "arm_depthwise_conv_s8")
SOURCES = ("Source/ConvolutionFunctions/arm_convolve_get_buffer_sizes_s8.c",
           "Source/ConvolutionFunctions/arm_depthwise_conv_get_buffer_sizes_s8.c")


def _layers():
    layers = []
    for path in DEV_MODELS:
        compiled = compile_model(path, board="qemu-m4")
        for step, (op, choice) in enumerate(zip(compiled.steps, compiled.choices)):
            if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
                layers.append((f"{path.stem}/{step}", op, choice.layer))
    return layers


LAYERS = _layers() if DEV_MODELS else []


def _record(op, layer) -> str:
    o = layer
    return (f"{{{int(op.kind == 'CONV_2D')}, {o.batches}, {o.input_height}, {o.input_width}, {o.input_depth}, "
            f"{o.filter_height}, {o.filter_width}, {o.filter_depth}, {o.output_height}, {o.output_width}, "
            f"{o.output_depth}, {o.stride_height}, {o.stride_width}, {o.pad_top}, {o.pad_left}, "
            f"{o.dilation_height}, {o.dilation_width}, {o.depth_multiplier}, {o.input_offset}, {o.output_offset}}}")


PROBE = r"""
#include <stdio.h>
#include "arm_nnfunctions.h"
#include "arm_nnsupportfunctions.h"

typedef struct {
    int conv, n, ih, iw, ic, fh, fw, fc, oh, ow, oc, sh, sw, ph, pw, dh, dw, mult, in_off, out_off;
} layer_t;

static const layer_t layers[] = {
%(records)s
};

/* The function arm_convolve_wrapper_s8 calls, with CMSIS-NN's own predicates (0..3 as CONV_CHOICES). */
static int conv_choice(const cmsis_nn_conv_params *p, const cmsis_nn_dims *in, const cmsis_nn_dims *f)
{
    if (arm_nn_is_convolve_1x1(p, in, f)) {
        return arm_nn_is_convolve_1x1_fast(p) ? 0 : 1;
    }
    return arm_nn_is_convolve_1_x_n(p, in, f) ? 2 : 3;
}

/* The function arm_depthwise_conv_wrapper_s8 calls on Helium (mve = 1) or elsewhere (0..3 as DW_CHOICES). */
static int dw_choice(const cmsis_nn_dw_conv_params *p, const cmsis_nn_dims *in, const cmsis_nn_dims *f,
                     const cmsis_nn_dims *out, int mve)
{
    if (mve && in->c == 1 && out->c > CONVERT_DW_CONV_WITH_ONE_INPUT_CH_AND_OUTPUT_CH_ABOVE_THRESHOLD) {
        return 0;
    }
    if (p->ch_mult == 1 && in->n == 1 && p->dilation.w == 1 && p->dilation.h == 1) {
        return !mve && f->w == 3 && f->h == 3 && p->padding.h <= 1 && p->padding.w <= 1 ? 1 : 2;
    }
    return 3;
}

int main(void)
{
    unsigned i;
    for (i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
        const layer_t *l = &layers[i];
        const cmsis_nn_dims in = {l->n, l->ih, l->iw, l->ic};
        const cmsis_nn_dims out = {l->n, l->oh, l->ow, l->oc};
        const cmsis_nn_tile stride = {l->sw, l->sh}, padding = {l->pw, l->ph}, dilation = {l->dw, l->dh};
        const cmsis_nn_activation act = {-128, 127};
        if (l->conv) {
            const cmsis_nn_dims f = {l->oc, l->fh, l->fw, l->fc};
            const cmsis_nn_conv_params p = {l->in_off, l->out_off, stride, padding, dilation, act};
            printf("%%u conv %%d %%d %%ld %%ld %%ld %%ld\n", i, conv_choice(&p, &in, &f), conv_choice(&p, &in, &f),
                   (long)arm_convolve_wrapper_s8_get_buffer_size(&p, &in, &f, &out),
                   (long)arm_convolve_wrapper_s8_get_buffer_size_dsp(&p, &in, &f, &out),
                   (long)arm_convolve_wrapper_s8_get_buffer_size_mve(&p, &in, &f, &out),
                   (long)arm_convolve_s8_get_buffer_size_mve(&in, &f));
        } else {
            const cmsis_nn_dims f = {1, l->fh, l->fw, l->oc};
            const cmsis_nn_dw_conv_params p = {l->in_off, l->out_off, l->mult, stride, padding, dilation, act};
            printf("%%u dw %%d %%d %%ld %%ld %%ld 0\n", i, dw_choice(&p, &in, &f, &out, 0),
                   dw_choice(&p, &in, &f, &out, 1),
                   (long)arm_depthwise_conv_wrapper_s8_get_buffer_size(&p, &in, &f, &out),
                   (long)arm_depthwise_conv_wrapper_s8_get_buffer_size_dsp(&p, &in, &f, &out),
                   (long)arm_depthwise_conv_wrapper_s8_get_buffer_size_mve(&p, &in, &f, &out));
        }
    }
    printf("probe done\n");
    return 0;
}
"""


def _probe_source() -> str:
    return PROBE % {"records": ",\n".join(_record(op, layer) for _, op, layer in LAYERS)}


def _parse(output: str) -> list[tuple]:
    rows = []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 8 and parts[0].isdigit():
            rows.append((parts[1], int(parts[2]), int(parts[3]), *map(int, parts[4:])))
    assert len(rows) == len(LAYERS), output[-2000:]
    return rows


def _mcugen(op, layer, isa: str, library) -> tuple[str, int]:
    """The CMSIS-NN kernel mcugen's bindings pick for the layer, and its scratch (mcugen's own Arm kernels, tried
    first on the DSP code path, are set aside: this compares with CMSIS-NN's wrapper)."""
    target = Target(("cmsis-nn",), isa, library)
    for candidate in BINDINGS[(op.kind, "cmsis-nn")]:
        if not isinstance(candidate, ArmDspBinding) and candidate.supports(op, layer, target) is None:
            return candidate.kernel_name(op, layer), candidate.scratch_bytes(op, layer, target)
    raise AssertionError(f"no CMSIS-NN binding supports op {op.index}")


def _expected(op, layer, isa: str, wrapper_fn: str, wrapper_size: int, conv_s8_mve: int) -> tuple[str, int]:
    """What mcugen must choose and reserve, given the wrapper's function and size on `isa`."""
    if isa == "mve" and wrapper_fn == "arm_convolve_1_x_n_s8" and layer.stride_width > 1:
        return "arm_convolve_s8", conv_s8_mve
    if isa == "mve" and wrapper_fn == "arm_depthwise_conv_to_conv_s8":
        return "arm_depthwise_conv_s8", 0
    return wrapper_fn, wrapper_size


def _compile_host(tmp_path: Path, root: Path) -> str:
    (tmp_path / "probe.c").write_text(_probe_source())
    exe = tmp_path / "probe"
    subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", f"-I{root / 'Include'}", "probe.c",
                    *(str(root / s) for s in SOURCES), "-o", str(exe)], cwd=tmp_path, check=True)
    return subprocess.run([str(exe)], capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.mark.skipif(not LAYERS, reason="no DEV models")
def test_sizes_and_choices_match_cmsis_nn_on_the_host(tmp_path, cmsis_nn_path):
    library = locate(cmsis_nn_path)
    rows = _parse(_compile_host(tmp_path, cmsis_nn_path))
    checked = set()
    for (name, op, layer), (kind, choice, choice_mve, plain, dsp, mve, conv_s8_mve) in zip(LAYERS, rows):
        names = CONV_CHOICES if kind == "conv" else DW_CHOICES
        helper = cmsis_conv if kind == "conv" else cmsis_dw
        for isa, index, size in (("plain", choice, plain), ("dsp", choice, dsp), ("mve", choice_mve, mve)):
            wrapper_fn = names[index]
            # mcugen's replica of the wrapper agrees with CMSIS-NN's predicates and sizes
            if kind == "conv":
                assert helper.wrapper_choice(layer) == wrapper_fn, name
                assert helper.wrapper_buffer(layer, isa) == size, (name, isa)
            else:
                assert helper.wrapper_choice(layer, isa) == wrapper_fn, (name, isa)
            expected = _expected(op, layer, isa, wrapper_fn, size, conv_s8_mve)
            assert _mcugen(op, layer, isa, library) == expected, (name, isa)
            checked.add((isa, expected[0]))
    assert {fn for _, fn in checked} >= {"arm_convolve_1x1_s8_fast", "arm_convolve_1x1_s8", "arm_convolve_s8",
                                          "arm_depthwise_conv_3x3_s8", "arm_depthwise_conv_s8_opt",
                                          "arm_depthwise_conv_s8"}


# Cortex-M4 (DSP) on mps2-an386 and Cortex-M55 (Helium) on mps3-an547: both map code at 0x0 and RAM at 0x20000000;
# the AN547's ITCM and DTCM are 512 KB each.
CORES = {
    "dsp": ("qemu-m4", "mps2-an386", None),
    "mve": ("qemu-m4", "mps3-an547", ("-mcpu=cortex-m55", "-mfloat-abi=hard")),
}


@pytest.mark.emulator
@requires_arm
@pytest.mark.skipif(not LAYERS, reason="no DEV models")
@pytest.mark.parametrize("isa", sorted(CORES))
def test_sizes_match_cmsis_nn_on_the_core(tmp_path, cmsis_nn_path, isa):
    board_name, machine, cpu_flags = CORES[isa]
    board = get_board(board_name)
    if cpu_flags:
        board = replace(board, name="probe-m55", cpu="cortex-m55", cpu_flags=cpu_flags, flash_bytes=512 * 1024,
                        ram_bytes=512 * 1024)
    files = build_files("probe", board, ["probe.c"], "CMSIS-NN get_buffer_size probe")
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "probe.c").write_text(_probe_source())
    ld = next(rel for rel in files if rel.endswith(".ld"))
    startup = next(rel for rel in files if rel.endswith("startup_cortexm.c"))
    # the ISA the compiler targets is the one CMSIS-NN's non-suffixed functions follow
    check = "MVE" if isa == "mve" else "DSP"
    (tmp_path / "isa.c").write_text(f"#if !defined(__ARM_FEATURE_{check})\n#error no {check}\n#endif\n"
                                    f"#if {int(isa == 'dsp')} && defined(__ARM_FEATURE_MVE)\n#error MVE\n#endif\n"
                                    "typedef int isa_checked;\n")
    elf = tmp_path / "probe.elf"
    subprocess.run(["arm-none-eabi-gcc", *cross_cflags(board), "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
                    f"-I{cmsis_nn_path / 'Include'}", "probe.c", "isa.c", startup,
                    *(str(cmsis_nn_path / s) for s in SOURCES), f"-T{ld}", "-nostartfiles", "-Wl,--gc-sections",
                    "-o", str(elf)], cwd=tmp_path, check=True)
    run = subprocess.run(["qemu-system-arm", "-M", machine, "-display", "none", "-monitor", "none", "-serial",
                          "none", "-chardev", "stdio,id=sh0", "-semihosting-config",
                          "enable=on,target=native,chardev=sh0", "-kernel", str(elf)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "probe done" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    library = locate(cmsis_nn_path)
    for (name, op, layer), (kind, choice, choice_mve, native, _, _, conv_s8_mve) in zip(LAYERS, _parse(run.stdout)):
        names = CONV_CHOICES if kind == "conv" else DW_CHOICES
        wrapper_fn = names[choice_mve if isa == "mve" else choice]
        assert _mcugen(op, layer, isa, library) == _expected(op, layer, isa, wrapper_fn, native, conv_s8_mve), name
