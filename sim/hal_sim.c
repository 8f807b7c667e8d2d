/* hal_sim.c - the "sim" HAL backend: the RTL of rtl/ verilated (sim/vl_model.h), driven
 * cycle by cycle. Registers go through an AXI4-Lite master, DMA buffers live in a
 * simulated physical address space served by the DDR model (sim/ddr_model.h) on the
 * engine's AXI4 master port, and completion is the irq_o line. It also records one event
 * per retired instruction from the top's trace_* port and the DDR traffic of each run,
 * and writes a waveform when asked. docs/sim.md describes it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "sim/ddr_model.h"
#include "sim/vl_model.h"
#include "sim_archs.h" /* ODPU_SIM_ARCHS(X): the archs this build verilated (sim/sim.mk) */

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the sim backend reads Verilator's port storage as little-endian bytes"
#endif

extern const odpu_hal_ops odpu_hal_sim_ops;

#define X_DECLARE(arch) extern const vl_model_ops vl_model_ops_##arch;
ODPU_SIM_ARCHS(X_DECLARE)
#undef X_DECLARE

#define X_TABLE(arch) &vl_model_ops_##arch,
static const vl_model_ops *const models[] = {ODPU_SIM_ARCHS(X_TABLE)};
#undef X_TABLE
enum { N_MODELS = sizeof models / sizeof models[0] };

/* The simulated physical address space, laid out as the ref backend's (docs/hal.md):
 * buffers from 1 GiB, page aligned, each followed by an unmapped guard page. */
#define SIM_PHYS_BASE UINT64_C(0x40000000)
#define SIM_PAGE UINT64_C(4096)

enum {
    RESET_CYCLES = 8,       /* rst_ni held low after power-up: longer than any reset pipeline */
    AXIL_MAX_CYCLES = 1000, /* a register access not answered by then is an RTL bug */
    AXIL_STRB_ALL = 0xF,
    LANES = 3,              /* trace_* lanes: load, compute, store (docs/rtl.md) */
    LANE_BYTES = 4,         /* each lane is 32 bits of the packed port */
    PS_PER_US = 1000000,    /* waveform time is in picoseconds */
    MS_PER_S = 1000,
    KHZ_PER_MHZ = 1000,
    EVENTS_INITIAL = 256,
};

typedef struct sim_mapping {
    struct sim_mapping *next;
    uint64_t phys;
    size_t size;  /* what the host asked for */
    size_t span;  /* whole pages the engine sees; [size, span) must stay 0 */
    uint8_t *host;
} sim_mapping;

typedef struct sim_dev {
    odpu_arch arch;
    const vl_model_ops *ops;
    vl_model *model;
    vl_port port[VL_PORT_COUNT];
    ddr_model *ddr;
    ddr_axi_in ddr_in;
    uint32_t beat_bytes;
    sim_mapping *maps;
    uint64_t next_phys;
    uint64_t cycle;        /* clock edges since power-up */
    uint64_t run_start;    /* the edge that completed the last START's address and data */
    uint64_t write_edge;   /* the edge that completed the last register write's AW and W */
    uint64_t half_ps;      /* half a clock period, for waveform time stamps */
    int tracing;
    int started;           /* a START was written since open */
    int finished;          /* irq seen for the last START */
    odpu_err fault;        /* the harness itself failed (sticky); reported by start/wait */
    odpu_hal_event *events;
    size_t n_events, cap_events;
    odpu_hal_stats stats;
} sim_dev;

/* ---- Ports ----------------------------------------------------------------------------- */

static uint64_t get(const sim_dev *d, vl_port_id p)
{
    uint64_t v = 0;
    memcpy(&v, d->port[p].data, d->port[p].bytes < sizeof v ? d->port[p].bytes : sizeof v);
    return v;
}

static void set(sim_dev *d, vl_port_id p, uint64_t v)
{
    memcpy(d->port[p].data, &v, d->port[p].bytes < sizeof v ? d->port[p].bytes : sizeof v);
}

/* Lane e (32 bits at bit 32*e) of a packed trace port. */
static uint32_t lane(const sim_dev *d, vl_port_id p, int e)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)d->port[p].data + (size_t)e * LANE_BYTES, sizeof v);
    return v;
}

