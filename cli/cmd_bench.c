/* cmd_bench.c - `opendpu bench MODEL.onnx... [--arch A,B]`: the model table. Per model and
 * arch: the network's shape (input, conv and FC layers, weights, MACs), FP32 and INT8 top-1
 * over the test set, the accelerator's top-1 on a subset with its bit-exact match rate against
 * the golden model, and cycles, latency, FPS, GOPS and MAC utilization of a frame.
 *
 * Accuracy comes from cli/eval_core.c (the FP32 executor and the golden-model engine). The
 * accelerator column runs the timed engine (the Verilator RTL by default) beside the golden
 * model on every subset image and compares their int8 outputs byte for byte; the frame's
 * cycles come from the same runs. A frame's cycles do not depend on the pixels, which the
 * command checks on every image it runs. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/eval_core.h"
#include "cli/model_load.h"
#include "cli/quant_args.h"
#include "cli/usage.h"
#include "data/dataset.h"
#include "host/profile.h"
#include "quantizer/graph.h"
#include "report/table.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    EXIT_MISMATCH = 3, /* as `opendpu compare`: the accelerator's outputs differ from ref's */
    DEFAULT_THREADS = 2,
    DEFAULT_SIM_IMAGES = 100,
    MAX_ARCHS = 8,
    NAME_MAX_LEN = 64,
    CELL_MAX = 48,
};

static const char bench_usage[] =
    "usage: opendpu bench MODEL.onnx... [--arch ARCH.yaml[,ARCH.yaml...]] [--data DATA] [--limit N]\n"
    "                     [--sim-images N] [--backend sim] [--device OPTS] [--threads N]\n"
    "                     [--format text|md|csv|json]"
    "                     [calibration options: opendpu eval --help]\n"
    "  One row per model and arch: input, conv and FC layers, weights, MACs per frame; FP32 and INT8\n"
    "  (golden-model engine) top-1 over DATA (default: the test split of the model's dataset, every\n"
    "  image, or the first --limit N); top-1 of the timed engine (--backend, default sim) on the first\n"
    "  --sim-images N (default 100) with the share of images whose output equals the golden model's\n"
    "  byte for byte; cycles per frame, latency, FPS, GOPS and MAC utilization at the arch's clock.\n"
    "  A model whose model.yaml records no FP32 top-1 (untrained, for speed only) gets no accuracy.\n"
    "  Exit status 0, or 3 when an output differs from the golden model's (the table still prints).\n";

typedef struct bench_opts {
    cli_model_options model;     /* model_path and arch_path are set per row */
    char **models;               /* the positional arguments */
    int n_models;
    char *arch_list;             /* owned copy of --arch, split in place at the commas */
    const char *archs[MAX_ARCHS];
    int n_archs;
    const char *data, *backend, *device;
    long limit, sim_images, threads;
    odpu_table_format format;
} bench_opts;

/* The float network as exported: what a reader of the ONNX file counts. */
typedef struct net_shape {
    int conv, fc;       /* Conv nodes; Gemm and constant-weight MatMul nodes */
    int64_t weights;    /* their weight and bias elements */
    uint64_t macs;      /* their multiply-accumulates per frame */
} net_shape;

typedef struct bench_row {
    char model[NAME_MAX_LEN];
    odpu_arch arch;                 /* the arch the row was compiled for and timed on */
    int in_c, in_h, in_w;
    net_shape shape;
    uint64_t macs;                  /* executed by the accelerator, from the compiled layer table */
    int has_accuracy;               /* model.yaml records a trained FP32 top-1 */
    cli_eval_result acc;            /* FP32 and ref INT8 over the accuracy images */
    cli_eval_result sim;            /* timed engine vs ref over the subset */
    odpu_frame_rates rates;         /* of sim.cycles_max at the arch's clock */
    char data_source[2 * NAME_MAX_LEN];
} bench_row;

/* ---- The network's shape ------------------------------------------------------------------ */

