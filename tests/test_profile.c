/* test_profile.c - host/profile.c: retired-instruction events attributed to layers. */
#include <string.h>

#include "host/profile.h"
#include "isa/isa.h"
#include "tests/testutil.h"

/* A model of 10 instructions in three layers: [0,4), [4,4) (a Concat, no instructions), [4,9);
 * instruction 9 (END) belongs to none. */
static void three_layers(odpu_model *m, odpu_layer_info layers[3])
{
    memset(m, 0, sizeof *m);
    memset(layers, 0, 3 * sizeof *layers);
    layers[0] = (odpu_layer_info){.name = "conv", .op = "Conv", .macs = 1000, .first_insn = 0, .n_insns = 4};
    layers[1] = (odpu_layer_info){.name = "cat", .op = "Concat", .first_insn = 4, .n_insns = 0};
    layers[2] = (odpu_layer_info){.name = "pool", .op = "MaxPool", .first_insn = 4, .n_insns = 5};
    m->n_insns = 10;
    m->layers = layers;
    m->n_layers = 3;
}

START_TEST(layers_share_the_frame)
{
    odpu_model m;
    odpu_layer_info layers[3];
    three_layers(&m, layers);
    /* Layer 2's load overlaps layer 0's compute; layer 0 ends at 50, layer 2 at 90. */
    const odpu_hal_event ev[] = {
        {.index = 0, .engine = ODPU_ENGINE_LOAD, .start = 2, .end = 10, .ddr_stall = 6},
        {.index = 1, .engine = ODPU_ENGINE_COMPUTE, .start = 11, .end = 40, .dep_wait = 9},
        {.index = 4, .engine = ODPU_ENGINE_LOAD, .start = 12, .end = 30, .ddr_stall = 3},
        {.index = 2, .engine = ODPU_ENGINE_STORE, .start = 41, .end = 50, .dep_wait = 30},
        {.index = 5, .engine = ODPU_ENGINE_COMPUTE, .start = 51, .end = 80},
        {.index = 6, .engine = ODPU_ENGINE_STORE, .start = 81, .end = 90},
    };
    odpu_profile p;
    odpu_err err;
    ck_assert_msg(odpu_profile_build(&m, ev, sizeof ev / sizeof ev[0], 100, &p, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(p.n_layers, 3);
    ck_assert_uint_eq(p.layers[0].cycles, 50);
    ck_assert_uint_eq(p.layers[1].cycles, 0);
    ck_assert_uint_eq(p.layers[2].cycles, 40);
    ck_assert_uint_eq(p.tail_cycles, 10);
    ck_assert_uint_eq(p.layers[0].cycles + p.layers[1].cycles + p.layers[2].cycles + p.tail_cycles, p.cycles);
    ck_assert_uint_eq(p.layers[0].busy[ODPU_ENGINE_LOAD], 8);
    ck_assert_uint_eq(p.layers[0].busy[ODPU_ENGINE_COMPUTE], 29);
    ck_assert_uint_eq(p.layers[0].dep_wait[ODPU_ENGINE_STORE], 30);
    ck_assert_uint_eq(p.layers[0].ddr_stall[ODPU_ENGINE_LOAD], 6);
    ck_assert_uint_eq(p.layers[2].first_start, 12);
    ck_assert_uint_eq(p.layers[2].last_end, 90);
    ck_assert_uint_eq(p.layers[2].n_events, 3);
    ck_assert_uint_eq(p.busy[ODPU_ENGINE_LOAD], 26);
    /* 1000 MACs in 50 cycles on a 32-MAC array: 62.5 %. */
    ck_assert(odpu_utilization(layers[0].macs, p.layers[0].cycles, 32) == 0.625);
    ck_assert(odpu_utilization(1, 0, 32) == 0.0);
    odpu_profile_free(&p);
}
END_TEST

/* A layer that finishes before the one before it gets no cycles, never a negative share. */
START_TEST(a_layer_ending_early_gets_no_share)
{
    odpu_model m;
    odpu_layer_info layers[3];
    three_layers(&m, layers);
    const odpu_hal_event ev[] = {
        {.index = 3, .engine = ODPU_ENGINE_STORE, .start = 10, .end = 70},
        {.index = 8, .engine = ODPU_ENGINE_COMPUTE, .start = 5, .end = 60},
    };
    odpu_profile p;
    odpu_err err;
    ck_assert_msg(odpu_profile_build(&m, ev, 2, 70, &p, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(p.layers[0].cycles, 70);
    ck_assert_uint_eq(p.layers[2].cycles, 0);
    ck_assert_uint_eq(p.tail_cycles, 0);
    odpu_profile_free(&p);
}
END_TEST

START_TEST(bad_events_and_models)
{
    odpu_model m;
    odpu_layer_info layers[3];
    three_layers(&m, layers);
    odpu_profile p;
    odpu_err err;
    const odpu_hal_event past_end = {.index = 10, .engine = ODPU_ENGINE_LOAD, .start = 1, .end = 2};
    ck_assert_int_eq(odpu_profile_build(&m, &past_end, 1, 5, &p, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "instruction 10") && strstr(err.msg, "10 instructions"), "%s", err.msg);
    const odpu_hal_event bad_engine = {.index = 1, .engine = 3, .start = 1, .end = 2};
    ck_assert_int_eq(odpu_profile_build(&m, &bad_engine, 1, 5, &p, &err), ODPU_E_ARG);
    const odpu_hal_event backwards = {.index = 1, .engine = ODPU_ENGINE_LOAD, .start = 4, .end = 2};
    ck_assert_int_eq(odpu_profile_build(&m, &backwards, 1, 5, &p, &err), ODPU_E_ARG);
    m.n_layers = 0;
    ck_assert_int_eq(odpu_profile_build(&m, NULL, 0, 5, &p, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "layer table"), "%s", err.msg);
}
END_TEST

static Suite *profile_suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("attribution");
    tcase_add_test(tc, layers_share_the_frame);
    tcase_add_test(tc, a_layer_ending_early_gets_no_share);
    tcase_add_test(tc, bad_events_and_models);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(profile_suite)
