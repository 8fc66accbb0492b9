"""Checks that hold for every model before any op looks at it: the graph is one TFLite Micro can run as written.

Each function returns user-facing sentences (empty when all is well); the compiler reports them all at once. The
rules follow what TFLite Micro does: it runs operators in file order, so an operator that reads a tensor nobody
has written yet computes on garbage, and such a model is refused rather than reordered.
"""

from __future__ import annotations

import math

import numpy as np

from mcugen.ir import DTYPES, RESOURCE, Graph, Op
from mcugen.ops.base import OpLowering
from mcugen.reader import default_options

# The TensorType codes of the schema (FLOAT32 = 0 to FLOAT8_E5M2 = 22): TFLite Micro refuses an options field
# holding another (quantized_bias_type); any of these it reads and, for the int8 kernels, ignores.
TENSOR_TYPE_CODES = range(0, 23)
# Zero points TFLite allows per quantized tensor type.
ZERO_POINT_RANGE = {
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int16": (0, 0),
}


def graph_problems(graph: Graph) -> list[str]:
    """Problems of the graph as a whole: an interface, a valid order, one writer per tensor, known types."""
    problems = []
    if not graph.ops:
        problems.append("the graph has no operators")
    if not graph.inputs:
        problems.append("the graph has no inputs")
    if not graph.outputs:
        problems.append("the graph has no outputs")
    problems += _order_problems(graph)
    used = {t for op in graph.ops for t in op.inputs + op.outputs if t >= 0} | set(graph.inputs) | set(graph.outputs)
    for t in sorted(used):
        tensor = graph.tensors[t]
        if tensor.dtype == RESOURCE:
            continue  # a variable handle: mcugen/ops/state.py checks its uses
        if tensor.dtype not in DTYPES:
            problems.append(f"tensor {tensor.describe()} has unsupported type {tensor.dtype}")
        else:
            problems += quantization_problems(graph, t)
    return problems


def _order_problems(graph: Graph) -> list[str]:
    """Every activation an operator reads was written earlier (or is a model input); nothing is written twice, and
    no operator writes a constant or a model input."""
    problems = []
    written = set(graph.inputs) | set(graph.variable_tensors())
    writer: dict[int, int] = {}
    for op in graph.ops:
        for t in op.inputs:
            if t >= 0 and not graph.tensors[t].is_constant and t not in written:
                later = next((o.index for o in graph.ops if t in o.outputs), None)
                where = f"op {later} writes it later" if later is not None else "no operator writes it"
                problems.append(f"op {op.index} ({op.kind}) reads tensor {graph.tensors[t].describe()} before it "
                                f"is computed ({where}); TFLite Micro runs operators in file order")
        for t in op.outputs:
            tensor = graph.tensors[t]
            if tensor.is_constant:
                problems.append(f"op {op.index} ({op.kind}) writes the constant tensor {tensor.describe()}")
            elif t in graph.inputs:
                problems.append(f"op {op.index} ({op.kind}) writes the model input {tensor.describe()}")
            elif t in writer:
                problems.append(f"tensor {tensor.describe()} is written by both op {writer[t]} and op {op.index}")
            writer.setdefault(t, op.index)
            written.add(t)
    for t in graph.outputs:
        if t not in written and not graph.tensors[t].is_constant:
            problems.append(f"model output {graph.tensors[t].describe()} is never computed")
    return problems


def quantization_problems(graph: Graph, index: int) -> list[str]:
    """Scales finite and positive, zero points inside the type's range, one zero point per scale."""
    tensor = graph.tensors[index]
    quant = tensor.quant
    # TFLite Micro reads no quantization of int32/int64 tensors (biases, shapes, indices): converters leave odd
    # values there (e.g. a bias "quantized" along a dimension it lacks), which are harmless.
    if quant is None or tensor.dtype in ("int32", "int64"):
        return []
    problems = []
    scales = np.asarray(quant.scale, dtype=np.float64)
    if not all(math.isfinite(s) and s > 0 for s in scales.tolist()):
        problems.append(f"tensor {tensor.describe()} has a scale that is not a finite positive number "
                        f"({_sample(scales)})")
    if quant.zero_point.size != scales.size:
        problems.append(f"tensor {tensor.describe()} has {quant.zero_point.size} zero points for {scales.size} "
                        f"scales")
    low, high = ZERO_POINT_RANGE.get(tensor.dtype, (None, None))
    if low is not None and quant.zero_point.size and (quant.zero_point.min() < low or quant.zero_point.max() > high):
        problems.append(f"tensor {tensor.describe()} has a zero point outside [{low}, {high}] "
                        f"({_sample(quant.zero_point)})")
    return problems


def _sample(values: np.ndarray) -> str:
    flat = np.asarray(values).reshape(-1).tolist()
    return ", ".join(str(v) for v in flat[:4]) + (", ..." if len(flat) > 4 else "")


def operator_problems(op: Op, lowering: OpLowering, graph: Graph) -> list[str]:
    """Operand counts and the options table, checked before the op's own rules run. An op without a table gets
    the table's defaults (as TFLite reads it)."""
    low, high = lowering.input_count
    if not low <= len(op.inputs) <= high:
        return [f"has {len(op.inputs)} inputs; {op.kind} takes {_count_range(low, high)}"]
    low_out, high_out = lowering.output_counts()
    if not low_out <= len(op.outputs) <= high_out:
        return [f"has {len(op.outputs)} outputs; {op.kind} has {_count_range(low_out, high_out)}"]
    required = [t for i, t in enumerate(op.inputs[:low]) if i not in lowering.optional_inputs]
    if any(t < 0 for t in required):
        return [f"omits a required input (inputs {op.inputs})"]
    if op.options_type is None:
        if lowering.options_table is not None:
            op.options = default_options(lowering.options_table)
            op.options_type = lowering.options_table
        return []
    if op.options_type != lowering.options_table:
        return [f"carries {op.options_type} where {op.kind} reads "
                f"{lowering.options_table or 'no options table'}"]
    bias_type = getattr(op.options, "quantized_bias_type", 0)
    if bias_type not in TENSOR_TYPE_CODES:
        return [f"has quantized_bias_type {bias_type}, which is no tensor type (TFLite Micro refuses the model)"]
    return []


def _count_range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"
