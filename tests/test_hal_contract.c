/* test_hal_contract.c - the contract of docs/hal.md, on every backend of ODPU_TEST_BACKENDS
 * (make test: every backend the build has): registry and capabilities, refused options, the
 * identity, the register map of isa/regs.def (input, output, reserved words; AP_CTRL, GIE,
 * IER, ISR), DMA buffers and sync, the run protocol (start, wait, done, interrupt and its
 * acknowledgement, auto_restart), engine errors, the wait timeout, and abort from any state.
 * One suite, so no backend gets a private copy of these checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "isa/stream.h"
#include "tests/engine_runner.h"
#include "tests/streams.h"
#include "tests/testutil.h"

enum {
    TIMEOUT_MS = 60 * 1000, /* host wall time; engines end a hang with WATCHDOG long before */
    ABORT_MS = 5000,
    PAGE = 4096,
    WINDOW_BYTES = 4096,
    LONG_STREAM = 4000,     /* compute NOPs: thousands of cycles on a clocked engine */
    HUGE_BYTES_SHIFT = 40,  /* a terabyte: more than any arena holds */
};

/* Past the ZynqMP's high DDR range (which ends below 0x10_0000_0000) and any simulated memory. */
#define BEYOND_DDR UINT64_C(0xF000000000)

/* ---- Fixtures ---------------------------------------------------------------------------- */

static void load_arch(const char *name, odpu_arch *arch)
{
    odpu_err err;
    ck_assert_msg(odpu_arch_load(test_arch_path(name), arch, &err) == ODPU_OK, "%s", err.msg);
}

typedef struct fixture {
    odpu_arch arch;
    odpu_hal *hal;
    const odpu_hal_caps *caps;
    odpu_dma_buf insns, window;
    size_t n_insns;
} fixture;

static odpu_status try_open(fixture *f, const char *backend, const char *device, odpu_err *err)
{
    memset(f, 0, sizeof *f);
    load_arch("tiny", &f->arch);
    odpu_hal_options opt = {.arch = &f->arch, .device = device ? device : engine_device(backend)};
    odpu_status st = odpu_hal_open(backend, &opt, &f->hal, err);
    if (st == ODPU_OK)
        f->caps = odpu_hal_capabilities(f->hal);
    return st;
}

static void open_backend(fixture *f, const char *backend)
{
    odpu_err err;
    ck_assert_msg(try_open(f, backend, NULL, &err) == ODPU_OK, "%s: %s", backend, err.msg);
}

static void close_backend(fixture *f)
{
    odpu_hal_free(f->hal, &f->insns);
    odpu_hal_free(f->hal, &f->window);
    odpu_hal_close(f->hal);
}

/* The statement after it runs once per backend under test, with `name` its name and `f` a
 * fixture for it to open. */
#define FOR_EACH_BACKEND(f, name)                                     \
    engine_list list_;                                                \
    engine_backends(&list_);                                          \
    fixture f;                                                        \
    for (size_t b_ = 0; b_ < list_.count; b_++)                       \
        for (const char *name = list_.names[b_]; name; name = NULL)

static void finish_stream(odpu_stream *s)
{
    odpu_err err;
    ck_assert_msg(odpu_stream_status(s, &err) == ODPU_OK, "%s", err.msg);
}

