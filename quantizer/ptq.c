/* ptq.c - INT8 post-training quantization (see ptq.h): graph checks, CLE, the calibration run
 * over the FP32 executor, activation and weight quantization parameters, bias correction. */
#include "quantizer/ptq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantizer/calib.h"
#include "quantizer/cle.h"

enum {
    WEIGHT_QMAX = 127, /* symmetric weights use [-127, 127] (docs/quantization.md) */
    ACT_RANK = 4,      /* canonical activations are NCHW with N = 1 */
    WEIGHT_RANK = 4,   /* canonical CONV weights are [O, I/group, kh, kw] */
    NAME_MAX_LEN = 256 /* generated tensor names */
};
/* Default clip of the percentile method: drops the top 0.01 % of magnitudes. */
#define DEFAULT_PERCENTILE 99.99
/* Largest |bias| allowed in int32 units (s_in * s_w[o]): 2^29 leaves room for the zero-point
 * fold (|z_in| * sum |w_q| < 2^28 for any kernel the compiler accepts) within 2^31. A channel
 * whose weights are tiny next to its bias gets a coarser weight scale instead of overflowing. */
#define BIAS_Q_LIMIT 536870912.0
/* Weight scale of a channel whose weights are all zero (any positive value is exact). */
#define ZERO_CHANNEL_SCALE 1.0f

void odpu_ptq_default_options(odpu_ptq_options *o)
{
    o->method = ODPU_CALIB_MSE;
    o->percentile = DEFAULT_PERCENTILE;
    o->cross_layer_equalization = 1;
    o->bias_correction = 1;
}

/* ---- Graph checks ---------------------------------------------------------------------- */

static int live_activation(const odpu_graph *g, int t)
{
    if (t < 0 || g->tensors[t].data)
        return 0;
    int p = g->tensors[t].producer;
    if (p >= 0)
        return !g->nodes[p].dead;
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t)
            return 1;
    return 0;
}

static const char *source_of(const odpu_graph *g)
{
    return g->source ? g->source : "graph";
}

/* Geometry of a canonical CONV, from its tensors' shapes. */
typedef struct conv_geom {
    int64_t cin, h, w;             /* input */
    int64_t cout, oh, ow;          /* output */
    int64_t cin_g, cout_g, kh, kw; /* per group */
} conv_geom;

static odpu_status conv_geometry(const odpu_graph *g, const odpu_gnode *n, conv_geom *cg, odpu_err *err)
{
    const char *src = source_of(g);
    if (n->n_inputs < 2 || n->inputs[0] < 0 || n->inputs[1] < 0 || n->n_outputs < 1)
        return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): needs an input and weights", src, n->name);
    const odpu_gtensor *x = &g->tensors[n->inputs[0]], *w = &g->tensors[n->inputs[1]];
    const odpu_gtensor *y = &g->tensors[n->outputs[0]];
    if (!w->data || w->rank != WEIGHT_RANK)
        return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): weights '%s' must be a constant [O, I/group, kh, kw]",
                         src, n->name, w->name);
    if (x->rank != ACT_RANK || x->dims[0] != 1 || y->rank != ACT_RANK || y->dims[0] != 1)
        return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): input and output must be NCHW with N = 1", src,
                         n->name);
    int64_t groups = n->a.group;
    *cg = (conv_geom){x->dims[1], x->dims[2], x->dims[3], w->dims[0], y->dims[2], y->dims[3],
                      w->dims[1], groups > 0 ? w->dims[0] / groups : 0, w->dims[2], w->dims[3]};
    if (groups < 1 || cg->cin != cg->cin_g * groups || cg->cout % groups != 0 || y->dims[1] != cg->cout)
        return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): shapes disagree (input %lld channels, weights "
                         "[%lld, %lld, ...], group %d, output %lld channels)", src, n->name, (long long)cg->cin,
                         (long long)cg->cout, (long long)cg->cin_g, n->a.group, (long long)y->dims[1]);
    if (n->n_inputs > 2 && n->inputs[2] >= 0) {
        const odpu_gtensor *b = &g->tensors[n->inputs[2]];
        if (!b->data || odpu_tensor_numel(b) != cg->cout)
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): bias '%s' must be a constant of %lld values",
                             src, n->name, b->name, (long long)cg->cout);
    }
    return ODPU_OK;
}

