"""The compiler driver: a list of stages from a .tflite file to a planned, lowered model ready for code generation.

read -> check support -> fold constant aliases -> prepare layers and choose kernels -> buffers (aliases merged)
-> plan -> board fit
"""

from __future__ import annotations

import math

from dataclasses import dataclass, field
from pathlib import Path

import mcugen.kernels.arm  # noqa: F401  (registers the CMSIS-NN bindings)
from mcugen import ops
from mcugen.boards import Board, get_board
from mcugen.errors import BoardError, InternalError, McugenError, UnsupportedModelError
from mcugen.kernels.base import BACKENDS, KernelChoice, Target, choose
from mcugen.kernels.arm.library import CmsisNN, CmsisNNError, isa_of, locate
from mcugen.ir import DTYPES, Graph, Op
from mcugen.ops.state import CONTROL_FLOW, CONTROL_FLOW_HINT, resolve_variables
from mcugen.planner import Plan, Problem, Step, plan, verify_plan
from mcugen.reader import read_model, read_model_bytes
from mcugen.sanitize import terminal
from mcugen.state import StateLayout, state_layout
from mcugen.validate import graph_problems, operator_problems

# RAM the generated program needs besides the arena: the board's stack reserve that the linker keeps free above
# .bss (kernels keep no large locals, so it is ample), plus the C runtime's own static data.
RUNTIME_RAM_ESTIMATE = 1024
# Flash besides the weights: start-up, C library pieces, and about this much per kernel used.
RUNTIME_FLASH_ESTIMATE = 8192
KERNEL_FLASH_ESTIMATE = 2048


@dataclass
class MemoryFit:
    arena: int
    ram_needed: int
    ram_available: int
    weights: int
    flash_needed: int
    flash_available: int

    @property
    def ram_over(self) -> int:
        return self.ram_needed - self.ram_available

    @property
    def flash_over(self) -> int:
        return self.flash_needed - self.flash_available

    def problems(self, board: Board, model: str) -> list[str]:
        found = []
        if self.ram_over > 0:
            found.append(
                f"{model} needs {self.ram_needed:,} bytes of RAM (arena {self.arena:,} + stack and runtime "
                f"{self.ram_needed - self.arena:,}); {board.name} has {self.ram_available:,}: "
                f"over by {self.ram_over:,} bytes"
            )
        if self.flash_over > 0:
            found.append(
                f"{model} needs about {self.flash_needed:,} bytes of flash (weights {self.weights:,} + code "
                f"{self.flash_needed - self.weights:,}); {board.name} has {self.flash_available:,}: "
                f"over by {self.flash_over:,} bytes"
            )
        return found


@dataclass
class Compiled:
    graph: Graph
    board: Board
    problem: Problem
    plan: Plan
    buffer_of: dict[int, int]  # activation tensor index -> buffer id (aliases share one)
    steps: list[Op]  # ops that emit code, indexed like problem.steps
    choices: list[KernelChoice]  # the kernel of each step
    target: Target
    fit: MemoryFit
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # worth one line to the user, not a problem
    # activation tensor index -> byte offset inside its buffer (a concatenation input written in place); else 0
    offset_in_buffer: dict[int, int] = field(default_factory=dict)
    state: StateLayout = StateLayout((), 0)  # the variable tensors' region beside the arena (mcugen.state)

    def offset(self, tensor: int) -> int:
        return self.plan.offsets[self.buffer_of[tensor]] + self.offset_in_buffer.get(tensor, 0)

    def kernel_name(self, step: int) -> str:
        """The C function that computes step `step` (an index into `steps`)."""
        return self.choices[step].kernel


KERNEL_CHOICES = ("auto", *BACKENDS)
# Arena alignment: a power of two, from 1 byte up to this (a page of external RAM; no kernel wants more).
MAX_ALIGNMENT = 4096


def check_alignment(alignment: int) -> int:
    """`alignment` when it is a usable arena alignment (a power of two from 1 to MAX_ALIGNMENT), else McugenError."""
    if isinstance(alignment, bool) or not isinstance(alignment, int) or not 1 <= alignment <= MAX_ALIGNMENT \
            or alignment & (alignment - 1):
        raise McugenError(f"alignment must be a power of two from 1 to {MAX_ALIGNMENT} bytes, got {alignment!r}")
    return alignment


