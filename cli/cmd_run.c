/* cmd_run.c - `opendpu run MODEL --input IMAGE`: classify one PNG/JPEG image on an engine.
 * The preprocessing and the labels come with the model (its META section, or the model.yaml
 * of an .onnx); the top classes are printed with the softmax of the dequantized scores. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/quant_args.h"
#include "cli/usage.h"
#include "data/classify.h"
#include "data/dataset.h"
#include "host/hal.h"
#include "host/runtime.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    DEFAULT_TOP = 5,
};

static const char run_usage[] =
    "usage: opendpu run MODEL.odpu|MODEL.onnx --input IMAGE.png|.jpg [--backend ref] [--arch ARCH.yaml]\n"
    "                   [--top N] [--device OPTS] [--timeout MS] [--trace WAVE.fst] [calibration options for an .onnx: opendpu run --help]\n"
    "  --device: the backend's device options (docs/hal.md), e.g. uio's root directory\n"
    "  --timeout: host wall time the inference may take (default 60000 ms)\n"
    "  --trace: waveform of the run (sim backend)\n";

typedef struct run_opts {
    cli_model_options model;
    const char *input, *backend, *device, *trace;
    long top, timeout_ms;
} run_opts;

/* Everything one inference needs; freed by run_free. */
typedef struct run_ctx {
    uint8_t *pixels;
    int h, w, c;
    float *x, *probs;
    int *order;
    cli_engine engine;
} run_ctx;

static void run_free(run_ctx *r)
{
    cli_engine_close(&r->engine);
    odpu_image_free(r->pixels);
    free(r->x);
    free(r->probs);
    free(r->order);
}

static odpu_status alloc_buffers(run_ctx *r, const cli_model *m, odpu_err *err)
{
    size_t in_n = (size_t)m->meta.pre.out_c * m->meta.pre.out_h * m->meta.pre.out_w;
    size_t n = (size_t)m->meta.n_labels;
    r->x = malloc(in_n * sizeof *r->x);
    r->probs = malloc(n * sizeof *r->probs);
    r->order = malloc(n * sizeof *r->order);
    if (!r->x || !r->probs || !r->order)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    return ODPU_OK;
}

static odpu_status infer(const run_opts *o, const cli_model *m, run_ctx *r, odpu_err *err)
{
    odpu_status st = alloc_buffers(r, m, err);
    if (st == ODPU_OK && (st = odpu_preprocess_image(&m->meta.pre, r->pixels, r->h, r->w, r->c, r->x, err)) != ODPU_OK)
        return odpu_err_prefix(err, "%s: ", o->input);
    if (st == ODPU_OK)
        st = cli_engine_open(&r->engine, m, o->backend, cli_device_for(o->device, o->backend, 1), o->trace, err);
    r->engine.timeout_ms = (uint32_t)o->timeout_ms;
    if (st == ODPU_OK)
        st = cli_engine_classify(&r->engine, m, r->x, err);
    if (st != ODPU_OK)
        return st;
    odpu_softmax(r->engine.scores, m->meta.n_labels, r->probs);
    return ODPU_OK;
}

static void print_top(const run_opts *o, const cli_model *m, run_ctx *r)
{
    int k = o->top < m->meta.n_labels ? (int)o->top : m->meta.n_labels;
    odpu_top_k(r->probs, m->meta.n_labels, k, r->order);
    printf("model: %s\n", m->desc);
    printf("input: %s (%dx%d, %d channel%s) on the %s engine\n", o->input, r->w, r->h, r->c, r->c == 1 ? "" : "s",
           o->backend);
    for (int i = 0; i < k; i++) {
        int c = r->order[i];
        printf("  %d. %-24s %6.2f %%  (score %.3f)\n", i + 1, m->meta.labels[c], 100.0 * r->probs[c],
               (double)r->engine.scores[c]);
    }
}

/* Returns 0 on success, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, run_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_model_default_options(&o->model);
    o->backend = "ref";
    o->top = DEFAULT_TOP;
    o->timeout_ms = CLI_ENGINE_TIMEOUT_MS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **str = !strcmp(a, "--input") ? &o->input
                         : !strcmp(a, "--backend") ? &o->backend
                         : !strcmp(a, "--arch") ? &o->model.arch_path
                         : !strcmp(a, "--trace") ? &o->trace
                         : !strcmp(a, "--device") ? &o->device
                         : NULL;
        int shared = quant_args_parse("run", argc, argv, &i, &o->model.quant);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", run_usage, quant_args_help);
            return -1;
        } else if (str || !strcmp(a, "--top") || !strcmp(a, "--timeout")) {
            if (!v)
                return cli_usage_error("run", run_usage, "%s needs a value", a);
            i++;
            char *end;
            if (str)
                *str = v;
            else if (!strcmp(a, "--timeout") && !cli_parse_count(v, 1, INT32_MAX, &o->timeout_ms))
                return cli_usage_error("run", run_usage, "--timeout wants a number of milliseconds, got '%s'", v);
            else if (!strcmp(a, "--timeout"))
                continue;
            else if ((o->top = strtol(v, &end, 10)) < 1 || o->top > INT_MAX || *end || !*v)
                return cli_usage_error("run", run_usage, "--top wants a positive number, got '%s'", v);
        } else if (a[0] == '-') {
            return cli_usage_error("run", run_usage, "unknown option '%s'", a);
        } else if (o->model.model_path) {
            return cli_usage_error("run", run_usage, "more than one model given ('%s')", a);
        } else {
            o->model.model_path = a;
        }
    }
    if (!o->model.model_path)
        return cli_usage_error("run", run_usage, "no model given");
    if (!o->input)
        return cli_usage_error("run", run_usage, "--input IMAGE is required");
    return 0;
}

int cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    run_ctx r;
    memset(&r, 0, sizeof r);
    cli_model m;
    memset(&m, 0, sizeof m);
    odpu_status st = odpu_image_load(o.input, &r.pixels, &r.h, &r.w, &r.c, &err);
    if (st == ODPU_OK)
        st = cli_model_load(&o.model, &m, &err);
    if (st == ODPU_OK)
        st = infer(&o, &m, &r, &err);
    if (st == ODPU_OK)
        print_top(&o, &m, &r);
    run_free(&r);
    cli_model_free(&m);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu run: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
