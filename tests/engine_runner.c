/* engine_runner.c - run a stream on any HAL backend for the differential tests
 * (see engine_runner.h). Programs the registers of isa/regs.def the way the host runtime
 * does, so what is tested is the engine behind the HAL, not a shortcut into it. */
#include "tests/engine_runner.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/hal.h"
#include "isa/regs.h"

/* RTL simulation of a large case may take minutes; a run that is still busy after this
 * long is a hung engine, which the test reports instead of waiting forever. */
enum { ENGINE_TIMEOUT_MS = 10 * 60 * 1000 };

static const char *const DEFAULT_BACKENDS = "ref";
static const char *const BACKEND_SEPARATORS = ", \t";

struct engine_runner {
    odpu_hal *hal;
    long max_cases; /* cases per loop this backend runs; -1 for all */
};

/* PREFIX<NAME> with NAME upper-cased, in out. */
static void backend_var(const char *prefix, const char *backend, char *out, size_t size)
{
    int n = snprintf(out, size, "%s%s", prefix, backend);
    for (int i = 0; i < n && out[i]; i++)
        out[i] = (char)toupper((unsigned char)out[i]);
}

const char *engine_device(const char *backend)
{
    char var[ENGINE_NAME_MAX + sizeof "ODPU_TEST_DEVICE_"];
    backend_var("ODPU_TEST_DEVICE_", backend, var, sizeof var);
    const char *v = getenv(var);
    return v && *v ? v : NULL;
}

/* ODPU_TEST_CASES_<NAME> (NAME upper-cased): -1 when unset, else a count >= 0. */
static odpu_status case_limit(const char *backend, long *out, odpu_err *err)
{
    char var[ENGINE_NAME_MAX + sizeof "ODPU_TEST_CASES_"];
    backend_var("ODPU_TEST_CASES_", backend, var, sizeof var);
    *out = -1;
    const char *v = getenv(var);
    if (!v || !*v)
        return ODPU_OK;
    char *end;
    errno = 0;
    long count = strtol(v, &end, 10);
    if (errno || *end || count < 0)
        return odpu_fail(err, ODPU_E_ARG, "%s='%s' is not a number of cases", var, v);
    *out = count;
    return ODPU_OK;
}

void engine_backends(engine_list *out)
{
    memset(out, 0, sizeof *out);
    const char *list = getenv("ODPU_TEST_BACKENDS");
    if (!list || !*list)
        list = DEFAULT_BACKENDS;
    const char *p = list;
    while (*p && out->count < ENGINE_MAX_BACKENDS) {
        p += strspn(p, BACKEND_SEPARATORS);
        size_t len = strcspn(p, BACKEND_SEPARATORS);
        if (len == 0)
            break;
        if (len >= ENGINE_NAME_MAX)
            len = ENGINE_NAME_MAX - 1; /* odpu_hal_open will reject the truncated name */
        memcpy(out->names[out->count], p, len);
        out->names[out->count][len] = '\0';
        out->count++;
        p += strcspn(p, BACKEND_SEPARATORS);
    }
}

odpu_status engine_open(const char *backend, const odpu_arch *arch, engine_runner **out,
                        odpu_err *err)
{
    *out = NULL;
    engine_runner *r = calloc(1, sizeof *r);
    if (!r)
        return odpu_fail(err, ODPU_E_NOMEM, "engine runner: out of memory");
    odpu_status limit = case_limit(backend, &r->max_cases, err);
    if (limit != ODPU_OK) {
        free(r);
        return limit;
    }
    odpu_hal_options opt;
    memset(&opt, 0, sizeof opt);
    opt.arch = arch;
    opt.device = engine_device(backend);
    odpu_status st = odpu_hal_open(backend, &opt, &r->hal, err);
    if (st != ODPU_OK) {
        free(r);
        return st;
    }
    *out = r;
    return ODPU_OK;
}

void engine_close(engine_runner *runner)
{
    if (!runner)
        return;
    odpu_hal_close(runner->hal);
    free(runner);
}

const char *engine_name(const engine_runner *runner)
{
    return odpu_hal_backend_name(runner->hal);
}

int engine_runs_case(const engine_runner *runner, int index)
{
    return runner->max_cases < 0 || index < runner->max_cases;
}

