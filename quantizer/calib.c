/* calib.c - range observers and the four calibration methods (see calib.h). */
#include "quantizer/calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Number of int8 steps between the lowest and highest level: 256 levels, 255 gaps. */
#define INT8_STEPS 255.0
#define INT8_LOWEST (-128)
#define INT8_HIGHEST 127
/* Probability given to a histogram bin that the quantized distribution Q leaves empty while
 * the reference P does not (only the last bin, which holds the clipped tail): keeps
 * KL(P || Q) finite yet heavily penalized, as the published entropy calibrators do. */
#define KL_EMPTY_BIN_PROB 1e-4

static const char *const method_names[] = {"minmax", "percentile", "entropy", "mse"};
enum { N_METHODS = sizeof method_names / sizeof method_names[0] };

const char *odpu_calib_method_name(odpu_calib_method m)
{
    return (unsigned)m < N_METHODS ? method_names[m] : "?";
}

odpu_status odpu_calib_method_parse(const char *name, odpu_calib_method *m, odpu_err *err)
{
    for (int i = 0; i < N_METHODS; i++)
        if (name && !strcmp(name, method_names[i])) {
            *m = (odpu_calib_method)i;
            return ODPU_OK;
        }
    return odpu_fail(err, ODPU_E_ARG, "unknown calibration method '%s' (choose minmax, percentile, entropy or mse)",
                     name ? name : "(null)");
}

/* ---- Observer ------------------------------------------------------------------------- */

void odpu_observer_init(odpu_observer *o)
{
    memset(o, 0, sizeof *o);
    o->min = HUGE_VAL; /* any finite value replaces these */
    o->max = -HUGE_VAL;
}

/* Double the bin width until amax falls inside the histogram, merging bin pairs. */
static void grow_histogram(odpu_observer *o, double amax)
{
    if (o->bin_width == 0) {
        o->bin_width = amax / ODPU_CALIB_BINS;
        return;
    }
    while (amax > o->bin_width * ODPU_CALIB_BINS) {
        for (int i = 0; i < ODPU_CALIB_BINS / 2; i++)
            o->hist[i] = o->hist[2 * i] + o->hist[2 * i + 1];
        memset(o->hist + ODPU_CALIB_BINS / 2, 0, sizeof o->hist / 2);
        o->bin_width *= 2;
    }
}

static int bin_of(const odpu_observer *o, double a)
{
    double b = a / o->bin_width;
    return b >= ODPU_CALIB_BINS - 1 ? ODPU_CALIB_BINS - 1 : (int)b;
}

void odpu_observer_add(odpu_observer *o, const float *x, int64_t n)
{
    double amax = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        if (!isfinite(v))
            continue;
        if (v < o->min)
            o->min = v;
        if (v > o->max)
            o->max = v;
        if (fabs(v) > amax)
            amax = fabs(v);
    }
    if (amax > 0)
        grow_histogram(o, amax);
    for (int64_t i = 0; i < n; i++) {
        double v = x[i];
        if (!isfinite(v)) {
            o->nonfinite++;
            continue;
        }
        o->count++;
        if (v == 0)
            o->zeros++;
        else
            o->hist[bin_of(o, fabs(v))] += 1;
    }
}

/* ---- Clip ranges ---------------------------------------------------------------------- */

/* The range kept for magnitude threshold t: each side clipped at t, 0 always inside. */
static void clip_at(const odpu_observer *o, double t, double *lo, double *hi)
{
    *lo = o->min < -t ? -t : o->min;
    *hi = o->max > t ? t : o->max;
    if (*lo > 0)
        *lo = 0;
    if (*hi < 0)
        *hi = 0;
}

/* Int8 steps that fall in [0, t] of |x| when the 255 steps span the clip range of t: 255 for
 * a tensor that is never negative, about 128 for a symmetric one. */
static double steps_within(const odpu_observer *o, double t)
{
    double lo, hi;
    clip_at(o, t, &lo, &hi);
    double steps = hi > lo ? INT8_STEPS * t / (hi - lo) : INT8_STEPS;
    return steps > INT8_STEPS ? INT8_STEPS : steps;
}

/* Smallest bin index past every nonzero count (the histogram's occupied length). */
static int occupied_bins(const odpu_observer *o)
{
    int n = ODPU_CALIB_BINS;
    while (n > 0 && o->hist[n - 1] == 0)
        n--;
    return n;
}

/* The p-th percentile of |x|, interpolated inside its bin; never below one bin, so a tensor
 * that is almost always zero keeps its nonzero values representable. */
static double percentile_threshold(const odpu_observer *o, double p)
{
    double w = o->bin_width;
    double target = p / 100.0 * (double)o->count;
    double cum = (double)o->zeros;
    for (int i = 0; i < ODPU_CALIB_BINS; i++) {
        double c = o->hist[i];
        if (c > 0 && cum + c >= target) {
            double frac = target > cum ? (target - cum) / c : 0;
            double t = (i + frac) * w;
            return t < w ? w : t;
        }
        cum += c;
    }
    return ODPU_CALIB_BINS * w;
}

/* Candidate thresholds are the bin edges t = i*w. Scanning i downwards accumulates the tail
 * (bins >= i) as count, first and second moments of values uniform inside each bin, so the
 * clipping error sum (|x| - t)^2 over the tail is m2 - 2 t m1 + t^2 n for every i in O(1). */
