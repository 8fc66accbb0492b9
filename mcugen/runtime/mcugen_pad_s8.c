#include "mcugen_pad_s8.h"

#include <string.h>

void mcugen_pad_s8(const mcugen_pad_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *in_shape = params->input_shape;
    const int32_t *out_shape = params->output_shape;
    const int32_t *before = params->pad_before;
    const int32_t output_size = out_shape[0] * out_shape[1] * out_shape[2] * out_shape[3] * out_shape[4];
    const int32_t row_length = in_shape[4];

    /* First the padding value everywhere, then every innermost input row copied to its place. */
    memset(output, (int)(uint8_t)(int8_t)params->pad_value, (size_t)output_size);
    for (int32_t i0 = 0; i0 < in_shape[0]; ++i0) {
        const int32_t o0 = i0 + before[0];
        for (int32_t i1 = 0; i1 < in_shape[1]; ++i1) {
            const int32_t o1 = o0 * out_shape[1] + i1 + before[1];
            for (int32_t i2 = 0; i2 < in_shape[2]; ++i2) {
                const int32_t o2 = o1 * out_shape[2] + i2 + before[2];
                for (int32_t i3 = 0; i3 < in_shape[3]; ++i3) {
                    const int32_t o3 = o2 * out_shape[3] + i3 + before[3];
                    memcpy(output + o3 * out_shape[4] + before[4], input, (size_t)row_length);
                    input += row_length;
                }
            }
        }
    }
}
