/* cmd_profile.c - `opendpu profile MODEL [--backend sim]`: run one frame on an engine that
 * counts cycles and report where they went, per frame and per layer: cycles, MACs, MAC-array
 * utilization, DDR bytes, engine busy and stall cycles, and what bounds each layer.
 *
 * A frame's cycle count does not depend on the pixel values (the engine has no data-dependent
 * shortcut), so one frame with a deterministic pseudo-random input stands for every frame.
 * FPS and latency are cycles at the arch's clock: simulated, and labelled as such. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/quant_args.h"
#include "cli/usage.h"
#include "host/profile.h"
#include "host/runtime.h"
#include "report/timeline.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    /* A 224 x 224 frame on the cycle-level simulator takes seconds; minutes mean a hang. */
    PROFILE_TIMEOUT_MS = 1200000,
    INPUT_SEED = 0x0D9C,
};

/* A layer is compute-bound when the compute engine executes for at least this share of its
 * cycles, memory-bound when load or store wait for DDR for at least this share. */
#define BOUND_SHARE 0.75

static const char profile_usage[] =
    "usage: opendpu profile MODEL.onnx|MODEL.odpu [--backend sim] [--arch ARCH.yaml] [--trace FILE.fst|.vcd]\n"
    "                       [--timeline FILE.json] [calibration options for an .onnx: opendpu eval --help]\n"
    "  One frame on an engine that counts cycles; per-layer cycles, utilization, DDR bytes, stalls.\n"
    "  --timeline writes when each engine ran which instruction as a Chrome trace (Perfetto,\n"
    "  chrome://tracing).\n";

typedef struct profile_opts {
    cli_model_options model;
    const char *backend;
    const char *trace;    /* waveform of the frame (sim), NULL for none */
    const char *timeline; /* Chrome trace of the engines' instructions, NULL for none */
} profile_opts;

typedef struct frame {
    odpu_run_stats regs;   /* the engine's own counters */
    odpu_hal_stats hal;    /* what the backend measured (DDR traffic, wall time) */
    odpu_profile prof;
} frame;

/* xorshift: the same input bytes on every run and machine. */
static void fill_input(int8_t *q, size_t n)
{
    uint32_t s = INPUT_SEED;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        q[i] = (int8_t)(s >> 24);
    }
}

static odpu_status run_frame(cli_engine *e, const cli_model *m, frame *f, odpu_err *err)
{
    const odpu_tensor_desc *in = m->input;
    fill_input(e->qin, (size_t)in->h * in->w * in->c);
    const int8_t *inputs[1] = {e->qin};
    int8_t *outputs[1] = {e->qout};
    odpu_status st = odpu_runtime_run(e->rt, inputs, outputs, PROFILE_TIMEOUT_MS, &f->regs, err);
    const odpu_hal_event *ev = NULL;
    size_t n = 0;
    if (st == ODPU_OK)
        st = odpu_hal_events(e->hal, &ev, &n, err);
    if (st == ODPU_OK)
        st = odpu_hal_read_stats(e->hal, &f->hal, err);
    if (st == ODPU_OK)
        st = odpu_profile_build(&m->model, ev, n, f->regs.cycles, &f->prof, err);
    return st;
}