def compile_model(
    model: str | Path | bytes,
    board: str | Board = "qemu-m4",
    alignment: int = 16,
    allow_overflow: bool = False,
    kernels: str = "auto",
    cmsis_nn: str | Path | None = None,
    host: bool = False,
) -> Compiled:
    """Compile a model for `board`. `kernels` picks the backends ("auto": the board's own preference), `cmsis_nn`
    names a CMSIS-NN tree (default: $CMSIS_NN_PATH), and `host` plans for a native build of the same project
    (CMSIS-NN's plain-C code paths)."""
    graph = read_model_bytes(model) if isinstance(model, bytes) else read_model(model)
    return compile_graph(graph, board, alignment=alignment, allow_overflow=allow_overflow, kernels=kernels,
                         cmsis_nn=cmsis_nn, host=host)


def compile_graph(graph: Graph, board: str | Board = "qemu-m4", alignment: int = 16,
                  allow_overflow: bool = False, kernels: str = "auto", cmsis_nn: str | Path | None = None,
                  host: bool = False) -> Compiled:
    check_alignment(alignment)
    board = board if isinstance(board, Board) else get_board(board)
    target, notices = kernel_target(board, kernels, cmsis_nn, host)
    resolve_variables(graph)
    check_supported(graph)
    fold_constant_aliases(graph)
    placed = place_concatenations(graph, alignment)
    steps = [op for op in graph.ops if emits_code(op) and not (op.kind == "CONCATENATION" and op.inputs
                                                                and all(t in placed for t in op.inputs))]
    choices = choose_kernels(graph, steps, target)
    if board.architecture.flash_constants:
        check_flash_constants(graph, steps, choices, board)
    problem, buffer_of, offset_in_buffer = build_problem(graph, alignment, steps, choices, target, placed)
    arena_plan = plan(problem)
    verify_plan(problem, arena_plan)
    state = state_layout(graph, alignment)
    fit = memory_fit(graph, choices, arena_plan, board, state.size)
    compiled = Compiled(graph, board, problem, arena_plan, buffer_of, steps, choices, target, fit, notices=notices,
                        offset_in_buffer=offset_in_buffer, state=state)
    problems = fit.problems(board, model_label(graph))
    if problems and not allow_overflow:
        raise BoardError("; ".join(problems) + " (use --allow-overflow to generate the project anyway)")
    compiled.warnings.extend(problems)
    return compiled


def kernel_target(board: Board, kernels: str, cmsis_nn: str | Path | None, host: bool) -> tuple[Target, list[str]]:
    """The backends to try, in order, for `--kernels` on `board`, and any notice worth telling the user.

    Every list ends with the portable backend, which computes every layer the ops accept."""
    if kernels not in KERNEL_CHOICES:
        raise McugenError(f"unknown kernels '{kernels}'; choose one of {', '.join(KERNEL_CHOICES)}")
    isa = "plain" if host or board.arch == "host" else isa_of(board.cpu)
    wanted = tuple(board.kernels) if kernels == "auto" else (kernels,)
    notices = []
    library: CmsisNN | None = None
    if "cmsis-nn" in wanted:
        library = locate(cmsis_nn)
        if library is None and kernels == "cmsis-nn":
            raise CmsisNNError("--kernels cmsis-nn needs CMSIS-NN, and no location was given")
        if library is None:
            notices.append(f"CMSIS-NN not found, so {board.name} gets mcugen's portable kernels "
                           f"(pass --cmsis-nn PATH or set CMSIS_NN_PATH for CMSIS-NN)")
            wanted = tuple(b for b in wanted if b != "cmsis-nn")
        elif not library.pinned:
            notices.append(f"{library.describe()}: layers are verified only against the tested revision")
    backends = tuple(dict.fromkeys((*wanted, "portable")))
    return Target(backends=backends, isa=isa, cmsis_nn=library), notices