static const char *reg_name(uint32_t offset)
{
    switch (offset) {
#define X_NAME(NAME, off, access, desc) \
    case off: return #NAME;
        ODPU_REGS(X_NAME)
#undef X_NAME
    }
    return "(no register)";
}

/* A failure of the harness (not of the engine's stream): kept until start/wait report it. */
static void harness_fault(sim_dev *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void harness_fault(sim_dev *d, const char *fmt, ...)
{
    if (d->fault.code != ODPU_OK)
        return; /* the first one explains the rest */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->fault.msg, sizeof d->fault.msg, fmt, ap);
    va_end(ap);
    d->fault.code = ODPU_E_DEVICE;
}

/* ---- The clock ------------------------------------------------------------------------- */

static void dump(sim_dev *d, int falling)
{
    if (d->tracing)
        d->ops->trace_dump(d->model, (2 * d->cycle + (uint64_t)falling) * d->half_ps);
}

/* The engine's AXI4 master outputs, as the DDR model samples them before the edge. */
static void sample_axi(sim_dev *d)
{
    ddr_axi_in *in = &d->ddr_in;
    in->arvalid = (int)get(d, VL_PORT_m_axi_arvalid_o);
    if (in->arvalid) {
        in->arid = (uint32_t)get(d, VL_PORT_m_axi_arid_o);
        in->araddr = get(d, VL_PORT_m_axi_araddr_o);
        in->arlen = (uint32_t)get(d, VL_PORT_m_axi_arlen_o);
        in->arsize = (uint32_t)get(d, VL_PORT_m_axi_arsize_o);
        in->arburst = (uint32_t)get(d, VL_PORT_m_axi_arburst_o);
    }
    in->rready = (int)get(d, VL_PORT_m_axi_rready_o);
    in->awvalid = (int)get(d, VL_PORT_m_axi_awvalid_o);
    if (in->awvalid) {
        in->awid = (uint32_t)get(d, VL_PORT_m_axi_awid_o);
        in->awaddr = get(d, VL_PORT_m_axi_awaddr_o);
        in->awlen = (uint32_t)get(d, VL_PORT_m_axi_awlen_o);
        in->awsize = (uint32_t)get(d, VL_PORT_m_axi_awsize_o);
        in->awburst = (uint32_t)get(d, VL_PORT_m_axi_awburst_o);
    }
    in->wvalid = (int)get(d, VL_PORT_m_axi_wvalid_o);
    if (in->wvalid) {
        memcpy(in->wdata, d->port[VL_PORT_m_axi_wdata_o].data, d->beat_bytes);
        in->wstrb = get(d, VL_PORT_m_axi_wstrb_o);
        in->wlast = (int)get(d, VL_PORT_m_axi_wlast_o);
    }
    in->bready = (int)get(d, VL_PORT_m_axi_bready_o);
}

/* The DDR model's registered outputs onto the engine's inputs. */
static void drive_axi(sim_dev *d)
{
    const ddr_axi_out *o = ddr_outputs(d->ddr);
    set(d, VL_PORT_m_axi_arready_i, (uint64_t)o->arready);
    set(d, VL_PORT_m_axi_rvalid_i, (uint64_t)o->rvalid);
    set(d, VL_PORT_m_axi_rid_i, o->rid);
    set(d, VL_PORT_m_axi_rresp_i, o->rresp);
    set(d, VL_PORT_m_axi_rlast_i, (uint64_t)o->rlast);
    memcpy(d->port[VL_PORT_m_axi_rdata_i].data, o->rdata, d->beat_bytes);
    set(d, VL_PORT_m_axi_awready_i, (uint64_t)o->awready);
    set(d, VL_PORT_m_axi_wready_i, (uint64_t)o->wready);
    set(d, VL_PORT_m_axi_bvalid_i, (uint64_t)o->bvalid);
    set(d, VL_PORT_m_axi_bid_i, o->bid);
    set(d, VL_PORT_m_axi_bresp_i, o->bresp);
}

