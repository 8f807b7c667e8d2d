/* eval_core.c - top-1 accuracy over a labelled set on worker threads (see eval_core.h). */
#include "cli/eval_core.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "data/classify.h"
#include "report/progress.h"

enum { LABEL_MAX = 160 };

typedef enum eval_phase { PHASE_FP32, PHASE_INT8 } eval_phase;

/* What the workers share: the request, the class map and the per-image results. */
typedef struct eval_job {
    const cli_eval_request *rq;
    cli_eval_result *r;
    int *class_map;             /* dataset class -> model class (see map_classes) */
    int *equal;                 /* by image: outputs of the two engines equal (check only) */
    int *correct_check;         /* by image: the check engine's prediction is right */
    atomic_int done;            /* images the phase has finished, over all workers */
    odpu_progress progress;     /* drawn by the calling thread's worker */
} eval_job;

typedef struct worker {
    eval_job *job;
    int first, end;             /* images [first, end) */
    eval_phase phase;
    int draws_progress;         /* the calling thread's worker: updates the progress line */
    cli_engine engine;          /* INT8 column */
    cli_engine check;           /* the engine checked against it (check_backend) */
    odpu_f32_exec *ex;          /* FP32 column */
    float *input;               /* preprocessed input */
    uint64_t cycles_min, cycles_max;
    uint64_t run_wall_ns;       /* of the INT8 engine's runs */
    odpu_status st;
    odpu_err err;
} worker;