static int canonical_op(odpu_node_op op)
{
    switch (op) {
    case ODPU_NODE_CONV:
    case ODPU_NODE_MAXPOOL:
    case ODPU_NODE_AVGPOOL:
    case ODPU_NODE_GLOBAL_AVGPOOL:
    case ODPU_NODE_ADD:
    case ODPU_NODE_CONCAT:
    case ODPU_NODE_SOFTMAX:
        return 1;
    default:
        return 0;
    }
}

/* What PTQ relies on: one NCHW input, canonical operators, activations as inputs of every
 * node, CONVs with constant weights whose shapes agree. */
static odpu_status check_graph(const odpu_graph *g, odpu_err *err)
{
    const char *src = source_of(g);
    if (g->n_inputs != 1)
        return odpu_fail(err, ODPU_E_ARG, "%s: quantization needs exactly one graph input, found %d", src,
                         g->n_inputs);
    const odpu_gtensor *in = &g->tensors[g->inputs[0]];
    if (in->rank != ACT_RANK || in->dims[0] != 1 || odpu_tensor_numel(in) <= 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: graph input '%s' must be NCHW with N = 1 and a known shape", src,
                         in->name);
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead)
            continue;
        if (!canonical_op(n->op))
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (%s) is not canonical: run odpu_graph_optimize first",
                             src, n->name, odpu_node_op_name(n->op));
        int data_inputs = n->op == ODPU_NODE_CONV ? 1 : n->n_inputs;
        for (int k = 0; k < data_inputs; k++)
            if (!live_activation(g, n->inputs[k]))
                return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (%s): input %d is not an activation", src,
                                 n->name, odpu_node_op_name(n->op), k);
        conv_geom cg;
        if (n->op == ODPU_NODE_CONV && conv_geometry(g, n, &cg, err) != ODPU_OK)
            return err ? err->code : ODPU_E_ARG;
    }
    return ODPU_OK;
}

/* ---- Calibration run ------------------------------------------------------------------- */

/* What the observer callback fills over all calibration images. */
typedef struct calib_run {
    odpu_observer **obs; /* per tensor: live activations with quantization, else NULL */
    double **patch;      /* per node (CONV, bias correction on): input patches summed over every
                          * output position, [cin][kh][kw]; else NULL */
    conv_geom *geom;     /* per node, CONVs only */
    int bad_tensor;      /* tensor that showed a non-finite value, or -1 */
    int bad_count;       /* tensor whose value count disagreed with its shape, or -1 */
} calib_run;

/* Output positions o in [0, out) whose input coordinate o*stride + offset lies in [0, size). */
static void valid_outputs(int64_t out, int stride, int64_t offset, int64_t size, int64_t *lo, int64_t *hi)
{
    int64_t first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int64_t last = size - 1 - offset < 0 ? -1 : (size - 1 - offset) / stride;
    *lo = first;
    *hi = last + 1 < out ? last + 1 : out;
}

/* Bias correction needs E[conv(x, dW)] = sum dW * E[x at each tap]: per input channel and tap,
 * the sum of the input over every output position (padding contributes real 0). */
static void add_patch(const conv_geom *cg, const odpu_node_attrs *a, const float *x, double *patch)
{
    for (int64_t c = 0; c < cg->cin; c++)
        for (int64_t ky = 0; ky < cg->kh; ky++) {
            int64_t oy0, oy1;
            valid_outputs(cg->oh, a->stride[0], ky * a->dilation[0] - a->pads[0], cg->h, &oy0, &oy1);
            for (int64_t kx = 0; kx < cg->kw; kx++) {
                int64_t ox0, ox1, off_x = kx * a->dilation[1] - a->pads[1];
                valid_outputs(cg->ow, a->stride[1], off_x, cg->w, &ox0, &ox1);
                double sum = 0;
                for (int64_t oy = oy0; oy < oy1; oy++) {
                    const float *row = x + (c * cg->h + oy * a->stride[0] + ky * a->dilation[0] - a->pads[0]) * cg->w;
                    for (int64_t ox = ox0; ox < ox1; ox++)
                        sum += row[ox * a->stride[1] + off_x];
                }
                patch[(c * cg->kh + ky) * cg->kw + kx] += sum;
            }
        }
}

