/* qparams.h - turning real scales into the integer parameters of docs/quantization.md.
 * Used by the quantizer and the demo; engines only ever see the resulting integers. */
#ifndef ODPU_ISA_QPARAMS_H
#define ODPU_ISA_QPARAMS_H

#include <stdint.h>

#include "common/err.h"

/* Represent a real multiplier M > 0 as mult * 2^(shift - 31) with mult in [2^30, 2^31)
 * and shift in [-31, 31] (docs/quantization.md, "Requantization"). Multipliers too small
 * for shift -31 become mult 0 (the output is then the zero point); too large ones are an
 * ODPU_E_ARG error naming the value. */
odpu_status odpu_quantize_multiplier(double real, int32_t *mult, int32_t *shift, odpu_err *err);

#endif
