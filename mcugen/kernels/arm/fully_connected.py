"""FULLY_CONNECTED through CMSIS-NN: arm_fully_connected_s8 (per-tensor) and arm_fully_connected_per_channel_s8.

Both walk `input_dims->n` rows of `filter_dims->n` features and write `output_dims->c` values per row, computing
the accumulator bias + sum((x + input_offset) * w) with the same double-rounding requantization as TFLite Micro.

On Helium (MVE) the kernels start every accumulator from `ctx->buf`, the kernel sums TFLite Micro fills at Prepare
with arm_vector_sum_s8: bias[c] + input_offset * sum(w[c]) in int32 arithmetic (filter offset 0). They are computed
here, exactly as arm_vector_sum_s8 computes them, and emitted as a const array passed as the buffer, so the device
computes nothing at start-up and no arena scratch is used. The DSP and plain-C code paths ignore the buffer
(arm_fully_connected_s8_get_buffer_size is 0 there) and add the bias themselves.
"""

from __future__ import annotations

import numpy as np

from mcugen.ir import Op
from mcugen.kernels.base import KernelBinding, Target, binding, int8_only
from mcugen.kernels.arm.common import BACKEND, activation, context, dims, mutable
from mcugen.ops.base import Emitter, c_int_array
from mcugen.ops.fully_connected import INPUT, OUTPUT, WEIGHTS, FullyConnectedLayer

INPUT_OFFSET_RANGE = (-127, 128)  # fc_params->input_offset, as documented in arm_nnfunctions.h


def wrap_int32(values: np.ndarray) -> np.ndarray:
    """Two's-complement int32 wrap-around, as the C additions and multiplications of int32 values behave."""
    return ((np.asarray(values, dtype=np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


def kernel_sums(weights: np.ndarray, bias: np.ndarray | None, lhs_offset: int, rhs_offset: int = 0) -> np.ndarray:
    """What arm_vector_sum_s8(buf, cols, rows, weights, lhs_offset, rhs_offset, bias) leaves in buf: per row,
    bias (or 0) + lhs_offset * (sum(row) + cols * rhs_offset) when lhs_offset != 0, else bias (or 0)."""
    rows, cols = weights.shape
    sums = wrap_int32(np.zeros(rows) if bias is None else np.asarray(bias, dtype=np.int64))
    if lhs_offset:
        row = np.asarray(weights, dtype=np.int64).sum(axis=1)  # exact: at most 128 * cols per row
        if rhs_offset:
            row = wrap_int32(row + cols * rhs_offset)
        sums = wrap_int32(sums.astype(np.int64) + wrap_int32(row * lhs_offset).astype(np.int64))
    return sums


def fc_scratch_bytes(output_depth: int, isa: str) -> int:
    """arm_fully_connected_s8_get_buffer_size(filter_dims) with filter_dims->c = output depth, per code path
    (the _dsp variant also serves plain C)."""
    return output_depth * 4 if isa == "mve" else 0


@binding
class FullyConnectedCmsisNN(KernelBinding):
    kind = "FULLY_CONNECTED"
    backend = BACKEND

    def kernel_name(self, op: Op, layer: FullyConnectedLayer) -> str:
        return "arm_fully_connected_per_channel_s8" if layer.per_channel else "arm_fully_connected_s8"

    def supports(self, op: Op, layer: FullyConnectedLayer, target: Target) -> str | None:
        if reason := int8_only(layer, self.kernel_name(op, layer)):
            return reason
        low, high = INPUT_OFFSET_RANGE
        if not low <= layer.input_offset <= high:
            return f"input offset {layer.input_offset} is outside CMSIS-NN's range [{low}, {high}]"
        return None

    def scratch_bytes(self, op: Op, layer: FullyConnectedLayer, target: Target) -> int:
        return 0  # the kernel sums CMSIS-NN needs on MVE are const data (module docstring)

    def emit(self, op: Op, layer: FullyConnectedLayer, emit: Emitter) -> None:
        name = self.kernel_name(op, layer)
        emit.cmsis_nn(name)
        if emit.target.isa == "mve":
            # arm_vector_sum_s8's result: bias + input_offset * sum(row), wrapped to int32 (the exact folded bias
            # reduced modulo 2^32, which is what the C int32 arithmetic yields).
            symbol = emit.const("kernel_sums", wrap_int32(layer.folded_bias), "int32_t")
            ctx = emit.params("cmsis_nn_context", {"buf": mutable(symbol, "void"),
                                                   "size": fc_scratch_bytes(layer.output_depth, "mve")})
        else:
            ctx = context(emit, 0)
        fc_params = emit.params("cmsis_nn_fc_params", {
            "input_offset": layer.input_offset,
            "filter_offset": 0,
            "output_offset": layer.output_offset,
            "activation": activation(layer.activation_min, layer.activation_max),
        })
        if layer.per_channel:
            multipliers = emit.const("multipliers", c_int_array(layer.multipliers), "int32_t")
            shifts = emit.const("shifts", c_int_array(layer.shifts), "int32_t")
            quant = emit.params("cmsis_nn_per_channel_quant_params",
                                {"multiplier": mutable(multipliers), "shift": mutable(shifts)})
        else:
            quant = emit.params("cmsis_nn_per_tensor_quant_params",
                                {"multiplier": int(layer.multipliers[0]), "shift": int(layer.shifts[0])})
        bias = emit.const("bias", c_int_array(layer.bias), "int32_t") if layer.has_bias else "NULL"
        emit.call(name, ctx, fc_params, quant,
                  dims(emit, n=layer.batches, c=layer.input_depth), emit.tensor(op.inputs[INPUT]),
                  dims(emit, n=layer.input_depth, c=layer.output_depth), emit.tensor(op.inputs[WEIGHTS]),
                  dims(emit, c=layer.output_depth), bias,
                  dims(emit, n=layer.batches, c=layer.output_depth), emit.tensor(op.outputs[OUTPUT]))

