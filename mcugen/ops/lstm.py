"""UNIDIRECTIONAL_SEQUENCE_LSTM on int8 or int16 activations with int8 weights and an int16 cell state, both
states kept between invokes.

int8 activations ("8x8->16"): int8 input, hidden state and output, int32 biases; int16 activations ("16x8"):
int16 input, hidden state and output, int64 biases. The hidden and the cell state are variable tensors (inputs
18 and 19): they carry over from one invoke to the next (mcugen/state.py).

Each time step, as TFLite Micro's integer LSTM: every gate (input, forget, cell, output) sums two fully connected
layers, one of the input row (with the gate's bias) and one of the previous hidden state (no bias), each
requantized to int16 at the fixed scale 2^-12 and added with int16 saturation; sigmoid (the cell gate: tanh, the
layer's activation) maps that to int16 at scale 2^-15 with TFLite's int16 LOGISTIC / TANH arithmetic. The new
cell state is forget * cell + input * cell gate (two int16 multiplications requantized to the cell scale, added
with saturation, optionally clipped), the new hidden state output gate * tanh(cell) requantized to the hidden
state's scale and zero point; it is also the step's output row. The output tensor's own quantization plays no
part (TFLite Micro copies the hidden state into it).

Quantization as TFLite Micro's PrepareGateParametersInteger: each fully connected layer's multiplier is the
float32 product of the input (or hidden state) and weight scales, widened to double and divided by 2^-12; the
multiplications' multipliers are products and quotients of the scales in double. tanh of the cell state reads
the cell scale as a power of two (log2 rounded in float32, as CheckedLog2).

Refused as TFLite Micro refuses them: float LSTMs, a missing input gate (CIFG), peephole connections, projection,
layer normalisation, per-channel weights (its LSTM reads only a per-tensor multiplier), and cell activations
other than TANH.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mcugen.errors import UnsupportedModelError
from mcugen.ir import Graph, Op, Tensor
from mcugen.kernels.base import KernelBinding, Target, binding
from mcugen.ops.base import (QUANTIZED_RANGE, Emitter, OpLowering, operand, register, require_dtype,
                             require_per_tensor_quant, result)
from mcugen.ops.conv2d import accumulator_problems, folded_bias
from mcugen.quant import quantize_multiplier

INPUT = 0
# (input-to-gate weights, recurrent-to-gate weights, bias) of the input, forget, cell and output gates
GATES = ((1, 5, 12), (2, 6, 13), (3, 7, 14), (4, 8, 15))
GATE_NAMES = ("input", "forget", "cell", "output")
PEEPHOLES = (9, 10, 11)
PROJECTION = (16, 17)
HIDDEN_STATE, CELL_STATE = 18, 19
LAYER_NORM = (20, 21, 22, 23)
OUTPUT = 0

GATE_SCALE = 2.0 ** -12  # the fully connected layers' int16 output: Q3.12
ACTIVATED_SCALE = 2.0 ** -15  # sigmoid and tanh outputs: Q0.15
BIAS_TYPE = {"int8": "int32", "int16": "int64"}
# The int64 requantization of a 16x8 layer shifts right by 15 - shift: TFLite Micro requires shift < 8.
MAX_WIDE_SHIFT = 7


@dataclass(frozen=True, eq=False)
class LstmLayer:
    """A prepared LSTM. Gate g's fully connected layers have multiplier/shift 2g (input) and 2g + 1 (recurrent);
    the weights of the four gates are stacked in gate order, and `bias` holds [gate][input, recurrent][unit] with
    the input (hidden state) zero point folded in."""

    dtype: str
    batches: int
    time_steps: int
    input_size: int
    units: int
    time_major: bool
    wide: bool
    gate_multipliers: tuple[int, ...]
    gate_shifts: tuple[int, ...]
    forget_multiplier: int
    forget_shift: int
    update_multiplier: int
    update_shift: int
    hidden_multiplier: int
    hidden_shift: int
    hidden_zero_point: int
    hidden_min: int
    hidden_max: int
    cell_clip: int  # negative: no clipping
    tanh_multiplier: int
    tanh_shift: int
    input_weights: np.ndarray  # int8 [4 * units, input_size]
    recurrent_weights: np.ndarray  # int8 [4 * units, units]
    bias: np.ndarray  # int64 [8 * units]


def cell_scale_power(scale: float) -> int:
    """TFLite's CheckedLog2 of the cell scale: log2 in float32 arithmetic, rounded half away from zero."""
    log2 = np.float32(np.log(np.float32(scale))) * np.float32(np.float32(1.0) / np.float32(np.log(np.float32(2.0))))
    return int(math.copysign(math.floor(abs(float(log2)) + 0.5), float(log2)))


