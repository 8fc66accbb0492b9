#include "mcugen_lstm.h"

#include "mcugen_common.h"
#include "mcugen_logistic_tanh_s16.h"

enum { GATE_INPUT = 0, GATE_FORGET = 1, GATE_CELL = 2, GATE_OUTPUT = 3 };

static int16_t saturate_s16(int32_t value)
{
    return (int16_t)mcugen_clamp_s32(value, INT16_MIN, INT16_MAX);
}

/* One fully connected output requantized to Q3.12, from bias[index]. The int8 layers accumulate in int32 from
 * int32 biases, as the reference does (mcugen has bounded every partial sum at compile time); the 16x8 ones in
 * int64 from int64 biases. */
static int32_t gate_fc(const int16_t *row, int32_t depth, const int8_t *weights, const void *bias, int32_t index,
                       int32_t wide, int32_t multiplier, int32_t shift)
{
    if (wide) {
        int64_t acc = MCUGEN_READ_WEIGHT_S64((const int64_t *)bias + index);
        for (int32_t i = 0; i < depth; ++i) {
            acc += (int32_t)MCUGEN_READ_WEIGHT_S8(&weights[i]) * row[i];
        }
        return mcugen_requantize_s16(acc, 1, multiplier, shift, 0, INT16_MIN, INT16_MAX);
    }
    int32_t acc = MCUGEN_READ_WEIGHT_S32((const int32_t *)bias + index);
    for (int32_t i = 0; i < depth; ++i) {
        acc += (int32_t)MCUGEN_READ_WEIGHT_S8(&weights[i]) * row[i];
    }
    return mcugen_requantize_s16(acc, 0, multiplier, shift, 0, INT16_MIN, INT16_MAX);
}

/* A product of two int16 values requantized and clamped as the reference's int16 MulElementwise. */
static int32_t mul_s16(int32_t a, int32_t b, int32_t multiplier, int32_t shift, int32_t offset, int32_t low,
                       int32_t high)
{
    return mcugen_clamp_s32(offset + mcugen_requantize_nonnegative(a * b, multiplier, shift), low, high);
}

/*
 * One time step of one batch entry on int16 rows (an int8 row widens exactly). gates holds four rows of `units`
 * values; on return the first one holds the new hidden state (already clamped to the hidden type's range).
 * Every gate reads the hidden state of the previous step, so the new one is only produced at the end.
 */
static void lstm_step(const mcugen_lstm_params *params, const int16_t *x, const int16_t *h,
                      const int8_t *input_weights, const int8_t *recurrent_weights, const void *bias,
                      int16_t *cell, int16_t *gates)
{
    const int32_t units = params->units;
    const int32_t input_size = params->input_size;
    for (int32_t g = 0; g < 4; ++g) {
        int16_t *gate = gates + g * units;
        for (int32_t u = 0; u < units; ++u) {
            const int32_t row = g * units + u;
            const int32_t from_input = gate_fc(x, input_size, input_weights + row * input_size,
                                               bias, (2 * g) * units + u, params->wide,
                                               params->gate_multipliers[2 * g], params->gate_shifts[2 * g]);
            const int32_t from_hidden = gate_fc(h, units, recurrent_weights + row * units,
                                                bias, (2 * g + 1) * units + u, params->wide,
                                                params->gate_multipliers[2 * g + 1], params->gate_shifts[2 * g + 1]);
            gate[u] = saturate_s16(from_input + from_hidden);
        }
    }
    int16_t *input_gate = gates + GATE_INPUT * units;
    int16_t *forget_gate = gates + GATE_FORGET * units;
    int16_t *cell_gate = gates + GATE_CELL * units;
    int16_t *output_gate = gates + GATE_OUTPUT * units;
    /* The gate inputs are Q3.12: the power-of-two scaling (0, 0) of the int16 activations. */
    mcugen_logistic_s16(input_gate, input_gate, units, 0, 0);
    mcugen_logistic_s16(forget_gate, forget_gate, units, 0, 0);
    mcugen_tanh_s16(cell_gate, cell_gate, units, 0, 0);
    mcugen_logistic_s16(output_gate, output_gate, units, 0, 0);
    for (int32_t u = 0; u < units; ++u) {
        const int32_t kept = mul_s16(forget_gate[u], cell[u], params->forget_multiplier, params->forget_shift, 0,
                                     INT16_MIN, INT16_MAX);
        const int32_t added = mul_s16(input_gate[u], cell_gate[u], params->update_multiplier, params->update_shift,
                                      0, INT16_MIN, INT16_MAX);
        int32_t value = mcugen_clamp_s32(kept + added, INT16_MIN, INT16_MAX);
        if (params->cell_clip >= 0) {
            value = mcugen_clamp_s32(value, -params->cell_clip, params->cell_clip);
        }
        cell[u] = (int16_t)value;
    }
    int16_t *tanh_cell = forget_gate; /* the forget gate is spent */
    mcugen_tanh_s16(cell, tanh_cell, units, params->tanh_multiplier, params->tanh_shift);
    for (int32_t u = 0; u < units; ++u) {
        input_gate[u] = (int16_t)mul_s16(tanh_cell[u], output_gate[u], params->hidden_multiplier,
                                         params->hidden_shift, params->hidden_zero_point, params->hidden_min,
                                         params->hidden_max);
    }
}

/* Where row (batch b, step t) of the input and output starts, in rows. */
static int32_t row_index(const mcugen_lstm_params *params, int32_t b, int32_t t)
{
    return params->time_major ? t * params->batches + b : b * params->time_steps + t;
}

void mcugen_lstm_s8(const mcugen_lstm_params *params, const int8_t *input, const int8_t *input_weights,
                    const int8_t *recurrent_weights, const int32_t *bias, int8_t *hidden, int16_t *cell,
                    int8_t *output, int16_t *scratch)
{
    const int32_t units = params->units;
    const int32_t input_size = params->input_size;
    int16_t *gates = scratch;
    int16_t *x = scratch + 4 * units;
    int16_t *h = x + input_size;
    for (int32_t b = 0; b < params->batches; ++b) {
        int8_t *state = hidden + b * units;
        for (int32_t t = 0; t < params->time_steps; ++t) {
            const int32_t row = row_index(params, b, t);
            for (int32_t i = 0; i < input_size; ++i) {
                x[i] = input[row * input_size + i];
            }
            for (int32_t u = 0; u < units; ++u) {
                h[u] = state[u];
            }
            lstm_step(params, x, h, input_weights, recurrent_weights, bias, cell + b * units, gates);
            for (int32_t u = 0; u < units; ++u) {
                state[u] = (int8_t)gates[u];
                output[row * units + u] = (int8_t)gates[u];
            }
        }
    }
}

void mcugen_lstm_s16(const mcugen_lstm_params *params, const int16_t *input, const int8_t *input_weights,
                     const int8_t *recurrent_weights, const int64_t *bias, int16_t *hidden, int16_t *cell,
                     int16_t *output, int16_t *scratch)
{
    const int32_t units = params->units;
    int16_t *gates = scratch;
    for (int32_t b = 0; b < params->batches; ++b) {
        int16_t *state = hidden + b * units;
        for (int32_t t = 0; t < params->time_steps; ++t) {
            const int32_t row = row_index(params, b, t);
            lstm_step(params, input + row * params->input_size, state, input_weights, recurrent_weights, bias,
                      cell + b * units, gates);
            for (int32_t u = 0; u < units; ++u) {
                state[u] = gates[u];
                output[row * units + u] = gates[u];
            }
        }
    }
}
