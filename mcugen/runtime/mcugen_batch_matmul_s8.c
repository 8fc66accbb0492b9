#include "mcugen_batch_matmul_s8.h"

#include "mcugen_common.h"

/*
 * One product per output value, as TFLite Micro's reference BatchMatMul: sum over k of (lhs + lhs_offset) *
 * (rhs + rhs_offset), each factor in [-255, 255]; mcugen/ops/batch_matmul.py limits the depth so the int32 sum
 * cannot overflow.
 */
static void matmul(const mcugen_batch_matmul_params *params, const int8_t *lhs, const int8_t *rhs, int8_t *output)
{
    for (int32_t r = 0; r < params->rows; ++r) {
        const int8_t *row = lhs + r * params->lhs_row_stride;
        for (int32_t c = 0; c < params->cols; ++c) {
            const int8_t *col = rhs + c * params->rhs_col_stride;
            int32_t acc = 0;
            for (int32_t k = 0; k < params->depth; ++k) {
                acc += ((int32_t)row[k * params->lhs_depth_stride] + params->lhs_offset) *
                       ((int32_t)col[k * params->rhs_depth_stride] + params->rhs_offset);
            }
            *output++ = mcugen_requantize_s8(acc, params->multiplier, params->shift, params->output_offset, -128,
                                             127);
        }
    }
}

void mcugen_batch_matmul_s8(const mcugen_batch_matmul_params *params, const int8_t *lhs, const int8_t *rhs,
                            int8_t *output)
{
    const int32_t matrix = params->rows * params->cols;
    for (int32_t b0 = 0; b0 < params->batch0; ++b0) {
        for (int32_t b1 = 0; b1 < params->batch1; ++b1) {
            for (int32_t b2 = 0; b2 < params->batch2; ++b2) {
                const int8_t *left = lhs + b0 * params->lhs_batch_stride0 + b1 * params->lhs_batch_stride1 +
                                     b2 * params->lhs_batch_stride2;
                const int8_t *right = rhs + b0 * params->rhs_batch_stride0 + b1 * params->rhs_batch_stride1 +
                                      b2 * params->rhs_batch_stride2;
                matmul(params, left, right, output);
                output += matrix;
            }
        }
    }
}