def tanh_input_scaling(power: int) -> tuple[int, int]:
    """(input_multiplier, input_left_shift) TFLite Micro passes to int16 TANH for a cell scale of 2^power."""
    shift = 15 + power - 3
    return (0, shift) if shift >= 0 else (3, -shift)


def quantized_cell_clip(clip: float, scale: float) -> int:
    """The cell clip in cell-state units, truncated toward zero as TFLite Micro's static_cast; -1 for none."""
    if not clip > 0:
        return -1
    return int(min(max(float(clip) / float(scale), -32768.0), 32767.0))


def _fc_multiplier(input_scale: float, weight_scale: float) -> tuple[int, int]:
    product = float(np.float32(np.float32(input_scale) * np.float32(weight_scale)))
    return quantize_multiplier(product / GATE_SCALE)


def _mul_multiplier(scale1: float, scale2: float, output_scale: float) -> tuple[int, int]:
    return quantize_multiplier(float(scale1) * float(scale2) / float(np.float32(output_scale)))


def _tensors(op: Op, graph: Graph) -> list[Tensor | None]:
    return [operand(op, graph, i) for i in range(24)]


def _multipliers(op: Op, graph: Graph) -> dict[str, tuple[int, int]]:
    """Every requantization of the layer (UnsupportedModelError when one is out of TFLite Micro's range)."""
    t = _tensors(op, graph)
    x, hidden, cell = t[INPUT], t[HIDDEN_STATE], t[CELL_STATE]
    found = {}
    for name, (w_x, w_h, _) in zip(GATE_NAMES, GATES):
        found[f"{name} gate input"] = _fc_multiplier(x.quant.single_scale, t[w_x].quant.single_scale)
        found[f"{name} gate recurrent"] = _fc_multiplier(hidden.quant.single_scale, t[w_h].quant.single_scale)
    cell_scale = float(np.float32(cell.quant.single_scale))
    found["forget"] = _mul_multiplier(ACTIVATED_SCALE, cell_scale, cell_scale)
    found["update"] = _mul_multiplier(ACTIVATED_SCALE, ACTIVATED_SCALE, cell_scale)
    found["hidden"] = _mul_multiplier(ACTIVATED_SCALE, ACTIVATED_SCALE, hidden.quant.single_scale)
    return found