static void record_events(sim_dev *d)
{
    uint64_t retire = get(d, VL_PORT_trace_retire_o);
    for (int e = 0; e < LANES; e++) {
        if (!(retire >> e & 1))
            continue;
        if (d->n_events == d->cap_events) {
            size_t cap = d->cap_events ? 2 * d->cap_events : EVENTS_INITIAL;
            odpu_hal_event *grown = realloc(d->events, cap * sizeof *grown);
            if (!grown) {
                harness_fault(d, "sim: out of memory for %zu profiling events", cap);
                return;
            }
            d->events = grown;
            d->cap_events = cap;
        }
        d->events[d->n_events++] = (odpu_hal_event){
            .index = lane(d, VL_PORT_trace_index_o, e),
            .engine = (uint8_t)e,
            .start = lane(d, VL_PORT_trace_start_o, e),
            .end = d->cycle - d->run_start,
            .dep_wait = lane(d, VL_PORT_trace_dep_wait_o, e),
            .ddr_stall = lane(d, VL_PORT_trace_ddr_stall_o, e),
        };
    }
}

/* One clock cycle. On entry the inputs of this cycle are set and evaluated; the engine and
 * the DDR model both act on the rising edge, each on what the other showed before it. */
static void tick(sim_dev *d)
{
    sample_axi(d);
    record_events(d);
    set(d, VL_PORT_clk_i, 1);
    d->ops->eval(d->model);
    dump(d, 0);
    ddr_clock(d->ddr, &d->ddr_in);
    drive_axi(d);
    set(d, VL_PORT_clk_i, 0);
    d->ops->eval(d->model);
    dump(d, 1);
    d->cycle++;
}

/* ---- AXI4-Lite master ------------------------------------------------------------------- */

/* Tick until `ready` is seen with the valid we hold; 0 if it never comes. */
static int handshake(sim_dev *d, vl_port_id ready)
{
    for (int i = 0; i < AXIL_MAX_CYCLES; i++) {
        int done = get(d, ready) != 0;
        tick(d);
        if (done)
            return 1;
    }
    return 0;
}

static void axil_write(sim_dev *d, uint32_t offset, uint32_t value)
{
    set(d, VL_PORT_s_axil_awvalid_i, 1);
    set(d, VL_PORT_s_axil_awaddr_i, offset);
    set(d, VL_PORT_s_axil_wvalid_i, 1);
    set(d, VL_PORT_s_axil_wdata_i, value);
    set(d, VL_PORT_s_axil_wstrb_i, AXIL_STRB_ALL);
    set(d, VL_PORT_s_axil_bready_i, 0);
    d->ops->eval(d->model);
    int aw = 0, w = 0;
    for (int i = 0; i < AXIL_MAX_CYCLES && !(aw && w); i++) {
        int aw_now = !aw && get(d, VL_PORT_s_axil_awready_o);
        int w_now = !w && get(d, VL_PORT_s_axil_wready_o);
        tick(d);
        aw |= aw_now;
        w |= w_now;
        if (aw && w)
            d->write_edge = d->cycle - 1; /* tick() counted the edge just taken */
        if (aw_now)
            set(d, VL_PORT_s_axil_awvalid_i, 0);
        if (w_now)
            set(d, VL_PORT_s_axil_wvalid_i, 0);
        d->ops->eval(d->model);
    }
    set(d, VL_PORT_s_axil_awvalid_i, 0);
    set(d, VL_PORT_s_axil_wvalid_i, 0);
    set(d, VL_PORT_s_axil_bready_i, 1);
    d->ops->eval(d->model);
    int ok = aw && w && handshake(d, VL_PORT_s_axil_bvalid_o);
    set(d, VL_PORT_s_axil_bready_i, 0);
    d->ops->eval(d->model);
    if (!ok)
        harness_fault(d, "sim: the AXI4-Lite write of 0x%08" PRIx32 " to %s (0x%02" PRIx32 ") got no %s within %d "
                      "cycles (cycle %" PRIu64 "); the register slave of odpu_top does not answer",
                      value, reg_name(offset), offset, !aw ? "AWREADY" : !w ? "WREADY" : "BVALID",
                      AXIL_MAX_CYCLES, d->cycle);
}