/* Registers as the host runtime programs them (docs/hal.md), then ap_start. */
static odpu_status start_engine(odpu_hal *hal, const odpu_dma_buf *insns, uint32_t n_insns,
                                const odpu_dma_buf *ddr, uint64_t ddr_size, odpu_err *err)
{
    odpu_hal_reg_write64(hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, insns->phys);
    odpu_hal_reg_write(hal, ODPU_REG_INSN_COUNT, n_insns);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, ddr->phys);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, ddr_size);
    odpu_hal_reg_write(hal, ODPU_REG_ABORT, 0);
    return odpu_hal_start(hal, err);
}

/* After the interrupt: ap_done must be set, and the output registers say how the run ended. */
static odpu_status read_outcome(odpu_hal *hal, engine_outcome *out, odpu_err *err)
{
    uint32_t ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL);
    if (!(ctrl & ODPU_AP_DONE) || !(ctrl & ODPU_AP_IDLE))
        return odpu_fail(err, ODPU_E_DEVICE, "%s: wait returned but AP_CTRL = 0x%x is not done and idle",
                         odpu_hal_backend_name(hal), ctrl);
    out->hw_error = (odpu_hw_error)odpu_hal_reg_read(hal, ODPU_REG_ERR_CODE);
    out->err_index = odpu_hal_reg_read(hal, ODPU_REG_ERR_INDEX);
    out->insns_done = odpu_hal_reg_read(hal, ODPU_REG_INSN_DONE);
    return ODPU_OK;
}

/* Copy in, run, copy out; the DMA buffers are the caller's and freed by it. */
static odpu_status run_buffers(odpu_hal *hal, odpu_dma_buf *insns, const uint8_t *stream,
                               size_t n_insns, odpu_dma_buf *window, uint8_t *ddr,
                               size_t ddr_size, engine_outcome *out, odpu_err *err)
{
    if (n_insns) /* memcpy from a NULL stream or image is undefined even for 0 bytes */
        memcpy(insns->virt, stream, n_insns * ODPU_INSN_BYTES);
    if (ddr_size)
        memcpy(window->virt, ddr, ddr_size);
    odpu_status st = odpu_hal_sync(hal, insns, 0, insns->size, ODPU_SYNC_TO_DEVICE, err);
    if (st == ODPU_OK)
        st = odpu_hal_sync(hal, window, 0, window->size, ODPU_SYNC_TO_DEVICE, err);
    if (st == ODPU_OK)
        st = start_engine(hal, insns, (uint32_t)n_insns, window, ddr_size, err);
    if (st == ODPU_OK)
        st = odpu_hal_wait(hal, ENGINE_TIMEOUT_MS, err);
    if (st == ODPU_OK)
        st = odpu_hal_sync(hal, window, 0, window->size, ODPU_SYNC_FROM_DEVICE, err);
    if (st != ODPU_OK)
        return st;
    if (ddr_size)
        memcpy(ddr, window->virt, ddr_size);
    return read_outcome(hal, out, err);
}

odpu_status engine_run(engine_runner *runner, const uint8_t *stream, size_t n_insns, uint8_t *ddr,
                       size_t ddr_size, engine_outcome *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    if (n_insns > UINT32_MAX)
        return odpu_fail(err, ODPU_E_ARG, "engine runner: %zu instructions do not fit INSN_COUNT",
                         n_insns);
    odpu_hal *hal = runner->hal;
    /* A DMA buffer cannot be empty; an empty stream or window still gets one byte, and
     * INSN_COUNT / DDR_SIZE tell the engine the real sizes. */
    size_t insn_bytes = n_insns ? n_insns * ODPU_INSN_BYTES : 1;
    size_t window_bytes = ddr_size ? ddr_size : 1;
    odpu_dma_buf insns, window;
    odpu_status st = odpu_hal_alloc(hal, insn_bytes, &insns, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_hal_alloc(hal, window_bytes, &window, err);
    if (st == ODPU_OK) {
        st = run_buffers(hal, &insns, stream, n_insns, &window, ddr, ddr_size, out, err);
        odpu_hal_free(hal, &window);
    }
    odpu_hal_free(hal, &insns);
    if (st != ODPU_OK)
        odpu_err_prefix(err, "engine runner (%s): ", odpu_hal_backend_name(hal));
    return st;
}
