/* ddr_model.h - the DDR behind the simulated engine: an AXI4 slave, advanced one clock at a
 * time, serving the host's DMA buffers with the arch config's bandwidth and read latency.
 *
 * The model serves the physical memory of an arena (emu/arena.h): a burst that is not inside
 * one DMA buffer's pages gets DECERR, as from a real interconnect. It queues several bursts per
 * direction, returns read data latency_cycles after the address and then one beat per
 * cycle at most, paced by a byte budget of bytes_per_cycle that reads and writes share.
 * Bursts complete in the order they were accepted, which keeps AXI's per-ID order. It
 * checks what the engine sends (INCR, full-width beats, no 4 KiB crossing, WLAST where it
 * belongs) and records the first violation. Fault injection lets tests make the DDR stop
 * answering or answer SLVERR. */
#ifndef ODPU_SIM_DDR_MODEL_H
#define ODPU_SIM_DDR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "emu/arena.h"

enum {
    DDR_MAX_BEAT_BYTES = 64,   /* AXI data width up to 512 bits */
    DDR_MAX_IDS = 16,          /* AXI ID values counted separately in the statistics */
    DDR_PROTOCOL_MSG_MAX = 256 /* room for the first protocol violation's description */
};

/* AXI response codes (AMBA AXI, RRESP/BRESP). */
enum { DDR_RESP_OKAY = 0, DDR_RESP_SLVERR = 2, DDR_RESP_DECERR = 3 };

/* What tests can make the DDR do instead of answering normally. */
typedef enum ddr_fault {
    DDR_FAULT_NONE,
    DDR_FAULT_SILENT, /* accept nothing and answer nothing: the engine's watchdog must fire */
    DDR_FAULT_SLVERR  /* every burst ends with SLVERR; reads return zeros, writes are dropped */
} ddr_fault;

typedef struct ddr_config {
    uint32_t beat_bytes;      /* AXI data width / 8, a power of two up to DDR_MAX_BEAT_BYTES */
    uint32_t bytes_per_cycle; /* sustained bandwidth shared by reads and writes */
    uint32_t latency_cycles;  /* from an accepted read address to its first data beat, and
                               * from a write's last beat to its response */
    uint32_t max_outstanding; /* bursts queued per direction before AR/AW stall; 0 = default */
    const odpu_arena *memory; /* the physical memory it serves (not owned) */
} ddr_config;

/* Master -> slave signals of one cycle, sampled before the clock edge. */
typedef struct ddr_axi_in {
    int arvalid;
    uint32_t arid, arlen, arsize, arburst;
    uint64_t araddr;
    int rready;
    int awvalid;
    uint32_t awid, awlen, awsize, awburst;
    uint64_t awaddr;
    int wvalid, wlast;
    uint8_t wdata[DDR_MAX_BEAT_BYTES]; /* beat_bytes bytes, byte 0 = bits 7:0 */
    uint64_t wstrb;
    int bready;
} ddr_axi_in;

/* Slave -> master signals, registered: valid for the whole next cycle. */
typedef struct ddr_axi_out {
    int arready;
    int rvalid, rlast;
    uint32_t rid, rresp;
    uint8_t rdata[DDR_MAX_BEAT_BYTES];
    int awready, wready;
    int bvalid;
    uint32_t bid, bresp;
} ddr_axi_out;

/* Traffic since ddr_reset_stats: bytes moved on the bus (whole beats). */
typedef struct ddr_stats {
    uint64_t rd_bytes, wr_bytes;
    uint64_t rd_bytes_by_id[DDR_MAX_IDS]; /* reads per AXI ID (fetch and load use distinct IDs) */
    uint64_t rd_bursts, wr_bursts;
    uint64_t err_bursts; /* bursts answered with SLVERR or DECERR */
} ddr_stats;

typedef struct ddr_model ddr_model;

odpu_status ddr_create(const ddr_config *cfg, ddr_model **out, odpu_err *err);
void ddr_destroy(ddr_model *m);

void ddr_set_fault(ddr_model *m, ddr_fault fault);

/* Drop every queued burst and return the outputs to idle (the engine was reset). */
void ddr_reset(ddr_model *m);

/* One rising clock edge: complete the handshakes that in and the current outputs make,
 * advance time, and compute the outputs of the next cycle. */
void ddr_clock(ddr_model *m, const ddr_axi_in *in);
const ddr_axi_out *ddr_outputs(const ddr_model *m);

const ddr_stats *ddr_get_stats(const ddr_model *m);
void ddr_reset_stats(ddr_model *m);
/* A frame starts (the engine is idle, no burst queued): zero the statistics and return the
 * bandwidth budget and the read/write turn to their state after ddr_create, so a frame's
 * timing depends on its own stream only, not on the frames before it. */
void ddr_begin_frame(ddr_model *m);

/* Bursts accepted but not yet completed (read data or write response still owed). */
size_t ddr_pending(const ddr_model *m);

/* The first AXI protocol violation seen since creation, or NULL. */
const char *ddr_protocol_error(const ddr_model *m);

#endif
