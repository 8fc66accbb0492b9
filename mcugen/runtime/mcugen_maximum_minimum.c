#include "mcugen_maximum_minimum.h"

#include "mcugen_broadcast.h"

#define LARGER(p, a, b) ((a) > (b) ? (a) : (b))
#define SMALLER(p, a, b) ((a) < (b) ? (a) : (b))

/* The int8 kernels walk a local copy: their byte stores may alias *params as far as the compiler knows, but never
 * the copy, so the innermost extent and strides stay in registers. */

void mcugen_maximum_s8(const mcugen_maximum_minimum_params *params, const int8_t *input1, const int8_t *input2,
                       int8_t *output)
{
    const mcugen_broadcast walk = params->walk;
    MCUGEN_BROADCAST_WALK(&walk, LARGER, 0, input1, input2, output);
}

void mcugen_minimum_s8(const mcugen_maximum_minimum_params *params, const int8_t *input1, const int8_t *input2,
                       int8_t *output)
{
    const mcugen_broadcast walk = params->walk;
    MCUGEN_BROADCAST_WALK(&walk, SMALLER, 0, input1, input2, output);
}

void mcugen_maximum_s16(const mcugen_maximum_minimum_params *params, const int16_t *input1,
                        const int16_t *input2, int16_t *output)
{
    MCUGEN_BROADCAST_WALK(&params->walk, LARGER, 0, input1, input2, output);
}

void mcugen_minimum_s16(const mcugen_maximum_minimum_params *params, const int16_t *input1,
                        const int16_t *input2, int16_t *output)
{
    MCUGEN_BROADCAST_WALK(&params->walk, SMALLER, 0, input1, input2, output);
}
