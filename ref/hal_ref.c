/* hal_ref.c - the "ref" HAL backend: the golden model (ref.h) dressed up as a device.
 * It has the register file of isa/regs.def, hands out DMA buffers at made-up but plausible
 * physical addresses, and on START resolves INSN_BASE and DDR_BASE through those addresses
 * the way the engine's AXI master would, so the host runtime drives it exactly as it drives
 * a board. What it does not emulate (time, interrupts, caches) is listed in docs/hal.md. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "ref/ref.h"

extern const odpu_hal_ops odpu_hal_ref_ops;

/* The simulated physical address space. Buffers start at 1 GiB, inside where a ZynqMP's
 * low PS DDR would be, so that address 0 (what an unprogrammed register holds) is never
 * mapped. Each buffer is page aligned and followed by one unmapped guard page, so a range
 * that runs past the end of a buffer is a bus error rather than a silent read of the
 * neighbouring buffer. */
#define REF_PHYS_BASE UINT64_C(0x40000000)
#define REF_PAGE UINT64_C(4096)

/* Dense index of each register in the emulated register file. */
typedef enum ref_reg {
#define X_INDEX(NAME, offset, access, desc) RR_##NAME,
    ODPU_REGS(X_INDEX)
#undef X_INDEX
    RR_COUNT
} ref_reg;

typedef enum reg_access { ACCESS_RO, ACCESS_RW, ACCESS_W1C } reg_access;

static const reg_access reg_accesses[RR_COUNT] = {
#define X_ACCESS(NAME, offset, access, desc) [RR_##NAME] = ACCESS_##access,
    ODPU_REGS(X_ACCESS)
#undef X_ACCESS
};

/* Byte offset -> dense index, or -1 for an offset no register lives at. */
static int reg_index(uint32_t offset)
{
    switch (offset) {
#define X_CASE(NAME, offset, access, desc) \
    case ODPU_REG_##NAME: return RR_##NAME;
        ODPU_REGS(X_CASE)
#undef X_CASE
    }
    return -1;
}

/* One DMA buffer: where the engine sees it and where the host does. */
typedef struct ref_mapping {
    struct ref_mapping *next;
    uint64_t phys;
    size_t size;
    uint8_t *host;
} ref_mapping;

typedef struct ref_dev {
    odpu_arch arch;
    odpu_ref *engine;
    uint32_t regs[RR_COUNT];
    ref_mapping *maps;
    uint64_t next_phys; /* bump allocator: addresses are never reused */
    int started;
    odpu_err run_err;   /* a failure of the emulator itself in the last run, for wait() */
} ref_dev;

static uint64_t reg_pair(const ref_dev *d, ref_reg lo, ref_reg hi)
{
    return (uint64_t)d->regs[lo] | ((uint64_t)d->regs[hi] << 32);
}

static void set_reg_pair(ref_dev *d, ref_reg lo, ref_reg hi, uint64_t value)
{
    d->regs[lo] = (uint32_t)value;
    d->regs[hi] = (uint32_t)(value >> 32);
}

/* ---- Open / close ------------------------------------------------------------------- */

static odpu_status ref_open(const odpu_hal_options *opt, void **out, odpu_err *err)
{
    ref_dev *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the device state");
    d->arch = *opt->arch;
    odpu_isa_limits lim;
    odpu_arch_limits(&d->arch, &lim);
    odpu_status st = odpu_ref_create(&lim, &d->engine, err);
    if (st != ODPU_OK) {
        free(d);
        return st;
    }
    d->next_phys = REF_PHYS_BASE;
    d->regs[RR_MAGIC] = ODPU_MAGIC;
    d->regs[RR_VERSION] = ODPU_ISA_VERSION;
    /* The fingerprint of the parameters this instance was built with, as a bitstream
     * would carry it: computed, not copied, so it cannot go stale. */
    set_reg_pair(d, RR_FP_LO, RR_FP_HI, odpu_arch_fingerprint(&d->arch));
    *out = d;
    return ODPU_OK;
}