static int observe(void *user, const odpu_graph *g, int t, const float *values, int64_t count)
{
    calib_run *r = user;
    if (t < 0 || t >= g->n_tensors || !r->obs[t])
        return 0;
    if (count != odpu_tensor_numel(&g->tensors[t])) {
        r->bad_count = t;
        return 1;
    }
    odpu_observer_add(r->obs[t], values, count);
    if (r->obs[t]->nonfinite) {
        r->bad_tensor = t;
        return 1;
    }
    if (!r->patch)
        return 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (r->patch[i] && g->nodes[i].inputs[0] == t)
            add_patch(&r->geom[i], &g->nodes[i].a, values, r->patch[i]);
    return 0;
}

static void free_run(const odpu_graph *g, calib_run *r)
{
    for (int t = 0; r->obs && t < g->n_tensors; t++)
        free(r->obs[t]);
    for (int i = 0; r->patch && i < g->n_nodes; i++)
        free(r->patch[i]);
    free(r->obs);
    free(r->patch);
    free(r->geom);
}

static odpu_status setup_run(const odpu_graph *g, int bias_correction, calib_run *r, odpu_err *err)
{
    memset(r, 0, sizeof *r);
    r->bad_tensor = r->bad_count = -1;
    r->obs = calloc((size_t)g->n_tensors, sizeof *r->obs);
    r->geom = calloc((size_t)g->n_nodes + 1, sizeof *r->geom);
    r->patch = bias_correction ? calloc((size_t)g->n_nodes + 1, sizeof *r->patch) : NULL;
    int ok = r->obs && r->geom && (r->patch || !bias_correction);
    for (int t = 0; ok && t < g->n_tensors; t++) {
        int p = g->tensors[t].producer;
        if (!live_activation(g, t) || (p >= 0 && g->nodes[p].op == ODPU_NODE_SOFTMAX))
            continue; /* constants, dead tensors and the host's float softmax output */
        r->obs[t] = malloc(sizeof *r->obs[t]);
        ok = r->obs[t] != NULL;
        if (ok)
            odpu_observer_init(r->obs[t]);
    }
    for (int i = 0; ok && i < g->n_nodes; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead || n->op != ODPU_NODE_CONV)
            continue;
        if (conv_geometry(g, n, &r->geom[i], err) != ODPU_OK) {
            free_run(g, r);
            return err ? err->code : ODPU_E_ARG;
        }
        if (r->patch) {
            r->patch[i] = calloc((size_t)(r->geom[i].cin * r->geom[i].kh * r->geom[i].kw), sizeof(double));
            ok = r->patch[i] != NULL;
        }
    }
    if (!ok) {
        free_run(g, r);
        return odpu_fail(err, ODPU_E_NOMEM, "%s: calibration: out of memory", source_of(g));
    }
    return ODPU_OK;
}

static odpu_status run_failure(const odpu_graph *g, const calib_run *r, int image, odpu_err *err)
{
    int t = r->bad_tensor >= 0 ? r->bad_tensor : r->bad_count;
    const odpu_gtensor *tt = &g->tensors[t];
    const char *node = tt->producer >= 0 ? g->nodes[tt->producer].name : "(graph input)";
    if (r->bad_tensor >= 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: calibration image %d: tensor '%s' (from %s) has NaN or infinite "
                         "values", source_of(g), image, tt->name, node);
    return odpu_fail(err, ODPU_E_MISMATCH, "%s: calibration image %d: the executor gave tensor '%s' (from %s) a "
                     "value count that disagrees with its shape", source_of(g), image, tt->name, node);
}

