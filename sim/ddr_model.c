/* ddr_model.c - the AXI4 slave DDR of the simulated engine (see ddr_model.h). */
#include "sim/ddr_model.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bursts in flight per direction when the config leaves it open: enough that fetch, load
 * and store each keep two bursts going, as an HP port of a Zynq UltraScale+ accepts many
 * more than that. */
enum { DDR_DEFAULT_OUTSTANDING = 8 };

/* AXI constants (AMBA AXI4): the INCR burst type, at most 256 beats, and the 4 KiB page no
 * burst may cross. */
enum { AXI_BURST_INCR = 1, AXI_MAX_BEATS = 256, AXI_PAGE_BYTES = 4096 };


/* One accepted burst. Reads complete beat by beat from ready_at on; writes receive their
 * beats, then answer at ready_at (set when the last beat arrived). */
typedef struct burst {
    uint32_t id, beats, done;
    uint64_t addr, ready_at;
    uint32_t resp;
    uint8_t *host; /* NULL when resp is not OKAY: nothing is read or written */
} burst;

typedef struct burst_queue {
    burst *slot;
    size_t cap, head, count;
} burst_queue;

struct ddr_model {
    ddr_config cfg;
    uint32_t size_log2; /* AXI AxSIZE of a full beat */
    ddr_fault fault;
    uint64_t now;
    int64_t credit;      /* bytes the DDR may still move: bytes_per_cycle a cycle, shared */
    int64_t credit_cap;
    int read_turn;       /* who wins when the budget allows one beat and both want one */
    int w_reserved;      /* wready is up and its beat's bytes are already taken from credit */
    burst_queue rq, wq;
    ddr_axi_out out;
    ddr_stats stats;
    char protocol[DDR_PROTOCOL_MSG_MAX];
};

/* ---- Queues -------------------------------------------------------------------------- */

static burst *q_at(burst_queue *q, size_t i)
{
    return &q->slot[(q->head + i) % q->cap];
}

static int q_push(burst_queue *q, const burst *b)
{
    if (q->count == q->cap)
        return 0;
    *q_at(q, q->count) = *b;
    q->count++;
    return 1;
}

static void q_pop(burst_queue *q)
{
    q->head = (q->head + 1) % q->cap;
    q->count--;
}

/* ---- Create, map, faults -------------------------------------------------------------- */

