/* test_classify.c - input quantization (rounding, clamping, layout), dequantization, softmax,
 * argmax and top-k (data/classify.h). */
#include <math.h>
#include <string.h>

#include "data/classify.h"
#include "tests/testutil.h"

START_TEST(test_quantize_rounding_and_clamp)
{
    /* scale 0.5, zp -3: q = round(x / 0.5) - 3, ties to even. */
    const float x[] = {0.0f, 0.25f, 0.75f, -0.25f, -0.75f, 1.0f, 100.0f, -100.0f, 63.0f, -62.75f};
    const int8_t want[] = {-3, -3, -1, -3, -5, -1, 127, -128, 123, -128};
    int8_t q[10];
    odpu_err err;
    ck_assert_int_eq(odpu_quantize_input(x, 1, 1, 10, 0.5f, -3, q, &err), ODPU_OK);
    for (int i = 0; i < 10; i++)
        ck_assert_msg(q[i] == want[i], "x=%g: q=%d, expected %d", (double)x[i], q[i], want[i]);
    const float nan_in[] = {NAN, INFINITY, -INFINITY};
    ck_assert_int_eq(odpu_quantize_input(nan_in, 1, 1, 3, 1.0f, 0, q, &err), ODPU_OK);
    ck_assert_int_eq(q[0], -128);
    ck_assert_int_eq(q[1], 127);
    ck_assert_int_eq(q[2], -128);
}
END_TEST

/* NCHW in, HWC out. */
START_TEST(test_quantize_layout)
{
    enum { C = 3, H = 2, W = 4 };
    float x[C * H * W];
    for (int k = 0; k < C; k++)
        for (int i = 0; i < H * W; i++)
            x[k * H * W + i] = (float)(k * 10 + i);
    int8_t q[C * H * W];
    odpu_err err;
    ck_assert_int_eq(odpu_quantize_input(x, C, H, W, 1.0f, 0, q, &err), ODPU_OK);
    for (int y = 0; y < H; y++)
        for (int xx = 0; xx < W; xx++)
            for (int k = 0; k < C; k++)
                ck_assert_int_eq(q[(y * W + xx) * C + k], k * 10 + y * W + xx);
}
END_TEST

START_TEST(test_quantize_errors)
{
    float x[1] = {0};
    int8_t q[1];
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_quantize_input(x, 1, 1, 1, 0.0f, 0, q, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "scale"));
    ck_assert_int_eq(odpu_quantize_input(x, 1, 1, 1, NAN, 0, q, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_quantize_input(x, 1, 1, 1, 1.0f, 128, q, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "zero point 128"));
}
END_TEST

START_TEST(test_dequantize)
{
    const int8_t q[] = {-128, -5, 0, 127};
    float out[4];
    odpu_dequantize(q, 4, 0.25f, -5, out);
    ck_assert_float_eq(out[0], -30.75f);
    ck_assert_float_eq(out[1], 0.0f);
    ck_assert_float_eq(out[2], 1.25f);
    ck_assert_float_eq(out[3], 33.0f);
}
END_TEST

START_TEST(test_softmax)
{
    const float x[] = {1.0f, 2.0f, 3.0f, 1000.0f, 1000.0f};
    float p[5];
    odpu_softmax(x, 3, p);
    double e1 = exp(1.0), e2 = exp(2.0), e3 = exp(3.0), s = e1 + e2 + e3;
    ck_assert_double_eq_tol(p[0], e1 / s, 1e-6);
    ck_assert_double_eq_tol(p[2], e3 / s, 1e-6);
    odpu_softmax(x + 3, 2, p); /* huge logits: no overflow */
    ck_assert_float_eq(p[0], 0.5f);
    ck_assert_float_eq(p[1], 0.5f);
}
END_TEST

START_TEST(test_argmax_and_top_k)
{
    const float x[] = {0.5f, 2.0f, NAN, 2.0f, -1.0f, 3.0f};
    ck_assert_int_eq(odpu_argmax(x, 6), 5);
    ck_assert_int_eq(odpu_argmax(x, 5), 1); /* tie: lowest index */
    ck_assert_int_eq(odpu_argmax(x + 2, 1), 0);
    ck_assert_int_eq(odpu_argmax(x, 0), -1);
    int idx[6];
    odpu_top_k(x, 6, 3, idx);
    ck_assert_int_eq(idx[0], 5);
    ck_assert_int_eq(idx[1], 1);
    ck_assert_int_eq(idx[2], 3);
    odpu_top_k(x, 6, 10, idx); /* k clamped to n; NaN last */
    const int want[] = {5, 1, 3, 0, 4, 2};
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(idx[i], want[i]);
    /* Against a sort on random values. */
    test_rng rng;
    test_rng_seed(&rng, 7);
    float v[50];
    for (int i = 0; i < 50; i++)
        v[i] = (float)test_rng_range(&rng, -20, 20);
    int top[5];
    odpu_top_k(v, 50, 5, top);
    for (int r = 0; r < 5; r++) {
        /* Every value ranked after must be smaller, or equal with a higher index. */
        for (int i = 0; i < 50; i++) {
            int ranked_before = 0;
            for (int j = 0; j < r; j++)
                ranked_before |= top[j] == i;
            if (ranked_before || i == top[r])
                continue;
            ck_assert(v[i] < v[top[r]] || (v[i] == v[top[r]] && i > top[r]));
        }
    }
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_quantize_rounding_and_clamp);
    tcase_add_test(tc, test_quantize_layout);
    tcase_add_test(tc, test_quantize_errors);
    tcase_add_test(tc, test_dequantize);
    tcase_add_test(tc, test_softmax);
    tcase_add_test(tc, test_argmax_and_top_k);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(classify_suite)