static odpu_status calibrate(const odpu_graph *g, const float *calib, int n_images, calib_run *r, odpu_err *err)
{
    odpu_f32_exec *ex = NULL;
    odpu_status st = odpu_f32_exec_create(g, &ex, err);
    if (st != ODPU_OK)
        return st;
    int64_t numel = odpu_tensor_numel(&g->tensors[g->inputs[0]]);
    for (int i = 0; i < n_images && st == ODPU_OK; i++) {
        /* The executor reports the graph input to the observer too. */
        st = odpu_f32_exec_run(ex, calib + (size_t)i * (size_t)numel, observe, r, err);
        if (r->bad_tensor >= 0 || r->bad_count >= 0)
            st = run_failure(g, r, i, err);
        else if (st != ODPU_OK)
            odpu_err_prefix(err, "calibration image %d: ", i);
    }
    odpu_f32_exec_destroy(ex);
    return st;
}

/* ---- Activation quantization ----------------------------------------------------------- */

static int find_root(int *parent, int t)
{
    while (parent[t] != t) {
        parent[t] = parent[parent[t]];
        t = parent[t];
    }
    return t;
}

static void unite(int *parent, int a, int b)
{
    if (a >= 0 && b >= 0)
        parent[find_root(parent, a)] = find_root(parent, b);
}

static int feeds_softmax(const odpu_graph *g, int t)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (!g->nodes[i].dead && g->nodes[i].op == ODPU_NODE_SOFTMAX && g->nodes[i].inputs[0] == t)
            return 1;
    return 0;
}

/* The graph input and the scores are never clipped: the input's range is fixed by the
 * preprocessing, and clipping the largest scores would turn the top-1 into a tie. */
static odpu_calib_method method_for(const odpu_graph *g, int t, odpu_calib_method m)
{
    if (g->tensors[t].producer < 0 || odpu_graph_is_output(g, t) || feeds_softmax(g, t))
        return ODPU_CALIB_MINMAX;
    return m;
}

/* The clipped range of one tensor, narrowed by its producer's fused activation. */
static odpu_status tensor_range(const odpu_graph *g, int t, const odpu_observer *obs, const odpu_ptq_options *o,
                                float *lo, float *hi, odpu_err *err)
{
    if (odpu_observer_range(obs, method_for(g, t, o->method), o->percentile, lo, hi, err) != ODPU_OK)
        return odpu_err_prefix(err, "%s: tensor '%s': ", source_of(g), g->tensors[t].name);
    int p = g->tensors[t].producer;
    if (p < 0)
        return ODPU_OK;
    const odpu_gnode *n = &g->nodes[p];
    if (n->act == ODPU_ACT_RELU && *lo < 0)
        *lo = 0;
    if (n->act == ODPU_ACT_CLIP) {
        *lo = *lo < n->act_min ? n->act_min : *lo;
        *hi = *hi > n->act_max ? n->act_max : *hi;
    }
    return ODPU_OK;
}

static void set_act_q(odpu_gtensor *t, float lo, float hi)
{
    free(t->q.ch_scales);
    memset(&t->q, 0, sizeof t->q);
    t->q.valid = 1;
    odpu_act_qparams(lo, hi, &t->q.scale, &t->q.zero_point);
}

/* Per-tensor parameters, with the engine's sharing constraints: a MAXPOOL's output has its
 * input's parameters (it does not rescale), and every input of a CONCAT has the output's
 * (the compiler makes CONCAT free by writing the inputs in place). Tensors that must share
 * get the union of their ranges. */
