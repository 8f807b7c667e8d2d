/* test_sim_hal.c - what only the sim backend (sim/hal_sim.c, sim/vl_device.c) has, on the
 * verilated engine of the tiny config through host/hal.h: a run's statistics against the
 * engine's counters, a DDR that stops answering (WATCHDOG) or answers SLVERR, a window where
 * no buffer is (AXI_RESP at the LOAD), an abort with DDR bursts in flight, per-instruction
 * events, the waveform file and the model chosen by fingerprint. The HAL contract every
 * backend keeps is tests/test_hal_contract.c's; the results, test_ref_ops's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "isa/stream.h"
#include "tests/streams.h"
#include "tests/testutil.h"

enum {
    TIMEOUT_MS = 60 * 1000,   /* wall time; the engine's watchdog ends a hang long before */
    ABORT_MS = 5000,
    SHORT_WATCHDOG = 2000,    /* cycles without progress before WATCHDOG */
    WINDOW_BYTES = 4096,
    IRQ_SLACK = 16,           /* cycles between START taking effect and irq_o that CYCLES may omit */
    LOADS = 64,               /* LOADs of a long stream, each of a whole window */
};

typedef struct fixture {
    odpu_arch arch;
    odpu_hal *hal;
    odpu_dma_buf insns, window;
    size_t n_insns;
} fixture;

static int have_sim(void)
{
    for (const char *const *n = odpu_hal_backends(); *n; n++)
        if (!strcmp(*n, "sim"))
            return 1;
    return 0;
}

static void load_arch(const char *name, odpu_arch *arch)
{
    odpu_err err;
    ck_assert_msg(odpu_arch_load(test_arch_path(name), arch, &err) == ODPU_OK, "%s", err.msg);
}

/* An open sim engine on tiny with a stream of n_end ENDs preceded by nothing else. */
static void fixture_open(fixture *f, const char *device, const char *trace)
{
    memset(f, 0, sizeof *f);
    load_arch("tiny", &f->arch);
    odpu_hal_options opt = {.arch = &f->arch, .device = device, .trace_path = trace};
    odpu_err err;
    ck_assert_msg(odpu_hal_open("sim", &opt, &f->hal, &err) == ODPU_OK, "%s", err.msg);
}

static void fixture_close(fixture *f)
{
    odpu_hal_free(f->hal, &f->insns);
    odpu_hal_free(f->hal, &f->window);
    odpu_hal_close(f->hal);
}

