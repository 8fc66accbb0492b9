"""REDUCE_MAX of an int8 tensor over constant axes. TFLite Micro compares raw values and requires input and
output to share one quantization; the dimensions are grouped as for MEAN (mcugen/ops/mean.py)."""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import operand, register, result
from mcugen.ops.mean import AXES, INPUT, OUTPUT, Mean, group_dimensions, group_fields, resolve_axes


@dataclass(frozen=True)
class ReduceMaxLayer:
    """Kept and reduced dimension groups as (size, input stride), outermost first."""

    kept: tuple[tuple[int, int], ...]
    reduced: tuple[tuple[int, int], ...]


@register
class ReduceMax(Mean):
    kind = "REDUCE_MAX"
    dtypes = ("int8",)

    def check(self, op: Op, graph: Graph) -> list[str]:
        problems = super().check(op, graph)
        if problems:
            return problems
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        if (x.quant.single_scale, x.quant.single_zero_point) != (y.quant.single_scale, y.quant.single_zero_point):
            return [f"REDUCE_MAX needs one quantization for input {x.describe()} and output {y.describe()}, "
                    f"as TFLite Micro"]
        return []

    def prepare(self, op: Op, graph: Graph) -> ReduceMaxLayer:
        x = operand(op, graph, INPUT)
        kept, reduced = group_dimensions(tuple(x.shape), resolve_axes(operand(op, graph, AXES).data, len(x.shape)))
        return ReduceMaxLayer(kept=tuple(kept), reduced=tuple(reduced))


@binding
class ReduceMaxPortable(KernelBinding):
    kind = "REDUCE_MAX"
    backend = "portable"

    def kernel_name(self, op: Op, layer: ReduceMaxLayer) -> str:
        return "mcugen_reduce_max_s8"

    def emit(self, op: Op, layer: ReduceMaxLayer, emit) -> None:
        emit.kernel("mcugen_reduce_max_s8")
        params = emit.params("mcugen_reduce_max_params", group_fields(layer.kept, layer.reduced))
        emit.call("mcugen_reduce_max_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))
