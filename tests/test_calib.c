/* test_calib.c - the calibration methods of quantizer/calib.h on distributions whose answer
 * is known: minmax exact, percentiles of a uniform ramp, entropy and mse thresholds on
 * Gaussian and Laplace samples (mse near the analytic optimum for 8 bits), the error they
 * save against minmax when outliers exist, and the int8 scale/zero-point invariants. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "quantizer/calib.h"
#include "tests/testutil.h"

enum { N_SAMPLES = 200000 };
#define TWO_PI 6.283185307179586476925

/* ---- Helpers --------------------------------------------------------------------------- */

static double uniform01(test_rng *r)
{
    return ((double)(test_rng_next(r) >> 11) + 0.5) / 9007199254740992.0; /* (0, 1), 53 bits */
}

static double gaussian(test_rng *r)
{
    return sqrt(-2 * log(uniform01(r))) * cos(TWO_PI * uniform01(r));
}

static double laplace(test_rng *r)
{
    double e = -log(uniform01(r));
    return uniform01(r) < 0.5 ? -e : e;
}

static float *samples(double (*draw)(test_rng *), uint64_t seed, int n)
{
    test_rng r;
    test_rng_seed(&r, seed);
    float *x = malloc((size_t)n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (int i = 0; i < n; i++)
        x[i] = (float)draw(&r);
    return x;
}

static odpu_observer *observe(const float *x, int n)
{
    odpu_observer *o = malloc(sizeof *o);
    ck_assert_ptr_nonnull(o);
    odpu_observer_init(o);
    odpu_observer_add(o, x, n);
    return o;
}

static void range_ok(const odpu_observer *o, odpu_calib_method m, double p, float *lo, float *hi)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_observer_range(o, m, p, lo, hi, &err);
    ck_assert_msg(st == ODPU_OK, "%s: %s", odpu_calib_method_name(m), err.msg);
    ck_assert(*lo <= 0 && *hi >= 0);
}

/* Mean squared error of quantizing x to the int8 grid of [lo, hi] and back, computed
 * directly (independent of the histogram estimate under test). */
static double quant_mse(const float *x, int n, float lo, float hi)
{
    float s;
    int32_t z;
    odpu_act_qparams(lo, hi, &s, &z);
    double e = 0;
    for (int i = 0; i < n; i++) {
        double q = rint(x[i] / s) + z;
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        double d = s * (q - z) - x[i];
        e += d * d;
    }
    return e / n;
}

/* ---- Methods --------------------------------------------------------------------------- */

START_TEST(minmax_is_exact)
{
    float *x = samples(gaussian, 1, N_SAMPLES);
    float mn = x[0], mx = x[0];
    for (int i = 0; i < N_SAMPLES; i++) {
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
    }
    odpu_observer *o = observe(x, N_SAMPLES);
    float lo, hi;
    range_ok(o, ODPU_CALIB_MINMAX, 0, &lo, &hi);
    ck_assert(lo == mn && hi == mx);
    /* A positive-only tensor still gets a range containing 0. */
    const float pos[] = {2.0f, 3.5f, 7.25f};
    odpu_observer_init(o);
    odpu_observer_add(o, pos, 3);
    range_ok(o, ODPU_CALIB_MINMAX, 0, &lo, &hi);
    ck_assert(lo == 0 && hi == 7.25f);
    free(o);
    free(x);
}
END_TEST

/* |x| uniform on [0, 1) (a ramp of 100000 values, half negative): the p-th percentile of |x|
 * is p/100, to within one histogram bin. */
START_TEST(percentile_of_a_ramp)
{
    enum { N = 100000 };
    float *x = malloc(N * sizeof *x);
    for (int i = 0; i < N; i++)
        x[i] = (float)((i + 0.5) / N) * (i % 2 ? -1.0f : 1.0f);
    odpu_observer *o = observe(x, N);
    const double ps[] = {50, 90, 99, 99.9, 99.99};
    double bin = 1.0 / ODPU_CALIB_BINS;
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        float lo, hi;
        range_ok(o, ODPU_CALIB_PERCENTILE, ps[k], &lo, &hi);
        double want = ps[k] / 100;
        ck_assert_msg(fabs(hi - want) <= bin && fabs(-lo - want) <= bin, "p %g: [%g, %g], want +-%g", ps[k],
                      lo, hi, want);
    }
    /* p = 100 keeps everything. */
    float lo, hi;
    range_ok(o, ODPU_CALIB_PERCENTILE, 100, &lo, &hi);
    ck_assert(lo == x[N - 1] && hi == x[N - 2]);
    free(o);
    free(x);
}
END_TEST

/* The best 8-bit clip of a Laplace(b) distribution is about 9.9 b (Banner et al., ACIQ, 2019)
 * and of a Gaussian about 4 sigma; far below the extremes of 200000 samples (about 11.5 b and
 * 4.7 sigma). Entropy calibration clips both tails too; both beat minmax in squared error. */
