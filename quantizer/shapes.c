/* shapes.c - shape inference over the graph IR (odpu_graph_infer_shapes, see graph.h): every
 * activation's dims from the graph inputs' dims, with ONNX's size rules for Conv and pooling. */
#include "quantizer/graph.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A dimension beyond this is no CNN activation; keeps products far from overflow. */
#define DIM_MAX (INT64_C(1) << 31)

typedef struct shape {
    int rank;
    int64_t d[ODPU_MAX_RANK];
} shape;

static odpu_status node_err(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static odpu_status node_err(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
{
    char msg[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return odpu_fail(err, ODPU_E_MISMATCH, "node '%s' (%s): %s", n->name, odpu_node_op_name(n->op), msg);
}

static void fmt_shape(const odpu_gtensor *t, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < t->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, i ? ", %" PRId64 : "%" PRId64, t->dims[i]);
    if (used < len)
        snprintf(buf + used, len - used, "]");
}

static const odpu_gtensor *in_t(const odpu_graph *g, const odpu_gnode *n, int k)
{
    return k < n->n_inputs && n->inputs[k] >= 0 ? &g->tensors[n->inputs[k]] : NULL;
}

static odpu_status need_rank(odpu_err *err, const odpu_gnode *n, const odpu_gtensor *t, int rank, const char *what)
{
    if (!t)
        return node_err(err, n, "%s is missing", what);
    if (t->rank != rank) {
        char s[128];
        fmt_shape(t, s, sizeof s);
        return node_err(err, n, "%s '%s' has shape %s, expected rank %d", what, t->name, s, rank);
    }
    return ODPU_OK;
}

/* An optional per-channel vector: absent, or count elements. */
static odpu_status need_vector(odpu_err *err, const odpu_gnode *n, const odpu_gtensor *t, int64_t count,
                               const char *what)
{
    if (!t)
        return ODPU_OK;
    if (odpu_tensor_numel(t) != count || t->rank > 1)
        return node_err(err, n, "%s '%s' must have %" PRId64 " elements (1-D)", what, t->name, count);
    return ODPU_OK;
}

static int normalize_axis(int axis, int rank_plus) /* axis in [-rank_plus, rank_plus) */
{
    return axis < 0 ? axis + rank_plus : axis;
}

/* ---- Spatial --------------------------------------------------------------------------- */

/* ONNX auto_pad -> explicit pads; the output is then ceil(in / stride) by the floor formula. */
static void resolve_auto_pad(odpu_node_attrs *a, const int64_t *in_hw)
{
    if (a->auto_pad == ODPU_AUTO_PAD_NOTSET)
        return;
    for (int i = 0; i < 2; i++) {
        int64_t begin = 0, end = 0;
        if (a->auto_pad != ODPU_AUTO_PAD_VALID) {
            int64_t out = (in_hw[i] + a->stride[i] - 1) / a->stride[i];
            int64_t ek = (int64_t)(a->kernel[i] - 1) * a->dilation[i] + 1;
            int64_t total = (out - 1) * a->stride[i] + ek - in_hw[i];
            if (total < 0)
                total = 0;
            begin = a->auto_pad == ODPU_AUTO_PAD_SAME_UPPER ? total / 2 : total - total / 2;
            end = total - begin;
            a->ceil_mode = 0;
        }
        a->pads[i] = (int)begin;
        a->pads[i + 2] = (int)end;
    }
    a->auto_pad = ODPU_AUTO_PAD_NOTSET;
}

/* Output size along one axis (ONNX Conv/Pool rules; ceil_mode for pools: the last window must
 * start inside the input or the leading padding). */
static odpu_status spatial_out(odpu_err *err, const odpu_gnode *n, int i, int64_t in, int64_t *out)
{
    const odpu_node_attrs *a = &n->a;
    int64_t ek = (int64_t)(a->kernel[i] - 1) * a->dilation[i] + 1;
    int64_t span = in + a->pads[i] + a->pads[i + 2] - ek;
    if (a->kernel[i] < 1 || a->stride[i] < 1 || a->dilation[i] < 1)
        return node_err(err, n, "kernel, stride and dilation must be positive");
    if (span < 0)
        return node_err(err, n, "kernel %" PRId64 " (dilated) larger than the padded input %" PRId64 " (%s)", ek,
                        in + a->pads[i] + a->pads[i + 2], i ? "width" : "height");
    int64_t o = span / a->stride[i] + 1;
    if (a->ceil_mode) {
        o = (span + a->stride[i] - 1) / a->stride[i] + 1;
        if ((o - 1) * a->stride[i] >= in + a->pads[i])
            o--;
    }
    *out = o;
    return ODPU_OK;
}

static odpu_status spatial_shape(odpu_err *err, odpu_gnode *n, const odpu_gtensor *x, int64_t out_c, shape *o)
{
    resolve_auto_pad(&n->a, &x->dims[2]);
    o->rank = 4;
    o->d[0] = x->dims[0];
    o->d[1] = out_c;
    for (int i = 0; i < 2; i++) {
        odpu_status st = spatial_out(err, n, i, x->dims[2 + i], &o->d[2 + i]);
        if (st)
            return st;
    }
    return ODPU_OK;
}

/* ---- Operators ------------------------------------------------------------------------- */

static odpu_status infer_conv(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0), *w = in_t(g, n, 1);
    odpu_status st = need_rank(err, n, x, 4, "input");
    if (!st)
        st = need_rank(err, n, w, 4, "weight (only 2-D convolution)");
    if (st)
        return st;
    int64_t m = w->dims[0], cg = w->dims[1];
    if (n->a.group < 1 || x->dims[1] != cg * n->a.group || m % n->a.group != 0)
        return node_err(err, n, "input has %" PRId64 " channels; weight '%s' [%" PRId64 ", %" PRId64
                        ", ...] with group %d needs %" PRId64 " and a multiple of the group as outputs",
                        x->dims[1], w->name, m, cg, n->a.group, cg * n->a.group);
    for (int i = 0; i < 2; i++) {
        if (n->a.kernel[i] && n->a.kernel[i] != w->dims[2 + i])
            return node_err(err, n, "kernel_shape %d differs from the weight's %" PRId64, n->a.kernel[i],
                            w->dims[2 + i]);
        if (w->dims[2 + i] < 1 || w->dims[2 + i] > DIM_MAX)
            return node_err(err, n, "weight kernel size %" PRId64, w->dims[2 + i]);
        n->a.kernel[i] = (int)w->dims[2 + i];
    }
    if ((st = need_vector(err, n, in_t(g, n, 2), m, "bias")))
        return st;
    return spatial_shape(err, n, x, m, o);
}

static odpu_status infer_pool(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    odpu_status st = need_rank(err, n, x, 4, "input (only 2-D pooling)");
    if (st)
        return st;
    for (int i = 0; i < 4; i++)
        if (n->a.pads[i] >= n->a.kernel[i % 2])
            return node_err(err, n, "pad %d not smaller than the kernel %d: windows would lie in the padding",
                            n->a.pads[i], n->a.kernel[i % 2]);
    return spatial_shape(err, n, x, x->dims[1], o);
}

static odpu_status infer_gap(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    odpu_status st = need_rank(err, n, x, 4, "input");
    if (st)
        return st;
    *o = (shape){4, {x->dims[0], x->dims[1], 1, 1}};
    return ODPU_OK;
}

static odpu_status infer_gemm(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *a = in_t(g, n, 0), *b = in_t(g, n, 1), *c = in_t(g, n, 2);
    odpu_status st = need_rank(err, n, a, 2, "A");
    if (!st)
        st = need_rank(err, n, b, 2, "B");
    if (st)
        return st;
    int64_t m = a->dims[n->a.trans_a ? 1 : 0], k = a->dims[n->a.trans_a ? 0 : 1];
    int64_t kb = b->dims[n->a.trans_b ? 1 : 0], nn = b->dims[n->a.trans_b ? 0 : 1];
    if (k != kb)
        return node_err(err, n, "A has %" PRId64 " columns, B '%s' %" PRId64 " rows (after transA/transB)", k,
                        b->name, kb);
    if (c) {
        int ok = c->rank <= 2;
        int64_t cm = c->rank == 2 ? c->dims[0] : 1, cn = c->rank >= 1 ? c->dims[c->rank - 1] : 1;
        ok = ok && (cm == 1 || cm == m) && (cn == 1 || cn == nn);
        if (!ok)
            return node_err(err, n, "C '%s' does not broadcast to [%" PRId64 ", %" PRId64 "]", c->name, m, nn);
    }
    *o = (shape){2, {m, nn}};
    return ODPU_OK;
}

static odpu_status infer_matmul(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *a = in_t(g, n, 0), *b = in_t(g, n, 1);
    odpu_status st = need_rank(err, n, b, 2, "B (only a 2-D constant right operand)");
    if (st)
        return st;
    if (!a || a->rank < 2)
        return node_err(err, n, "A must have rank 2 or more");
    if (a->dims[a->rank - 1] != b->dims[0])
        return node_err(err, n, "A has %" PRId64 " columns, B '%s' %" PRId64 " rows", a->dims[a->rank - 1],
                        b->name, b->dims[0]);
    o->rank = a->rank;
    memcpy(o->d, a->dims, sizeof o->d);
    o->d[a->rank - 1] = b->dims[1];
    return ODPU_OK;
}

static odpu_status infer_bn(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    if (!x || x->rank < 2)
        return node_err(err, n, "input must have rank 2 or more");
    static const char *const what[] = {"scale", "bias", "mean", "var"};
    for (int k = 1; k <= 4; k++) {
        if (!in_t(g, n, k))
            return node_err(err, n, "%s is missing", what[k - 1]);
        odpu_status st = need_vector(err, n, in_t(g, n, k), x->dims[1], what[k - 1]);
        if (st)
            return st;
    }
    o->rank = x->rank;
    memcpy(o->d, x->dims, sizeof o->d);
    return ODPU_OK;
}

static odpu_status infer_same(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    if (!x)
        return node_err(err, n, "input is missing");
    o->rank = x->rank;
    memcpy(o->d, x->dims, sizeof o->d);
    if (n->op == ODPU_NODE_SOFTMAX) {
        int ax = normalize_axis(n->a.axis, x->rank);
        if (ax < 0 || ax >= x->rank)
            return node_err(err, n, "axis %d out of range for rank %d", n->a.axis, x->rank);
        n->a.axis = ax;
    }
    return ODPU_OK;
}

/* Numpy broadcasting of two shapes. */
static odpu_status infer_add(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *a = in_t(g, n, 0), *b = in_t(g, n, 1);
    if (!a || !b)
        return node_err(err, n, "needs two inputs");
    o->rank = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < o->rank; i++) {
        int ia = i - (o->rank - a->rank), ib = i - (o->rank - b->rank);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1) {
            char sa[128], sb[128];
            fmt_shape(a, sa, sizeof sa);
            fmt_shape(b, sb, sizeof sb);
            return node_err(err, n, "shapes %s ('%s') and %s ('%s') do not broadcast", sa, a->name, sb, b->name);
        }
        o->d[i] = da == 1 ? db : da;
    }
    return ODPU_OK;
}

