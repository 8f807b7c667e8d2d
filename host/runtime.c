/* runtime.c - runs a model file on whatever engine the HAL handle leads to (see runtime.h).
 * Only odpu_hal_* calls and the register map of isa/regs.def reach the engine: the same
 * code drives the golden model, the simulations and the board. */
#include "host/runtime.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "isa/regs.h"

struct odpu_runtime {
    odpu_hal *hal;
    const odpu_model *model;
    odpu_dma_buf ddr;   /* the model's whole DDR window */
    odpu_dma_buf insns; /* the encoded instruction stream */
};

/* How long the runtime gives an engine to stop when it aborts a run (a timed-out one, or one
 * a killed process left going) and to answer an identifying run. */
enum { ABORT_TIMEOUT_MS = 1000, IDENTIFY_TIMEOUT_MS = 1000 };

/* ---- Open: is this the engine the model was built for? ------------------------------- */

/* A run left going by a process that was killed or timed out: stop it first (docs/hal.md). */
static odpu_status make_idle(odpu_hal *hal, odpu_err *err)
{
    uint32_t ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL);
    if ((ctrl & ODPU_AP_IDLE) && !(ctrl & ODPU_AP_START))
        return ODPU_OK;
    odpu_status st = odpu_hal_abort(hal, ABORT_TIMEOUT_MS, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "the engine at backend '%s' was busy with a run this runtime did not start: ",
                               odpu_hal_backend_name(hal));
    return ODPU_OK;
}

static odpu_status check_engine(odpu_hal *hal, const odpu_model *model, odpu_err *err)
{
    const char *backend = odpu_hal_backend_name(hal);
    const odpu_arch *arch = odpu_hal_arch(hal);
    odpu_hal_identity id;
    odpu_status st = make_idle(hal, err);
    if (st == ODPU_OK)
        st = odpu_hal_identify(hal, IDENTIFY_TIMEOUT_MS, &id, err);
    if (st != ODPU_OK)
        return st;
    if (id.magic != ODPU_MAGIC)
        return odpu_fail(err, ODPU_E_DEVICE,
                         "no opendpu engine answers at backend '%s' (MAGIC reads 0x%08" PRIx32 "%s, expected 0x%08x)",
                         backend, id.magic, id.probed ? " after an identifying run" : "", ODPU_MAGIC);
    if (id.version >> 16 != ODPU_ISA_VERSION_MAJOR)
        return odpu_fail(err, ODPU_E_MISMATCH,
                         "the engine at backend '%s' implements ISA %" PRIu32 ".%" PRIu32 ", this runtime speaks ISA %d.%d",
                         backend, id.version >> 16, id.version & 0xFFFFu, ODPU_ISA_VERSION_MAJOR,
                         ODPU_ISA_VERSION_MINOR);
    uint64_t arch_fp = odpu_arch_fingerprint(arch);
    /* The validator below uses the arch the HAL was opened with; if the engine was built
     * from another config, its verdict would be about the wrong machine. */
    if (id.fingerprint != arch_fp)
        return odpu_fail(err, ODPU_E_MISMATCH,
                         "the engine at backend '%s' reports fingerprint %016" PRIx64 " but was opened with arch '%s' "
                         "(fingerprint %016" PRIx64 "); pass the arch file the engine was built from",
                         backend, id.fingerprint, arch->name, arch_fp);
    return odpu_model_check_fingerprint(model, arch->name, id.fingerprint, err);
}

static odpu_status validate_stream(odpu_hal *hal, const odpu_model *model, odpu_err *err)
{
    odpu_isa_limits lim;
    odpu_ddr_layout layout;
    odpu_arch_limits(odpu_hal_arch(hal), &lim);
    odpu_model_ddr_layout(model, &layout);
    odpu_status st = odpu_stream_validate(model->insns, model->n_insns, &lim, &layout, NULL, NULL, err);
    if (st != ODPU_OK)
        odpu_err_prefix(err, "the model's instruction stream is not valid for arch '%s': ",
                        odpu_hal_arch(hal)->name);
    return st;
}

/* The DMA buffers: the window starts zeroed (scratch contents never depend on what the
 * allocator left there), the constants go to const_offset, and both reach the device. */
static odpu_status setup_buffers(odpu_runtime *rt, odpu_err *err)
{
    const odpu_model *m = rt->model;
    size_t insn_bytes = m->n_insns * ODPU_INSN_BYTES;
    odpu_status st = odpu_hal_alloc(rt->hal, (size_t)m->ddr_size, &rt->ddr, err);
    if (st == ODPU_OK)
        st = odpu_hal_alloc(rt->hal, insn_bytes, &rt->insns, err);
    if (st != ODPU_OK)
        return st;
    memset(rt->ddr.virt, 0, rt->ddr.size);
    if (m->consts_size)
        memcpy((uint8_t *)rt->ddr.virt + m->const_offset, m->consts, m->consts_size);
    memcpy(rt->insns.virt, m->insns, insn_bytes);
    st = odpu_hal_sync(rt->hal, &rt->ddr, 0, rt->ddr.size, ODPU_SYNC_TO_DEVICE, err);
    if (st == ODPU_OK)
        st = odpu_hal_sync(rt->hal, &rt->insns, 0, insn_bytes, ODPU_SYNC_TO_DEVICE, err);
    return st;
}