START_TEST(entropy_and_mse_clip_tails)
{
    struct {
        double (*draw)(test_rng *);
        const char *name;
        double mse_lo, mse_hi, ent_lo;
    } cases[] = {{gaussian, "gaussian", 3.6, 4.4, 3.5}, {laplace, "laplace", 8.9, 10.9, 8.5}};
    for (size_t c = 0; c < 2; c++) {
        float *x = samples(cases[c].draw, 10 + c, N_SAMPLES);
        odpu_observer *o = observe(x, N_SAMPLES);
        float lo, hi, mlo, mhi;
        range_ok(o, ODPU_CALIB_MINMAX, 0, &mlo, &mhi);
        double amax = fmax(-mlo, mhi);
        range_ok(o, ODPU_CALIB_MSE, 0, &lo, &hi);
        ck_assert_msg(hi >= cases[c].mse_lo && hi <= cases[c].mse_hi && lo == -hi, "%s mse clip [%g, %g]",
                      cases[c].name, lo, hi);
        ck_assert(quant_mse(x, N_SAMPLES, lo, hi) < quant_mse(x, N_SAMPLES, mlo, mhi));
        range_ok(o, ODPU_CALIB_ENTROPY, 0, &lo, &hi);
        ck_assert_msg(hi >= cases[c].ent_lo && hi < amax, "%s entropy clip [%g, %g], max %g", cases[c].name, lo,
                      hi, amax);
        ck_assert(quant_mse(x, N_SAMPLES, lo, hi) < quant_mse(x, N_SAMPLES, mlo, mhi));
        free(o);
        free(x);
    }
}
END_TEST

/* A Gaussian with a few extreme outliers (20 sigma): minmax spends its grid on them; mse
 * trades some clipping error on them for a finer grid on the bulk (the optimum is near 15). Entropy clips them too (KL ignores how far out
 * the clipped values lie, so it need not beat minmax in squared error here: it does on the
 * heavy tails of entropy_and_mse_clip_tails). */
START_TEST(clipping_beats_minmax_with_outliers)
{
    float *x = samples(gaussian, 3, N_SAMPLES);
    x[0] = 20.0f;
    x[1] = -20.0f;
    x[2] = 19.0f;
    odpu_observer *o = observe(x, N_SAMPLES);
    float lo, hi;
    range_ok(o, ODPU_CALIB_MINMAX, 0, &lo, &hi);
    ck_assert(lo == -20.0f && hi == 20.0f);
    double e_minmax = quant_mse(x, N_SAMPLES, lo, hi);
    range_ok(o, ODPU_CALIB_MSE, 0, &lo, &hi);
    double e = quant_mse(x, N_SAMPLES, lo, hi);
    ck_assert_msg(hi < 19 && -lo < 19 && e < 0.8 * e_minmax, "mse: [%g, %g] error %g vs minmax %g", lo, hi, e, e_minmax);
    range_ok(o, ODPU_CALIB_ENTROPY, 0, &lo, &hi);
    ck_assert_msg(hi < 10 && lo > -10, "entropy: [%g, %g]", lo, hi);
    free(o);
    free(x);
}
END_TEST

/* A ReLU output: half exact zeros, half |gaussian|. Clipping happens only above; the lower end
 * stays 0 (zero point -128) whatever the method. */
START_TEST(relu_tensor_keeps_zero_floor)
{
    float *x = samples(gaussian, 4, N_SAMPLES);
    for (int i = 0; i < N_SAMPLES; i++)
        x[i] = x[i] > 0 ? x[i] : 0;
    odpu_observer *o = observe(x, N_SAMPLES);
    ck_assert_int_ge(o->zeros, N_SAMPLES / 2 - N_SAMPLES / 50);
    for (int m = 0; m < 4; m++) {
        float lo, hi, s;
        int32_t z;
        range_ok(o, (odpu_calib_method)m, 99.99, &lo, &hi);
        odpu_act_qparams(lo, hi, &s, &z);
        ck_assert_msg(lo == 0 && hi > 3 && z == -128, "%s: [%g, %g] zp %d", odpu_calib_method_name(m), lo, hi,
                      z);
    }
    free(o);
    free(x);
}
END_TEST

/* ---- Observer -------------------------------------------------------------------------- */

/* Growing magnitudes re-bin by merging pairs: no count is lost, the largest value stays in the
 * upper half of the bins, and non-finite values are counted apart. */
START_TEST(observer_rebins_without_loss)
{
    odpu_observer *o = malloc(sizeof *o);
    odpu_observer_init(o);
    test_rng r;
    test_rng_seed(&r, 5);
    int64_t total = 0;
    float batch[1000];
    for (int b = 0; b < 12; b++) {
        double amp = pow(3.0, b) * 1e-3;
        for (int i = 0; i < 1000; i++)
            batch[i] = (float)(amp * gaussian(&r));
        batch[0] = 0.0f;
        odpu_observer_add(o, batch, 1000);
        total += 1000;
    }
    const float bad[] = {NAN, INFINITY, -INFINITY, 1.0f};
    odpu_observer_add(o, bad, 4);
    total += 1;
    double in_bins = 0;
    for (int i = 0; i < ODPU_CALIB_BINS; i++)
        in_bins += o->hist[i];
    ck_assert_int_eq(o->count, total);
    ck_assert_int_eq(o->nonfinite, 3);
    ck_assert_int_eq(o->zeros, 12);
    ck_assert(in_bins == (double)(o->count - o->zeros));
    double amax = fmax(-o->min, o->max);
    ck_assert(amax <= o->bin_width * ODPU_CALIB_BINS && amax > o->bin_width * ODPU_CALIB_BINS / 2);
    free(o);
}
END_TEST

