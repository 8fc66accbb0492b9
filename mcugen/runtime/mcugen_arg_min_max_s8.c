#include "mcugen_arg_min_max_s8.h"

/* Index of the extreme value along the axis, for each (outer, inner): `sign` is 1 for the largest, -1 for the
 * smallest (comparing sign * value, which cannot overflow in int32). Only a strictly better value replaces the
 * current one, so ties keep the first index. */
static void arg_extreme(const mcugen_arg_min_max_params *params, const int8_t *input, int32_t *output,
                        int32_t sign)
{
    for (int32_t o = 0; o < params->outer; ++o) {
        const int8_t *block = input + o * params->axis * params->inner;
        for (int32_t i = 0; i < params->inner; ++i) {
            int32_t best = sign * block[i];
            int32_t index = 0;
            for (int32_t a = 1; a < params->axis; ++a) {
                const int32_t value = sign * block[a * params->inner + i];
                if (value > best) {
                    best = value;
                    index = a;
                }
            }
            *output++ = index;
        }
    }
}

void mcugen_arg_max_s8(const mcugen_arg_min_max_params *params, const int8_t *input, int32_t *output)
{
    arg_extreme(params, input, output, 1);
}

void mcugen_arg_min_s8(const mcugen_arg_min_max_params *params, const int8_t *input, int32_t *output)
{
    arg_extreme(params, input, output, -1);
}
