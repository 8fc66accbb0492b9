/**
 * @file mcugen_svdf_s8_s16.h
 * @brief SVDF on int8 input and output with int8 feature weights, int16 time weights and an int16 state.
 */
#ifndef MCUGEN_SVDF_S8_S16_H
#define MCUGEN_SVDF_S8_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sizes, zero points and requantizations of one SVDF layer, all computed at compile time. */
typedef struct {
    int32_t batches;
    int32_t input_size;
    int32_t filters;            /**< units * rank */
    int32_t units;              /**< output features */
    int32_t rank;               /**< filters summed into each unit */
    int32_t memory;             /**< time steps each filter remembers */
    int32_t input_zero_point;
    int32_t state_zero_point;
    int32_t output_zero_point;
    int32_t feature_multiplier; /**< input * feature weight -> state scale (Q31, shift positive = left) */
    int32_t feature_shift;
    int32_t output_multiplier;  /**< state * time weight -> output scale */
    int32_t output_shift;
} mcugen_svdf_params;

/**
 * @brief One time step: state[b, f, :] moves one step back and takes the requantized feature of filter f as its
 *        newest value; output[b, u] = clamp(requantize(bias[u] + sum over the unit's filters f and steps t of
 *        time[f, t] * (state[b, f, t] - state_zero_point)) + output_zero_point).
 *
 * @param[in]     params   sizes, see mcugen_svdf_params
 * @param[in]     input    int8 [batches, input_size]
 * @param[in]     feature  int8 [filters, input_size]
 * @param[in]     time     int16 [filters, memory]
 * @param[in]     bias     int32 [units]
 * @param[in,out] state    int16 [batches, filters, memory], oldest step first; kept between calls
 * @param[out]    output   int8 [batches, units]
 */
void mcugen_svdf_s8_s16(const mcugen_svdf_params *params, const int8_t *input, const int8_t *feature,
                        const int16_t *time, const int32_t *bias, int16_t *state, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_SVDF_S8_S16_H */