/* ---- Scale and zero point -------------------------------------------------------------- */

/* For any range: real 0 is a grid point (q = zp), the grid covers [lo, hi] to within half a
 * step, [0, hi] gives zp -128 and [lo, 0] gives zp 127. */
START_TEST(qparams_invariants)
{
    test_rng r;
    test_rng_seed(&r, 6);
    for (int k = 0; k < 10000; k++) {
        double mag = pow(10.0, test_rng_range(&r, -4, 4));
        float lo = (float)(-mag * uniform01(&r)), hi = (float)(mag * uniform01(&r));
        int shape = k % 3;
        if (shape == 1)
            lo = 0;
        if (shape == 2)
            hi = 0;
        float s;
        int32_t z;
        odpu_act_qparams(lo, hi, &s, &z);
        ck_assert(s > 0 && z >= -128 && z <= 127);
        ck_assert(s * (float)(z - z) == 0.0f);
        ck_assert_msg(s * (-128.0 - z) <= lo + 0.5 * s + 1e-6 * mag && s * (127.0 - z) >= hi - 0.5 * s - 1e-6 * mag,
                      "[%g, %g] -> s %g zp %d", lo, hi, s, z);
        if (shape == 1)
            ck_assert_int_eq(z, -128);
        if (shape == 2)
            ck_assert_int_eq(z, 127);
    }
    float s;
    int32_t z;
    odpu_act_qparams(0, 0, &s, &z); /* a tensor that is always 0 */
    ck_assert(s == 1.0f && z == -128);
    odpu_act_qparams(0.5f, 2.0f, &s, &z); /* widened to [0, 2] */
    ck_assert(s == 2.0f / 255 && z == -128);
}
END_TEST

/* ---- Bad input ------------------------------------------------------------------------- */

START_TEST(bad_input)
{
    odpu_observer *o = malloc(sizeof *o);
    odpu_observer_init(o);
    odpu_err err;
    float lo, hi;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_observer_range(o, ODPU_CALIB_MINMAX, 0, &lo, &hi, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "no finite value"));
    const float nan_only[] = {NAN, NAN};
    odpu_observer_add(o, nan_only, 2);
    ck_assert_int_eq(odpu_observer_range(o, ODPU_CALIB_ENTROPY, 0, &lo, &hi, &err), ODPU_E_ARG);
    const float v[] = {1, -2, 3};
    odpu_observer_add(o, v, 3);
    ck_assert_int_eq(odpu_observer_range(o, ODPU_CALIB_PERCENTILE, 0, &lo, &hi, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "percentile 0"));
    ck_assert_int_eq(odpu_observer_range(o, ODPU_CALIB_PERCENTILE, 100.5, &lo, &hi, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_observer_range(o, (odpu_calib_method)9, 0, &lo, &hi, &err), ODPU_E_ARG);
    /* All zeros: a valid, empty range. */
    const float zeros[] = {0, 0, 0};
    odpu_observer_init(o);
    odpu_observer_add(o, zeros, 3);
    for (int m = 0; m < 4; m++) {
        ck_assert_int_eq(odpu_observer_range(o, (odpu_calib_method)m, 99, &lo, &hi, &err), ODPU_OK);
        ck_assert(lo == 0 && hi == 0);
    }
    free(o);
}
END_TEST

START_TEST(method_names)
{
    odpu_err err;
    odpu_err_clear(&err);
    for (int m = 0; m < 4; m++) {
        odpu_calib_method got;
        ck_assert_int_eq(odpu_calib_method_parse(odpu_calib_method_name((odpu_calib_method)m), &got, &err), ODPU_OK);
        ck_assert_int_eq(got, m);
    }
    odpu_calib_method got;
    ck_assert_int_eq(odpu_calib_method_parse("kl", &got, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "'kl'"));
    ck_assert_ptr_nonnull(strstr(err.msg, "minmax, percentile, entropy or mse"));
}
END_TEST

static Suite *calib_suite(void)
{
    Suite *s = suite_create("calib");
    TCase *tc = tcase_create("calib");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, minmax_is_exact);
    tcase_add_test(tc, percentile_of_a_ramp);
    tcase_add_test(tc, entropy_and_mse_clip_tails);
    tcase_add_test(tc, clipping_beats_minmax_with_outliers);
    tcase_add_test(tc, relu_tensor_keeps_zero_floor);
    tcase_add_test(tc, observer_rebins_without_loss);
    tcase_add_test(tc, qparams_invariants);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, method_names);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(calib_suite)
