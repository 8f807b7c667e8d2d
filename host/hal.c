/* hal.c - the backend registry and the public odpu_hal_* calls (see hal.h, docs/hal.md).
 * A backend is one const odpu_hal_ops defined in its own folder; this file picks one by name
 * and runs the register protocol of isa/regs.def (start, acknowledge, abort, identify) on
 * top of it, so that protocol is written once for every engine. */
#include "host/hal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "isa/regs.h"

/* Every backend of this build. ref is always there; the others need their toolchains
 * (Verilator, Linux for uio, libxrt-dev for xrt) and are switched on by the
 * build with -DODPU_HAL_WITH_<NAME>. */
#ifdef ODPU_HAL_WITH_HLS
#define ODPU_HAL_BACKEND_HLS(X) X(hls)
#else
#define ODPU_HAL_BACKEND_HLS(X)
#endif
#ifdef ODPU_HAL_WITH_SIM
#define ODPU_HAL_BACKEND_SIM(X) X(sim)
#else
#define ODPU_HAL_BACKEND_SIM(X)
#endif
#ifdef ODPU_HAL_WITH_UIO
#define ODPU_HAL_BACKEND_UIO(X) X(uio)
#else
#define ODPU_HAL_BACKEND_UIO(X)
#endif
#ifdef ODPU_HAL_WITH_XRT
#define ODPU_HAL_BACKEND_XRT(X) X(xrt)
#else
#define ODPU_HAL_BACKEND_XRT(X)
#endif

#define ODPU_HAL_BACKENDS(X) \
    X(ref) ODPU_HAL_BACKEND_HLS(X) ODPU_HAL_BACKEND_SIM(X) ODPU_HAL_BACKEND_UIO(X) ODPU_HAL_BACKEND_XRT(X)

/* Each backend defines odpu_hal_<name>_ops; its name field must be "<name>". */
#define X_DECLARE(name) extern const odpu_hal_ops odpu_hal_##name##_ops;
ODPU_HAL_BACKENDS(X_DECLARE)
#undef X_DECLARE

#define X_OPS(name) &odpu_hal_##name##_ops,
static const odpu_hal_ops *const backend_ops[] = {ODPU_HAL_BACKENDS(X_OPS)};
#undef X_OPS

/* The same list as names, for odpu_hal_backends() and the "unknown backend" message. */
#define X_NAME(name) #name,
static const char *const backend_names[] = {ODPU_HAL_BACKENDS(X_NAME) NULL};
#undef X_NAME

enum { N_BACKENDS = sizeof backend_ops / sizeof backend_ops[0] };

/* How long an identifying run (INSN_COUNT 0: nothing fetched) may take. */
enum { IDENTIFY_TIMEOUT_MS = 1000 };

struct odpu_hal {
    const odpu_hal_ops *ops;
    void *dev;
    odpu_arch arch;      /* a copy: the caller's config need not outlive the handle */
    int run_expected;    /* a start was made whose end no wait has seen yet */
    int auto_restart;    /* the last AP_CTRL write kept the engine restarting */
};

const char *const *odpu_hal_backends(void)
{
    return backend_names;
}

static const odpu_hal_ops *find_backend(const char *name)
{
    for (size_t i = 0; name && i < N_BACKENDS; i++)
        if (!strcmp(name, backend_names[i]))
            return backend_ops[i];
    return NULL;
}

const odpu_hal_caps *odpu_hal_backend_capabilities(const char *backend)
{
    const odpu_hal_ops *ops = find_backend(backend);
    return ops ? &ops->caps : NULL;
}

const char *odpu_timing_name(odpu_timing timing)
{
    switch (timing) {
    case ODPU_TIMING_NONE: return "none";
    case ODPU_TIMING_SIMULATED: return "simulated";
    case ODPU_TIMING_MEASURED: return "measured";
    }
    return "?";
}

static odpu_status unknown_backend(const char *backend, odpu_err *err)
{
    char list[ODPU_ERR_MSG_MAX / 2] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_BACKENDS; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", backend_names[i]);
        if (n < 0 || (size_t)n >= sizeof list - used)
            break;
        used += (size_t)n;
    }
    return odpu_fail(err, ODPU_E_ARG, "unknown HAL backend '%s'; this build has: %s", backend, list);
}

/* The options a backend's capabilities cannot honour, named rather than ignored. */
static odpu_status check_options(const odpu_hal_ops *ops, const odpu_hal_options *opt, odpu_err *err)
{
    if (opt->trace_path && !ops->caps.trace) {
        const char *tracers = "";
        for (size_t i = 0; i < N_BACKENDS; i++)
            if (backend_ops[i]->caps.trace)
                tracers = backend_names[i];
        return odpu_fail(err, ODPU_E_UNSUPPORTED, "HAL backend '%s' has no signals to write a waveform of ('%s')%s%s",
                         ops->name, opt->trace_path, *tracers ? "; a backend that can: " : "", tracers);
    }
    return ODPU_OK;
}