/* The stream in a DMA buffer and a patterned window beside it, both programmed. */
static void program(fixture *f, const odpu_stream *s)
{
    odpu_err err;
    odpu_hal_free(f->hal, &f->insns);
    odpu_hal_free(f->hal, &f->window);
    f->n_insns = s->n_insns;
    ck_assert(odpu_hal_alloc(f->hal, s->n_insns * ODPU_INSN_BYTES, &f->insns, &err) == ODPU_OK);
    ck_assert(odpu_hal_alloc(f->hal, WINDOW_BYTES, &f->window, &err) == ODPU_OK);
    memcpy(f->insns.virt, s->bytes, s->n_insns * ODPU_INSN_BYTES);
    uint8_t *w = f->window.virt;
    for (size_t i = 0; i < WINDOW_BYTES; i++)
        w[i] = (uint8_t)(i * 13 + 1);
    ck_assert(odpu_hal_sync(f->hal, &f->insns, 0, f->insns.size, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
    ck_assert(odpu_hal_sync(f->hal, &f->window, 0, WINDOW_BYTES, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
    odpu_hal_reg_write64(f->hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, f->insns.phys);
    odpu_hal_reg_write(f->hal, ODPU_REG_INSN_COUNT, (uint32_t)s->n_insns);
    odpu_hal_reg_write64(f->hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, f->window.phys);
    odpu_hal_reg_write64(f->hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, WINDOW_BYTES);
    odpu_hal_reg_write(f->hal, ODPU_REG_ABORT, 0);
}

static void start_and_wait(fixture *f, const char *backend)
{
    odpu_err err;
    ck_assert_msg(odpu_hal_start(f->hal, &err) == ODPU_OK, "%s: %s", backend, err.msg);
    ck_assert_msg(odpu_hal_wait(f->hal, TIMEOUT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
}

/* AP_CTRL after a run's end: done and idle, start clear; reading it cleared done. */
static void expect_done(fixture *f, const char *backend)
{
    uint32_t ctrl = odpu_hal_reg_read(f->hal, ODPU_REG_AP_CTRL);
    ck_assert_msg((ctrl & (ODPU_AP_DONE | ODPU_AP_IDLE | ODPU_AP_READY)) == (ODPU_AP_DONE | ODPU_AP_IDLE | ODPU_AP_READY) &&
                      !(ctrl & ODPU_AP_START),
                  "%s: AP_CTRL 0x%x after a run", backend, ctrl);
    ctrl = odpu_hal_reg_read(f->hal, ODPU_REG_AP_CTRL);
    ck_assert_msg(!(ctrl & (ODPU_AP_DONE | ODPU_AP_READY)) && (ctrl & ODPU_AP_IDLE),
                  "%s: AP_CTRL 0x%x: ap_done and ap_ready must clear on read", backend, ctrl);
}

static void expect_outcome(fixture *f, const char *backend, odpu_hw_error code, uint32_t index)
{
    uint32_t got = odpu_hal_reg_read(f->hal, ODPU_REG_ERR_CODE);
    uint32_t at = odpu_hal_reg_read(f->hal, ODPU_REG_ERR_INDEX);
    ck_assert_msg(got == (uint32_t)code && at == index, "%s: ERR_CODE %u (%s) at %u, expected %s at %u", backend, got,
                  odpu_hw_error_name((odpu_hw_error)got), at, odpu_hw_error_name(code), index);
}

/* ---- Registry, capabilities, options ------------------------------------------------------- */

START_TEST(registry_and_capabilities)
{
    const char *const *names = odpu_hal_backends();
    ck_assert_str_eq(names[0], "ref");
    for (const char *const *n = names; *n; n++) {
        const odpu_hal_caps *c = odpu_hal_backend_capabilities(*n);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(c->what && *c->what, "%s has no description", *n);
        ck_assert_str_ne(odpu_timing_name(c->timing), "?");
    }
    ck_assert_ptr_null(odpu_hal_backend_capabilities("fpga9000"));
    ck_assert_int_eq(odpu_hal_backend_capabilities("ref")->timing, ODPU_TIMING_NONE);
    fixture unknown;
    odpu_err err;
    ck_assert_int_eq(try_open(&unknown, "fpga9000", NULL, &err), ODPU_E_ARG);
    ck_assert_ptr_null(unknown.hal);
    ck_assert_msg(strstr(err.msg, "fpga9000") && strstr(err.msg, "ref"), "%s", err.msg);
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        ck_assert_str_eq(odpu_hal_backend_name(f.hal), backend);
        /* A handle may say more precisely how it is timed (the uio backend on a virtual board is
         * simulated), never offer other features than its backend declares. */
        const odpu_hal_caps *declared = odpu_hal_backend_capabilities(backend);
        ck_assert_int_eq(f.caps->trace, declared->trace);
        ck_assert_int_eq(f.caps->events, declared->events);
        ck_assert_int_eq(f.caps->exclusive, declared->exclusive);
        ck_assert_int_eq(f.caps->reset, declared->reset);
        ck_assert_str_eq(odpu_hal_arch(f.hal)->name, "tiny");
        close_backend(&f);
    }
}
END_TEST

START_TEST(options_a_backend_cannot_honour_are_refused)
{
    FOR_EACH_BACKEND(f, backend) {
        odpu_err err;
        ck_assert_int_eq(try_open(&f, backend, "no-such-option=1", &err), ODPU_E_ARG);
        ck_assert_msg(strstr(err.msg, "no-such-option"), "%s: %s", backend, err.msg);
        if (!odpu_hal_backend_capabilities(backend)->trace) {
            odpu_arch arch;
            load_arch("tiny", &arch);
            odpu_hal_options opt = {.arch = &arch, .trace_path = "wave.fst"};
            odpu_hal *hal = NULL;
            ck_assert_int_eq(odpu_hal_open(backend, &opt, &hal, &err), ODPU_E_UNSUPPORTED);
            ck_assert_ptr_null(hal);
            ck_assert_msg(strstr(err.msg, "wave.fst") && strstr(err.msg, backend), "%s", err.msg);
        }
        if (!odpu_hal_backend_capabilities(backend)->events) {
            open_backend(&f, backend);
            const odpu_hal_event *ev;
            size_t n;
            ck_assert_int_eq(odpu_hal_events(f.hal, &ev, &n, &err), ODPU_E_UNSUPPORTED);
            ck_assert(ev == NULL && n == 0);
            odpu_hal_stats st; /* a clockless engine has nothing to measure; a board its counters */
            if (f.caps->timing == ODPU_TIMING_NONE)
                ck_assert_int_eq(odpu_hal_read_stats(f.hal, &st, &err), ODPU_E_UNSUPPORTED);
            close_backend(&f);
        }
    }
}
END_TEST

/* The rule for a compiled backend this run leaves out: one that needs no hardware must be under
 * test (ODPU_TEST_BACKENDS, which make test sets to the Makefile's TEST_BACKENDS); one whose
 * timing is measured needs a board and is left out by name, with how to run it on one. A run
 * that tests a board's engine is about that board and skips the rule. */
START_TEST(backends_left_out_are_named)
{
    engine_list list;
    engine_backends(&list);
    for (size_t i = 0; i < list.count; i++) {
        const odpu_hal_caps *caps = odpu_hal_backend_capabilities(list.names[i]);
        if (caps && caps->exclusive)
            return; /* a run about one board's engine (tests/test_vboard.sh), not about this build */
    }
    for (const char *const *n = odpu_hal_backends(); *n; n++) {
        int listed = 0;
        for (size_t i = 0; i < list.count; i++)
            listed |= !strcmp(list.names[i], *n);
        if (listed)
            continue;
        ck_assert_msg(odpu_hal_backend_capabilities(*n)->timing == ODPU_TIMING_MEASURED,
                      "backend '%s' needs no board but is not under test: add it to ODPU_TEST_BACKENDS", *n);
        fprintf(stderr, "hal_contract: backend '%s' (timing measured) needs a board and is not under test here; "
                        "on one: ODPU_TEST_BACKENDS=ref,%s\n", *n, *n);
    }
}
END_TEST

/* ---- Identity and the register map ------------------------------------------------------- */

START_TEST(identity)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_hal_identity id;
        odpu_err err;
        ck_assert_msg(odpu_hal_identify(f.hal, TIMEOUT_MS, &id, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_uint_eq(id.magic, ODPU_MAGIC);
        ck_assert_uint_eq(id.version, ODPU_ISA_VERSION);
        ck_assert_uint_eq(id.fingerprint, odpu_arch_fingerprint(&f.arch));
        close_backend(&f);
        /* An engine whose output registers read 0 until it has run (the HLS IP) is
         * identified by an empty run, where the backend can model one. */
        if (try_open(&f, backend, "identity=after-run", &err) != ODPU_OK)
            continue;
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_MAGIC), 0);
        ck_assert_msg(odpu_hal_identify(f.hal, TIMEOUT_MS, &id, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_int_eq(id.probed, 1);
        ck_assert_uint_eq(id.magic, ODPU_MAGIC);
        ck_assert_uint_eq(id.fingerprint, odpu_arch_fingerprint(&f.arch));
        expect_outcome(&f, backend, ODPU_HW_NO_END, 0); /* the empty run */
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL) & ODPU_AP_DONE, 0);
        close_backend(&f);
    }
}
END_TEST

/* Inputs keep all 32 bits, outputs and reserved words ignore writes, nothing answers past the map. */
START_TEST(register_words)
{
#define IN_WORDS_PTR(NAME) ODPU_REG_##NAME##_LO, ODPU_REG_##NAME##_HI,
#define IN_WORDS_U64(NAME) IN_WORDS_PTR(NAME)
#define IN_WORDS_U32(NAME) ODPU_REG_##NAME,
#define X_IN(NAME, dir, kind, desc) X_IN_##dir(NAME, kind)
#define X_IN_IN(NAME, kind) IN_WORDS_##kind(NAME)
#define X_IN_OUT(NAME, kind)
    static const uint32_t inputs[] = {ODPU_ARGS(X_IN)};
#undef X_IN_IN
#undef X_IN_OUT
#define X_IN_IN(NAME, kind)
#define X_IN_OUT(NAME, kind) IN_WORDS_##kind(NAME)
    static const uint32_t outputs[] = {ODPU_ARGS(X_IN)};
#undef X_IN_IN
#undef X_IN_OUT
#undef X_IN
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
            if (inputs[i] == ODPU_REG_ABORT)
                continue; /* a 1 there is an abort request: tested below */
            uint32_t v = 0xA5000000u | (uint32_t)i << 8 | 0x5Au;
            odpu_hal_reg_write(f.hal, inputs[i], v);
            ck_assert_msg(odpu_hal_reg_read(f.hal, inputs[i]) == v, "%s: %s", backend, odpu_reg_name(inputs[i]));
        }
        for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
            uint32_t before = odpu_hal_reg_read(f.hal, outputs[i]);
            odpu_hal_reg_write(f.hal, outputs[i], ~before);
            ck_assert_msg(odpu_hal_reg_read(f.hal, outputs[i]) == before, "%s: %s took a write", backend,
                          odpu_reg_name(outputs[i]));
        }
        for (uint32_t off = 0; off < ODPU_REG_MAP_BYTES + 2 * ODPU_REG_BYTES; off += ODPU_REG_BYTES) {
            const char *name = odpu_reg_name(off);
            if (name[0] != '(')
                continue;
            odpu_hal_reg_write(f.hal, off, 0xFFFFFFFFu);
            ck_assert_msg(odpu_hal_reg_read(f.hal, off) == 0, "%s: 0x%02x %s reads non-zero", backend, off, name);
        }
        /* GIE and IER hold their bits only. */
        odpu_hal_reg_write(f.hal, ODPU_REG_GIE, 0xFFFFFFFFu);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_GIE), ODPU_GIE_ENABLE);
        odpu_hal_reg_write(f.hal, ODPU_REG_IER, 0xFFFFFFFFu);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_IER), ODPU_IRQ_DONE | ODPU_IRQ_READY);
        /* Idle after power-up: nothing pending. A board's engine outlives the processes that
         * drive it: it is as the last one left it until an abort settles it. */
        odpu_err err;
        if (f.caps->exclusive)
            ck_assert_msg(odpu_hal_abort(f.hal, ABORT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ISR), 0);
        close_backend(&f);
    }
}
END_TEST

