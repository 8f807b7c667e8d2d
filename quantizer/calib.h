/* calib.h - activation range calibration: a running observer per tensor (extremes and a
 * histogram of |x|), the clip range each calibration method picks, and int8 scale/zero point. */
#ifndef ODPU_QUANTIZER_CALIB_H
#define ODPU_QUANTIZER_CALIB_H

#include <stdint.h>

#include "common/err.h"
#include "quantizer/ptq.h"

/* Histogram resolution: 2048 bins of |x|, as TensorRT's entropy calibrator uses; fine enough
 * that a clip threshold lands within 1/1024 of the tensor's largest magnitude. */
enum { ODPU_CALIB_BINS = 2048 };

/* Everything calibration keeps about one tensor over all calibration images. The histogram
 * counts nonzero |x| in bins [i*w, (i+1)*w); w starts at (first nonzero max)/BINS and doubles
 * (merging bin pairs, so no count moves between magnitudes) whenever a larger |x| arrives. */
typedef struct odpu_observer {
    int64_t count;        /* finite values seen, zeros included */
    int64_t zeros;        /* exact zeros (kept apart: zero is exact in every int8 grid) */
    int64_t nonfinite;    /* NaN and infinities seen; calibration reports them as errors */
    double min, max;      /* extremes of the finite values (valid when count > 0) */
    double bin_width;     /* 0 until a nonzero value was seen */
    double hist[ODPU_CALIB_BINS];
} odpu_observer;

void odpu_observer_init(odpu_observer *o);
void odpu_observer_add(odpu_observer *o, const float *x, int64_t n);

/* The real range [lo, hi] (lo <= 0 <= hi) the method keeps for this tensor. Every method but
 * minmax searches a magnitude threshold T and clips to [max(min, -T), min(max, T)]:
 *   percentile  T = the p-th percentile of |x| (0 < p <= 100)
 *   entropy     T minimizing KL(P || Q) between the clipped histogram P and its quantization
 *               Q to the int8 levels that fall in [0, T] (TensorRT's calibrator)
 *   mse         T minimizing the expected squared error: rounding (s^2/12 per nonzero value
 *               inside the range) plus clipping ((|x| - T)^2 per value outside it)
 * An observer that saw no value is an ODPU_E_ARG error; so is a bad percentile. */
odpu_status odpu_observer_range(const odpu_observer *o, odpu_calib_method m, double percentile,
                                float *lo, float *hi, odpu_err *err);

/* Per-tensor asymmetric int8 parameters (docs/quantization.md) for the real range [lo, hi],
 * first widened to contain 0: scale = (hi - lo) / 255 and the zero point that maps real 0
 * exactly, so [0, hi] gives zero point -128. A range of width 0 gets scale 1. */
void odpu_act_qparams(float lo, float hi, float *scale, int32_t *zero_point);

#endif