# Kernels that read the network's constants through MCUGEN_READ_WEIGHT_* (mcugen_common.h), so they run where the
# constants live in a separate flash address space (AVR).
FLASH_CONSTANT_KERNELS = frozenset({
    "mcugen_conv2d_1ch_s8",
    "mcugen_conv2d_s16",
    "mcugen_conv2d_s8",
    "mcugen_depthwise_conv2d_s16",
    "mcugen_depthwise_conv2d_s8",
    "mcugen_fully_connected_s16",
    "mcugen_fully_connected_s8",
    "mcugen_logistic_s16",
    "mcugen_lstm_s16",
    "mcugen_lstm_s8",
    "mcugen_lut_8bit",
    "mcugen_softmax_s16",
    "mcugen_tanh_s16",
})
# Kernels that take no constant tensor (only activations and their params struct, which stays in RAM): they run
# there as long as no input of their layer is a constant.
ACTIVATION_ONLY_KERNELS = frozenset({"mcugen_avg_pool2d_s8", "mcugen_max_pool2d_s8", "mcugen_softmax_s8"})
# AVR near reads (LPM) address 64 KB; an array past 32 KB is where avr-gcc's object size limit bites first.
NEAR_FLASH_BYTES = 64 * 1024
NEAR_ARRAY_BYTES = 32 * 1024


def check_flash_constants(graph: Graph, steps: list[Op], choices: list[KernelChoice], board: Board) -> None:
    """On a board whose constants stay in a separate flash address space, every layer's kernel must read them
    with the flash accessors (or take none), and the constants must be within reach of near reads."""
    source = model_label(graph)
    unready = set()
    for op, choice in zip(steps, choices):
        if choice.kernel in FLASH_CONSTANT_KERNELS:
            continue
        reads_constants = any(t >= 0 and graph.tensors[t].is_constant for t in op.inputs)
        if choice.kernel not in ACTIVATION_ONLY_KERNELS or reads_constants:
            unready.add(choice.kernel)
    problems = [f"  kernel {k} does not read constants from {board.arch} flash (program memory) yet"
                for k in sorted(unready)]
    constants = [t for t in graph.tensors if t.is_constant]
    for tensor in constants:
        if tensor.nbytes > NEAR_ARRAY_BYTES:
            problems.append(f"  constant '{terminal(tensor.name)}' has {tensor.nbytes:,} bytes; {board.name} takes "
                            f"arrays of at most {NEAR_ARRAY_BYTES:,} bytes (larger ones need far reads)")
    total = weight_bytes(graph)
    if total > NEAR_FLASH_BYTES:
        problems.append(f"  the constants take {total:,} bytes; near flash reads on {board.name} reach "
                        f"{NEAR_FLASH_BYTES:,}")
    if problems:
        raise BoardError("\n".join([f"{source} cannot run on {board.name} (constants {total:,} bytes, "
                                    f"flash {board.flash_bytes:,} bytes, RAM {board.ram_bytes:,} bytes):",
                                    *problems]))


def choose_kernels(graph: Graph, steps: list[Op], target: Target) -> list[KernelChoice]:
    """Prepare every code-emitting layer once and pick its kernel: the target's first backend that supports it."""
    choices = []
    for op in steps:
        try:
            layer = ops.lowering_for(op.kind).prepare(op, graph)
        except UnsupportedModelError as exc:
            raise UnsupportedModelError(f"{model_label(graph)}: op {op.index} ({op.kind}): {exc}") from None
        choice = choose(op, layer, target)
        if choice is None:
            raise InternalError(f"op {op.index} ({op.kind}): no kernel among {', '.join(target.backends)} computes "
                              f"this layer")
        choices.append(choice)
    return choices


