/**
 * @file mcugen_pad_s8.h
 * @brief PAD / PADV2 (constant mode) on int8 tensors of up to 5 dimensions.
 */
#ifndef MCUGEN_PAD_S8_H
#define MCUGEN_PAD_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCUGEN_PAD_MAX_DIMS 5

/**
 * Shapes of one padding, extended at compile time to 5 dimensions by prepending 1s (with no padding), so that
 * output_shape[d] = pad_before[d] + input_shape[d] + (padding after).
 */
typedef struct {
    int32_t input_shape[MCUGEN_PAD_MAX_DIMS];
    int32_t output_shape[MCUGEN_PAD_MAX_DIMS];
    int32_t pad_before[MCUGEN_PAD_MAX_DIMS];
    int32_t pad_value; /**< the output zero point (PAD) or the constant operand (PADV2), in [-128, 127] */
} mcugen_pad_params;

/**
 * @brief Writes the input into the output at offset pad_before and pad_value everywhere else.
 *
 * @param[in]  params  shapes, see mcugen_pad_params
 * @param[in]  input   int8, row-major input_shape
 * @param[out] output  int8, row-major output_shape; may overlap the input only as mcugen's planner places it
 *                     (output start at least the op's overlap gap below the input start)
 */
void mcugen_pad_s8(const mcugen_pad_params *params, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_PAD_S8_H */