/* Put a stream in a DMA buffer, a zeroed window beside it, and program both. */
static void program(fixture *f, const odpu_stream *s)
{
    odpu_err err;
    f->n_insns = s->n_insns;
    ck_assert(odpu_hal_alloc(f->hal, s->n_insns * ODPU_INSN_BYTES, &f->insns, &err) == ODPU_OK);
    ck_assert(odpu_hal_alloc(f->hal, WINDOW_BYTES, &f->window, &err) == ODPU_OK);
    memcpy(f->insns.virt, s->bytes, s->n_insns * ODPU_INSN_BYTES);
    ck_assert(odpu_hal_sync(f->hal, &f->insns, 0, f->insns.size, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
    odpu_hal_reg_write64(f->hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, f->insns.phys);
    odpu_hal_reg_write(f->hal, ODPU_REG_INSN_COUNT, (uint32_t)s->n_insns);
    odpu_hal_reg_write64(f->hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, f->window.phys);
    odpu_hal_reg_write64(f->hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, WINDOW_BYTES);
}

static void start_and_wait(fixture *f, uint32_t timeout_ms)
{
    odpu_err err;
    ck_assert_msg(odpu_hal_start(f->hal, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_hal_wait(f->hal, timeout_ms, &err) == ODPU_OK, "%s", err.msg);
}

static void expect_error(fixture *f, odpu_hw_error code)
{
    uint32_t ctrl = odpu_hal_reg_read(f->hal, ODPU_REG_AP_CTRL);
    uint32_t got = odpu_hal_reg_read(f->hal, ODPU_REG_ERR_CODE);
    ck_assert_msg((ctrl & ODPU_AP_DONE) && got == (uint32_t)code, "AP_CTRL 0x%x ERR_CODE %u (%s), expected %s", ctrl,
                  got, odpu_hw_error_name((odpu_hw_error)got), odpu_hw_error_name(code));
}

/* The harness's statistics of a run against the engine's own counters. */
START_TEST(run_statistics)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_hal_stats st;
    odpu_err err;
    ck_assert_int_eq(odpu_hal_read_stats(f.hal, &st, &err), ODPU_E_ARG); /* no run yet */
    odpu_stream s;
    test_nop_stream(&s, 2, ODPU_ENGINE_COMPUTE);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_OK);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), s.n_insns);
    uint64_t cycles = odpu_hal_reg_read64(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    /* At least one DDR read latency passed before the first instruction arrived. */
    ck_assert_msg(cycles > f.arch.ddr_latency_cycles, "CYCLES %llu", (unsigned long long)cycles);
    ck_assert_msg(odpu_hal_read_stats(f.hal, &st, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(st.ddr_fetch_bytes, s.n_insns * ODPU_INSN_BYTES); /* the stream, not a byte past it */
    ck_assert_uint_eq(st.ddr_rd_bytes, st.ddr_fetch_bytes);
    ck_assert_uint_eq(st.ddr_wr_bytes, 0);
    /* The harness counts from the edge that took the START write to the interrupt: at
     * least the engine's CYCLES, and only the register write's and interrupt's few cycles more. */
    ck_assert_msg(st.cycles >= cycles && st.cycles <= cycles + IRQ_SLACK, "harness %llu cycles, CYCLES %llu",
                  (unsigned long long)st.cycles, (unsigned long long)cycles);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(silent_ddr_ends_in_watchdog)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, "ddr-fault=silent", NULL);
    odpu_stream s;
    test_nop_stream(&s, 0, ODPU_ENGINE_COMPUTE);
    program(&f, &s);
    odpu_hal_reg_write(f.hal, ODPU_REG_WATCHDOG, SHORT_WATCHDOG);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_WATCHDOG);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX), 0);
    uint64_t cycles = odpu_hal_reg_read64(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    ck_assert_msg(cycles >= SHORT_WATCHDOG, "WATCHDOG after %llu cycles", (unsigned long long)cycles);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(slverr_is_axi_resp)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, "ddr-fault=slverr", NULL);
    odpu_stream s;
    test_nop_stream(&s, 1, ODPU_ENGINE_COMPUTE);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_AXI_RESP);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(load_save_events_and_traffic)
{
    if (!have_sim())
        return;
    enum { SRC = 0, DST = 256 };
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    test_copy_stream(&s, f.arch.rows, SRC, DST);
    program(&f, &s);
    uint8_t *win = f.window.virt;
    size_t bytes = 4 * (size_t)f.arch.rows;
    for (size_t i = 0; i < WINDOW_BYTES; i++)
        win[i] = (uint8_t)(i * 13 + 1);
    odpu_err err;
    ck_assert(odpu_hal_sync(f.hal, &f.window, 0, WINDOW_BYTES, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_OK);
    ck_assert(odpu_hal_sync(f.hal, &f.window, 0, WINDOW_BYTES, ODPU_SYNC_FROM_DEVICE, &err) == ODPU_OK);
    for (size_t i = 0; i < WINDOW_BYTES; i++) {
        uint8_t want = i >= DST && i < DST + bytes ? (uint8_t)((i - DST + SRC) * 13 + 1) : (uint8_t)(i * 13 + 1);
        ck_assert_msg(win[i] == want, "window byte %zu is %u, expected %u", i, win[i], want);
    }

    const odpu_hal_event *ev;
    size_t n;
    ck_assert_msg(odpu_hal_events(f.hal, &ev, &n, &err) == ODPU_OK, "%s", err.msg);
    /* In retirement order; the NOP retires on the compute engine's lane, END on none. */
    ck_assert_uint_eq(n, 3);
    static const odpu_engine engines[] = {ODPU_ENGINE_LOAD, ODPU_ENGINE_COMPUTE, ODPU_ENGINE_STORE};
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(ev[i].index, i);
        ck_assert_uint_eq(ev[i].engine, engines[i]);
    }
    uint64_t cycles = odpu_hal_reg_read64(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(ev[i].start <= ev[i].end && ev[i].end <= cycles + IRQ_SLACK,
                      "event %zu: start %llu end %llu, run of %llu cycles", i, (unsigned long long)ev[i].start,
                      (unsigned long long)ev[i].end, (unsigned long long)cycles);
    /* The SAVE waited for the LOAD's token (through the NOP): it started after the LOAD
     * retired, and the LOAD had to wait at least one DDR latency for its data. */
    ck_assert_msg(ev[2].start >= ev[0].end, "SAVE started at %llu before the LOAD retired at %llu",
                  (unsigned long long)ev[2].start, (unsigned long long)ev[0].end);
    ck_assert_msg(ev[0].ddr_stall > 0, "the LOAD never waited for DDR");

    odpu_hal_stats st;
    ck_assert(odpu_hal_read_stats(f.hal, &st, &err) == ODPU_OK);
    ck_assert_uint_eq(st.ddr_fetch_bytes, s.n_insns * ODPU_INSN_BYTES);
    ck_assert_msg(st.ddr_rd_bytes >= st.ddr_fetch_bytes + bytes, "%llu bytes read",
                  (unsigned long long)st.ddr_rd_bytes);
    ck_assert_msg(st.ddr_wr_bytes >= bytes && st.ddr_wr_bursts >= 1, "%llu bytes written",
                  (unsigned long long)st.ddr_wr_bytes);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(unmapped_window_is_axi_resp_at_the_load)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    test_copy_stream(&s, f.arch.rows, 0, 256);
    program(&f, &s);
    /* A window the size of a page where no buffer is: the guard page after the window's
     * own buffer. Inside DDR_SIZE, so the engine issues the read and gets DECERR. */
    odpu_hal_reg_write64(f.hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, f.window.phys + WINDOW_BYTES);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_AXI_RESP);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX), 0);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

