"""ADD of two int8 (or two int16) tensors, each with its own quantization, with numpy-style broadcasting.

Quantization follows TFLite Micro's add Prepare: both inputs are shifted left by 20 bits (15 for int16) and scaled to a common
scale (twice the larger input scale) by multipliers of at most 1/2, summed, and the sum scaled to the output by
twice_max_scale / (2^20 * output_scale); every multiplier comes from a double division of the float32 scales.

Same-shape operands use the plain element-wise kernel. Otherwise the output is walked as the loop nest planned by
mcugen/ops/broadcast.py (e.g. [1, 8, 8, 16] + [16] becomes a 2-D loop).
"""

from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.kernels.base import KernelBinding, binding
from mcugen.ops.base import (Emitter, OpLowering, operand, register, require_dtype, require_per_tensor_quant, result,
                             tensors)
from mcugen.ops.broadcast import (MAX_DIMS, broadcast_loops, broadcast_shape, extended,  # noqa: F401 (re-exported)
                                  fused_range)
from mcugen.ops.conv2d import check_activation
from mcugen.quant import quantize_multiplier

INPUT1, INPUT2 = 0, 1
OUTPUT = 0
LEFT_SHIFT = 20  # extra bits of precision for int8 inputs, as TFLite Micro
LEFT_SHIFTS = {"int8": LEFT_SHIFT, "int16": 15}


@dataclass(frozen=True)
class AddLayer:
    """A prepared ADD: TFLite Micro's quantization constants and the output walk (see the module docstring)."""

    size: int
    same_shape: bool  # both inputs have the output's shape: a plain element-wise loop
    full_inputs: tuple[int, ...]  # input positions that have the output's shape (no broadcasting)
    extents: tuple[int, ...]
    input1_strides: tuple[int, ...]
    input2_strides: tuple[int, ...]
    input1_offset: int
    input2_offset: int
    output_offset: int
    left_shift: int
    input1_multiplier: int
    input1_shift: int
    input2_multiplier: int
    input2_shift: int
    output_multiplier: int
    output_shift: int
    activation_min: int
    activation_max: int
    dtype: str = "int8"


def add_multipliers(scale1: float, scale2: float, output_scale: float,
                    left_shift: int = LEFT_SHIFT) -> dict[str, int]:
    """Q31 multipliers of both inputs (to twice the larger scale) and of the output, as TFLite Micro's add and sub
    Prepare compute them (double ratios of the float32 scales); `left_shift` is 20 for int8, 15 for int16."""
    twice_max = 2.0 * float(max(scale1, scale2))
    fields = {}
    for name, real in (("input1", float(scale1) / twice_max), ("input2", float(scale2) / twice_max),
                       ("output", twice_max / ((1 << left_shift) * float(output_scale)))):
        fields[f"{name}_multiplier"], fields[f"{name}_shift"] = quantize_multiplier(real)
    return fields


