/* test_preprocess.c - odpu_preprocess_image against PyTorch: the expected arrays in
 * tests/data/preprocess/cases.txt were computed with torch.nn.functional.interpolate by
 * make_expected.py next to it; plus the gray/RGB conversions and every parameter error. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset.h"
#include "tests/testutil.h"

#define CASES_PATH "tests/data/preprocess/cases.txt"

/* PyTorch's kernels and our loops both work in float32 but do not round identically: the
 * interpolated values (before normalization) differ by up to ~4 ulps. The check is made in
 * that domain, x = out * std + mean, allowing 8 ulps of max(1, |x|): a wrong formula (a
 * half-pixel shift, a missed clamp) is off by orders of magnitude more. */
#define ULPS_ALLOWED 8

enum { NAME_MAX_LEN = 64, MIN_CASES = 7 };

typedef struct pre_case {
    char name[NAME_MAX_LEN];
    int h, w, c;
    odpu_preprocess p;
    uint8_t *pixels;
    float *expected;
} pre_case;

static void expect_word(FILE *f, const char *word)
{
    char got[NAME_MAX_LEN];
    ck_assert_int_eq(fscanf(f, "%63s", got), 1);
    ck_assert_msg(!strcmp(got, word), "%s: expected '%s', read '%s'", CASES_PATH, word, got);
}

static int read_case(FILE *f, pre_case *pc)
{
    memset(pc, 0, sizeof *pc);
    expect_word(f, "case");
    ck_assert_int_eq(fscanf(f, "%63s", pc->name), 1);
    expect_word(f, "in");
    ck_assert_int_eq(fscanf(f, "%d %d %d", &pc->h, &pc->w, &pc->c), 3);
    expect_word(f, "out");
    ck_assert_int_eq(fscanf(f, "%d %d %d %d", &pc->p.out_h, &pc->p.out_w, &pc->p.out_c, &pc->p.resize), 4);
    expect_word(f, "scale");
    ck_assert_int_eq(fscanf(f, "%f", &pc->p.scale), 1);
    expect_word(f, "mean");
    for (int k = 0; k < pc->p.out_c; k++)
        ck_assert_int_eq(fscanf(f, "%f", &pc->p.mean[k]), 1);
    expect_word(f, "std");
    for (int k = 0; k < pc->p.out_c; k++)
        ck_assert_int_eq(fscanf(f, "%f", &pc->p.std[k]), 1);
    size_t n_in = (size_t)pc->h * pc->w * pc->c, n_out = (size_t)pc->p.out_h * pc->p.out_w * pc->p.out_c;
    pc->pixels = malloc(n_in);
    pc->expected = malloc(n_out * sizeof *pc->expected);
    ck_assert(pc->pixels && pc->expected);
    expect_word(f, "pixels");
    for (size_t i = 0; i < n_in; i++) {
        unsigned v;
        ck_assert_int_eq(fscanf(f, "%u", &v), 1);
        ck_assert_uint_le(v, 255);
        pc->pixels[i] = (uint8_t)v;
    }
    expect_word(f, "expected");
    for (size_t i = 0; i < n_out; i++)
        ck_assert_int_eq(fscanf(f, "%f", &pc->expected[i]), 1);
    return 1;
}

START_TEST(test_matches_pytorch)
{
    FILE *f = fopen(CASES_PATH, "r");
    ck_assert_msg(f != NULL, "cannot open %s", CASES_PATH);
    char line[256];
    ck_assert(fgets(line, sizeof line, f) != NULL); /* comment line */
    int n_cases = 0;
    ck_assert_int_eq(fscanf(f, " cases %d", &n_cases), 1);
    ck_assert_int_ge(n_cases, MIN_CASES);
    for (int n = 0; n < n_cases; n++) {
        pre_case pc;
        read_case(f, &pc);
        size_t n_out = (size_t)pc.p.out_h * pc.p.out_w * pc.p.out_c;
        float *got = malloc(n_out * sizeof *got);
        ck_assert(got != NULL);
        odpu_err err;
        odpu_err_clear(&err);
        ck_assert_msg(odpu_preprocess_image(&pc.p, pc.pixels, pc.h, pc.w, pc.c, got, &err) == ODPU_OK,
                      "%s: %s", pc.name, err.msg);
        size_t plane = (size_t)pc.p.out_h * pc.p.out_w;
        for (size_t i = 0; i < n_out; i++) {
            int k = (int)(i / plane);
            double x = (double)pc.expected[i] * pc.p.std[k] + pc.p.mean[k];
            double d = fabs((double)got[i] - (double)pc.expected[i]) * pc.p.std[k];
            double tol = ULPS_ALLOWED * FLT_EPSILON * fmax(1.0, fabs(x));
            ck_assert_msg(d <= tol, "%s: element %zu is %.9g, PyTorch gives %.9g", pc.name, i,
                          (double)got[i], (double)pc.expected[i]);
        }
        free(got);
        free(pc.pixels);
        free(pc.expected);
    }
    fclose(f);
}
END_TEST

