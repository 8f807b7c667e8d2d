/* hal_ref.c - the "ref" HAL backend: the golden model (ref.h) dressed as a device by the
 * emulation layer (emu/soft_hal.h), so the host runtime drives it exactly as it drives a
 * board. What it does not emulate (time, caches) is listed in docs/hal.md. */
#include "arch/arch.h"
#include "emu/soft_hal.h"
#include "ref/ref.h"

static odpu_status ref_create(const odpu_arch *arch, void **engine, odpu_err *err)
{
    odpu_isa_limits lim;
    odpu_arch_limits(arch, &lim);
    return odpu_ref_create(&lim, (odpu_ref **)engine, err);
}

static void ref_destroy(void *engine)
{
    odpu_ref_destroy(engine);
}

static odpu_status ref_run(void *engine, const uint8_t *stream, size_t n_insns, uint8_t *ddr, uint64_t ddr_size,
                           odpu_soft_result *res, odpu_err *err)
{
    odpu_ref_result r = {0};
    odpu_status st = odpu_ref_run(engine, stream, n_insns, ddr, ddr_size, &r, err);
    *res = (odpu_soft_result){r.hw_error, (uint32_t)r.err_index, (uint32_t)r.insns_done};
    return st;
}

static const odpu_soft_engine ref_engine = {"ref", ref_create, ref_destroy, ref_run};

static odpu_status ref_open(const odpu_hal_options *opt, void **dev, odpu_err *err)
{
    return odpu_soft_open(&ref_engine, opt, dev, err);
}

extern const odpu_hal_ops odpu_hal_ref_ops;
const odpu_hal_ops odpu_hal_ref_ops =
    ODPU_SOFT_HAL_OPS("ref", ref_open, .what = "the golden model (ref/): defines the INT8 result; no clock");
