/* qdq_absorb.c - QuantizeLinear/DequantizeLinear nodes of an imported QDQ model (ours or
 * another tool's) become q annotations and float constants (see ptq.h, docs/ptq.md):
 *   - DequantizeLinear of a constant (int8 weights, int32 bias, per-tensor or per-axis) is
 *     folded into the float constant s * (x - zp); weights read by a Conv / Gemm / MatMul also
 *     get their scales as per-output-channel ch_scales;
 *   - QuantizeLinear of a constant (fake-quantized float weights) is folded first, with
 *     ONNX's rounding (half to even) and saturation;
 *   - QuantizeLinear -> DequantizeLinear on an activation t sets t's q (uint8 parameters are
 *     shifted to int8: same real values) and the DequantizeLinear outputs' readers read t. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantizer/ptq.h"

enum {
    WEIGHT_QMAX = 127,     /* symmetric weights use [-127, 127] (docs/quantization.md) */
    INT8_QMIN = -128,
    INT8_QMAX = 127,
    UINT8_TO_INT8 = -128   /* uint8 q and zero point minus 128: the same real values in int8 */
};

static const char *source_of(const odpu_graph *g)
{
    return g->source ? g->source : "graph";
}

#define QDQ_FAIL(g, n, ...) qdq_fail(g, n, err, __VA_ARGS__)

