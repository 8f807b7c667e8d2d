/* test_timeline.c - report/timeline.c: a run's events as Chrome trace JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "report/timeline.h"
#include "tests/testutil.h"

/* Two layers over four instructions; the second layer's name needs JSON escaping. The
 * instruction words are left zero, which decodes to no opcode ("?"). */
typedef struct fixture {
    odpu_model m;
    odpu_layer_info layers[2];
    uint8_t insns[4 * ODPU_INSN_BYTES];
    odpu_arch a;
} fixture;

static void make_fixture(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->layers[0] = (odpu_layer_info){.name = "conv1", .op = "Conv", .first_insn = 0, .n_insns = 2};
    f->layers[1] = (odpu_layer_info){.name = "odd \"name\"\\\n", .op = "Gemm", .first_insn = 2, .n_insns = 1};
    f->m.insns = f->insns;
    f->m.n_insns = 4;
    f->m.layers = f->layers;
    f->m.n_layers = 2;
    snprintf(f->a.name, sizeof f->a.name, "testarch");
    f->a.clock_mhz = 250;
    f->a.ddr_bytes_per_cycle = 16;
    f->a.ddr_latency_cycles = 100;
}

/* The trace as a string (caller frees), or NULL with the status in *st. */
static char *write_trace(const fixture *f, const odpu_hal_event *ev, size_t n, odpu_status *st, odpu_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    *st = odpu_timeline_write(out, &f->m, &f->a, ODPU_TIMING_SIMULATED, ev, n, err);
    fclose(out);
    if (*st != ODPU_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

START_TEST(slices_carry_time_layer_and_stalls)
{
    fixture f;
    make_fixture(&f);
    const odpu_hal_event ev[] = {
        {.index = 0, .engine = ODPU_ENGINE_LOAD, .start = 250, .end = 500, .ddr_stall = 7},
        {.index = 1, .engine = ODPU_ENGINE_COMPUTE, .start = 500, .end = 1000, .dep_wait = 3},
        {.index = 2, .engine = ODPU_ENGINE_STORE, .start = 1000, .end = 1125},
        {.index = 3, .engine = ODPU_ENGINE_COMPUTE, .start = 1125, .end = 1125},
    };
    odpu_err err;
    odpu_status st;
    char *json = write_trace(&f, ev, 4, &st, &err);
    ck_assert_msg(st == ODPU_OK, "%s", err.msg);
    /* 250 cycles at 250 MHz = 1 us. */
    ck_assert_msg(strstr(json, "\"name\":\"? #0\",\"cat\":\"Conv\",\"pid\":1,\"tid\":0,\"ts\":1.000000,\"dur\":1.000000"),
                  "%s", json);
    ck_assert_msg(strstr(json, "\"tid\":1,\"ts\":2.000000,\"dur\":2.000000"), "%s", json);
    ck_assert_msg(strstr(json, "\"ddr_stall_cycles\":7"), "%s", json);
    ck_assert_msg(strstr(json, "\"dep_wait_cycles\":3"), "%s", json);
    ck_assert_msg(strstr(json, "\"layer\":\"odd \\\"name\\\"\\\\\\u000a\""), "escaped layer name missing: %s", json);
    ck_assert_msg(strstr(json, "\"layer\":\"(between layers)\""), "%s", json);
    ck_assert_msg(strstr(json, "\"timing\":\"simulated\",\"arch\":\"testarch\",\"clock_mhz\":250"), "%s", json);
    ck_assert_msg(strstr(json, "\"name\":\"opendpu testarch, simulated at 250 MHz\""), "%s", json);
    /* Four slices, three named engine tracks. */
    size_t slices = 0, tracks = 0;
    for (const char *p = json; (p = strstr(p, "\"ph\":\"X\"")); p++)
        slices++;
    for (const char *p = json; (p = strstr(p, "\"thread_name\"")); p++)
        tracks++;
    ck_assert_uint_eq(slices, 4);
    ck_assert_uint_eq(tracks, ODPU_ENGINE_COUNT);
    free(json);
}
END_TEST

START_TEST(events_that_do_not_fit_the_model)
{
    fixture f;
    make_fixture(&f);
    odpu_err err;
    odpu_status st;
    const odpu_hal_event past_end = {.index = 4, .engine = ODPU_ENGINE_LOAD, .start = 1, .end = 2};
    ck_assert_ptr_null(write_trace(&f, &past_end, 1, &st, &err));
    ck_assert_int_eq(st, ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "instruction 4") && strstr(err.msg, "4-instruction"), "%s", err.msg);
    const odpu_hal_event bad_engine = {.index = 1, .engine = ODPU_ENGINE_COUNT, .start = 1, .end = 2};
    ck_assert_ptr_null(write_trace(&f, &bad_engine, 1, &st, &err));
    ck_assert_int_eq(st, ODPU_E_ARG);
    const odpu_hal_event backwards = {.index = 1, .engine = ODPU_ENGINE_LOAD, .start = 9, .end = 2};
    ck_assert_ptr_null(write_trace(&f, &backwards, 1, &st, &err));
    ck_assert_msg(st == ODPU_E_ARG && strstr(err.msg, "before it starts"), "%s", err.msg);
    f.a.clock_mhz = 0;
    ck_assert_ptr_null(write_trace(&f, NULL, 0, &st, &err));
    ck_assert_int_eq(st, ODPU_E_ARG);
}
END_TEST

static Suite *timeline_suite(void)
{
    Suite *s = suite_create("timeline");
    TCase *tc = tcase_create("chrome_trace");
    tcase_add_test(tc, slices_carry_time_layer_and_stalls);
    tcase_add_test(tc, events_that_do_not_fit_the_model);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(timeline_suite)