static odpu_status preprocess(worker *w, int i)
{
    const odpu_dataset *ds = w->job->rq->ds;
    odpu_status st = odpu_preprocess_image(&w->job->rq->m->meta.pre, ds->pixels[i], ds->heights[i], ds->widths[i],
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
    w->job->r->pred_fp32[i] = odpu_argmax(out, (int)n);
    return ODPU_OK;
}

static void note_cycles(worker *w, uint64_t cycles)
{
    if (!w->cycles_max || cycles < w->cycles_min)
        w->cycles_min = cycles;
    if (cycles > w->cycles_max)
        w->cycles_max = cycles;
}

static odpu_status classify_int8(worker *w, int i)
{
    eval_job *job = w->job;
    const cli_model *m = job->rq->m;
    odpu_status st = preprocess(w, i);
    if (st != ODPU_OK)
        return st;
    if ((st = cli_engine_classify(&w->engine, m, w->input, &w->err)) != ODPU_OK)
        return odpu_err_prefix(&w->err, "%s: image %d: ", job->rq->ds->source, i);
    note_cycles(w, w->engine.stats.cycles);
    w->run_wall_ns += w->engine.run_wall_ns;
    int n_scores = (int)m->output->c;
    job->r->pred_int8[i] = odpu_argmax(w->engine.scores, n_scores);
    if (!job->rq->check_backend)
        return ODPU_OK;
    if ((st = cli_engine_classify(&w->check, m, w->input, &w->err)) != ODPU_OK)
        return odpu_err_prefix(&w->err, "%s: image %d on %s: ", job->rq->ds->source, i, job->rq->check_backend);
    job->equal[i] = !memcmp(w->engine.qout, w->check.qout, m->output->c);
    job->correct_check[i] = odpu_argmax(w->check.scores, n_scores) == job->r->labels[i];
    return ODPU_OK;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    w->st = ODPU_OK;
    for (int i = w->first; i < w->end && w->st == ODPU_OK; i++) {
        w->st = w->phase == PHASE_FP32 ? classify_fp32(w, i) : classify_int8(w, i);
        int done = atomic_fetch_add(&w->job->done, 1) + 1;
        if (w->draws_progress)
            odpu_progress_update(&w->job->progress, (uint64_t)done);
    }
    return NULL;
}

static void worker_close(worker *w)
{
    cli_engine_close(&w->engine);
    cli_engine_close(&w->check);
    odpu_f32_exec_destroy(w->ex);
    free(w->input);
}

/* Each worker's own engine instances and float executor, made before the clock starts. */
static odpu_status worker_open(worker *w, odpu_err *err)
{
    const cli_eval_request *rq = w->job->rq;
    const odpu_preprocess *p = &rq->m->meta.pre;
    w->input = malloc((size_t)p->out_c * p->out_h * p->out_w * sizeof *w->input);
    if (!w->input)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for a worker's buffers");
    odpu_status st = cli_engine_open(&w->engine, rq->m, rq->backend, cli_device_for(rq->device, rq->backend, 1),
                                     rq->trace, err);
    if (st == ODPU_OK && rq->check_backend)
        st = cli_engine_open(&w->check, rq->m, rq->check_backend, cli_device_for(rq->device, rq->check_backend, 0),
                             NULL, err);
    if (st == ODPU_OK && rq->fp32)
        st = odpu_f32_exec_create(&rq->m->fp32, &w->ex, err);
    return st;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run one phase on every worker; the wall time from the first start to the last join. */
static odpu_status run_phase(eval_job *job, worker *ws, int n, eval_phase phase, double *seconds, odpu_err *err)
{
    pthread_t tid[CLI_EVAL_MAX_THREADS];
    int started = 0;
    atomic_store(&job->done, 0);
    char label[LABEL_MAX];
    const char *column = phase == PHASE_FP32 ? "FP32" : "INT8";
    if (job->rq->label)
        snprintf(label, sizeof label, "%s %s", job->rq->label, column);
    odpu_progress_begin(&job->progress, stderr, job->rq->label ? label : column, (uint64_t)job->r->n);
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
    odpu_progress_update(&job->progress, (uint64_t)atomic_load(&job->done));
    odpu_progress_end(&job->progress);
    /* The lowest failing range reports: the same image whatever the thread timing. */
    for (int k = 0; k < n && st == ODPU_OK; k++)
        if (ws[k].st != ODPU_OK)
            st = odpu_fail(err, ws[k].st, "%s", ws[k].err.msg);
    return st;
}

static void count(const eval_job *job, const worker *ws, int n_workers)
{
    cli_eval_result *r = job->r;
    for (int i = 0; i < r->n; i++) {
        r->correct_int8 += r->pred_int8[i] == r->labels[i];
        if (job->rq->fp32) {
            r->correct_fp32 += r->pred_fp32[i] == r->labels[i];
            r->agree += r->pred_fp32[i] == r->pred_int8[i];
        }
        if (job->rq->check_backend) {
            r->equal += job->equal[i];
            r->correct_check += job->correct_check[i];
        }
    }
    for (int k = 0; k < n_workers; k++) {
        if (ws[k].cycles_max && (!r->cycles_max || ws[k].cycles_min < r->cycles_min))
            r->cycles_min = ws[k].cycles_min;
        if (ws[k].cycles_max > r->cycles_max)
            r->cycles_max = ws[k].cycles_max;
        r->run_wall_ns += ws[k].run_wall_ns;
    }
    if (n_workers && ws[0].engine.hal)
        r->timing = odpu_hal_capabilities(ws[0].engine.hal)->timing;
}

/* ---- Classes ----------------------------------------------------------------------------- */

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
static odpu_status map_classes(eval_job *job, odpu_err *err)
{
    const odpu_dataset *ds = job->rq->ds;
    const odpu_model_meta *meta = &job->rq->m->meta;
    cli_eval_result *r = job->r;
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
    r->mapping = matched ? "classes matched to the model's labels by name" : "classes taken by position";
    for (int c = 0; !matched && c < ds->n_classes; c++)
        job->class_map[c] = c;
    for (int i = 0; i < r->n; i++) {
        if (job->class_map[ds->labels[i]] >= meta->n_labels)
            return odpu_fail(err, ODPU_E_MISMATCH, "%s: image %d is of class %d (%s) but the model has %d classes",
                             ds->source, i, ds->labels[i], ds->class_names[ds->labels[i]], meta->n_labels);
        r->labels[i] = job->class_map[ds->labels[i]];
    }
    return ODPU_OK;
}

/* ---- The run -------------------------------------------------------------------------------- */

static odpu_status check_request(const cli_eval_request *rq, odpu_err *err)
{
    if (rq->n_images < 1 || rq->n_images > rq->ds->count)
        return odpu_fail(err, ODPU_E_ARG, "%s: cannot evaluate %d of its %d images", rq->ds->source, rq->n_images,
                         rq->ds->count);
    if (rq->threads < 1 || rq->threads > CLI_EVAL_MAX_THREADS)
        return odpu_fail(err, ODPU_E_ARG, "%d threads: the range is 1 to %d", rq->threads, CLI_EVAL_MAX_THREADS);
    if (rq->fp32 && !rq->m->has_fp32)
        return odpu_fail(err, ODPU_E_ARG, "%s: no float model for the FP32 column", rq->m->desc);
    return ODPU_OK;
}

static odpu_status alloc_result(eval_job *job, odpu_err *err)
{
    cli_eval_result *r = job->r;
    size_t n = (size_t)r->n;
    r->labels = calloc(n, sizeof *r->labels);
    r->pred_fp32 = calloc(n, sizeof *r->pred_fp32);
    r->pred_int8 = calloc(n, sizeof *r->pred_int8);
    job->equal = calloc(n, sizeof *job->equal);
    job->correct_check = calloc(n, sizeof *job->correct_check);
    job->class_map = calloc((size_t)job->rq->ds->n_classes, sizeof *job->class_map);
    if (!r->labels || !r->pred_fp32 || !r->pred_int8 || !job->equal || !job->correct_check || !job->class_map)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d images", r->n);
    return ODPU_OK;
}

odpu_status cli_eval_run(const cli_eval_request *rq, cli_eval_result *r, odpu_err *err)
{
    memset(r, 0, sizeof *r);
    odpu_status st = check_request(rq, err);
    if (st != ODPU_OK)
        return st;
    eval_job job = {.rq = rq, .r = r};
    atomic_init(&job.done, 0);
    r->n = rq->n_images;
    r->threads = rq->threads < r->n ? rq->threads : r->n;
    /* Every worker opens its own engine: a backend that owns one physical engine (a board)
     * gets one worker, rather than a second open refused mid-run. */
    const odpu_hal_caps *caps = odpu_hal_backend_capabilities(rq->backend);
    if (caps && caps->exclusive)
        r->threads = 1;
    worker *ws = calloc((size_t)r->threads, sizeof *ws);
    st = ws ? alloc_result(&job, err) : odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d workers", r->threads);
    if (st == ODPU_OK)
        st = map_classes(&job, err);
    for (int k = 0; k < r->threads && st == ODPU_OK; k++) {
        ws[k].job = &job;
        ws[k].first = (int)((long long)r->n * k / r->threads);
        ws[k].end = (int)((long long)r->n * (k + 1) / r->threads);
        st = worker_open(&ws[k], err);
    }
    if (st == ODPU_OK && rq->fp32)
        st = run_phase(&job, ws, r->threads, PHASE_FP32, &r->sec_fp32, err);
    if (st == ODPU_OK)
        st = run_phase(&job, ws, r->threads, PHASE_INT8, &r->sec_int8, err);
    if (st == ODPU_OK)
        count(&job, ws, r->threads);
    for (int k = 0; ws && k < r->threads; k++)
        worker_close(&ws[k]);
    free(ws);
    free(job.class_map);
    free(job.equal);
    free(job.correct_check);
    if (st != ODPU_OK)
        cli_eval_result_free(r);
    return st;
}

void cli_eval_result_free(cli_eval_result *r)
{
    free(r->labels);
    free(r->pred_fp32);
    free(r->pred_int8);
    r->labels = r->pred_fp32 = r->pred_int8 = NULL;
}
