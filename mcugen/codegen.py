"""Code generation: render templates/ with Jinja into a complete, self-contained C project.

The templates receive finished values (strings, ints, lists of small records); every decision is made here or in
the op lowerings. Output is deterministic: no timestamps, no absolute paths, sorted iteration everywhere.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import jinja2
import numpy as np

from mcugen import __version__, ops
from mcugen.compiler import Compiled
from mcugen.errors import InternalError, McugenError
from mcugen.golden import Golden, input_streams
from mcugen.ir import DTYPES, RESOURCE, Op, Tensor
from mcugen.kernels.arm import library as cmsis_library
from mcugen.kernels.arm.library import CmsisNN
from mcugen.outdir import write_project  # noqa: F401  (part of this module's interface)
from mcugen.reference import REFERENCES
from mcugen.sanitize import c_comment, markdown_code, markdown_text, short_name, symbol_part
from mcugen.state import StateLayout

RUNTIME_PACKAGE = "mcugen.runtime"
VALUES_PER_LINE = 16
RUNTIME_INCLUDE_RE = re.compile(r'^#include "(mcugen_\w+\.h)"', re.MULTILINE)


@dataclass
class ConstArray:
    symbol: str
    ctype: str
    data: np.ndarray  # the values, flat; formatted only when the weights file is written
    length: int
    comment: str

    @property
    def values(self) -> str:
        """The formatted initialiser lines."""
        return format_values(self.data, self.ctype)


class StreamedText:
    """The content of a large generated file, produced piece by piece as it is written (`chunks`), so that memory
    holds one piece at a time and not the whole text. str() gives the whole text; the bytes are the same."""

    def __init__(self, pieces: Callable[[], Iterator[str]]):
        self._pieces = pieces

    def chunks(self) -> Iterator[str]:
        return self._pieces()

    def __str__(self) -> str:
        return "".join(self._pieces())

    def encode(self, encoding: str = "utf-8") -> bytes:
        return str(self).encode(encoding)

    def __contains__(self, text: str) -> bool:
        return text in str(self)


# Weights files with more values than this are streamed to disk (StreamedText) rather than held as one string.
STREAM_VALUES = 1 << 20
VALUES_PER_BLOCK_LINES = 4096  # lines formatted at a time


@dataclass
class OpCode:
    comment: list[str]
    lines: list[str]


# The local variable of <name>_invoke() that holds the arena's address: tensors are offsets from it.
ARENA_VARIABLE = "arena"
# Symbols of the public API (after the `<name>_` prefix): a constant named after a tensor never takes one of these.
API_SYMBOLS = ("arena", "arena_storage", "at", "init", "invoke", "input", "output", "input_bytes", "output_bytes",
               "selftest", "model_hash", "profile_mark", "state", "reset", "fresh")


@dataclass
class _Project:
    compiled: Compiled
    arena_symbol: str = ARENA_VARIABLE
    consts: dict[str, ConstArray] = field(default_factory=dict)  # in the order the ops first use them
    params: list[str] = field(default_factory=list)
    kernels: set[str] = field(default_factory=set)
    cmsis_functions: set[str] = field(default_factory=set)
    weight_symbols: dict[int, str] = field(default_factory=dict)  # constant tensor index -> symbol
    state: StateLayout = StateLayout((), 0)  # where the variable tensors live (outside the arena)

    def tensor_expr(self, index: int) -> str:
        tensor = self.compiled.graph.tensors[index]
        if tensor.is_constant:
            return self.weight(tensor)
        if tensor.is_variable:
            offset = self.state.offset(index)
            return f"(({tensor.ctype} *)(void *)({self.compiled.graph.name}_state + {offset}))"
        if tensor.dtype == RESOURCE:  # a variable handle: the variable's bytes in the persistent state region
            variable = self.compiled.graph.variables[self.compiled.graph.variable_of[index]]
            return f"((uint8_t *)({self.compiled.graph.name}_state + {variable.offset}))"
        offset = self.compiled.offset(index)
        return f"(({tensor.ctype} *)({self.arena_symbol} + {offset}))"

    def symbol(self, part: str, fallback: str) -> str:
        """A new global symbol `<name>_<part>`: deterministic (the ops run in plan order), unique, never an API
        name; `fallback` when the part has no identifier characters."""
        name = self.compiled.graph.name
        base = f"{name}_{part or fallback}"
        symbol, n = base, 1
        while symbol in self.consts or symbol[len(name) + 1 :] in API_SYMBOLS or _is_io_symbol(name, symbol):
            n += 1
            symbol = f"{base}_{n}"
        return symbol

    def weight(self, tensor: Tensor) -> str:
        if tensor.index not in self.weight_symbols:
            symbol = self.symbol(symbol_part(tensor.name), f"tensor{tensor.index}")
            self.weight_symbols[tensor.index] = symbol
            self.add_const(symbol, tensor.data, tensor.ctype, f"tensor {tensor.index}: {_tensor_label(tensor)}")
        return self.weight_symbols[tensor.index]

    def add_const(self, symbol: str, values: np.ndarray, ctype: str, comment: str) -> str:
        flat = np.asarray(values).reshape(-1)
        self.consts[symbol] = ConstArray(symbol, ctype, flat, max(flat.size, 1), c_comment(comment))
        return symbol


def _is_io_symbol(name: str, symbol: str) -> bool:
    return re.fullmatch(rf"{re.escape(name)}_(input|output)\d+", symbol) is not None


def _tensor_label(tensor: Tensor) -> str:
    """A tensor in a comment: short name, type and shape, and its quantization with decimal scales."""
    text = f"'{short_name(tensor.name)}' {tensor.dtype}[{'x'.join(str(d) for d in tensor.shape) or 'scalar'}]"
    quant = tensor.quant
    if quant is not None and not quant.per_channel:
        text += f" scale {quant.single_scale:.9g} zp {quant.single_zero_point}"
    elif quant is not None:
        text += f" per-channel scales ({quant.scale.size})"
    return text


class _OpEmitter:
    """The Emitter an op lowering writes through (see mcugen.ops.base.Emitter)."""

    def __init__(self, project: _Project, op: Op, scratch_offset: int | None):
        self.project, self.op, self.scratch_offset = project, op, scratch_offset
        self.target = project.compiled.target
        self.lines: list[str] = []
        self.prefix = f"{project.compiled.graph.name}_op{op.index}"
        graph = project.compiled.graph
        # Constants of the op are named after its (first) output tensor.
        self.const_part = symbol_part(graph.tensors[op.outputs[0]].name) if op.outputs else ""
        self.struct_count = 0

    def tensor(self, index: int) -> str:
        return self.project.tensor_expr(index)

    def data(self, index: int) -> np.ndarray:
        tensor = self.project.compiled.graph.tensors[index]
        if not tensor.is_constant:
            raise McugenError(f"op {self.op.index} ({self.op.kind}) asked for the values of non-constant tensor "
                              f"{tensor.describe()}")
        return tensor.data

    def const(self, suffix: str, values: np.ndarray, ctype: str) -> str:
        symbol = self.project.symbol(f"{self.const_part}_{suffix}" if self.const_part else "",
                                     f"op{self.op.index}_{suffix}")
        return self.project.add_const(symbol, values, ctype, f"op {self.op.index} ({self.op.kind}): {suffix}")

    def params(self, ctype: str, fields: dict[str, object]) -> str:
        symbol = f"{self.prefix}_params" + (f"{self.struct_count}" if self.struct_count else "")
        self.struct_count += 1
        body = ",\n".join(f"    .{name} = {c_value(value)}" for name, value in fields.items())
        self.project.params.append(f"static const {ctype} {symbol} = {{\n{body},\n}};")
        return f"&{symbol}"

    def local(self, ctype: str, fields: dict[str, object]) -> str:
        """A `const` struct built where the op runs (its fields may depend on the arena's address, which is
        only known at run time when the caller provides the arena); return `&symbol`."""
        symbol = f"op{self.op.index}_{ctype.replace(' ', '_')}{self.struct_count}"
        self.struct_count += 1
        body = ", ".join(f".{name} = {c_value(value)}" for name, value in fields.items())
        self.lines.append(f"const {ctype} {symbol} = {{{body}}};")
        return f"&{symbol}"

    def scratch(self) -> str:
        if self.scratch_offset is None:
            raise InternalError(f"op {self.op.index} ({self.op.kind}) asked for scratch but declared none")
        return f"((void *)({self.project.arena_symbol} + {self.scratch_offset}))"

    def call(self, function: str, *args: str) -> None:
        self.lines.append(f"{function}({', '.join(args)});")

    def kernel(self, name: str) -> None:
        self.project.kernels.add(name)

    def cmsis_nn(self, function: str) -> None:
        self.project.cmsis_functions.add(function)


# ---- value formatting ----------------------------------------------------------------------------------------


def c_float(value: float) -> str:
    """Exact float32 literal (C99 hex float), so weights round-trip bit for bit."""
    v = float(np.float32(value))
    if np.isnan(v):
        return "NAN"
    if np.isinf(v):
        return "INFINITY" if v > 0 else "-INFINITY"
    return f"{v.hex()}f"


def c_int(value: int) -> str:
    value = int(value)
    if value == -(1 << 31):
        return "INT32_MIN"  # `-2147483648` is unsigned long in C, not int32
    return str(value)


def c_value(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return c_int(int(value))
    if isinstance(value, (float, np.floating)):
        return c_float(float(value))
    if isinstance(value, (list, tuple, np.ndarray)):
        return "{" + ", ".join(c_value(v) for v in value) + "}"
    if isinstance(value, dict):  # a nested struct, by designated initialisers
        return "{" + ", ".join(f".{name} = {c_value(v)}" for name, v in value.items()) + "}"
    raise TypeError(f"no C literal for {value!r}")


def format_values(flat: np.ndarray, ctype: str) -> str:
    """The initialiser lines of a C array of `ctype` holding `flat`."""
    return "".join(format_value_blocks(flat, ctype))


def format_value_blocks(flat: np.ndarray, ctype: str, lines: int = VALUES_PER_BLOCK_LINES) -> Iterator[str]:
    """format_values in pieces of at most `lines` lines: memory for one piece at a time, the same text joined."""
    flat = np.asarray(flat).reshape(-1)
    if flat.size == 0:
        yield "    0"
        return
    per_line = 6 if ctype == "float" else VALUES_PER_LINE if ctype in ("int8_t", "uint8_t") else 8
    step = per_line * lines
    for start in range(0, flat.size, step):
        block = flat[start : start + step]
        if ctype == "float":
            items = [c_float(v) for v in block.tolist()]
        else:
            items = [c_int(v) for v in block.astype(np.int64).tolist()]
        yield (",\n" if start else "") + ",\n".join(
            "    " + ", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line))


# ---- project assembly ----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """One environment per process: it compiles each template once."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mcugen", "templates"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["markdown_text"] = markdown_text
    return env


