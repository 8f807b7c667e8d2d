/* cmd_eval.c - `opendpu eval MODEL --data DATA`: top-1 accuracy of the float model (C float
 * executor) and of the INT8 model on an engine (runtime -> HAL -> backend) over a labelled
 * set, their argmax agreement and the host's images/s for each (the work itself is
 * cli/eval_core.c, on worker threads). */
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

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    DEFAULT_THREADS = 2,
    MAX_THREADS = CLI_EVAL_MAX_THREADS,
    COLUMN_WIDTH = 24, /* "FP32 (C float executor)" and the backend's INT8 column */
};

static const char eval_usage[] =
    "usage: opendpu eval MODEL.onnx|MODEL.odpu --data DATA [--backend ref] [--arch ARCH.yaml]\n"
    "                    [--onnx FLOAT.onnx] [--limit N] [--threads N] [--predictions OUT.csv]\n"
    "                    [--device OPTS (the backend's device options, docs/hal.md)]\n"
    "                    [--trace WAVE.fst (sim backend, with --threads 1)]\n"
    "                    [calibration options for an .onnx: opendpu eval --help]\n"
    "  DATA: fashion-mnist:train|test, idx:IMAGES,LABELS or a folder of class folders; \"@N\" keeps N images.\n"
    "  Classes named after the model's labels (a '/' written as '_') are matched by name, others by position.\n";

typedef struct eval_opts {
    cli_model_options model;
    const char *data, *backend, *device, *predictions, *trace;
    long limit, threads;
} eval_opts;

static void print_row(const char *column, int correct, int n, double seconds)
{
    printf("  %-*s %7.2f %%   %6d / %-6d %10.1f\n", COLUMN_WIDTH, column, 100.0 * correct / n, correct, n,
           seconds > 0 ? n / seconds : 0.0);
}

static void print_report(const eval_opts *o, const cli_model *m, const odpu_dataset *ds, const cli_eval_result *r)
{
    int threads = r->threads;
    printf("model: %s\n", m->desc);
    printf("data:  %s, %d images%s; %s\n", ds->source, r->n, r->n < ds->count ? " (--limit)" : "", r->mapping);
    printf("  %-*s %9s   %-15s %10s\n", COLUMN_WIDTH, "column", "top-1", "correct", "images/s");
    if (m->has_fp32)
        print_row("FP32 (C float executor)", r->correct_fp32, r->n, r->sec_fp32);
    char int8_col[64];
    snprintf(int8_col, sizeof int8_col, "INT8 (%s engine)", o->backend);
    print_row(int8_col, r->correct_int8, r->n, r->sec_int8);
    if (m->has_fp32)
        printf("  FP32/INT8 argmax agreement: %.2f %% (%d / %d)\n", 100.0 * r->agree / r->n, r->agree, r->n);
    if (r->timing == ODPU_TIMING_MEASURED)
        printf("images/s is host wall time with %d thread%s, preprocessing included. The INT8 figure is this host\n"
               "driving the '%s' engine, measured: %.1f frames/s over the wall time of the runs alone.\n",
               threads, threads == 1 ? "" : "s", o->backend, r->run_wall_ns ? r->n / (r->run_wall_ns * 1e-9) : 0.0);
    else
        printf("images/s is host wall time with %d thread%s, preprocessing included. The INT8 figure is the speed\n"
               "of the %s %s model on this host, not accelerator FPS (that comes from cycle counts).\n",
               threads, threads == 1 ? "" : "s", r->timing == ODPU_TIMING_SIMULATED ? "simulated" : "functional",
               o->backend);
}

static odpu_status write_predictions(const char *path, const cli_eval_result *r, int has_fp32, odpu_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot write", path);
    fprintf(f, "image,label,fp32,int8\n");
    for (int i = 0; i < r->n; i++)
        fprintf(f, "%d,%d,%d,%d\n", i, r->labels[i], has_fp32 ? r->pred_fp32[i] : -1, r->pred_int8[i]);
    if (fclose(f) != 0)
        return odpu_fail(err, ODPU_E_IO, "%s: write failed", path);
    return ODPU_OK;
}

