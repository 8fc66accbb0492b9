"""State between invokes: resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) and their initialiser
(CALL_ONCE).

A streaming model keeps what it has seen (a ring buffer of recent frames, a smoothed score) in resource variables.
TFLite Micro identifies a variable by the (container, shared_name) of its VAR_HANDLE, allocates its bytes on the
first assignment, copies bytes in and out (no rescaling), and runs the CALL_ONCE initialiser subgraph at the start
of the first invoke. mcugen decides all of it at compile time: `resolve_variables` gives every variable a place
in a persistent region of its own (the `<name>_state` array of the generated code: never in the arena, so no
activation can ever be placed over it), READ_VARIABLE and ASSIGN_VARIABLE become copies, and the initialiser's
constant assignments become `<name>_reset()`, which the generated code also runs before the first invoke.

Initialisers are supported when they only assign constants to variables (what converters emit for
`tf.Variable` initial values); every other control-flow op (WHILE, IF, CALL, ...) is refused.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import RESOURCE, Graph, Op, Tensor, Variable
from mcugen.kernels.base import binding
from mcugen.ops.base import OpLowering, operand, register
from mcugen.ops.layout import Copy, MoveLayer, MovePortable

# Ops that run other subgraphs: only CALL_ONCE is compiled.
CONTROL_FLOW = ("WHILE", "IF", "CALL", "CALL_ONCE", "STABLEHLO_WHILE", "STABLEHLO_CASE")
CONTROL_FLOW_HINT = ("mcugen compiles one subgraph plus CALL_ONCE initialisers of resource variables; control "
                     "flow (WHILE, IF, CALL) is not supported")
STATE_ALIGNMENT = 4  # each variable starts on a word boundary of the state region
INIT_OPS = ("VAR_HANDLE", "ASSIGN_VARIABLE")


def _key(op: Op) -> str:
    def text(value) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")

    return f"{text(getattr(op.options, 'container', ''))}/{text(getattr(op.options, 'shared_name', ''))}"


def _handles(graph: Graph) -> dict[int, str]:
    """Resource tensor -> variable key, for every VAR_HANDLE of `graph`."""
    return {op.outputs[0]: _key(op) for op in graph.ops if op.kind == "VAR_HANDLE" and len(op.outputs) == 1}


def _accesses(graph: Graph) -> list[tuple[str, Op, Tensor | None]]:
    """(variable key, op, value tensor) of every READ_VARIABLE and ASSIGN_VARIABLE of `graph`."""
    handles = _handles(graph)
    found = []
    for op in graph.ops:
        if op.kind == "READ_VARIABLE" and op.inputs and op.outputs:
            found.append((handles.get(op.inputs[0], ""), op, graph.tensors[op.outputs[0]]))
        elif op.kind == "ASSIGN_VARIABLE" and len(op.inputs) == 2:
            found.append((handles.get(op.inputs[0], ""), op, graph.tensors[op.inputs[1]]))
    return found


def initialisers(graph: Graph) -> list[Graph]:
    """The subgraphs the main graph's CALL_ONCE ops run (those that exist)."""
    found = []
    for op in graph.ops:
        if op.kind == "CALL_ONCE":
            index = int(getattr(op.options, "init_subgraph_index", -1))
            if 1 <= index <= len(graph.subgraphs):
                found.append(graph.subgraphs[index - 1])
    return found


