/* hal_xrt.c - the "xrt" HAL backend: the engine in the PL of a board, driven through XRT's native
 * C API (libxrt_coreutil; Debian's libxrt-dev, XRT 2.13). XRT owns the kernel's ap_ctrl_hs block,
 * so the control registers the HAL writes are kept in software (boards/drv/xrt_map.h) and turned
 * into XRT calls: a start becomes xrtRunSetArg for every input and xrtRunStart, the interrupt is
 * xrtRunWaitFor, outputs are read with xrtKernelReadRegister on an exclusively opened kernel.
 * docs/hal.md, "The xrt backend", has the mapping and the reasons. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <version.h> /* XRT's: /usr/include/xrt/version.h */

#include "boards/drv/xrt_map.h"
#include "common/clock.h"
#include "host/hal.h"

enum {
    XRT_MAJOR = XRT_VERSION_CODE >> 16, /* the soname of the driver library XRT loads */
};

#if defined(__aarch64__) || defined(__arm__)
enum { ON_ARM = 1 };
#else
enum { ON_ARM = 0 };
#endif

/* One DMA buffer: a buffer object of the kernel's memory bank, mapped. */
typedef struct xrt_buf {
    struct xrt_buf *next;
    xrtBufferHandle bo;
    uint64_t phys;
    size_t size;
} xrt_buf;

typedef struct xrt_dev {
    odpu_xrt_options opt;
    xrtDeviceHandle device;
    xrtKernelHandle kernel;
    xrtRunHandle run;
    int group;               /* memory bank of the engine's m_axi port (xrtKernelArgGroupId) */
    unsigned pointers_set;   /* bit per pointer argument set on this run handle */
    xrt_buf *bufs;
    odpu_xrt_regs regs;
    odpu_err fault;          /* a failure inside a void register call, reported by the next wait */
    uint64_t start_ns, end_ns;         /* CLOCK_MONOTONIC at xrtRunStart and when the end was seen */
    uint64_t start_cpu_ns, end_cpu_ns; /* this process's CPU time at the same points */
} xrt_dev;

static const char *state_name(enum ert_cmd_state s)
{
    switch (s) {
    case ERT_CMD_STATE_NEW: return "NEW";
    case ERT_CMD_STATE_QUEUED: return "QUEUED";
    case ERT_CMD_STATE_RUNNING: return "RUNNING";
    case ERT_CMD_STATE_COMPLETED: return "COMPLETED";
    case ERT_CMD_STATE_ERROR: return "ERROR";
    case ERT_CMD_STATE_ABORT: return "ABORT";
    case ERT_CMD_STATE_SUBMITTED: return "SUBMITTED";
    case ERT_CMD_STATE_TIMEOUT: return "TIMEOUT";
    case ERT_CMD_STATE_NORESPONSE: return "NORESPONSE";
    default: return "unknown";
    }
}

/* ---- Open and close -------------------------------------------------------------------------- */

static void xrt_close(void *dev)
{
    xrt_dev *d = dev;
    if (!d)
        return;
    if (d->run)
        xrtRunClose(d->run);
    while (d->bufs) {
        xrt_buf *b = d->bufs;
        d->bufs = b->next;
        xrtBOFree(b->bo);
        free(b);
    }
    if (d->kernel)
        xrtKernelClose(d->kernel);
    if (d->device)
        xrtDeviceClose(d->device);
    free(d);
}

/* XRT 2.13 aborts the process (an exception escapes its own error logger) when its driver
 * library is missing, so that is checked before the first XRT call. */
