/**
 * @file mcugen_lstm.h
 * @brief UNIDIRECTIONAL_SEQUENCE_LSTM on int8 or int16 activations with int8 weights and an int16 cell state.
 */
#ifndef MCUGEN_LSTM_H
#define MCUGEN_LSTM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sizes and requantizations of one LSTM layer, all computed at compile time. Gates are numbered input,
 *  forget, cell, output; multiplier/shift 2g requantizes gate g's input fully connected layer to Q3.12, 2g + 1
 *  its recurrent one (shift positive = left). */
typedef struct {
    int32_t batches;
    int32_t time_steps;
    int32_t input_size;
    int32_t units;
    int32_t time_major;        /**< input [time, batch, features] rather than [batch, time, features] */
    int32_t wide;              /**< int64 accumulators (16x8); otherwise int32 ones, proven not to overflow */
    int32_t gate_multipliers[8];
    int32_t gate_shifts[8];
    int32_t forget_multiplier; /**< forget gate (Q0.15) x cell -> cell */
    int32_t forget_shift;
    int32_t update_multiplier; /**< input gate (Q0.15) x cell gate (Q0.15) -> cell */
    int32_t update_shift;
    int32_t hidden_multiplier; /**< output gate (Q0.15) x tanh(cell) (Q0.15) -> hidden state */
    int32_t hidden_shift;
    int32_t hidden_zero_point;
    int32_t hidden_min;        /**< the hidden state type's range */
    int32_t hidden_max;
    int32_t cell_clip;         /**< |cell| limit in cell units; negative: none */
    int32_t tanh_multiplier;   /**< int16 TANH input scaling of the cell state (see mcugen_tanh_s16) */
    int32_t tanh_shift;
} mcugen_lstm_params;

/**
 * @brief Run the layer over every time step of every batch entry, carrying the hidden and cell state.
 *
 * @param[in]     params             sizes and requantizations, see mcugen_lstm_params
 * @param[in]     input              [batches, time_steps, input_size] (time major: [time_steps, batches, ...])
 * @param[in]     input_weights      int8 [4 * units, input_size], the gates' input weights in gate order
 * @param[in]     recurrent_weights  int8 [4 * units, units], the gates' recurrent weights in gate order
 * @param[in]     bias               int32 (mcugen_lstm_s16: int64) [4][2][units]: each gate's input then
 *                                   recurrent bias, with the input and hidden state zero points folded in
 * @param[in,out] hidden             [batches, units], kept between calls
 * @param[in,out] cell               int16 [batches, units], kept between calls
 * @param[out]    output             the hidden state after each step, laid out as the input
 * @param         scratch            int16 [5 * units + input_size] (mcugen_lstm_s16: [4 * units])
 */
void mcugen_lstm_s8(const mcugen_lstm_params *params, const int8_t *input, const int8_t *input_weights,
                    const int8_t *recurrent_weights, const int32_t *bias, int8_t *hidden, int16_t *cell,
                    int8_t *output, int16_t *scratch);

/** @brief mcugen_lstm_s8 on int16 activations (16x8); the same parameters, but int64 biases. */
void mcugen_lstm_s16(const mcugen_lstm_params *params, const int16_t *input, const int8_t *input_weights,
                     const int8_t *recurrent_weights, const int64_t *bias, int16_t *hidden, int16_t *cell,
                     int16_t *output, int16_t *scratch);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_LSTM_H */
