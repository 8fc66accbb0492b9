#include "mcugen_copy.h"

#include <string.h>

void mcugen_copy(const mcugen_copy_params *params, const void *source, void *target)
{
    const int32_t *n = params->shape;
    const int32_t *s = params->source_stride;
    const int32_t *t = params->target_stride;
    const size_t run = (size_t)params->run_bytes;
    const uint8_t *src0 = (const uint8_t *)source;
    uint8_t *dst0 = (uint8_t *)target;
    for (int32_t i0 = 0; i0 < n[0]; ++i0, src0 += s[0], dst0 += t[0]) {
        const uint8_t *src1 = src0;
        uint8_t *dst1 = dst0;
        for (int32_t i1 = 0; i1 < n[1]; ++i1, src1 += s[1], dst1 += t[1]) {
            const uint8_t *src2 = src1;
            uint8_t *dst2 = dst1;
            for (int32_t i2 = 0; i2 < n[2]; ++i2, src2 += s[2], dst2 += t[2]) {
                const uint8_t *src3 = src2;
                uint8_t *dst3 = dst2;
                for (int32_t i3 = 0; i3 < n[3]; ++i3, src3 += s[3], dst3 += t[3]) {
                    const uint8_t *src4 = src3;
                    uint8_t *dst4 = dst3;
                    for (int32_t i4 = 0; i4 < n[4]; ++i4, src4 += s[4], dst4 += t[4]) {
                        const uint8_t *src5 = src4;
                        uint8_t *dst5 = dst4;
                        for (int32_t i5 = 0; i5 < n[5]; ++i5, src5 += s[5], dst5 += t[5]) {
                            memcpy(dst5, src5, run);
                        }
                    }
                }
            }
        }
    }
}