static odpu_status check_driver_library(const xrt_dev *d, odpu_err *err)
{
    char path[ODPU_XRT_PATH_MAX];
    odpu_status st = odpu_xrt_shim_path(d->opt.index, getenv("XILINX_XRT"), getenv("XCL_EMULATION_MODE"), ON_ARM,
                                        XRT_MAJOR, path, sizeof path, err);
    if (st != ODPU_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return odpu_fail(err, ODPU_E_DEVICE,
                         "device %u: XRT's driver library %s is missing (XRT 2.13 would abort the process); "
                         "point XILINX_XRT at the directory whose lib/ holds libxrt_core.so.%d",
                         d->opt.index, path, XRT_MAJOR);
    return ODPU_OK;
}

static odpu_status load_xclbin(xrt_dev *d, xuid_t uuid, odpu_err *err)
{
    const char *path = d->opt.xclbin;
    if (access(path, R_OK) != 0)
        return odpu_fail(err, ODPU_E_IO, "device %u: cannot read xclbin '%s': %s (device option xclbin=PATH)",
                         d->opt.index, path, strerror(errno));
    if (xrtDeviceLoadXclbinFile(d->device, path) != 0)
        return odpu_fail(err, ODPU_E_DEVICE, "device %u: XRT could not load xclbin '%s' (%s)", d->opt.index, path,
                         strerror(errno));
    if (xrtDeviceGetXclbinUUID(d->device, uuid) != 0)
        return odpu_fail(err, ODPU_E_DEVICE, "device %u: no UUID for the loaded xclbin '%s'", d->opt.index, path);
    return ODPU_OK;
}

/* The xclbin's kernel must have the arguments of isa/regs.def where regs.def puts them, and
 * one memory bank behind both pointers (the engine has one AXI4 master). */
static odpu_status check_kernel(xrt_dev *d, odpu_err *err)
{
    const odpu_xrt_arg *a = odpu_xrt_args();
    for (size_t i = 0; i < ODPU_ARG_COUNT; i++) {
        uint32_t off = xrtKernelArgOffset(d->kernel, (int)a[i].index);
        if (off != a[i].offset)
            return odpu_fail(err, ODPU_E_MISMATCH,
                             "device %u: kernel '%s' of '%s' has argument %d (%s) at offset 0x%" PRIx32
                             " where isa/regs.def puts it at 0x%" PRIx32 ": rebuild the xclbin from build/gen's kernel.xml",
                             d->opt.index, d->opt.kernel, d->opt.xclbin, (int)a[i].index, a[i].name, off, a[i].offset);
    }
    d->group = xrtKernelArgGroupId(d->kernel, ODPU_ARG_INSN_BASE);
    int ddr_group = xrtKernelArgGroupId(d->kernel, ODPU_ARG_DDR_BASE);
    if (d->group < 0 || ddr_group != d->group)
        return odpu_fail(err, ODPU_E_MISMATCH,
                         "device %u: kernel '%s' has no single memory bank for INSN_BASE and DDR_BASE (groups %d, %d)",
                         d->opt.index, d->opt.kernel, d->group, ddr_group);
    return ODPU_OK;
}

static odpu_status open_kernel(xrt_dev *d, odpu_err *err)
{
    xuid_t uuid = {0};
    odpu_status st = load_xclbin(d, uuid, err);
    if (st != ODPU_OK)
        return st;
    /* Exclusive: reading and writing the kernel's registers needs it, and it keeps a second
     * process off the engine. */
    d->kernel = xrtPLKernelOpenExclusive(d->device, uuid, d->opt.kernel);
    if (!d->kernel)
        return odpu_fail(err, ODPU_E_DEVICE,
                         "device %u: cannot open kernel '%s' of '%s' exclusively (%s): another process holds it, or "
                         "the xclbin has no such kernel (device option kernel=NAME)",
                         d->opt.index, d->opt.kernel, d->opt.xclbin, strerror(errno));
    st = check_kernel(d, err);
    if (st != ODPU_OK)
        return st;
    d->run = xrtRunOpen(d->kernel);
    if (!d->run)
        return odpu_fail(err, ODPU_E_DEVICE, "device %u: xrtRunOpen failed for kernel '%s'", d->opt.index,
                         d->opt.kernel);
    return ODPU_OK;
}

static odpu_status xrt_open(const odpu_hal_options *opt, void **out, odpu_err *err)
{
    xrt_dev *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "xrt: out of memory for the device state");
    odpu_xrt_regs_init(&d->regs);
    odpu_status st = odpu_xrt_options_parse(opt->device, opt->arch->name, &d->opt, err);
    if (st == ODPU_OK)
        st = check_driver_library(d, err);
    if (st == ODPU_OK) {
        errno = 0;
        d->device = xrtDeviceOpen(d->opt.index);
        if (!d->device)
            st = odpu_xrt_no_device(d->opt.index, errno, err);
    }
    if (st == ODPU_OK)
        st = open_kernel(d, err);
    if (st != ODPU_OK) {
        xrt_close(d);
        return st;
    }
    *out = d;
    return ODPU_OK;
}

/* ---- DMA buffers ------------------------------------------------------------------------------ */

