"""MEAN of an int8 or int16 tensor over constant axes (keep_dims true or false), with TFLite Micro's arithmetic.

TFLite Micro sums the int8 (int16) values over the reduced axes in int32, subtracts zero_point * count, and rescales by
input_scale / output_scale / count in one multiplier: the Q31 multiplier of the scale ratio is widened by
2^floor(log2(count)) and divided by count (integer division), the shift lowered to match. The same holds when
input and output share their quantization (the ratio is then exactly 1).

At compile time the dimensions are grouped: size-1 dimensions dropped, neighbouring kept (or reduced)
dimensions merged, so the kernel sees at most three kept and three reduced groups for inputs of rank <= 6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_per_tensor_quant, result
from mcugen.quant import quantize_multiplier

INPUT, AXES = 0, 1
OUTPUT = 0
MAX_RANK = 6
MAX_GROUPS = 3  # MCUGEN_MEAN_MAX_GROUPS in mcugen_mean_s8.h
INT16_COUNT_LIMIT = 1 << 16  # elements per mean: the int32 sum of int16 values stays exact below it


@dataclass(frozen=True)
class MeanLayer:
    """A prepared MEAN: kept and reduced dimension groups as (size, input stride), outermost first, and the one
    multiplier that turns a centred sum into output units."""

    kept: tuple[tuple[int, int], ...]
    reduced: tuple[tuple[int, int], ...]
    sum_offset: int
    multiplier: int
    shift: int
    output_zero_point: int
    dtype: str = "int8"


def resolve_axes(axes: np.ndarray, rank: int) -> list[int] | None:
    """Axes made non-negative, duplicates dropped, in first-seen order; None if one is out of range."""
    resolved: list[int] = []
    for axis in np.asarray(axes, dtype=np.int64).reshape(-1).tolist():
        if not -rank <= axis < rank:
            return None
        axis %= rank
        if axis not in resolved:
            resolved.append(axis)
    return resolved


def group_dimensions(shape: tuple[int, ...], axes: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(kept groups, reduced groups) as (size, input stride) pairs, outermost first."""
    groups: list[list] = []  # [reduced?, size]
    for dim, size in enumerate(shape):
        if size == 1:
            continue
        reduced = dim in axes
        if groups and groups[-1][0] == reduced:
            groups[-1][1] *= size
        else:
            groups.append([reduced, size])
    stride = 1
    strided = []
    for reduced, size in reversed(groups):
        strided.append((reduced, size, stride))
        stride *= size
    strided.reverse()
    kept = [(size, stride) for reduced, size, stride in strided if not reduced]
    summed = [(size, stride) for reduced, size, stride in strided if reduced]
    return kept, summed


def mean_multiplier(input_scale: float, output_scale: float, count: int) -> tuple[int, int]:
    """(multiplier, left-positive shift) that maps a sum of `count` centred inputs to output units."""
    multiplier, shift = quantize_multiplier(float(input_scale) / float(output_scale))
    widen = min(count.bit_length() - 1, 32, 31 + shift)
    return (multiplier << widen) // count, shift - widen


def _padded(groups: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    lead = [(1, 0)] * (MAX_GROUPS - len(groups))
    return [size for size, _ in lead + groups], [stride for _, stride in lead + groups]


def group_fields(kept, reduced) -> dict[str, list[int]]:
    """The C fields of grouped dimensions (outer_shape/_stride, reduced_shape/_stride), padded in front."""
    outer_shape, outer_stride = _padded(list(kept))
    reduced_shape, reduced_stride = _padded(list(reduced))
    return {"outer_shape": outer_shape, "outer_stride": outer_stride,
            "reduced_shape": reduced_shape, "reduced_stride": reduced_stride}


@register
class Mean(OpLowering):
    kind = "MEAN"
    options_table = "ReducerOptions"
    input_count = (2, 2)
    dtypes: ClassVar[tuple[str, ...]] = ("int8", "int16")  # of input and output (one type for both)

    def check(self, op: Op, graph: Graph) -> list[str]:
        x, axes, y = operand(op, graph, INPUT), operand(op, graph, AXES), result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", self.dtypes) + require_dtype(y, "output", self.dtypes)
        if not problems and x.dtype != y.dtype:
            problems.append(f"input {x.describe()} and output {y.describe()} must have one type")
        problems += require_dtype(axes, "axes", ("int32", "int64"))
        if problems:
            return problems
        problems = require_per_tensor_quant(x, "input") + require_per_tensor_quant(y, "output")
        if not axes.is_constant:
            problems.append(f"axes {axes.describe()} must be a constant tensor")
        if len(x.shape) > MAX_RANK or 0 in x.shape:
            problems.append(f"input {x.describe()} must be non-empty with rank at most {MAX_RANK}")
        if problems:
            return problems
        resolved = resolve_axes(axes.data, len(x.shape))
        if resolved is None:
            return [f"axes {axes.data.reshape(-1).tolist()} are out of range for input {x.describe()}"]
        kept = int(np.prod([d for i, d in enumerate(x.shape) if i not in resolved], dtype=np.int64))
        if y.size != kept:
            return [f"output {y.describe()} does not hold the {kept} means of input {x.describe()}"]
        if x.dtype == "int16" and x.size // max(kept, 1) >= INT16_COUNT_LIMIT:
            return [f"means of {x.size // kept} int16 values are too long; at most {INT16_COUNT_LIMIT - 1} "
                    f"values per mean are supported"]
        return []

    def multiplier(self, input_scale: float, output_scale: float, count: int) -> tuple[int, int]:
        return mean_multiplier(input_scale, output_scale, count)

    def prepare(self, op: Op, graph: Graph) -> MeanLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        axes = resolve_axes(operand(op, graph, AXES).data, len(x.shape))
        kept, summed = group_dimensions(tuple(x.shape), axes)
        count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
        multiplier, shift = self.multiplier(x.quant.single_scale, y.quant.single_scale, count)
        return MeanLayer(kept=tuple(kept), reduced=tuple(summed), sum_offset=-x.quant.single_zero_point * count,
                         multiplier=multiplier, shift=shift, output_zero_point=y.quant.single_zero_point,
                         dtype=y.dtype)


@binding
class MeanPortable(KernelBinding):
    kind = "MEAN"
    backend = "portable"

    def kernel_name(self, op: Op, layer: MeanLayer) -> str:
        return f"mcugen_mean_s{layer.dtype[3:]}"

    def emit(self, op: Op, layer: MeanLayer, emit) -> None:
        emit.kernel("mcugen_mean_s8")
        params = emit.params("mcugen_mean_params", {
            **group_fields(layer.kept, layer.reduced),
            "sum_offset": layer.sum_offset,
            "multiplier": layer.multiplier,
            "shift": layer.shift,
            "output_zero_point": layer.output_zero_point,
        })
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
