/* vl_device.h - one verilated engine (rtl/, through sim/vl_model.h) as a device: reset, the
 * clock, AXI4-Lite register access, its AXI4 master served by the DDR model over an arena, the
 * interrupt line, per-instruction events and run statistics. sim/hal_sim.c adapts it to the
 * HAL; a device process of the virtual board can serve the same device over a socket. */
#ifndef ODPU_SIM_VL_DEVICE_H
#define ODPU_SIM_VL_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "emu/arena.h"
#include "host/hal.h"
#include "sim/ddr_model.h"

typedef struct vl_device vl_device;

typedef struct vl_device_options {
    const odpu_arch *arch;   /* picks the verilated model (fingerprint and AXI width) */
    const odpu_arena *memory; /* the physical memory its DDR model serves (not owned) */
    const char *trace_path;  /* waveform file (.fst or .vcd, as compiled in), or NULL */
    ddr_fault fault;         /* a DDR that misbehaves, for tests */
} vl_device_options;

/* Create the model and hold it in reset for a few cycles (docs/sim.md). */
odpu_status vl_device_open(const vl_device_options *opt, vl_device **out, odpu_err *err);
void vl_device_close(vl_device *d);

/* AXI4-Lite transactions on the register port, taking the cycles they take. A write of
 * AP_CTRL with ap_start to an idle engine begins a run: events and DDR statistics restart. */
uint32_t vl_device_read(vl_device *d, uint32_t offset);
void vl_device_write(vl_device *d, uint32_t offset, uint32_t value);

/* The interrupt line. */
int vl_device_irq(const vl_device *d);

/* Clock until the interrupt line is high or max_cycles have passed; returns the cycles run.
 * When the line rises after a begun run, the run's statistics are closed. */
uint64_t vl_device_run(vl_device *d, uint64_t max_cycles);

/* Pulse the reset line (and return the DDR model to idle): the engine's power-up state. */
void vl_device_reset(vl_device *d);

/* The first failure of the harness itself (an AXI4-Lite port that does not answer, an AXI4
 * protocol violation, an engine write outside every buffer, out of memory): sticky, code
 * ODPU_OK while there is none. */
const odpu_err *vl_device_fault(const vl_device *d);

/* Where it stands, for messages: clock edges since power-up and since the run began, DDR
 * bursts accepted and not completed. */
uint64_t vl_device_cycle(const vl_device *d);
uint64_t vl_device_run_cycles(const vl_device *d);
size_t vl_device_ddr_pending(const vl_device *d);
const char *vl_device_arch_name(const vl_device *d);

/* The last run's retired instructions (valid until the next run or close) and statistics
 * (ODPU_E_ARG before a run ended). */
void vl_device_events(const vl_device *d, const odpu_hal_event **ev, size_t *n);
odpu_status vl_device_stats(const vl_device *d, odpu_hal_stats *out, odpu_err *err);

#endif
