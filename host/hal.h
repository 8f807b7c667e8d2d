/* hal.h - the hardware abstraction layer: the one seam between the host runtime and an engine.
 * Registers, DMA buffers with physical addresses, cache sync, start, wait; backends: ref (now), hls, sim, board. */
#ifndef ODPU_HOST_HAL_H
#define ODPU_HOST_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"

typedef struct odpu_hal odpu_hal;

/* A DMA buffer: host-visible memory the engine reaches at a physical address. */
typedef struct odpu_dma_buf {
    void *virt;      /* host mapping */
    uint64_t phys;   /* address the engine uses */
    size_t size;
    void *backend;   /* backend's own handle */
} odpu_dma_buf;

typedef enum odpu_sync_dir {
    ODPU_SYNC_TO_DEVICE,   /* flush CPU writes before the engine reads */
    ODPU_SYNC_FROM_DEVICE  /* invalidate before the CPU reads what the engine wrote */
} odpu_sync_dir;

typedef struct odpu_hal_options {
    const odpu_arch *arch;  /* the config the engine was built for (ref/sim: instantiated with it) */
    const char *trace_path; /* sim: waveform file (.fst or .vcd), NULL for none */
    const char *device;     /* board: UIO device or XRT device index; sim: test options
                             * ("ddr-fault=silent|slverr"); NULL for default */
} odpu_hal_options;

/* One retired instruction of the last run, from a backend that observes time (sim). Cycles
 * count from START. */
typedef struct odpu_hal_event {
    uint32_t index;     /* stream index */
    uint8_t engine;     /* odpu_engine: load, compute, store */
    uint64_t start;     /* cycle it began executing (its tokens popped) */
    uint64_t end;       /* cycle it retired */
    uint32_t dep_wait;  /* cycles it waited for dependency tokens */
    uint32_t ddr_stall; /* cycles of its execution spent waiting for DDR */
} odpu_hal_event;

/* What the backend measured outside the engine during the last run. */
typedef struct odpu_hal_stats {
    uint64_t cycles;          /* clock cycles from START to the interrupt */
    uint64_t ddr_rd_bytes;    /* bytes read from DDR (whole AXI beats), fetch included */
    uint64_t ddr_wr_bytes;    /* bytes written to DDR (whole AXI beats) */
    uint64_t ddr_fetch_bytes; /* of ddr_rd_bytes, the instruction fetch's */
    uint64_t ddr_rd_bursts, ddr_wr_bursts;
    uint64_t wall_ns;         /* host time the backend spent on the run */
    uint64_t cpu_ns;          /* of it, CPU time of this process (wall_ns on an idle host) */
} odpu_hal_stats;

/* What a backend implements. dev is the backend's own state. */
typedef struct odpu_hal_ops {
    const char *name;
    odpu_status (*open)(const odpu_hal_options *opt, void **dev, odpu_err *err);
    void (*close)(void *dev);
    uint32_t (*reg_read)(void *dev, uint32_t offset);
    void (*reg_write)(void *dev, uint32_t offset, uint32_t value);
    odpu_status (*buf_alloc)(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err);
    void (*buf_free)(void *dev, odpu_dma_buf *buf);
    odpu_status (*buf_sync)(void *dev, odpu_dma_buf *buf, size_t offset, size_t len,
                            odpu_sync_dir dir, odpu_err *err);
    /* Begin executing the programmed stream (the START bit of CTRL). */
    odpu_status (*start)(void *dev, odpu_err *err);
    /* Wait for completion (the interrupt); ODPU_E_TIMEOUT after timeout_ms. */
    odpu_status (*wait)(void *dev, uint32_t timeout_ms, odpu_err *err);
    /* Optional (NULL when the backend cannot observe them): the last run's retired
     * instructions in retirement order, valid until the next start or close; its stats. */
    odpu_status (*events)(void *dev, const odpu_hal_event **ev, size_t *n, odpu_err *err);
    odpu_status (*stats)(void *dev, odpu_hal_stats *out, odpu_err *err);
} odpu_hal_ops;

/* Open a backend by name ("ref", ...). Unknown names get an error listing the known ones. */
odpu_status odpu_hal_open(const char *backend, const odpu_hal_options *opt, odpu_hal **out,
                          odpu_err *err);
void odpu_hal_close(odpu_hal *hal);

/* Names of the backends compiled into this build, NULL-terminated. */
const char *const *odpu_hal_backends(void);
const char *odpu_hal_backend_name(const odpu_hal *hal);
const odpu_arch *odpu_hal_arch(const odpu_hal *hal);

uint32_t odpu_hal_reg_read(odpu_hal *hal, uint32_t offset);
void odpu_hal_reg_write(odpu_hal *hal, uint32_t offset, uint32_t value);

odpu_status odpu_hal_alloc(odpu_hal *hal, size_t size, odpu_dma_buf *buf, odpu_err *err);
void odpu_hal_free(odpu_hal *hal, odpu_dma_buf *buf);
odpu_status odpu_hal_sync(odpu_hal *hal, odpu_dma_buf *buf, size_t offset, size_t len,
                          odpu_sync_dir dir, odpu_err *err);
odpu_status odpu_hal_start(odpu_hal *hal, odpu_err *err);
odpu_status odpu_hal_wait(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err);

/* Profiling of the last run; ODPU_E_UNSUPPORTED from backends without a clock (ref). */
odpu_status odpu_hal_events(odpu_hal *hal, const odpu_hal_event **ev, size_t *n, odpu_err *err);
odpu_status odpu_hal_read_stats(odpu_hal *hal, odpu_hal_stats *out, odpu_err *err);

#endif
