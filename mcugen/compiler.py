"""The compiler driver: a list of stages from a .tflite file to a planned, lowered model ready for code generation.

read -> check support -> fold constant aliases -> prepare layers and choose kernels -> buffers (aliases merged)
-> plan -> board fit
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import mcugen.kernels.cmsis_nn  # noqa: F401  (registers the CMSIS-NN bindings)
from mcugen import ops
from mcugen.boards import Board, get_board
from mcugen.errors import BoardError, InternalError, McugenError, UnsupportedModelError
from mcugen.kernels.base import BACKENDS, KernelChoice, Target, choose
from mcugen.kernels.cmsis_nn.library import CmsisNN, CmsisNNError, isa_of, locate
from mcugen.ir import DTYPES, Graph, Op
from mcugen.planner import Plan, Problem, Step, plan, verify_plan
from mcugen.reader import read_model, read_model_bytes
from mcugen.validate import graph_problems, operator_problems
from mcugen.sanitize import terminal
from mcugen.targets import STACK_HEAP_RESERVE

# RAM the generated program needs besides the arena: the stack and C library reserve that the linker script keeps
# free above .bss (kernels keep no large locals, so it is ample), plus the C runtime's own static data.
STACK_ESTIMATE = STACK_HEAP_RESERVE
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

    def offset(self, tensor: int) -> int:
        return self.plan.offsets[self.buffer_of[tensor]]

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
    check_supported(graph)
    fold_constant_aliases(graph)
    steps = [op for op in graph.ops if not ops.lowering_for(op.kind).is_alias]
    choices = choose_kernels(graph, steps, target)
    problem, buffer_of = build_problem(graph, alignment, steps, choices, target)
    arena_plan = plan(problem)
    verify_plan(problem, arena_plan)
    fit = memory_fit(graph, choices, arena_plan, board)
    compiled = Compiled(graph, board, problem, arena_plan, buffer_of, steps, choices, target, fit, notices=notices)
    problems = fit.problems(board, terminal(Path(graph.source).name or graph.name))
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


def choose_kernels(graph: Graph, steps: list[Op], target: Target) -> list[KernelChoice]:
    """Prepare every code-emitting layer once and pick its kernel: the target's first backend that supports it."""
    choices = []
    for op in steps:
        try:
            layer = ops.lowering_for(op.kind).prepare(op, graph)
        except UnsupportedModelError as exc:
            raise UnsupportedModelError(f"{terminal(Path(graph.source).name or graph.name)}: op {op.index} "
                                        f"({op.kind}): {exc}") from None
        choice = choose(op, layer, target)
        if choice is None:
            raise InternalError(f"op {op.index} ({op.kind}): no kernel among {', '.join(target.backends)} computes "
                              f"this layer")
        choices.append(choice)
    return choices


def check_supported(graph: Graph) -> None:
    """Collect every reason the model cannot be compiled, then fail once with all of them."""
    source = terminal(Path(graph.source).name or graph.name)
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
    if problems:
        lines.append(f"{source}: {len(problems)} unsupported parameter(s) or tensor(s):")
        lines.extend(problems)
    if lines:
        raise UnsupportedModelError("\n".join(lines))


def _is_float_model(graph: Graph) -> bool:
    """No quantized tensor anywhere: a float32 model that was converted without integer quantization."""
    return not any(t.dtype in ("int8", "uint8", "int16") for t in graph.tensors)


def fold_constant_aliases(graph: Graph) -> None:
    """An alias op (RESHAPE...) of a constant makes a constant: give the output the input's data, reshaped.

    Legal because alias ops do not change bytes; it keeps constants out of the arena."""
    for op in graph.ops:
        lowering = ops.lowering_for(op.kind)
        if lowering is not None and lowering.is_alias:
            source, target = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
            if source.is_constant and not target.is_constant:
                target.data = source.data.reshape(target.shape)


def build_problem(graph: Graph, alignment: int, steps: list[Op], choices: list[KernelChoice],
                  target: Target) -> tuple[Problem, dict[int, int]]:
    """The planner's view of the graph: one buffer per group of aliased activation tensors, one step per
    code-emitting op, with the chosen kernel's scratch and proven overlaps."""
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
    sizes: dict[int, int] = {}
    names: dict[int, str] = {}
    for t in activations:
        b = buffer_of[t]
        sizes[b] = max(sizes.get(b, 0), graph.tensors[t].nbytes)
        names.setdefault(b, graph.tensors[t].name)

    planner_steps = []
    for op, choice in zip(steps, choices):
        reads = tuple(dict.fromkeys(buffer_of[t] for t in op.inputs if t >= 0 and t in buffer_of))
        writes = tuple(dict.fromkeys(buffer_of[t] for t in op.outputs if t in buffer_of))
        inplace = tuple(
            (buffer_of[op.inputs[pos]], buffer_of[op.outputs[0]], gap)
            for pos, gap in choice.binding.overlap(op, choice.layer)
            if op.inputs[pos] in buffer_of and buffer_of[op.inputs[pos]] not in writes
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
    )
    return problem, buffer_of


def state_bytes(graph: Graph) -> int:
    """RAM of the variable tensors, which persist beside the arena (mcugen/state.py)."""
    return sum(graph.tensors[t].nbytes for t in graph.variables())


def weight_bytes(graph: Graph) -> int:
    return sum(t.nbytes for t in graph.tensors if t.is_constant)


def memory_fit(graph: Graph, choices: list[KernelChoice], arena_plan: Plan, board: Board) -> MemoryFit:
    kernels = {choice.kernel for choice in choices}
    weights = weight_bytes(graph)
    return MemoryFit(
        arena=arena_plan.arena_size,
        ram_needed=arena_plan.arena_size + state_bytes(graph) + STACK_ESTIMATE + RUNTIME_RAM_ESTIMATE,
        ram_available=board.ram_bytes,
        weights=weights,
        flash_needed=weights + RUNTIME_FLASH_ESTIMATE + KERNEL_FLASH_ESTIMATE * len(kernels),
        flash_available=board.flash_bytes,
    )
