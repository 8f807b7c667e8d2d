/* cmd_profile.c - `opendpu profile MODEL [--backend sim]`: run one frame on an engine that
 * counts cycles and report where they went, per frame and per layer: cycles, MACs, MAC-array
 * utilization, DDR bytes, engine busy and stall cycles, and what bounds each layer.
 *
 * A frame's cycle count does not depend on the pixel values (the engine has no data-dependent
 * shortcut), so one frame with a deterministic pseudo-random input stands for every frame.
 * FPS and latency are cycles at the arch's clock, labelled with how the backend got them
 * (simulated or measured: its capabilities, host/hal.h). */
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
#include "report/roofline.h"
#include "report/table.h"
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
    "usage: opendpu profile MODEL.onnx|MODEL.odpu [--backend sim] [--device OPTS] [--arch ARCH.yaml] [--trace FILE.fst|.vcd]\n"
    "                       [--timeline FILE.json] [--roofline FILE.svg] [--format text|md|csv|json]\n"
    "                       [calibration options for an .onnx: opendpu eval --help]\n"
    "  One frame on an engine that counts cycles; per-layer cycles, utilization, DDR bytes, stalls.\n"
    "  --format: text (default) for a terminal; md the frame and layer tables in Markdown; csv the\n"
    "  layer table; json {\"frame\": [{...}], \"layers\": [{...}, ...]}.\n"
    "  --timeline writes when each engine ran which instruction as a Chrome trace (Perfetto,\n"
    "  chrome://tracing); --roofline plots the layers against the arch's peak compute and DDR\n"
    "  bandwidth.\n";

typedef struct profile_opts {
    cli_model_options model;
    const char *backend;
    const char *device;   /* the backend's device options (docs/hal.md), NULL for defaults */
    const char *trace;    /* waveform of the frame (sim), NULL for none */
    const char *timeline; /* Chrome trace of the engines' instructions, NULL for none */
    const char *roofline; /* SVG roofline plot of the layers, NULL for none */
    odpu_table_format format;
} profile_opts;

