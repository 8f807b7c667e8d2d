/* cmd_eval.c - `opendpu eval MODEL --data DATA`: top-1 accuracy of the float model (C float
 * executor) and of the INT8 model on an engine (runtime -> HAL -> backend) over a labelled
 * set, their argmax agreement and the host's images/s for each.
 *
 * Images are split into contiguous ranges over N worker threads, each with its own HAL,
 * runtime and float executor. Every prediction is stored by image index and counted after
 * the workers finish, so the result does not depend on the number of threads. */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/quant_args.h"
#include "cli/usage.h"
#include "data/classify.h"
#include "data/dataset.h"
#include "host/hal.h"
#include "host/runtime.h"
#include "report/progress.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    DEFAULT_THREADS = 2,
    /* More workers than this only adds engine instances: the host has a few cores. */
    MAX_THREADS = 64,
    COLUMN_WIDTH = 24, /* "FP32 (C float executor)" and the backend's INT8 column */
};

static const char eval_usage[] =
    "usage: opendpu eval MODEL.onnx|MODEL.odpu --data DATA [--backend ref] [--arch ARCH.yaml]\n"
    "                    [--onnx FLOAT.onnx] [--limit N] [--threads N] [--predictions OUT.csv]\n"
    "                    [--trace WAVE.fst (sim backend, with --threads 1)]\n"
    "                    [calibration options for an .onnx: opendpu eval --help]\n"
    "  DATA: fashion-mnist:train|test, idx:IMAGES,LABELS or a folder of class folders; \"@N\" keeps N images.\n"
    "  Classes named after the model's labels (a '/' written as '_') are matched by name, others by position.\n";

typedef struct eval_opts {
    cli_model_options model;
    const char *data, *backend, *predictions, *trace;
    long limit, threads;
} eval_opts;

/* ---- Work shared by the workers ---------------------------------------------------------- */

typedef enum eval_phase { PHASE_FP32, PHASE_INT8 } eval_phase;

typedef struct eval_job {
    const cli_model *m;
    const odpu_dataset *ds;
    int *class_map;             /* dataset class -> model class (see map_classes) */
    const char *mapping;        /* how the classes were matched, for the report */
    int n_images;
    int *pred_fp32, *pred_int8; /* by image index */
    atomic_int *done;           /* images the phase has finished, over all workers */
    odpu_progress *progress;    /* drawn by the calling thread's worker */
} eval_job;

typedef struct worker {
    const eval_job *job;
    int first, end;             /* images [first, end) */
    eval_phase phase;
    int draws_progress;         /* the calling thread's worker: updates the progress line */
    cli_engine engine;          /* INT8 column */
    odpu_f32_exec *ex;          /* FP32 column */
    float *input;               /* preprocessed input */
    odpu_status st;
    odpu_err err;
} worker;

static odpu_status preprocess(worker *w, int i)
{
    const odpu_dataset *ds = w->job->ds;
    odpu_status st = odpu_preprocess_image(&w->job->m->meta.pre, ds->pixels[i], ds->heights[i], ds->widths[i],
                                           ds->channels[i], w->input, &w->err);
    return st == ODPU_OK ? st : odpu_err_prefix(&w->err, "%s: image %d: ", ds->source, i);
}

static odpu_status classify_fp32(worker *w, int i)
{
    odpu_status st = preprocess(w, i);
    if (st == ODPU_OK)
        st = odpu_f32_exec_run(w->ex, w->input, NULL, NULL, &w->err);
    if (st != ODPU_OK)
        return st;
    int64_t n = 0;
    const float *out = odpu_f32_exec_output(w->ex, 0, &n);
    w->job->pred_fp32[i] = odpu_argmax(out, (int)n);
    return ODPU_OK;
}

static odpu_status classify_int8(worker *w, int i)
{
    const cli_model *m = w->job->m;
    odpu_status st = preprocess(w, i);
    if (st != ODPU_OK)
        return st;
    if ((st = cli_engine_classify(&w->engine, m, w->input, &w->err)) != ODPU_OK)
        return odpu_err_prefix(&w->err, "%s: image %d: ", w->job->ds->source, i);
    w->job->pred_int8[i] = odpu_argmax(w->engine.scores, (int)m->output->c);
    return ODPU_OK;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    w->st = ODPU_OK;
    for (int i = w->first; i < w->end && w->st == ODPU_OK; i++) {
        w->st = w->phase == PHASE_FP32 ? classify_fp32(w, i) : classify_int8(w, i);
        int done = atomic_fetch_add(w->job->done, 1) + 1;
        if (w->draws_progress)
            odpu_progress_update(w->job->progress, (uint64_t)done);
    }
    return NULL;
}

static void worker_close(worker *w)
{
    cli_engine_close(&w->engine);
    odpu_f32_exec_destroy(w->ex);
    free(w->input);
}

