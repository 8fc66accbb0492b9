"""The model's state: variable tensors, which keep their values from one invoke to the next.

TFLite Micro keeps every `is_variable` tensor (an op's memory, such as SVDF's activation state or an LSTM's cell
and output state) for the interpreter's lifetime and sets it to its reset value when tensors are allocated and on
ResetVariableTensors: the zero point for an int8 tensor, zero otherwise. mcugen gives these tensors a static array
of their own, `<name>_state`, beside the arena and never reused by it; `<name>_reset()` restores the reset values,
and the first invoke after start-up does so by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph
from mcugen.planner import align_up


@dataclass(frozen=True)
class StateSlot:
    tensor: int
    offset: int  # bytes into the state array
    count: int  # elements
    ctype: str
    reset: int  # the value every element is set to by <name>_reset()


@dataclass(frozen=True)
class StateLayout:
    slots: tuple[StateSlot, ...]
    size: int  # bytes of the state array (0: the model has no state)

    def offset(self, tensor: int) -> int:
        return next(slot.offset for slot in self.slots if slot.tensor == tensor)


def reset_value(graph: Graph, index: int) -> int:
    """TFLite Micro's reset value of a variable tensor: its zero point when int8, otherwise 0."""
    tensor = graph.tensors[index]
    if tensor.dtype == "int8" and tensor.quant is not None and tensor.quant.zero_point.size:
        return int(tensor.quant.zero_point[0])
    return 0


def state_layout(graph: Graph, alignment: int) -> StateLayout:
    """Every variable tensor the graph uses, one after the other in tensor order, each aligned."""
    slots, offset = [], 0
    for t in graph.variables():
        tensor = graph.tensors[t]
        slots.append(StateSlot(t, offset, tensor.size, tensor.ctype, reset_value(graph, t)))
        offset = align_up(offset + tensor.nbytes, alignment)
    return StateLayout(tuple(slots), offset)