static odpu_status infer_concat(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x0 = in_t(g, n, 0);
    if (!x0)
        return node_err(err, n, "needs inputs");
    int ax = normalize_axis(n->a.axis, x0->rank);
    if (ax < 0 || ax >= x0->rank)
        return node_err(err, n, "axis %d out of range for rank %d", n->a.axis, x0->rank);
    n->a.axis = ax;
    o->rank = x0->rank;
    memcpy(o->d, x0->dims, sizeof o->d);
    o->d[ax] = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const odpu_gtensor *x = in_t(g, n, k);
        if (!x || x->rank != x0->rank)
            return node_err(err, n, "input %d has a different rank", k);
        for (int i = 0; i < x->rank; i++)
            if (i != ax && x->dims[i] != x0->dims[i]) {
                char s0[128], s[128];
                fmt_shape(x0, s0, sizeof s0);
                fmt_shape(x, s, sizeof s);
                return node_err(err, n, "input %d '%s' %s does not match input 0 '%s' %s off axis %d", k, x->name,
                                s, x0->name, s0, ax);
            }
        o->d[ax] += x->dims[ax];
    }
    return ODPU_OK;
}

static odpu_status infer_flatten(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    if (!x)
        return node_err(err, n, "input is missing");
    int ax = normalize_axis(n->a.axis, x->rank);
    if (ax < 0 || ax > x->rank)
        return node_err(err, n, "axis %d out of range for rank %d", n->a.axis, x->rank);
    n->a.axis = ax;
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < x->rank; i++)
        *(i < ax ? &outer : &inner) *= x->dims[i];
    *o = (shape){2, {outer, inner}};
    return ODPU_OK;
}