odpu_status odpu_hal_open(const char *backend, const odpu_hal_options *opt, odpu_hal **out,
                          odpu_err *err)
{
    *out = NULL;
    if (!backend || !opt || !opt->arch)
        return odpu_fail(err, ODPU_E_ARG, "odpu_hal_open: backend name and options with an arch are required");
    const odpu_hal_ops *ops = find_backend(backend);
    if (!ops)
        return unknown_backend(backend, err);
    if (!ops->reset != !ops->caps.reset)
        return odpu_fail(err, ODPU_E_ARG, "HAL backend '%s' declares reset %d but %s a reset function", backend,
                         ops->caps.reset, ops->reset ? "has" : "lacks");
    odpu_status st = check_options(ops, opt, err);
    if (st != ODPU_OK)
        return st;

    odpu_hal *hal = calloc(1, sizeof *hal);
    if (!hal)
        return odpu_fail(err, ODPU_E_NOMEM, "HAL backend '%s': out of memory", backend);
    hal->ops = ops;
    hal->arch = *opt->arch;
    odpu_hal_options local = *opt;
    local.arch = &hal->arch;
    st = ops->open(&local, &hal->dev, err);
    if (st != ODPU_OK) {
        free(hal);
        return odpu_err_prefix(err, "HAL backend '%s': ", backend);
    }
    *out = hal;
    return ODPU_OK;
}

void odpu_hal_close(odpu_hal *hal)
{
    if (!hal)
        return;
    hal->ops->close(hal->dev);
    free(hal);
}

const char *odpu_hal_backend_name(const odpu_hal *hal)
{
    return hal->ops->name;
}

const odpu_hal_caps *odpu_hal_capabilities(const odpu_hal *hal)
{
    if (hal->ops->dev_caps)
        return hal->ops->dev_caps(hal->dev);
    return &hal->ops->caps;
}

const odpu_arch *odpu_hal_arch(const odpu_hal *hal)
{
    return &hal->arch;
}

/* ---- Registers and memory ------------------------------------------------------------ */

uint32_t odpu_hal_reg_read(odpu_hal *hal, uint32_t offset)
{
    return hal->ops->reg_read(hal->dev, offset);
}

void odpu_hal_reg_write(odpu_hal *hal, uint32_t offset, uint32_t value)
{
    /* A start written directly is a start as much as odpu_hal_start's. */
    if (offset == ODPU_REG_AP_CTRL) {
        hal->auto_restart = (value & ODPU_AP_AUTO_RESTART) != 0;
        if (value & ODPU_AP_START)
            hal->run_expected = 1;
    }
    hal->ops->reg_write(hal->dev, offset, value);
}

uint64_t odpu_hal_reg_read64(odpu_hal *hal, uint32_t lo, uint32_t hi)
{
    return (uint64_t)odpu_hal_reg_read(hal, lo) | (uint64_t)odpu_hal_reg_read(hal, hi) << 32;
}

void odpu_hal_reg_write64(odpu_hal *hal, uint32_t lo, uint32_t hi, uint64_t value)
{
    odpu_hal_reg_write(hal, lo, (uint32_t)value);
    odpu_hal_reg_write(hal, hi, (uint32_t)(value >> 32));
}

odpu_status odpu_hal_alloc(odpu_hal *hal, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    memset(buf, 0, sizeof *buf);
    if (size == 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: cannot allocate a DMA buffer of 0 bytes", hal->ops->name);
    return hal->ops->buf_alloc(hal->dev, size, buf, err);
}

void odpu_hal_free(odpu_hal *hal, odpu_dma_buf *buf)
{
    if (!buf || !buf->virt)
        return;
    hal->ops->buf_free(hal->dev, buf);
    memset(buf, 0, sizeof *buf);
}

odpu_status odpu_hal_sync(odpu_hal *hal, odpu_dma_buf *buf, size_t offset, size_t len,
                          odpu_sync_dir dir, odpu_err *err)
{
    return hal->ops->buf_sync(hal->dev, buf, offset, len, dir, err);
}

/* ---- The run protocol (docs/hal.md, "Starting, waiting, aborting") --------------------- */

/* The done interrupt reaches the line: what wait_irq sleeps on. */
static void enable_done_irq(odpu_hal *hal)
{
    odpu_hal_reg_write(hal, ODPU_REG_GIE, ODPU_GIE_ENABLE);
    odpu_hal_reg_write(hal, ODPU_REG_IER, odpu_hal_reg_read(hal, ODPU_REG_IER) | ODPU_IRQ_DONE);
}

/* ISR toggles on write: writing back what it holds clears exactly that. */
static void acknowledge(odpu_hal *hal)
{
    uint32_t isr = odpu_hal_reg_read(hal, ODPU_REG_ISR);
    if (isr)
        odpu_hal_reg_write(hal, ODPU_REG_ISR, isr);
}

odpu_status odpu_hal_start(odpu_hal *hal, odpu_err *err)
{
    /* Reading AP_CTRL also clears a stale ap_done, so the next one is this run's. */
    uint32_t ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL);
    if (!(ctrl & ODPU_AP_IDLE) || (ctrl & ODPU_AP_START))
        return odpu_fail(err, ODPU_E_ARG,
                         "%s: the engine is busy (AP_CTRL 0x%08" PRIx32 "): wait for the run or abort it first",
                         hal->ops->name, ctrl);
    acknowledge(hal);
    enable_done_irq(hal);
    odpu_hal_reg_write(hal, ODPU_REG_AP_CTRL, ODPU_AP_START | (ctrl & ODPU_AP_AUTO_RESTART));
    return ODPU_OK;
}