static double mse_threshold(const odpu_observer *o)
{
    double w = o->bin_width;
    double nonzero = (double)(o->count - o->zeros);
    double tail_n = 0, tail_m1 = 0, tail_m2 = 0;
    double best_t = ODPU_CALIB_BINS * w, best = HUGE_VAL;
    for (int i = ODPU_CALIB_BINS; i >= 1; i--) {
        double t = i * w, lo, hi;
        clip_at(o, t, &lo, &hi);
        double s = (hi - lo) / INT8_STEPS;
        double e = (nonzero - tail_n) * s * s / 12.0 + (tail_m2 - 2 * t * tail_m1 + t * t * tail_n);
        if (e <= best) { /* on ties the smaller threshold: the finer grid */
            best = e;
            best_t = t;
        }
        double a = (i - 1) * w, b = i * w, c = o->hist[i - 1];
        tail_n += c;
        tail_m1 += c * (a + b) / 2;
        tail_m2 += c * (a * a + a * b + b * b) / 3;
    }
    return best_t;
}

/* KL(P || Q) for a clip after bin i with `levels` quantization levels over those bins. P is
 * the histogram of bins [0, i) with everything above folded into bin i-1; Q spreads each
 * level's count (from the unclipped bins [0, i) alone, so clipping shows as a difference)
 * evenly over the bins of that level where P is nonzero. */
static double kl_divergence(const double *h, const double *suffix, int i, int levels)
{
    double sum_p = suffix[0], sum_q = suffix[0] - suffix[i];
    if (sum_q <= 0)
        return HUGE_VAL;
    double kl = 0;
    for (int g = 0; g < levels; g++) {
        int b0 = (int)((int64_t)g * i / levels), b1 = (int)((int64_t)(g + 1) * i / levels);
        double level_sum = 0;
        int nonzero = 0;
        for (int k = b0; k < b1; k++) {
            double pk = k == i - 1 ? h[k] + suffix[i] : h[k];
            level_sum += h[k];
            nonzero += pk > 0;
        }
        for (int k = b0; k < b1; k++) {
            double pk = k == i - 1 ? h[k] + suffix[i] : h[k];
            if (pk <= 0)
                continue;
            double p = pk / sum_p;
            double q = level_sum / nonzero / sum_q;
            if (q <= 0)
                q = KL_EMPTY_BIN_PROB;
            kl += p * log(p / q);
        }
    }
    return kl;
}

/* TensorRT-style entropy calibration: the bin edge minimizing KL(P || Q); candidates start
 * where a level covers at least one bin. Exact zeros are left out of P and Q: zero is a point
 * of every candidate grid, so they carry no quantization error, and the spike a ReLU leaves at
 * 0 would otherwise be smeared over its level and drag the threshold far down. */
static double entropy_threshold(const odpu_observer *o)
{
    double w = o->bin_width;
    double h[ODPU_CALIB_BINS], suffix[ODPU_CALIB_BINS + 1];
    memcpy(h, o->hist, sizeof h);
    suffix[ODPU_CALIB_BINS] = 0;
    for (int k = ODPU_CALIB_BINS - 1; k >= 0; k--)
        suffix[k] = suffix[k + 1] + h[k];
    int top = occupied_bins(o);
    double best = HUGE_VAL, best_t = top * w;
    for (int i = 1; i <= top; i++) {
        int levels = (int)lround(steps_within(o, i * w));
        if (levels < 1 || i < levels)
            continue;
        double kl = kl_divergence(h, suffix, i, levels);
        if (kl < best) {
            best = kl;
            best_t = i * w;
        }
    }
    return best_t;
}

odpu_status odpu_observer_range(const odpu_observer *o, odpu_calib_method m, double percentile,
                                float *lo, float *hi, odpu_err *err)
{
    if (o->count == 0)
        return odpu_fail(err, ODPU_E_ARG, "no finite value observed");
    double t = 0, l, h;
    if (o->bin_width == 0) { /* only zeros: every method agrees */
        *lo = *hi = 0;
        return ODPU_OK;
    }
    switch (m) {
    case ODPU_CALIB_MINMAX:
        t = HUGE_VAL;
        break;
    case ODPU_CALIB_PERCENTILE:
        if (!(percentile > 0 && percentile <= 100))
            return odpu_fail(err, ODPU_E_ARG, "percentile %g is outside (0, 100]", percentile);
        t = percentile_threshold(o, percentile);
        break;
    case ODPU_CALIB_ENTROPY:
        t = entropy_threshold(o);
        break;
    case ODPU_CALIB_MSE:
        t = mse_threshold(o);
        break;
    default:
        return odpu_fail(err, ODPU_E_ARG, "calibration method %d does not exist", (int)m);
    }
    clip_at(o, t, &l, &h);
    *lo = (float)l;
    *hi = (float)h;
    return ODPU_OK;
}

void odpu_act_qparams(float lo, float hi, float *scale, int32_t *zero_point)
{
    if (lo > 0)
        lo = 0;
    if (hi < 0)
        hi = 0;
    if (!(hi > lo)) {
        *scale = 1.0f;
        *zero_point = INT8_LOWEST;
        return;
    }
    float s = (float)(((double)hi - lo) / INT8_STEPS);
    double z = rint(INT8_LOWEST - lo / (double)s);
    *scale = s;
    *zero_point = z < INT8_LOWEST ? INT8_LOWEST : z > INT8_HIGHEST ? INT8_HIGHEST : (int32_t)z;
}
