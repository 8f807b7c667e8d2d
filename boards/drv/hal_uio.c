/* hal_uio.c - the "uio" HAL backend: the engine in the PL of a ZCU104 or KV260, driven from
 * user space through Linux generic-uio (registers, interrupt) and one u-dma-buf (stream and
 * DDR window, sub-allocated by the arena), with no kernel code of ours. The same code drives
 * a virtual board (`opendpu vboard`), whose one difference is in boards/drv/uio_dev.c.
 * docs/boards.md has the device tree it expects and the steps on a board. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "boards/board_names.h"
#include "boards/drv/sysfs.h"
#include "boards/drv/udmabuf.h"
#include "boards/drv/uio_dev.h"
#include "emu/arena.h"
#include "host/device_options.h"
#include "host/hal.h"
#include "isa/regs.h"

enum {
    NAME_MAX_LEN = 64,
    DEFAULT_ANSWER_MS = 5000, /* a virtual board's register reply; a board answers in ns */
    MAX_ANSWER_MS = 600000,
};

typedef struct uio_hal {
    uio_dev *dev;
    udmabuf *mem;
    odpu_arena *arena;
    odpu_hal_caps caps;   /* timing measured on a board, simulated on a virtual one */
    uint64_t start_ns;    /* when the last run was started */
    uint64_t wall_ns;     /* start to interrupt of the last run that ended */
} uio_hal;

static const odpu_hal_caps board_caps = {
    .timing = ODPU_TIMING_MEASURED, .trace = 0, .events = 0, .exclusive = 1,
    .what = "the engine in a board's PL through generic-uio and u-dma-buf (or a virtual board): --device ROOT"};

static void uio_close(void *dev)
{
    uio_hal *h = dev;
    if (!h)
        return;
    odpu_arena_destroy(h->arena);
    uio_dev_close(h->dev);
    udmabuf_close(h->mem);
    free(h);
}

typedef struct uio_options {
    char root[ODPU_SYSFS_PATH_MAX / 2];
    char name[NAME_MAX_LEN], udmabuf[NAME_MAX_LEN], answer[NAME_MAX_LEN];
    unsigned long long answer_ms;
} uio_options;

/* root=DIR (also the bare word), name=UIO name, udmabuf=u-dma-buf name, answer-ms=N. */
static odpu_status parse_options(const char *text, uio_options *o, odpu_err *err)
{
    const odpu_device_option known[] = {
        {.key = "root", .text = o->root, .text_size = sizeof o->root},
        {.key = "name", .text = o->name, .text_size = sizeof o->name},
        {.key = "udmabuf", .text = o->udmabuf, .text_size = sizeof o->udmabuf},
        {.key = "answer-ms", .text = o->answer, .text_size = sizeof o->answer},
    };
    odpu_status st = odpu_device_options_parse("uio", text, known, sizeof known / sizeof known[0], err);
    if (st != ODPU_OK)
        return st;
    if (!o->name[0])
        strcpy(o->name, ODPU_BOARD_UIO_NAME);
    if (!o->udmabuf[0])
        strcpy(o->udmabuf, ODPU_BOARD_UDMABUF_NAME);
    o->answer_ms = DEFAULT_ANSWER_MS;
    if (o->answer[0])
        st = odpu_device_option_number("uio", "answer-ms", o->answer, MAX_ANSWER_MS, &o->answer_ms, err);
    return st;
}

/* The device answers (MAGIC has no side effect on reading) and the memory is whole pages. */
static odpu_status check_device(uio_hal *h, odpu_err *err)
{
    uio_dev_read(h->dev, ODPU_REG_MAGIC);
    const odpu_err *f = uio_dev_fault(h->dev);
    if (f->code != ODPU_OK)
        return odpu_fail(err, f->code, "%s", f->msg);
    return odpu_arena_wrap(udmabuf_phys(h->mem), udmabuf_host(h->mem), udmabuf_size(h->mem), 0, &h->arena, err);
}

static odpu_status uio_open(const odpu_hal_options *opt, void **out, odpu_err *err)
{
    uio_options o;
    memset(&o, 0, sizeof o);
    odpu_status st = parse_options(opt->device, &o, err);
    if (st != ODPU_OK)
        return st;
    uio_hal *h = calloc(1, sizeof *h);
    if (!h)
        return odpu_fail(err, ODPU_E_NOMEM, "uio: out of memory");
    h->caps = board_caps;
    /* The buffer first: its lock is what keeps a second process off the engine. */
    st = udmabuf_open(o.root, o.udmabuf, &h->mem, err);
    if (st == ODPU_OK)
        st = uio_dev_open(o.root, o.name, (uint32_t)o.answer_ms, &h->dev, err);
    if (st == ODPU_OK)
        st = check_device(h, err);
    if (st != ODPU_OK) {
        uio_close(h);
        return odpu_err_prefix(err, "uio: ");
    }
    if (uio_dev_is_virtual(h->dev)) {
        h->caps.timing = ODPU_TIMING_SIMULATED;
        h->caps.what = "a virtual board: the Verilated engine behind generic-uio and u-dma-buf files";
    }
    *out = h;
    return ODPU_OK;
}

