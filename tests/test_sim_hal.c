/* test_sim_hal.c - the sim HAL backend (sim/hal_sim.c) on the verilated engine of the tiny
 * config, through host/hal.h only: the register file over AXI4-Lite (MAGIC, VERSION,
 * fingerprint, RW, RO, W1C), a run to the interrupt with its statistics, the wait timeout,
 * a DDR that stops answering (WATCHDOG), addresses outside every DMA buffer (AXI_RESP),
 * the waveform file, model selection by fingerprint, and the profiling ops' absence on
 * ref. (The engine's results are tested by test_ref_ops on every backend.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "isa/stream.h"
#include "tests/testutil.h"

enum {
    TIMEOUT_MS = 60 * 1000,   /* simulated; the engine's watchdog ends a hang long before */
    SHORT_TIMEOUT_MS = 1,     /* 200,000 cycles at tiny's 200 MHz */
    SHORT_WATCHDOG = 2000,    /* cycles without progress before WATCHDOG */
    NEVER = 0xFFFFFFFFu,      /* a watchdog that does not fire within the test */
    WINDOW_BYTES = 4096,
    IRQ_SLACK = 16,           /* cycles between START taking effect and irq_o that CYCLES may omit */
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

static void write_pair(odpu_hal *hal, uint32_t lo, uint32_t hi, uint64_t v)
{
    odpu_hal_reg_write(hal, lo, (uint32_t)v);
    odpu_hal_reg_write(hal, hi, (uint32_t)(v >> 32));
}

static uint64_t read_pair(odpu_hal *hal, uint32_t lo, uint32_t hi)
{
    return odpu_hal_reg_read(hal, lo) | (uint64_t)odpu_hal_reg_read(hal, hi) << 32;
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
    write_pair(f->hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, f->insns.phys);
    odpu_hal_reg_write(f->hal, ODPU_REG_INSN_COUNT, (uint32_t)s->n_insns);
    write_pair(f->hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, f->window.phys);
    write_pair(f->hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, WINDOW_BYTES);
    odpu_hal_reg_write(f->hal, ODPU_REG_STATUS, ODPU_STATUS_DONE | ODPU_STATUS_ERROR);
}

static void end_stream(odpu_stream *s, size_t n_nops)
{
    odpu_stream_init(s);
    for (size_t i = 0; i < n_nops; i++) {
        odpu_insn nop = {.opcode = ODPU_OP_NOP};
        nop.u.nop.engine = ODPU_ENGINE_COMPUTE;
        odpu_stream_append(s, &nop);
    }
    odpu_insn end = {.opcode = ODPU_OP_END};
    odpu_stream_append(s, &end);
    odpu_err err;
    ck_assert_msg(odpu_stream_status(s, &err) == ODPU_OK, "%s", err.msg);
}

static void start_and_wait(fixture *f, uint32_t timeout_ms)
{
    odpu_err err;
    ck_assert_msg(odpu_hal_start(f->hal, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_hal_wait(f->hal, timeout_ms, &err) == ODPU_OK, "%s", err.msg);
}

static void expect_error(fixture *f, odpu_hw_error code)
{
    uint32_t status = odpu_hal_reg_read(f->hal, ODPU_REG_STATUS);
    uint32_t got = odpu_hal_reg_read(f->hal, ODPU_REG_ERR_CODE);
    ck_assert_msg((status & ODPU_STATUS_ERROR) && got == (uint32_t)code,
                  "STATUS 0x%x ERR_CODE %u (%s), expected ERROR with %s", status, got,
                  got < ODPU_HW_ERROR_COUNT ? odpu_hw_error_name((odpu_hw_error)got) : "?",
                  odpu_hw_error_name(code));
}

START_TEST(registers_over_axi_lite)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_hal *hal = f.hal;
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_MAGIC), ODPU_MAGIC);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_VERSION), ODPU_ISA_VERSION);
    ck_assert_uint_eq(read_pair(hal, ODPU_REG_FP_LO, ODPU_REG_FP_HI), odpu_arch_fingerprint(&f.arch));
    /* RW registers keep what is written, all 32 bits. */
    static const uint32_t rw[] = {ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, ODPU_REG_INSN_COUNT,
                                  ODPU_REG_DDR_BASE_LO,  ODPU_REG_DDR_BASE_HI,  ODPU_REG_DDR_SIZE_LO,
                                  ODPU_REG_DDR_SIZE_HI,  ODPU_REG_WATCHDOG};
    for (size_t i = 0; i < sizeof rw / sizeof rw[0]; i++) {
        uint32_t v = 0xA5000000u | (uint32_t)i << 8 | 0x5Au;
        odpu_hal_reg_write(hal, rw[i], v);
        ck_assert_msg(odpu_hal_reg_read(hal, rw[i]) == v, "register 0x%02x", rw[i]);
    }
    /* RO registers ignore writes; START reads back 0, IRQ_EN is kept. */
    odpu_hal_reg_write(hal, ODPU_REG_MAGIC, 0);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_MAGIC), ODPU_MAGIC);
    odpu_hal_reg_write(hal, ODPU_REG_CTRL, ODPU_CTRL_IRQ_EN);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_CTRL), ODPU_CTRL_IRQ_EN);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_STATUS), 0);
    fixture_close(&f);
}
END_TEST