static int is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static uint32_t log2u(uint32_t v)
{
    uint32_t n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

odpu_status ddr_create(const ddr_config *cfg, ddr_model **out, odpu_err *err)
{
    *out = NULL;
    if (!is_pow2(cfg->beat_bytes) || cfg->beat_bytes > DDR_MAX_BEAT_BYTES)
        return odpu_fail(err, ODPU_E_ARG, "DDR model: a beat of %" PRIu32 " bytes (need a power of two up to %d)",
                         cfg->beat_bytes, DDR_MAX_BEAT_BYTES);
    if (cfg->bytes_per_cycle == 0)
        return odpu_fail(err, ODPU_E_ARG, "DDR model: bandwidth of 0 bytes per cycle");
    if (!cfg->memory)
        return odpu_fail(err, ODPU_E_ARG, "DDR model: no memory (arena) to serve");
    ddr_model *m = calloc(1, sizeof *m);
    if (!m)
        return odpu_fail(err, ODPU_E_NOMEM, "DDR model: out of memory");
    m->cfg = *cfg;
    if (!m->cfg.max_outstanding)
        m->cfg.max_outstanding = DDR_DEFAULT_OUTSTANDING;
    m->size_log2 = log2u(cfg->beat_bytes);
    /* Idle time banks at most one cycle's bandwidth beyond a beat: enough that a bandwidth
     * below one beat per cycle still moves whole beats, too little for a burst to outrun
     * the configured rate. */
    m->credit_cap = (int64_t)cfg->bytes_per_cycle + cfg->beat_bytes;
    m->rq.cap = m->wq.cap = m->cfg.max_outstanding;
    m->rq.slot = calloc(m->rq.cap, sizeof *m->rq.slot);
    m->wq.slot = calloc(m->wq.cap, sizeof *m->wq.slot);
    if (!m->rq.slot || !m->wq.slot) {
        ddr_destroy(m);
        return odpu_fail(err, ODPU_E_NOMEM, "DDR model: out of memory");
    }
    ddr_reset(m);
    *out = m;
    return ODPU_OK;
}

void ddr_destroy(ddr_model *m)
{
    if (!m)
        return;
    free(m->rq.slot);
    free(m->wq.slot);
    free(m);
}

void ddr_set_fault(ddr_model *m, ddr_fault fault)
{
    m->fault = fault;
    if (fault == DDR_FAULT_SILENT) /* from the next cycle on, nothing more is accepted */
        m->out.arready = m->out.awready = m->out.wready = 0;
}

void ddr_reset(ddr_model *m)
{
    m->rq.head = m->rq.count = 0;
    m->wq.head = m->wq.count = 0;
    m->credit = 0;
    m->read_turn = 0;
    m->w_reserved = 0;
    memset(&m->out, 0, sizeof m->out);
    m->out.arready = m->out.awready = m->fault != DDR_FAULT_SILENT;
}

const ddr_axi_out *ddr_outputs(const ddr_model *m)
{
    return &m->out;
}

const ddr_stats *ddr_get_stats(const ddr_model *m)
{
    return &m->stats;
}

void ddr_reset_stats(ddr_model *m)
{
    memset(&m->stats, 0, sizeof m->stats);
}

void ddr_begin_frame(ddr_model *m)
{
    ddr_reset_stats(m);
    m->credit = 0;
    m->read_turn = 0;
}

size_t ddr_pending(const ddr_model *m)
{
    return m->rq.count + m->wq.count;
}

const char *ddr_protocol_error(const ddr_model *m)
{
    return m->protocol[0] ? m->protocol : NULL;
}

/* ---- Address phase ------------------------------------------------------------------- */

static void violation(ddr_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Only the first violation is kept: later ones are usually its consequences. */
static void violation(ddr_model *m, const char *fmt, ...)
{
    if (m->protocol[0])
        return;
    int n = snprintf(m->protocol, sizeof m->protocol, "cycle %" PRIu64 ": ", m->now);
    if (n < 0 || (size_t)n >= sizeof m->protocol)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->protocol + n, sizeof m->protocol - (size_t)n, fmt, ap);
    va_end(ap);
}

/* Check an address phase and decide its response. */
static burst accept_burst(ddr_model *m, char dir, uint32_t id, uint64_t addr, uint32_t len,
                          uint32_t size, uint32_t type)
{
    burst b = {.id = id, .beats = len + 1, .addr = addr, .resp = DDR_RESP_OKAY};
    uint64_t bytes = (uint64_t)b.beats * m->cfg.beat_bytes;
    int ok = 1;
    if (type != AXI_BURST_INCR) {
        violation(m, "A%c burst type %" PRIu32 " at 0x%" PRIx64 "; the engine must issue INCR", dir, type, addr);
        ok = 0;
    } else if (size != m->size_log2) {
        violation(m, "A%c size %" PRIu32 " at 0x%" PRIx64 "; beats must be full width (size %" PRIu32 ")", dir,
                  size, addr, m->size_log2);
        ok = 0;
    } else if (addr % m->cfg.beat_bytes) {
        violation(m, "A%c address 0x%" PRIx64 " is not aligned to the %" PRIu32 "-byte beat", dir, addr,
                  m->cfg.beat_bytes);
        ok = 0;
    } else if (addr % AXI_PAGE_BYTES + bytes > AXI_PAGE_BYTES) {
        violation(m, "A%c burst of %" PRIu32 " beats at 0x%" PRIx64 " crosses a 4 KiB boundary", dir, b.beats, addr);
        ok = 0;
    }
    if (!ok || m->fault == DDR_FAULT_SLVERR)
        b.resp = DDR_RESP_SLVERR;
    else if (!(b.host = odpu_arena_resolve(m->cfg.memory, addr, bytes)))
        b.resp = DDR_RESP_DECERR;
    if (b.resp != DDR_RESP_OKAY) {
        b.host = NULL;
        m->stats.err_bursts++;
    }
    return b;
}

static void accept_read(ddr_model *m, const ddr_axi_in *in)
{
    burst b = accept_burst(m, 'R', in->arid, in->araddr, in->arlen, in->arsize, in->arburst);
    b.ready_at = m->now + m->cfg.latency_cycles;
    q_push(&m->rq, &b); /* arready was up, so there is room */
    m->stats.rd_bursts++;
}

static void accept_write(ddr_model *m, const ddr_axi_in *in)
{
    burst b = accept_burst(m, 'W', in->awid, in->awaddr, in->awlen, in->awsize, in->awburst);
    b.ready_at = UINT64_MAX; /* not before its last beat */
    q_push(&m->wq, &b);
    m->stats.wr_bursts++;
}

/* ---- Data phases --------------------------------------------------------------------- */

static void take_read_beat(ddr_model *m)
{
    burst *b = q_at(&m->rq, 0);
    m->stats.rd_bytes += m->cfg.beat_bytes;
    m->stats.rd_bytes_by_id[b->id % DDR_MAX_IDS] += m->cfg.beat_bytes;
    if (++b->done == b->beats)
        q_pop(&m->rq);
}

/* The write burst still receiving beats: the oldest one not complete. */
static burst *receiving(ddr_model *m)
{
    for (size_t i = 0; i < m->wq.count; i++) {
        burst *b = q_at(&m->wq, i);
        if (b->done < b->beats)
            return b;
    }
    return NULL;
}

static void take_write_beat(ddr_model *m, const ddr_axi_in *in)
{
    burst *b = receiving(m); /* wready is only up when there is one */
    uint32_t beat = m->cfg.beat_bytes;
    if (b->host) {
        uint8_t *dst = b->host + (size_t)b->done * beat;
        for (uint32_t i = 0; i < beat; i++)
            if (in->wstrb >> i & 1)
                dst[i] = in->wdata[i];
    }
    m->stats.wr_bytes += beat;
    b->done++;
    int last = b->done == b->beats;
    if (!!in->wlast != last) {
        violation(m, "W beat %" PRIu32 " of %" PRIu32 " at 0x%" PRIx64 " has WLAST=%d", b->done, b->beats, b->addr,
                  !!in->wlast);
        if (b->resp == DDR_RESP_OKAY)
            b->resp = DDR_RESP_SLVERR;
    }
    if (last)
        b->ready_at = m->now + m->cfg.latency_cycles;
}

/* ---- Next cycle's outputs ------------------------------------------------------------- */

static int read_wants_beat(ddr_model *m)
{
    if (m->out.rvalid || m->rq.count == 0)
        return 0;
    return q_at(&m->rq, 0)->ready_at <= m->now;
}

static void present_read_beat(ddr_model *m)
{
    const burst *b = q_at(&m->rq, 0);
    uint32_t beat = m->cfg.beat_bytes;
    m->out.rvalid = 1;
    m->out.rid = b->id;
    m->out.rresp = b->resp;
    m->out.rlast = b->done + 1 == b->beats;
    if (b->host)
        memcpy(m->out.rdata, b->host + (size_t)b->done * beat, beat);
    else
        memset(m->out.rdata, 0, beat);
    m->credit -= beat;
}

/* Who gets the budget this cycle: both if it covers two beats, else alternately. */
static void schedule_beats(ddr_model *m)
{
    int64_t beat = m->cfg.beat_bytes;
    int want_r = read_wants_beat(m);
    int want_w = receiving(m) != NULL;
    int go_r = 0, go_w = 0;
    if (m->credit >= 2 * beat) {
        go_r = want_r;
        go_w = want_w;
    } else if (m->credit >= beat) {
        if (want_r && want_w) {
            go_r = m->read_turn;
            go_w = !m->read_turn;
            m->read_turn = !m->read_turn;
        } else {
            go_r = want_r;
            go_w = want_w;
        }
    }
    if (go_r)
        present_read_beat(m);
    m->out.wready = go_w;
    if (go_w) {
        m->credit -= beat;
        m->w_reserved = 1;
    }
}

static void next_outputs(ddr_model *m)
{
    int silent = m->fault == DDR_FAULT_SILENT;
    m->credit += m->cfg.bytes_per_cycle;
    if (m->credit > m->credit_cap)
        m->credit = m->credit_cap;
    m->out.arready = !silent && m->rq.count < m->rq.cap;
    m->out.awready = !silent && m->wq.count < m->wq.cap;
    if (silent) {
        m->out.wready = 0; /* a beat already presented (rvalid, bvalid) stays, as AXI requires */
        return;
    }
    schedule_beats(m);
    if (!m->out.bvalid && m->wq.count) {
        const burst *b = q_at(&m->wq, 0);
        if (b->done == b->beats && b->ready_at <= m->now) {
            m->out.bvalid = 1;
            m->out.bid = b->id;
            m->out.bresp = b->resp;
        }
    }
}

void ddr_clock(ddr_model *m, const ddr_axi_in *in)
{
    ddr_axi_out *o = &m->out;
    if (in->arvalid && o->arready)
        accept_read(m, in);
    if (in->awvalid && o->awready)
        accept_write(m, in);
    if (o->rvalid && in->rready) {
        take_read_beat(m);
        o->rvalid = 0;
    }
    if (o->wready && in->wvalid) {
        take_write_beat(m, in);
        m->w_reserved = 0;
    }
    if (m->w_reserved) { /* wready was up but no beat came: its budget was not used */
        m->credit += m->cfg.beat_bytes;
        m->w_reserved = 0;
    }
    if (o->bvalid && in->bready) {
        q_pop(&m->wq);
        o->bvalid = 0;
    }
    m->now++;
    next_outputs(m);
}
