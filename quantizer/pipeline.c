/* pipeline.c - import, optimize, calibrate and quantize (see pipeline.h). */
#include "quantizer/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATH_MAX_LEN = 4096 };

void odpu_pipeline_default_options(odpu_pipeline_options *o)
{
    memset(o, 0, sizeof *o);
    odpu_ptq_default_options(&o->ptq);
}

void odpu_pipeline_free(odpu_pipeline *p)
{
    if (!p)
        return;
    odpu_graph_free(&p->quant);
    odpu_graph_free(&p->fp32);
    if (p->has_meta)
        odpu_meta_free(&p->meta);
    memset(p, 0, sizeof *p);
}

static int is_qdq(const odpu_graph *g)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].op == ODPU_NODE_QUANTIZE || g->nodes[i].op == ODPU_NODE_DEQUANTIZE)
            return 1;
    return 0;
}

/* Weight scales a QDQ file gave a CONV / Gemm / MatMul node, by node name. The optimizer
 * builds new weight tensors (without q) when it turns an FC into a CONV; the node keeps its
 * name, so the scales are given back afterwards if the weights still hold the file's
 * integers. */
typedef struct weight_scales {
    char *node;
    float *scales;
    int n;
} weight_scales;

static void free_stash(weight_scales *ws, int n)
{
    for (int i = 0; ws && i < n; i++) {
        free(ws[i].node);
        free(ws[i].scales);
    }
    free(ws);
}

static int is_weighted(odpu_node_op op)
{
    return op == ODPU_NODE_CONV || op == ODPU_NODE_GEMM || op == ODPU_NODE_MATMUL;
}

/* Copies of every weighted node's per-channel scales; *n counts the entries (filled or not). */
static odpu_status stash_scales(const odpu_graph *g, weight_scales **out, int *n, odpu_err *err)
{
    weight_scales *ws = calloc((size_t)g->n_nodes + 1, sizeof *ws);
    *out = ws;
    *n = 0;
    if (!ws)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *nd = &g->nodes[i];
        if (nd->dead || !is_weighted(nd->op) || nd->n_inputs < 2 || nd->inputs[1] < 0)
            continue;
        const odpu_qparams *q = &g->tensors[nd->inputs[1]].q;
        if (!q->ch_scales)
            continue;
        weight_scales *e = &ws[(*n)++];
        size_t len = strlen(nd->name) + 1;
        e->node = malloc(len);
        e->scales = malloc((size_t)q->n_ch_scales * sizeof *e->scales);
        if (!e->node || !e->scales)
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
        memcpy(e->node, nd->name, len);
        memcpy(e->scales, q->ch_scales, (size_t)q->n_ch_scales * sizeof *e->scales);
        e->n = q->n_ch_scales;
    }
    return ODPU_OK;
}

/* Do the weights still hold the file's integers (w / s an integer in [-127, 127])? A folded
 * BatchNormalization changes them, and then the file's scales no longer apply. */
static int holds_integers(const odpu_gtensor *w, const float *scales)
{
    /* w was computed as s * q in float: w / s is q to well within this. */
    const double tolerance = 1e-3;
    int64_t per_out = odpu_tensor_numel(w) / w->dims[0];
    for (int64_t o = 0; o < w->dims[0]; o++)
        for (int64_t k = 0; k < per_out; k++) {
            double v = w->data[o * per_out + k] / scales[o];
            if (fabs(v - rint(v)) > tolerance || fabs(v) > 127 + tolerance)
                return 0;
        }
    return 1;
}

static odpu_status restore_scales(odpu_graph *g, const weight_scales *ws, int n, odpu_err *err)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *nd = &g->nodes[i];
        if (nd->dead || nd->op != ODPU_NODE_CONV)
            continue;
        odpu_gtensor *w = &g->tensors[nd->inputs[1]];
        for (int k = 0; k < n && !w->q.valid; k++) {
            if (strcmp(ws[k].node, nd->name) || ws[k].n != w->dims[0] || !holds_integers(w, ws[k].scales))
                continue;
            float *s = malloc((size_t)ws[k].n * sizeof *s);
            if (!s)
                return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", g->source ? g->source : "graph");
            memcpy(s, ws[k].scales, (size_t)ws[k].n * sizeof *s);
            w->q.valid = 1;
            w->q.ch_scales = s;
            w->q.n_ch_scales = ws[k].n;
        }
    }
    return ODPU_OK;
}

