/* soft_hal.c - the HAL backend of engines written in C (see soft_hal.h): the register file
 * (emu/regfile.h) and the arena (emu/arena.h) dressed around a run function, so the host
 * runtime drives the golden model exactly as it drives a board. What it does not emulate
 * (time, caches) is listed in docs/hal.md. */
#include "emu/soft_hal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emu/arena.h"
#include "host/device_options.h"
#include "emu/regfile.h"
#include "isa/isa.h"

typedef struct soft_dev {
    const odpu_soft_engine *eng;
    void *engine;
    odpu_arena *mem;
    odpu_regfile regs;
    odpu_err fault; /* the emulator itself failed in a run: reported by the next wait */
} soft_dev;

static const char *const identity_values[] = {"from-reset", "after-run", NULL};
enum { IDENTITY_FROM_RESET, IDENTITY_AFTER_RUN };

odpu_status odpu_soft_open(const odpu_soft_engine *eng, const odpu_hal_options *opt, void **out, odpu_err *err)
{
    int identity = IDENTITY_FROM_RESET;
    const odpu_device_option known[] = {{.key = "identity", .values = identity_values, .choice = &identity}};
    odpu_status st = odpu_device_options_parse(eng->name, opt->device, known, sizeof known / sizeof known[0], err);
    if (st != ODPU_OK)
        return st;
    soft_dev *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory for the device state", eng->name);
    d->eng = eng;
    st = odpu_arena_create(ODPU_ARENA_PHYS_BASE, (uint64_t)ODPU_ARENA_DEFAULT_MIB << 20, &d->mem, err);
    if (st == ODPU_OK)
        st = eng->create(opt->arch, &d->engine, err);
    if (st != ODPU_OK) {
        odpu_soft_close(d);
        return st;
    }
    /* The fingerprint of the parameters this instance was built with, as a bitstream would
     * carry it: computed, not copied, so it cannot go stale. */
    odpu_regfile_reset(&d->regs, odpu_arch_fingerprint(opt->arch), identity == IDENTITY_FROM_RESET);
    *out = d;
    return ODPU_OK;
}

void odpu_soft_close(void *dev)
{
    soft_dev *d = dev;
    if (!d)
        return;
    if (d->engine)
        d->eng->destroy(d->engine);
    odpu_arena_destroy(d->mem);
    free(d);
}

/* ---- Runs ------------------------------------------------------------------------------- */

static void finish(soft_dev *d, odpu_hw_error code, uint32_t index, uint32_t done)
{
    odpu_run_outputs out = {.err_code = code, .err_index = index, .insn_done = done};
    odpu_regfile_finish(&d->regs, &out);
}

/* What ap_start does. Both ranges are resolved before the first fetch; a board would run the
 * instructions before a bad address and stop there, so ERR_INDEX is 0 here where it may be
 * later on hardware. The error code is the same. */
static void run(soft_dev *d)
{
    odpu_run_args a;
    odpu_regfile_begin(&d->regs, &a);
    if (odpu_regfile_abort_requested(&d->regs)) {
        finish(d, ODPU_HW_ABORTED, 0, 0);
        return;
    }
    if (a.insn_count == 0) {
        finish(d, ODPU_HW_NO_END, 0, 0); /* nothing may be fetched, so END cannot be */
        return;
    }
    const uint8_t *stream = odpu_arena_resolve(d->mem, a.insn_base, (uint64_t)a.insn_count * ODPU_INSN_BYTES);
    uint8_t empty_window = 0; /* a 0-byte window: every access is DDR_BOUNDS, none reaches the bus */
    uint8_t *ddr = a.ddr_size ? odpu_arena_resolve(d->mem, a.ddr_base, a.ddr_size) : &empty_window;
    if (!stream || !ddr) {
        finish(d, ODPU_HW_AXI_RESP, 0, 0);
        return;
    }
    odpu_soft_result res = {ODPU_HW_OK, 0, 0};
    odpu_status st = d->eng->run(d->engine, stream, a.insn_count, ddr, a.ddr_size, &res, &d->fault);
    if (st != ODPU_OK) {
        odpu_err_prefix(&d->fault, "%s: the engine failed: ", d->eng->name);
        finish(d, ODPU_HW_OK, 0, 0); /* the run is over; wait reports the failure */
        return;
    }
    /* Bytes past a buffer's end are outside every window: a write there is the engine's bug,
     * kept for wait to report (the run itself is over). */
    odpu_arena_check_slack(d->mem, d->eng->name, &d->fault);
    finish(d, res.hw_error, res.err_index, res.insns_done);
}

uint32_t odpu_soft_reg_read(void *dev, uint32_t offset)
{
    soft_dev *d = dev;
    return odpu_regfile_read(&d->regs, offset);
}

void odpu_soft_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    soft_dev *d = dev;
    odpu_regfile_write(&d->regs, offset, value);
    /* The engine runs the moment it is started; one run per write, so auto_restart cannot
     * spin here (the next run waits for the next wait). */
    if (offset == ODPU_REG_AP_CTRL && odpu_regfile_start_pending(&d->regs))
        run(d);
}

odpu_status odpu_soft_wait_irq(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    soft_dev *d = dev;
    (void)timeout_ms; /* runs finish inside the write that starts them */
    if (!odpu_regfile_irq(&d->regs) && odpu_regfile_start_pending(&d->regs))
        run(d); /* auto_restart kept ap_start: this is the next run */
    if (d->fault.code != ODPU_OK) {
        odpu_status code = d->fault.code;
        if (err)
            *err = d->fault;
        odpu_err_clear(&d->fault);
        return code;
    }
    if (!odpu_regfile_irq(&d->regs))
        return odpu_fail(err, ODPU_E_TIMEOUT,
                         "no interrupt will come: no run is going (AP_CTRL 0x%08" PRIx32 ", IER 0x%" PRIx32
                         ", GIE 0x%" PRIx32 ")",
                         odpu_regfile_peek(&d->regs, ODPU_REG_AP_CTRL), odpu_regfile_peek(&d->regs, ODPU_REG_IER),
                         odpu_regfile_peek(&d->regs, ODPU_REG_GIE));
    return ODPU_OK;
}

/* ---- DMA buffers ------------------------------------------------------------------------ */

odpu_status odpu_soft_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    soft_dev *d = dev;
    odpu_status st = odpu_arena_alloc(d->mem, size, buf, err);
    return st == ODPU_OK ? st : odpu_err_prefix(err, "%s: ", d->eng->name);
}

void odpu_soft_buf_free(void *dev, odpu_dma_buf *buf)
{
    soft_dev *d = dev;
    odpu_arena_free(d->mem, buf);
}

odpu_status odpu_soft_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len, odpu_sync_dir dir,
                               odpu_err *err)
{
    const soft_dev *d = dev;
    (void)dir; /* host and "device" share one memory: there is no cache to flush */
    return odpu_arena_check_sync(d->mem, d->eng->name, buf, offset, len, err);
}