def version_parts() -> tuple[int, int, int]:
    """(major, minor, patch) of this mcugen, for the generated version macros."""
    numbers = [int(re.match(r"\d*", part).group() or 0) for part in __version__.split(".")[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


def banner(compiled: Compiled, command: str) -> list[str]:
    graph = compiled.graph
    lines = [
        f"Generated by mcugen {__version__}: do not edit.",
        f"Model: {Path(graph.source).name} (sha256 {graph.sha256})",
        f"Board: {compiled.board.name}",
        f"Command: {command}",
    ]
    return [c_comment(line) for line in lines]


def _io_record(compiled: Compiled, index: int, tensor_index: int) -> dict[str, object]:
    tensor = compiled.graph.tensors[tensor_index]
    quant = tensor.quant
    return {
        "index": index,
        "name": c_comment(tensor.name),
        "name_md": markdown_code(tensor.name),
        "ctype": tensor.ctype,
        "dtype": tensor.dtype,
        "shape": "x".join(str(d) for d in tensor.shape) or "scalar",
        "elements": tensor.size,
        "bytes": tensor.nbytes,
        "offset": compiled.offset(tensor_index),
        "scale": c_float(quant.single_scale) if quant is not None and not quant.per_channel else "0.0f",
        "zero_point": quant.single_zero_point if quant is not None and not quant.per_channel else 0,
    }


def _stream_records(graph) -> list[dict[str, str]]:
    """How the self-test draws each input from the hash stream (float inputs: the step between values)."""
    return [{"dtype": s.dtype, "step": c_float(s.float_step)} for s in input_streams(graph)]


def _op_comment(compiled: Compiled, op: Op, kernel: str, project: _Project) -> list[str]:
    graph = compiled.graph
    lines = [f"op {op.index}: {op.kind} ({kernel})"]
    for role, indices in (("in", op.inputs), ("out", op.outputs)):
        for t in indices:
            if t >= 0:
                tensor = graph.tensors[t]
                if tensor.is_constant:
                    where = project.weight_symbols.get(t, "const")
                elif tensor.is_variable:
                    where = f"state+{project.state.offset(t)}"
                elif tensor.dtype == RESOURCE:
                    variable = graph.variables[graph.variable_of[t]]
                    where = f"variable '{c_comment(variable.key)}' at state+{variable.offset}"
                else:
                    where = f"arena+{compiled.offset(t)}"
                lines.append(f"  {role}  {_tensor_label(tensor)} [{where}]")
    return [c_comment(line) for line in lines]


def render_project(compiled: Compiled, golden: Golden | None, command: str,
                   plot: bool = True) -> dict[str, str | bytes]:
    """Every file of the generated project, by relative path; `plot` adds the arena picture (when matplotlib is
    installed)."""
    from mcugen.targets import INCLUDE_DIRS, build_files

    graph = compiled.graph
    name = graph.name
    project = _Project(compiled, state=compiled.state)
    op_code = []
    for step_index in compiled.plan.order:
        op, choice = compiled.steps[step_index], compiled.choices[step_index]
        emitter = _OpEmitter(project, op, compiled.plan.scratch_offsets.get(step_index))
        choice.binding.emit(op, choice.layer, emitter)
        op_code.append(OpCode(_op_comment(compiled, op, choice.kernel, project), emitter.lines))
    head = banner(compiled, command)
    variables = _variable_records(compiled, project)
    inputs = [_io_record(compiled, i, t) for i, t in enumerate(graph.inputs)]
    outputs = [_io_record(compiled, i, t) for i, t in enumerate(graph.outputs)]
    context = {
        "name": name,
        "guard": name.upper(),
        "banner": head,
        "arena_size": compiled.plan.arena_size,
        "arena_variable": ARENA_VARIABLE,
        "lower_bound": compiled.plan.lower_bound,
        "alignment": compiled.problem.alignment,
        "board": compiled.board,
        "ram_bytes": compiled.board.ram_bytes,
        "stack_estimate": compiled.fit.ram_needed - compiled.fit.arena,
        "inputs": inputs,
        "outputs": outputs,
        "ops": op_code,
        "params": project.params,
        "consts": list(project.consts.values()),
        "model_sha256": graph.sha256,
        "version_parts": version_parts(),
        "kernels": sorted(project.kernels),
        "cmsis_nn": _cmsis_nn_context(compiled, project),
        "golden": _golden_context(compiled, golden),
        "streams": _stream_records(graph),
        "ram_check": compiled.fit.ram_over <= 0,
        "state": _state_context(project.state, variables),
        "version": __version__,
        "variables": variables,
    }
    env = _environment()
    files: dict[str, str | bytes] = {
        f"include/{name}.h": env.get_template("model/model.h.j2").render(context),
        f"src/{name}.c": env.get_template("model/model.c.j2").render(context),
        f"src/{name}_weights.c": _weights_source(env, context, list(project.consts.values())),
        f"src/{name}_weights.h": env.get_template("model/weights.h.j2").render(context),
        f"src/{name}_selftest.h": env.get_template("model/selftest.h.j2").render(context),
        f"src/{name}_selftest.c": env.get_template("model/selftest.c.j2").render(context),
        "src/main.c": env.get_template("model/main.c.j2").render(context),
        "README.md": env.get_template("model/README.md.j2").render(context),
    }
    runtime = resources.files(RUNTIME_PACKAGE)
    headers = {"mcugen_common.h"}
    for kernel in sorted(project.kernels):
        headers.add(f"{kernel}.h")
        source = runtime.joinpath(f"{kernel}.c").read_text()
        files[f"src/kernels/{kernel}.c"] = source
        headers.update(RUNTIME_INCLUDE_RE.findall(source))  # shared runtime headers a kernel includes
    for header in sorted(headers):
        files[f"src/kernels/{header}"] = runtime.joinpath(header).read_text()
    include_dirs = list(INCLUDE_DIRS)
    if project.cmsis_functions:
        files.update(cmsis_nn_files(compiled.target.cmsis_nn, project.cmsis_functions))
        include_dirs.append(cmsis_library.INCLUDE_DIR)
    sources = sorted(p for p in files if p.endswith(".c"))
    files.update(build_files(name, compiled.board, sources, "\n".join(head), include_dirs))
    files["mcugen_report.json"] = json.dumps(report(compiled), indent=2, sort_keys=True) + "\n"
    svg = arena_plot_svg(compiled) if plot else None
    if svg is not None:
        files["report/arena.svg"] = svg
    return files


def _weights_source(env: jinja2.Environment, context: dict[str, object],
                    consts: list[ConstArray]) -> str | StreamedText:
    """The weights file: the template rendered with a marker in place of each array's values, then the values
    formatted where the markers are, a block at a time. Streamed when large; a plain string otherwise."""
    marked = [SimpleNamespace(symbol=c.symbol, ctype=c.ctype, length=c.length, comment=c.comment,
                              values=f"\0{k}\0") for k, c in enumerate(consts)]
    parts = env.get_template("model/weights.c.j2").render({**context, "consts": marked}).split("\0")
    if len(parts) != 2 * len(consts) + 1:  # names are sanitised, so no other NUL can appear
        raise InternalError("the weights template lost or repeated an array's values")

    def pieces() -> Iterator[str]:
        for k, part in enumerate(parts):
            if k % 2 == 0:
                yield part
            else:
                const = consts[int(part)]
                yield from format_value_blocks(const.data, const.ctype)

    if sum(c.data.size for c in consts) > STREAM_VALUES:
        return StreamedText(pieces)
    return "".join(pieces())


def _state_context(layout: StateLayout, variables: list[dict[str, object]]) -> dict[str, object] | None:
    """The state array and what <name>_reset() writes into it: the resource variables' initial values and the
    variable tensors' reset values (None: the model keeps no state)."""
    if not layout.size:
        return None
    return {"size": layout.size, "variables": variables, "slots": [
        {"offset": s.offset, "count": s.count, "ctype": s.ctype, "reset": s.reset} for s in layout.slots]}


def _variable_records(compiled: Compiled, project: _Project) -> list[dict[str, object]]:
    """The resource variables of a stateful model: where each lives in the state region and what reset() puts
    there (a constant of the weights file, or zeros)."""
    records = []
    for index, variable in enumerate(compiled.graph.variables):
        initial = None
        if variable.initial is not None:
            raw = np.frombuffer(np.ascontiguousarray(variable.initial).astype(
                variable.initial.dtype.newbyteorder("<")).tobytes(), dtype=np.uint8)
            initial = project.add_const(project.symbol(f"{symbol_part(variable.key)}_initial", f"variable{index}"),
                                        raw, "uint8_t", f"initial value of variable '{variable.key}'")
        records.append({"key": c_comment(variable.key), "offset": variable.offset, "bytes": variable.nbytes,
                        "tensor": c_comment(_tensor_label(variable.tensor)), "initial": initial})
    return records


def _cmsis_nn_context(compiled: Compiled, project: _Project) -> dict[str, object] | None:
    """What the model source says about CMSIS-NN: the code path its scratch buffers were sized for."""
    if not project.cmsis_functions:
        return None
    library = compiled.target.cmsis_nn
    mismatch = {
        "plain": "defined(__ARM_FEATURE_DSP) || defined(__ARM_FEATURE_MVE)",
        "dsp": "!defined(__ARM_FEATURE_DSP) || defined(__ARM_FEATURE_MVE)",
        "mve": "!defined(__ARM_FEATURE_MVE)",
    }[compiled.target.isa]
    return {"isa": compiled.target.isa, "revision": library.revision, "mismatch": mismatch}


def cmsis_nn_files(library: CmsisNN, functions: set[str]) -> dict[str, bytes | str]:
    """The CMSIS-NN files that `functions` need, under lib/cmsis_nn/, with a PlatformIO library.json and the
    library's licence. Copied byte for byte."""
    needed = library.files_for(functions)
    prefix = cmsis_library.PROJECT_DIR
    files: dict[str, bytes | str] = {f"{prefix}/{rel}": (library.root / rel).read_bytes() for rel in needed}
    licence = library.root / "LICENSE"
    if licence.is_file():
        files[f"{prefix}/LICENSE"] = licence.read_bytes()
    files[f"{prefix}/library.json"] = json.dumps({
        "name": "cmsis_nn",
        "version": "0.0.0",
        "description": f"The CMSIS-NN {library.revision} files this model calls (Apache-2.0, Arm Limited)",
        "license": "Apache-2.0",
        "build": {"srcDir": "Source", "includeDir": "Include", "flags": ["-IInclude"]},
        "mcugen": {"revision": library.revision, "functions": sorted(functions),
                   "fingerprint": cmsis_library.fingerprint(library.root, needed)},
    }, indent=2, sort_keys=True) + "\n"
    return files


PROFILE_MAIN = "src/profile_main.c"


def render_profile_main(compiled: Compiled, command: str, runs: int) -> str:
    """The entry point of profiling firmware (`mcugen profile`): `runs` inferences on one seeded input, with the
    stack measured. It replaces src/main.c in a build with -DMCUGEN_PROFILE; render_project does not include it."""
    graph = compiled.graph
    context = {
        "name": graph.name,
        "banner": banner(compiled, command),
        "runs": runs,
        # The kernels keeping variable tensors (LSTM) branch on their values: each run starts from the reset state
        # so that all runs execute the same instructions.
        "reset_each_run": bool(graph.variable_tensors()),
        "inputs": [_io_record(compiled, i, t) for i, t in enumerate(graph.inputs)],
        "streams": _stream_records(graph),
    }
    return _environment().get_template("model/profile_main.c.j2").render(context)


def arena_plot_svg(compiled: Compiled) -> bytes | None:
    """The arena-over-time picture of `mcugen inspect --plot`, or None when matplotlib is not installed."""
    if importlib.util.find_spec("matplotlib") is None:
        return None
    from mcugen.memory_report import plot_arena

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "arena.svg"
        plot_arena(compiled.problem, compiled.plan, path, title=f"{compiled.graph.name} arena")
        return path.read_bytes()


def _golden_context(compiled: Compiled, golden: Golden | None) -> dict[str, object] | None:
    if golden is None:
        return None
    expected = []
    for j, tensor_index in enumerate(compiled.graph.outputs):
        tensor = compiled.graph.tensors[tensor_index]
        joined = np.concatenate([np.asarray(v[j], dtype=DTYPES[tensor.dtype][0]).reshape(-1) for v in golden.expected])
        # Compared as raw bytes on the device, so float outputs are checked bit for bit.
        raw = np.frombuffer(joined.astype(joined.dtype.newbyteorder("<")).tobytes(), dtype=np.uint8)
        expected.append({"index": j, "bytes": raw.size, "data": format_values(raw, "uint8_t")})
    return {"seed": golden.seed, "count": len(golden.expected), "expected": expected,
            "reference": REFERENCES[golden.reference].name}


def report(compiled: Compiled) -> dict[str, object]:
    plan, problem, graph = compiled.plan, compiled.problem, compiled.graph
    tensors = []
    for t in graph.activations():
        buffer = compiled.buffer_of[t]
        first, last = plan.lifetimes.get(buffer, (0, 0))
        tensors.append({
            "tensor": t,
            "name": graph.tensors[t].name,
            "bytes": graph.tensors[t].nbytes,
            "offset": compiled.offset(t),
            "buffer": buffer,
            "first_step": first,
            "last_step": last,
        })
    return {
        "mcugen_version": __version__,
        "model": Path(graph.source).name,
        "model_sha256": graph.sha256,
        "board": compiled.board.name,
        "arena": {
            "size": plan.arena_size,
            "lower_bound": plan.lower_bound,
            "lower_bound_exact": plan.lower_bound_exact,
            "peak_step": plan.peak_step,
            "strategy": plan.strategy,
            "gap_reason": plan.gap_reason,
            "alignment": problem.alignment,
        },
        "memory": {
            "ram_needed": compiled.fit.ram_needed,
            "ram_available": compiled.fit.ram_available,
            "weights_bytes": compiled.fit.weights,
            "flash_needed_estimate": compiled.fit.flash_needed,
            "flash_available": compiled.fit.flash_available,
        },
        "kernels": {"backends": list(compiled.target.backends), "isa": compiled.target.isa,
                    "cmsis_nn": compiled.target.cmsis_nn.revision if compiled.target.cmsis_nn else None},
        "ops": [
            {"step": position, "op": compiled.steps[i].index, "kind": compiled.steps[i].kind,
             "kernel": compiled.choices[i].kernel, "backend": compiled.choices[i].backend,
             "fallbacks": list(compiled.choices[i].fallbacks), "scratch": problem.steps[i].scratch}
            for position, i in enumerate(plan.order)
        ],
        "tensors": tensors,
        "warnings": compiled.warnings,
    } | ({"state": {  # stateful models: the persistent region beside the arena
        "size": compiled.state.size,
        "variables": [{"key": v.key, "offset": v.offset, "bytes": v.nbytes} for v in graph.variables],
        "variable_tensors": [{"tensor": slot.tensor, "name": graph.tensors[slot.tensor].name, "offset": slot.offset,
                              "bytes": graph.tensors[slot.tensor].nbytes}
                             for slot in compiled.state.slots],
    }} if compiled.state.size else {})
