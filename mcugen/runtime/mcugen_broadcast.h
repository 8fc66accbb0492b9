/**
 * @file mcugen_broadcast.h
 * @brief The loop nest of numpy-style broadcasting, shared by the binary element-wise kernels.
 *
 * mcugen plans the nest at compile time (mcugen/ops/broadcast.py): the output is walked in order as a box of
 * up to six dimensions, and each input is read through its own strides, 0 along a dimension it is broadcast over.
 * Two inputs of the output's shape become one flat loop.
 */
#ifndef MCUGEN_BROADCAST_H
#define MCUGEN_BROADCAST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most dimensions a broadcast walk iterates over (after mcugen merged the dimensions it could). */
#define MCUGEN_BROADCAST_MAX_DIMS 6

/** The walk of one binary op over its output. */
typedef struct {
    /** the output's extents, outermost first, padded in front with 1s */
    int32_t extent[MCUGEN_BROADCAST_MAX_DIMS];
    /** elements to step in input 1 / input 2 per step along each output dimension; 0 where it is broadcast */
    int32_t input1_stride[MCUGEN_BROADCAST_MAX_DIMS];
    int32_t input2_stride[MCUGEN_BROADCAST_MAX_DIMS];
} mcugen_broadcast;

/**
 * Walk `walk` (a const mcugen_broadcast *): for every output element in order, store
 * ELEMENT(params, value of input 1, value of input 2) through `output`, which is advanced. ELEMENT is the name of
 * the op's element function (or function-like macro). The output may alias an input of the output's shape:
 * element i of each input is read before output element i is written.
 */
#define MCUGEN_BROADCAST_WALK(walk, ELEMENT, params, input1, input2, output)                                   \
    do {                                                                                                       \
        const int32_t *mcugen_e_ = (walk)->extent;                                                             \
        const int32_t *mcugen_s_ = (walk)->input1_stride;                                                      \
        const int32_t *mcugen_t_ = (walk)->input2_stride;                                                      \
        for (int32_t i0 = 0; i0 < mcugen_e_[0]; ++i0) {                                                        \
            const int32_t a0 = i0 * mcugen_s_[0], b0 = i0 * mcugen_t_[0];                                      \
            for (int32_t i1 = 0; i1 < mcugen_e_[1]; ++i1) {                                                    \
                const int32_t a1 = a0 + i1 * mcugen_s_[1], b1 = b0 + i1 * mcugen_t_[1];                        \
                for (int32_t i2 = 0; i2 < mcugen_e_[2]; ++i2) {                                                \
                    const int32_t a2 = a1 + i2 * mcugen_s_[2], b2 = b1 + i2 * mcugen_t_[2];                    \
                    for (int32_t i3 = 0; i3 < mcugen_e_[3]; ++i3) {                                            \
                        const int32_t a3 = a2 + i3 * mcugen_s_[3], b3 = b2 + i3 * mcugen_t_[3];                \
                        for (int32_t i4 = 0; i4 < mcugen_e_[4]; ++i4) {                                        \
                            const int32_t a4 = a3 + i4 * mcugen_s_[4], b4 = b3 + i4 * mcugen_t_[4];            \
                            for (int32_t i5 = 0; i5 < mcugen_e_[5]; ++i5) {                                    \
                                *(output)++ = ELEMENT((params), (input1)[a4 + i5 * mcugen_s_[5]],              \
                                                      (input2)[b4 + i5 * mcugen_t_[5]]);                       \
                            }                                                                                  \
                        }                                                                                      \
                    }                                                                                          \
                }                                                                                              \
            }                                                                                                  \
        }                                                                                                      \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif /* MCUGEN_BROADCAST_H */