/* Each worker's own engine instance and float executor, made before the clock starts. */
static odpu_status worker_open(worker *w, const eval_opts *o, odpu_err *err)
{
    const cli_model *m = w->job->m;
    const odpu_preprocess *p = &m->meta.pre;
    size_t in_n = (size_t)p->out_c * p->out_h * p->out_w;
    w->input = malloc(in_n * sizeof *w->input);
    if (!w->input)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for a worker's buffers");
    odpu_status st = cli_engine_open(&w->engine, m, o->backend, o->trace, err);
    if (st == ODPU_OK && m->has_fp32)
        st = odpu_f32_exec_create(&m->fp32, &w->ex, err);
    return st;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run one phase on every worker; the wall time from the first start to the last join. */
static odpu_status run_phase(const eval_job *job, worker *ws, int n, eval_phase phase, double *seconds,
                             odpu_err *err)
{
    pthread_t tid[MAX_THREADS];
    int started = 0;
    atomic_store(job->done, 0);
    odpu_progress_begin(job->progress, stderr, phase == PHASE_FP32 ? "FP32" : "INT8", (uint64_t)job->n_images);
    double t0 = seconds_now();
    odpu_status st = ODPU_OK;
    for (int k = 0; k < n; k++) {
        ws[k].phase = phase;
        ws[k].draws_progress = k == n - 1;
        if (k == n - 1) { /* the calling thread does the last share */
            worker_main(&ws[k]);
        } else if (pthread_create(&tid[k], NULL, worker_main, &ws[k]) != 0) {
            st = odpu_fail(err, ODPU_E_NOMEM, "cannot start worker thread %d", k);
            break;
        } else {
            started = k + 1;
        }
    }
    for (int k = 0; k < started; k++)
        pthread_join(tid[k], NULL);
    *seconds = seconds_now() - t0;
    /* The drawing worker may finish its share first: show the phase complete, then erase. */
    odpu_progress_update(job->progress, (uint64_t)atomic_load(job->done));
    odpu_progress_end(job->progress);
    /* The lowest failing range reports: the same image whatever the thread timing. */
    for (int k = 0; k < n && st == ODPU_OK; k++)
        if (ws[k].st != ODPU_OK)
            st = odpu_fail(err, ws[k].st, "%s", ws[k].err.msg);
    return st;
}

/* ---- Report ----------------------------------------------------------------------------------- */

typedef struct eval_result {
    int n, correct_fp32, correct_int8, agree;
    double sec_fp32, sec_int8;
} eval_result;

static void count(const eval_job *job, int has_fp32, eval_result *r)
{
    for (int i = 0; i < job->n_images; i++) {
        int label = job->class_map[job->ds->labels[i]];
        r->correct_int8 += job->pred_int8[i] == label;
        if (has_fp32) {
            r->correct_fp32 += job->pred_fp32[i] == label;
            r->agree += job->pred_fp32[i] == job->pred_int8[i];
        }
    }
}

static void print_row(const char *column, int correct, int n, double seconds)
{
    printf("  %-*s %7.2f %%   %6d / %-6d %10.1f\n", COLUMN_WIDTH, column, 100.0 * correct / n, correct, n,
           seconds > 0 ? n / seconds : 0.0);
}

static void print_report(const eval_opts *o, const cli_model *m, const eval_job *job, const eval_result *r,
                         int threads)
{
    printf("model: %s\n", m->desc);
    printf("data:  %s, %d images%s; %s\n", job->ds->source, r->n, r->n < job->ds->count ? " (--limit)" : "",
           job->mapping);
    printf("  %-*s %9s   %-15s %10s\n", COLUMN_WIDTH, "column", "top-1", "correct", "images/s");
    if (m->has_fp32)
        print_row("FP32 (C float executor)", r->correct_fp32, r->n, r->sec_fp32);
    char int8_col[64];
    snprintf(int8_col, sizeof int8_col, "INT8 (%s engine)", o->backend);
    print_row(int8_col, r->correct_int8, r->n, r->sec_int8);
    if (m->has_fp32)
        printf("  FP32/INT8 argmax agreement: %.2f %% (%d / %d)\n", 100.0 * r->agree / r->n, r->agree, r->n);
    printf("images/s is host wall time with %d thread%s, preprocessing included. The INT8 figure is the speed\n"
           "of the functional %s model on this host, not accelerator FPS (that comes from cycle counts).\n",
           threads, threads == 1 ? "" : "s", o->backend);
}

static odpu_status write_predictions(const char *path, const eval_job *job, int has_fp32, odpu_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot write", path);
    fprintf(f, "image,label,fp32,int8\n");
    for (int i = 0; i < job->n_images; i++)
        fprintf(f, "%d,%d,%d,%d\n", i, job->class_map[job->ds->labels[i]], has_fp32 ? job->pred_fp32[i] : -1,
                job->pred_int8[i]);
    if (fclose(f) != 0)
        return odpu_fail(err, ODPU_E_IO, "%s: write failed", path);
    return ODPU_OK;
}

/* ---- Driver ------------------------------------------------------------------------------------- */

/* Does a dataset class name denote a model label? Equal, or equal once the label's '/' (which
 * a folder name cannot hold, e.g. "T-shirt/top") is written as '_'. */
static int same_class(const char *name, const char *label)
{
    for (; *name && *label; name++, label++)
        if (*name != *label && !(*label == '/' && *name == '_'))
            return 0;
    return !*name && !*label;
}

static int find_label(const odpu_model_meta *meta, const char *name)
{
    for (int k = 0; k < meta->n_labels; k++)
        if (same_class(name, meta->labels[k]))
            return k;
    return -1;
}

/* Dataset classes -> model classes. When every class name is one of the model's labels
 * (Fashion-MNIST's IDX sets, a folder named after the labels), by name; when none is (IDX
 * classes "0".."9", folders named otherwise), by position; a mix is an error naming the
 * first class without a label. Then every label used must be a model class, checked up
 * front so no worker stops halfway. */
static odpu_status map_classes(const odpu_dataset *ds, int n, const odpu_model_meta *meta, eval_job *job,
                               odpu_err *err)
{
    int matched = 0, first_unmatched = -1;
    for (int c = 0; c < ds->n_classes; c++) {
        job->class_map[c] = find_label(meta, ds->class_names[c]);
        if (job->class_map[c] >= 0)
            matched++;
        else if (first_unmatched < 0)
            first_unmatched = c;
    }
    if (matched > 0 && matched < ds->n_classes)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: class '%s' is not one of the model's labels (the other classes "
                         "are matched by name)", ds->source, ds->class_names[first_unmatched]);
    job->mapping = matched ? "classes matched to the model's labels by name" : "classes taken by position";
    for (int c = 0; !matched && c < ds->n_classes; c++)
        job->class_map[c] = c;
    for (int i = 0; i < n; i++)
        if (job->class_map[ds->labels[i]] >= meta->n_labels)
            return odpu_fail(err, ODPU_E_MISMATCH, "%s: image %d is of class %d (%s) but the model has %d classes",
                             ds->source, i, ds->labels[i], ds->class_names[ds->labels[i]], meta->n_labels);
    return ODPU_OK;
}