def check_supported(graph: Graph) -> None:
    """Collect every reason the model cannot be compiled, then fail once with all of them."""
    source = model_label(graph)
    if graph.ops and _is_float_model(graph):
        raise UnsupportedModelError(
            f"{source}: this is a float model (no int8 tensors); mcugen compiles int8-quantized models. "
            "Convert it with full-integer quantization (TFLiteConverter with a representative dataset and "
            "target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8])"
        )
    structural = graph_problems(graph)
    if structural:
        raise UnsupportedModelError("\n".join([f"{source}: the graph cannot be compiled as written:"]
                                              + [f"  {problem}" for problem in structural]))
    problems = []
    unsupported = []
    for op in graph.ops:
        lowering = ops.lowering_for(op.kind)
        if lowering is None:
            unsupported.append(f"  op {op.index}: {op.kind}")
            continue
        reasons = operator_problems(op, lowering, graph) or lowering.check(op, graph)
        for reason in reasons:
            problems.append(f"  op {op.index} ({op.kind}): {reason}")
    for t in graph.inputs + graph.outputs:
        if graph.tensors[t].dtype not in DTYPES:
            problems.append(f"  model input/output tensor {graph.tensors[t].describe()} has an unsupported type")
        elif graph.tensors[t].is_constant:
            problems.append(f"  model input/output tensor {graph.tensors[t].describe()} is a constant")
        elif graph.tensors[t].is_variable:
            problems.append(f"  model input/output tensor {graph.tensors[t].describe()} is a variable tensor (state "
                            f"kept between invokes, outside the arena)")
    lines = []
    if unsupported:
        lines.append(f"{source}: {len(unsupported)} op(s) that mcugen does not support:")
        lines.extend(unsupported)
        lines.append(f"  supported ops: {', '.join(ops.supported_ops())}")
        if any(op.kind in CONTROL_FLOW and ops.lowering_for(op.kind) is None for op in graph.ops):
            lines.append(f"  ({CONTROL_FLOW_HINT})")
    if problems:
        lines.append(f"{source}: {len(problems)} unsupported parameter(s) or tensor(s):")
        lines.extend(problems)
    if lines:
        raise UnsupportedModelError("\n".join(lines))


def _is_float_model(graph: Graph) -> bool:
    """No quantized tensor anywhere: a float32 model that was converted without integer quantization."""
    return not any(t.dtype in ("int8", "uint8", "int16") for t in graph.tensors)


def emits_code(op: Op) -> bool:
    lowering = ops.lowering_for(op.kind)
    return not (lowering.is_alias or lowering.no_code)


def fold_constant_aliases(graph: Graph) -> None:
    """An alias op (RESHAPE...) of a constant makes a constant: give the output the input's data, reshaped.

    Legal because alias ops do not change bytes; it keeps constants out of the arena."""
    for op in graph.ops:
        lowering = ops.lowering_for(op.kind)
        if lowering is not None and lowering.is_alias:
            source, target = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            if source.is_constant and not target.is_constant:
                target.data = source.data.reshape(target.shape)


def place_concatenations(graph: Graph, alignment: int) -> dict[int, tuple[int, int]]:
    """The inputs of concatenations that their producers can write straight into their slice of the output, as
    {input tensor: (output tensor, byte offset)}. A concatenation whose inputs are all placed emits no code.

    Legal because the op only copies bytes (its inputs are quantized as its output) and every placed slice is one
    contiguous run of the output (the output's dimensions before the axis are all 1) that no one else touches: each
    input is an activation written by an op that emits code, read by this concatenation alone, and neither a graph
    input nor a graph output. Each slice starts at a multiple of the arena alignment, so kernels writing it see the
    alignment they would see in a buffer of their own."""
    activations = set(graph.activations())
    producers, consumers = graph.producers(), graph.consumers()
    placed: dict[int, tuple[int, int]] = {}
    for op in graph.ops:
        if op.kind != "CONCATENATION" or op.outputs[0] not in activations or len(set(op.inputs)) != len(op.inputs):
            continue
        y = graph.tensors[op.outputs[0]]
        axis = op.options.axis + len(y.shape) if op.options.axis < 0 else op.options.axis
        if math.prod(y.shape[:axis]) != 1:
            continue
        slices, start = {}, 0
        for t in op.inputs:
            producer = producers.get(t)
            if (t not in activations or t in graph.inputs or t in graph.outputs or producer is None
                    or not emits_code(producer) or len(consumers.get(t, [])) != 1 or start % alignment):
                break
            slices[t] = (op.outputs[0], start)
            start += graph.tensors[t].nbytes
        else:
            placed.update(slices)
    return placed


