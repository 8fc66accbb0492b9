"""`mcugen build --format arduino-library`: the generated network as an Arduino library (specification 1.5).

    <name>/
      library.properties                     what the Library Manager and the IDE read
      src/                                   the model, its weights, its kernels and its self-test, flat (Arduino
                                             puts only src/ itself on the include path)
      examples/<name>_run/<name>_run.ino     real use: quantize a float input, invoke, dequantize, argmax, micros()
      examples/<name>_selftest/...ino        the bit-exactness self-test on the board, printed on Serial
      README.md, mcugen_report.json

The library carries mcugen's portable C kernels: an Arduino core builds every file of src/ with its own flags, and
CMSIS-NN's sources need include paths that a library cannot set.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mcugen import __version__
from mcugen.codegen import _environment, banner, render_project
from mcugen.compiler import Compiled
from mcugen.errors import McugenError
from mcugen.golden import Golden
from mcugen.sanitize import c_comment
from mcugen.targets import arduino_selftest_sketch

# Ranges of the quantized input types the usage example writes.
_QUANTIZED_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}
# Files of the project that a library leaves out: entry points and start-up code (the sketches are the entry
# points), and the build files of the CMake/PlatformIO project.
_LEFT_OUT = ("src/main.c", "src/main_arduino.cpp", "src/platform/")


def render_arduino_library(compiled: Compiled, golden: Golden | None, command: str) -> dict[str, str | bytes]:
    """Every file of the Arduino library of `compiled`, by relative path."""
    files = render_project(compiled, golden, command)
    name = compiled.graph.name
    if any(path.startswith("lib/") for path in files):
        raise McugenError("the Arduino library format carries mcugen's portable kernels only; build it with "
                          "--kernels portable")
    library: dict[str, str | bytes] = {}
    for path, content in files.items():
        if path == f"include/{name}.h" or (path.startswith("src/") and not path.startswith(_LEFT_OUT)):
            library[f"src/{PurePosixPath(path).name}"] = content
    library["mcugen_report.json"] = files["mcugen_report.json"]
    if "report/arena.svg" in files:
        library["extras/arena.svg"] = files["report/arena.svg"]

    graph = compiled.graph
    head = banner(compiled, command)
    line_banner = "\n".join(f"// {line}".rstrip() for line in head)
    tensors = [graph.tensors[t] for t in (graph.inputs[0], graph.outputs[0])]
    io = []
    for tensor in tensors:
        low, high = _QUANTIZED_RANGES.get(tensor.dtype, (0, 0))
        io.append({"dtype": tensor.dtype, "ctype": tensor.ctype, "qmin": low, "qmax": high})
    if tensors[0].dtype not in (*_QUANTIZED_RANGES, "float32") or tensors[1].dtype not in (*_QUANTIZED_RANGES,
                                                                                           "float32"):
        raise McugenError(f"the Arduino usage example handles float32, int8, uint8 and int16 inputs and outputs; "
                          f"this model has {tensors[0].dtype} -> {tensors[1].dtype}")
    env = _environment()
    library["library.properties"] = env.get_template("arduino/library.properties.j2").render(
        name=name, version=__version__, model_file=c_comment(Path(graph.source).name),
        inputs_text=_describe(compiled, graph.inputs), outputs_text=_describe(compiled, graph.outputs),
        arena_size=compiled.plan.arena_size,
    )
    library[f"examples/{name}_run/{name}_run.ino"] = env.get_template("arduino/run.ino.j2").render(
        name=name, guard=name.upper(), banner=line_banner, input=io[0], output=io[1],
    )
    selftest = arduino_selftest_sketch(name, "\n".join(head))
    library[f"examples/{name}_selftest/{name}_selftest.ino"] = selftest.replace(
        f'#include "{name}_selftest.h"', f"#include <{name}.h>\n#include <{name}_selftest.h>")
    library["README.md"] = env.get_template("arduino/README.md.j2").render(
        name=name, guard=name.upper(), banner=head, arena_size=compiled.plan.arena_size,
        vectors=len(golden.expected) if golden else 0,
    )
    return dict(sorted(library.items()))


def _describe(compiled: Compiled, indices: list[int]) -> str:
    """Tensors as `int8[1x64x1x3], ...` for library.properties (one line, no model-controlled text)."""
    tensors = [compiled.graph.tensors[t] for t in indices]
    return ", ".join(f"{t.dtype}[{'x'.join(str(d) for d in t.shape) or 'scalar'}]" for t in tensors)