/* 0 copies the input's dim, -1 takes what is left; the resolved target is kept in a.shape. */
static odpu_status infer_reshape(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0);
    if (!x)
        return node_err(err, n, "input is missing");
    int64_t total = odpu_tensor_numel(x), known = 1;
    int minus = -1;
    o->rank = n->a.shape_rank;
    for (int i = 0; i < o->rank; i++) {
        int64_t v = n->a.shape[i];
        if (v == 0) {
            if (i >= x->rank)
                return node_err(err, n, "shape value 0 at position %d but the input has rank %d", i, x->rank);
            v = x->dims[i];
        }
        if (v == -1)
            minus = i;
        else
            known *= v;
        o->d[i] = v;
    }
    if (minus >= 0) {
        if (known == 0 || total % known)
            return node_err(err, n, "cannot infer -1: %" PRId64 " elements into parts of %" PRId64, total, known);
        o->d[minus] = total / known;
        known *= o->d[minus];
    }
    if (known != total) {
        char s[128];
        fmt_shape(x, s, sizeof s);
        return node_err(err, n, "cannot reshape %s (%" PRId64 " elements) to %" PRId64 " elements", s, total, known);
    }
    for (int i = 0; i < o->rank; i++)
        n->a.shape[i] = o->d[i];
    return ODPU_OK;
}

