/* qparams.c - real multiplier to Q0.31 mantissa and shift (see qparams.h). */
#include "isa/qparams.h"

#include <math.h>

#include "isa/arith.h"

enum { Q31_FRACTION_BITS = 31 };

odpu_status odpu_quantize_multiplier(double real, int32_t *mult, int32_t *shift, odpu_err *err)
{
    if (!(real > 0.0) || !isfinite(real))
        return odpu_fail(err, ODPU_E_ARG, "requantization multiplier %g is not a positive finite number", real);
    int exponent;
    double mantissa = frexp(real, &exponent); /* real = mantissa * 2^exponent, mantissa in [0.5, 1) */
    int64_t q = llround(mantissa * (double)(INT64_C(1) << Q31_FRACTION_BITS));
    if (q == (INT64_C(1) << Q31_FRACTION_BITS)) { /* rounding reached 1.0: renormalize */
        q /= 2;
        exponent++;
    }
    if (exponent > ODPU_SHIFT_MAX)
        return odpu_fail(err, ODPU_E_ARG, "requantization multiplier %g exceeds 2^%d", real, ODPU_SHIFT_MAX);
    if (exponent < -ODPU_SHIFT_MAX) {
        /* Below 2^-31 every int32 accumulator rounds to 0 anyway. */
        *mult = 0;
        *shift = 0;
        return ODPU_OK;
    }
    *mult = (int32_t)q;
    *shift = exponent;
    return ODPU_OK;
}