odpu_status odpu_runtime_open(odpu_hal *hal, const odpu_model *model, odpu_runtime **out,
                              odpu_err *err)
{
    *out = NULL;
    if (!hal || !model)
        return odpu_fail(err, ODPU_E_ARG, "odpu_runtime_open: a HAL handle and a model are required");
    odpu_status st = check_engine(hal, model, err);
    if (st == ODPU_OK)
        st = validate_stream(hal, model, err);
    if (st != ODPU_OK)
        return st;
    odpu_runtime *rt = calloc(1, sizeof *rt);
    if (!rt)
        return odpu_fail(err, ODPU_E_NOMEM, "runtime: out of memory");
    rt->hal = hal;
    rt->model = model;
    st = setup_buffers(rt, err);
    if (st != ODPU_OK) {
        odpu_runtime_close(rt);
        return st;
    }
    *out = rt;
    return ODPU_OK;
}

void odpu_runtime_close(odpu_runtime *rt)
{
    if (!rt)
        return;
    odpu_hal_free(rt->hal, &rt->insns);
    odpu_hal_free(rt->hal, &rt->ddr);
    free(rt);
}

/* ---- Run ----------------------------------------------------------------------------- */

/* A padded, row-folded input (docs/model-format.md): every stored pixel is fold_rows groups
 * of c bytes, each the input pixel the fold points at or zero_point outside the input. */
static void scatter_folded(uint8_t *window, const odpu_tensor_desc *t, const int8_t *src)
{
    uint32_t rows, cols, bytes;
    odpu_tensor_storage(t, &rows, &cols, &bytes);
    for (uint32_t yo = 0; yo < rows; yo++)
        for (uint32_t xo = 0; xo < cols; xo++)
            for (uint32_t r = 0; r < t->fold_rows; r++) {
                uint8_t *dst = window + t->ddr_offset + (size_t)yo * t->row_stride + (size_t)xo * t->pixel_stride +
                               (size_t)r * t->c;
                int64_t y = (int64_t)yo * t->fold_step + r - t->pad_top, x = (int64_t)xo - t->pad_left;
                if (y < 0 || y >= t->h || x < 0 || x >= t->w)
                    memset(dst, (uint8_t)(int8_t)t->zero_point, t->c);
                else
                    memcpy(dst, src + ((size_t)y * t->w + (size_t)x) * t->c, t->c);
            }
}

/* Dense HWC <-> the tensor's strided box in the window. */
static void scatter(uint8_t *window, const odpu_tensor_desc *t, const int8_t *src)
{
    if (odpu_tensor_is_folded(t)) {
        scatter_folded(window, t, src);
        return;
    }
    for (uint32_t y = 0; y < t->h; y++)
        for (uint32_t x = 0; x < t->w; x++)
            memcpy(window + t->ddr_offset + (size_t)y * t->row_stride + (size_t)x * t->pixel_stride,
                   src + ((size_t)y * t->w + x) * t->c, t->c);
}

static void gather(const uint8_t *window, const odpu_tensor_desc *t, int8_t *dst)
{
    for (uint32_t y = 0; y < t->h; y++)
        for (uint32_t x = 0; x < t->w; x++)
            memcpy(dst + ((size_t)y * t->w + x) * t->c,
                   window + t->ddr_offset + (size_t)y * t->row_stride + (size_t)x * t->pixel_stride, t->c);
}

/* Move every tensor of one role between the caller's arrays and the window, syncing
 * exactly the bytes its box spans. */
/* Tensor extents fit a size_t: the model loader bounded them by the DDR window. */
static odpu_status transfer(odpu_runtime *rt, odpu_tensor_role role, const int8_t *const *in,
                            int8_t *const *out, odpu_err *err)
{
    const odpu_model *m = rt->model;
    size_t k = 0;
    for (size_t i = 0; i < m->n_tensors; i++) {
        const odpu_tensor_desc *t = &m->tensors[i];
        if (t->role != role)
            continue;
        const void *user = role == ODPU_TENSOR_INPUT ? (const void *)(in ? in[k] : NULL)
                                                     : (const void *)(out ? out[k] : NULL);
        if (!user)
            return odpu_fail(err, ODPU_E_ARG, "runtime: no buffer given for %s %zu ('%s')",
                             role == ODPU_TENSOR_INPUT ? "input" : "output", k, t->name);
        odpu_status st;
        if (role == ODPU_TENSOR_INPUT) {
            scatter(rt->ddr.virt, t, in[k]);
            st = odpu_hal_sync(rt->hal, &rt->ddr, (size_t)t->ddr_offset, (size_t)odpu_tensor_extent(t),
                               ODPU_SYNC_TO_DEVICE, err);
        } else {
            st = odpu_hal_sync(rt->hal, &rt->ddr, (size_t)t->ddr_offset, (size_t)odpu_tensor_extent(t),
                               ODPU_SYNC_FROM_DEVICE, err);
            if (st == ODPU_OK)
                gather(rt->ddr.virt, t, out[k]);
        }
        if (st != ODPU_OK)
            return st;
        k++;
    }
    return ODPU_OK;
}