static int64_t constant_numel(const odpu_graph *g, const odpu_gnode *n, int input)
{
    if (input >= n->n_inputs || n->inputs[input] < 0 || !g->tensors[n->inputs[input]].data)
        return 0;
    return odpu_tensor_numel(&g->tensors[n->inputs[input]]);
}

/* One output element of a conv or FC takes one weight filter: the weights over the filters
 * (a conv's output channels, dim 1 of NCHW; an FC's output features, the last dim). */
static uint64_t node_macs(const odpu_graph *g, const odpu_gnode *n, int is_fc)
{
    const odpu_gtensor *out = &g->tensors[n->outputs[0]];
    int64_t filters = out->rank < 2 ? 0 : out->dims[is_fc ? out->rank - 1 : 1];
    if (filters <= 0)
        return 0;
    return (uint64_t)odpu_tensor_numel(out) * (uint64_t)(constant_numel(g, n, 1) / filters);
}

/* Count on the imported graph, before any folding: the layers the model's author wrote (a BN
 * after a Concat, which the compiler turns into a per-channel conv, is not one of them). */
static odpu_status count_shape(const char *onnx, net_shape *s, odpu_err *err)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_status st = odpu_onnx_import(onnx, &g, err); /* shapes inferred */
    memset(s, 0, sizeof *s);
    for (int k = 0; st == ODPU_OK && k < g.n_nodes; k++) {
        const odpu_gnode *n = &g.nodes[k];
        int is_fc = n->op == ODPU_NODE_GEMM || (n->op == ODPU_NODE_MATMUL && constant_numel(&g, n, 1));
        if (n->op != ODPU_NODE_CONV && !is_fc)
            continue;
        s->conv += n->op == ODPU_NODE_CONV;
        s->fc += is_fc;
        s->weights += constant_numel(&g, n, 1) + constant_numel(&g, n, 2);
        s->macs += node_macs(&g, n, is_fc);
    }
    odpu_graph_free(&g);
    return st;
}

/* ---- One row -------------------------------------------------------------------------------- */

/* The dataset of the last row, kept while the next row wants the same one. */
typedef struct data_cache {
    char *spec;
    odpu_dataset ds;
} data_cache;

static odpu_status cached_dataset(data_cache *c, const char *spec, odpu_err *err)
{
    if (c->spec && !strcmp(c->spec, spec))
        return ODPU_OK;
    if (c->spec)
        odpu_dataset_free(&c->ds);
    free(c->spec);
    c->spec = strdup(spec);
    if (!c->spec)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    odpu_status st = odpu_dataset_open(spec, &c->ds, err);
    if (st != ODPU_OK) {
        free(c->spec);
        c->spec = NULL;
    }
    return st;
}

static int at_most(long limit, int count)
{
    return limit > 0 && limit < count ? (int)limit : count;
}

/* Accuracy over the data, then the timed engine beside ref over the subset. */
/* How the backend's cycles come about, as its capabilities say (host/hal.h). */
static const char *timing_of(const char *backend)
{
    const odpu_hal_caps *caps = odpu_hal_backend_capabilities(backend);
    return caps ? odpu_timing_name(caps->timing) : "unknown backend";
}

static odpu_status measure(const bench_opts *o, const cli_model *m, const odpu_dataset *ds, bench_row *row,
                           odpu_err *err)
{
    char label[3 * NAME_MAX_LEN];
    snprintf(label, sizeof label, "%s %s", row->model, row->arch.name);
    odpu_status st = ODPU_OK;
    if (row->has_accuracy) {
        cli_eval_request rq = {.m = m, .ds = ds, .n_images = at_most(o->limit, ds->count), .threads = (int)o->threads,
                               .fp32 = 1, .backend = "ref", .label = label};
        st = cli_eval_run(&rq, &row->acc, err);
    }
    if (st == ODPU_OK) {
        snprintf(label, sizeof label, "%s %s, %s beside ref,", row->model, row->arch.name, o->backend);
        cli_eval_request rq = {.m = m, .ds = ds, .n_images = at_most(o->sim_images, ds->count),
                               .threads = (int)o->threads, .backend = o->backend, .device = o->device,
                               .check_backend = "ref", .label = label};
        st = cli_eval_run(&rq, &row->sim, err);
    }
    if (st == ODPU_OK && !row->sim.cycles_max)
        st = odpu_fail(err, ODPU_E_ARG, "the '%s' engine counts no cycles (timing: %s); --backend wants a timed engine",
                       o->backend, odpu_timing_name(row->sim.timing));
    return st;
}