static odpu_status xrt_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    xrt_dev *d = dev;
    xrt_buf *b = calloc(1, sizeof *b);
    if (!b)
        return odpu_fail(err, ODPU_E_NOMEM, "xrt: out of memory for a buffer record");
    xrtBufferFlags flags = d->opt.uncached ? XRT_BO_FLAGS_NONE : XRT_BO_FLAGS_CACHEABLE;
    b->bo = xrtBOAlloc(d->device, size, flags, (xrtMemoryGroup)d->group);
    void *virt = b->bo ? xrtBOMap(b->bo) : NULL;
    if (!virt) {
        if (b->bo)
            xrtBOFree(b->bo);
        free(b);
        return odpu_fail(err, ODPU_E_NOMEM, "xrt: cannot allocate a %zu-byte DMA buffer in memory bank %d (%s)", size,
                         d->group, strerror(errno));
    }
    b->phys = xrtBOAddress(b->bo);
    b->size = size;
    memset(virt, 0, size);
    if (b->phys == UINT64_MAX || xrtBOSync(b->bo, XCL_BO_SYNC_BO_TO_DEVICE, size, 0) != 0) {
        xrtBOFree(b->bo);
        free(b);
        return odpu_fail(err, ODPU_E_DEVICE, "xrt: a new %zu-byte DMA buffer has no device address or cannot be synced",
                         size);
    }
    b->next = d->bufs;
    d->bufs = b;
    *buf = (odpu_dma_buf){.virt = virt, .phys = b->phys, .size = size, .backend = b};
    return ODPU_OK;
}

static void xrt_buf_free(void *dev, odpu_dma_buf *buf)
{
    xrt_dev *d = dev;
    for (xrt_buf **p = &d->bufs; *p; p = &(*p)->next) {
        if (*p != buf->backend)
            continue;
        xrt_buf *b = *p;
        *p = b->next;
        xrtBOFree(b->bo);
        free(b);
        return;
    }
}

static const xrt_buf *find_buf(const xrt_dev *d, const void *handle)
{
    for (const xrt_buf *b = d->bufs; b; b = b->next)
        if (b == handle)
            return b;
    return NULL;
}

static odpu_status xrt_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len, odpu_sync_dir dir,
                                odpu_err *err)
{
    const xrt_dev *d = dev;
    const xrt_buf *b = find_buf(d, buf->backend);
    if (!b)
        return odpu_fail(err, ODPU_E_ARG, "xrt: sync of a buffer this backend did not allocate");
    if (offset > b->size || len > b->size - offset)
        return odpu_fail(err, ODPU_E_ARG, "xrt: sync of [%zu, +%zu) outside a %zu-byte buffer", offset, len, b->size);
    enum xclBOSyncDirection xdir = dir == ODPU_SYNC_TO_DEVICE ? XCL_BO_SYNC_BO_TO_DEVICE : XCL_BO_SYNC_BO_FROM_DEVICE;
    if (len && xrtBOSync(b->bo, xdir, len, offset) != 0)
        return odpu_fail(err, ODPU_E_DEVICE, "xrt: xrtBOSync of [%zu, +%zu) failed (%s)", offset, len, strerror(errno));
    return ODPU_OK;
}

/* ---- Starting a run ------------------------------------------------------------------------------ */

static void record_fault(xrt_dev *d, odpu_status code, const odpu_err *what)
{
    if (d->fault.code == ODPU_OK) {
        d->fault = *what;
        d->fault.code = code;
    }
}

/* A run handle whose pointer arguments are all unset: XRT passes a pointer only as a buffer
 * object, so an address of 0 (the identifying run) is an argument never set on the handle. */
static int fresh_run(xrt_dev *d)
{
    if (d->run)
        xrtRunClose(d->run);
    d->pointers_set = 0;
    d->run = xrtRunOpen(d->kernel);
    return d->run != NULL;
}

/* A pointer argument: the buffer holding the address, or a sub-buffer of it at an offset. */
static odpu_status set_pointer(xrt_dev *d, const odpu_xrt_arg *a, uint64_t addr, odpu_err *err)
{
    for (const xrt_buf *b = d->bufs; b; b = b->next) {
        if (addr < b->phys || addr >= b->phys + b->size)
            continue;
        size_t off = (size_t)(addr - b->phys);
        xrtBufferHandle bo = off ? xrtBOSubAlloc(b->bo, b->size - off, off) : b->bo;
        int rc = bo ? xrtRunSetArg(d->run, (int)a->index, bo) : -1;
        if (off && bo)
            xrtBOFree(bo); /* XRT took its address; the memory stays the parent's */
        if (rc != 0)
            return odpu_fail(err, ODPU_E_DEVICE, "xrt: setting %s (argument %d) to 0x%" PRIx64 " failed", a->name,
                             (int)a->index, addr);
        d->pointers_set |= 1u << a->index;
        return ODPU_OK;
    }
    return odpu_fail(err, ODPU_E_ARG,
                     "xrt: %s = 0x%" PRIx64 " lies in no buffer of this backend; XRT passes a pointer argument as a "
                     "buffer object, so the engine can only be given addresses inside HAL buffers",
                     a->name, addr);
}

