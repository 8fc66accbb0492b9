/**
 * @file mcugen_batch_matmul_s8.h
 * @brief BATCH_MATMUL on int8 tensors quantized per tensor, with transposed operands and broadcast batches.
 */
#ifndef MCUGEN_BATCH_MATMUL_S8_H
#define MCUGEN_BATCH_MATMUL_S8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Sizes, element strides and quantization of one batched product, all computed at compile time. */
typedef struct {
    int32_t batch0;            /**< the output's three batch dimensions (ones where the model has fewer) */
    int32_t lhs_batch_stride0; /**< elements between lhs matrices along batch dimension 0; 0 when broadcast */
    int32_t rhs_batch_stride0;
    int32_t batch1;
    int32_t lhs_batch_stride1;
    int32_t rhs_batch_stride1;
    int32_t batch2;
    int32_t lhs_batch_stride2;
    int32_t rhs_batch_stride2;
    int32_t rows;              /**< output rows */
    int32_t cols;              /**< output columns */
    int32_t depth;             /**< the reduction dimension */
    int32_t lhs_row_stride;    /**< lhs element (r, k) is at r * lhs_row_stride + k * lhs_depth_stride */
    int32_t lhs_depth_stride;
    int32_t rhs_depth_stride;  /**< rhs element (k, c) is at k * rhs_depth_stride + c * rhs_col_stride */
    int32_t rhs_col_stride;
    int32_t lhs_offset;        /**< minus the lhs zero point */
    int32_t rhs_offset;        /**< minus the rhs zero point */
    int32_t output_offset;     /**< the output zero point */
    int32_t multiplier;        /**< Q31 requantization multiplier of lhs_scale * rhs_scale / output_scale */
    int32_t shift;             /**< its shift (positive = left) */
} mcugen_batch_matmul_params;

/**
 * @brief output[b, r, c] = clamp(requantize(sum_k (lhs[b, r, k] + lhs_offset) * (rhs[b, k, c] + rhs_offset))
 *        + output_offset) to [-128, 127], with each operand's matrix of batch b found through its batch strides.
 *
 * @param[in]  params  sizes and strides, see mcugen_batch_matmul_params
 * @param[in]  lhs     int8 left operand
 * @param[in]  rhs     int8 right operand
 * @param[out] output  int8 [batch0, batch1, batch2, rows, cols]; must not overlap the operands
 */
void mcugen_batch_matmul_s8(const mcugen_batch_matmul_params *params, const int8_t *lhs, const int8_t *rhs,
                            int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_BATCH_MATMUL_S8_H */