typedef struct frame {
    odpu_timing timing;    /* how the backend's cycles come about */
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
    f->timing = odpu_hal_capabilities(e->hal)->timing;
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

/* A report file: created, written by one of the report/ writers, closed; any failure names
 * the path and what the file was for. */
typedef struct report_file {
    const odpu_model *model;
    const odpu_arch *arch;
    odpu_timing timing;
    const odpu_hal_event *events; /* timeline */
    size_t n_events;
    const char *title;            /* roofline */
    const odpu_roofline_point *points;
} report_file;

typedef odpu_status (*report_writer)(FILE *out, const report_file *r, odpu_err *err);

static odpu_status timeline_writer(FILE *out, const report_file *r, odpu_err *err)
{
    return odpu_timeline_write(out, r->model, r->arch, r->timing, r->events, r->n_events, err);
}

static odpu_status roofline_writer(FILE *out, const report_file *r, odpu_err *err)
{
    return odpu_roofline_svg(out, r->arch, r->timing, r->title, r->points, r->model->n_layers, NULL, err);
}

static odpu_status write_report_file(const char *path, const char *what, report_writer write, const report_file *r,
                                     odpu_err *err)
{
    FILE *out = fopen(path, "w");
    if (!out)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot create the %s", path, what);
    odpu_status st = write(out, r, err);
    if (fclose(out) != 0 && st == ODPU_OK)
        st = odpu_fail(err, ODPU_E_IO, "write failed");
    if (st != ODPU_OK)
        odpu_err_prefix(err, "%s: ", path);
    return st;
}

/* The frame's events (still held by the backend) as a Chrome trace in path. */
static odpu_status write_timeline(const char *path, cli_engine *e, const cli_model *m, odpu_err *err)
{
    report_file r = {.model = &m->model, .arch = &m->arch, .timing = odpu_hal_capabilities(e->hal)->timing};
    odpu_status st = odpu_hal_events(e->hal, &r.events, &r.n_events, err);
    return st == ODPU_OK ? write_report_file(path, "timeline", timeline_writer, &r, err) : st;
}

/* The layers as points against the arch's roofline, an SVG in path. */
static odpu_status write_roofline(const char *path, const char *model_path, const cli_model *m, const frame *f,
                                  odpu_err *err)
{
    const odpu_model *md = &m->model;
    odpu_roofline_point *pts = calloc(md->n_layers ? md->n_layers : 1, sizeof *pts);
    if (!pts)
        return odpu_fail(err, ODPU_E_NOMEM, "roofline: out of memory");
    for (size_t l = 0; l < md->n_layers; l++)
        pts[l] = (odpu_roofline_point){.name = md->layers[l].name, .macs = md->layers[l].macs,
                                       .ddr_bytes = md->layers[l].ddr_read + md->layers[l].ddr_written,
                                       .cycles = f->prof.layers[l].cycles};
    char title[256];
    const char *base = strrchr(model_path, '/');
    snprintf(title, sizeof title, "%s on %s: layers against the roofline", base ? base + 1 : model_path,
             m->arch.name);
    report_file r = {.model = md, .arch = &m->arch, .timing = f->timing, .title = title, .points = pts};
    odpu_status st = write_report_file(path, "roofline plot", roofline_writer, &r, err);
    free(pts);
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

static void print_frame(const profile_opts *o, const cli_model *m, const frame *f)
{
    const odpu_arch *a = &m->arch;
    odpu_frame_rates r = odpu_frame_rates_of(&m->arch, f->regs.cycles, odpu_model_macs(&m->model));
    uint64_t cycles = r.cycles;
    printf("%s on the '%s' engine, arch %s (%ux%u = %u MACs)\n", m->desc, o->backend, a->name, a->rows, a->cols,
           odpu_arch_macs(a));
    if (f->timing == ODPU_TIMING_SIMULATED)
        printf("SIMULATED timing: %u MHz clock, DDR model %u bytes/cycle with %u cycles read latency; one frame\n",
               a->clock_mhz, a->ddr_bytes_per_cycle, a->ddr_latency_cycles);
    else
        printf("%s timing: the engine's counters at %u MHz; one frame\n", odpu_timing_name(f->timing), a->clock_mhz);
    printf("  cycles per frame   %" PRIu64 "\n", cycles);
    printf("  latency            %.3f ms   (FPS %.1f, one frame at a time)\n", r.seconds * 1e3, r.fps);
    printf("  MACs per frame     %" PRIu64 "   (%.2f GOPS at the clock)\n", r.macs, r.gops);
    printf("  MAC utilization    %.1f %%   (MACs / (cycles x %u))\n", r.util_pct, odpu_arch_macs(a));
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

/* Number cells are printed into per-row scratch buffers of CELL_MAX bytes. */
enum { CELL_MAX = 48, LAYER_COLS = 15, FRAME_COLS = 19 };
typedef char cell_text[CELL_MAX];

static const odpu_table_col layer_cols[LAYER_COLS] = {
    {"#", ODPU_COL_NUMBER},       {"layer", ODPU_COL_TEXT},     {"op", ODPU_COL_TEXT},
    {"cycles", ODPU_COL_NUMBER},  {"frame %", ODPU_COL_NUMBER}, {"MACs", ODPU_COL_NUMBER},
    {"util %", ODPU_COL_NUMBER},  {"DDR rd", ODPU_COL_NUMBER},  {"DDR wr", ODPU_COL_NUMBER},
    {"load %", ODPU_COL_NUMBER},  {"comp %", ODPU_COL_NUMBER},  {"store %", ODPU_COL_NUMBER},
    {"dep", ODPU_COL_NUMBER},     {"ddr", ODPU_COL_NUMBER},     {"bound", ODPU_COL_TEXT},
};

static odpu_status layer_table(const cli_model *m, const frame *f, odpu_table **out, odpu_err *err)
{
    const odpu_model *md = &m->model;
    odpu_status st = odpu_table_new(layer_cols, LAYER_COLS, out, err);
    for (size_t l = 0; st == ODPU_OK && l < md->n_layers; l++) {
        const odpu_layer_info *li = &md->layers[l];
        const odpu_layer_profile *lp = &f->prof.layers[l];
        cell_text c[LAYER_COLS];
        snprintf(c[0], CELL_MAX, "%zu", l);
        snprintf(c[3], CELL_MAX, "%" PRIu64, lp->cycles);
        snprintf(c[4], CELL_MAX, "%.1f", pct(lp->cycles, f->prof.cycles));
        snprintf(c[5], CELL_MAX, "%" PRIu64, li->macs);
        snprintf(c[6], CELL_MAX, "%.1f", 100.0 * odpu_utilization(li->macs, lp->cycles, odpu_arch_macs(&m->arch)));
        snprintf(c[7], CELL_MAX, "%" PRIu64, li->ddr_read);
        snprintf(c[8], CELL_MAX, "%" PRIu64, li->ddr_written);
        for (int e = 0; e < ODPU_PROFILE_ENGINES; e++)
            snprintf(c[9 + e], CELL_MAX, "%.0f", pct(lp->busy[e], lp->cycles));
        snprintf(c[12], CELL_MAX, "%" PRIu64, lp->dep_wait[0] + lp->dep_wait[1] + lp->dep_wait[2]);
        snprintf(c[13], CELL_MAX, "%" PRIu64, lp->ddr_stall[0] + lp->ddr_stall[1] + lp->ddr_stall[2]);
        const char *cells[LAYER_COLS] = {c[0], li->name, li->op, c[3], c[4], c[5], c[6], c[7],
                                         c[8], c[9], c[10], c[11], c[12], c[13], bound_of(lp)};
        st = odpu_table_add_row(*out, cells, err);
    }
    if (st == ODPU_OK) {
        /* END and the drain after the last layer: only cycles. */
        cell_text cyc, share;
        snprintf(cyc, CELL_MAX, "%" PRIu64, f->prof.tail_cycles);
        snprintf(share, CELL_MAX, "%.1f", pct(f->prof.tail_cycles, f->prof.cycles));
        const char *cells[LAYER_COLS] = {"-", "(after the last layer)", "END", cyc, share, "-", "-", "-",
                                         "-", "-", "-", "-", "-", "-", "-"};
        st = odpu_table_add_row(*out, cells, err);
    }
    return st;
}

static const odpu_table_col frame_cols[FRAME_COLS] = {
    {"arch", ODPU_COL_TEXT},          {"timing", ODPU_COL_TEXT},         {"clock MHz", ODPU_COL_NUMBER},
    {"DDR B/cycle", ODPU_COL_NUMBER}, {"DDR latency", ODPU_COL_NUMBER},  {"cycles", ODPU_COL_NUMBER},
    {"latency ms", ODPU_COL_NUMBER},  {"FPS", ODPU_COL_NUMBER},          {"MACs", ODPU_COL_NUMBER},
    {"GOPS", ODPU_COL_NUMBER},        {"util %", ODPU_COL_NUMBER},       {"DDR rd", ODPU_COL_NUMBER},
    {"DDR wr", ODPU_COL_NUMBER},      {"load %", ODPU_COL_NUMBER},       {"comp %", ODPU_COL_NUMBER},
    {"store %", ODPU_COL_NUMBER},     {"stall dep", ODPU_COL_NUMBER},    {"stall DDR", ODPU_COL_NUMBER},
    {"DDR fetch", ODPU_COL_NUMBER},
};

/* The frame as a one-row table: what print_frame says, for md and json. */
static odpu_status frame_table(const cli_model *m, const frame *f, odpu_table **out, odpu_err *err)
{
    const odpu_arch *a = &m->arch;
    odpu_frame_rates r = odpu_frame_rates_of(&m->arch, f->regs.cycles, odpu_model_macs(&m->model));
    cell_text c[FRAME_COLS];
    snprintf(c[2], CELL_MAX, "%u", a->clock_mhz);
    snprintf(c[3], CELL_MAX, "%u", a->ddr_bytes_per_cycle);
    snprintf(c[4], CELL_MAX, "%u", a->ddr_latency_cycles);
    snprintf(c[5], CELL_MAX, "%" PRIu64, r.cycles);
    snprintf(c[6], CELL_MAX, "%.4f", r.seconds * 1e3);
    snprintf(c[7], CELL_MAX, "%.1f", r.fps);
    snprintf(c[8], CELL_MAX, "%" PRIu64, r.macs);
    snprintf(c[9], CELL_MAX, "%.2f", r.gops);
    snprintf(c[10], CELL_MAX, "%.1f", r.util_pct);
    snprintf(c[11], CELL_MAX, "%" PRIu64, f->hal.ddr_rd_bytes);
    snprintf(c[12], CELL_MAX, "%" PRIu64, f->hal.ddr_wr_bytes);
    for (int e = 0; e < ODPU_PROFILE_ENGINES; e++)
        snprintf(c[13 + e], CELL_MAX, "%.1f", pct(f->prof.busy[e], r.cycles));
    snprintf(c[16], CELL_MAX, "%" PRIu64, (uint64_t)f->regs.stall_dep);
    snprintf(c[17], CELL_MAX, "%" PRIu64, (uint64_t)f->regs.stall_ddr);
    snprintf(c[18], CELL_MAX, "%" PRIu64, f->hal.ddr_fetch_bytes);
    const char *cells[FRAME_COLS] = {a->name, odpu_timing_name(f->timing), c[2],  c[3],  c[4],  c[5],  c[6],
                                     c[7],    c[8],  c[9],  c[10], c[11], c[12], c[13], c[14], c[15], c[16],
                                     c[17],   c[18]};
    odpu_status st = odpu_table_new(frame_cols, FRAME_COLS, out, err);
    if (st == ODPU_OK)
        st = odpu_table_add_row(*out, cells, err);
    return st;
}

static void print_legend(const cli_model *m)
{
    printf("\ncycles: the layer's share of the frame (from the previous layer's last retirement to its own);\n"
           "util: its MACs / (cycles x %u); load/comp/store: engine busy share of those cycles (engines overlap\n"
           "layers, so a share can pass 100%%); dep, ddr: cycles its instructions waited for tokens / for DDR;\n"
           "DDR rd/wr: bytes its LOADs and SAVEs move; bound: compute if the compute engine is busy >= %.0f%% of\n"
           "the cycles, memory if load or store is, else pipeline (fill, drain, dependencies).\n",
           odpu_arch_macs(&m->arch), 100.0 * BOUND_SHARE);
}

/* The report in the chosen format: text and md for people, csv and json for tools. */
static odpu_status print_report(const profile_opts *o, const cli_model *m, const frame *f, odpu_err *err)
{
    odpu_table *layers = NULL, *fr = NULL;
    odpu_status st = layer_table(m, f, &layers, err);
    if (st == ODPU_OK && (o->format == ODPU_TABLE_MD || o->format == ODPU_TABLE_JSON))
        st = frame_table(m, f, &fr, err);
    if (st == ODPU_OK) {
        switch (o->format) {
        case ODPU_TABLE_TEXT:
            print_frame(o, m, f);
            putchar('\n');
            st = odpu_table_write(layers, ODPU_TABLE_TEXT, stdout, err);
            print_legend(m);
            break;
        case ODPU_TABLE_MD:
            printf("%s, %s timing (%s), one frame\n\n", m->desc, odpu_timing_name(f->timing),
                   f->timing == ODPU_TIMING_SIMULATED ? "cycles at the clock with the DDR model"
                                                      : "the engine's counters at the clock");
            st = odpu_table_write(fr, ODPU_TABLE_MD, stdout, err);
            putchar('\n');
            if (st == ODPU_OK)
                st = odpu_table_write(layers, ODPU_TABLE_MD, stdout, err);
            break;
        case ODPU_TABLE_CSV:
            st = odpu_table_write(layers, ODPU_TABLE_CSV, stdout, err);
            break;
        case ODPU_TABLE_JSON: {
            static const char *const names[] = {"frame", "layers"};
            const odpu_table *const tables[] = {fr, layers};
            st = odpu_table_write_json_object(names, tables, 2, stdout, err);
            break;
        }
        }
    }
    odpu_table_free(layers);
    odpu_table_free(fr);
    return st;
}

/* Returns 0 on success, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, profile_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_model_default_options(&o->model);
    o->backend = "sim";
    o->format = ODPU_TABLE_TEXT;
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
        if (!strcmp(a, "--backend") || !strcmp(a, "--arch") || !strcmp(a, "--trace") || !strcmp(a, "--timeline") || !strcmp(a, "--device") ||
            !strcmp(a, "--roofline") || !strcmp(a, "--format")) {
            if (!v)
                return cli_usage_error("profile", profile_usage, "%s needs a value", a);
            i++;
            if (!strcmp(a, "--backend"))
                o->backend = v;
            else if (!strcmp(a, "--trace"))
                o->trace = v;
            else if (!strcmp(a, "--device"))
                o->device = v;
            else if (!strcmp(a, "--timeline"))
                o->timeline = v;
            else if (!strcmp(a, "--roofline"))
                o->roofline = v;
            else if (!strcmp(a, "--format")) {
                odpu_err ferr;
                if (odpu_table_format_parse(v, &o->format, &ferr) != ODPU_OK)
                    return cli_usage_error("profile", profile_usage, "%s", ferr.msg);
            }
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
        st = cli_engine_open(&e, &m, o.backend, cli_device_for(o.device, o.backend, 1), o.trace, &err);
    if (st == ODPU_OK)
        st = run_frame(&e, &m, &f, &err);
    if (st == ODPU_OK && o.timeline)
        st = write_timeline(o.timeline, &e, &m, &err);
    if (st == ODPU_OK && o.roofline)
        st = write_roofline(o.roofline, o.model.model_path, &m, &f, &err);
    if (st == ODPU_OK)
        st = print_report(&o, &m, &f, &err);
    odpu_profile_free(&f.prof);
    cli_engine_close(&e);
    cli_model_free(&m);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu profile: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