@register
class Add(OpLowering):
    kind = "ADD"
    options_table = "AddOptions"
    input_count = (2, 2)

    def check(self, op: Op, graph: Graph) -> list[str]:
        ins, outs = tensors(op, graph)
        if len(ins) != 2:
            return [f"ADD takes 2 inputs, got {len(ins)}"]
        a, b, y = ins[INPUT1], ins[INPUT2], outs[OUTPUT]
        problems = require_dtype(a, "input 1", ("int8", "int16")) + require_dtype(b, "input 2", ("int8", "int16"))
        problems += require_dtype(y, "output", ("int8", "int16")) + check_activation(op)
        if problems:
            return problems
        if not a.dtype == b.dtype == y.dtype:
            return [f"ADD needs inputs and output of one type, got {a.dtype}, {b.dtype} and {y.dtype}"]
        for t, role in ((a, "input 1"), (b, "input 2"), (y, "output")):
            problems += require_per_tensor_quant(t, role)
            if t.quant is not None and not t.quant.single_scale > 0:
                problems.append(f"{role} tensor {t.describe()} must have a positive scale")
        if problems:
            return problems
        loops = broadcast_loops(a.shape, b.shape, y.shape)
        if loops is None or broadcast_shape(a.shape, b.shape) != tuple(y.shape):
            return [f"inputs {a.describe()} and {b.describe()} do not broadcast to output {y.describe()}"]
        if len(loops[0]) > MAX_DIMS:
            problems.append(f"broadcasting {a.describe()} with {b.describe()} needs {len(loops[0])} loops; "
                            f"at most {MAX_DIMS} are supported")
        real_output = 2.0 * max(a.quant.single_scale, b.quant.single_scale) / (
            (1 << LEFT_SHIFTS[y.dtype]) * y.quant.single_scale)
        if real_output >= 1.0:
            problems.append(f"output scale of {y.describe()} is too small for the inputs' scales")
        return problems

    def prepare(self, op: Op, graph: Graph) -> AddLayer:
        a, b, y = operand(op, graph, INPUT1), operand(op, graph, INPUT2), result(op, graph, OUTPUT)
        act_min, act_max = fused_range(op, y)
        left_shift = LEFT_SHIFTS[y.dtype]
        rank = len(y.shape)
        extents, strides1, strides2 = broadcast_loops(a.shape, b.shape, y.shape)
        return AddLayer(
            size=y.size,
            same_shape=extended(a.shape, rank) == extended(b.shape, rank) == tuple(y.shape),
            full_inputs=tuple(position for position, t in ((INPUT1, a), (INPUT2, b))
                              if extended(t.shape, rank) == tuple(y.shape)),
            extents=tuple(extents), input1_strides=tuple(strides1), input2_strides=tuple(strides2),
            input1_offset=-a.quant.single_zero_point, input2_offset=-b.quant.single_zero_point,
            output_offset=y.quant.single_zero_point, left_shift=left_shift,
            **add_multipliers(a.quant.single_scale, b.quant.single_scale, y.quant.single_scale, left_shift),
            activation_min=act_min, activation_max=act_max, dtype=y.dtype,
        )


@binding
class AddPortable(KernelBinding):
    kind = "ADD"
    backend = "portable"

    def kernel_name(self, op: Op, layer: AddLayer) -> str:
        if layer.dtype == "int16":
            return "mcugen_add_s16"
        return "mcugen_add_s8" if layer.same_shape else "mcugen_add_broadcast_s8"

    def overlap(self, op: Op, layer: AddLayer) -> list[tuple[int, int]]:
        # Element i of the output is written after element i of each input is read (broadcast inputs excepted).
        return [(position, 0) for position in layer.full_inputs]

    def emit(self, op: Op, layer: AddLayer, emit: Emitter) -> None:
        fields = {
            "input1_offset": layer.input1_offset,
            "input2_offset": layer.input2_offset,
            "left_shift": layer.left_shift,
            "input1_multiplier": layer.input1_multiplier,
            "input1_shift": layer.input1_shift,
            "input2_multiplier": layer.input2_multiplier,
            "input2_shift": layer.input2_shift,
            "output_multiplier": layer.output_multiplier,
            "output_shift": layer.output_shift,
            "output_offset": layer.output_offset,
            "activation_min": layer.activation_min,
            "activation_max": layer.activation_max,
            "size": layer.size,
        }
        if not layer.same_shape or layer.dtype == "int16":
            padding = MAX_DIMS - len(layer.extents)
            fields["extent"] = [1] * padding + list(layer.extents)
            fields["input1_stride"] = [0] * padding + list(layer.input1_strides)
            fields["input2_stride"] = [0] * padding + list(layer.input2_strides)
        emit.kernel("mcugen_add_s16" if layer.dtype == "int16" else "mcugen_add_s8")
        params = emit.params("mcugen_add_params", fields)
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT1]),
                  emit.tensor(op.inputs[INPUT2]), emit.tensor(op.outputs[OUTPUT]))
