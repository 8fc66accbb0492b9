/**
 * @file mcugen_logistic_tanh_s16.h
 * @brief int16 sigmoid and tanh with TFLite's arithmetic: linear interpolation in a 256-entry table of
 * sigmoid(i / 24) in 0.16 fixed point (tanh(x) = 2 sigmoid(2x) - 1 reuses it). Outputs are in scale 2^-15.
 *
 * The input is first brought to the table's scale, 1 / (3 * 4096): input * input_multiplier, then a rounding
 * right shift by input_left_shift. input_multiplier 0 stands for an input scale that is a power of two, 2^-12 or
 * (tanh only) 2^-11: the multiplier is then 3 << input_left_shift and nothing is shifted. LSTM layers call these
 * on their gates as the LOGISTIC and TANH ops do on tensors.
 */
#ifndef MCUGEN_LOGISTIC_TANH_S16_H
#define MCUGEN_LOGISTIC_TANH_S16_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief output[i] = sigmoid(input[i]) in scale 2^-15. The output may be the input itself.
 *
 * @param[in]  input              int16 [size]
 * @param[out] output             int16 [size]
 * @param[in]  size               elements
 * @param[in]  input_multiplier   0 (power-of-two input scale) or at most 32767
 * @param[in]  input_left_shift   0 .. 31: despite its name, a right shift applied after the multiplier
 */
void mcugen_logistic_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_multiplier,
                         int32_t input_left_shift);

/** @brief output[i] = tanh(input[i]) in scale 2^-15, with the same conventions as mcugen_logistic_s16. */
void mcugen_tanh_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_multiplier,
                     int32_t input_left_shift);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_LOGISTIC_TANH_S16_H */