static void ref_close(void *dev)
{
    ref_dev *d = dev;
    if (!d)
        return;
    while (d->maps) {
        ref_mapping *m = d->maps;
        d->maps = m->next;
        free(m->host);
        free(m);
    }
    odpu_ref_destroy(d->engine);
    free(d);
}

/* ---- DMA buffers -------------------------------------------------------------------- */

static odpu_status ref_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    ref_dev *d = dev;
    uint64_t span = ((uint64_t)size + REF_PAGE - 1) / REF_PAGE * REF_PAGE;
    if (span < size || d->next_phys > UINT64_MAX - span - REF_PAGE)
        return odpu_fail(err, ODPU_E_NOMEM, "ref: simulated address space exhausted by %zu bytes", size);
    ref_mapping *m = calloc(1, sizeof *m);
    uint8_t *host = calloc(1, size);
    if (!m || !host) {
        free(m);
        free(host);
        return odpu_fail(err, ODPU_E_NOMEM, "ref: out of memory for a %zu-byte DMA buffer", size);
    }
    m->next = d->maps;
    m->phys = d->next_phys;
    m->size = size;
    m->host = host;
    d->maps = m;
    d->next_phys += span + REF_PAGE;
    *buf = (odpu_dma_buf){host, m->phys, size, m};
    return ODPU_OK;
}

static void ref_buf_free(void *dev, odpu_dma_buf *buf)
{
    ref_dev *d = dev;
    for (ref_mapping **p = &d->maps; *p; p = &(*p)->next)
        if (*p == buf->backend) {
            ref_mapping *m = *p;
            *p = m->next;
            free(m->host);
            free(m);
            return;
        }
}

/* The host pointer behind physical range [phys, phys+len), or NULL if it is not inside
 * one buffer: what a real interconnect answers with a decode error. */
static uint8_t *resolve(const ref_dev *d, uint64_t phys, uint64_t len)
{
    for (const ref_mapping *m = d->maps; m; m = m->next)
        if (phys >= m->phys && phys - m->phys <= m->size && len <= m->size - (phys - m->phys))
            return m->host + (phys - m->phys);
    return NULL;
}

static odpu_status ref_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len,
                                odpu_sync_dir dir, odpu_err *err)
{
    const ref_dev *d = dev;
    (void)dir; /* host and "device" share one memory: there is no cache to flush */
    const ref_mapping *m = d->maps;
    while (m && m != buf->backend)
        m = m->next;
    if (!m || buf->virt != m->host)
        return odpu_fail(err, ODPU_E_ARG, "ref: sync of a buffer this device did not allocate (phys 0x%" PRIx64 ")",
                         buf->phys);
    if (offset > m->size || len > m->size - offset)
        return odpu_fail(err, ODPU_E_ARG, "ref: sync of [%zu, +%zu) is outside the %zu-byte buffer at phys 0x%" PRIx64,
                         offset, len, m->size, m->phys);
    return ODPU_OK;
}

/* ---- Registers and execution -------------------------------------------------------- */

static void finish(ref_dev *d, odpu_hw_error code, uint64_t index, uint64_t done)
{
    d->regs[RR_ERR_CODE] = (uint32_t)code;
    d->regs[RR_ERR_INDEX] = (uint32_t)index;
    d->regs[RR_INSN_DONE] = (uint32_t)done;
    d->regs[RR_STATUS] |= code == ODPU_HW_OK ? ODPU_STATUS_DONE : ODPU_STATUS_ERROR;
}

/* What START does. The golden model has no clock: CYCLES and the BUSY/STALL counters stay
 * 0, and the run is over before START returns, so BUSY is never seen set. */