static uint32_t axil_read(sim_dev *d, uint32_t offset)
{
    set(d, VL_PORT_s_axil_arvalid_i, 1);
    set(d, VL_PORT_s_axil_araddr_i, offset);
    set(d, VL_PORT_s_axil_rready_i, 0);
    d->ops->eval(d->model);
    int ok = handshake(d, VL_PORT_s_axil_arready_o);
    set(d, VL_PORT_s_axil_arvalid_i, 0);
    set(d, VL_PORT_s_axil_rready_i, 1);
    d->ops->eval(d->model);
    uint32_t value = 0;
    if (ok) {
        ok = 0;
        for (int i = 0; i < AXIL_MAX_CYCLES && !ok; i++) {
            ok = get(d, VL_PORT_s_axil_rvalid_o) != 0;
            if (ok)
                value = (uint32_t)get(d, VL_PORT_s_axil_rdata_o);
            tick(d);
        }
    }
    set(d, VL_PORT_s_axil_rready_i, 0);
    d->ops->eval(d->model);
    if (!ok)
        harness_fault(d, "sim: the AXI4-Lite read of %s (0x%02" PRIx32 ") got no answer within %d cycles (cycle %" PRIu64
                      "); the register slave of odpu_top does not answer",
                      reg_name(offset), offset, AXIL_MAX_CYCLES, d->cycle);
    return value;
}

/* ---- Open / close ----------------------------------------------------------------------- */

static odpu_status pick_model(sim_dev *d, odpu_err *err)
{
    uint64_t fp = odpu_arch_fingerprint(&d->arch);
    char list[ODPU_ERR_MSG_MAX / 2] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_MODELS; i++) {
        if (models[i]->fingerprint == fp && models[i]->axi_data_bits == d->arch.axi_data_bits) {
            d->ops = models[i];
            return ODPU_OK;
        }
        int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", models[i]->arch);
        if (n > 0 && (size_t)n < sizeof list - used)
            used += (size_t)n;
    }
    return odpu_fail(err, ODPU_E_UNSUPPORTED,
                     "sim: no verilated engine for arch '%s' (fingerprint %016" PRIx64 ", %" PRIu32
                     "-bit AXI); this build verilated: %s (SIM_ARCHS in sim/sim.mk)",
                     d->arch.name, fp, d->arch.axi_data_bits, list);
}

/* The model's data ports must be as wide as the arch's AXI bus. */
static odpu_status check_ports(const sim_dev *d, odpu_err *err)
{
    static const vl_port_id data[] = {VL_PORT_m_axi_rdata_i, VL_PORT_m_axi_wdata_o};
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++)
        if (d->port[data[i]].bytes < d->beat_bytes)
            return odpu_fail(err, ODPU_E_MISMATCH, "sim: the %s model's AXI data port holds %" PRIu32
                             " bytes, the arch has %" PRIu32 "-byte beats", d->ops->arch,
                             d->port[data[i]].bytes, d->beat_bytes);
    static const vl_port_id lanes[] = {VL_PORT_trace_index_o, VL_PORT_trace_start_o, VL_PORT_trace_dep_wait_o,
                                       VL_PORT_trace_ddr_stall_o};
    for (size_t i = 0; i < sizeof lanes / sizeof lanes[0]; i++)
        if (d->port[lanes[i]].bytes < LANES * LANE_BYTES)
            return odpu_fail(err, ODPU_E_MISMATCH, "sim: the %s model's trace ports are %" PRIu32
                             " bytes, docs/rtl.md says 3 lanes of 32 bits", d->ops->arch, d->port[lanes[i]].bytes);
    return ODPU_OK;
}

/* Test hooks in opt->device: "ddr-fault=silent" or "ddr-fault=slverr". */
static odpu_status apply_device_options(sim_dev *d, const char *device, odpu_err *err)
{
    if (!device || !*device)
        return ODPU_OK;
    if (!strcmp(device, "ddr-fault=silent"))
        ddr_set_fault(d->ddr, DDR_FAULT_SILENT);
    else if (!strcmp(device, "ddr-fault=slverr"))
        ddr_set_fault(d->ddr, DDR_FAULT_SLVERR);
    else
        return odpu_fail(err, ODPU_E_ARG,
                         "sim: unknown device option '%s' (known: ddr-fault=silent, ddr-fault=slverr)", device);
    return ODPU_OK;
}