/* An abort while LOADs have DDR bursts in flight: the engine finishes them (the bus is left
 * quiet: a protocol violation or an unanswered burst would be a harness fault) and the next
 * run is exact. */
START_TEST(abort_with_bursts_in_flight)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    odpu_stream_init(&s);
    uint32_t pixels = WINDOW_BYTES / f.arch.rows;
    for (int i = 0; i < LOADS; i++) {
        odpu_insn load = {.opcode = ODPU_OP_LOAD};
        load.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .h = 1, .w = pixels, .c = f.arch.rows,
                                  .pixel_stride = f.arch.rows, .row_stride = WINDOW_BYTES};
        odpu_stream_append(&s, &load);
    }
    odpu_stream_append(&s, &(odpu_insn){.opcode = ODPU_OP_END});
    odpu_err err;
    ck_assert_msg(odpu_stream_status(&s, &err) == ODPU_OK, "%s", err.msg);
    program(&f, &s);
    ck_assert(odpu_hal_start(f.hal, &err) == ODPU_OK);
    ck_assert_int_eq(odpu_hal_wait(f.hal, 1, &err), ODPU_E_TIMEOUT);
    ck_assert_msg(odpu_hal_abort(f.hal, ABORT_MS, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_CODE), ODPU_HW_ABORTED);
    uint32_t index = odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX);
    ck_assert_msg(index < LOADS && odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE) == index, "ERR_INDEX %u, INSN_DONE %u",
                  index, odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE));
    odpu_stream_free(&s);
    test_copy_stream(&s, f.arch.rows, 0, 256);
    odpu_hal_free(f.hal, &f.insns);
    odpu_hal_free(f.hal, &f.window);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_OK);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

static long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

START_TEST(waveform_file)
{
    if (!have_sim())
        return;
    const char *dir = getenv("ODPU_BUILD");
    char path[512];
    snprintf(path, sizeof path, "%s/test_sim_hal.fst", dir ? dir : "build");
    remove(path);
    fixture f;
    fixture_open(&f, NULL, path);
    odpu_stream s;
    test_nop_stream(&s, 1, ODPU_ENGINE_COMPUTE);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    odpu_stream_free(&s);
    fixture_close(&f); /* closing the engine finishes the file */
    long size = file_size(path);
    ck_assert_msg(size > 0, "%s: %ld bytes", path, size);
    remove(path);

    /* A format this build does not write is refused with the one it does. */
    odpu_arch arch;
    load_arch("tiny", &arch);
    odpu_hal_options opt = {.arch = &arch, .trace_path = "wave.vcd"};
    odpu_hal *hal;
    odpu_err err;
    ck_assert_int_eq(odpu_hal_open("sim", &opt, &hal, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "wave.vcd") && strstr(err.msg, ".fst"), "%s", err.msg);
    opt.trace_path = "/nonexistent-dir/wave.fst";
    ck_assert_int_eq(odpu_hal_open("sim", &opt, &hal, &err), ODPU_E_IO);
    ck_assert_msg(strstr(err.msg, "/nonexistent-dir/wave.fst"), "%s", err.msg);
}
END_TEST

START_TEST(model_chosen_by_fingerprint)
{
    if (!have_sim())
        return;
    odpu_arch arch;
    load_arch("tiny", &arch);
    arch.rows *= 2; /* a machine nobody verilated */
    arch.fingerprint = odpu_arch_fingerprint(&arch);
    snprintf(arch.name, sizeof arch.name, "tiny2x");
    odpu_hal_options opt = {.arch = &arch};
    odpu_hal *hal;
    odpu_err err;
    ck_assert_int_eq(odpu_hal_open("sim", &opt, &hal, &err), ODPU_E_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "tiny2x") && strstr(err.msg, "tiny") && strstr(err.msg, "SIM_ARCHS"), "%s",
                  err.msg);
    load_arch("tiny", &arch);
    opt.device = "ddr-fault=sometimes";
    ck_assert_int_eq(odpu_hal_open("sim", &opt, &hal, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "sometimes"), "%s", err.msg);
}
END_TEST

static Suite *sim_hal_suite(void)
{
    if (!have_sim())
        printf("test_sim_hal: this build has no sim backend (SIM in sim/sim.mk): nothing to test\n");
    Suite *s = suite_create("sim_hal");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, run_statistics);
    tcase_add_test(tc, silent_ddr_ends_in_watchdog);
    tcase_add_test(tc, slverr_is_axi_resp);
    tcase_add_test(tc, load_save_events_and_traffic);
    tcase_add_test(tc, unmapped_window_is_axi_resp_at_the_load);
    tcase_add_test(tc, abort_with_bursts_in_flight);
    tcase_add_test(tc, waveform_file);
    tcase_add_test(tc, model_chosen_by_fingerprint);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(sim_hal_suite)