/* A QDQ model: absorb, optimize, give FC weights their scales back, complete and check. */
static odpu_status canonical_qdq(odpu_graph *g, odpu_err *err)
{
    odpu_status st = odpu_qdq_absorb(g, err);
    if (st != ODPU_OK)
        return st;
    weight_scales *ws = NULL;
    int n = 0;
    st = stash_scales(g, &ws, &n, err);
    if (st == ODPU_OK)
        st = odpu_graph_optimize(g, err);
    if (st == ODPU_OK)
        st = restore_scales(g, ws, n, err);
    free_stash(ws, n);
    return st == ODPU_OK ? odpu_ptq_complete_qdq(g, err) : st;
}

/* Import and canonicalize; a QDQ model's parameters are absorbed on the way. */
static odpu_status load_graph(const char *path, odpu_graph *g, int *qdq, odpu_err *err)
{
    odpu_graph_init(g);
    odpu_status st = odpu_onnx_import(path, g, err);
    if (st != ODPU_OK)
        return st;
    *qdq = is_qdq(g);
    return *qdq ? canonical_qdq(g, err) : odpu_graph_optimize(g, err);
}

/* model.yaml next to the ONNX file. */
static void default_meta_path(const char *onnx, char *out, size_t size)
{
    const char *slash = strrchr(onnx, '/');
    int dir_len = slash ? (int)(slash - onnx) : 0;
    snprintf(out, size, "%.*s%smodel.yaml", dir_len, onnx, slash ? "/" : "");
}

/* Read model.yaml (o->meta_path, else the one next to the ONNX file). Without an explicit
 * path a missing file is an error only when required (a float model with no explicit
 * preprocessing); the message then says what to give. A file that exists must be valid. */
static odpu_status load_meta(const char *onnx, const odpu_pipeline_options *o, int required, odpu_pipeline *p,
                             odpu_err *err)
{
    char path[PATH_MAX_LEN];
    if (o->meta_path)
        snprintf(path, sizeof path, "%s", o->meta_path);
    else
        default_meta_path(onnx, path, sizeof path);
    odpu_err meta_err;
    odpu_err_clear(&meta_err);
    odpu_status st = odpu_meta_load(path, &p->meta, &meta_err);
    if (st == ODPU_OK) {
        p->has_meta = 1;
        return ODPU_OK;
    }
    if (o->meta_path || st != ODPU_E_IO) /* given, or present but broken */
        return odpu_fail(err, st, "%s", meta_err.msg);
    if (!required)
        return ODPU_OK;
    return odpu_fail(err, st, "%s: no preprocessing known (%s); give the model's model.yaml or its preprocessing",
                     onnx, meta_err.msg);
}

/* The preprocessing: explicit, else model.yaml's; it must produce the ONNX input's shape. */
static odpu_status find_preprocess(const char *onnx, const odpu_pipeline_options *o, const odpu_gtensor *in,
                                   odpu_pipeline *p, odpu_err *err)
{
    odpu_status st = load_meta(onnx, o, !o->pre, p, err);
    if (st != ODPU_OK)
        return st;
    p->pre = o->pre ? *o->pre : p->meta.pre;
    if (in->dims[1] != p->pre.out_c || in->dims[2] != p->pre.out_h || in->dims[3] != p->pre.out_w)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: the preprocessing (%s) makes %dx%dx%d (CxHxW) inputs, but input "
                         "'%s' is %lldx%lldx%lld", onnx, o->pre ? "given explicitly" : "model.yaml", p->pre.out_c,
                         p->pre.out_h, p->pre.out_w, in->name, (long long)in->dims[1], (long long)in->dims[2],
                         (long long)in->dims[3]);
    return ODPU_OK;
}

/* Classes the model scores: the element count of its first output. */
static int64_t model_classes(const odpu_graph *g)
{
    return g->n_outputs > 0 ? odpu_tensor_numel(&g->tensors[g->outputs[0]]) : 0;
}

/* Can image i become the model's input? Size (without resizing) and channels first, so the
 * message speaks of the data rather than of the preprocessing internals; labels must name
 * one of the model's classes. */
