/* test_roofline.c - report/roofline.c: the roof's numbers and the SVG's points. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/roofline.h"
#include "tests/testutil.h"

/* A 16 x 16 array at 200 MHz with 8 DDR bytes per cycle: 102.4 GOPS, 1.6 GB/s, ridge 64. */
static odpu_arch small_arch(void)
{
    odpu_arch a;
    memset(&a, 0, sizeof a);
    snprintf(a.name, sizeof a.name, "t16");
    a.rows = 16;
    a.cols = 16;
    a.clock_mhz = 200;
    a.ddr_bytes_per_cycle = 8;
    a.ddr_latency_cycles = 50;
    return a;
}

START_TEST(roof_numbers)
{
    odpu_arch a = small_arch();
    ck_assert_double_eq_tol(odpu_roofline_peak_gops(&a), 102.4, 1e-9);
    ck_assert_double_eq_tol(odpu_roofline_ddr_gbps(&a), 1.6, 1e-9);
    ck_assert_double_eq_tol(odpu_roofline_attainable_gops(&a, 10.0), 16.0, 1e-9);   /* memory-bound */
    ck_assert_double_eq_tol(odpu_roofline_attainable_gops(&a, 64.0), 102.4, 1e-9);  /* the ridge */
    ck_assert_double_eq_tol(odpu_roofline_attainable_gops(&a, 1000.0), 102.4, 1e-9);
}
END_TEST

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

START_TEST(points_and_escaping)
{
    odpu_arch a = small_arch();
    const odpu_roofline_point pts[] = {
        {.name = "conv <1> & \"a\"", .macs = 1000000, .ddr_bytes = 20000, .cycles = 4000},
        {.name = "pool", .macs = 0, .ddr_bytes = 100, .cycles = 10},      /* no MACs: not drawn */
        {.name = "onchip", .macs = 500, .ddr_bytes = 0, .cycles = 10},    /* no DDR: not drawn */
        {.name = "fc", .macs = 2048, .ddr_bytes = 4096, .cycles = 600},
    };
    char *buf = NULL;
    size_t len = 0, drawn = 0;
    FILE *out = open_memstream(&buf, &len);
    odpu_err err;
    ck_assert_msg(odpu_roofline_svg(out, &a, ODPU_TIMING_SIMULATED, "t <title>", pts, 4, &drawn, &err) == ODPU_OK,
                  "%s", err.msg);
    fclose(out);
    ck_assert_uint_eq(drawn, 2);
    ck_assert_uint_eq(count(buf, "<circle"), 2);
    ck_assert_uint_eq(count(buf, "id=\"roof\""), 1);
    ck_assert_msg(strstr(buf, "conv &lt;1&gt; &amp; &quot;a&quot;: 100.00 ops/B, 100.00 GOPS (roof 102.40)"), "%s", buf);
    ck_assert_msg(strstr(buf, "fc: 1.00 ops/B, 1.37 GOPS (roof 1.60)"), "%s", buf);
    ck_assert_msg(strstr(buf, ">t &lt;title&gt;</text>"), "%s", buf);
    ck_assert_msg(strstr(buf, "simulated: cycles at 200 MHz"), "%s", buf);
    ck_assert_msg(strstr(buf, "peak 102 GOPS (256 MACs at 200 MHz); DDR 1.6 GB/s (8 B/cycle); ridge 64.0 ops/B"),
                  "%s", buf);
    free(buf);

    /* Measured cycles say so; a backend without a clock has nothing to plot. */
    out = open_memstream(&buf, &len);
    ck_assert(odpu_roofline_svg(out, &a, ODPU_TIMING_MEASURED, "m", pts, 4, NULL, &err) == ODPU_OK);
    fclose(out);
    ck_assert_msg(strstr(buf, "measured: the engine's cycle counters at 200 MHz") && strstr(buf, "GOPS (measured)") &&
                      !strstr(buf, "simulated"),
                  "%s", buf);
    free(buf);
    out = open_memstream(&buf, &len);
    ck_assert_int_eq(odpu_roofline_svg(out, &a, ODPU_TIMING_NONE, "n", pts, 4, NULL, &err), ODPU_E_ARG);
    fclose(out);
    free(buf);

    a.ddr_bytes_per_cycle = 0;
    out = open_memstream(&buf, &len);
    ck_assert_int_eq(odpu_roofline_svg(out, &a, ODPU_TIMING_SIMULATED, "x", pts, 4, NULL, &err), ODPU_E_ARG);
    fclose(out);
    free(buf);
}
END_TEST

static Suite *roofline_suite(void)
{
    Suite *s = suite_create("roofline");
    TCase *tc = tcase_create("svg");
    tcase_add_test(tc, roof_numbers);
    tcase_add_test(tc, points_and_escaping);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(roofline_suite)
