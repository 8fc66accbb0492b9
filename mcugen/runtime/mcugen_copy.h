/**
 * @file mcugen_copy.h
 * @brief Strided copy of up to 6 dimensions: the one kernel behind every op that only moves data (slicing,
 * joining, splitting, packing, space/depth/batch rearrangements), with mcugen_fill for padding.
 */
#ifndef MCUGEN_COPY_H
#define MCUGEN_COPY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MCUGEN_COPY_MAX_DIMS 6

/**
 * The copy, reduced at compile time: size-1 dimensions dropped, neighbouring dimensions that are contiguous in
 * both source and target merged, the innermost run that is contiguous in both turned into `run_bytes`, then
 * extended to 6 dimensions by prepending 1s. Strides are in bytes and may be negative (a reversed slice).
 */
typedef struct {
    int32_t shape[MCUGEN_COPY_MAX_DIMS];
    int32_t source_stride[MCUGEN_COPY_MAX_DIMS];
    int32_t target_stride[MCUGEN_COPY_MAX_DIMS];
    int32_t run_bytes; /**< bytes copied at each innermost position */
} mcugen_copy_params;

/**
 * @brief For every index (i0, ..., i5) < shape: copy run_bytes from source + sum(i_d * source_stride[d]) to
 * target + sum(i_d * target_stride[d]).
 *
 * @param[in]  params  shape and strides, see mcugen_copy_params
 * @param[in]  source  first byte of the first run read
 * @param[out] target  first byte of the first run written; must not overlap what is still to be read
 */
void mcugen_copy(const mcugen_copy_params *params, const void *source, void *target);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_COPY_H */
