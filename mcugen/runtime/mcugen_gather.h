/**
 * @file mcugen_gather.h
 * @brief GATHER by int32 indices known only while running: one run of bytes copied per index.
 */
#ifndef MCUGEN_GATHER_H
#define MCUGEN_GATHER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int32_t batches;     /**< product of the batch_dims leading dimensions */
    int32_t outer;       /**< product of the dimensions between the batch dimensions and the axis */
    int32_t axis_size;   /**< size of the gathered axis */
    int32_t count;       /**< indices per batch */
    int32_t inner_bytes; /**< bytes of one slice: product of the dimensions after the axis * element size */
} mcugen_gather_params;

/**
 * @brief target[b, o, k, :] = source[b, o, indices[b, k], :]. An index outside [0, axis_size) (where TFLite
 * Micro stops with an error) gives a slice of zero bytes; nothing outside source is read.
 *
 * @param[in]  params   sizes, see mcugen_gather_params
 * @param[in]  indices  [batches, count]
 * @param[in]  source   [batches, outer, axis_size, inner_bytes]
 * @param[out] target   [batches, outer, count, inner_bytes]; must not overlap source or indices
 */
void mcugen_gather(const mcugen_gather_params *params, const int32_t *indices, const void *source, void *target);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_GATHER_H */