odpu_status odpu_hal_wait(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err)
{
    if (!hal->run_expected)
        return odpu_fail(err, ODPU_E_ARG,
                         "%s: wait without a start: no run is going and none has ended unseen", hal->ops->name);
    odpu_status st = hal->ops->wait_irq(hal->dev, timeout_ms, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "%s: ", hal->ops->name);
    acknowledge(hal);
    hal->run_expected = hal->auto_restart; /* with auto_restart the next run is already going */
    return ODPU_OK;
}

odpu_status odpu_hal_abort(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err)
{
    odpu_hal_reg_write(hal, ODPU_REG_ABORT, ODPU_ABORT_REQUEST);
    odpu_hal_reg_write(hal, ODPU_REG_AP_CTRL, 0); /* no restart after this run; a 0 stops nothing */
    uint32_t ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL);
    if (!(ctrl & ODPU_AP_IDLE) || (ctrl & ODPU_AP_START)) {
        /* A run goes on (or is about to begin, and will end at once): its end interrupts. */
        enable_done_irq(hal);
        odpu_status st = hal->ops->wait_irq(hal->dev, timeout_ms, err);
        if (st == ODPU_E_TIMEOUT && hal->ops->reset)
            hal->ops->reset(hal->dev); /* it did not stop when asked: its reset line does it */
        else if (st != ODPU_OK)
            return odpu_err_prefix(err, "%s: the engine does not stop (AP_CTRL 0x%08" PRIx32 "): ", hal->ops->name,
                                   ctrl);
    }
    odpu_hal_reg_write(hal, ODPU_REG_ABORT, 0);
    acknowledge(hal);
    ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL); /* clears ap_done and ap_ready */
    hal->run_expected = 0;
    hal->auto_restart = 0;
    if (!(ctrl & ODPU_AP_IDLE))
        return odpu_fail(err, ODPU_E_DEVICE, "%s: the engine is still busy after an abort (AP_CTRL 0x%08" PRIx32 ")",
                         hal->ops->name, ctrl);
    return ODPU_OK;
}

static void read_identity(odpu_hal *hal, odpu_hal_identity *id)
{
    id->magic = odpu_hal_reg_read(hal, ODPU_REG_MAGIC);
    id->version = odpu_hal_reg_read(hal, ODPU_REG_VERSION);
    id->fingerprint = odpu_hal_reg_read64(hal, ODPU_REG_FINGERPRINT_LO, ODPU_REG_FINGERPRINT_HI);
}

odpu_status odpu_hal_identify(odpu_hal *hal, uint32_t timeout_ms, odpu_hal_identity *id, odpu_err *err)
{
    memset(id, 0, sizeof *id);
    read_identity(hal, id);
    if (id->magic == ODPU_MAGIC)
        return ODPU_OK;
    if (id->magic != 0)
        return ODPU_OK; /* something answers, not an opendpu engine: the caller says so */
    /* Output registers that read 0: an engine that has not run yet, or nothing at all. An
     * empty run (nothing fetched, no memory touched, ERR_CODE NO_END) writes the identity. */
    odpu_hal_reg_write64(hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, 0);
    odpu_hal_reg_write(hal, ODPU_REG_INSN_COUNT, 0);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, 0);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, 0);
    odpu_hal_reg_write(hal, ODPU_REG_ABORT, 0);
    odpu_status st = odpu_hal_start(hal, err);
    if (st == ODPU_OK)
        st = odpu_hal_wait(hal, timeout_ms ? timeout_ms : IDENTIFY_TIMEOUT_MS, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "identifying the engine: ");
    odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL); /* clears the probe's ap_done */
    read_identity(hal, id);
    id->probed = 1;
    return ODPU_OK;
}

/* ---- Profiling ------------------------------------------------------------------------- */

odpu_status odpu_hal_events(odpu_hal *hal, const odpu_hal_event **ev, size_t *n, odpu_err *err)
{
    *ev = NULL;
    *n = 0;
    if (!hal->ops->caps.events || !hal->ops->events)
        return odpu_fail(err, ODPU_E_UNSUPPORTED,
                         "HAL backend '%s' records no per-instruction events (timing: %s)", hal->ops->name,
                         odpu_timing_name(odpu_hal_capabilities(hal)->timing));
    return hal->ops->events(hal->dev, ev, n, err);
}

odpu_status odpu_hal_read_stats(odpu_hal *hal, odpu_hal_stats *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    if (!hal->ops->stats)
        return odpu_fail(err, ODPU_E_UNSUPPORTED,
                         "HAL backend '%s' has no clock or DDR model to measure (timing: %s)", hal->ops->name,
                         odpu_timing_name(odpu_hal_capabilities(hal)->timing));
    return hal->ops->stats(hal->dev, out, err);
}
