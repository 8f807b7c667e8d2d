/* soft_hal.h - a HAL backend around an engine written in C (ref now, hls next): the emulated
 * register file and physical memory, and a function that executes a stream when a run starts.
 * A backend is its engine table and one line: ODPU_SOFT_HAL_OPS. */
#ifndef ODPU_EMU_SOFT_HAL_H
#define ODPU_EMU_SOFT_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "host/hal.h"
#include "isa/isa_defs.h"

/* How a run of the engine ended, as its output registers report it. */
typedef struct odpu_soft_result {
    odpu_hw_error hw_error; /* ODPU_HW_OK when END was reached */
    uint32_t err_index;     /* instruction that raised hw_error */
    uint32_t insns_done;    /* instructions retired, END included */
} odpu_soft_result;

typedef struct odpu_soft_engine {
    const char *name;
    odpu_status (*create)(const odpu_arch *arch, void **engine, odpu_err *err);
    void (*destroy)(void *engine);
    /* Execute n_insns encoded instructions on the window ddr[0, ddr_size). ODPU_OK when the
     * run was carried out (res says how it ended); any other status is the emulator failing. */
    odpu_status (*run)(void *engine, const uint8_t *stream, size_t n_insns, uint8_t *ddr, uint64_t ddr_size,
                       odpu_soft_result *res, odpu_err *err);
} odpu_soft_engine;

/* The odpu_hal_ops functions of every soft backend. open's device options (docs/hal.md):
 * identity=from-reset|after-run (after-run: MAGIC, VERSION, FINGERPRINT read 0 until the first
 * run, as on the HLS IP). Runs happen inside the register write that sets ap_start, so
 * wait_irq returns at once; with auto_restart, each wait performs the next run. */
odpu_status odpu_soft_open(const odpu_soft_engine *eng, const odpu_hal_options *opt, void **dev, odpu_err *err);
void odpu_soft_close(void *dev);
uint32_t odpu_soft_reg_read(void *dev, uint32_t offset);
void odpu_soft_reg_write(void *dev, uint32_t offset, uint32_t value);
odpu_status odpu_soft_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err);
void odpu_soft_buf_free(void *dev, odpu_dma_buf *buf);
odpu_status odpu_soft_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len, odpu_sync_dir dir,
                               odpu_err *err);
odpu_status odpu_soft_wait_irq(void *dev, uint32_t timeout_ms, odpu_err *err);

/* The ops table of a soft backend named NAME whose open is OPEN (a call of odpu_soft_open
 * with its engine); the rest are odpu_hal_caps members. Soft engines have no clock. */
#define ODPU_SOFT_HAL_OPS(NAME, OPEN, ...)                                                                   \
    {                                                                                                        \
        .name = NAME, .caps = {.timing = ODPU_TIMING_NONE, __VA_ARGS__}, .open = OPEN, .close = odpu_soft_close, \
        .reg_read = odpu_soft_reg_read, .reg_write = odpu_soft_reg_write, .buf_alloc = odpu_soft_buf_alloc,  \
        .buf_free = odpu_soft_buf_free, .buf_sync = odpu_soft_buf_sync, .wait_irq = odpu_soft_wait_irq,      \
    }

#endif