static odpu_status bench_row_run(const bench_opts *o, const char *model_path, const char *arch_path,
                                 data_cache *data, bench_row *row, odpu_err *err)
{
    cli_model_options mo = o->model;
    mo.model_path = model_path;
    mo.arch_path = arch_path;
    mo.want_fp32 = 1;
    cli_model m;
    odpu_status st = cli_model_load(&mo, &m, err);
    if (st != ODPU_OK)
        return st;
    const char *spec = o->data;
    snprintf(row->model, sizeof row->model, "%s", m.meta.name ? m.meta.name : model_path);
    row->arch = m.arch;
    row->in_c = m.meta.in_c;
    row->in_h = m.meta.in_h;
    row->in_w = m.meta.in_w;
    row->has_accuracy = m.meta.has_fp32_top1;
    row->macs = odpu_model_macs(&m.model);
    st = count_shape(model_path, &row->shape, err);
    if (st == ODPU_OK && !spec)
        st = cli_default_test_data(&m, &spec, err);
    if (st == ODPU_OK)
        st = cached_dataset(data, spec, err);
    if (st == ODPU_OK) {
        snprintf(row->data_source, sizeof row->data_source, "%s", data->ds.source);
        st = measure(o, &m, &data->ds, row, err);
    }
    if (st == ODPU_OK)
        row->rates = odpu_frame_rates_of(&m.arch, row->sim.cycles_max, row->macs);
    else
        odpu_err_prefix(err, "%s on %s: ", model_path, arch_path);
    cli_model_free(&m);
    return st;
}

/* ---- The tables --------------------------------------------------------------------------- */

enum {
    COL_MODEL, COL_ARCH, COL_INPUT, COL_CONV, COL_FC, COL_WEIGHTS, COL_NET_MACS, COL_MACS, COL_FP32, COL_INT8, COL_IMAGES,
    COL_SIM, COL_SIM_IMAGES, COL_EXACT, COL_CYCLES, COL_LATENCY, COL_FPS, COL_GOPS, COL_UTIL, N_COLS
};

static const odpu_table_col model_cols[N_COLS] = {
    [COL_MODEL] = {"model", ODPU_COL_TEXT},          [COL_ARCH] = {"arch", ODPU_COL_TEXT},
    [COL_INPUT] = {"input", ODPU_COL_TEXT},          [COL_CONV] = {"conv", ODPU_COL_NUMBER},
    [COL_FC] = {"FC", ODPU_COL_NUMBER},              [COL_WEIGHTS] = {"weights", ODPU_COL_NUMBER},
    [COL_NET_MACS] = {"MACs", ODPU_COL_NUMBER},      [COL_MACS] = {"MACs run", ODPU_COL_NUMBER},
    [COL_FP32] = {"FP32 %", ODPU_COL_NUMBER},        [COL_INT8] = {"INT8 %", ODPU_COL_NUMBER},
    [COL_IMAGES] = {"images", ODPU_COL_NUMBER},
    [COL_SIM] = {"accel %", ODPU_COL_NUMBER},        [COL_SIM_IMAGES] = {"accel images", ODPU_COL_NUMBER},
    [COL_EXACT] = {"bit-exact %", ODPU_COL_NUMBER},  [COL_CYCLES] = {"cycles", ODPU_COL_NUMBER},
    [COL_LATENCY] = {"latency ms", ODPU_COL_NUMBER}, [COL_FPS] = {"FPS", ODPU_COL_NUMBER},
    [COL_GOPS] = {"GOPS", ODPU_COL_NUMBER},          [COL_UTIL] = {"util %", ODPU_COL_NUMBER},
};