/* ---- DMA buffers -------------------------------------------------------------------------- */

START_TEST(dma_buffers)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_dma_buf a, b;
        odpu_err err;
        ck_assert_int_eq(odpu_hal_alloc(f.hal, 100, &a, &err), ODPU_OK);
        ck_assert_int_eq(odpu_hal_alloc(f.hal, 3 * PAGE, &b, &err), ODPU_OK);
        ck_assert_uint_ne(a.phys, 0);
        ck_assert_uint_eq(a.phys % PAGE, 0);
        ck_assert_uint_eq(b.phys % PAGE, 0);
        ck_assert_msg(b.phys >= a.phys + PAGE || a.phys >= b.phys + 3 * PAGE, "%s: buffers overlap", backend);
        ck_assert_uint_eq(a.size, 100);
        static const uint8_t zeros[100];
        ck_assert_mem_eq(a.virt, zeros, sizeof zeros); /* zeroed */
        memset(a.virt, 1, a.size);                     /* ASan checks the mapping is as large as promised */
        memset(b.virt, 2, b.size);
        ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 0, 100, ODPU_SYNC_TO_DEVICE, &err), ODPU_OK);
        ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 99, 1, ODPU_SYNC_FROM_DEVICE, &err), ODPU_OK);
        ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 50, 51, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
        ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 101, 0, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
        ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 1, SIZE_MAX, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
        odpu_dma_buf stranger = a;
        stranger.backend = &stranger;
        ck_assert_int_eq(odpu_hal_sync(f.hal, &stranger, 0, 1, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
        ck_assert_int_eq(odpu_hal_alloc(f.hal, 0, &a, &err), ODPU_E_ARG);
        odpu_dma_buf huge;
        ck_assert_int_eq(odpu_hal_alloc(f.hal, (size_t)1 << HUGE_BYTES_SHIFT, &huge, &err), ODPU_E_NOMEM);
        ck_assert_ptr_null(huge.virt);
        odpu_hal_free(f.hal, &b);
        ck_assert_ptr_null(b.virt);
        odpu_hal_close(f.hal); /* frees a */
    }
}
END_TEST

