/* vl_device.c - one verilated engine as a device (see vl_device.h): the clock, an AXI4-Lite
 * master on the register port, the DDR model on the AXI4 master port, the interrupt line, and
 * the observation port's retired instructions. docs/sim.md describes it. */
#include "sim/vl_device.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "emu/models.h"
#include "isa/isa.h"
#include "isa/regs.h"
#include "sim/vl_model.h"
#include "sim_archs.h" /* ODPU_SIM_ARCHS(X): the archs this build verilated (sim/sim.mk) */

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the sim backend reads Verilator's port storage as little-endian bytes"
#endif

#define X_DECLARE(arch) extern const vl_model_ops vl_model_ops_##arch;
ODPU_SIM_ARCHS(X_DECLARE)
#undef X_DECLARE

#define X_TABLE(arch) &vl_model_ops_##arch,
static const vl_model_ops *const models[] = {ODPU_SIM_ARCHS(X_TABLE)};
#undef X_TABLE
enum { N_MODELS = sizeof models / sizeof models[0] };

enum {
    RESET_CYCLES = 8,       /* rst_ni held low after power-up: longer than any reset pipeline */
    AXIL_MAX_CYCLES = 1000, /* a register access not answered by then is an RTL bug */
    AXIL_STRB_ALL = 0xF,
    LANES = 3,              /* trace_* lanes: load, compute, store (docs/rtl.md) */
    LANE_BYTES = 4,         /* each lane is 32 bits of the packed port */
    PS_PER_US = 1000000,    /* waveform time is in picoseconds */
    EVENTS_INITIAL = 256,
    /* odpu_regs takes ap_start into a register; the run starts (the engine's cycle 0) the
     * edge after the one that completed the AP_CTRL write. Events and statistics count from
     * there, as the engine's own counters do. */
    START_DELAY_CYCLES = 1,
};

struct vl_device {
    odpu_arch arch;
    const vl_model_ops *ops;
    vl_model *model;
    vl_port port[VL_PORT_COUNT];
    ddr_model *ddr;
    ddr_axi_in ddr_in;
    uint32_t beat_bytes;
    const odpu_arena *memory;
    uint64_t cycle;        /* clock edges since power-up */
    uint64_t run_start;    /* the edge the last run started at (its engine cycle 0) */
    uint64_t write_edge;   /* the edge that completed the last register write's AW and W */
    uint64_t half_ps;      /* half a clock period, for waveform time stamps */
    int tracing;
    int in_run;            /* a START began a run whose interrupt has not been seen */
    int finished;          /* a begun run's interrupt was seen */
    odpu_err fault;        /* the harness itself failed (sticky) */
    odpu_hal_event *events;
    size_t n_events, cap_events;
    odpu_hal_stats stats;
};

/* ---- Ports ----------------------------------------------------------------------------- */

static uint64_t get(const vl_device *d, vl_port_id p)
{
    uint64_t v = 0;
    memcpy(&v, d->port[p].data, d->port[p].bytes < sizeof v ? d->port[p].bytes : sizeof v);
    return v;
}

static void set(vl_device *d, vl_port_id p, uint64_t v)
{
    memcpy(d->port[p].data, &v, d->port[p].bytes < sizeof v ? d->port[p].bytes : sizeof v);
}

/* Lane e (32 bits at bit 32*e) of a packed trace port. */
static uint32_t lane(const vl_device *d, vl_port_id p, int e)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)d->port[p].data + (size_t)e * LANE_BYTES, sizeof v);
    return v;
}