static odpu_status check_image(const odpu_dataset *ds, int i, const odpu_preprocess *pre, int64_t classes,
                               odpu_err *err)
{
    int c = ds->channels[i];
    if (c != 1 && c != pre->out_c)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: image %d has %d channels; the model takes %d", ds->source, i, c,
                         pre->out_c);
    if (!pre->resize && (ds->heights[i] != pre->out_h || ds->widths[i] != pre->out_w))
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: image %d is %dx%d; the model takes %dx%d and its preprocessing "
                         "does not resize", ds->source, i, ds->heights[i], ds->widths[i], pre->out_h, pre->out_w);
    if (classes > 0 && (ds->labels[i] < 0 || ds->labels[i] >= classes))
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: image %d is labelled %d; the model has %lld classes", ds->source,
                         i, ds->labels[i], (long long)classes);
    return ODPU_OK;
}

/* The first n images of the spec, preprocessed into one NCHW float block. */
static odpu_status load_calibration(const odpu_pipeline_options *o, const odpu_graph *g, odpu_pipeline *p,
                                    float **out, odpu_err *err)
{
    odpu_dataset ds;
    odpu_status st = odpu_dataset_open(o->calib_spec, &ds, err);
    if (st != ODPU_OK)
        return st;
    int limit = o->calib_images > 0 ? o->calib_images : ODPU_DEFAULT_CALIB_IMAGES;
    int n = strchr(o->calib_spec, '@') || ds.count < limit ? ds.count : limit;
    int64_t numel = odpu_tensor_numel(&g->tensors[g->inputs[0]]);
    float *x = n > 0 ? malloc((size_t)n * (size_t)numel * sizeof *x) : NULL;
    if (n <= 0)
        st = odpu_fail(err, ODPU_E_ARG, "%s: the calibration set is empty", o->calib_spec);
    else if (!x)
        st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory for %d calibration images", o->calib_spec, n);
    int64_t classes = model_classes(g);
    for (int i = 0; i < n && st == ODPU_OK; i++) {
        st = check_image(&ds, i, &p->pre, classes, err);
        if (st == ODPU_OK)
            st = odpu_preprocess_image(&p->pre, ds.pixels[i], ds.heights[i], ds.widths[i], ds.channels[i],
                                       x + (size_t)i * (size_t)numel, err);
        if (st != ODPU_OK && err && !strstr(err->msg, ds.source))
            odpu_err_prefix(err, "%s: image %d: ", ds.source, i);
    }
    odpu_dataset_free(&ds);
    if (st != ODPU_OK) {
        free(x);
        return st;
    }
    p->calib_count = n;
    *out = x;
    return ODPU_OK;
}

static odpu_status run(const char *onnx, const odpu_pipeline_options *o, odpu_pipeline *p, odpu_err *err)
{
    int qdq = 0, qdq_again = 0;
    odpu_status st = load_graph(onnx, &p->quant, &qdq, err);
    if (st == ODPU_OK && o->keep_fp32) {
        p->has_fp32 = 1;
        st = load_graph(onnx, &p->fp32, &qdq_again, err);
    }
    p->qdq_input = qdq;
    if (st != ODPU_OK)
        return st;
    if (qdq)
        return load_meta(onnx, o, 0, p, err);
    if (!o->calib_spec)
        return odpu_fail(err, ODPU_E_ARG, "%s: a float model needs calibration data (a dataset spec such as "
                         "fashion-mnist:train)", onnx);
    if (p->quant.n_inputs != 1)
        return odpu_fail(err, ODPU_E_ARG, "%s: the model has %d inputs; quantization takes one", onnx,
                         p->quant.n_inputs);
    st = find_preprocess(onnx, o, &p->quant.tensors[p->quant.inputs[0]], p, err);
    float *calib = NULL;
    if (st == ODPU_OK)
        st = load_calibration(o, &p->quant, p, &calib, err);
    if (st == ODPU_OK)
        st = odpu_ptq_quantize(&p->quant, calib, p->calib_count, &o->ptq, err);
    free(calib);
    return st;
}

odpu_status odpu_pipeline_run(const char *onnx_path, const odpu_pipeline_options *o, odpu_pipeline *out,
                              odpu_err *err)
{
    memset(out, 0, sizeof *out);
    odpu_pipeline_options defaults;
    if (!o) {
        odpu_pipeline_default_options(&defaults);
        o = &defaults;
    }
    odpu_status st = run(onnx_path, o, out, err);
    if (st != ODPU_OK)
        odpu_pipeline_free(out);
    return st;
}
