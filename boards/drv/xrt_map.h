/* xrt_map.h - the half of the xrt HAL backend that needs neither XRT nor a board: how the
 * register map of isa/regs.def maps onto XRT's kernel arguments (index, offset, width), the
 * control block (AP_CTRL, GIE, IER, ISR) the backend shows the HAL while XRT owns the real
 * one, its device options, and where XRT 2.13 looks for its driver library. Unit-tested by
 * tests/test_hal_xrt.c on any machine; docs/hal.md, "The xrt backend", has the reasons. */
#ifndef ODPU_BOARDS_DRV_XRT_MAP_H
#define ODPU_BOARDS_DRV_XRT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "isa/regs.h"

/* One argument of the engine's top function as XRT numbers it (xrtRunSetArg's index). */
typedef enum odpu_xrt_kind { ODPU_XRT_PTR, ODPU_XRT_U64, ODPU_XRT_U32 } odpu_xrt_kind;

typedef struct odpu_xrt_arg {
    const char *name;   /* "INSN_BASE" */
    odpu_arg index;     /* ODPU_ARG_<NAME>: its index in the xclbin's kernel description */
    uint32_t offset;    /* byte offset of its first word on the control port */
    uint32_t bytes;     /* 8 for a pointer or 64-bit scalar, 4 for a 32-bit one */
    int input;          /* 1: the host sets it; 0: the engine writes it */
    odpu_xrt_kind kind;
} odpu_xrt_arg;

/* All ODPU_ARG_COUNT arguments, in index order. */
const odpu_xrt_arg *odpu_xrt_args(void);
/* The argument a register word belongs to and which word of it (0: low or only, 1: high);
 * NULL for the control block, a reserved word or an offset past the map. */
const odpu_xrt_arg *odpu_xrt_arg_at(uint32_t offset, unsigned *word);

/* The control block the backend keeps in software, and the inputs it captured. */
typedef struct odpu_xrt_regs {
    uint64_t in[ODPU_ARG_COUNT]; /* the value each input was last written (outputs unused) */
    uint32_t gie, ier, isr;
    int running;       /* a run was started and its end not seen yet */
    int start_pending; /* ap_start was written during a run: another follows it */
    int auto_restart;
    int done;          /* ap_done and ap_ready, cleared when AP_CTRL is read */
} odpu_xrt_regs;

/* What a register access asks of the backend beyond the model. */
typedef enum odpu_xrt_action {
    ODPU_XRT_NOTHING,       /* the model answered */
    ODPU_XRT_START,         /* start a run with the captured inputs, then odpu_xrt_regs_started */
    ODPU_XRT_WRITE_THROUGH, /* a run is going: the engine must see this word now (ABORT) */
    ODPU_XRT_READ_ENGINE,   /* an output: read it from the engine */
} odpu_xrt_action;

void odpu_xrt_regs_init(odpu_xrt_regs *r);
odpu_xrt_action odpu_xrt_regs_write(odpu_xrt_regs *r, uint32_t offset, uint32_t value);
/* *value is the model's answer; with ODPU_XRT_READ_ENGINE the engine's word replaces it. */
odpu_xrt_action odpu_xrt_regs_read(odpu_xrt_regs *r, uint32_t offset, uint32_t *value);
void odpu_xrt_regs_started(odpu_xrt_regs *r);
/* XRT saw the run complete: ap_done, ap_ready, ISR as IER enables. Returns 1 when the next run
 * must start at once (auto_restart, or ap_start written during the run). */
int odpu_xrt_regs_ended(odpu_xrt_regs *r);
/* The run will not end normally (XRT reported an error state): no longer running. */
void odpu_xrt_regs_lost(odpu_xrt_regs *r);
/* The interrupt line: GIE and a pending ISR bit. */
int odpu_xrt_regs_irq(const odpu_xrt_regs *r);

/* Device options (docs/hal.md): index=N (also the bare first word), xclbin=PATH, kernel=NAME,
 * buffers=cacheable|uncached (how XRT allocates DMA buffers: CPU-cached and synced, or not).
 * The default xclbin is the one the board's app package installs for the arch (docs/boards.md):
 * ODPU_XRT_FIRMWARE_DIR/opendpu-<arch>/opendpu-<arch>.xclbin. */
enum { ODPU_XRT_PATH_MAX = 4096, ODPU_XRT_NAME_MAX = 128 };
#define ODPU_XRT_FIRMWARE_DIR "/lib/firmware/xilinx"
typedef struct odpu_xrt_options {
    unsigned index;
    char xclbin[ODPU_XRT_PATH_MAX];
    char kernel[ODPU_XRT_NAME_MAX];
    int uncached;
} odpu_xrt_options;

odpu_status odpu_xrt_options_parse(const char *text, const char *arch_name, odpu_xrt_options *out, odpu_err *err);

/* Where XRT 2.13 loads its driver library (libxrt_core.so.<major>) from, decided as its loader
 * decides: $XILINX_XRT/lib, or /usr/lib on Arm when XILINX_XRT is unset. XRT aborts the whole
 * process when that file is missing, so the backend checks it first. ODPU_E_DEVICE naming the
 * device index when XRT would have no path (x86 without XILINX_XRT) or runs an emulation
 * (XCL_EMULATION_MODE set: there is no emulation model of this engine). */
odpu_status odpu_xrt_shim_path(unsigned index, const char *xilinx_xrt, const char *emulation, int arm,
                               unsigned major, char *out, size_t size, odpu_err *err);

/* The message for an xrtDeviceOpen that found nothing: the index and what to check. */
odpu_status odpu_xrt_no_device(unsigned index, int errnum, odpu_err *err);

#endif
