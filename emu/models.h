/* models.h - the per-arch table of an emulated backend: the engines a build compiled (one
 * verilated RTL model or HLS C build per arch), picked by the arch a HAL is opened with. */
#ifndef ODPU_EMU_MODELS_H
#define ODPU_EMU_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"

/* What an engine was built for. */
typedef struct odpu_emu_model {
    const char *arch;       /* the arch config's name */
    uint64_t fingerprint;   /* odpu_arch_fingerprint of it */
    uint32_t axi_data_bits; /* its AXI4 master's width (not in the fingerprint) */
} odpu_emu_model;

/* The index in models[0, n) of the engine built for arch (same fingerprint and AXI width), or
 * ODPU_E_UNSUPPORTED naming the arch, listing what the build has and how to add one
 * (`how_to_add`, e.g. "SIM_ARCHS in sim/sim.mk"); messages start with `who`. */
odpu_status odpu_emu_pick_model(const char *who, const odpu_arch *arch, const odpu_emu_model *const *models,
                                size_t n, const char *how_to_add, size_t *index, odpu_err *err);

#endif
