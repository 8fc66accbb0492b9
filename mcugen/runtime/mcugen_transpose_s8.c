#include "mcugen_transpose_s8.h"

void mcugen_transpose_s8(const mcugen_transpose_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *shape = params->output_shape;
    const int32_t *stride = params->input_stride;
    /* The output is written in order; each loop level advances the input by its own stride. */
    for (int32_t o0 = 0; o0 < shape[0]; ++o0) {
        const int8_t *in0 = input + o0 * stride[0];
        for (int32_t o1 = 0; o1 < shape[1]; ++o1) {
            const int8_t *in1 = in0 + o1 * stride[1];
            for (int32_t o2 = 0; o2 < shape[2]; ++o2) {
                const int8_t *in2 = in1 + o2 * stride[2];
                for (int32_t o3 = 0; o3 < shape[3]; ++o3) {
                    const int8_t *in3 = in2 + o3 * stride[3];
                    for (int32_t o4 = 0; o4 < shape[4]; ++o4) {
                        const int8_t *in4 = in3 + o4 * stride[4];
                        for (int32_t o5 = 0; o5 < shape[5]; ++o5) {
                            *output++ = in4[o5 * stride[5]];
                        }
                    }
                }
            }
        }
    }
}