static odpu_status open_trace(sim_dev *d, const char *path, odpu_err *err)
{
    size_t n = strlen(path), e = strlen(d->ops->trace_ext);
    if (n <= e || strcmp(path + n - e, d->ops->trace_ext))
        return odpu_fail(err, ODPU_E_ARG,
                         "sim: waveform '%s': this build writes %s waveforms, give a file name ending in %s",
                         path, d->ops->trace_ext + 1, d->ops->trace_ext);
    char msg[VL_ERR_MAX] = "";
    if (d->ops->trace_open(d->model, path, msg) != 0)
        return odpu_fail(err, ODPU_E_IO, "sim: waveform '%s': %s", path, msg);
    d->tracing = 1;
    return ODPU_OK;
}

/* Power-up: inputs idle, reset held for RESET_CYCLES. */
static void reset(sim_dev *d)
{
    set(d, VL_PORT_rst_ni, 0); /* every other input of a new model is 0 */
    drive_axi(d);
    d->ops->eval(d->model);
    for (int i = 0; i < RESET_CYCLES; i++)
        tick(d);
    set(d, VL_PORT_rst_ni, 1);
    d->ops->eval(d->model);
}

static void sim_close(void *dev);

static odpu_status sim_open(const odpu_hal_options *opt, void **out, odpu_err *err)
{
    sim_dev *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "sim: out of memory for the device state");
    d->arch = *opt->arch;
    d->next_phys = SIM_PHYS_BASE;
    d->beat_bytes = d->arch.axi_data_bits / 8;
    d->half_ps = PS_PER_US / d->arch.clock_mhz / 2;
    odpu_status st = pick_model(d, err);
    ddr_config cfg = {.beat_bytes = d->beat_bytes, .bytes_per_cycle = d->arch.ddr_bytes_per_cycle,
                      .latency_cycles = d->arch.ddr_latency_cycles};
    if (st == ODPU_OK)
        st = ddr_create(&cfg, &d->ddr, err);
    if (st == ODPU_OK)
        st = apply_device_options(d, opt->device, err);
    if (st == ODPU_OK) {
        char msg[VL_ERR_MAX] = "";
        d->model = d->ops->create(opt->trace_path != NULL, d->port, msg);
        if (!d->model)
            st = odpu_fail(err, ODPU_E_NOMEM, "sim: verilated %s engine: %s", d->ops->arch, msg);
    }
    if (st == ODPU_OK)
        st = check_ports(d, err);
    if (st == ODPU_OK && opt->trace_path)
        st = open_trace(d, opt->trace_path, err);
    if (st != ODPU_OK) {
        sim_close(d);
        return st;
    }
    reset(d);
    *out = d;
    return ODPU_OK;
}

static void sim_close(void *dev)
{
    sim_dev *d = dev;
    if (!d)
        return;
    while (d->maps) {
        sim_mapping *m = d->maps;
        d->maps = m->next;
        free(m->host);
        free(m);
    }
    if (d->model) {
        if (d->tracing)
            d->ops->trace_close(d->model);
        d->ops->destroy(d->model);
    }
    ddr_destroy(d->ddr);
    free(d->events);
    free(d);
}

/* ---- DMA buffers ------------------------------------------------------------------------ */

static odpu_status sim_buf_alloc(void *dev, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    sim_dev *d = dev;
    uint64_t span = ((uint64_t)size + SIM_PAGE - 1) / SIM_PAGE * SIM_PAGE;
    if (span < size || d->next_phys > UINT64_MAX - span - SIM_PAGE)
        return odpu_fail(err, ODPU_E_NOMEM, "sim: simulated address space exhausted by %zu bytes", size);
    /* The engine sees whole pages, as behind a real DMA buffer: its AXI master rounds a
     * window out to whole beats, and the bytes past `size` up to the page end exist. */
    sim_mapping *m = calloc(1, sizeof *m);
    uint8_t *host = calloc(1, (size_t)span);
    if (!m || !host) {
        free(m);
        free(host);
        return odpu_fail(err, ODPU_E_NOMEM, "sim: out of memory for a %zu-byte DMA buffer", size);
    }
    odpu_status st = ddr_map(d->ddr, d->next_phys, host, (size_t)span, err);
    if (st != ODPU_OK) {
        free(m);
        free(host);
        return st;
    }
    *m = (sim_mapping){d->maps, d->next_phys, size, (size_t)span, host};
    d->maps = m;
    d->next_phys += span + SIM_PAGE;
    *buf = (odpu_dma_buf){host, m->phys, size, m};
    return ODPU_OK;
}