static odpu_status evaluate(const eval_opts *o, const cli_model *m, const odpu_dataset *ds, odpu_err *err)
{
    atomic_int done = 0;
    odpu_progress progress;
    eval_job job = {.m = m, .ds = ds, .done = &done, .progress = &progress};
    job.n_images = o->limit > 0 && o->limit < ds->count ? (int)o->limit : ds->count;
    int threads = o->threads < job.n_images ? (int)o->threads : job.n_images;
    odpu_status st = ODPU_OK;
    job.class_map = calloc((size_t)ds->n_classes, sizeof *job.class_map);
    job.pred_fp32 = calloc((size_t)job.n_images, sizeof *job.pred_fp32);
    job.pred_int8 = calloc((size_t)job.n_images, sizeof *job.pred_int8);
    worker *ws = calloc((size_t)threads, sizeof *ws);
    if (!job.class_map || !job.pred_fp32 || !job.pred_int8 || !ws)
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d images", job.n_images);
    if (st == ODPU_OK)
        st = map_classes(ds, job.n_images, &m->meta, &job, err);
    for (int k = 0; k < threads && st == ODPU_OK; k++) {
        ws[k].job = &job;
        ws[k].first = (int)((long long)job.n_images * k / threads);
        ws[k].end = (int)((long long)job.n_images * (k + 1) / threads);
        st = worker_open(&ws[k], o, err);
    }
    eval_result r = {.n = job.n_images};
    if (st == ODPU_OK && m->has_fp32)
        st = run_phase(&job, ws, threads, PHASE_FP32, &r.sec_fp32, err);
    if (st == ODPU_OK)
        st = run_phase(&job, ws, threads, PHASE_INT8, &r.sec_int8, err);
    if (st == ODPU_OK) {
        count(&job, m->has_fp32, &r);
        print_report(o, m, &job, &r, threads);
        if (o->predictions)
            st = write_predictions(o->predictions, &job, m->has_fp32, err);
    }
    for (int k = 0; ws && k < threads; k++)
        worker_close(&ws[k]);
    free(ws);
    free(job.class_map);
    free(job.pred_fp32);
    free(job.pred_int8);
    return st;
}

static int parse_count(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
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
            else if (!strcmp(a, "--limit") && !parse_count(v, 1, INT_MAX, &o->limit))
                return cli_usage_error("eval", eval_usage, "--limit wants a positive number, got '%s'", v);
            else if (!strcmp(a, "--threads") && !parse_count(v, 1, MAX_THREADS, &o->threads))
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