/* ---- Runs --------------------------------------------------------------------------------- */

START_TEST(run_to_done_and_interrupt)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_stream s;
        test_copy_stream(&s, f.arch.rows, 0, 256);
        program(&f, &s);
        odpu_err err;
        ck_assert_int_eq(odpu_hal_wait(f.hal, TIMEOUT_MS, &err), ODPU_E_ARG); /* nothing started */
        ck_assert_msg(strstr(err.msg, "without a start"), "%s", err.msg);
        start_and_wait(&f, backend);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ISR), 0); /* wait acknowledged it */
        expect_done(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_OK, 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), s.n_insns);
        ck_assert(odpu_hal_sync(f.hal, &f.window, 0, WINDOW_BYTES, ODPU_SYNC_FROM_DEVICE, &err) == ODPU_OK);
        const uint8_t *w = f.window.virt;
        for (size_t i = 0; i < 4 * f.arch.rows; i++)
            ck_assert_msg(w[256 + i] == (uint8_t)(i * 13 + 1), "%s: byte %zu not copied", backend, 256 + i);
        ck_assert_int_eq(odpu_hal_wait(f.hal, TIMEOUT_MS, &err), ODPU_E_ARG); /* its end was seen */

        /* Counters: a clock counts, no clock reads 0. */
        uint64_t cycles = odpu_hal_reg_read64(f.hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
        uint32_t busy_load = odpu_hal_reg_read(f.hal, ODPU_REG_BUSY_LOAD);
        if (f.caps->timing == ODPU_TIMING_NONE)
            ck_assert_msg(cycles == 0 && busy_load == 0, "%s: a backend without a clock counts cycles", backend);
        else
            ck_assert_msg(cycles > f.arch.ddr_latency_cycles && busy_load > 0 && busy_load <= cycles,
                          "%s: CYCLES %llu BUSY_LOAD %u", backend, (unsigned long long)cycles, busy_load);

        /* The interrupt by hand: IER picks the ISR bits, GIE the line, ISR toggles on write. */
        odpu_hal_reg_write(f.hal, ODPU_REG_GIE, 0);
        odpu_hal_reg_write(f.hal, ODPU_REG_IER, ODPU_IRQ_DONE | ODPU_IRQ_READY);
        odpu_hal_reg_write(f.hal, ODPU_REG_AP_CTRL, ODPU_AP_START);
        odpu_hal_reg_write(f.hal, ODPU_REG_GIE, ODPU_GIE_ENABLE);
        ck_assert_msg(odpu_hal_wait(f.hal, TIMEOUT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        odpu_hal_reg_write(f.hal, ODPU_REG_ISR, ODPU_IRQ_DONE); /* toggles a clear bit on */
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ISR), ODPU_IRQ_DONE);
        ck_assert(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL) & ODPU_AP_INTERRUPT);
        odpu_hal_reg_write(f.hal, ODPU_REG_GIE, 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL) & ODPU_AP_INTERRUPT, 0);
        odpu_hal_reg_write(f.hal, ODPU_REG_ISR, ODPU_IRQ_DONE); /* and off again */
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ISR), 0);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