static void sim_buf_free(void *dev, odpu_dma_buf *buf)
{
    sim_dev *d = dev;
    for (sim_mapping **p = &d->maps; *p; p = &(*p)->next)
        if (*p == buf->backend) {
            sim_mapping *m = *p;
            *p = m->next;
            ddr_unmap(d->ddr, m->phys);
            free(m->host);
            free(m);
            return;
        }
}

static odpu_status sim_buf_sync(void *dev, odpu_dma_buf *buf, size_t offset, size_t len,
                                odpu_sync_dir dir, odpu_err *err)
{
    const sim_dev *d = dev;
    (void)dir; /* the DDR model reads and writes the host's copy: there is no cache */
    const sim_mapping *m = d->maps;
    while (m && m != buf->backend)
        m = m->next;
    if (!m || buf->virt != m->host)
        return odpu_fail(err, ODPU_E_ARG, "sim: sync of a buffer this device did not allocate (phys 0x%" PRIx64 ")",
                         buf->phys);
    if (offset > m->size || len > m->size - offset)
        return odpu_fail(err, ODPU_E_ARG, "sim: sync of [%zu, +%zu) is outside the %zu-byte buffer at phys 0x%" PRIx64,
                         offset, len, m->size, m->phys);
    return ODPU_OK;
}

/* ---- Registers, start, wait ------------------------------------------------------------- */

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A START is on its way: the run's events and traffic start from zero, and the DDR model
 * from the state it had after reset (a frame's cycles must not depend on the frame before:
 * its read/write turn-taking changed a b512 mnist_cnn frame by a cycle). */