/* A failure of the harness (not of the engine's stream): kept until start/wait report it. */
static void harness_fault(vl_device *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void harness_fault(vl_device *d, const char *fmt, ...)
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

static uint64_t sim_time(const vl_device *d, int falling)
{
    return (2 * d->cycle + (uint64_t)falling) * d->half_ps;
}

static void dump(vl_device *d, int falling)
{
    if (d->tracing)
        d->ops->trace_dump(d->model, sim_time(d, falling));
}

/* The engine's AXI4 master outputs, as the DDR model samples them before the edge. */
static void sample_axi(vl_device *d)
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
static void drive_axi(vl_device *d)
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

static void record_events(vl_device *d)
{
    uint64_t retire = get(d, VL_PORT_trace_retire_o);
    for (int e = 0; e < LANES; e++) {
        if (!(retire >> e & 1))
            continue;
        if (d->n_events == d->cap_events) {
            size_t cap = d->cap_events ? 2 * d->cap_events : EVENTS_INITIAL;
            odpu_hal_event *grown = realloc(d->events, cap * sizeof *grown);
            if (!grown) {
                harness_fault(d, "out of memory for %zu profiling events", cap);
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

/* What the DDR model and the RTL's own assertions saw wrong in the cycle just clocked,
 * whether a run or a register access clocked it. */
static void check_cycle(vl_device *d)
{
    const char *proto = ddr_protocol_error(d->ddr);
    if (proto)
        harness_fault(d, "the engine broke the AXI4 protocol on its DDR port: %s", proto);
    if (d->ops->assert_failed(d->model))
        harness_fault(d, "an assertion of the RTL failed at cycle %" PRIu64 " (its message is on stderr)",
                      d->cycle);
}

/* One clock cycle. On entry the inputs of this cycle are set and evaluated; the engine and
 * the DDR model both act on the rising edge, each on what the other showed before it. */
static void tick(vl_device *d)
{
    sample_axi(d);
    record_events(d);
    set(d, VL_PORT_clk_i, 1);
    d->ops->set_time(d->model, sim_time(d, 0));
    d->ops->eval(d->model);
    dump(d, 0);
    ddr_clock(d->ddr, &d->ddr_in);
    drive_axi(d);
    set(d, VL_PORT_clk_i, 0);
    d->ops->eval(d->model);
    dump(d, 1);
    check_cycle(d);
    d->cycle++;
}

/* ---- AXI4-Lite master ------------------------------------------------------------------- */

/* Tick until `ready` is seen with the valid we hold; 0 if it never comes. */
static int handshake(vl_device *d, vl_port_id ready)
{
    for (int i = 0; i < AXIL_MAX_CYCLES; i++) {
        int done = get(d, ready) != 0;
        tick(d);
        if (done)
            return 1;
    }
    return 0;
}

static void axil_write(vl_device *d, uint32_t offset, uint32_t value)
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
        harness_fault(d, "the AXI4-Lite write of 0x%08" PRIx32 " to %s (0x%02" PRIx32 ") got no %s within %d "
                      "cycles (cycle %" PRIu64 "); the register slave of odpu_top does not answer",
                      value, odpu_reg_name(offset), offset, !aw ? "AWREADY" : !w ? "WREADY" : "BVALID",
                      AXIL_MAX_CYCLES, d->cycle);
}

static uint32_t axil_read(vl_device *d, uint32_t offset)
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
        harness_fault(d, "the AXI4-Lite read of %s (0x%02" PRIx32 ") got no answer within %d cycles (cycle %" PRIu64
                      "); the register slave of odpu_top does not answer",
                      odpu_reg_name(offset), offset, AXIL_MAX_CYCLES, d->cycle);
    return value;
}

/* The model's data ports must be as wide as the arch's AXI bus. */
static odpu_status check_ports(const vl_device *d, odpu_err *err)
{
    static const vl_port_id data[] = {VL_PORT_m_axi_rdata_i, VL_PORT_m_axi_wdata_o};
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++)
        if (d->port[data[i]].bytes < d->beat_bytes)
            return odpu_fail(err, ODPU_E_MISMATCH, "the %s model's AXI data port holds %" PRIu32
                             " bytes, the arch has %" PRIu32 "-byte beats", d->ops->id.arch,
                             d->port[data[i]].bytes, d->beat_bytes);
    static const vl_port_id lanes[] = {VL_PORT_trace_index_o, VL_PORT_trace_start_o, VL_PORT_trace_dep_wait_o,
                                       VL_PORT_trace_ddr_stall_o};
    for (size_t i = 0; i < sizeof lanes / sizeof lanes[0]; i++)
        if (d->port[lanes[i]].bytes < LANES * LANE_BYTES)
            return odpu_fail(err, ODPU_E_MISMATCH, "the %s model's trace ports are %" PRIu32
                             " bytes, docs/rtl.md says 3 lanes of 32 bits", d->ops->id.arch, d->port[lanes[i]].bytes);
    return ODPU_OK;
}

static odpu_status open_trace(vl_device *d, const char *path, odpu_err *err)
{
    size_t n = strlen(path), e = strlen(d->ops->trace_ext);
    if (n <= e || strcmp(path + n - e, d->ops->trace_ext))
        return odpu_fail(err, ODPU_E_ARG,
                         "waveform '%s': this build writes %s waveforms, give a file name ending in %s",
                         path, d->ops->trace_ext + 1, d->ops->trace_ext);
    char msg[VL_ERR_MAX] = "";
    if (d->ops->trace_open(d->model, path, msg) != 0)
        return odpu_fail(err, ODPU_E_IO, "waveform '%s': %s", path, msg);
    d->tracing = 1;
    return ODPU_OK;
}

/* Power-up: inputs idle, reset held for RESET_CYCLES. */
static void reset(vl_device *d)
{
    set(d, VL_PORT_rst_ni, 0); /* every other input of a new model is 0 */
    drive_axi(d);
    d->ops->eval(d->model);
    for (int i = 0; i < RESET_CYCLES; i++)
        tick(d);
    set(d, VL_PORT_rst_ni, 1);
    d->ops->eval(d->model);
}

/* A START is on its way: the run's events and traffic start from zero, and the DDR model
 * from the state it had after reset (a frame's cycles must not depend on the frame before:
 * its read/write turn-taking changed a b512 mnist_cnn frame by a cycle). */
static void begin_run(vl_device *d)
{
    d->n_events = 0;
    memset(&d->stats, 0, sizeof d->stats);
    ddr_begin_frame(d->ddr);
    d->in_run = 1;
    d->finished = 0;
    d->stats.wall_ns = odpu_clock_ns(CLOCK_MONOTONIC); /* start times until the run ends */
    d->stats.cpu_ns = odpu_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static void end_run(vl_device *d)
{
    odpu_err slack;
    if (odpu_arena_check_slack(d->memory, "sim", &slack) != ODPU_OK)
        harness_fault(d, "%s", slack.msg);
    const ddr_stats *s = ddr_get_stats(d->ddr);
    d->in_run = 0;
    d->finished = 1;
    d->stats.cycles = d->cycle - d->run_start;
    d->stats.ddr_rd_bytes = s->rd_bytes;
    d->stats.ddr_wr_bytes = s->wr_bytes;
    d->stats.ddr_fetch_bytes = s->rd_bytes_by_id[0]; /* fetch reads with ID 0 (docs/rtl.md) */
    d->stats.ddr_rd_bursts = s->rd_bursts;
    d->stats.ddr_wr_bursts = s->wr_bursts;
    d->stats.wall_ns = odpu_clock_ns(CLOCK_MONOTONIC) - d->stats.wall_ns;
    d->stats.cpu_ns = odpu_clock_ns(CLOCK_PROCESS_CPUTIME_ID) - d->stats.cpu_ns;
}

/* ---- The device ------------------------------------------------------------------------- */

static odpu_status pick_model(vl_device *d, odpu_err *err)
{
    const odpu_emu_model *ids[N_MODELS > 0 ? N_MODELS : 1];
    for (size_t i = 0; i < N_MODELS; i++)
        ids[i] = &models[i]->id;
    size_t index = 0;
    odpu_status st = odpu_emu_pick_model("sim", &d->arch, ids, N_MODELS, "SIM_ARCHS in sim/sim.mk", &index, err);
    if (st == ODPU_OK)
        d->ops = models[index];
    return st;
}

odpu_status vl_device_open(const vl_device_options *opt, vl_device **out, odpu_err *err)
{
    *out = NULL;
    vl_device *d = calloc(1, sizeof *d);
    if (!d)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the device state");
    d->arch = *opt->arch;
    d->memory = opt->memory;
    d->beat_bytes = d->arch.axi_data_bits / 8;
    d->half_ps = PS_PER_US / d->arch.clock_mhz / 2;
    odpu_status st = pick_model(d, err);
    ddr_config cfg = {.beat_bytes = d->beat_bytes, .bytes_per_cycle = d->arch.ddr_bytes_per_cycle,
                      .latency_cycles = d->arch.ddr_latency_cycles, .memory = d->memory};
    if (st == ODPU_OK)
        st = ddr_create(&cfg, &d->ddr, err);
    if (st == ODPU_OK) {
        ddr_set_fault(d->ddr, opt->fault);
        char msg[VL_ERR_MAX] = "";
        d->model = d->ops->create(opt->trace_path != NULL, d->port, msg);
        if (!d->model)
            st = odpu_fail(err, ODPU_E_NOMEM, "verilated %s engine: %s", d->ops->id.arch, msg);
    }
    if (st == ODPU_OK)
        st = check_ports(d, err);
    if (st == ODPU_OK && opt->trace_path)
        st = open_trace(d, opt->trace_path, err);
    if (st != ODPU_OK) {
        vl_device_close(d);
        return st;
    }
    reset(d);
    *out = d;
    return ODPU_OK;
}

void vl_device_close(vl_device *d)
{
    if (!d)
        return;
    if (d->model) {
        if (d->tracing)
            d->ops->trace_close(d->model);
        d->ops->destroy(d->model);
    }
    ddr_destroy(d->ddr);
    free(d->events);
    free(d);
}

void vl_device_write(vl_device *d, uint32_t offset, uint32_t value)
{
    int start = offset == ODPU_REG_AP_CTRL && (value & ODPU_AP_START) && !d->in_run;
    if (start)
        begin_run(d);
    axil_write(d, offset, value);
    if (start)
        d->run_start = d->write_edge + START_DELAY_CYCLES;
}

uint32_t vl_device_read(vl_device *d, uint32_t offset)
{
    return axil_read(d, offset);
}

int vl_device_irq(const vl_device *d)
{
    return get(d, VL_PORT_irq_o) != 0;
}

uint64_t vl_device_run(vl_device *d, uint64_t max_cycles)
{
    uint64_t n = 0;
    for (; n < max_cycles && !vl_device_irq(d) && d->fault.code == ODPU_OK; n++)
        tick(d);
    if (vl_device_irq(d) && d->in_run)
        end_run(d);
    return n;
}

void vl_device_reset(vl_device *d)
{
    ddr_reset(d->ddr);
    reset(d);
    d->in_run = 0;
}

const odpu_err *vl_device_fault(const vl_device *d)
{
    return &d->fault;
}

uint64_t vl_device_cycle(const vl_device *d)
{
    return d->cycle;
}

uint64_t vl_device_run_cycles(const vl_device *d)
{
    return d->in_run ? d->cycle - d->run_start : 0;
}

size_t vl_device_ddr_pending(const vl_device *d)
{
    return ddr_pending(d->ddr);
}

const char *vl_device_arch_name(const vl_device *d)
{
    return d->ops->id.arch;
}

void vl_device_events(const vl_device *d, const odpu_hal_event **ev, size_t *n)
{
    *ev = d->events;
    *n = d->n_events;
}

odpu_status vl_device_stats(const vl_device *d, odpu_hal_stats *out, odpu_err *err)
{
    if (!d->finished)
        return odpu_fail(err, ODPU_E_ARG, "no finished run to report statistics of");
    *out = d->stats;
    return ODPU_OK;
}