static void program(odpu_runtime *rt)
{
    odpu_hal *hal = rt->hal;
    odpu_hal_reg_write64(hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, rt->insns.phys);
    odpu_hal_reg_write(hal, ODPU_REG_INSN_COUNT, (uint32_t)rt->model->n_insns);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI, rt->ddr.phys);
    odpu_hal_reg_write64(hal, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI, rt->model->ddr_size);
    odpu_hal_reg_write(hal, ODPU_REG_ABORT, 0);
}

static void read_stats(odpu_hal *hal, odpu_run_stats *s)
{
    s->cycles = odpu_hal_reg_read64(hal, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI);
    s->insns_done = odpu_hal_reg_read(hal, ODPU_REG_INSN_DONE);
    s->busy[ODPU_ENGINE_LOAD] = odpu_hal_reg_read(hal, ODPU_REG_BUSY_LOAD);
    s->busy[ODPU_ENGINE_COMPUTE] = odpu_hal_reg_read(hal, ODPU_REG_BUSY_COMPUTE);
    s->busy[ODPU_ENGINE_STORE] = odpu_hal_reg_read(hal, ODPU_REG_BUSY_STORE);
    s->stall_dep = odpu_hal_reg_read(hal, ODPU_REG_STALL_DEP);
    s->stall_ddr = odpu_hal_reg_read(hal, ODPU_REG_STALL_DDR);
}

/* After the interrupt: ap_done must say the run ended; ERR_CODE says how. */
static odpu_status check_result(odpu_runtime *rt, odpu_err *err)
{
    odpu_hal *hal = rt->hal;
    uint32_t ctrl = odpu_hal_reg_read(hal, ODPU_REG_AP_CTRL); /* clears ap_done */
    if (!(ctrl & ODPU_AP_DONE))
        return odpu_fail(err, ODPU_E_DEVICE,
                         "engine at backend '%s' interrupted but AP_CTRL reads 0x%08" PRIx32 " (no ap_done)",
                         odpu_hal_backend_name(hal), ctrl);
    uint32_t code = odpu_hal_reg_read(hal, ODPU_REG_ERR_CODE);
    if (code == ODPU_HW_OK)
        return ODPU_OK;
    uint32_t index = odpu_hal_reg_read(hal, ODPU_REG_ERR_INDEX);
    const char *name = code < ODPU_HW_ERROR_COUNT ? odpu_hw_error_name((odpu_hw_error)code) : "an unknown error code";
    return odpu_fail(err, ODPU_E_DEVICE,
                     "engine at backend '%s' reported %s (code %" PRIu32 ") at instruction %" PRIu32 " of %zu",
                     odpu_hal_backend_name(hal), name, code, index, rt->model->n_insns);
}

/* A run that did not end in time is stopped, so the engine is idle for the next one. */
static odpu_status give_up(odpu_runtime *rt, odpu_err *err)
{
    odpu_err abort_err;
    if (odpu_hal_abort(rt->hal, ABORT_TIMEOUT_MS, &abort_err) != ODPU_OK)
        return odpu_err_prefix(err, "the run did not end in time and could not be aborted (%s): ", abort_err.msg);
    return odpu_err_prefix(err, "the run did not end in time and was aborted: ");
}

odpu_status odpu_runtime_run(odpu_runtime *rt, const int8_t *const *inputs, int8_t *const *outputs,
                             uint32_t timeout_ms, odpu_run_stats *stats, odpu_err *err)
{
    odpu_run_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    odpu_status st = transfer(rt, ODPU_TENSOR_INPUT, inputs, NULL, err);
    if (st != ODPU_OK)
        return st;
    program(rt);
    st = odpu_hal_start(rt->hal, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_hal_wait(rt->hal, timeout_ms, err);
    if (st == ODPU_E_TIMEOUT)
        return give_up(rt, err);
    if (st != ODPU_OK)
        return st;
    read_stats(rt->hal, stats);
    st = check_result(rt, err);
    if (st != ODPU_OK)
        return st;
    return transfer(rt, ODPU_TENSOR_OUTPUT, NULL, outputs, err);
}

odpu_status odpu_runtime_window(odpu_runtime *rt, const uint8_t **bytes, size_t *size, odpu_err *err)
{
    size_t n = (size_t)rt->model->ddr_size;
    odpu_status st = odpu_hal_sync(rt->hal, &rt->ddr, 0, n, ODPU_SYNC_FROM_DEVICE, err);
    if (st != ODPU_OK)
        return st;
    *bytes = rt->ddr.virt;
    *size = n;
    return ODPU_OK;
}
