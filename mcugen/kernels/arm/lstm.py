"""UNIDIRECTIONAL_SEQUENCE_LSTM through CMSIS-NN: arm_lstm_unidirectional_s8 (int8 activations) and
arm_lstm_unidirectional_s16 (16x8), given the layer's hidden state so that both states carry over between invokes.

The kernels compute each step as TFLite Micro's integer LSTM (mcugen/ops/lstm.py) with three differences in
arithmetic, all confined to values out of range; a layer is taken only when they provably never arise:

- a gate's recurrent fully connected result is added to the input one before it is clamped to int16 (TFLite Micro
  clamps both first), and so is the input gate * cell gate product added to the forgotten cell state: each must
  stay inside int16 for every input the layer can see, bounded from the weights, biases and value ranges;
- the 16x8 requantization keeps 17 bits more than its result in an int32 before the last shift, and the DSP and
  Helium code paths sum the first MAX_COL_COUNT products of a row in an int32 (Helium: from the bias);
- a cell clip of 0 means "no clipping" to the kernel, but clipping to zero to TFLite Micro.

The bounds hold for any input of the input's type. The hidden state holds its reset value or an output of this
layer (the state array is private to the model, and the lowering refuses states that other ops write):
output gate * tanh(cell), at most 32767^2 in Q0.30, requantized to the hidden scale; that range, not the type's,
bounds the recurrent layers. The kernels start every accumulator from an effective bias, bias + input_offset *
sum(row) (the input gate's fully connected layer) or hidden_offset * sum(row) (the recurrent one): exactly the
folded biases of the prepared layer, so they are emitted as they are (int32 for int8 layers, whose accumulator
bound keeps them inside int32). The stacked weights and biases are shared by the four gates' parameter structs.

CMSIS-NN spends about a thousand instructions per step on calls, clearing and separate passes (eight matrix-vector
products, six activations, three elementwise products) where the portable kernel runs one loop, and wins them back
in its multiply-accumulate loops (and, on Helium, per unit). Which is faster is estimated per layer from STEP_COST,
a linear model of CMSIS-NN's instructions minus the portable kernel's per step, fitted per code path and activation
type to `mcugen profile` counts on QEMU (Cortex-M3 plain C, Cortex-M4 DSP, Cortex-M55 Helium; layers of 2 to 32
units and 2 to 32 inputs, 8 steps). Its error is up to about 200 instructions per step near the break-even, so
layers whose estimated gain is below MIN_GAIN stay portable.
"""

from __future__ import annotations

import numpy as np

from mcugen.fixedpoint import INT32_MAX, INT32_MIN, multiply_by_quantized_multiplier
from mcugen.ir import Op
from mcugen.kernels.base import Target, binding
from mcugen.kernels.arm.common import CmsisNNBinding, mutable
from mcugen.kernels.arm.fully_connected import wrap_int32
from mcugen.ops.base import QUANTIZED_RANGE, Emitter
from mcugen.ops.lstm import CELL_STATE, GATE_NAMES, HIDDEN_STATE, INPUT, OUTPUT, LstmLayer

FUNCTIONS = {"int8": "arm_lstm_unidirectional_s8", "int16": "arm_lstm_unidirectional_s16"}
INT16_MIN, INT16_MAX = QUANTIZED_RANGE["int16"]
# arm_nnsupportfunctions.h: columns the 16x8 DSP and Helium paths accumulate in int32 before widening to int64.
MAX_COL_COUNT = 512
# (code path, activations): CMSIS-NN's instructions minus the portable kernel's per step = overhead +
# per_mac * multiply-accumulates + per_unit * units, over the batch entries the step covers.
STEP_COST = {("plain", "int8"): (1371, -1.965, -41.1), ("plain", "int16"): (739, -0.007, -128.8),
             ("dsp", "int8"): (1027, -3.286, 32.5), ("dsp", "int16"): (1250, -2.626, -33.3),
             ("mve", "int8"): (1535, -3.807, -277.5), ("mve", "int16"): (1507, -3.371, -90.7)}
MIN_GAIN = 100  # instructions per step
# The int16 sigmoid's outputs lie in [1, 32767], the tanh's in [-32767, 32767].
ACTIVATED_MAX = 32767