static double percent(int part, int whole)
{
    return whole ? 100.0 * part / whole : 0.0;
}

static odpu_status add_model_row(odpu_table *t, const bench_row *r, odpu_err *err)
{
    char c[N_COLS][CELL_MAX];
    const char *cells[N_COLS];
    for (int k = 0; k < N_COLS; k++)
        cells[k] = c[k];
    cells[COL_MODEL] = r->model;
    cells[COL_ARCH] = r->arch.name;
    snprintf(c[COL_INPUT], CELL_MAX, "%d×%d×%d", r->in_c, r->in_h, r->in_w);
    snprintf(c[COL_CONV], CELL_MAX, "%d", r->shape.conv);
    snprintf(c[COL_FC], CELL_MAX, "%d", r->shape.fc);
    snprintf(c[COL_WEIGHTS], CELL_MAX, "%" PRId64, r->shape.weights);
    snprintf(c[COL_NET_MACS], CELL_MAX, "%" PRIu64, r->shape.macs);
    snprintf(c[COL_MACS], CELL_MAX, "%" PRIu64, r->macs);
    if (r->has_accuracy) {
        snprintf(c[COL_FP32], CELL_MAX, "%.2f", percent(r->acc.correct_fp32, r->acc.n));
        snprintf(c[COL_INT8], CELL_MAX, "%.2f", percent(r->acc.correct_int8, r->acc.n));
        snprintf(c[COL_IMAGES], CELL_MAX, "%d", r->acc.n);
        snprintf(c[COL_SIM], CELL_MAX, "%.2f", percent(r->sim.correct_int8, r->sim.n));
    } else {
        cells[COL_FP32] = cells[COL_INT8] = cells[COL_IMAGES] = cells[COL_SIM] = "-";
    }
    snprintf(c[COL_SIM_IMAGES], CELL_MAX, "%d", r->sim.n);
    snprintf(c[COL_EXACT], CELL_MAX, "%.2f", percent(r->sim.equal, r->sim.n));
    snprintf(c[COL_CYCLES], CELL_MAX, "%" PRIu64, r->rates.cycles);
    snprintf(c[COL_LATENCY], CELL_MAX, "%.4f", r->rates.seconds * 1e3);
    snprintf(c[COL_FPS], CELL_MAX, "%.1f", r->rates.fps);
    snprintf(c[COL_GOPS], CELL_MAX, "%.2f", r->rates.gops);
    snprintf(c[COL_UTIL], CELL_MAX, "%.1f", r->rates.util_pct);
    return odpu_table_add_row(t, cells, err);
}

/* The bar: the published figures of the DPU the project is measured against, beside ours.
 * Source: the report "Optimization of CNN for implementing in FPGA/SoC", Table III (Vitis AI
 * DPU B4096 running its CustomNet). */
enum { BAR_SYSTEM, BAR_MODEL, BAR_ARCH, BAR_FPS, BAR_DROP, BAR_HOW, N_BAR_COLS };

static const odpu_table_col bar_cols[N_BAR_COLS] = {
    [BAR_SYSTEM] = {"system", ODPU_COL_TEXT}, [BAR_MODEL] = {"model", ODPU_COL_TEXT},
    [BAR_ARCH] = {"arch", ODPU_COL_TEXT},     [BAR_FPS] = {"FPS", ODPU_COL_TEXT},
    [BAR_DROP] = {"accelerator top-1 vs INT8", ODPU_COL_TEXT}, [BAR_HOW] = {"how measured", ODPU_COL_TEXT},
};

#define REPORT_DPU_FPS "480-604"
#define REPORT_DPU_DROP "1 to 2 points lower"

/* Frames over the host wall time of their runs (input in, run, output out), one at a time. */
static double wall_fps(const cli_eval_result *r)
{
    return r->run_wall_ns ? r->n / (r->run_wall_ns * 1e-9) : 0.0;
}