@register
class UnidirectionalSequenceLstm(OpLowering):
    kind = "UNIDIRECTIONAL_SEQUENCE_LSTM"
    options_table = "UnidirectionalSequenceLSTMOptions"
    input_count = (24, 24)
    # Everything but the input and the two states: check names what is missing, or present but unsupported.
    optional_inputs = tuple(range(1, 18)) + tuple(range(20, 24))

    def check(self, op: Op, graph: Graph) -> list[str]:
        t = _tensors(op, graph)
        x, hidden, cell, y = t[INPUT], t[HIDDEN_STATE], t[CELL_STATE], result(op, graph, OUTPUT)
        problems = require_dtype(x, "input", ("int8", "int16"))
        if problems:
            return problems
        dtype = x.dtype
        problems += require_dtype(y, "output", (dtype,)) + require_dtype(hidden, "hidden (output) state", (dtype,))
        problems += require_dtype(cell, "cell state", ("int16",))
        for position in PEEPHOLES:
            if t[position] is not None:
                problems.append(f"peephole weights {t[position].describe()} (input {position}) are not supported: "
                                "TFLite Micro's LSTM has no peephole connections")
        for position in PROJECTION:
            if t[position] is not None:
                problems.append(f"projection tensor {t[position].describe()} (input {position}) is not supported: "
                                "TFLite Micro's LSTM has no projection")
        for position in LAYER_NORM:
            if t[position] is not None:
                problems.append(f"layer normalisation coefficients {t[position].describe()} (input {position}) are "
                                "not supported: TFLite Micro's LSTM has no layer normalisation")
        if t[GATES[0][0]] is None or t[GATES[0][1]] is None:
            problems.append("the input gate's weights are missing (a CIFG LSTM); TFLite Micro requires them")
        activation = op.options.fused_activation_function
        if activation != "TANH":
            problems.append(f"cell activation {activation} is not supported; supported: TANH")
        if getattr(op.options, "diagonal_recurrent_tensors", False):
            problems.append("diagonal recurrent weights are not supported; supported: full [units, units] matrices")
        for tensor, role in ((hidden, "hidden (output) state"), (cell, "cell state")):
            if tensor is not None and not tensor.is_variable:
                problems.append(f"{role} {tensor.describe()} must be a variable tensor")
        # The kernel reads the input and both states while it writes the states and the output.
        roles = [op.inputs[INPUT], op.inputs[HIDDEN_STATE], op.inputs[CELL_STATE], op.outputs[OUTPUT]]
        if len(set(roles)) != len(roles):
            problems.append(f"the input, hidden state, cell state and output must be four different tensors "
                            f"(they are tensors {roles})")
        # The states hold their reset value or what an LSTM wrote there (kernels bound their values by that).
        for position, role in ((HIDDEN_STATE, "hidden (output) state"), (CELL_STATE, "cell state")):
            writers = [o for o in graph.ops if op.inputs[position] in o.outputs]
            if writers:
                problems.append(f"{role} {t[position].describe()} is also written by op {writers[0].index} "
                                f"({writers[0].kind}); an LSTM's states may only be written by LSTMs")
        problems += self._weight_problems(t, dtype)
        if problems:
            return problems
        for tensor, role in ((x, "input"), (hidden, "hidden (output) state"), (cell, "cell state")):
            problems += require_per_tensor_quant(tensor, role)
            if tensor.quant is not None and not tensor.quant.single_scale > 0:
                problems.append(f"{role} {tensor.describe()} has scale {tensor.quant.single_scale}; it must be "
                                "positive")
        if problems:
            return problems
        problems += self._shape_problems(op, t, y)
        if problems:
            return problems
        return self._arithmetic_problems(op, graph, t)

    @staticmethod
    def _weight_problems(t: list[Tensor | None], dtype: str) -> list[str]:
        problems = []
        for name, (w_x, w_h, b) in zip(GATE_NAMES, GATES):
            for position, role in ((w_x, f"input-to-{name} weights"), (w_h, f"recurrent-to-{name} weights")):
                w = t[position]
                if w is None:
                    if name != "input":
                        problems.append(f"{role} (input {position}) are missing")
                    continue
                found = require_dtype(w, role, ("int8",)) + require_per_tensor_quant(w, role)
                if not found and not w.is_constant:
                    found.append(f"{role} {w.describe()} must be constant")
                if not found and w.quant.single_zero_point != 0:
                    found.append(f"{role} {w.describe()} has zero point {w.quant.single_zero_point}; TFLite Micro "
                                 "requires symmetric weights (zero point 0)")
                problems += found
            bias = t[b]
            role = f"{name} gate bias"
            if bias is None:
                problems.append(f"{role} (input {b}) is missing; TFLite Micro's integer LSTM requires every gate "
                                "bias")
                continue
            found = require_dtype(bias, role, (BIAS_TYPE[dtype],))
            if not found and not bias.is_constant:
                found.append(f"{role} {bias.describe()} must be constant")
            problems += found
        return problems

    @staticmethod
    def _shape_problems(op: Op, t: list[Tensor | None], y: Tensor) -> list[str]:
        x, hidden, cell = t[INPUT], t[HIDDEN_STATE], t[CELL_STATE]
        if len(x.shape) != 3:
            return [f"input {x.describe()} must be 3-D ([batch, time, features], or [time, batch, features] when "
                    "time major)"]
        if len(hidden.shape) != 2:
            return [f"hidden (output) state {hidden.describe()} must be 2-D ([batch, units]): TFLite Micro reads "
                    "the units from its second dimension"]
        time_major = bool(op.options.time_major)
        batches, steps = (x.shape[1], x.shape[0]) if time_major else (x.shape[0], x.shape[1])
        input_size, units = x.shape[2], hidden.shape[1]
        problems = []
        for name, (w_x, w_h, b) in zip(GATE_NAMES, GATES):
            for position, shape in ((w_x, (units, input_size)), (w_h, (units, units)), (b, (units,))):
                if tuple(t[position].shape) != shape:
                    problems.append(f"{t[position].describe()} (input {position}) must have shape {list(shape)}")
        for tensor, role in ((hidden, "hidden (output) state"), (cell, "cell state")):
            if tensor.size != batches * units:
                problems.append(f"{role} {tensor.describe()} must have batch x units = {batches * units} elements")
        if tuple(y.shape) != (x.shape[0], x.shape[1], units):
            problems.append(f"output {y.describe()} must have shape {[x.shape[0], x.shape[1], units]}")
        if min(batches, steps, input_size, units) < 1:
            problems.append(f"input {x.describe()} and hidden state {hidden.describe()} must not be empty")
        return problems

    @staticmethod
    def _arithmetic_problems(op: Op, graph: Graph, t: list[Tensor | None]) -> list[str]:
        x, hidden, cell = t[INPUT], t[HIDDEN_STATE], t[CELL_STATE]
        wide = x.dtype == "int16"
        try:
            multipliers = _multipliers(op, graph)
        except UnsupportedModelError as exc:
            return [str(exc)]
        problems = []
        if wide:
            for name, (_, shift) in multipliers.items():
                if name.endswith("input") or name.endswith("recurrent"):
                    if shift > MAX_WIDE_SHIFT:
                        problems.append(f"the {name} fully connected layer's scale ratio needs a left shift of "
                                        f"{shift}; TFLite Micro's int64 requantization allows at most "
                                        f"{MAX_WIDE_SHIFT}")
        power = cell_scale_power(cell.quant.single_scale)
        multiplier, tanh_shift = tanh_input_scaling(power)
        if (multiplier == 0 and tanh_shift > 14) or tanh_shift > 31:
            problems.append(f"cell state {cell.describe()} has scale {cell.quant.single_scale:.6g} (about 2^{power}); "
                            "supported: 2^-43 to 2^2, where TFLite Micro's int16 tanh of the cell is defined")
        for name, (w_x, w_h, b) in zip(GATE_NAMES, GATES):
            for source, w, bias in ((x, t[w_x], t[b]), (hidden, t[w_h], None)):
                bound = 256 if source.dtype == "int8" else (1 << 15) + abs(source.quant.single_zero_point)
                found = accumulator_problems(bias, np.asarray(w.data, dtype=np.int64), bound, wide)
                problems += [f"{name} gate: {p}" for p in found]
        return problems

    def prepare(self, op: Op, graph: Graph) -> LstmLayer:
        t = _tensors(op, graph)
        x, hidden, cell = t[INPUT], t[HIDDEN_STATE], t[CELL_STATE]
        time_major = bool(op.options.time_major)
        batches, steps = (x.shape[1], x.shape[0]) if time_major else (x.shape[0], x.shape[1])
        units = hidden.shape[1]
        multipliers = _multipliers(op, graph)
        gate_pairs = [multipliers[f"{name} gate {source}"] for name in GATE_NAMES for source in ("input", "recurrent")]
        biases = []
        for w_x, w_h, b in GATES:
            biases.append(folded_bias(t[b], np.asarray(t[w_x].data, dtype=np.int64), x.quant.single_zero_point))
            biases.append(folded_bias(None, np.asarray(t[w_h].data, dtype=np.int64), hidden.quant.single_zero_point))
        power = cell_scale_power(cell.quant.single_scale)
        tanh_multiplier, tanh_shift = tanh_input_scaling(power)
        low, high = QUANTIZED_RANGE[x.dtype]
        return LstmLayer(
            dtype=x.dtype, batches=batches, time_steps=steps, input_size=x.shape[2], units=units,
            time_major=time_major, wide=x.dtype == "int16",
            gate_multipliers=tuple(m for m, _ in gate_pairs), gate_shifts=tuple(s for _, s in gate_pairs),
            forget_multiplier=multipliers["forget"][0], forget_shift=multipliers["forget"][1],
            update_multiplier=multipliers["update"][0], update_shift=multipliers["update"][1],
            hidden_multiplier=multipliers["hidden"][0], hidden_shift=multipliers["hidden"][1],
            hidden_zero_point=hidden.quant.single_zero_point, hidden_min=low, hidden_max=high,
            cell_clip=quantized_cell_clip(op.options.cell_clip, float(np.float32(cell.quant.single_scale))),
            tanh_multiplier=tanh_multiplier, tanh_shift=tanh_shift,
            input_weights=np.concatenate([np.asarray(t[w_x].data, dtype=np.int8) for w_x, _, _ in GATES]),
            recurrent_weights=np.concatenate([np.asarray(t[w_h].data, dtype=np.int8) for _, w_h, _ in GATES]),
            bias=np.concatenate(biases).astype(np.int64),
        )


