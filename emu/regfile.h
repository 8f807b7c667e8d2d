/* regfile.h - the engine's register file (isa/regs.def) as a software-modelled device holds it:
 * the ap_ctrl_hs control bits, interrupt enable and status, the argument words, clear-on-read
 * and toggle-on-write, all driven by the tables of regs.def. ref, hls and the virtual board use it. */
#ifndef ODPU_EMU_REGFILE_H
#define ODPU_EMU_REGFILE_H

#include <stdint.h>

#include "isa/isa_defs.h"
#include "isa/regs.h"

/* The inputs a run takes at ap_start (latched, as the engine latches its arguments). */
typedef struct odpu_run_args {
    uint64_t insn_base;
    uint32_t insn_count;
    uint64_t ddr_base, ddr_size;
    uint32_t watchdog;
} odpu_run_args;

/* What a run reports: the output arguments of regs.def but the identity. */
typedef struct odpu_run_outputs {
    odpu_hw_error err_code;
    uint32_t err_index;
    uint32_t insn_done;
    uint64_t cycles;
    uint32_t busy[ODPU_ENGINE_COUNT]; /* BUSY_LOAD, BUSY_COMPUTE, BUSY_STORE */
    uint32_t stall_dep, stall_ddr;
} odpu_run_outputs;

typedef struct odpu_regfile {
    uint32_t word[ODPU_ARGW_END]; /* every word of the map; AP_CTRL's bits live below */
    int ap_start, ap_done, ap_ready, auto_restart;
    int running;                  /* a run took ap_start and has not finished */
    uint64_t fingerprint;
} odpu_regfile;

/* Power-up state. identity_from_reset: MAGIC, VERSION and FINGERPRINT read their values from
 * reset, as on the RTL IP; 0 models the HLS IP, whose output registers read 0 until the first
 * run writes them (docs/hal.md, "Identifying the engine"). */
void odpu_regfile_reset(odpu_regfile *rf, uint64_t fingerprint, int identity_from_reset);

/* A host access. Reading AP_CTRL clears ap_done and ap_ready; writing ISR toggles the bits
 * written as 1; writes to read-only words and to offsets no register lives at are dropped,
 * and those read 0. */
uint32_t odpu_regfile_read(odpu_regfile *rf, uint32_t offset);
void odpu_regfile_write(odpu_regfile *rf, uint32_t offset, uint32_t value);
/* The value a read would return, without its side effects. */
uint32_t odpu_regfile_peek(const odpu_regfile *rf, uint32_t offset);

/* The device side. start_pending: ap_start is set and no run is going; begin takes it and
 * latches the inputs; abort_requested: ABORT's bit; finish ends the run: the outputs and the
 * identity are written, ap_done, ap_ready and the enabled ISR bits are set, and ap_start is
 * cleared unless auto_restart keeps it for the next run. irq is GIE and any ISR bit. */
int odpu_regfile_start_pending(const odpu_regfile *rf);
void odpu_regfile_begin(odpu_regfile *rf, odpu_run_args *args);
int odpu_regfile_abort_requested(const odpu_regfile *rf);
void odpu_regfile_finish(odpu_regfile *rf, const odpu_run_outputs *out);
int odpu_regfile_irq(const odpu_regfile *rf);

#endif
