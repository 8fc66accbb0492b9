"""PAD and PADV2 (constant mode) on int8 tensors of up to 5 dimensions.

The paddings operand must be a constant int32 or int64 [rank, 2] tensor. PAD fills with the output zero point
(the quantized 0.0); PADV2 fills with its constant scalar operand, which TFLite requires to share the output's
quantization. The kernel copies bytes, so input and output quantization are taken as equal, as in TFLite Micro.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import OpLowering, operand, register, require_dtype, require_int8_io, result
from mcugen.ops.streaming import overlap_gap, padded_reads

INPUT, PADDINGS, CONSTANT_VALUES = 0, 1, 2
OUTPUT = 0
MAX_DIMS = 5  # MCUGEN_PAD_MAX_DIMS in mcugen_pad_s8.h


@dataclass(frozen=True)
class PadLayer:
    """A prepared constant PAD/PADV2: shapes, padding before each dimension, and the int8 fill value."""

    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_value: int


class _Pad(OpLowering):
    def check(self, op: Op, graph: Graph) -> list[str]:
        x, paddings, y = operand(op, graph, INPUT), operand(op, graph, PADDINGS), result(op, graph, OUTPUT)
        problems = require_int8_io(x, y)
        problems += require_dtype(paddings, "paddings", ("int32", "int64"))
        if problems:
            return problems
        if not paddings.is_constant:
            return [f"paddings {paddings.describe()} must be a constant tensor"]
        if len(x.shape) > MAX_DIMS or len(y.shape) != len(x.shape):
            return [f"input {x.describe()} and output {y.describe()} must have the same rank, at most {MAX_DIMS}"]
        if paddings.size != 2 * len(x.shape):
            return [f"paddings {paddings.describe()} must hold two values per input dimension"]
        pairs = np.asarray(paddings.data, dtype=np.int64).reshape(-1, 2)
        if (pairs < 0).any():
            problems.append(f"negative paddings {pairs.tolist()} are not supported")
        expected = tuple(int(d + a + b) for d, (a, b) in zip(x.shape, pairs))
        if tuple(y.shape) != expected:
            problems.append(f"output {y.describe()} does not match the padded shape {list(expected)}")
        if y.quant is None or y.quant.per_channel:
            problems.append(f"output {y.describe()} must be quantized per tensor")
        return problems + self.check_pad_value(operand(op, graph, CONSTANT_VALUES), y)

    def check_pad_value(self, value: Tensor | None, y: Tensor) -> list[str]:
        return []

    def pad_value(self, op: Op, graph: Graph) -> int:
        return graph.tensors[op.outputs[OUTPUT]].quant.single_zero_point

    def prepare(self, op: Op, graph: Graph) -> PadLayer:
        x, y = operand(op, graph, INPUT), result(op, graph, OUTPUT)
        pairs = np.asarray(operand(op, graph, PADDINGS).data, dtype=np.int64).reshape(-1, 2)
        return PadLayer(input_shape=tuple(x.shape), output_shape=tuple(y.shape),
                        pad_before=tuple(int(v) for v in pairs[:, 0]), pad_value=self.pad_value(op, graph))


class _PadPortable(KernelBinding):
    backend = "portable"

    def kernel_name(self, op: Op, layer: PadLayer) -> str:
        return "mcugen_pad_s8"

    def overlap(self, op: Op, layer: PadLayer) -> list[tuple[int, int]]:
        # mcugen_pad_s8 writes the output in address order; each interior element copies one input element.
        return [(INPUT, overlap_gap(padded_reads(layer.input_shape, layer.output_shape, layer.pad_before)))]

    def emit(self, op: Op, layer: PadLayer, emit) -> None:
        lead = MAX_DIMS - len(layer.input_shape)
        emit.kernel("mcugen_pad_s8")
        params = emit.params("mcugen_pad_params", {
            "input_shape": [1] * lead + list(layer.input_shape),
            "output_shape": [1] * lead + list(layer.output_shape),
            "pad_before": [0] * lead + list(layer.pad_before),
            "pad_value": layer.pad_value,
        })
        emit.call("mcugen_pad_s8", params, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]))



@register
class Pad(_Pad):
    kind = "PAD"
    options_table = "PadOptions"
    input_count = (2, 2)

@register
class PadV2(_Pad):
    kind = "PADV2"
    options_table = "PadV2Options"
    input_count = (2, 3)

    def check_pad_value(self, value: Tensor | None, y: Tensor) -> list[str]:
        if value is None:
            return []
        problems = require_dtype(value, "constant_values", ("int8",))
        if problems:
            return problems
        if not value.is_constant or value.size != 1:
            return [f"constant_values {value.describe()} must be a constant scalar"]
        if y.quant is not None and (value.quant is None
                                    or value.quant.single_zero_point != y.quant.single_zero_point
                                    or value.quant.single_scale != y.quant.single_scale):
            return [f"constant_values {value.describe()} must be quantized like output {y.describe()}"]
        return []

    def pad_value(self, op: Op, graph: Graph) -> int:
        value = operand(op, graph, CONSTANT_VALUES)
        if value is not None:
            return int(np.asarray(value.data).reshape(-1)[0])
        return super().pad_value(op, graph)


@binding
class PadPortable(_PadPortable):
    kind = "PAD"


@binding
class PadV2Portable(_PadPortable):
    kind = "PADV2"
