#include "mcugen_logistic_tanh_s16.h"

#include "mcugen_common.h"

#if defined(__AVR__)
#define MCUGEN_TABLE_PLACE PROGMEM
#else
#define MCUGEN_TABLE_PLACE
#endif

/* sigmoid(i / 24) in 0.16 fixed point, as TFLite's int16 kernels tabulate it (measured from TFLite Micro by
 * tools/measure_sigmoid_table.py: the values are not a plain rounding of the function). */
static const uint16_t SIGMOID_TABLE[256] MCUGEN_TABLE_PLACE = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};

#define SAMPLES_END 255

/* The input in the table's scale, 1 / (3 * 4096). */
static int32_t table_scaled(int16_t x, int32_t multiplier, int32_t shift)
{
    const int32_t round = shift > 0 ? (INT32_C(1) << (shift - 1)) : 0;
    return ((int32_t)x * multiplier + round) >> shift;
}

/* sigmoid of |value| scaled by 2^fraction_bits: sample (|value| >> fraction_bits) plus the interpolation to the
 * next sample by the remaining bits; the top sample saturates. */
static uint32_t interpolate(uint32_t magnitude, int fraction_bits, uint32_t saturated)
{
    const uint32_t sample = magnitude >> fraction_bits;
    if (sample >= SAMPLES_END) {
        return saturated;
    }
    const uint32_t low = (uint16_t)MCUGEN_READ_WEIGHT_S16((const int16_t *)(const void *)&SIGMOID_TABLE[sample]);
    const uint32_t high =
        (uint16_t)MCUGEN_READ_WEIGHT_S16((const int16_t *)(const void *)&SIGMOID_TABLE[sample + 1]);
    const uint32_t fraction = magnitude & ((UINT32_C(1) << fraction_bits) - 1u);
    return (low << fraction_bits) + fraction * (high - low);
}

static uint32_t magnitude_of(int32_t value)
{
    return value < 0 ? (uint32_t)0 - (uint32_t)value : (uint32_t)value;
}

/* sigmoid of a table-scaled value, in scale 2^-15. */
static int16_t sigmoid_of(int32_t value)
{
    /* The table's step is 1/24: 2^9 input units, 2^7 for the scale and 2^2 for the 3/4 in it. */
    const uint32_t result = interpolate(magnitude_of(value), 9, UINT32_C(0x7FFF) << 10);
    /* sigmoid(-x) = 1 - sigmoid(x), rounded to the same 2^-15 grid from the other side. */
    return (int16_t)((value >= 0 ? result + (UINT32_C(1) << 9)
                                 : (UINT32_C(1) << 25) - result + (UINT32_C(1) << 9) - 1u) >> 10);
}

/* tanh of a table-scaled value, in scale 2^-15: tanh(x) = 2 sigmoid(2x) - 1, so half the sigmoid's step
 * (2^8 input units), then minus one half. */
static int16_t tanh_of(int32_t value)
{
    const int32_t sigmoid = (int32_t)interpolate(magnitude_of(value), 8, UINT32_C(0xFFFF) << 8);
    return (int16_t)((value >= 0 ? sigmoid - (INT32_C(1) << 23) + (INT32_C(1) << 7)
                                 : -sigmoid + (INT32_C(1) << 23) + (INT32_C(1) << 7) - 1) >> 8);
}

static void apply(const int16_t *input, int16_t *output, int32_t size, int32_t input_multiplier,
                  int32_t input_left_shift, int16_t (*function)(int32_t))
{
    const int32_t multiplier = input_multiplier != 0 ? input_multiplier : INT32_C(3) << input_left_shift;
    const int32_t shift = input_multiplier != 0 ? input_left_shift : 0;
    for (int32_t i = 0; i < size; ++i) {
        output[i] = function(table_scaled(input[i], multiplier, shift));
    }
}

void mcugen_logistic_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_multiplier,
                         int32_t input_left_shift)
{
    apply(input, output, size, input_multiplier, input_left_shift, sigmoid_of);
}

void mcugen_tanh_s16(const int16_t *input, int16_t *output, int32_t size, int32_t input_multiplier,
                     int32_t input_left_shift)
{
    apply(input, output, size, input_multiplier, input_left_shift, tanh_of);
}