static odpu_status qdq_fail(const odpu_graph *g, const odpu_gnode *n, odpu_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static odpu_status qdq_fail(const odpu_graph *g, const odpu_gnode *n, odpu_err *err, const char *fmt, ...)
{
    char detail[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return odpu_fail(err, ODPU_E_FORMAT, "%s: node '%s' (%s): %s", source_of(g), n->name, odpu_node_op_name(n->op),
                     detail);
}

/* Scale and zero point of a Q/DQ node: ns values each (1 = per tensor) along axis. */
typedef struct qdq_params {
    const float *scale;
    const float *zp;  /* NULL: zero */
    int64_t ns;
    int axis;         /* normalized; meaningful when ns > 1 */
} qdq_params;

static odpu_status read_params(const odpu_graph *g, const odpu_gnode *n, int rank, qdq_params *p, odpu_err *err)
{
    const odpu_gtensor *s = &g->tensors[n->inputs[1]];
    p->scale = s->data;
    p->ns = odpu_tensor_numel(s);
    p->zp = n->n_inputs > 2 && n->inputs[2] >= 0 ? g->tensors[n->inputs[2]].data : NULL;
    p->axis = n->a.axis < 0 ? n->a.axis + rank : n->a.axis;
    if (!p->scale || p->ns < 1)
        return QDQ_FAIL(g, n, "scale must be a constant");
    if (p->ns > 1 && (p->axis < 0 || p->axis >= rank))
        return QDQ_FAIL(g, n, "axis %d is outside a rank-%d tensor", n->a.axis, rank);
    return ODPU_OK;
}

/* Index along p->axis of element i of a tensor with dims. */
static int64_t channel_of(const qdq_params *p, const odpu_gtensor *t, int64_t i)
{
    if (p->ns == 1)
        return 0;
    int64_t inner = 1;
    for (int d = p->axis + 1; d < t->rank; d++)
        inner *= t->dims[d];
    return (i / inner) % t->dims[p->axis];
}

/* Turn tensor t into a constant holding v (taken over). */
static void make_constant(odpu_graph *g, int t, float *v)
{
    free(g->tensors[t].data);
    g->tensors[t].data = v;
    g->tensors[t].producer = -1;
}

/* ---- Constants ------------------------------------------------------------------------- */

/* QuantizeLinear of a constant: y = saturate(round_half_even(x / s) + zp), as float. */
static odpu_status fold_quantize(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    const odpu_gtensor *x = &g->tensors[n->inputs[0]];
    qdq_params p;
    if (read_params(g, n, x->rank, &p, err) != ODPU_OK)
        return err->code;
    int64_t count = odpu_tensor_numel(x);
    if (p.ns > 1 && x->dims[p.axis] != p.ns)
        return QDQ_FAIL(g, n, "%lld scales for axis %d of length %lld", (long long)p.ns, p.axis,
                        (long long)x->dims[p.axis]);
    float *y = malloc((size_t)(count > 0 ? count : 1) * sizeof *y);
    if (!y)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
    for (int64_t i = 0; i < count; i++) {
        int64_t c = channel_of(&p, x, i);
        float v = rintf(x->data[i] / p.scale[c]) + (p.zp ? p.zp[c] : 0);
        y[i] = v < n->a.clip_min ? n->a.clip_min : v > n->a.clip_max ? n->a.clip_max : v;
    }
    make_constant(g, n->outputs[0], y);
    n->dead = 1;
    return ODPU_OK;
}

/* Output channels of the weights tensor w as read by node c at input k, or 0 when c does not
 * read w as weights. Conv / Gemm(transB=1) weights have them on axis 0, Gemm(transB=0) and
 * MatMul on axis 1. */
static int weight_axis(const odpu_gnode *c, int t, int *axis)
{
    if (c->n_inputs < 2 || c->inputs[1] != t)
        return 0;
    if (c->op == ODPU_NODE_CONV || (c->op == ODPU_NODE_GEMM && c->a.trans_b))
        *axis = 0;
    else if (c->op == ODPU_NODE_GEMM || c->op == ODPU_NODE_MATMUL)
        *axis = 1;
    else
        return 0;
    return 1;
}

/* Symmetric int8 weights: integers k = x - zp in [-127, 127]. -128 (which other tools' 8-bit
 * weight observers can produce) is raised to -127, one step, since the engine's weights are
 * symmetric; anything else outside is not an int8 weight. */
static odpu_status weight_integers(const odpu_graph *g, const odpu_gnode *n, float *k, int64_t count, odpu_err *err)
{
    for (int64_t i = 0; i < count; i++) {
        if (k[i] == INT8_QMIN)
            k[i] = -WEIGHT_QMAX;
        if (k[i] < -WEIGHT_QMAX || k[i] > WEIGHT_QMAX || k[i] != rintf(k[i]))
            return QDQ_FAIL(g, n, "weight value %g (after the zero point) is not a symmetric int8 weight", k[i]);
    }
    return ODPU_OK;
}

/* Per-output-channel scales of weights dequantized with params p (per tensor: repeated). */
static odpu_status set_weight_scales(odpu_graph *g, const odpu_gnode *n, int t, int axis, const qdq_params *p,
                                     odpu_err *err)
{
    odpu_gtensor *w = &g->tensors[t];
    if (w->rank <= axis)
        return QDQ_FAIL(g, n, "weights '%s' have rank %d", w->name, w->rank);
    int64_t channels = w->dims[axis];
    if (p->ns > 1 && p->axis != axis)
        return QDQ_FAIL(g, n, "per-axis weight scales along axis %d; the engine needs them per output channel "
                        "(axis %d)", p->axis, axis);
    float *s = malloc((size_t)channels * sizeof *s);
    if (!s)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
    for (int64_t c = 0; c < channels; c++)
        s[c] = p->scale[p->ns > 1 ? c : 0];
    free(w->q.ch_scales);
    memset(&w->q, 0, sizeof w->q);
    w->q.valid = 1;
    w->q.ch_scales = s;
    w->q.n_ch_scales = (int)channels;
    return ODPU_OK;
}

/* DequantizeLinear of a constant: the float constant s * (x - zp); weights keep their scales. */
static odpu_status fold_dequantize(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    const odpu_gtensor *x = &g->tensors[n->inputs[0]];
    int out = n->outputs[0];
    qdq_params p;
    if (read_params(g, n, x->rank, &p, err) != ODPU_OK)
        return err->code;
    int64_t count = odpu_tensor_numel(x);
    if (p.ns > 1 && x->dims[p.axis] != p.ns)
        return QDQ_FAIL(g, n, "%lld scales for axis %d of length %lld", (long long)p.ns, p.axis,
                        (long long)x->dims[p.axis]);
    int axis = -1, readers[ODPU_MAX_NODE_IO];
    int n_readers = odpu_graph_consumers(g, out, readers, ODPU_MAX_NODE_IO);
    for (int r = 0; r < n_readers && r < ODPU_MAX_NODE_IO && axis < 0; r++)
        if (!weight_axis(&g->nodes[readers[r]], out, &axis))
            axis = -1;
    float *k = malloc((size_t)(count > 0 ? count : 1) * sizeof *k);
    if (!k)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: node '%s': out of memory", source_of(g), n->name);
    for (int64_t i = 0; i < count; i++)
        k[i] = x->data[i] - (p.zp ? p.zp[channel_of(&p, x, i)] : 0);
    odpu_status st = axis >= 0 ? weight_integers(g, n, k, count, err) : ODPU_OK;
    for (int64_t i = 0; i < count && st == ODPU_OK; i++)
        k[i] *= p.scale[channel_of(&p, x, i)];
    if (st != ODPU_OK) {
        free(k);
        return st;
    }
    g->tensors[out].rank = x->rank;
    memcpy(g->tensors[out].dims, x->dims, sizeof x->dims);
    make_constant(g, out, k);
    n->dead = 1;
    return axis >= 0 ? set_weight_scales(g, n, out, axis, &p, err) : ODPU_OK;
}

/* ---- Activations ----------------------------------------------------------------------- */

/* Every reader of `from` reads `to` instead; a graph output `from` becomes `to`, which takes
 * over its name (so a model's outputs keep their names). */
static void redirect(odpu_graph *g, int from, int to)
{
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].n_inputs; k++)
            if (g->nodes[i].inputs[k] == from)
                g->nodes[i].inputs[k] = to;
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == from) {
            g->outputs[i] = to;
            if (!odpu_graph_is_input(g, to)) {
                char *name = g->tensors[to].name;
                g->tensors[to].name = g->tensors[from].name;
                g->tensors[from].name = name;
            }
        }
}