static odpu_status infer_qdq(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err)
{
    const odpu_gtensor *x = in_t(g, n, 0), *s = in_t(g, n, 1);
    if (!x || !s)
        return node_err(err, n, "needs x and scale");
    int64_t ns = odpu_tensor_numel(s);
    if (ns != 1) {
        int ax = normalize_axis(n->a.axis, x->rank);
        if (ax < 0 || ax >= x->rank)
            return node_err(err, n, "axis %d out of range for rank %d", n->a.axis, x->rank);
        n->a.axis = ax;
        if (ns != x->dims[ax])
            return node_err(err, n, "%" PRId64 " scales for %" PRId64 " elements along axis %d", ns, x->dims[ax], ax);
    }
    o->rank = x->rank;
    memcpy(o->d, x->dims, sizeof o->d);
    return ODPU_OK;
}

typedef odpu_status (*infer_fn)(const odpu_graph *g, odpu_gnode *n, shape *o, odpu_err *err);

static infer_fn infer_for(odpu_node_op op)
{
    switch (op) {
    case ODPU_NODE_CONV: return infer_conv;
    case ODPU_NODE_GEMM: return infer_gemm;
    case ODPU_NODE_MATMUL: return infer_matmul;
    case ODPU_NODE_BATCHNORM: return infer_bn;
    case ODPU_NODE_MAXPOOL:
    case ODPU_NODE_AVGPOOL: return infer_pool;
    case ODPU_NODE_GLOBAL_AVGPOOL: return infer_gap;
    case ODPU_NODE_ADD: return infer_add;
    case ODPU_NODE_CONCAT: return infer_concat;
    case ODPU_NODE_FLATTEN: return infer_flatten;
    case ODPU_NODE_RESHAPE: return infer_reshape;
    case ODPU_NODE_QUANTIZE:
    case ODPU_NODE_DEQUANTIZE: return infer_qdq;
    case ODPU_NODE_RELU:
    case ODPU_NODE_CLIP:
    case ODPU_NODE_LEAKY_RELU:
    case ODPU_NODE_IDENTITY:
    case ODPU_NODE_SOFTMAX: return infer_same;
    case ODPU_NODE_OP_COUNT: break;
    }
    return NULL;
}

/* Every input must be a constant, a graph input or the output of an earlier node. */
static odpu_status check_inputs_ready(const odpu_graph *g, int ni, odpu_err *err)
{
    const odpu_gnode *n = &g->nodes[ni];
    for (int k = 0; k < n->n_inputs; k++) {
        int t = n->inputs[k];
        if (t < 0)
            continue;
        const odpu_gtensor *x = &g->tensors[t];
        int is_input = 0;
        for (int i = 0; i < g->n_inputs; i++)
            is_input |= g->inputs[i] == t;
        int p = x->producer;
        if (!x->data && !is_input && (p < 0 || p >= ni || g->nodes[p].dead))
            return node_err(err, n, "input '%s' is not computed before this node", x->name);
    }
    return ODPU_OK;
}

odpu_status odpu_graph_infer_shapes(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead)
            continue;
        odpu_status st = check_inputs_ready(g, ni, err);
        if (st)
            return st;
        infer_fn fn = infer_for(n->op);
        if (!fn)
            return node_err(err, n, "unknown operator %d", (int)n->op);
        shape o;
        memset(&o, 0, sizeof o);
        if ((st = fn(g, n, &o, err)))
            return st;
        for (int i = 0; i < o.rank; i++)
            if (o.d[i] < 1 || o.d[i] > DIM_MAX)
                return node_err(err, n, "output dimension %d is %" PRId64, i, o.d[i]);
        if (n->n_outputs < 1)
            return node_err(err, n, "has no output");
        odpu_gtensor *out = &g->tensors[n->outputs[0]];
        out->rank = o.rank;
        memset(out->dims, 0, sizeof out->dims);
        memcpy(out->dims, o.d, (size_t)o.rank * sizeof o.d[0]);
    }
    return ODPU_OK;
}
