/* hal.h - the hardware abstraction layer: the one seam between the host runtime and an engine.
 * Registers, DMA buffers with physical addresses, cache sync, start, wait, abort, capabilities. */
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
    const char *trace_path; /* waveform file (.fst or .vcd) from a backend that can trace; NULL for none */
    const char *device;     /* backend options, "key=value[,key=value]" (docs/hal.md); NULL for defaults */
} odpu_hal_options;

/* Where a backend's cycle counts and times come from. */
typedef enum odpu_timing {
    ODPU_TIMING_NONE,      /* no clock: CYCLES and the counters read 0 (the golden model) */
    ODPU_TIMING_SIMULATED, /* cycles of a simulation at the arch's clock with its DDR model */
    ODPU_TIMING_MEASURED   /* counted by the engine on a board; wall time is real */
} odpu_timing;

/* What a backend is, declared by the backend and the same for every handle of it. */
typedef struct odpu_hal_caps {
    odpu_timing timing;
    int trace;          /* writes a waveform of the engine's signals (trace_path) */
    int events;         /* records every retired instruction (odpu_hal_events) and run stats */
    int exclusive;      /* one process at a time holds the engine; a second open fails */
    int reset;          /* can pulse the engine's reset line (ops->reset): an abort always ends */
    const char *what;   /* one line for `opendpu backends` */
} odpu_hal_caps;

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

/* What a backend implements. dev is the backend's own state. The register protocol of
 * docs/hal.md (starting, acknowledging, aborting, identifying) is host/hal.c's, the same for
 * every backend; a backend only moves register words, memory and time. */
typedef struct odpu_hal_ops {
    const char *name;
    odpu_hal_caps caps;
    odpu_status (*open)(const odpu_hal_options *opt, void **dev, odpu_err *err);
    void (*close)(void *dev);
    /* Optional: the capabilities of this handle when they depend on what was opened (the uio
     * backend on a virtual board is simulated, on a board measured); NULL: caps. */
    const odpu_hal_caps *(*dev_caps)(void *dev);
    uint32_t (*reg_read)(void *dev, uint32_t offset);
    void (*reg_write)(void *dev, uint32_t offset, uint32_t value);
    odpu_status (*buf_alloc)(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err);
    void (*buf_free)(void *dev, odpu_dma_buf *buf);
    odpu_status (*buf_sync)(void *dev, odpu_dma_buf *buf, size_t offset, size_t len,
                            odpu_sync_dir dir, odpu_err *err);
    /* Block until the engine's interrupt line is raised, for at most timeout_ms of host wall
     * time: ODPU_OK, or ODPU_E_TIMEOUT with a message saying what the engine was doing. Any
     * other error is the backend's own failure (a harness fault, a device gone). */
    odpu_status (*wait_irq)(void *dev, uint32_t timeout_ms, odpu_err *err);
    /* Optional (NULL if the backend cannot): return the engine to its power-up state by its
     * reset line, for an engine that does not stop when asked. */
    void (*reset)(void *dev);
    /* Optional (caps.events): the last run's retired instructions in retirement order, valid
     * until the next start or close. */
    odpu_status (*events)(void *dev, const odpu_hal_event **ev, size_t *n, odpu_err *err);
    /* Optional: what the backend measured of the last run (a board: cycles and wall time; a
     * simulator: DDR traffic too); fields it cannot know are 0. */
    odpu_status (*stats)(void *dev, odpu_hal_stats *out, odpu_err *err);
} odpu_hal_ops;

/* Open a backend by name ("ref", ...). Unknown names get an error listing the known ones; an
 * option the backend cannot honour (a trace path on a backend without signals) is refused. */
odpu_status odpu_hal_open(const char *backend, const odpu_hal_options *opt, odpu_hal **out,
                          odpu_err *err);
void odpu_hal_close(odpu_hal *hal);

/* Names of the backends compiled into this build, NULL-terminated; the capabilities of one
 * (NULL for a name this build does not have). */
const char *const *odpu_hal_backends(void);
const odpu_hal_caps *odpu_hal_backend_capabilities(const char *backend);
const char *odpu_hal_backend_name(const odpu_hal *hal);
const odpu_hal_caps *odpu_hal_capabilities(const odpu_hal *hal);
const odpu_arch *odpu_hal_arch(const odpu_hal *hal);
/* "none", "simulated", "measured". */
const char *odpu_timing_name(odpu_timing timing);

uint32_t odpu_hal_reg_read(odpu_hal *hal, uint32_t offset);
void odpu_hal_reg_write(odpu_hal *hal, uint32_t offset, uint32_t value);
uint64_t odpu_hal_reg_read64(odpu_hal *hal, uint32_t lo, uint32_t hi);
void odpu_hal_reg_write64(odpu_hal *hal, uint32_t lo, uint32_t hi, uint64_t value);

odpu_status odpu_hal_alloc(odpu_hal *hal, size_t size, odpu_dma_buf *buf, odpu_err *err);
void odpu_hal_free(odpu_hal *hal, odpu_dma_buf *buf);
odpu_status odpu_hal_sync(odpu_hal *hal, odpu_dma_buf *buf, size_t offset, size_t len,
                          odpu_sync_dir dir, odpu_err *err);

/* Start the programmed run: the engine must be idle (ODPU_E_ARG if a run is going); enables
 * the done interrupt (GIE, IER) and sets AP_CTRL.ap_start, keeping auto_restart. */
odpu_status odpu_hal_start(odpu_hal *hal, odpu_err *err);
/* Wait for the run to end: its done interrupt within timeout_ms of host wall time (the one
 * meaning on every backend, docs/hal.md), then acknowledge it in ISR. AP_CTRL.ap_done is left
 * for the caller to read. ODPU_E_ARG if no run was started since the last wait;
 * ODPU_E_TIMEOUT if it did not end in time (the run goes on: abort it). */
odpu_status odpu_hal_wait(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err);
/* Return the engine to idle from any state: ABORT stops a run at the next instruction
 * boundary (it ends with ERR_CODE ABORTED); if the engine has not stopped within timeout_ms,
 * the backend's reset line (if it has one) returns it to power-up. Leaves ABORT clear and no
 * interrupt pending. ODPU_E_DEVICE if the engine could not be stopped. */
odpu_status odpu_hal_abort(odpu_hal *hal, uint32_t timeout_ms, odpu_err *err);

/* The engine's identity (docs/hal.md, "Identifying the engine"). An engine whose output
 * registers read 0 until it has run (the HLS IP) is identified by an empty run first
 * (INSN_COUNT 0, no memory touched), for which it must be idle; `probed` says so. */
typedef struct odpu_hal_identity {
    uint32_t magic, version;
    uint64_t fingerprint;
    int probed;
} odpu_hal_identity;
odpu_status odpu_hal_identify(odpu_hal *hal, uint32_t timeout_ms, odpu_hal_identity *id, odpu_err *err);

/* Profiling of the last run: events need caps.events, stats a backend that measures;
 * ODPU_E_UNSUPPORTED otherwise. */
odpu_status odpu_hal_events(odpu_hal *hal, const odpu_hal_event **ev, size_t *n, odpu_err *err);
odpu_status odpu_hal_read_stats(odpu_hal *hal, odpu_hal_stats *out, odpu_err *err);

#endif