static int same_params(const qdq_params *a, const qdq_params *b)
{
    return a->ns == 1 && b->ns == 1 && a->scale[0] == b->scale[0] && (a->zp ? a->zp[0] : 0) == (b->zp ? b->zp[0] : 0);
}

/* Q -> DQ on an activation: t gets (scale, zero point in int8), the pair disappears. */
static odpu_status absorb_activation(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *qn = &g->nodes[ni];
    int t = qn->inputs[0], qout = qn->outputs[0];
    qdq_params p;
    if (read_params(g, qn, g->tensors[t].rank, &p, err) != ODPU_OK)
        return err->code;
    if (p.ns != 1)
        return QDQ_FAIL(g, qn, "per-axis quantization of activation '%s' (the engine's activations are per tensor)",
                        g->tensors[t].name);
    int shift = qn->a.clip_min == 0 ? UINT8_TO_INT8 : 0;
    int32_t zp = (int32_t)(p.zp ? p.zp[0] : 0) + shift;
    odpu_qparams *q = &g->tensors[t].q;
    if (q->valid && (q->scale != p.scale[0] || q->zero_point != zp))
        return QDQ_FAIL(g, qn, "activation '%s' is quantized twice with different parameters", g->tensors[t].name);
    int readers[ODPU_MAX_NODE_IO];
    int n_readers = odpu_graph_consumers(g, qout, readers, ODPU_MAX_NODE_IO);
    if (odpu_graph_is_output(g, qout) || n_readers < 1 || n_readers > ODPU_MAX_NODE_IO)
        return QDQ_FAIL(g, qn, "its output must feed DequantizeLinear nodes only (an integer model output is not "
                        "supported)");
    for (int r = 0; r < n_readers; r++) {
        const odpu_gnode *d = &g->nodes[readers[r]];
        qdq_params dp;
        if (d->op != ODPU_NODE_DEQUANTIZE || d->inputs[0] != qout)
            return QDQ_FAIL(g, qn, "its output also feeds node '%s' (%s); only DequantizeLinear may read it", d->name,
                            odpu_node_op_name(d->op));
        if (read_params(g, d, g->tensors[t].rank, &dp, err) != ODPU_OK)
            return err->code;
        if (!same_params(&p, &dp))
            return QDQ_FAIL(g, d, "scale or zero point differs from its QuantizeLinear '%s'", qn->name);
    }
    q->valid = 1;
    q->scale = p.scale[0];
    q->zero_point = zp;
    for (int r = 0; r < n_readers; r++) {
        g->nodes[readers[r]].dead = 1;
        redirect(g, g->nodes[readers[r]].outputs[0], t);
    }
    qn->dead = 1;
    return ODPU_OK;
}

/* ---- Entry point ----------------------------------------------------------------------- */

static int constant_input(const odpu_graph *g, const odpu_gnode *n)
{
    return n->n_inputs > 0 && n->inputs[0] >= 0 && g->tensors[n->inputs[0]].data != NULL;
}

odpu_status odpu_qdq_absorb(odpu_graph *g, odpu_err *err)
{
    odpu_status st = ODPU_OK;
    /* Constants first (in node order, so Q -> DQ chains on weights fold in turn), then the
     * activation pairs. */
    for (int i = 0; i < g->n_nodes && st == ODPU_OK; i++) {
        odpu_gnode *n = &g->nodes[i];
        if (n->dead || !constant_input(g, n))
            continue;
        if (n->op == ODPU_NODE_QUANTIZE)
            st = fold_quantize(g, i, err);
        else if (n->op == ODPU_NODE_DEQUANTIZE)
            st = fold_dequantize(g, i, err);
    }
    for (int i = 0; i < g->n_nodes && st == ODPU_OK; i++)
        if (!g->nodes[i].dead && g->nodes[i].op == ODPU_NODE_QUANTIZE)
            st = absorb_activation(g, i, err);
    for (int i = 0; i < g->n_nodes && st == ODPU_OK; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (!n->dead && (n->op == ODPU_NODE_QUANTIZE || n->op == ODPU_NODE_DEQUANTIZE))
            st = QDQ_FAIL(g, n, "input '%s' is neither a constant nor the output of a QuantizeLinear",
                          n->inputs[0] >= 0 ? g->tensors[n->inputs[0]].name : "(none)");
    }
    return st;
}