/* The frame's events (still held by the backend) as a Chrome trace in path. */
static odpu_status write_timeline(const char *path, cli_engine *e, const cli_model *m, odpu_err *err)
{
    const odpu_hal_event *ev = NULL;
    size_t n = 0;
    odpu_status st = odpu_hal_events(e->hal, &ev, &n, err);
    if (st != ODPU_OK)
        return st;
    FILE *f = fopen(path, "w");
    if (!f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot create the timeline", path);
    st = odpu_timeline_write(f, &m->model, &m->arch, ev, n, err);
    if (fclose(f) != 0 && st == ODPU_OK)
        st = odpu_fail(err, ODPU_E_IO, "%s: write failed", path);
    if (st != ODPU_OK)
        odpu_err_prefix(err, "%s: ", path);
    return st;
}

static double pct(uint64_t part, uint64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static const char *bound_of(const odpu_layer_profile *lp)
{
    if (!lp->cycles)
        return "-";
    double c = (double)lp->cycles;
    if (lp->busy[ODPU_ENGINE_COMPUTE] >= BOUND_SHARE * c)
        return "compute";
    if (lp->ddr_stall[ODPU_ENGINE_LOAD] >= BOUND_SHARE * c || lp->ddr_stall[ODPU_ENGINE_STORE] >= BOUND_SHARE * c ||
        lp->busy[ODPU_ENGINE_LOAD] >= BOUND_SHARE * c || lp->busy[ODPU_ENGINE_STORE] >= BOUND_SHARE * c)
        return "memory";
    return "pipeline";
}

static uint64_t total_macs(const odpu_model *m)
{
    uint64_t macs = 0;
    for (size_t l = 0; l < m->n_layers; l++)
        macs += m->layers[l].macs;
    return macs;
}

static void print_frame(const profile_opts *o, const cli_model *m, const frame *f)
{
    const odpu_arch *a = &m->arch;
    uint64_t cycles = f->regs.cycles, macs = total_macs(&m->model);
    double secs = (double)cycles / (a->clock_mhz * 1e6);
    printf("%s on the '%s' engine, arch %s (%ux%u = %u MACs)\n", m->desc, o->backend, a->name, a->rows, a->cols,
           odpu_arch_macs(a));
    printf("SIMULATED timing: %u MHz clock, DDR model %u bytes/cycle with %u cycles read latency; one frame\n",
           a->clock_mhz, a->ddr_bytes_per_cycle, a->ddr_latency_cycles);
    printf("  cycles per frame   %" PRIu64 "\n", cycles);
    printf("  latency            %.3f ms   (FPS %.1f, one frame at a time)\n", secs * 1e3, secs > 0 ? 1.0 / secs : 0.0);
    printf("  MACs per frame     %" PRIu64 "   (%.2f GOPS at the clock)\n", macs,
           secs > 0 ? 2.0 * (double)macs / secs / 1e9 : 0.0);
    printf("  MAC utilization    %.1f %%   (MACs / (cycles x %u))\n",
           100.0 * odpu_utilization(macs, cycles, odpu_arch_macs(a)), odpu_arch_macs(a));
    printf("  DDR read           %" PRIu64 " bytes (%" PRIu64 " of them instructions), written %" PRIu64 " bytes\n",
           f->hal.ddr_rd_bytes, f->hal.ddr_fetch_bytes, f->hal.ddr_wr_bytes);
    printf("  engines busy       load %.1f %%, compute %.1f %%, store %.1f %% of the frame\n",
           pct(f->prof.busy[ODPU_ENGINE_LOAD], cycles), pct(f->prof.busy[ODPU_ENGINE_COMPUTE], cycles),
           pct(f->prof.busy[ODPU_ENGINE_STORE], cycles));
    printf("  stall cycles       dependency %" PRIu64 ", DDR %" PRIu64 " (engine-cycles, all engines)\n",
           (uint64_t)f->regs.stall_dep, (uint64_t)f->regs.stall_ddr);
    if (f->hal.wall_ns)
        printf("  simulator speed    %.0f cycles per wall-clock second (%.2f s for the frame)\n",
               (double)cycles / ((double)f->hal.wall_ns / 1e9), (double)f->hal.wall_ns / 1e9);
}

static void print_layers(const cli_model *m, const frame *f)
{
    const odpu_model *md = &m->model;
    printf("\n%-3s %-26s %-11s %10s %6s %10s %6s %9s %9s %6s %6s %6s %8s %8s  %s\n", "#", "layer", "op", "cycles",
           "frame", "MACs", "util", "DDR rd", "DDR wr", "load", "comp", "store", "dep", "ddr", "bound");
    for (size_t l = 0; l < md->n_layers; l++) {
        const odpu_layer_info *li = &md->layers[l];
        const odpu_layer_profile *lp = &f->prof.layers[l];
        uint64_t dep = lp->dep_wait[0] + lp->dep_wait[1] + lp->dep_wait[2];
        uint64_t ddr = lp->ddr_stall[0] + lp->ddr_stall[1] + lp->ddr_stall[2];
        printf("%-3zu %-26.26s %-11.11s %10" PRIu64 " %5.1f%% %10" PRIu64 " %5.1f%% %9" PRIu64 " %9" PRIu64
               " %5.0f%% %5.0f%% %5.0f%% %8" PRIu64 " %8" PRIu64 "  %s\n",
               l, li->name, li->op, lp->cycles, pct(lp->cycles, f->prof.cycles), li->macs,
               100.0 * odpu_utilization(li->macs, lp->cycles, odpu_arch_macs(&m->arch)), li->ddr_read, li->ddr_written,
               pct(lp->busy[ODPU_ENGINE_LOAD], lp->cycles), pct(lp->busy[ODPU_ENGINE_COMPUTE], lp->cycles),
               pct(lp->busy[ODPU_ENGINE_STORE], lp->cycles), dep, ddr, bound_of(lp));
    }
    printf("    %-26s %-11s %10" PRIu64 " %5.1f%%\n", "(after the last layer)", "END", f->prof.tail_cycles,
           pct(f->prof.tail_cycles, f->prof.cycles));
    printf("\ncycles: the layer's share of the frame (from the previous layer's last retirement to its own);\n"
           "util: its MACs / (cycles x %u); load/comp/store: engine busy share of those cycles (engines overlap\n"
           "layers, so a share can pass 100%%); dep, ddr: cycles its instructions waited for tokens / for DDR;\n"
           "DDR rd/wr: bytes its LOADs and SAVEs move; bound: compute if the compute engine is busy >= %.0f%% of\n"
           "the cycles, memory if load or store is, else pipeline (fill, drain, dependencies).\n",
           odpu_arch_macs(&m->arch), 100.0 * BOUND_SHARE);
}

/* Returns 0 on success, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, profile_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_model_default_options(&o->model);
    o->backend = "sim";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int shared = quant_args_parse("profile", argc, argv, &i, &o->model.quant);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", profile_usage, quant_args_help);
            return -1;
        }
        if (!strcmp(a, "--backend") || !strcmp(a, "--arch") || !strcmp(a, "--trace") || !strcmp(a, "--timeline")) {
            if (!v)
                return cli_usage_error("profile", profile_usage, "%s needs a value", a);
            i++;
            if (!strcmp(a, "--backend"))
                o->backend = v;
            else if (!strcmp(a, "--trace"))
                o->trace = v;
            else if (!strcmp(a, "--timeline"))
                o->timeline = v;
            else
                o->model.arch_path = v;
        } else if (a[0] == '-') {
            return cli_usage_error("profile", profile_usage, "unknown option '%s'", a);
        } else if (o->model.model_path) {
            return cli_usage_error("profile", profile_usage, "more than one model given ('%s')", a);
        } else {
            o->model.model_path = a;
        }
    }
    if (!o->model.model_path)
        return cli_usage_error("profile", profile_usage, "no model given");
    return 0;
}

int cmd_profile(int argc, char **argv)
{
    profile_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    cli_model m;
    memset(&m, 0, sizeof m);
    cli_engine e;
    memset(&e, 0, sizeof e);
    frame f;
    memset(&f, 0, sizeof f);
    odpu_status st = cli_model_load(&o.model, &m, &err);
    if (st == ODPU_OK)
        st = cli_engine_open(&e, &m, o.backend, o.trace, &err);
    if (st == ODPU_OK)
        st = run_frame(&e, &m, &f, &err);
    if (st == ODPU_OK && o.timeline)
        st = write_timeline(o.timeline, &e, &m, &err);
    if (st == ODPU_OK) {
        print_frame(&o, &m, &f);
        print_layers(&m, &f);
    }
    odpu_profile_free(&f.prof);
    cli_engine_close(&e);
    cli_model_free(&m);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu profile: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
