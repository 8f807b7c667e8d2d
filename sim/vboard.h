/* vboard.h - the virtual board: the verilated engine (sim/vl_device.h) served behind a
 * directory that looks to the uio backend like /dev and /sys of a ZCU104 or KV260 with the
 * engine's overlay loaded, so the real driver runs in CI (docs/boards.md "The virtual board"). */
#ifndef ODPU_SIM_VBOARD_H
#define ODPU_SIM_VBOARD_H

#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "sim/ddr_model.h"

typedef enum vboard_fault {
    VBOARD_FAULT_NONE,
    VBOARD_FAULT_IRQ_LOST, /* the engine raises its line, the CPU never sees it (no interrupts property) */
} vboard_fault;

typedef struct vboard_options {
    const odpu_arch *arch;
    const char *root;         /* created if missing; the files below it are (re)written */
    const char *uio_name;     /* the UIO device's name attribute (the overlay's node) */
    const char *udmabuf_name; /* the u-dma-buf device's name */
    uint64_t udmabuf_bytes;   /* its size (a sparse file: pages cost nothing until used) */
    uint64_t udmabuf_phys;    /* its physical address, where the engine reaches it */
    int coherent;             /* dma_coherent reads 1 (an HPC port): the driver skips cache syncs */
    vboard_fault fault;
    ddr_fault ddr;            /* a DDR that misbehaves (sim/ddr_model.h) */
    const char *trace_path;   /* a waveform of the whole session, or NULL */
} vboard_options;

/* Lay out the directory, open the device, serve until SIGINT or SIGTERM (then ODPU_OK) or a
 * fault of the simulated device (its error). Prints one line when ready on stdout. */
odpu_status vboard_serve(const vboard_options *opt, odpu_err *err);

#endif