/* Every input as the HAL last wrote it, by argument index (outputs are never set). */
static odpu_status set_inputs(xrt_dev *d, odpu_err *err)
{
    const odpu_xrt_arg *a = odpu_xrt_args();
    if (!d->run && !fresh_run(d)) /* lost by an earlier failed reopen */
        return odpu_fail(err, ODPU_E_DEVICE, "xrt: xrtRunOpen failed");
    for (size_t i = 0; i < ODPU_ARG_COUNT; i++)
        if (a[i].input && a[i].kind == ODPU_XRT_PTR && !d->regs.in[a[i].index] && (d->pointers_set & 1u << a[i].index))
            if (!fresh_run(d))
                return odpu_fail(err, ODPU_E_DEVICE, "xrt: xrtRunOpen failed");
    for (size_t i = 0; i < ODPU_ARG_COUNT; i++) {
        uint64_t v = d->regs.in[a[i].index];
        int rc = 0;
        if (!a[i].input)
            continue;
        if (a[i].kind == ODPU_XRT_PTR) {
            odpu_status st = v ? set_pointer(d, &a[i], v, err) : ODPU_OK;
            if (st != ODPU_OK)
                return st;
            continue;
        }
        /* XRT reads a scalar with va_arg by its size in the xclbin: 8 bytes uint64_t, 4 uint32_t. */
        if (a[i].kind == ODPU_XRT_U64)
            rc = xrtRunSetArg(d->run, (int)a[i].index, v);
        else
            rc = xrtRunSetArg(d->run, (int)a[i].index, (uint32_t)v);
        if (rc != 0)
            return odpu_fail(err, ODPU_E_DEVICE, "xrt: setting %s (argument %d) failed", a[i].name, (int)a[i].index);
    }
    return ODPU_OK;
}

static void start_run(xrt_dev *d)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = set_inputs(d, &err);
    if (st == ODPU_OK && xrtRunStart(d->run) != 0)
        st = odpu_fail(&err, ODPU_E_DEVICE, "xrt: xrtRunStart failed (%s)", strerror(errno));
    if (st != ODPU_OK) {
        record_fault(d, st, &err);
        return;
    }
    d->start_ns = odpu_now_ns();
    d->start_cpu_ns = odpu_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    odpu_xrt_regs_started(&d->regs);
}

/* ---- Observing the run ----------------------------------------------------------------------------- */

/* Look at the run (wait up to timeout_ms; 0: only look, since XRT's 0 means forever). */
static void observe(xrt_dev *d, uint32_t timeout_ms)
{
    if (!d->regs.running)
        return;
    enum ert_cmd_state s = timeout_ms ? xrtRunWaitFor(d->run, timeout_ms) : xrtRunState(d->run);
    switch (s) {
    case ERT_CMD_STATE_NEW:
    case ERT_CMD_STATE_QUEUED:
    case ERT_CMD_STATE_SUBMITTED:
    case ERT_CMD_STATE_RUNNING:
    case ERT_CMD_STATE_TIMEOUT: /* xrtRunWaitFor's own: the wait ended, not the run */
        return;
    case ERT_CMD_STATE_COMPLETED:
        d->end_ns = odpu_now_ns();
        d->end_cpu_ns = odpu_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
        if (odpu_xrt_regs_ended(&d->regs))
            start_run(d);
        return;
    default: {
        odpu_err e;
        odpu_fail(&e, ODPU_E_DEVICE, "xrt: XRT reports the run as %s (state %d): the engine may need a PL reset",
                  state_name(s), (int)s);
        record_fault(d, ODPU_E_DEVICE, &e);
        odpu_xrt_regs_lost(&d->regs);
    }
    }
}

static odpu_status take_fault(xrt_dev *d, odpu_err *err)
{
    odpu_status st = d->fault.code;
    if (st != ODPU_OK && err)
        *err = d->fault;
    odpu_err_clear(&d->fault);
    return st;
}

