"""`mcugen build --format arduino-library`: the layout follows the Arduino library specification 1.5, and both
sketches compile and link for a Cortex-M4F against a minimal Arduino API (tests/arduino_stub)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO
from mcugen.arduino import render_arduino_library
from mcugen.cli import main
from mcugen.codegen import write_project
from mcugen.compiler import compile_model

EXAMPLE = REPO / "examples" / "wave_classifier" / "wave_int8.tflite"
STUB = Path(__file__).resolve().parent / "arduino_stub"
# library.properties fields of specification 1.5, and its categories.
REQUIRED_FIELDS = ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
                   "architectures")
CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control", "Timing",
              "Data Storage", "Data Processing", "Other"}
CORTEX_M4F = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]

requires_arm_gxx = pytest.mark.skipif(shutil.which("arm-none-eabi-g++") is None, reason="needs arm-none-eabi-g++")


def _library(tmp_path: Path, model: Path = EXAMPLE) -> Path:
    out = tmp_path / "lib"
    code = main(["build", str(model), "--board", "nano33", "--format", "arduino-library", "--golden", "2", "-q",
                 "-o", str(out)])
    assert code == 0
    return out


def _properties(library: Path) -> dict[str, str]:
    lines = library.joinpath("library.properties").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_library_layout_follows_the_specification(tmp_path):
    library = _library(tmp_path)
    props = _properties(library)
    assert set(REQUIRED_FIELDS) <= set(props)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.-]*", props["name"]) and props["name"] == "wave_int8"
    assert re.fullmatch(r"\d+\.\d+\.\d+", props["version"])
    assert props["category"] in CATEGORIES and props["architectures"] == "*"
    assert (library / "src" / props["includes"]).is_file()
    # Sources only in src/ (flat: Arduino puts only src/ itself on the include path), no entry point among them.
    sources = [p for p in library.rglob("*") if p.suffix in (".c", ".h", ".cpp")]
    assert sources and all(p.parent == library / "src" for p in sources)
    assert not any(re.search(r"^int main\(", p.read_text(), re.M) for p in sources)
    # Each example is a folder holding a sketch of the same name.
    examples = sorted(p.name for p in (library / "examples").iterdir())
    assert examples == ["wave_int8_run", "wave_int8_selftest"]
    for name in examples:
        assert (library / "examples" / name / f"{name}.ino").is_file()
    run = (library / "examples/wave_int8_run/wave_int8_run.ino").read_text()
    for needed in ("wave_int8_invoke()", "micros()", "WAVE_INT8_INPUT0_SCALE", "WAVE_INT8_OUTPUT0_ZERO_POINT",
                   "lroundf"):
        assert needed in run
    assert "Serial1" not in (library / "examples/wave_int8_selftest/wave_int8_selftest.ino").read_text()


def test_cmsis_nn_is_refused_for_a_library(tmp_path, capsys):
    code = main(["build", str(EXAMPLE), "--format", "arduino-library", "--kernels", "cmsis-nn",
                 "-o", str(tmp_path / "lib")])
    assert code == 2 and "portable" in capsys.readouterr().err


def _compile(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, " ".join(command) + "\n" + done.stderr


@requires_arm_gxx
@pytest.mark.parametrize("model", ["wave", "micro_speech_int8"])
def test_library_sketches_build_for_cortex_m4f(tmp_path, model, model_path):
    source = EXAMPLE if model == "wave" else model_path(model)
    library = _library(tmp_path, source)
    name = _properties(library)["name"]
    objects = tmp_path / "obj"
    objects.mkdir()
    flags = [*CORTEX_M4F, "-Os", "-Wall", "-Wextra", "-Werror", "-ffunction-sections", "-fdata-sections"]
    library_objects = []
    for c_file in sorted((library / "src").glob("*.c")):
        obj = objects / f"{c_file.stem}.o"
        _compile(["arm-none-eabi-gcc", *flags, "-std=gnu11", f"-I{library / 'src'}", "-c", str(c_file),
                  "-o", str(obj)], tmp_path)
        library_objects.append(str(obj))
    stub = objects / "Arduino.o"
    _compile(["arm-none-eabi-g++", *flags, "-std=gnu++11", "-fno-exceptions", "-fno-rtti", f"-I{STUB}", "-c",
              str(STUB / "Arduino.cpp"),
              "-o", str(stub)], tmp_path)
    for example in (f"{name}_run", f"{name}_selftest"):
        sketch = library / "examples" / example / f"{example}.ino"
        obj = objects / f"sketch_{example}.o"
        # The Arduino builder compiles a sketch as C++ with the library's src/ on the include path.
        _compile(["arm-none-eabi-g++", *flags, "-std=gnu++11", "-fno-exceptions", "-fno-rtti", f"-I{STUB}",
                  f"-I{library / 'src'}", "-x", "c++", "-c", str(sketch), "-o", str(obj)], tmp_path)
        # Linked as C (no C++ runtime is used): every symbol the sketch and the library need is defined.
        _compile(["arm-none-eabi-gcc", *CORTEX_M4F, "--specs=nano.specs", "--specs=nosys.specs",
                  "-Wl,--gc-sections", str(obj), str(stub), *library_objects, "-lm", "-o",
                  str(tmp_path / f"{example}.elf")], tmp_path)


def test_library_render_is_deterministic():
    compiled = compile_model(EXAMPLE, board="nano33ble", kernels="portable")
    first = render_arduino_library(compiled, None, "mcugen build")
    second = render_arduino_library(compile_model(EXAMPLE, board="nano33ble", kernels="portable"), None,
                                    "mcugen build")
    assert first == second


def test_written_library_round_trips(tmp_path):
    compiled = compile_model(EXAMPLE, board="nano33ble", kernels="portable")
    out = write_project(render_arduino_library(compiled, None, "mcugen build"), tmp_path / "lib")
    assert (out / "library.properties").is_file()