def resolve_variables(graph: Graph) -> None:
    """Give every variable of the main graph its bytes, its place in the state region and its initial value.

    Run before the ops are checked; inconsistencies are left for READ_VARIABLE / ASSIGN_VARIABLE / CALL_ONCE to
    report."""
    handles = _handles(graph)
    sizes: dict[str, Tensor] = {}
    for key, _, value in _accesses(graph):
        if value is not None and value.dtype != RESOURCE and key not in sizes:
            sizes[key] = value
    graph.variables, graph.variable_of = [], {}
    offset = 0
    index_of: dict[str, int] = {}
    for tensor_index, key in handles.items():
        if key not in sizes:
            continue
        if key not in index_of:
            index_of[key] = len(graph.variables)
            value = sizes[key]
            graph.variables.append(Variable(key=key, nbytes=value.nbytes, tensor=value, offset=offset))
            offset += -(-value.nbytes // STATE_ALIGNMENT) * STATE_ALIGNMENT
        graph.variable_of[tensor_index] = index_of[key]
    for init in initialisers(graph):
        for key, op, value in _accesses(init):
            if op.kind == "ASSIGN_VARIABLE" and key in index_of and value is not None and value.is_constant:
                graph.variables[index_of[key]].initial = np.asarray(value.data)


def state_bytes(graph: Graph) -> int:
    if not graph.variables:
        return 0
    last = graph.variables[-1]
    return last.offset + -(-last.nbytes // STATE_ALIGNMENT) * STATE_ALIGNMENT


def _value_problems(graph: Graph, op: Op, handle: int, value: Tensor) -> list[str]:
    if handle not in graph.variable_of:
        return [f"resource {graph.tensors[handle].describe()} is not a variable handle of this graph"]
    variable = graph.variables[graph.variable_of[handle]]
    if value.dtype == RESOURCE or value.dtype != variable.tensor.dtype or value.nbytes != variable.nbytes:
        return [f"value {value.describe()} does not match variable '{variable.key}' "
                f"({variable.tensor.describe()}); TFLite Micro copies the variable's bytes as they are"]
    if value.dtype not in ("int8", "int16", "int32", "uint8", "float32"):
        return [f"variable '{variable.key}' has type {value.dtype}; supported: int8, int16, int32, uint8, float32"]
    return []


@register
class VarHandle(OpLowering):
    kind = "VAR_HANDLE"
    options_table = "VarHandleOptions"
    input_count = (0, 0)
    no_code = True


@register
class CallOnce(OpLowering):
    kind = "CALL_ONCE"
    options_table = "CallOnceOptions"
    input_count = (0, 0)
    output_count = 0
    no_code = True

    def check(self, op: Op, graph: Graph) -> list[str]:
        index = int(getattr(op.options, "init_subgraph_index", -1))
        if not 1 <= index <= len(graph.subgraphs):
            return [f"runs subgraph {index}, which is not one of the model's further subgraphs "
                    f"(1 to {len(graph.subgraphs)})"]
        init = graph.subgraphs[index - 1]
        problems = []
        for init_op in init.ops:
            if init_op.kind not in INIT_OPS:
                problems.append(f"initialiser subgraph {index} op {init_op.index} is {init_op.kind}; mcugen "
                                "supports initialisers that only assign constants to variables")
        handles = _handles(graph)
        keys = set(handles.values())
        for key, init_op, value in _accesses(init):
            if init_op.kind != "ASSIGN_VARIABLE":
                continue
            if value is None or not value.is_constant:
                problems.append(f"initialiser subgraph {index} op {init_op.index} assigns a value that is not "
                                "a constant")
            elif key in keys:
                variable = next((v for v in graph.variables if v.key == key), None)
                if variable is not None and (value.dtype != variable.tensor.dtype
                                             or value.nbytes != variable.nbytes):
                    problems.append(f"initialiser subgraph {index} assigns {value.describe()} to variable "
                                    f"'{key}' ({variable.tensor.describe()}): the bytes do not match")
        return problems


@register
class ReadVariable(OpLowering):
    kind = "READ_VARIABLE"
    options_table = "ReadVariableOptions"  # an empty table
    input_count = (1, 1)

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _value_problems(graph, op, op.inputs[0], graph.tensors[op.outputs[0]])

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        nbytes = graph.variables[graph.variable_of[op.inputs[0]]].nbytes
        return MoveLayer((Copy(op.inputs[0], op.outputs[0], (nbytes,), (1,), (1,)),), 1)


@register
class AssignVariable(OpLowering):
    kind = "ASSIGN_VARIABLE"
    options_table = "AssignVariableOptions"  # an empty table
    input_count = (2, 2)
    output_count = 0

    def check(self, op: Op, graph: Graph) -> list[str]:
        return _value_problems(graph, op, op.inputs[0], operand(op, graph, 1))

    def prepare(self, op: Op, graph: Graph) -> MoveLayer:
        nbytes = graph.variables[graph.variable_of[op.inputs[0]]].nbytes
        return MoveLayer((Copy(op.inputs[1], op.inputs[0], (nbytes,), (1,), (1,)),), 1)


@binding
class ReadVariablePortable(MovePortable):
    kind = "READ_VARIABLE"


@binding
class AssignVariablePortable(MovePortable):
    kind = "ASSIGN_VARIABLE"
