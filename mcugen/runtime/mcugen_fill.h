/**
 * @file mcugen_fill.h
 * @brief Fill a tensor (or a run of it) with one value: padding written by a data-movement op.
 */
#ifndef MCUGEN_FILL_H
#define MCUGEN_FILL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t count;         /**< elements */
    int32_t element_bytes; /**< 1, 2 or 4 */
    int32_t value;         /**< the element value (an int8, int16 or int32 bit pattern) */
} mcugen_fill_params;

/** @brief target[0 .. count) = value, each element element_bytes wide. */
void mcugen_fill(const mcugen_fill_params *params, void *target);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_FILL_H */