START_TEST(auto_restart_runs_again)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_stream s;
        test_nop_stream(&s, 2, ODPU_ENGINE_COMPUTE);
        program(&f, &s);
        odpu_err err;
        odpu_hal_reg_write(f.hal, ODPU_REG_GIE, ODPU_GIE_ENABLE);
        odpu_hal_reg_write(f.hal, ODPU_REG_IER, ODPU_IRQ_DONE);
        odpu_hal_reg_write(f.hal, ODPU_REG_AP_CTRL, ODPU_AP_START | ODPU_AP_AUTO_RESTART);
        for (int run = 0; run < 2; run++) {
            ck_assert_msg(odpu_hal_wait(f.hal, TIMEOUT_MS, &err) == ODPU_OK, "%s run %d: %s", backend, run, err.msg);
            ck_assert(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL) & ODPU_AP_AUTO_RESTART);
        }
        /* Clearing auto_restart lets the run in progress be the last. */
        odpu_hal_reg_write(f.hal, ODPU_REG_AP_CTRL, 0);
        ck_assert_msg(odpu_hal_wait(f.hal, TIMEOUT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_int_eq(odpu_hal_wait(f.hal, TIMEOUT_MS, &err), ODPU_E_ARG);
        expect_outcome(&f, backend, ODPU_HW_OK, 0);
        uint32_t ctrl = odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL);
        ck_assert_msg((ctrl & ODPU_AP_IDLE) && !(ctrl & (ODPU_AP_START | ODPU_AP_AUTO_RESTART)), "%s: AP_CTRL 0x%x",
                      backend, ctrl);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

/* Engine errors come back as ERR_CODE and ERR_INDEX with a normal end (done, interrupt). */
START_TEST(engine_errors_end_the_run)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_stream s;
        odpu_stream_init(&s);
        odpu_insn nop = {.opcode = ODPU_OP_NOP};
        nop.u.nop.engine = ODPU_ENGINE_LOAD;
        odpu_insn bad = {.opcode = ODPU_OP_LOAD}; /* bytes [4000, 4200) of a 4096-byte window */
        bad.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .ddr_addr = 4000, .h = 1, .w = 1, .c = 200,
                                 .pixel_stride = 200, .row_stride = 200};
        odpu_insn end = {.opcode = ODPU_OP_END};
        odpu_stream_append(&s, &nop);
        odpu_stream_append(&s, &bad);
        odpu_stream_append(&s, &end);
        finish_stream(&s);
        program(&f, &s);
        start_and_wait(&f, backend);
        expect_done(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_DDR_BOUNDS, 1);

        /* Nothing mapped at the stream: the bus answers with an error. An emulated device's
         * memory is its buffers (the guard page after the stream is a hole); a board's engine
         * reaches all of the DDR, so its hole lies beyond any DDR. */
        odpu_stream_free(&s);
        test_nop_stream(&s, 1, ODPU_ENGINE_COMPUTE);
        program(&f, &s);
        uint64_t insns = f.insns.phys;
        uint64_t hole = f.caps->exclusive ? BEYOND_DDR : insns + PAGE;
        odpu_hal_reg_write64(f.hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, hole);
        start_and_wait(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_AXI_RESP, 0);
        odpu_hal_reg_write64(f.hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, insns);

        /* INSN_COUNT 0: nothing fetched, no END (the identifying run). */
        odpu_hal_reg_write(f.hal, ODPU_REG_INSN_COUNT, 0);
        start_and_wait(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_NO_END, 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), 0);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