static const odpu_hal_caps *uio_caps(void *dev)
{
    const uio_hal *h = dev;
    return &h->caps;
}

static uint32_t uio_reg_read(void *dev, uint32_t offset)
{
    uio_hal *h = dev;
    return uio_dev_read(h->dev, offset);
}

static void uio_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    uio_hal *h = dev;
    if (offset == ODPU_REG_AP_CTRL && (value & ODPU_AP_START))
        h->start_ns = odpu_now_ns();
    uio_dev_write(h->dev, offset, value);
}

static odpu_status uio_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    uio_hal *h = dev;
    odpu_err why;
    if (odpu_arena_alloc(h->arena, size, buf, &why) == ODPU_OK)
        return ODPU_OK;
    return odpu_fail(err, ODPU_E_NOMEM,
                     "uio: %s: no room for a %zu-byte DMA buffer in its %" PRIu64 " bytes (%s); give the u-dma-buf "
                     "more memory (its size in the overlay, docs/boards.md)",
                     udmabuf_path(h->mem), size, udmabuf_size(h->mem), why.msg);
}

static void uio_buf_free(void *dev, odpu_dma_buf *buf)
{
    uio_hal *h = dev;
    odpu_arena_free(h->arena, buf);
}

static odpu_status uio_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len, odpu_sync_dir dir,
                                odpu_err *err)
{
    uio_hal *h = dev;
    odpu_status st = odpu_arena_check_sync(h->arena, "uio", buf, offset, len, err);
    if (st == ODPU_OK)
        st = udmabuf_sync(h->mem, buf->phys - udmabuf_phys(h->mem) + offset, len, dir, err);
    return st;
}

/* A timeout says what the engine shows without disturbing it (ISR and the counters have no
 * read side effects; AP_CTRL's ap_done would be cleared). */
static odpu_status explain_timeout(uio_hal *h, uint32_t timeout_ms, odpu_err *err)
{
    uint32_t isr = uio_dev_read(h->dev, ODPU_REG_ISR);
    uint32_t done = uio_dev_read(h->dev, ODPU_REG_INSN_DONE);
    if (uio_dev_fault(h->dev)->code != ODPU_OK)
        return odpu_fail(err, ODPU_E_DEVICE, "%s", uio_dev_fault(h->dev)->msg);
    if (isr & ODPU_IRQ_DONE)
        return odpu_fail(err, ODPU_E_TIMEOUT,
                         "%s: the engine finished (ISR.ap_done set, %" PRIu32 " instructions retired) but no "
                         "interrupt reached the CPU within %" PRIu32 " ms: check the overlay's interrupts property "
                         "and the pl_ps_irq0 connection (docs/boards.md)",
                         uio_dev_path(h->dev), done, timeout_ms);
    return odpu_fail(err, ODPU_E_TIMEOUT,
                     "%s: no interrupt within %" PRIu32 " ms of wall time; the engine has retired %" PRIu32
                     " instructions of this run",
                     uio_dev_path(h->dev), timeout_ms, done);
}

static odpu_status uio_wait_irq(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    uio_hal *h = dev;
    odpu_status st = uio_dev_wait_irq(h->dev, timeout_ms, err);
    if (st == ODPU_OK)
        h->wall_ns = odpu_now_ns() - h->start_ns;
    else if (st == ODPU_E_TIMEOUT)
        return explain_timeout(h, timeout_ms, err);
    return st;
}

/* What a board can tell: the engine's own cycle counter and the host's wall time; DDR
 * traffic is not counted in the PL. */
static odpu_status uio_stats(void *dev, odpu_hal_stats *out, odpu_err *err)
{
    uio_hal *h = dev;
    memset(out, 0, sizeof *out);
    out->cycles = (uint64_t)uio_dev_read(h->dev, ODPU_REG_CYCLES_LO) |
                  (uint64_t)uio_dev_read(h->dev, ODPU_REG_CYCLES_HI) << 32;
    out->wall_ns = h->wall_ns;
    const odpu_err *f = uio_dev_fault(h->dev);
    return f->code == ODPU_OK ? ODPU_OK : odpu_fail(err, f->code, "uio: %s", f->msg);
}

extern const odpu_hal_ops odpu_hal_uio_ops;
const odpu_hal_ops odpu_hal_uio_ops = {
    .name = "uio",
    .caps = board_caps,
    .open = uio_open,
    .close = uio_close,
    .dev_caps = uio_caps,
    .reg_read = uio_reg_read,
    .reg_write = uio_reg_write,
    .buf_alloc = uio_buf_alloc,
    .buf_free = uio_buf_free,
    .buf_sync = uio_buf_sync,
    .wait_irq = uio_wait_irq,
    .stats = uio_stats,
};