static odpu_status assign_activations(odpu_graph *g, const calib_run *r, const odpu_ptq_options *o, odpu_err *err)
{
    int n = g->n_tensors;
    int *parent = malloc((size_t)n * sizeof *parent);
    float *lo = malloc((size_t)n * sizeof *lo), *hi = malloc((size_t)n * sizeof *hi);
    if (!parent || !lo || !hi) {
        free(parent), free(lo), free(hi);
        return odpu_fail(err, ODPU_E_NOMEM, "%s: calibration: out of memory", source_of(g));
    }
    for (int t = 0; t < n; t++) {
        parent[t] = t;
        lo[t] = hi[t] = 0;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *nd = &g->nodes[i];
        if (nd->dead)
            continue;
        if (nd->op == ODPU_NODE_MAXPOOL)
            unite(parent, nd->inputs[0], nd->outputs[0]);
        for (int k = 0; nd->op == ODPU_NODE_CONCAT && k < nd->n_inputs; k++)
            unite(parent, nd->inputs[k], nd->outputs[0]);
    }
    odpu_status st = ODPU_OK;
    for (int t = 0; t < n && st == ODPU_OK; t++) {
        if (!r->obs[t])
            continue;
        float l, h;
        st = tensor_range(g, t, r->obs[t], o, &l, &h, err);
        int root = find_root(parent, t);
        lo[root] = l < lo[root] ? l : lo[root];
        hi[root] = h > hi[root] ? h : hi[root];
    }
    for (int t = 0; t < n && st == ODPU_OK; t++)
        if (r->obs[t]) {
            int root = find_root(parent, t);
            set_act_q(&g->tensors[t], lo[root], hi[root]);
        }
    free(parent), free(lo), free(hi);
    return st;
}

/* ---- Weights and biases ---------------------------------------------------------------- */

static const float *bias_of(const odpu_graph *g, const odpu_gnode *n)
{
    return n->n_inputs > 2 && n->inputs[2] >= 0 ? g->tensors[n->inputs[2]].data : NULL;
}

/* s_w[o] = max |W[o]| / 127, coarsened where the bias would not fit BIAS_Q_LIMIT. */
static odpu_status assign_weights(odpu_graph *g, const calib_run *r, odpu_err *err)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead || n->op != ODPU_NODE_CONV)
            continue;
        const conv_geom *cg = &r->geom[i];
        odpu_gtensor *w = &g->tensors[n->inputs[1]];
        const float *bias = bias_of(g, n);
        double s_in = g->tensors[n->inputs[0]].q.scale;
        float *scales = malloc((size_t)cg->cout * sizeof *scales);
        if (!scales)
            return odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
        int64_t per_out = cg->cin_g * cg->kh * cg->kw;
        for (int64_t o = 0; o < cg->cout; o++) {
            double m = 0;
            for (int64_t k = 0; k < per_out; k++)
                m = fmax(m, fabs(w->data[o * per_out + k]));
            double s = m / WEIGHT_QMAX;
            if (bias && fabs(bias[o]) / (s_in * BIAS_Q_LIMIT) > s)
                s = fabs(bias[o]) / (s_in * BIAS_Q_LIMIT);
            scales[o] = s > 0 ? (float)s : ZERO_CHANNEL_SCALE;
        }
        free(w->q.ch_scales);
        memset(&w->q, 0, sizeof w->q);
        w->q.valid = 1;
        w->q.ch_scales = scales;
        w->q.n_ch_scales = (int)cg->cout;
    }
    return ODPU_OK;
}

/* The weight the engine will use: s * clamp(round(w / s), -127, 127). */
static double quantized_weight(float w, float s)
{
    double q = rint(w / s);
    q = q > WEIGHT_QMAX ? WEIGHT_QMAX : q < -WEIGHT_QMAX ? -WEIGHT_QMAX : q;
    return q * s;
}

/* Make node n's bias a constant only n uses (creating a zero bias if it has none), so that
 * correcting it changes nothing else. Returns the bias tensor index or -1 (err set). */
