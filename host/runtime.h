/* runtime.h - runs a model file on any engine through the HAL: load, check, plan DMA, execute.
 * Knows nothing of which backend is underneath; the same code drives ref, hls, sim and the board. */
#ifndef ODPU_HOST_RUNTIME_H
#define ODPU_HOST_RUNTIME_H

#include <stdint.h>

#include "common/err.h"
#include "host/hal.h"
#include "host/model.h"

typedef struct odpu_runtime odpu_runtime;

/* Bind a model to an opened engine: compare the model's arch fingerprint with the engine's
 * FP registers, validate the stream (odpu_stream_validate), allocate the DMA buffers for the
 * DDR window and the instruction stream, and copy the constants in. The model must outlive
 * the runtime. */
odpu_status odpu_runtime_open(odpu_hal *hal, const odpu_model *model, odpu_runtime **out,
                              odpu_err *err);
void odpu_runtime_close(odpu_runtime *rt);

typedef struct odpu_run_stats {
    uint64_t cycles;       /* CYCLES register (0 for engines without a clock, e.g. ref) */
    uint32_t insns_done;   /* INSN_DONE register */
    uint32_t busy[3];      /* BUSY_LOAD, BUSY_COMPUTE, BUSY_STORE */
    uint32_t stall_dep, stall_ddr;
} odpu_run_stats;

/* One inference. inputs[i] / outputs[i] are dense HWC int8 arrays for the model's input /
 * output tensors in file order (h*w*c bytes each). An engine error is ODPU_E_DEVICE with the
 * error code name and instruction index; no answer within timeout_ms is ODPU_E_TIMEOUT. */
odpu_status odpu_runtime_run(odpu_runtime *rt, const int8_t *const *inputs, int8_t *const *outputs,
                             uint32_t timeout_ms, odpu_run_stats *stats, odpu_err *err);

/* The whole DDR window as the engine left it after the last run (synced from the device), for
 * tools that compare engines beyond the output tensors (opendpu compare). The bytes stay valid
 * until the next run or close. */
odpu_status odpu_runtime_window(odpu_runtime *rt, const uint8_t **bytes, size_t *size, odpu_err *err);

#endif