static odpu_status add_bar_row(odpu_table *t, const bench_row *r, const char *backend, odpu_err *err)
{
    char fps[CELL_MAX], drop[2 * CELL_MAX], how[2 * CELL_MAX];
    snprintf(fps, sizeof fps, "%.0f", r->rates.fps);
    /* The same images on both engines: the difference of their top-1 is the accelerator's loss. */
    if (r->has_accuracy)
        snprintf(drop, sizeof drop, "%+.2f points (%d images)",
                 percent(r->sim.correct_int8, r->sim.n) - percent(r->sim.correct_check, r->sim.n), r->sim.n);
    else
        snprintf(drop, sizeof drop, "bit-exact on %d of %d images", r->sim.equal, r->sim.n);
    if (r->sim.timing == ODPU_TIMING_SIMULATED)
        snprintf(how, sizeof how, "simulated on '%s', %u MHz, DDR model %u B/cycle", backend, r->arch.clock_mhz,
                 r->arch.ddr_bytes_per_cycle);
    else
        snprintf(how, sizeof how, "%s on '%s': the engine's cycle counter at %u MHz; %.0f FPS from wall time",
                 odpu_timing_name(r->sim.timing), backend, r->arch.clock_mhz, wall_fps(&r->sim));
    const char *cells[N_BAR_COLS] = {"opendpu", r->model, r->arch.name, fps, drop, how};
    return odpu_table_add_row(t, cells, err);
}

static odpu_status build_tables(const bench_opts *o, const bench_row *rows, int n, odpu_table **model,
                                odpu_table **bar, odpu_err *err)
{
    odpu_status st = odpu_table_new(model_cols, N_COLS, model, err);
    if (st == ODPU_OK)
        st = odpu_table_new(bar_cols, N_BAR_COLS, bar, err);
    if (st == ODPU_OK) {
        const char *cells[N_BAR_COLS] = {"report's DPU (Vitis AI)", "CustomNet", "B4096", REPORT_DPU_FPS,
                                         REPORT_DPU_DROP, "published (Table III)"};
        st = odpu_table_add_row(*bar, cells, err);
    }
    for (int k = 0; k < n && st == ODPU_OK; k++) {
        st = add_model_row(*model, &rows[k], err);
        if (st == ODPU_OK)
            st = add_bar_row(*bar, &rows[k], o->backend, err);
    }
    return st;
}

/* How every column was measured: printed under the table (text, md), so each number says
 * where it came from. */
static void print_notes(const bench_opts *o, const bench_row *rows, int n, const char *bullet)
{
    printf("%sinput C×H×W; conv, FC: Conv and Gemm/MatMul nodes of the ONNX graph; weights: their weight and "
           "bias elements; MACs: the network's per frame; MACs run: what the accelerator executes (the compiled layer "
           "table: outputs a fused pool discards are not computed).\n", bullet);
    printf("%sFP32: the C float executor; INT8: the golden-model engine (ref, the bit-exact definition of the "
           "accelerator's result); both over the first `images` of %s.\n", bullet,
           n ? rows[0].data_source : "the data");
    printf("%saccel: the '%s' engine on the first `accel images` of the same data, each also run on ref; "
           "bit-exact: the share whose int8 output equals ref's byte for byte.\n", bullet, o->backend);
    printf("%scycles: START to the interrupt, per frame, on '%s' (the same on every image it ran), timing %s. "
           "latency = cycles / clock, FPS = 1 / latency (one frame at a time, no batching), "
           "GOPS = 2 × MACs run × FPS, util = MACs run / (cycles × the array's MACs).\n", bullet, o->backend,
           n ? odpu_timing_name(rows[0].sim.timing) : timing_of(o->backend));
    for (int k = 0; k < n; k++)
        if (rows[k].sim.timing == ODPU_TIMING_MEASURED)
            printf("%s%s on %s, measured: %.1f FPS from wall time (%d frames over the host time of their runs: "
                   "input in, run, output out, one frame at a time) beside %.1f FPS from the engine's cycles.\n",
                   bullet, rows[k].model, rows[k].arch.name, wall_fps(&rows[k].sim), rows[k].sim.n, rows[k].rates.fps);
    for (int k = 0; k < n; k++) {
        if (k && !strcmp(rows[k].arch.name, rows[k - 1].arch.name))
            continue;
        printf("%sarch %s: %u MHz clock, DDR model %u bytes/cycle, %u cycles read latency.\n", bullet,
               rows[k].arch.name, rows[k].arch.clock_mhz, rows[k].arch.ddr_bytes_per_cycle,
               rows[k].arch.ddr_latency_cycles);
    }
    printf("%sA model without a recorded FP32 top-1 in its model.yaml is untrained (speed only): '-'.\n", bullet);
}