def build_problem(graph: Graph, alignment: int, steps: list[Op], choices: list[KernelChoice], target: Target,
                  placed: dict[int, tuple[int, int]] | None = None
                  ) -> tuple[Problem, dict[int, int], dict[int, int]]:
    """The planner's view of the graph: one buffer per group of aliased activation tensors, one step per
    code-emitting op, with the chosen kernel's scratch and proven overlaps. A concatenation input written in place
    (`placed`) joins its output's buffer at its slice's offset; a buffer holding such slices is written by several
    steps and takes part in no overlap."""
    placed = placed or {}
    activations = graph.activations()
    buffer_of = {t: t for t in activations}

    def root(t: int) -> int:
        while buffer_of[t] != t:
            t = buffer_of[t]
        return t

    for op in graph.ops:
        if ops.lowering_for(op.kind).is_alias and not graph.tensors[op.outputs[0]].is_constant:
            buffer_of[op.outputs[0]] = root(op.inputs[0])
    buffer_of = {t: root(t) for t in activations}

    def place_of(t: int) -> tuple[int, int]:
        if t not in placed:
            return buffer_of[t], 0
        buffer, offset = place_of(placed[t][0])
        return buffer, offset + placed[t][1]

    offset_in_buffer = {}
    for t in placed:
        buffer_of[t], offset_in_buffer[t] = place_of(t)
    shared = {buffer_of[t] for t in placed}
    sizes: dict[int, int] = {}
    names: dict[int, str] = {}
    for t in activations:
        b = buffer_of[t]
        sizes[b] = max(sizes.get(b, 0), offset_in_buffer.get(t, 0) + graph.tensors[t].nbytes)
        names.setdefault(b, graph.tensors[t].name)

    planner_steps = []
    for op, choice in zip(steps, choices):
        reads = tuple(dict.fromkeys(buffer_of[t] for t in op.inputs if t >= 0 and t in buffer_of))
        writes = tuple(dict.fromkeys(buffer_of[t] for t in op.outputs if t in buffer_of))
        inplace = tuple(
            (buffer_of[op.inputs[pos]], buffer_of[op.outputs[0]], gap)
            for pos, gap in choice.binding.overlap(op, choice.layer)
            if op.inputs[pos] in buffer_of and buffer_of[op.inputs[pos]] not in writes
            and buffer_of[op.inputs[pos]] not in shared and buffer_of[op.outputs[0]] not in shared
        )
        scratch = choice.binding.scratch_bytes(op, choice.layer, target)
        planner_steps.append(Step(reads, writes, scratch, inplace))
    problem = Problem(
        sizes=sizes,
        steps=tuple(planner_steps),
        graph_inputs=tuple(dict.fromkeys(buffer_of[t] for t in graph.inputs)),
        graph_outputs=tuple(dict.fromkeys(buffer_of[t] for t in graph.outputs)),
        names=names,
        alignment=alignment,
        # Reads and assignments of variables depend on each other in ways buffers do not show: keep file order.
        keep_order=bool(graph.variables),
    )
    return problem, buffer_of, offset_in_buffer


def model_label(graph: Graph) -> str:
    """The model as messages name it: its file name, else the graph's name, safe to print."""
    return terminal(Path(graph.source).name or graph.name)


def weight_bytes(graph: Graph) -> int:
    return sum(t.nbytes for t in graph.tensors if t.is_constant)


def memory_fit(graph: Graph, choices: list[KernelChoice], arena_plan: Plan, board: Board,
               state: int) -> MemoryFit:
    """`state`: the bytes that persist between invokes, beside the arena."""
    kernels = {choice.kernel for choice in choices}
    weights = weight_bytes(graph)
    return MemoryFit(
        arena=arena_plan.arena_size,
        ram_needed=arena_plan.arena_size + state + board.stack_reserve + RUNTIME_RAM_ESTIMATE,
        ram_available=board.ram_bytes,
        weights=weights,
        flash_needed=weights + RUNTIME_FLASH_ESTIMATE + KERNEL_FLASH_ESTIMATE * len(kernels),
        flash_available=board.flash_bytes,
    )
