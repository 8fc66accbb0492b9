#include "mcugen_add_s8.h"

#include "mcugen_common.h"

/*
 * One output element. Each input, offset by its zero point (|value| <= 255), is shifted left by 20 bits
 * (|value| < 2^28, no overflow) and scaled by its multiplier (<= 1/2, so the sum of both stays below 2^28), and
 * the sum is scaled to the output.
 */
static inline int8_t add_element(const mcugen_add_params *params, int32_t value1, int32_t value2)
{
    const int32_t shifted1 = (value1 + params->input1_offset) * ((int32_t)1 << params->left_shift);
    const int32_t shifted2 = (value2 + params->input2_offset) * ((int32_t)1 << params->left_shift);
    const int32_t scaled1 = mcugen_requantize_nonnegative(shifted1, params->input1_multiplier, params->input1_shift);
    const int32_t scaled2 = mcugen_requantize_nonnegative(shifted2, params->input2_multiplier, params->input2_shift);
    return mcugen_requantize_s8(scaled1 + scaled2, params->output_multiplier, params->output_shift,
                                params->output_offset, params->activation_min, params->activation_max);
}

void mcugen_add_s8(const mcugen_add_params *params, const int8_t *input1, const int8_t *input2, int8_t *output)
{
    /* A local copy: the int8 stores may alias *params as far as the compiler knows, but never the copy, so its
     * fields stay in registers. */
    const mcugen_add_params local = *params;
    for (int32_t i = 0; i < local.size; ++i) {
        output[i] = add_element(&local, input1[i], input2[i]);
    }
}

void mcugen_add_broadcast_s8(const mcugen_add_params *params, const int8_t *input1, const int8_t *input2,
                             int8_t *output)
{
    const int32_t *extent = params->extent;
    const int32_t *stride1 = params->input1_stride;
    const int32_t *stride2 = params->input2_stride;
    for (int32_t i0 = 0; i0 < extent[0]; ++i0) {
        const int8_t *a0 = input1 + i0 * stride1[0];
        const int8_t *b0 = input2 + i0 * stride2[0];
        for (int32_t i1 = 0; i1 < extent[1]; ++i1) {
            const int8_t *a1 = a0 + i1 * stride1[1];
            const int8_t *b1 = b0 + i1 * stride2[1];
            for (int32_t i2 = 0; i2 < extent[2]; ++i2) {
                const int8_t *a2 = a1 + i2 * stride1[2];
                const int8_t *b2 = b1 + i2 * stride2[2];
                for (int32_t i3 = 0; i3 < extent[3]; ++i3) {
                    const int8_t *a3 = a2 + i3 * stride1[3];
                    const int8_t *b3 = b2 + i3 * stride2[3];
                    for (int32_t i4 = 0; i4 < extent[4]; ++i4) {
                        const int8_t *a4 = a3 + i4 * stride1[4];
                        const int8_t *b4 = b3 + i4 * stride2[4];
                        for (int32_t i5 = 0; i5 < extent[5]; ++i5) {
                            *output++ = add_element(params, a4[i5 * stride1[5]], b4[i5 * stride2[5]]);
                        }
                    }
                }
            }
        }
    }
}