/* ---- Timeout and abort --------------------------------------------------------------------- */

/* ABORT set before the start: the run ends at once, nothing fetched or written. */
START_TEST(abort_before_start)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_stream s;
        test_copy_stream(&s, f.arch.rows, 0, 256);
        program(&f, &s);
        odpu_hal_reg_write(f.hal, ODPU_REG_ABORT, ODPU_ABORT_REQUEST);
        start_and_wait(&f, backend);
        expect_done(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_ABORTED, 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), 0);
        odpu_err err;
        ck_assert(odpu_hal_sync(f.hal, &f.window, 0, WINDOW_BYTES, ODPU_SYNC_FROM_DEVICE, &err) == ODPU_OK);
        const uint8_t *w = f.window.virt;
        for (size_t i = 0; i < WINDOW_BYTES; i++)
            ck_assert_msg(w[i] == (uint8_t)(i * 13 + 1), "%s: byte %zu written by an aborted run", backend, i);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

/* A wait past its timeout leaves the run going; abort stops it at an instruction boundary
 * (or finds it over, on a backend whose runs end inside the start), and the engine then
 * runs the next stream correctly. An abort of an idle engine changes nothing. */
START_TEST(timeout_then_abort)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_err err;
        ck_assert_msg(odpu_hal_abort(f.hal, ABORT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
        odpu_stream s;
        test_nop_stream(&s, LONG_STREAM, ODPU_ENGINE_COMPUTE);
        program(&f, &s);
        ck_assert_msg(odpu_hal_start(f.hal, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        odpu_status st = odpu_hal_wait(f.hal, 0, &err);
        if (f.caps->timing == ODPU_TIMING_NONE) {
            ck_assert_msg(st == ODPU_OK, "%s: %s", backend, err.msg); /* over inside the start */
        } else {
            ck_assert_msg(st == ODPU_E_TIMEOUT, "%s: a %d-instruction run ended within 0 ms: %s", backend,
                          LONG_STREAM, err.msg);
            ck_assert_msg(strstr(err.msg, "ms"), "%s: %s", backend, err.msg);
            ck_assert_int_eq(odpu_hal_start(f.hal, &err), ODPU_E_ARG); /* busy */
        }
        ck_assert_msg(odpu_hal_abort(f.hal, ABORT_MS, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        uint32_t ctrl = odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL);
        ck_assert_msg(ctrl == ODPU_AP_IDLE, "%s: AP_CTRL 0x%x after abort", backend, ctrl);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ISR), 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ABORT), 0);
        uint32_t code = odpu_hal_reg_read(f.hal, ODPU_REG_ERR_CODE);
        uint32_t index = odpu_hal_reg_read(f.hal, ODPU_REG_ERR_INDEX);
        uint32_t done = odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE);
        if (f.caps->timing == ODPU_TIMING_NONE) {
            ck_assert_uint_eq(code, ODPU_HW_OK);
            ck_assert_uint_eq(done, s.n_insns);
        } else {
            /* One engine retires in order: everything before ERR_INDEX and nothing after. */
            ck_assert_msg(code == ODPU_HW_ABORTED && index < s.n_insns && done == index,
                          "%s: ERR_CODE %u ERR_INDEX %u INSN_DONE %u", backend, code, index, done);
        }
        ck_assert_int_eq(odpu_hal_wait(f.hal, TIMEOUT_MS, &err), ODPU_E_ARG); /* nothing left to wait for */
        odpu_stream_free(&s);
        test_copy_stream(&s, f.arch.rows, 0, 256);
        program(&f, &s);
        start_and_wait(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_OK, 0);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), s.n_insns);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

