#include "mcugen_pad_s8.h"

#include <string.h>

/* Output rows (innermost dimension) are produced in increasing address order, each one complete before the next:
 * the padding before the input row, the input row, the padding after. This order is what lets the planner place
 * the output over the input it consumes (see mcugen/ops/streaming.py); memmove keeps a row's own copy exact when
 * the two overlap. */
void mcugen_pad_s8(const mcugen_pad_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *in_shape = params->input_shape;
    const int32_t *out_shape = params->output_shape;
    const int32_t *before = params->pad_before;
    const int value = (int)(uint8_t)(int8_t)params->pad_value;
    const int32_t row_length = in_shape[4];
    const int32_t out_row_length = out_shape[4];
    const int32_t after = out_row_length - before[4] - row_length;

    for (int32_t o0 = 0; o0 < out_shape[0]; ++o0) {
        const int inside0 = o0 >= before[0] && o0 < before[0] + in_shape[0];
        for (int32_t o1 = 0; o1 < out_shape[1]; ++o1) {
            const int inside1 = inside0 && o1 >= before[1] && o1 < before[1] + in_shape[1];
            for (int32_t o2 = 0; o2 < out_shape[2]; ++o2) {
                const int inside2 = inside1 && o2 >= before[2] && o2 < before[2] + in_shape[2];
                for (int32_t o3 = 0; o3 < out_shape[3]; ++o3) {
                    const int inside = inside2 && o3 >= before[3] && o3 < before[3] + in_shape[3];
                    if (!inside) {
                        memset(output, value, (size_t)out_row_length);
                    } else {
                        memset(output, value, (size_t)before[4]);
                        memmove(output + before[4], input, (size_t)row_length);
                        memset(output + before[4] + row_length, value, (size_t)after);
                        input += row_length;
                    }
                    output += out_row_length;
                }
            }
        }
    }
}