def accumulator_range(weights: np.ndarray, bias: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the least and greatest bias + sum(w * x) over inputs x in [low, high]."""
    w = np.asarray(weights, dtype=np.int64)
    least = np.where(w > 0, w * low, w * high).sum(axis=1)
    greatest = np.where(w > 0, w * high, w * low).sum(axis=1)
    bias = np.asarray(bias, dtype=np.int64)
    return bias + least, bias + greatest


def requantize_narrow(acc: int, multiplier: int, shift: int) -> int | None:
    """TFLite Micro's int32 requantization of an int8 layer's accumulator, or None where its left shift wraps
    (there it is no longer monotonic, so range ends say nothing)."""
    if not INT32_MIN <= acc * (1 << max(shift, 0)) <= INT32_MAX:
        return None
    return multiply_by_quantized_multiplier(acc, multiplier, shift)


def _reduced(multiplier: int) -> int:
    return (multiplier + (1 << 15)) >> 16 if multiplier < 0x7FFF0000 else 0x7FFF


def requantize_wide(acc: int, multiplier: int, shift: int) -> int:
    """TFLite Micro's int64 requantization of a 16x8 accumulator (before its cast to int32)."""
    right = 15 - shift
    return (acc * _reduced(multiplier) + (1 << (right - 1))) >> right


def wide_intermediate(acc: int, multiplier: int, shift: int) -> int:
    """What arm_nn_requantize_s64 holds in an int32 before its last, rounding shift."""
    return (acc * _reduced(multiplier)) >> (14 - shift)


def _requantize(acc: int, multiplier: int, shift: int, wide: bool) -> int | None:
    return requantize_wide(acc, multiplier, shift) if wide else requantize_narrow(acc, multiplier, shift)


def _within_int16(low: int, high: int, multiplier: int, shift: int, wide: bool) -> bool:
    ends = (_requantize(low, multiplier, shift, wide), _requantize(high, multiplier, shift, wide))
    return None not in ends and ends[0] >= INT16_MIN and ends[1] <= INT16_MAX


def hidden_range(layer: LstmLayer) -> tuple[int, int]:
    """The least and greatest hidden state value: the reset value (the zero point for int8, else 0) and the
    layer's outputs, zero point + requantized output gate * tanh(cell), clamped to the type."""
    low, high = QUANTIZED_RANGE[layer.dtype]
    product = ACTIVATED_MAX * ACTIVATED_MAX
    ends = [requantize_narrow(p, layer.hidden_multiplier, layer.hidden_shift) for p in (-product, product)]
    if None in ends:
        return low, high
    reset = layer.hidden_zero_point if layer.dtype == "int8" else 0
    least = max(low, layer.hidden_zero_point + ends[0])
    greatest = min(high, layer.hidden_zero_point + ends[1])
    return min(least, reset), max(greatest, reset)


def gate_problems(layer: LstmLayer, isa: str) -> list[str]:
    """Why the kernel's gate arithmetic could differ from TFLite Micro's on this layer (empty: it cannot)."""
    units = layer.units
    ranges = (QUANTIZED_RANGE[layer.dtype], hidden_range(layer))
    problems = []
    for g, name in enumerate(GATE_NAMES):
        rows = slice(g * units, (g + 1) * units)
        for source, weights in ((0, layer.input_weights), (1, layer.recurrent_weights)):
            part = 2 * g + source
            bias = layer.bias[part * units:(part + 1) * units]
            multiplier, shift = layer.gate_multipliers[part], layer.gate_shifts[part]
            low, high = ranges[source]
            least, greatest = accumulator_range(weights[rows], bias, low, high)
            fc = f"the {name} gate's {'recurrent' if source else 'input'} fully connected layer"
            if source == 1 and not all(_within_int16(int(a), int(b), multiplier, shift, layer.wide)
                                       for a, b in zip(least, greatest)):
                problems.append(f"{fc} can leave int16 before it is added to the input one (CMSIS-NN clamps only "
                                "the sum)")
            if not layer.wide:
                continue
            ends = [wide_intermediate(int(v), multiplier, shift) for v in (least.min(), greatest.max())]
            if ends[0] < INT32_MIN or ends[1] > INT32_MAX - 1:
                problems.append(f"{fc} can overflow arm_nn_requantize_s64's int32 intermediate")
            if isa in ("dsp", "mve"):
                first = weights[rows][:, :MAX_COL_COUNT]
                start = bias if isa == "mve" else np.zeros_like(bias)
                # Ranges holding 0 also bound the sums of fewer columns (the DSP path widens after a multiple of 4).
                part_least, part_greatest = accumulator_range(first, start, min(low, 0), max(high, 0))
                if part_least.min() < INT32_MIN or part_greatest.max() > INT32_MAX:
                    problems.append(f"{fc} can overflow the int32 partial sums of CMSIS-NN's {isa} code path")
    return problems


def cell_problems(layer: LstmLayer) -> list[str]:
    problems = []
    product = ACTIVATED_MAX * ACTIVATED_MAX
    if not _within_int16(-product, product, layer.update_multiplier, layer.update_shift, False):
        problems.append("input gate * cell gate can leave int16 before it is added to the cell state (CMSIS-NN "
                        "clamps only the sum)")
    if layer.cell_clip == 0:
        problems.append("the cell clip is 0 in cell-state units, which CMSIS-NN reads as no clipping")
    return problems


def cell_scale_power(layer: LstmLayer) -> int:
    """The cell scale's power of two, back from the tanh scaling the layer derived from it
    (mcugen.ops.lstm.tanh_input_scaling: left shift power + 12, or multiplier 3 and right shift -(power + 12))."""
    return (layer.tanh_shift if layer.tanh_multiplier == 0 else -layer.tanh_shift) - 12


def extra_instructions(layer: LstmLayer, isa: str) -> float:
    """The estimated instructions per step CMSIS-NN executes beyond the portable kernel (negative: fewer)."""
    overhead, per_mac, per_unit = STEP_COST[isa, layer.dtype]
    rows = scratch_rows(layer)
    macs = 4 * layer.units * (layer.input_size + layer.units) * rows
    return overhead + per_mac * macs + per_unit * layer.units * rows


def scratch_rows(layer: LstmLayer) -> int:
    """Rows of `units` values per scratch buffer: a time-major layer steps all batch entries at once, a batch-major
    one entry at a time."""
    return layer.batches if layer.time_major else 1


@binding
class UnidirectionalSequenceLstmCmsisNN(CmsisNNBinding):
    kind = "UNIDIRECTIONAL_SEQUENCE_LSTM"

    def kernel_name(self, op: Op, layer: LstmLayer) -> str:
        return FUNCTIONS[layer.dtype]

    def supports(self, op: Op, layer: LstmLayer, target: Target) -> str | None:
        problems = gate_problems(layer, target.isa) + cell_problems(layer)
        extra = extra_instructions(layer, target.isa)
        if extra > -MIN_GAIN:
            problems.append(f"estimated to execute {extra:+.0f} instructions per step against the portable kernel "
                            f"(taken from {MIN_GAIN} fewer on)")
        return f"{self.kernel_name(op, layer)}: {problems[0]}" if problems else None

    def scratch_bytes(self, op: Op, layer: LstmLayer, target: Target) -> int:
        # Two int16 buffers (temp1, temp2) of one step's gate values.
        return 2 * 2 * scratch_rows(layer) * layer.units

    def emit(self, op: Op, layer: LstmLayer, emit: Emitter) -> None:
        function = self.kernel_name(op, layer)
        emit.cmsis_nn(function)
        units, depth = layer.units, layer.input_size
        input_weights = emit.const("input_weights", layer.input_weights, "int8_t")
        recurrent_weights = emit.const("recurrent_weights", layer.recurrent_weights, "int8_t")
        if layer.wide:
            bias = emit.const("effective_bias", layer.bias, "int64_t")
        else:
            bias = emit.const("effective_bias", wrap_int32(layer.bias), "int32_t")
        gates = {}
        for g, name in enumerate(GATE_NAMES):
            gates[f"{name}_gate"] = {
                "input_multiplier": layer.gate_multipliers[2 * g], "input_shift": layer.gate_shifts[2 * g],
                "input_weights": f"{input_weights} + {g * units * depth}",
                "input_effective_bias": f"{bias} + {2 * g * units}",
                "hidden_multiplier": layer.gate_multipliers[2 * g + 1],
                "hidden_shift": layer.gate_shifts[2 * g + 1],
                "hidden_weights": f"{recurrent_weights} + {g * units * units}",
                "hidden_effective_bias": f"{bias} + {(2 * g + 1) * units}",
                "bias": "NULL",  # the integer kernels read only the effective biases
                "activation_type": "ARM_TANH" if name == "cell" else "ARM_SIGMOID",
            }
        params = emit.params("cmsis_nn_lstm_params", {
            "time_major": layer.time_major, "batch_size": layer.batches, "time_steps": layer.time_steps,
            "input_size": depth, "hidden_size": units,
            "input_offset": 0,  # unused: the input offset is in the effective biases
            "forget_to_cell_multiplier": layer.forget_multiplier, "forget_to_cell_shift": layer.forget_shift,
            "input_to_cell_multiplier": layer.update_multiplier, "input_to_cell_shift": layer.update_shift,
            "cell_clip": max(layer.cell_clip, 0), "cell_scale_power": cell_scale_power(layer),
            "output_multiplier": layer.hidden_multiplier, "output_shift": layer.hidden_shift,
            "output_offset": layer.hidden_zero_point,
            **gates,
        })
        scratch = emit.scratch()
        buffers = emit.local("cmsis_nn_lstm_context", {
            "temp1": scratch,
            "temp2": f"(int16_t *){scratch} + {scratch_rows(layer) * units}",
            "cell_state": emit.tensor(op.inputs[CELL_STATE]),
            "hidden_state": emit.tensor(op.inputs[HIDDEN_STATE]),
        })
        # The kernel only reads the context struct itself (it writes through its pointers).
        emit.call(function, emit.tensor(op.inputs[INPUT]), emit.tensor(op.outputs[OUTPUT]), params,
                  mutable(buffers, "cmsis_nn_lstm_context"))