/* ---- Driver ------------------------------------------------------------------------------------- */

static odpu_status evaluate(const eval_opts *o, const cli_model *m, const odpu_dataset *ds, odpu_err *err)
{
    cli_eval_request rq = {.m = m, .ds = ds, .threads = (int)o->threads, .fp32 = m->has_fp32,
                           .backend = o->backend, .device = o->device, .trace = o->trace};
    rq.n_images = o->limit > 0 && o->limit < ds->count ? (int)o->limit : ds->count;
    cli_eval_result r;
    odpu_status st = cli_eval_run(&rq, &r, err);
    if (st != ODPU_OK)
        return st;
    print_report(o, m, ds, &r);
    if (o->predictions)
        st = write_predictions(o->predictions, &r, m->has_fp32, err);
    cli_eval_result_free(&r);
    return st;
}

/* Returns 0 on success, else the exit status. */
static int parse_args(int argc, char **argv, eval_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_model_default_options(&o->model);
    o->backend = "ref";
    o->threads = DEFAULT_THREADS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **str = !strcmp(a, "--data") ? &o->data
                         : !strcmp(a, "--backend") ? &o->backend
                         : !strcmp(a, "--arch") ? &o->model.arch_path
                         : !strcmp(a, "--onnx") ? &o->model.onnx_path
                         : !strcmp(a, "--predictions") ? &o->predictions
                         : !strcmp(a, "--trace") ? &o->trace
                         : !strcmp(a, "--device") ? &o->device
                         : NULL;
        int shared = quant_args_parse("eval", argc, argv, &i, &o->model.quant);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", eval_usage, quant_args_help);
            return -1;
        } else if (str || !strcmp(a, "--limit") || !strcmp(a, "--threads")) {
            if (!v)
                return cli_usage_error("eval", eval_usage, "%s needs a value", a);
            i++;
            if (str)
                *str = v;
            else if (!strcmp(a, "--limit") && !cli_parse_count(v, 1, INT_MAX, &o->limit))
                return cli_usage_error("eval", eval_usage, "--limit wants a positive number, got '%s'", v);
            else if (!strcmp(a, "--threads") && !cli_parse_count(v, 1, MAX_THREADS, &o->threads))
                return cli_usage_error("eval", eval_usage, "--threads wants a number from 1 to %d, got '%s'", MAX_THREADS, v);
        } else if (a[0] == '-') {
            return cli_usage_error("eval", eval_usage, "unknown option '%s'", a);
        } else if (o->model.model_path) {
            return cli_usage_error("eval", eval_usage, "more than one model given ('%s')", a);
        } else {
            o->model.model_path = a;
        }
    }
    if (!o->model.model_path)
        return cli_usage_error("eval", eval_usage, "no model given");
    if (!o->data)
        return cli_usage_error("eval", eval_usage, "--data DATA is required");
    if (o->trace && o->threads != 1) /* each worker has its own engine; one waveform is one engine's */
        return cli_usage_error("eval", eval_usage, "--trace writes one engine's waveform: add --threads 1");
    if (o->model.onnx_path && !cli_has_ext(o->model.model_path, ".odpu"))
        return cli_usage_error("eval", eval_usage, "--onnx adds the FP32 column to an .odpu model; '%s' is not one", o->model.model_path);
    o->model.want_fp32 = cli_has_ext(o->model.model_path, ".onnx") || o->model.onnx_path;
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    eval_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_dataset ds;
    cli_model m;
    memset(&m, 0, sizeof m);
    odpu_status st = odpu_dataset_open(o.data, &ds, &err);
    if (st == ODPU_OK)
        st = cli_model_load(&o.model, &m, &err);
    if (st == ODPU_OK)
        st = evaluate(&o, &m, &ds, &err);
    cli_model_free(&m);
    odpu_dataset_free(&ds);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu eval: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