static int private_bias(odpu_graph *g, int node, int64_t cout, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[node];
    int b = n->n_inputs > 2 ? n->inputs[2] : -1;
    if (b >= 0 && odpu_graph_consumers(g, b, NULL, 0) == 1)
        return b;
    char name[NAME_MAX_LEN];
    for (int k = 0;; k++) {
        snprintf(name, sizeof name, "%s.bias%s%.0d", n->name, k ? "_" : "", k);
        if (odpu_graph_find_tensor(g, name) < 0)
            break;
    }
    float *data = calloc((size_t)cout, sizeof *data);
    if (!data) {
        odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
        return -1;
    }
    if (b >= 0)
        memcpy(data, g->tensors[b].data, (size_t)cout * sizeof *data);
    int64_t dims[1] = {cout};
    int t = odpu_graph_add_tensor(g, name, 1, dims, data, err);
    free(data);
    if (t < 0)
        return -1;
    n = &g->nodes[node];
    if (n->n_inputs < 3) {
        int *in = realloc(n->inputs, 3 * sizeof *in);
        if (!in) {
            odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
            return -1;
        }
        n->inputs = in;
        n->n_inputs = 3;
    }
    n->inputs[2] = t;
    return t;
}

/* Empirical bias correction (Nagel et al. 2019, section 4.2, with the expectation taken over
 * the calibration set): b[o] += E[conv(x, W)[o]] - E[conv(x, W_q)[o]], computed exactly as
 * sum (W - W_q) * E[x at each tap] from the patches summed during calibration. */
static odpu_status correct_biases(odpu_graph *g, const calib_run *r, int n_images, odpu_err *err)
{
    for (int i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].dead || g->nodes[i].op != ODPU_NODE_CONV || !r->patch[i])
            continue;
        const conv_geom *cg = &r->geom[i];
        int b = private_bias(g, i, cg->cout, err);
        if (b < 0)
            return err ? err->code : ODPU_E_NOMEM;
        const odpu_gtensor *w = &g->tensors[g->nodes[i].inputs[1]];
        float *bias = g->tensors[b].data;
        double positions = (double)n_images * (double)(cg->oh * cg->ow);
        int64_t taps = cg->kh * cg->kw, per_out = cg->cin_g * taps;
        for (int64_t o = 0; o < cg->cout; o++) {
            const double *patch = r->patch[i] + (o / cg->cout_g) * per_out;
            const float *wo = w->data + o * per_out;
            double delta = 0;
            for (int64_t k = 0; k < per_out; k++)
                delta += (wo[k] - quantized_weight(wo[k], w->q.ch_scales[o])) * patch[k];
            bias[o] = (float)(bias[o] + delta / positions);
        }
    }
    return ODPU_OK;
}

/* ---- Entry point ----------------------------------------------------------------------- */

static odpu_status check_options(const odpu_ptq_options *o, odpu_err *err)
{
    if ((unsigned)o->method > ODPU_CALIB_MSE)
        return odpu_fail(err, ODPU_E_ARG, "calibration method %d does not exist", (int)o->method);
    if (o->method == ODPU_CALIB_PERCENTILE && !(o->percentile > 0 && o->percentile <= 100))
        return odpu_fail(err, ODPU_E_ARG, "percentile %g is outside (0, 100]", o->percentile);
    return ODPU_OK;
}

odpu_status odpu_ptq_quantize(odpu_graph *g, const float *calib, int n_images, const odpu_ptq_options *o,
                              odpu_err *err)
{
    odpu_ptq_options defaults;
    if (!o) {
        odpu_ptq_default_options(&defaults);
        o = &defaults;
    }
    if (!calib || n_images <= 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: the calibration set is empty (%d images)", source_of(g), n_images);
    odpu_status st = check_options(o, err);
    if (st == ODPU_OK)
        st = check_graph(g, err);
    if (st == ODPU_OK && o->cross_layer_equalization)
        st = odpu_cle_apply(g, NULL, err);
    if (st != ODPU_OK)
        return st;
    calib_run run;
    st = setup_run(g, o->bias_correction, &run, err);
    if (st != ODPU_OK)
        return st;
    st = calibrate(g, calib, n_images, &run, err);
    if (st == ODPU_OK)
        st = assign_activations(g, &run, o, err);
    if (st == ODPU_OK)
        st = assign_weights(g, &run, err);
    if (st == ODPU_OK && o->bias_correction)
        st = correct_biases(g, &run, n_images, err);
    free_run(g, &run);
    return st;
}

/* ---- Parameters from a QDQ file -------------------------------------------------------- */

static int same_act_q(const odpu_qparams *a, const odpu_qparams *b)
{
    return a->valid && b->valid && a->scale == b->scale && a->zero_point == b->zero_point;
}

static odpu_status check_sharing(const odpu_graph *g, const odpu_gnode *n, odpu_err *err)
{
    const odpu_qparams *out = &g->tensors[n->outputs[0]].q;
    for (int k = 0; k < n->n_inputs; k++)
        if (!same_act_q(&g->tensors[n->inputs[k]].q, out))
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (%s): input '%s' and output '%s' have different "
                             "quantization parameters; the engine needs them equal", source_of(g), n->name,
                             odpu_node_op_name(n->op), g->tensors[n->inputs[k]].name, g->tensors[n->outputs[0]].name);
    return ODPU_OK;
}

