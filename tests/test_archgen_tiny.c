/* test_archgen_tiny.c - the generated C header of arch/tiny.yaml, compiled into this test
 * (tools/odpu_gen writes build/gen/tiny/odpu_arch_params.h before anything compiles),
 * agrees with the arch the library loads from the same file. */
#include <string.h>

#include "arch/arch.h"
#include "tests/testutil.h"
#include "tiny/odpu_arch_params.h"

static odpu_arch tiny(void)
{
    odpu_arch a;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_arch_load(test_arch_path("tiny"), &a, &err) == ODPU_OK, "%s", err.msg);
    return a;
}

START_TEST(test_header_scalars)
{
    odpu_arch a = tiny();
    ck_assert_str_eq(ODPU_ARCH_NAME, a.name);
    ck_assert_uint_eq(ODPU_ARCH_ROWS, a.rows);
    ck_assert_uint_eq(ODPU_ARCH_COLS, a.cols);
    ck_assert_uint_eq(ODPU_ARCH_MACS, odpu_arch_macs(&a));
    ck_assert_uint_eq(ODPU_ARCH_OPS_PER_CLOCK, 2 * odpu_arch_macs(&a));
    ck_assert_uint_eq(ODPU_ARCH_AXI_DATA_BITS, a.axi_data_bits);
    ck_assert_uint_eq(ODPU_ARCH_DDR_BYTES_PER_CYCLE, a.ddr_bytes_per_cycle);
    ck_assert_uint_eq(ODPU_ARCH_DDR_LATENCY, a.ddr_latency_cycles);
    ck_assert_uint_eq(ODPU_ARCH_CLOCK_MHZ, a.clock_mhz);
    ck_assert_uint_eq(ODPU_ARCH_INSN_DEPTH, a.insn_queue_depth);
    ck_assert_uint_eq(ODPU_ARCH_DEP_DEPTH, a.dep_queue_depth);
    ck_assert_uint_eq(ODPU_ARCH_FINGERPRINT, a.fingerprint);
}
END_TEST

START_TEST(test_header_buffers)
{
    odpu_arch a = tiny();
#define CHECK_BUF(ID, B)                                                    \
    ck_assert_uint_eq(ODPU_ARCH_##B##_KIB, a.buf[ID].kib);                 \
    ck_assert_uint_eq(ODPU_ARCH_##B##_BANKS, a.buf[ID].banks);             \
    ck_assert_uint_eq(ODPU_ARCH_##B##_WORD_BYTES, a.buf[ID].word_bytes);   \
    ck_assert_uint_eq(ODPU_ARCH_##B##_DEPTH, a.buf[ID].depth_words);
    CHECK_BUF(ODPU_BUF_IBUF, IBUF)
    CHECK_BUF(ODPU_BUF_OBUF, OBUF)
    CHECK_BUF(ODPU_BUF_WBUF, WBUF)
    CHECK_BUF(ODPU_BUF_PBUF, PBUF)
    CHECK_BUF(ODPU_BUF_ABUF, ABUF)
#undef CHECK_BUF
}
END_TEST

/* The macros are usable where C needs constant expressions (array sizes, #if). */
#if ODPU_ARCH_ROWS * ODPU_ARCH_COLS != ODPU_ARCH_MACS
#error "ODPU_ARCH_MACS is not ROWS * COLS"
#endif
static const unsigned char wbuf_word[ODPU_ARCH_WBUF_WORD_BYTES];

START_TEST(test_header_constant_expressions)
{
    ck_assert_uint_eq(sizeof wbuf_word, (size_t)ODPU_ARCH_ROWS * ODPU_ARCH_COLS);
}
END_TEST

static Suite *archgen_tiny_suite(void)
{
    Suite *s = suite_create("archgen_tiny");
    TCase *tc = tcase_create("c_header");
    tcase_add_test(tc, test_header_scalars);
    tcase_add_test(tc, test_header_buffers);
    tcase_add_test(tc, test_header_constant_expressions);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(archgen_tiny_suite)