@binding
class UnidirectionalSequenceLstmPortable(KernelBinding):
    kind = "UNIDIRECTIONAL_SEQUENCE_LSTM"
    backend = "portable"

    def kernel_name(self, op: Op, layer: LstmLayer) -> str:
        return "mcugen_lstm_s8" if layer.dtype == "int8" else "mcugen_lstm_s16"

    def scratch_bytes(self, op: Op, layer: LstmLayer, target: Target) -> int:
        # Four int16 gate rows; int8 layers also widen the step's input row and hidden state to int16 there.
        widened = layer.units + layer.input_size if layer.dtype == "int8" else 0
        return 2 * (4 * layer.units + widened)

    def emit(self, op: Op, layer: LstmLayer, emit: Emitter) -> None:
        emit.kernel("mcugen_lstm")
        emit.kernel("mcugen_logistic_tanh_s16")
        params = emit.params("mcugen_lstm_params", {
            "batches": layer.batches, "time_steps": layer.time_steps, "input_size": layer.input_size,
            "units": layer.units, "time_major": layer.time_major, "wide": layer.wide,
            "gate_multipliers": list(layer.gate_multipliers), "gate_shifts": list(layer.gate_shifts),
            "forget_multiplier": layer.forget_multiplier, "forget_shift": layer.forget_shift,
            "update_multiplier": layer.update_multiplier, "update_shift": layer.update_shift,
            "hidden_multiplier": layer.hidden_multiplier, "hidden_shift": layer.hidden_shift,
            "hidden_zero_point": layer.hidden_zero_point, "hidden_min": layer.hidden_min,
            "hidden_max": layer.hidden_max, "cell_clip": layer.cell_clip,
            "tanh_multiplier": layer.tanh_multiplier, "tanh_shift": layer.tanh_shift,
        })
        input_weights = emit.const("input_weights", layer.input_weights, "int8_t")
        recurrent_weights = emit.const("recurrent_weights", layer.recurrent_weights, "int8_t")
        # int8 layers' biases fit int32: their whole accumulator was bounded inside it.
        bias = (emit.const("bias", layer.bias, "int64_t") if layer.wide
                else emit.const("bias", layer.bias.astype(np.int32), "int32_t"))
        emit.call(self.kernel_name(op, layer), params, emit.tensor(op.inputs[INPUT]), input_weights,
                  recurrent_weights, bias, emit.tensor(op.inputs[HIDDEN_STATE]), emit.tensor(op.inputs[CELL_STATE]),
                  emit.tensor(op.outputs[OUTPUT]), emit.scratch())