/* The sweep's view (more than one arch): per model, FPS and util on each arch and its FPS over
 * the first arch's, beside how many more MACs the array has. Rows are arch-major. */
enum { MAX_SCALING_COLS = 1 + 3 * MAX_ARCHS };

static odpu_status build_scaling(const bench_opts *o, const bench_row *rows, odpu_table **out, odpu_err *err)
{
    char names[MAX_SCALING_COLS][2 * NAME_MAX_LEN];
    odpu_table_col cols[MAX_SCALING_COLS] = {{"model", ODPU_COL_TEXT}};
    int n_cols = 1;
    for (int a = 0; a < o->n_archs; a++) {
        const char *arch = rows[a * o->n_models].arch.name;
        snprintf(names[n_cols], sizeof names[n_cols], "%s FPS", arch);
        cols[n_cols] = (odpu_table_col){names[n_cols], ODPU_COL_NUMBER};
        n_cols++;
        snprintf(names[n_cols], sizeof names[n_cols], "%s util %%", arch);
        cols[n_cols] = (odpu_table_col){names[n_cols], ODPU_COL_NUMBER};
        n_cols++;
        if (a == 0)
            continue;
        snprintf(names[n_cols], sizeof names[n_cols], "%s speedup (%.2fx MACs)", arch,
                 (double)odpu_arch_macs(&rows[a * o->n_models].arch) / odpu_arch_macs(&rows[0].arch));
        cols[n_cols] = (odpu_table_col){names[n_cols], ODPU_COL_NUMBER};
        n_cols++;
    }
    odpu_status st = odpu_table_new(cols, (size_t)n_cols, out, err);
    for (int k = 0; k < o->n_models && st == ODPU_OK; k++) {
        char c[MAX_SCALING_COLS][CELL_MAX];
        const char *cells[MAX_SCALING_COLS] = {rows[k].model};
        int n = 1;
        for (int a = 0; a < o->n_archs; a++) {
            const bench_row *r = &rows[a * o->n_models + k];
            snprintf(c[n], CELL_MAX, "%.1f", r->rates.fps);
            cells[n] = c[n];
            n++;
            snprintf(c[n], CELL_MAX, "%.1f", r->rates.util_pct);
            cells[n] = c[n];
            n++;
            if (a == 0)
                continue;
            snprintf(c[n], CELL_MAX, "%.2f", rows[k].rates.fps > 0 ? r->rates.fps / rows[k].rates.fps : 0.0);
            cells[n] = c[n];
            n++;
        }
        st = odpu_table_add_row(*out, cells, err);
    }
    return st;
}

