"""int16 LOGISTIC and TANH: the interpolation kernel bit-exact with TFLite Micro over every int16 input, for
power-of-two and other input scales; whole models on the host and on qemu-m4; TFLite Micro's quantization rules."""

from __future__ import annotations

import ctypes
import importlib.util
import subprocess
from pathlib import Path

import numpy as np
import pytest
from modelgen import tflm_run
from modelgen_math import unary_model

from mcugen.ops import lowering_for
from mcugen.ops.logistic_tanh_s16 import input_rescaling
from mcugen.reader import read_model_bytes
from mcugen.verify import verify_model

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ROOT / "mcugen" / "runtime"
OUTPUT_QUANT = (1.0 / 32768, 0)
ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16).reshape(1, -1)
KERNELS = {"LOGISTIC": "mcugen_logistic_s16", "TANH": "mcugen_tanh_s16"}
# 2^-12 and 2^-11 take the power-of-two paths; the others the multiplier-and-shift one, from a shift of 31
# (tiny scales) down to 0.
INPUT_SCALES = [2.0 ** -12, 2.0 ** -11, 2.0 ** -10, 2.0 ** -15, 1.0 / 6144, 3.1e-4, 0.0123, 0.4, 2.5, 1e-9]


@pytest.fixture(scope="module")
def kernel_library(tmp_path_factory) -> ctypes.CDLL:
    library = tmp_path_factory.mktemp("s16") / "libsigmoid.so"
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", f"-I{RUNTIME}",
                    str(RUNTIME / "mcugen_logistic_tanh_s16.c"), "-o", str(library)], check=True)
    return ctypes.CDLL(str(library))


def run_kernel(library: ctypes.CDLL, kind: str, values: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    source = np.ascontiguousarray(values.reshape(-1), dtype=np.int16)
    output = np.empty_like(source)
    pointer = ctypes.POINTER(ctypes.c_int16)
    getattr(library, KERNELS[kind])(source.ctypes.data_as(pointer), output.ctypes.data_as(pointer),
                                    ctypes.c_int32(source.size), ctypes.c_int32(multiplier), ctypes.c_int32(shift))
    return output


def model(kind: str, input_scale: float, shape=(1, 65536), **quant) -> bytes:
    return unary_model(kind, dtype="int16", shape=shape, input_quant=quant.get("input", (input_scale, 0)),
                       output_quant=quant.get("output", OUTPUT_QUANT))


@pytest.mark.parametrize("kind", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("input_scale", INPUT_SCALES)
def test_every_int16_input_matches_tflite_micro(kernel_library, kind, input_scale):
    expected = tflm_run(model(kind, input_scale), [ALL_INT16], arena_size=1 << 20)[0].reshape(-1)
    multiplier, shift = input_rescaling(kind, input_scale)
    actual = run_kernel(kernel_library, kind, ALL_INT16, multiplier, shift)
    mismatches = np.flatnonzero(actual != expected)
    assert mismatches.size == 0, (f"{mismatches.size} inputs differ, first {ALL_INT16.reshape(-1)[mismatches[0]]}: "
                                  f"{actual[mismatches[0]]} != {expected[mismatches[0]]}")


def test_the_table_is_tflite_micros():
    spec = importlib.util.spec_from_file_location("measure_sigmoid_table", ROOT / "tools" / "measure_sigmoid_table.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.written_table() == tool.measure()


@pytest.mark.parametrize("kind,input_scale", [("LOGISTIC", 2.0 ** -12), ("TANH", 0.002), ("LOGISTIC", 3.1e-4)])
def test_int16_models_bit_exact_on_host(kind, input_scale):
    report = verify_model(model(kind, input_scale, shape=(2, 300)), board="host", inputs=8, seed=3)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-m4", "mega2560"])  # mega2560: the table read from program memory
@pytest.mark.parametrize("kind", ["LOGISTIC", "TANH"])
def test_int16_models_bit_exact_in_emulators(kind, board):
    report = verify_model(model(kind, 0.0007, shape=(1, 200)), board=board, inputs=3, seed=5)
    assert report.ok, report.summary() + "\n" + report.log[-2000:]


@pytest.mark.parametrize("kind", ["LOGISTIC", "TANH"])
@pytest.mark.parametrize("quant,message", [
    ({"input": (2.0 ** -12, 3)}, "input 'input' .* must have zero point 0"),
    ({"output": (1.0 / 32768, -2)}, "output 'output' .* must have zero point 0"),
    ({"output": (1.0 / 16384, 0)}, "must have scale 2\\^-15"),
    ({"input": (4.0, 0)}, "scale above 2.667"),
])
def test_quantization_tflite_micro_refuses_is_refused(kind, quant, message):
    graph = read_model_bytes(model(kind, 2.0 ** -12, shape=(1, 8), **quant))
    problems = lowering_for(kind).check(graph.ops[0], graph)
    assert problems and any(__import__("re").search(message, p) for p in problems), problems