static odpu_status xrt_wait_irq(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    xrt_dev *d = dev;
    uint64_t deadline = odpu_now_ns() + (uint64_t)timeout_ms * ODPU_NS_PER_MS;
    for (;;) {
        odpu_status st = take_fault(d, err);
        if (st != ODPU_OK)
            return st;
        if (odpu_xrt_regs_irq(&d->regs))
            return ODPU_OK;
        if (!d->regs.running)
            return odpu_fail(err, ODPU_E_TIMEOUT,
                             "no interrupt within %" PRIu32 " ms: no run is going and none is pending (GIE 0x%" PRIx32
                             ", IER 0x%" PRIx32 ")",
                             timeout_ms, d->regs.gie, d->regs.ier);
        uint64_t now = odpu_now_ns();
        uint32_t left = now >= deadline ? 0 : (uint32_t)((deadline - now + ODPU_NS_PER_MS - 1) / ODPU_NS_PER_MS);
        observe(d, left);
        if (d->regs.running && odpu_now_ns() >= deadline)
            return odpu_fail(err, ODPU_E_TIMEOUT,
                             "no interrupt within %" PRIu32 " ms of wall time: XRT has the run %s after %.3f ms",
                             timeout_ms, state_name(xrtRunState(d->run)), (double)(odpu_now_ns() - d->start_ns) / ODPU_NS_PER_MS);
    }
}

/* ---- Registers ---------------------------------------------------------------------------------- */

static uint32_t xrt_reg_read(void *dev, uint32_t offset)
{
    xrt_dev *d = dev;
    if (offset == ODPU_REG_AP_CTRL || offset == ODPU_REG_ISR)
        observe(d, 0); /* the status is up to date when read, as on the hardware */
    uint32_t value;
    if (odpu_xrt_regs_read(&d->regs, offset, &value) == ODPU_XRT_READ_ENGINE &&
        xrtKernelReadRegister(d->kernel, offset, &value) != 0) {
        odpu_err e;
        odpu_fail(&e, ODPU_E_DEVICE, "xrt: xrtKernelReadRegister(0x%02" PRIx32 ") failed (%s)", offset, strerror(errno));
        record_fault(d, ODPU_E_DEVICE, &e);
        value = 0;
    }
    return value;
}

static void xrt_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    xrt_dev *d = dev;
    switch (odpu_xrt_regs_write(&d->regs, offset, value)) {
    case ODPU_XRT_START: start_run(d); break;
    case ODPU_XRT_WRITE_THROUGH:
        if (xrtKernelWriteRegister(d->kernel, offset, value) != 0) {
            odpu_err e;
            odpu_fail(&e, ODPU_E_DEVICE, "xrt: xrtKernelWriteRegister(0x%02" PRIx32 ") failed (%s)", offset,
                      strerror(errno));
            record_fault(d, ODPU_E_DEVICE, &e);
        }
        break;
    default: break;
    }
}

/* ---- Stats --------------------------------------------------------------------------------------- */

static odpu_status xrt_stats(void *dev, odpu_hal_stats *out, odpu_err *err)
{
    xrt_dev *d = dev;
    (void)err;
    memset(out, 0, sizeof *out);
    out->cycles = (uint64_t)xrt_reg_read(d, ODPU_REG_CYCLES_LO) | (uint64_t)xrt_reg_read(d, ODPU_REG_CYCLES_HI) << 32;
    out->wall_ns = d->end_ns > d->start_ns ? d->end_ns - d->start_ns : 0;
    out->cpu_ns = d->end_cpu_ns > d->start_cpu_ns ? d->end_cpu_ns - d->start_cpu_ns : 0;
    return ODPU_OK;
}

extern const odpu_hal_ops odpu_hal_xrt_ops;
const odpu_hal_ops odpu_hal_xrt_ops = {
    .name = "xrt",
    .caps = {.timing = ODPU_TIMING_MEASURED, .trace = 0, .events = 0, .exclusive = 1,
             .what = "the engine in a board's PL through XRT (zocl): cycles counted by the engine, real wall time"},
    .open = xrt_open,
    .close = xrt_close,
    .reg_read = xrt_reg_read,
    .reg_write = xrt_reg_write,
    .buf_alloc = xrt_buf_alloc,
    .buf_free = xrt_buf_free,
    .buf_sync = xrt_buf_sync,
    .wait_irq = xrt_wait_irq,
    .reset = NULL,
    .events = NULL,
    .stats = xrt_stats,
};
