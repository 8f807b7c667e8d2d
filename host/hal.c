/* hal.c - the backend registry and the public odpu_hal_* calls (see hal.h, docs/hal.md).
 * A backend is one const odpu_hal_ops defined in its own folder; this file only picks one
 * by name and forwards to it, so nothing above the HAL knows which engine it drives. */
#include "host/hal.h"

#include <stdlib.h>
#include <string.h>

/* Every backend of this build. ref is always there; the others need their toolchains
 * (Vitis HLS headers, Verilator, a board's kernel driver) and are switched on by the
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
#ifdef ODPU_HAL_WITH_BOARD
#define ODPU_HAL_BACKEND_BOARD(X) X(board)
#else
#define ODPU_HAL_BACKEND_BOARD(X)
#endif

#define ODPU_HAL_BACKENDS(X) \
    X(ref) ODPU_HAL_BACKEND_HLS(X) ODPU_HAL_BACKEND_SIM(X) ODPU_HAL_BACKEND_BOARD(X)

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

struct odpu_hal {
    const odpu_hal_ops *ops;
    void *dev;
    odpu_arch arch; /* a copy: the caller's config need not outlive the handle */
};

const char *const *odpu_hal_backends(void)
{
    return backend_names;
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

odpu_status odpu_hal_open(const char *backend, const odpu_hal_options *opt, odpu_hal **out,
                          odpu_err *err)
{
    *out = NULL;
    if (!backend || !opt || !opt->arch)
        return odpu_fail(err, ODPU_E_ARG, "odpu_hal_open: backend name and options with an arch are required");
    const odpu_hal_ops *ops = NULL;
    for (size_t i = 0; i < N_BACKENDS; i++)
        if (!strcmp(backend, backend_names[i]))
            ops = backend_ops[i];
    if (!ops)
        return unknown_backend(backend, err);

    odpu_hal *hal = calloc(1, sizeof *hal);
    if (!hal)
        return odpu_fail(err, ODPU_E_NOMEM, "HAL backend '%s': out of memory", backend);
    hal->ops = ops;
    hal->arch = *opt->arch;
    odpu_hal_options local = *opt;
    local.arch = &hal->arch;
    odpu_status st = ops->open(&local, &hal->dev, err);
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

const odpu_arch *odpu_hal_arch(const odpu_hal *hal)
{
    return &hal->arch;
}

uint32_t odpu_hal_reg_read(odpu_hal *hal, uint32_t offset)
{
    return hal->ops->reg_read(hal->dev, offset);
}

void odpu_hal_reg_write(odpu_hal *hal, uint32_t offset, uint32_t value)
{
    hal->ops->reg_write(hal->dev, offset, value);
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

odpu_status odpu_hal_start(odpu_hal *hal, odpu_err *err)
{
    return hal->ops->start(hal->dev, err);
}

odpu_status odpu_hal_wait(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err)
{
    return hal->ops->wait(hal->dev, timeout_ms, err);
}

odpu_status odpu_hal_events(odpu_hal *hal, const odpu_hal_event **ev, size_t *n, odpu_err *err)
{
    *ev = NULL;
    *n = 0;
    if (!hal->ops->events)
        return odpu_fail(err, ODPU_E_UNSUPPORTED,
                         "HAL backend '%s' records no per-instruction events (the sim backend does)",
                         hal->ops->name);
    return hal->ops->events(hal->dev, ev, n, err);
}

odpu_status odpu_hal_read_stats(odpu_hal *hal, odpu_hal_stats *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    if (!hal->ops->stats)
        return odpu_fail(err, ODPU_E_UNSUPPORTED,
                         "HAL backend '%s' has no clock or DDR model to measure (the sim backend does)",
                         hal->ops->name);
    return hal->ops->stats(hal->dev, out, err);
}