static odpu_status print_tables(const bench_opts *o, const bench_row *rows, int n, odpu_err *err)
{
    odpu_table *model = NULL, *bar = NULL, *scaling = NULL;
    odpu_status st = build_tables(o, rows, n, &model, &bar, err);
    if (st == ODPU_OK && o->n_archs > 1)
        st = build_scaling(o, rows, &scaling, err);
    if (st == ODPU_OK) {
        switch (o->format) {
        case ODPU_TABLE_TEXT:
        case ODPU_TABLE_MD: {
            int md = o->format == ODPU_TABLE_MD;
            printf(md ? "### Model table\n\n" : "Model table\n");
            st = odpu_table_write(model, o->format, stdout, err);
            putchar('\n');
            print_notes(o, rows, n, md ? "- " : "  ");
            if (scaling && st == ODPU_OK) {
                printf(md ? "\n### Scaling with the array\n\n" : "\nScaling with the array\n");
                st = odpu_table_write(scaling, o->format, stdout, err);
                printf("%sspeedup: the arch's FPS over %s's (so a faster clock counts too); in brackets, its MACs "
                       "over %s's.\n", md ? "\n" : "  ", rows[0].arch.name, rows[0].arch.name);
            }
            printf(md ? "\n### Against the report's DPU\n\n" : "\nAgainst the report's DPU\n");
            if (st == ODPU_OK)
                st = odpu_table_write(bar, o->format, stdout, err);
            break;
        }
        case ODPU_TABLE_CSV:
            st = odpu_table_write(model, ODPU_TABLE_CSV, stdout, err);
            break;
        case ODPU_TABLE_JSON: {
            static const char *const names[] = {"models", "scaling", "bar"};
            const odpu_table *const tables[] = {model, scaling, bar};
            st = odpu_table_write_json_object(names, tables, 3, stdout, err);
            break;
        }
        }
    }
    odpu_table_free(model);
    odpu_table_free(bar);
    odpu_table_free(scaling);
    return st;
}

/* ---- Driver --------------------------------------------------------------------------------- */

/* Every model on every arch (arch-major, so a sweep reads arch by arch). Returns the number
 * of rows measured; a failure stops the run. */
static odpu_status bench_all(const bench_opts *o, bench_row *rows, int *n_rows, odpu_err *err)
{
    data_cache data = {0};
    odpu_status st = ODPU_OK;
    *n_rows = 0;
    for (int a = 0; a < o->n_archs && st == ODPU_OK; a++)
        for (int k = 0; k < o->n_models && st == ODPU_OK; k++) {
            st = bench_row_run(o, o->models[k], o->archs[a], &data, &rows[*n_rows], err);
            if (st == ODPU_OK)
                ++*n_rows;
        }
    if (data.spec)
        odpu_dataset_free(&data.ds);
    free(data.spec);
    return st;
}

/* A bench is only as good as its engine: varying cycles or a differing output are reported. */
static int report_anomalies(const bench_row *rows, int n)
{
    int mismatched = 0;
    for (int k = 0; k < n; k++) {
        const cli_eval_result *s = &rows[k].sim;
        if (s->cycles_min != s->cycles_max)
            fprintf(stderr, "opendpu bench: %s on %s: cycles per frame varied from %" PRIu64 " to %" PRIu64
                    " over the images; the table shows the largest\n", rows[k].model, rows[k].arch.name, s->cycles_min,
                    s->cycles_max);
        if (s->equal != s->n) {
            fprintf(stderr, "opendpu bench: %s on %s: %d of %d outputs differ from the golden model's "
                    "(opendpu compare narrows it down)\n", rows[k].model, rows[k].arch.name, s->n - s->equal, s->n);
            mismatched = 1;
        }
    }
    return mismatched;
}

static int split_archs(const char *v, bench_opts *o)
{
    free(o->arch_list);
    o->arch_list = strdup(v);
    if (!o->arch_list)
        return cli_usage_error("bench", bench_usage, "out of memory");
    o->n_archs = 0;
    for (char *p = o->arch_list, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (!*p)
            return cli_usage_error("bench", bench_usage, "--arch: an empty name in '%s'", v);
        if (o->n_archs == MAX_ARCHS)
            return cli_usage_error("bench", bench_usage, "--arch: at most %d archs, got '%s'", MAX_ARCHS, v);
        o->archs[o->n_archs++] = p;
    }
    return 0;
}