START_TEST(run_to_the_interrupt)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    end_stream(&s, 2);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    uint32_t status = odpu_hal_reg_read(f.hal, ODPU_REG_STATUS);
    ck_assert_msg(status == ODPU_STATUS_DONE, "STATUS 0x%x, ERR_CODE %u", status,
                  odpu_hal_reg_read(f.hal, ODPU_REG_ERR_CODE));
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), s.n_insns);
    uint64_t cycles = read_pair(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    /* At least one DDR read latency passed before the first instruction arrived. */
    ck_assert_msg(cycles > f.arch.ddr_latency_cycles, "CYCLES %llu", (unsigned long long)cycles);

    odpu_hal_stats st;
    odpu_err err;
    ck_assert_msg(odpu_hal_read_stats(f.hal, &st, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(st.ddr_fetch_bytes, s.n_insns * ODPU_INSN_BYTES); /* the stream, not a byte past it */
    ck_assert_uint_eq(st.ddr_rd_bytes, st.ddr_fetch_bytes);
    ck_assert_uint_eq(st.ddr_wr_bytes, 0);
    /* The harness counts from the edge that took the START write to the interrupt: at
     * least the engine's CYCLES, and only the register write's and interrupt's few cycles more. */
    ck_assert_msg(st.cycles >= cycles && st.cycles <= cycles + IRQ_SLACK, "harness %llu cycles, CYCLES %llu",
                  (unsigned long long)st.cycles, (unsigned long long)cycles);

    /* W1C: writing DONE clears it (and the interrupt); a second run works the same. */
    odpu_hal_reg_write(f.hal, ODPU_REG_STATUS, ODPU_STATUS_DONE);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_STATUS), 0);
    start_and_wait(&f, TIMEOUT_MS);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_STATUS), ODPU_STATUS_DONE);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(wait_needs_a_start)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_err err;
    ck_assert_int_eq(odpu_hal_wait(f.hal, TIMEOUT_MS, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "without a start"), "%s", err.msg);
    odpu_hal_stats st;
    ck_assert_int_eq(odpu_hal_read_stats(f.hal, &st, &err), ODPU_E_ARG);
    fixture_close(&f);
}
END_TEST

START_TEST(wait_times_out_in_simulated_time)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, "ddr-fault=silent", NULL);
    odpu_stream s;
    end_stream(&s, 0);
    program(&f, &s);
    odpu_hal_reg_write(f.hal, ODPU_REG_WATCHDOG, NEVER);
    odpu_err err;
    ck_assert(odpu_hal_start(f.hal, &err) == ODPU_OK);
    ck_assert_int_eq(odpu_hal_wait(f.hal, SHORT_TIMEOUT_MS, &err), ODPU_E_TIMEOUT);
    ck_assert_msg(strstr(err.msg, "200000 cycles") && strstr(err.msg, "200 MHz"), "%s", err.msg);
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
    end_stream(&s, 0);
    program(&f, &s);
    odpu_hal_reg_write(f.hal, ODPU_REG_WATCHDOG, SHORT_WATCHDOG);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_WATCHDOG);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX), 0);
    uint64_t cycles = read_pair(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    ck_assert_msg(cycles >= SHORT_WATCHDOG, "WATCHDOG after %llu cycles", (unsigned long long)cycles);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

START_TEST(unmapped_fetch_is_axi_resp)
{
    if (!have_sim())
        return;
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    end_stream(&s, 0);
    program(&f, &s);
    /* The guard page after the stream's buffer: no DMA buffer there. */
    uint64_t guard = f.insns.phys + 4096;
    write_pair(f.hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, guard);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_AXI_RESP);
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
    end_stream(&s, 1);
    program(&f, &s);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_AXI_RESP);
    odpu_stream_free(&s);
    fixture_close(&f);
}
END_TEST

/* LOAD 2x2 pixels of `rows` channels into IBUF, a compute NOP for the tokens, SAVE them
 * further up the window, END. */