/* A CONV without weight scales is one the optimizer made (an activation with nothing to fuse
 * into, a BatchNormalization folded into or standing for a CONV): its weights get
 * s_w[o] = max |W[o]| / 127 as in PTQ. Scales the file did give must fit the weights. */
static odpu_status complete_weights(odpu_graph *g, const odpu_gnode *n, odpu_err *err)
{
    odpu_gtensor *w = &g->tensors[n->inputs[1]];
    if (!w->q.valid && !w->q.ch_scales) {
        int64_t cout = w->dims[0], per_out = odpu_tensor_numel(w) / cout;
        float *scales = malloc((size_t)cout * sizeof *scales);
        if (!scales)
            return odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
        for (int64_t o = 0; o < cout; o++) {
            double m = 0;
            for (int64_t k = 0; k < per_out; k++)
                m = fmax(m, fabs(w->data[o * per_out + k]));
            scales[o] = m > 0 ? (float)(m / WEIGHT_QMAX) : ZERO_CHANNEL_SCALE;
        }
        w->q.valid = 1;
        w->q.ch_scales = scales;
        w->q.n_ch_scales = (int)cout;
    }
    if (!w->q.ch_scales || w->q.n_ch_scales != w->dims[0])
        return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): weights '%s' are not quantized per output channel",
                         source_of(g), n->name, w->name);
    return ODPU_OK;
}

odpu_status odpu_ptq_complete_qdq(odpu_graph *g, odpu_err *err)
{
    odpu_status st = check_graph(g, err);
    for (int i = 0; i < g->n_nodes && st == ODPU_OK; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead)
            continue;
        odpu_gtensor *out = &g->tensors[n->outputs[0]];
        if (n->op == ODPU_NODE_MAXPOOL && !out->q.valid && g->tensors[n->inputs[0]].q.valid) {
            out->q = g->tensors[n->inputs[0]].q;
            out->q.ch_scales = NULL;
        }
        int data_inputs = n->op == ODPU_NODE_CONV ? 1 : n->n_inputs;
        for (int k = 0; k < data_inputs && st == ODPU_OK; k++)
            if (!g->tensors[n->inputs[k]].q.valid)
                st = odpu_fail(err, ODPU_E_ARG, "%s: tensor '%s' (input of node '%s') has no quantization "
                               "parameters in the QDQ file", source_of(g), g->tensors[n->inputs[k]].name, n->name);
        if (st == ODPU_OK && n->op != ODPU_NODE_SOFTMAX && !out->q.valid)
            st = odpu_fail(err, ODPU_E_ARG, "%s: tensor '%s' (output of node '%s') has no quantization parameters in "
                           "the QDQ file", source_of(g), out->name, n->name);
        if (st == ODPU_OK && (n->op == ODPU_NODE_MAXPOOL || n->op == ODPU_NODE_CONCAT))
            st = check_sharing(g, n, err);
        if (st == ODPU_OK && n->op == ODPU_NODE_CONV)
            st = complete_weights(g, n, err);
    }
    return st;
}