static odpu_preprocess plain(int h, int w, int c)
{
    odpu_preprocess p = {.out_h = h, .out_w = w, .out_c = c, .resize = 0, .scale = 1.0f};
    for (int k = 0; k < 4; k++)
        p.std[k] = 1.0f;
    return p;
}

/* RGB into a 1-channel model: BT.601 luma as PIL's convert("L") rounds it. */
START_TEST(test_rgb_to_gray)
{
    const uint8_t px[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30};
    /* PIL: L = (R*19595 + G*38470 + B*7471 + 32768) >> 16 */
    const float want[] = {76, 150, 29, 255, 18};
    odpu_preprocess p = plain(1, 5, 1);
    float out[5];
    odpu_err err;
    ck_assert_int_eq(odpu_preprocess_image(&p, px, 1, 5, 3, out, &err), ODPU_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_float_eq(out[i], want[i]);
}
END_TEST

/* Gray into a 3-channel model: the same plane three times, each with its own mean/std. */
START_TEST(test_gray_replicated)
{
    const uint8_t px[] = {0, 100, 200, 255};
    odpu_preprocess p = plain(2, 2, 3);
    p.mean[1] = 50;
    p.std[2] = 2;
    float out[12];
    odpu_err err;
    ck_assert_int_eq(odpu_preprocess_image(&p, px, 2, 2, 1, out, &err), ODPU_OK);
    for (int i = 0; i < 4; i++) {
        ck_assert_float_eq(out[i], px[i]);
        ck_assert_float_eq(out[4 + i], (float)px[i] - 50);
        ck_assert_float_eq(out[8 + i], (float)px[i] / 2);
    }
}
END_TEST

/* HWC in, NCHW out: channel k of pixel (y, x) lands at out[k][y][x]. */
START_TEST(test_layout)
{
    uint8_t px[2 * 3 * 3];
    for (int i = 0; i < 18; i++)
        px[i] = (uint8_t)i;
    odpu_preprocess p = plain(2, 3, 3);
    float out[18];
    odpu_err err;
    ck_assert_int_eq(odpu_preprocess_image(&p, px, 2, 3, 3, out, &err), ODPU_OK);
    for (int y = 0; y < 2; y++)
        for (int x = 0; x < 3; x++)
            for (int k = 0; k < 3; k++)
                ck_assert_float_eq(out[(k * 2 + y) * 3 + x], px[(y * 3 + x) * 3 + k]);
}
END_TEST

static void expect_error(const odpu_preprocess *p, int h, int w, int c, const char *pattern)
{
    uint8_t px[64] = {0};
    float out[256];
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_preprocess_image(p, px, h, w, c, out, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, pattern) != NULL, "message '%s' lacks '%s'", err.msg, pattern);
}

START_TEST(test_errors)
{
    odpu_preprocess p = plain(4, 4, 1);
    expect_error(&p, 3, 4, 1, "does not resize");
    p.resize = 1;
    expect_error(&p, 0, 4, 1, "image size");
    expect_error(&p, 4, 4, 2, "2-channel image");
    odpu_preprocess p3 = plain(4, 4, 3);
    expect_error(&p3, 4, 4, 4, "4-channel image");
    p.std[0] = 0;
    expect_error(&p, 4, 4, 1, "std");
    p = plain(4, 4, 1);
    p.scale = 0;
    expect_error(&p, 4, 4, 1, "scale");
    p = plain(4, 4, 1);
    p.mean[0] = NAN;
    expect_error(&p, 4, 4, 1, "mean");
    p = plain(0, 4, 1);
    expect_error(&p, 4, 4, 1, "output size");
    p = plain(4, 4, 5);
    expect_error(&p, 4, 4, 1, "output channels");
}
END_TEST

static Suite *preprocess_suite(void)
{
    Suite *s = suite_create("preprocess");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_matches_pytorch);
    tcase_add_test(tc, test_rgb_to_gray);
    tcase_add_test(tc, test_gray_replicated);
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(preprocess_suite)