static void copy_stream(odpu_stream *s, uint32_t rows, uint32_t src, uint32_t dst)
{
    odpu_stream_init(s);
    odpu_insn load = {.opcode = ODPU_OP_LOAD, .deps = {.push_next = 1}};
    load.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .ddr_addr = src, .h = 2, .w = 2, .c = rows,
                              .pixel_stride = rows, .row_stride = 2 * rows};
    odpu_insn nop = {.opcode = ODPU_OP_NOP, .deps = {.pop_prev = 1, .push_next = 1}};
    nop.u.nop.engine = ODPU_ENGINE_COMPUTE;
    odpu_insn save = {.opcode = ODPU_OP_SAVE, .deps = {.pop_prev = 1}};
    save.u.save = (odpu_save){.buf = ODPU_BUF_IBUF, .ddr_addr = dst, .h = 2, .w = 2, .c = rows,
                              .pixel_stride = rows, .row_stride = 2 * rows};
    odpu_insn end = {.opcode = ODPU_OP_END};
    odpu_stream_append(s, &load);
    odpu_stream_append(s, &nop);
    odpu_stream_append(s, &save);
    odpu_stream_append(s, &end);
    odpu_err err;
    ck_assert_msg(odpu_stream_status(s, &err) == ODPU_OK, "%s", err.msg);
}

START_TEST(load_save_events_and_traffic)
{
    if (!have_sim())
        return;
    enum { SRC = 0, DST = 256 };
    fixture f;
    fixture_open(&f, NULL, NULL);
    odpu_stream s;
    copy_stream(&s, f.arch.rows, SRC, DST);
    program(&f, &s);
    uint8_t *win = f.window.virt;
    size_t bytes = 4 * (size_t)f.arch.rows;
    for (size_t i = 0; i < WINDOW_BYTES; i++)
        win[i] = (uint8_t)(i * 13 + 1);
    odpu_err err;
    ck_assert(odpu_hal_sync(f.hal, &f.window, 0, WINDOW_BYTES, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
    start_and_wait(&f, TIMEOUT_MS);
    uint32_t status = odpu_hal_reg_read(f.hal, ODPU_REG_STATUS);
    ck_assert_msg(status == ODPU_STATUS_DONE, "STATUS 0x%x ERR_CODE %u at %u", status,
                  odpu_hal_reg_read(f.hal, ODPU_REG_ERR_CODE), odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX));
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
    uint64_t cycles = read_pair(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
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
    copy_stream(&s, f.arch.rows, 0, 256);
    program(&f, &s);
    /* A window the size of a page where no buffer is: the guard page after the window's
     * own buffer. Inside DDR_SIZE, so the engine issues the read and gets DECERR. */
    write_pair(f.hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, f.window.phys + WINDOW_BYTES);
    start_and_wait(&f, TIMEOUT_MS);
    expect_error(&f, ODPU_HW_AXI_RESP);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX), 0);
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
    end_stream(&s, 1);
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

START_TEST(profiling_unsupported_on_ref)
{
    odpu_arch arch;
    load_arch("tiny", &arch);
    odpu_hal_options opt = {.arch = &arch};
    odpu_hal *hal;
    odpu_err err;
    ck_assert(odpu_hal_open("ref", &opt, &hal, &err) == ODPU_OK);
    const odpu_hal_event *ev;
    size_t n;
    ck_assert_int_eq(odpu_hal_events(hal, &ev, &n, &err), ODPU_E_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "'ref'"), "%s", err.msg);
    ck_assert(ev == NULL && n == 0);
    odpu_hal_stats st;
    ck_assert_int_eq(odpu_hal_read_stats(hal, &st, &err), ODPU_E_UNSUPPORTED);
    odpu_hal_close(hal);
}
END_TEST

static Suite *sim_hal_suite(void)
{
    if (!have_sim())
        printf("test_sim_hal: this build has no sim backend (SIM in sim/sim.mk); only the checks of ref run\n");
    Suite *s = suite_create("sim_hal");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, registers_over_axi_lite);
    tcase_add_test(tc, run_to_the_interrupt);
    tcase_add_test(tc, wait_needs_a_start);
    tcase_add_test(tc, wait_times_out_in_simulated_time);
    tcase_add_test(tc, silent_ddr_ends_in_watchdog);
    tcase_add_test(tc, unmapped_fetch_is_axi_resp);
    tcase_add_test(tc, slverr_is_axi_resp);
    tcase_add_test(tc, load_save_events_and_traffic);
    tcase_add_test(tc, unmapped_window_is_axi_resp_at_the_load);
    tcase_add_test(tc, waveform_file);
    tcase_add_test(tc, model_chosen_by_fingerprint);
    tcase_add_test(tc, profiling_unsupported_on_ref);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(sim_hal_suite)