/* An abort that does not stop the engine in time falls back on the backend's reset line:
 * with a 0 ms budget nothing stops in time. The engine is idle afterwards and works. A
 * backend without a reset line (a board) reports the timeout; a second abort with time to
 * spare then ends the run. */
START_TEST(abort_falls_back_on_reset)
{
    FOR_EACH_BACKEND(f, backend) {
        open_backend(&f, backend);
        odpu_stream s;
        test_nop_stream(&s, LONG_STREAM, ODPU_ENGINE_COMPUTE);
        program(&f, &s);
        odpu_err err;
        ck_assert(odpu_hal_start(f.hal, &err) == ODPU_OK);
        odpu_status st = odpu_hal_abort(f.hal, 0, &err);
        if (!f.caps->reset && st == ODPU_E_TIMEOUT) {
            ck_assert_msg(strstr(err.msg, "does not stop"), "%s: %s", backend, err.msg);
            st = odpu_hal_abort(f.hal, ABORT_MS, &err);
        }
        ck_assert_msg(st == ODPU_OK, "%s: %s", backend, err.msg);
        ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL) & (ODPU_AP_IDLE | ODPU_AP_START), ODPU_AP_IDLE);
        odpu_stream_free(&s);
        test_copy_stream(&s, f.arch.rows, 0, 256);
        program(&f, &s); /* a reset also cleared the registers: program them again */
        start_and_wait(&f, backend);
        expect_outcome(&f, backend, ODPU_HW_OK, 0);
        odpu_stream_free(&s);
        close_backend(&f);
    }
}
END_TEST

static Suite *hal_contract_suite(void)
{
    Suite *s = suite_create("hal_contract");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, registry_and_capabilities);
    tcase_add_test(tc, options_a_backend_cannot_honour_are_refused);
    tcase_add_test(tc, backends_left_out_are_named);
    tcase_add_test(tc, identity);
    tcase_add_test(tc, register_words);
    tcase_add_test(tc, dma_buffers);
    tcase_add_test(tc, run_to_done_and_interrupt);
    tcase_add_test(tc, auto_restart_runs_again);
    tcase_add_test(tc, engine_errors_end_the_run);
    tcase_add_test(tc, abort_before_start);
    tcase_add_test(tc, timeout_then_abort);
    tcase_add_test(tc, abort_falls_back_on_reset);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(hal_contract_suite)
