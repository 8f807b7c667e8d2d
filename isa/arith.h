/* arith.h - the exact integer arithmetic of the opendpu number format (docs/quantization.md).
 * Header-only C99 so the golden model, the HLS engine and the quantizer share one definition. */
#ifndef ODPU_ISA_ARITH_H
#define ODPU_ISA_ARITH_H

#include <stdint.h>

#include "isa/odpu_isa_codec.h" /* generated: odpu_chan_params */

/* Largest shift magnitude a requantization may use (|shift| <= ODPU_SHIFT_MAX). */
#define ODPU_SHIFT_MAX 31

static inline int32_t odpu_sat32(int64_t x)
{
    return x > INT32_MAX ? INT32_MAX : x < INT32_MIN ? INT32_MIN : (int32_t)x;
}

static inline int8_t odpu_clamp8(int64_t x, int8_t lo, int8_t hi)
{
    return (int8_t)(x < lo ? lo : x > hi ? hi : x);
}

/* Two's-complement wrap-around addition: accumulators wrap modulo 2^32 (docs/isa.md),
 * computed in unsigned arithmetic so C never sees signed overflow. */
static inline int32_t odpu_wrap_add32(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31), ties toward +infinity
 * (the nudge rounds a positive tie up and a negative tie toward zero),
 * with the single overflow case INT32_MIN * INT32_MIN saturated to INT32_MAX. */
static inline int32_t odpu_srdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (INT64_C(1) << 30) : (1 - (INT64_C(1) << 30));
    /* C division truncates toward zero, exactly as gemmlowp's reference does. */
    return (int32_t)((ab + nudge) / (INT64_C(1) << 31));
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
 * exponent in [0, 31]. */
static inline int32_t odpu_rdbpot(int32_t x, int exponent)
{
    int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* Arithmetic right shift of a negative value: gcc and clang define it as floor. */
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* Saturating left shift, shift in [0, 31]. */
static inline int32_t odpu_sat_shl(int32_t x, int shift)
{
    return odpu_sat32((int64_t)x * (INT64_C(1) << shift));
}

/* TFLite MultiplyByQuantizedMultiplier: x * mult * 2^(shift - 31), where shift > 0 is a
 * left shift applied (saturating) before the multiply and shift < 0 a rounding right
 * shift after it. shift in [-31, 31]. */
static inline int32_t odpu_mbqm(int32_t x, int32_t mult, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return odpu_rdbpot(odpu_srdhm(odpu_sat_shl(x, left), mult), right);
}

/* Power-of-two mode: the same unit with the multiplier bypassed, x * 2^shift. */
static inline int32_t odpu_pot_scale(int32_t x, int shift)
{
    return shift > 0 ? odpu_sat_shl(x, shift) : odpu_rdbpot(x, -shift);
}

/* Per-output-channel parameters of a CONV (odpu_chan_params, as stored in PBUF) come from the
 * generated codec: bias is added to the accumulator when it is initialised, mult and shift
 * requantize (Q0.31, shift in [-31, 31]), leaky_mult is the LeakyReLU slope as Q0.31. */

/* Output stage of a CONV for one accumulator: LeakyReLU (optional), requantize
 * (multiplier or power-of-two), add the output zero point, clamp. */
static inline int8_t odpu_conv_output(int32_t acc, const odpu_chan_params *p, int leaky,
                                      int pot, int32_t out_zp, int8_t act_min, int8_t act_max)
{
    if (leaky && acc < 0)
        acc = odpu_srdhm(acc, p->leaky_mult);
    int32_t scaled = pot ? odpu_pot_scale(acc, p->shift) : odpu_mbqm(acc, p->mult, p->shift);
    return odpu_clamp8((int64_t)scaled + out_zp, act_min, act_max);
}

/* Element-wise add with two input scales (TFLite quantized ADD). */
typedef struct odpu_add_params {
    int32_t a_zp, b_zp, out_zp;
    int32_t a_mult, b_mult, out_mult;
    int32_t a_shift, b_shift, out_shift;
    int32_t left_shift; /* [0, 22]: headroom before the per-input rescale */
    int8_t act_min, act_max;
} odpu_add_params;

static inline int8_t odpu_add_output(int8_t a, int8_t b, const odpu_add_params *p)
{
    int32_t a_scaled = odpu_mbqm((a - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
    int32_t b_scaled = odpu_mbqm((b - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
    int32_t sum = odpu_sat32((int64_t)a_scaled + b_scaled);
    int32_t out = odpu_mbqm(sum, p->out_mult, p->out_shift);
    return odpu_clamp8((int64_t)out + p->out_zp, p->act_min, p->act_max);
}

/* Average pooling output from the window sum of (x - in_zp). */
static inline int8_t odpu_avg_output(int32_t sum, int32_t mult, int shift, int32_t out_zp,
                                     int8_t act_min, int8_t act_max)
{
    return odpu_clamp8((int64_t)odpu_mbqm(sum, mult, shift) + out_zp, act_min, act_max);
}

#endif
