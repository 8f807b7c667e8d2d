/* hal_sim.c - the "sim" HAL backend: the verilated engine (sim/vl_device.h) behind the HAL,
 * its DMA buffers in the emulation layer's arena (emu/arena.h). The device does the cycles;
 * this file only maps HAL calls onto it and keeps wall-clock time. docs/sim.md describes it. */
#include <inttypes.h>
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"
#include "emu/arena.h"
#include "host/device_options.h"
#include "host/hal.h"
#include "sim/vl_device.h"

enum {
    CYCLES_PER_CHECK = 4096, /* cycles simulated between two looks at the wall clock */
};

typedef struct sim_dev {
    odpu_arena *mem;
    vl_device *dev;
} sim_dev;

static void sim_close(void *dev)
{
    sim_dev *d = dev;
    if (!d)
        return;
    vl_device_close(d->dev);
    odpu_arena_destroy(d->mem);
    free(d);
}

/* Device options: ddr-fault=none|silent|slverr (a DDR that stops answering, or answers every
 * burst with SLVERR), for tests of the engine's error paths. */
static const char *const fault_values[] = {"none", "silent", "slverr", NULL};
static const ddr_fault fault_of[] = {DDR_FAULT_NONE, DDR_FAULT_SILENT, DDR_FAULT_SLVERR};

static odpu_status sim_open(const odpu_hal_options *opt, void **out, odpu_err *err)
{
    int fault = 0;
    const odpu_device_option known[] = {{.key = "ddr-fault", .values = fault_values, .choice = &fault}};
    odpu_status st = odpu_device_options_parse("sim", opt->device, known, sizeof known / sizeof known[0], err);
    if (st != ODPU_OK)
        return st;
    sim_dev *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "sim: out of memory for the device state");
    st = odpu_arena_create(ODPU_ARENA_PHYS_BASE, (uint64_t)ODPU_ARENA_DEFAULT_MIB << 20, &d->mem, err);
    if (st == ODPU_OK) {
        vl_device_options vo = {.arch = opt->arch, .memory = d->mem, .trace_path = opt->trace_path,
                                .fault = fault_of[fault]};
        st = vl_device_open(&vo, &d->dev, err);
    }
    if (st != ODPU_OK) {
        sim_close(d);
        return odpu_err_prefix(err, "sim: ");
    }
    *out = d;
    return ODPU_OK;
}

static uint32_t sim_reg_read(void *dev, uint32_t offset)
{
    sim_dev *d = dev;
    return vl_device_read(d->dev, offset);
}

static void sim_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    sim_dev *d = dev;
    vl_device_write(d->dev, offset, value);
}

static odpu_status sim_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    sim_dev *d = dev;
    odpu_status st = odpu_arena_alloc(d->mem, size, buf, err);
    return st == ODPU_OK ? st : odpu_err_prefix(err, "sim: ");
}

static void sim_buf_free(void *dev, odpu_dma_buf *buf)
{
    sim_dev *d = dev;
    odpu_arena_free(d->mem, buf);
}

static odpu_status sim_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len, odpu_sync_dir dir,
                                odpu_err *err)
{
    const sim_dev *d = dev;
    (void)dir; /* the DDR model reads and writes the host's copy: there is no cache */
    return odpu_arena_check_sync(d->mem, "sim", buf, offset, len, err);
}

static odpu_status report_fault(const sim_dev *d, odpu_err *err)
{
    const odpu_err *f = vl_device_fault(d->dev);
    if (f->code == ODPU_OK)
        return ODPU_OK;
    if (err)
        *err = *f;
    return f->code;
}

/* The clock runs while the host waits: timeout_ms is host wall time (docs/hal.md). */
static odpu_status sim_wait_irq(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    sim_dev *d = dev;
    uint64_t deadline = odpu_now_ns() + (uint64_t)timeout_ms * ODPU_NS_PER_MS;
    uint64_t simulated = 0;
    for (;;) {
        odpu_status st = report_fault(d, err);
        if (st != ODPU_OK)
            return st;
        if (vl_device_irq(d->dev))
            return ODPU_OK;
        if (odpu_now_ns() >= deadline)
            break;
        simulated += vl_device_run(d->dev, CYCLES_PER_CHECK);
    }
    return odpu_fail(err, ODPU_E_TIMEOUT,
                     "no interrupt within %" PRIu32 " ms of wall time: %" PRIu64 " cycles simulated meanwhile, %" PRIu64
                     " since the run began (arch %s), %zu DDR bursts pending",
                     timeout_ms, simulated, vl_device_run_cycles(d->dev), vl_device_arch_name(d->dev),
                     vl_device_ddr_pending(d->dev));
}

static void sim_reset(void *dev)
{
    sim_dev *d = dev;
    vl_device_reset(d->dev);
}

static odpu_status sim_events(void *dev, const odpu_hal_event **ev, size_t *n, odpu_err *err)
{
    const sim_dev *d = dev;
    (void)err;
    vl_device_events(d->dev, ev, n);
    return ODPU_OK;
}

static odpu_status sim_stats(void *dev, odpu_hal_stats *out, odpu_err *err)
{
    const sim_dev *d = dev;
    odpu_status st = vl_device_stats(d->dev, out, err);
    return st == ODPU_OK ? st : odpu_err_prefix(err, "sim: ");
}

extern const odpu_hal_ops odpu_hal_sim_ops;
const odpu_hal_ops odpu_hal_sim_ops = {
    .name = "sim",
    .caps = {.timing = ODPU_TIMING_SIMULATED, .trace = 1, .events = 1, .exclusive = 0, .reset = 1,
             .what = "the RTL of rtl/ in Verilator: cycles at the arch's clock with its DDR model"},
    .open = sim_open,
    .close = sim_close,
    .reg_read = sim_reg_read,
    .reg_write = sim_reg_write,
    .buf_alloc = sim_buf_alloc,
    .buf_free = sim_buf_free,
    .buf_sync = sim_buf_sync,
    .wait_irq = sim_wait_irq,
    .reset = sim_reset,
    .events = sim_events,
    .stats = sim_stats,
};
