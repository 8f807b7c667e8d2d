/* ptq_sweep.c - FP32 and INT8 top-1 of one model for every calibration method, with and
 * without cross-layer equalization and bias correction: the table of docs/ptq.md.
 *
 *   make build/bench/ptq_sweep
 *   build/bench/ptq_sweep models/NAME/NAME.onnx [--calib DATA] [--data DATA] [--methods a,b]
 *                         [--no-ablation]
 *
 * Quantization goes through the pipeline `opendpu compile` uses; INT8 inference through the
 * compiler's INT8 reference executor (compiler/exec_i8.h), whose outputs every engine must
 * equal byte for byte. The float column is computed once; the INT8 top-1 comes from the
 * dequantized scores (ties to the lower class, as `opendpu eval` counts them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/exec_i8.h"
#include "data/classify.h"
#include "data/dataset.h"
#include "quantizer/pipeline.h"

enum { MAX_CONFIGS = 16, MAX_CLASSES = 4096 };

typedef struct sweep_args {
    const char *model, *calib, *data;
    char methods[128];
    int ablation;
} sweep_args;

typedef struct eval_set {
    odpu_dataset ds;
    float *x;       /* every test image preprocessed, NCHW */
    int64_t numel;  /* per image */
    int *fp32_pred;
} eval_set;

static int usage(void)
{
    fprintf(stderr, "usage: ptq_sweep MODEL.onnx [--calib DATA] [--data DATA] [--methods m1,m2,...] "
                    "[--no-ablation]\n");
    return 2;
}

static int parse_args(int argc, char **argv, sweep_args *a)
{
    a->model = NULL;
    a->calib = "fashion-mnist:train";
    a->data = "fashion-mnist:test";
    snprintf(a->methods, sizeof a->methods, "minmax,percentile,entropy,mse");
    a->ablation = 1;
    for (int i = 1; i < argc; i++) {
        const char **dest = !strcmp(argv[i], "--calib") ? &a->calib : !strcmp(argv[i], "--data") ? &a->data : NULL;
        if (dest && i + 1 < argc)
            *dest = argv[++i];
        else if (!strcmp(argv[i], "--methods") && i + 1 < argc)
            snprintf(a->methods, sizeof a->methods, "%s", argv[++i]);
        else if (!strcmp(argv[i], "--no-ablation"))
            a->ablation = 0;
        else if (argv[i][0] != '-' && !a->model)
            a->model = argv[i];
        else
            return usage();
    }
    return a->model ? 0 : usage();
}

static int argmax_of(const float *scores, int64_t n)
{
    return odpu_argmax(scores, (int)n);
}

/* Preprocess every test image once and record the float model's predictions. */
static odpu_status load_eval_set(const sweep_args *a, const odpu_pipeline *p, eval_set *e, odpu_err *err)
{
    memset(e, 0, sizeof *e);
    odpu_status st = odpu_dataset_open(a->data, &e->ds, err);
    if (st != ODPU_OK)
        return st;
    e->numel = odpu_tensor_numel(&p->fp32.tensors[p->fp32.inputs[0]]);
    e->x = malloc((size_t)e->ds.count * (size_t)e->numel * sizeof *e->x);
    e->fp32_pred = malloc((size_t)e->ds.count * sizeof *e->fp32_pred);
    if (!e->x || !e->fp32_pred)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d images", e->ds.count);
    odpu_f32_exec *fx;
    if ((st = odpu_f32_exec_create(&p->fp32, &fx, err)) != ODPU_OK)
        return st;
    for (int i = 0; i < e->ds.count && st == ODPU_OK; i++) {
        float *x = e->x + (size_t)i * (size_t)e->numel;
        st = odpu_preprocess_image(&p->pre, e->ds.pixels[i], e->ds.heights[i], e->ds.widths[i], e->ds.channels[i], x,
                                   err);
        if (st == ODPU_OK)
            st = odpu_f32_exec_run(fx, x, NULL, NULL, err);
        int64_t n;
        if (st == ODPU_OK)
            e->fp32_pred[i] = argmax_of(odpu_f32_exec_output(fx, 0, &n), n);
    }
    odpu_f32_exec_destroy(fx);
    return st;
}

static void free_eval_set(eval_set *e)
{
    odpu_dataset_free(&e->ds);
    free(e->x);
    free(e->fp32_pred);
}