static void begin_run(sim_dev *d)
{
    d->n_events = 0;
    memset(&d->stats, 0, sizeof d->stats);
    ddr_begin_frame(d->ddr);
    d->started = 1;
    d->finished = 0;
    d->stats.wall_ns = clock_ns(CLOCK_MONOTONIC); /* start times until the run ends */
    d->stats.cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static void sim_reg_write(void *dev, uint32_t offset, uint32_t value)
{
    sim_dev *d = dev;
    int start = offset == ODPU_REG_CTRL && (value & ODPU_CTRL_START);
    if (start)
        begin_run(d);
    axil_write(d, offset, value);
    if (start)
        d->run_start = d->write_edge;
}

static uint32_t sim_reg_read(void *dev, uint32_t offset)
{
    return axil_read(dev, offset);
}

static odpu_status report_fault(const sim_dev *d, odpu_err *err)
{
    if (d->fault.code == ODPU_OK)
        return ODPU_OK;
    if (err)
        *err = d->fault;
    return d->fault.code;
}

static odpu_status sim_start(void *dev, odpu_err *err)
{
    sim_dev *d = dev;
    /* The interrupt is the completion signal, so it is enabled with every start. */
    sim_reg_write(d, ODPU_REG_CTRL, ODPU_CTRL_START | ODPU_CTRL_IRQ_EN);
    return report_fault(d, err);
}

/* Bytes past a buffer's end are outside every window the host sets, so the engine must
 * never write them: its AXI master rounds a window to whole beats and relies on the write
 * strobes for the rest. */
static void check_slack(sim_dev *d)
{
    for (const sim_mapping *m = d->maps; m; m = m->next)
        for (size_t i = m->size; i < m->span; i++)
            if (m->host[i]) {
                harness_fault(d, "sim: the engine wrote byte %zu past the end of the %zu-byte DMA buffer at phys "
                              "0x%" PRIx64 " (0x%02x at phys 0x%" PRIx64 ")",
                              i - m->size, m->size, m->phys, m->host[i], m->phys + i);
                return;
            }
}

static void end_run(sim_dev *d)
{
    check_slack(d);
    const ddr_stats *s = ddr_get_stats(d->ddr);
    d->finished = 1;
    d->stats.cycles = d->cycle - d->run_start;
    d->stats.ddr_rd_bytes = s->rd_bytes;
    d->stats.ddr_wr_bytes = s->wr_bytes;
    d->stats.ddr_fetch_bytes = s->rd_bytes_by_id[0]; /* fetch reads with ID 0 (docs/rtl.md) */
    d->stats.ddr_rd_bursts = s->rd_bursts;
    d->stats.ddr_wr_bursts = s->wr_bursts;
    d->stats.wall_ns = clock_ns(CLOCK_MONOTONIC) - d->stats.wall_ns;
    d->stats.cpu_ns = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - d->stats.cpu_ns;
}

static odpu_status timeout(sim_dev *d, uint32_t timeout_ms, uint64_t limit, odpu_err *err)
{
    uint32_t status = axil_read(d, ODPU_REG_STATUS);
    uint32_t done = axil_read(d, ODPU_REG_INSN_DONE);
    return odpu_fail(err, ODPU_E_TIMEOUT,
                     "sim: the engine raised no interrupt within %" PRIu32 " ms of simulated time (%" PRIu64
                     " cycles at %" PRIu32 " MHz); STATUS 0x%" PRIx32 ", %" PRIu32 " instructions retired, %zu DDR "
                     "bursts pending",
                     timeout_ms, limit, d->arch.clock_mhz, status, done, ddr_pending(d->ddr));
}

static odpu_status sim_wait(void *dev, uint32_t timeout_ms, odpu_err *err)
{
    sim_dev *d = dev;
    if (!d->started)
        return odpu_fail(err, ODPU_E_ARG, "sim: wait without a start: the engine is idle and would never finish");
    if (report_fault(d, err) != ODPU_OK)
        return d->fault.code;
    if (d->finished)
        return ODPU_OK;
    /* A START written through reg_write may have left the interrupt disabled. */
    uint32_t ctrl = axil_read(d, ODPU_REG_CTRL);
    if (!(ctrl & ODPU_CTRL_IRQ_EN))
        axil_write(d, ODPU_REG_CTRL, ctrl | ODPU_CTRL_IRQ_EN);
    uint64_t limit = (uint64_t)timeout_ms * d->arch.clock_mhz * KHZ_PER_MHZ;
    for (uint64_t n = 0; !get(d, VL_PORT_irq_o); n++) {
        if (n >= limit)
            return timeout(d, timeout_ms, limit, err);
        tick(d);
        const char *proto = ddr_protocol_error(d->ddr);
        if (proto)
            harness_fault(d, "sim: the engine broke the AXI4 protocol on its DDR port: %s", proto);
        if (report_fault(d, err) != ODPU_OK)
            return d->fault.code;
    }
    end_run(d);
    return report_fault(d, err);
}

static odpu_status sim_events(void *dev, const odpu_hal_event **ev, size_t *n, odpu_err *err)
{
    const sim_dev *d = dev;
    (void)err;
    *ev = d->events;
    *n = d->n_events;
    return ODPU_OK;
}

static odpu_status sim_stats(void *dev, odpu_hal_stats *out, odpu_err *err)
{
    const sim_dev *d = dev;
    if (!d->finished)
        return odpu_fail(err, ODPU_E_ARG, "sim: no finished run to report statistics of");
    *out = d->stats;
    return ODPU_OK;
}

const odpu_hal_ops odpu_hal_sim_ops = {
    .name = "sim",
    .open = sim_open,
    .close = sim_close,
    .reg_read = sim_reg_read,
    .reg_write = sim_reg_write,
    .buf_alloc = sim_buf_alloc,
    .buf_free = sim_buf_free,
    .buf_sync = sim_buf_sync,
    .start = sim_start,
    .wait = sim_wait,
    .events = sim_events,
    .stats = sim_stats,
};