/* One option with a value; returns 0 or the exit status. */
static int parse_option(const char *a, const char *v, bench_opts *o)
{
    odpu_err ferr;
    if (!strcmp(a, "--arch"))
        return split_archs(v, o);
    if (!strcmp(a, "--data"))
        o->data = v;
    else if (!strcmp(a, "--backend"))
        o->backend = v;
    else if (!strcmp(a, "--device"))
        o->device = v;
    else if (!strcmp(a, "--format") && odpu_table_format_parse(v, &o->format, &ferr) != ODPU_OK)
        return cli_usage_error("bench", bench_usage, "%s", ferr.msg);
    else if (!strcmp(a, "--limit") && !cli_parse_count(v, 1, INT_MAX, &o->limit))
        return cli_usage_error("bench", bench_usage, "--limit wants a positive number, got '%s'", v);
    else if (!strcmp(a, "--sim-images") && !cli_parse_count(v, 1, INT_MAX, &o->sim_images))
        return cli_usage_error("bench", bench_usage, "--sim-images wants a positive number, got '%s'", v);
    else if (!strcmp(a, "--threads") && !cli_parse_count(v, 1, CLI_EVAL_MAX_THREADS, &o->threads))
        return cli_usage_error("bench", bench_usage, "--threads wants a number from 1 to %d, got '%s'",
                               CLI_EVAL_MAX_THREADS, v);
    return 0;
}

static int takes_value(const char *a)
{
    static const char *const with_value[] = {"--arch", "--data", "--backend", "--device", "--format", "--limit",
                                             "--sim-images", "--threads"};
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        if (!strcmp(a, with_value[k]))
            return 1;
    return 0;
}

/* Returns 0 on success, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, bench_opts *o)
{
    cli_model_default_options(&o->model);
    o->backend = "sim";
    o->threads = DEFAULT_THREADS;
    o->sim_images = DEFAULT_SIM_IMAGES;
    o->format = ODPU_TABLE_TEXT;
    o->models = calloc((size_t)argc, sizeof *o->models);
    if (!o->models)
        return cli_usage_error("bench", bench_usage, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int shared = quant_args_parse("bench", argc, argv, &i, &o->model.quant);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", bench_usage, quant_args_help);
            return -1;
        }
        if (takes_value(a)) {
            if (i + 1 >= argc)
                return cli_usage_error("bench", bench_usage, "%s needs a value", a);
            int rc = parse_option(a, argv[++i], o);
            if (rc)
                return rc;
        } else if (a[0] == '-') {
            return cli_usage_error("bench", bench_usage, "unknown option '%s'", a);
        } else if (!cli_has_ext(a, ".onnx")) {
            return cli_usage_error("bench", bench_usage, "'%s': bench wants the float model, an .onnx file", a);
        } else {
            o->models[o->n_models++] = argv[i];
        }
    }
    if (!o->n_models)
        return cli_usage_error("bench", bench_usage, "no model given");
    if (!o->n_archs)
        o->archs[o->n_archs++] = CLI_DEFAULT_ARCH;
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    bench_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    bench_row *rows = rc ? NULL : calloc((size_t)o.n_models * o.n_archs, sizeof *rows);
    int n_rows = 0;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = rc || rows ? ODPU_OK : odpu_fail(&err, ODPU_E_NOMEM, "out of memory for the rows");
    if (!rc && st == ODPU_OK)
        st = bench_all(&o, rows, &n_rows, &err);
    if (!rc && st == ODPU_OK)
        st = print_tables(&o, rows, n_rows, &err);
    if (!rc && st != ODPU_OK) {
        fprintf(stderr, "opendpu bench: %s\n", err.msg);
        rc = EXIT_FAIL;
    }
    if (!rc && report_anomalies(rows, n_rows))
        rc = EXIT_MISMATCH;
    for (int k = 0; rows && k < o.n_models * o.n_archs; k++) { /* a failed row may hold results too */
        cli_eval_result_free(&rows[k].acc);
        cli_eval_result_free(&rows[k].sim);
    }
    free(rows);
    free(o.models);
    free(o.arch_list);
    return rc < 0 ? 0 : rc;
}