/* INT8 correct and agreeing-with-FP32 counts of the quantized graph g. */
static odpu_status eval_int8(const odpu_graph *g, const eval_set *e, int *correct, int *agree, odpu_err *err)
{
    odpu_i8_exec *ix;
    odpu_status st = odpu_i8_exec_create(g, &ix, err);
    if (st != ODPU_OK)
        return st;
    const odpu_lgraph *lg = odpu_i8_exec_lgraph(ix);
    const odpu_gtensor *in = &g->tensors[lg->inputs[0]], *out = &g->tensors[lg->outputs[0]];
    const odpu_lshape *os = &lg->shapes[lg->outputs[0]];
    int n_out = os->h * os->w * os->c;
    int8_t *xq = malloc((size_t)e->numel);
    float scores[MAX_CLASSES];
    if (!xq || n_out > MAX_CLASSES) {
        free(xq);
        odpu_i8_exec_destroy(ix);
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory or %d outputs", n_out);
    }
    *correct = *agree = 0;
    for (int i = 0; i < e->ds.count && st == ODPU_OK; i++) {
        const float *x = e->x + (size_t)i * (size_t)e->numel;
        st = odpu_quantize_input(x, (int)in->dims[1], (int)in->dims[2], (int)in->dims[3], in->q.scale,
                                 in->q.zero_point, xq, err);
        const int8_t *ins[1] = {xq};
        if (st == ODPU_OK)
            st = odpu_i8_exec_run(ix, ins, err);
        if (st != ODPU_OK)
            break;
        odpu_dequantize(odpu_i8_exec_output(ix, 0), (size_t)n_out, out->q.scale, out->q.zero_point, scores);
        int pred = argmax_of(scores, n_out);
        *correct += pred == e->ds.labels[i];
        *agree += pred == e->fp32_pred[i];
    }
    free(xq);
    odpu_i8_exec_destroy(ix);
    return st;
}

static int run(const sweep_args *a)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_pipeline_options o;
    odpu_pipeline_default_options(&o);
    o.calib_spec = a->calib;
    o.keep_fp32 = 1;
    odpu_pipeline base;
    if (odpu_pipeline_run(a->model, &o, &base, &err) != ODPU_OK) {
        fprintf(stderr, "ptq_sweep: %s\n", err.msg);
        return 1;
    }
    eval_set e;
    odpu_status st = load_eval_set(a, &base, &e, &err);
    int fp32_correct = 0;
    for (int i = 0; st == ODPU_OK && i < e.ds.count; i++)
        fp32_correct += e.fp32_pred[i] == e.ds.labels[i];
    if (st == ODPU_OK)
        printf("%s: FP32 top-1 %.2f %% over %d images of %s; calibration %s (%d images)\n", a->model,
               100.0 * fp32_correct / e.ds.count, e.ds.count, a->data, a->calib, base.calib_count);
    printf("| method | CLE | bias corr. | INT8 top-1 | delta | agreement |\n|---|---|---|---:|---:|---:|\n");
    char methods[sizeof a->methods];
    snprintf(methods, sizeof methods, "%s", a->methods);
    for (char *save = NULL, *m = strtok_r(methods, ",", &save); st == ODPU_OK && m; m = strtok_r(NULL, ",", &save)) {
        if ((st = odpu_calib_method_parse(m, &o.ptq.method, &err)) != ODPU_OK)
            break;
        for (int c = a->ablation ? 0 : 3; c < 4 && st == ODPU_OK; c++) {
            o.ptq.cross_layer_equalization = c & 1;
            o.ptq.bias_correction = (c >> 1) & 1;
            o.keep_fp32 = 0;
            odpu_pipeline p;
            int correct = 0, agree = 0;
            if ((st = odpu_pipeline_run(a->model, &o, &p, &err)) != ODPU_OK)
                break;
            st = eval_int8(&p.quant, &e, &correct, &agree, &err);
            odpu_pipeline_free(&p);
            if (st == ODPU_OK)
                printf("| %s | %s | %s | %.2f | %+.2f | %.2f |\n", m, c & 1 ? "yes" : "no", c & 2 ? "yes" : "no",
                       100.0 * correct / e.ds.count, 100.0 * (correct - fp32_correct) / e.ds.count,
                       100.0 * agree / e.ds.count);
            fflush(stdout);
        }
    }
    free_eval_set(&e);
    odpu_pipeline_free(&base);
    if (st != ODPU_OK) {
        fprintf(stderr, "ptq_sweep: %s\n", err.msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    sweep_args a;
    int rc = parse_args(argc, argv, &a);
    return rc ? rc : run(&a);
}