static odpu_status run(ref_dev *d, odpu_err *err)
{
    d->started = 1;
    odpu_err_clear(&d->run_err);
    d->regs[RR_STATUS] &= ~(ODPU_STATUS_DONE | ODPU_STATUS_ERROR);
    static const ref_reg results[] = {RR_ERR_CODE,  RR_ERR_INDEX,    RR_INSN_DONE, RR_CYCLES_LO,
                                      RR_CYCLES_HI, RR_BUSY_LOAD,    RR_BUSY_COMPUTE,
                                      RR_BUSY_STORE, RR_STALL_DEP,   RR_STALL_DDR};
    for (size_t r = 0; r < sizeof results / sizeof results[0]; r++)
        d->regs[results[r]] = 0;

    uint64_t count = d->regs[RR_INSN_COUNT];
    if (count == 0) {
        finish(d, ODPU_HW_NO_END, 0, 0);
        return ODPU_OK;
    }
    /* Both ranges are resolved before the first fetch; a board would run the instructions
     * before a bad address and stop there, so ERR_INDEX is 0 here where it may be later on
     * hardware. The error code is the same. */
    const uint8_t *stream = resolve(d, reg_pair(d, RR_INSN_BASE_LO, RR_INSN_BASE_HI),
                                    count * ODPU_INSN_BYTES);
    uint64_t ddr_size = reg_pair(d, RR_DDR_SIZE_LO, RR_DDR_SIZE_HI);
    uint8_t empty_window = 0; /* a 0-byte window: every access is DDR_BOUNDS, none reaches the bus */
    uint8_t *ddr = ddr_size ? resolve(d, reg_pair(d, RR_DDR_BASE_LO, RR_DDR_BASE_HI), ddr_size)
                            : &empty_window;
    if (!stream || !ddr) {
        finish(d, ODPU_HW_AXI_RESP, 0, 0);
        return ODPU_OK;
    }
    odpu_ref_result res;
    memset(&res, 0, sizeof res);
    odpu_status st = odpu_ref_run(d->engine, stream, (size_t)count, ddr, ddr_size, &res, &d->run_err);
    if (st != ODPU_OK) {
        odpu_err_prefix(&d->run_err, "ref: golden model failed: ");
        if (err)
            *err = d->run_err;
        return st;
    }
    finish(d, res.hw_error, res.err_index, res.insns_done);
    return ODPU_OK;
}

static uint32_t ref_reg_read(void *dev, uint32_t offset)
{
    const ref_dev *d = dev;
    int i = reg_index(offset);
    return i < 0 ? 0 : d->regs[i];
}

static void ref_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    ref_dev *d = dev;
    int i = reg_index(offset);
    if (i < 0)
        return; /* nothing decodes there: the write is dropped, as on the AXI4-Lite port */
    switch (reg_accesses[i]) {
    case ACCESS_RO:
        return;
    case ACCESS_W1C:
        /* BUSY is read-only; DONE and ERROR clear where a 1 is written. */
        d->regs[i] &= ~(value & (ODPU_STATUS_DONE | ODPU_STATUS_ERROR));
        return;
    case ACCESS_RW:
        break;
    }
    if (i == RR_CTRL) {
        d->regs[i] = value & ODPU_CTRL_IRQ_EN; /* START reads back 0: it is self-clearing */
        if (value & ODPU_CTRL_START)
            run(d, NULL); /* an emulator failure is kept for wait() */
        return;
    }
    d->regs[i] = value;
}

static odpu_status ref_start(void *dev, odpu_err *err)
{
    return run(dev, err);
}

static odpu_status ref_wait(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    const ref_dev *d = dev;
    (void)timeout_ms; /* the run finished inside START */
    if (!d->started)
        return odpu_fail(err, ODPU_E_ARG, "ref: wait without a start: the engine is idle and would never finish");
    if (d->run_err.code != ODPU_OK) {
        if (err)
            *err = d->run_err;
        return d->run_err.code;
    }
    return ODPU_OK;
}

const odpu_hal_ops odpu_hal_ref_ops = {
    .name = "ref",
    .open = ref_open,
    .close = ref_close,
    .reg_read = ref_reg_read,
    .reg_write = ref_reg_write,
    .buf_alloc = ref_buf_alloc,
    .buf_free = ref_buf_free,
    .buf_sync = ref_buf_sync,
    .start = ref_start,
    .wait = ref_wait,
};
