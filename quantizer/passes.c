/* passes.c - odpu_graph_optimize (see graph.h): rewrite an imported graph into the canonical
 * operators the compiler and quantizer handle (CONV, MAXPOOL, AVGPOOL, GLOBAL_AVGPOOL, ADD,
 * CONCAT, final SOFTMAX), folding BatchNorm, biases and activations and removing the rest. */
#include "quantizer/graph.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_LEN = 256 }; /* names of tensors the passes create */

static odpu_status pass_fail(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static odpu_status pass_fail(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
{
    char msg[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return odpu_fail(err, ODPU_E_INVALID, "node '%s' (%s): %s", n->name, odpu_node_op_name(n->op), msg);
}

/* ---- Graph surgery helpers ------------------------------------------------------------- */

/* The live node producing t, if t is used by exactly one node (consumer) and is no graph
 * output: only then may the producer's output be renamed or its values changed. */
static int sole_producer(const odpu_graph *g, int t)
{
    if (t < 0 || g->tensors[t].data || odpu_graph_is_output(g, t) || odpu_graph_consumers(g, t, NULL, 0) != 1)
        return -1;
    int p = g->tensors[t].producer;
    return p >= 0 && !g->nodes[p].dead ? p : -1;
}

/* Node n disappears; its output y is now produced by p (whose old output fed only n). */
static void take_over_output(odpu_graph *g, int p, odpu_gnode *n)
{
    int y = n->outputs[0];
    g->nodes[p].outputs[0] = y;
    g->tensors[y].producer = p;
    n->dead = 1;
}

/* Every live reader of `from` reads `to` instead. */
static void redirect(odpu_graph *g, int from, int to)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead)
            continue;
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] == from)
                n->inputs[k] = to;
    }
}

/* Remove a node that passes its input through unchanged (Identity, and Flatten/Reshape that
 * keep the layout). Returns 1 if removed. */
static int bypass(odpu_graph *g, odpu_gnode *n)
{
    int x = n->inputs[0], y = n->outputs[0];
    if (!odpu_graph_is_output(g, y)) {
        redirect(g, y, x);
        n->dead = 1;
        return 1;
    }
    int p = sole_producer(g, x);
    if (p >= 0) {
        take_over_output(g, p, n);
        return 1;
    }
    return 0;
}

static odpu_status set_inputs(odpu_graph *g, int ni, const int *ins, int n_ins, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    int *p = realloc(n->inputs, (size_t)n_ins * sizeof *p);
    if (!p)
        return odpu_fail(err, ODPU_E_NOMEM, "node '%s': out of memory", n->name);
    memcpy(p, ins, (size_t)n_ins * sizeof *p);
    n->inputs = p;
    n->n_inputs = n_ins;
    return ODPU_OK;
}

/* A new constant named after its node ("<node>/<what>", made unique). Returns its index. */
static int new_constant(odpu_graph *g, const char *node, const char *what, int rank, const int64_t *dims,
                        const float *data, odpu_err *err)
{
    char name[NAME_LEN];
    snprintf(name, sizeof name, "%s/%s", node, what);
    for (int k = 1; odpu_graph_find_tensor(g, name) >= 0; k++)
        snprintf(name, sizeof name, "%s/%s_%d", node, what, k);
    return odpu_graph_add_tensor(g, name, rank, dims, data, err);
}

/* Node ni reads x with new constants w [m, ...] (dims wdims) and b [m]. */
static odpu_status set_conv_params(odpu_graph *g, int ni, int x, const float *w, const int64_t *wdims,
                                   const float *b, odpu_err *err)
{
    char node[NAME_LEN];
    snprintf(node, sizeof node, "%s", g->nodes[ni].name);
    int wt = new_constant(g, node, "weight", 4, wdims, w, err);
    int bt = wt < 0 ? -1 : new_constant(g, node, "bias", 1, &wdims[0], b, err);
    if (bt < 0)
        return err ? err->code : ODPU_E_NOMEM;
    const int ins[3] = {x, wt, bt};
    return set_inputs(g, ni, ins, 3, err);
}

/* Turn node ni into a CONV over x with weight w [m, cin/group, kh, kw] and bias b[m]. */
static odpu_status make_conv(odpu_graph *g, int ni, int x, const float *w, const int64_t *wdims, const float *b,
                             int group, odpu_err *err)
{
    odpu_status st = set_conv_params(g, ni, x, w, wdims, b, err);
    if (st)
        return st;
    odpu_gnode *n = &g->nodes[ni];
    odpu_node_attrs *a = &n->a;
    n->op = ODPU_NODE_CONV;
    memset(a->pads, 0, sizeof a->pads);
    a->kernel[0] = (int)wdims[2];
    a->kernel[1] = (int)wdims[3];
    a->stride[0] = a->stride[1] = 1;
    a->dilation[0] = a->dilation[1] = 1;
    a->group = group;
    a->ceil_mode = 0;
    a->auto_pad = ODPU_AUTO_PAD_NOTSET;
    return ODPU_OK;
}

/* Node ni becomes a depthwise 1x1 CONV: y[c] = scale[c] * x[c] + shift[c] (identity when
 * scale is 1 and shift 0) over x's c channels (dim 1). */
static odpu_status make_channel_affine(odpu_graph *g, int ni, int x, const float *scale, const float *shift,
                                       int64_t c, odpu_err *err)
{
    const int64_t wdims[4] = {c, 1, 1, 1};
    return make_conv(g, ni, x, scale, wdims, shift, (int)c, err);
}

static odpu_status make_identity_conv(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    const odpu_gtensor *xt = &g->tensors[n->inputs[0]];
    if (xt->rank != 4 && xt->rank != 2)
        return pass_fail(err, n, "cannot become a CONV: input '%s' has rank %d", xt->name, xt->rank);
    int64_t c = xt->dims[1];
    float *ones = malloc((size_t)c * sizeof *ones), *zeros = calloc((size_t)c, sizeof *zeros);
    odpu_status st = ODPU_OK;
    if (!ones || !zeros)
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int64_t i = 0; !st && i < c; i++)
        ones[i] = 1.0f;
    if (!st)
        st = make_channel_affine(g, ni, n->inputs[0], ones, zeros, c, err);
    free(ones);
    free(zeros);
    return st;
}

/* Copy of a constant's data (NULL with err set when not constant or out of memory). */
static float *copy_data(const odpu_graph *g, int t, int64_t expect, odpu_err *err)
{
    const odpu_gtensor *x = &g->tensors[t];
    int64_t cnt = odpu_tensor_numel(x);
    if (!x->data || cnt != expect) {
        odpu_fail(err, ODPU_E_INVALID, "tensor '%s' is not a constant of %lld values", x->name, (long long)expect);
        return NULL;
    }
    float *d = malloc((size_t)(cnt ? cnt : 1) * sizeof *d);
    if (!d)
        odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    else
        memcpy(d, x->data, (size_t)cnt * sizeof *d);
    return d;
}

/* ---- QDQ and identities ---------------------------------------------------------------- */

static odpu_status reject_qdq(const odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        if (!n->dead && (n->op == ODPU_NODE_QUANTIZE || n->op == ODPU_NODE_DEQUANTIZE))
            return pass_fail(err, n, "QDQ nodes must be absorbed first (odpu_qdq_absorb)");
    }
    return ODPU_OK;
}

static void remove_identities(odpu_graph *g)
{
    for (int ni = 0; ni < g->n_nodes; ni++)
        if (!g->nodes[ni].dead && g->nodes[ni].op == ODPU_NODE_IDENTITY)
            bypass(g, &g->nodes[ni]);
}

/* ---- Constant Add: a bias --------------------------------------------------------------- */

/* Per-channel values of constant c broadcast against activation x (channel = dim 1):
 * fills vals[ch] and returns 1, or 0 if c varies along another axis. */
static int channel_values(const odpu_gtensor *x, const odpu_gtensor *c, float *vals)
{
    if (c->rank > x->rank)
        return 0;
    int64_t nch = x->dims[1], cch = 1;
    for (int i = 0; i < c->rank; i++) {
        int xi = i + (x->rank - c->rank);
        if (c->dims[i] == 1)
            continue;
        if (xi != 1 || c->dims[i] != nch)
            return 0;
        cch = nch;
    }
    for (int64_t ch = 0; ch < nch; ch++)
        vals[ch] = c->data[cch == 1 ? 0 : ch];
    return 1;
}

/* Add(x, constant) after a CONV/GEMM/MATMUL: into its bias; otherwise, per channel, a
 * depthwise CONV; otherwise an error. */
static odpu_status fold_constant_add(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    int k = g->tensors[n->inputs[0]].data ? 0 : 1; /* k: the constant operand */
    int x = n->inputs[1 - k], ct = n->inputs[k];
    if (g->tensors[x].data)
        return pass_fail(err, n, "both operands are constants");
    const odpu_gtensor *xt = &g->tensors[x];
    if (xt->rank < 2)
        return pass_fail(err, n, "input '%s' has rank %d", xt->name, xt->rank);
    int64_t nch = xt->dims[1];
    float *vals = malloc((size_t)nch * sizeof *vals);
    if (!vals)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    odpu_status st = ODPU_OK;
    if (!channel_values(xt, &g->tensors[ct], vals)) {
        st = pass_fail(err, n, "constant '%s' is not a per-channel bias of '%s'", g->tensors[ct].name, xt->name);
        goto out;
    }
    int p = sole_producer(g, x);
    odpu_gnode *pn = p >= 0 ? &g->nodes[p] : NULL;
    /* A Gemm/MatMul bias runs along the last axis: fold only where that is the channel. */
    if (pn && pn->act == ODPU_ACT_NONE &&
        (pn->op == ODPU_NODE_CONV || ((pn->op == ODPU_NODE_GEMM || pn->op == ODPU_NODE_MATMUL) && xt->rank == 2))) {
        int bidx = pn->op == ODPU_NODE_MATMUL ? -1 : (pn->n_inputs > 2 ? pn->inputs[2] : -1);
        if (pn->op == ODPU_NODE_GEMM && bidx >= 0) {
            /* Gemm's bias is beta * C and may broadcast along M: fold only a per-column C. */
            const odpu_gtensor *c = &g->tensors[bidx];
            if (c->rank == 2 && c->dims[0] != 1) {
                st = pass_fail(err, n, "cannot fold into '%s' whose C varies along M", pn->name);
                goto out;
            }
        }
        float *bias = calloc((size_t)nch, sizeof *bias);
        if (!bias) {
            st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
            goto out;
        }
        if (bidx >= 0) {
            const odpu_gtensor *c = &g->tensors[bidx];
            int64_t cn = odpu_tensor_numel(c);
            float scale = pn->op == ODPU_NODE_GEMM ? pn->a.beta : 1.0f;
            for (int64_t i = 0; i < nch; i++)
                bias[i] = scale * c->data[cn == 1 ? 0 : i];
        }
        for (int64_t i = 0; i < nch; i++)
            bias[i] += vals[i];
        char pname[NAME_LEN];
        snprintf(pname, sizeof pname, "%s", pn->name);
        int bt = new_constant(g, pname, "bias", 1, &nch, bias, err);
        free(bias);
        if (bt < 0) {
            st = err ? err->code : ODPU_E_NOMEM;
            goto out;
        }
        pn = &g->nodes[p];
        if (pn->op == ODPU_NODE_MATMUL) { /* MatMul + bias = Gemm (A rank 2) */
            pn->op = ODPU_NODE_GEMM;
            pn->a.alpha = 1.0f;
            pn->a.trans_a = pn->a.trans_b = 0;
        }
        pn->a.beta = 1.0f;
        const int ins[3] = {pn->inputs[0], pn->inputs[1], bt};
        st = set_inputs(g, p, ins, 3, err);
        if (!st)
            take_over_output(g, p, &g->nodes[ni]);
        goto out;
    }
    float *ones = malloc((size_t)nch * sizeof *ones);
    if (!ones) {
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
        goto out;
    }
    for (int64_t i = 0; i < nch; i++)
        ones[i] = 1.0f;
    st = make_channel_affine(g, ni, x, ones, vals, nch, err);
    free(ones);
out:
    free(vals);
    return st;
}

static odpu_status fold_constant_adds(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead || n->op != ODPU_NODE_ADD)
            continue;
        if (g->tensors[n->inputs[0]].data || g->tensors[n->inputs[1]].data) {
            odpu_status st = fold_constant_add(g, ni, err);
            if (st)
                return st;
        }
    }
    return ODPU_OK;
}

/* ---- BatchNormalization ---------------------------------------------------------------- */

/* y = k * x + s with k = scale / sqrt(var + eps), s = bias - mean * k. */
static odpu_status bn_coefficients(const odpu_graph *g, const odpu_gnode *n, int64_t c, float *k, float *s,
                                   odpu_err *err)
{
    const float *p[4];
    for (int i = 0; i < 4; i++) {
        const odpu_gtensor *t = &g->tensors[n->inputs[1 + i]];
        if (!t->data || odpu_tensor_numel(t) != c)
            return pass_fail(err, n, "parameter '%s' is not a constant of %lld values", t->name, (long long)c);
        p[i] = t->data;
    }
    for (int64_t ch = 0; ch < c; ch++) {
        double kk = (double)p[0][ch] / sqrt((double)p[3][ch] + (double)n->a.epsilon);
        k[ch] = (float)kk;
        s[ch] = (float)((double)p[1][ch] - (double)p[2][ch] * kk);
    }
    return ODPU_OK;
}

/* BN after a CONV: scale each output channel's weights, rebias. */
static odpu_status fold_bn_into_conv(odpu_graph *g, int p, const float *k, const float *s, odpu_err *err)
{
    odpu_gnode *pn = &g->nodes[p];
    const odpu_gtensor *wt = &g->tensors[pn->inputs[1]];
    const int64_t m = wt->dims[0], per = odpu_tensor_numel(wt) / m;
    const int64_t wdims[4] = {wt->dims[0], wt->dims[1], wt->dims[2], wt->dims[3]};
    float *w = copy_data(g, pn->inputs[1], m * per, err);
    float *b = calloc((size_t)m, sizeof *b);
    odpu_status st = ODPU_OK;
    if (!w || !b) {
        st = w ? odpu_fail(err, ODPU_E_NOMEM, "out of memory") : (err ? err->code : ODPU_E_INVALID);
        goto out;
    }
    int bidx = pn->n_inputs > 2 ? pn->inputs[2] : -1;
    for (int64_t o = 0; o < m; o++) {
        float b0 = bidx >= 0 ? g->tensors[bidx].data[o] : 0.0f;
        for (int64_t i = 0; i < per; i++)
            w[o * per + i] *= k[o];
        b[o] = b0 * k[o] + s[o];
    }
    st = set_conv_params(g, p, pn->inputs[0], w, wdims, b, err);
out:
    free(w);
    free(b);
    return st;
}

/* BN on a Gemm's output features (2-D): scale the columns of op(B), rebias. */
static odpu_status fold_bn_into_gemm(odpu_graph *g, int p, const float *k, const float *s, odpu_err *err)
{
    odpu_gnode *pn = &g->nodes[p];
    const odpu_gtensor *bt = &g->tensors[pn->inputs[1]];
    const int tb = pn->op == ODPU_NODE_GEMM && pn->a.trans_b;
    const int64_t kdim = bt->dims[tb ? 1 : 0], nn = bt->dims[tb ? 0 : 1];
    int cidx = pn->op == ODPU_NODE_GEMM && pn->n_inputs > 2 ? pn->inputs[2] : -1;
    if (cidx >= 0 && g->tensors[cidx].rank == 2 && g->tensors[cidx].dims[0] != 1)
        return pass_fail(err, pn, "C varies along M: BatchNormalization cannot be folded");
    float *w = copy_data(g, pn->inputs[1], kdim * nn, err);
    float *c = calloc((size_t)nn, sizeof *c);
    odpu_status st = ODPU_OK;
    if (!w || !c) {
        st = w ? odpu_fail(err, ODPU_E_NOMEM, "out of memory") : (err ? err->code : ODPU_E_INVALID);
        goto out;
    }
    for (int64_t kk = 0; kk < kdim; kk++)
        for (int64_t j = 0; j < nn; j++)
            w[tb ? j * kdim + kk : kk * nn + j] *= k[j];
    const float beta = pn->op == ODPU_NODE_GEMM ? pn->a.beta : 1.0f;
    for (int64_t j = 0; j < nn; j++) {
        float c0 = 0.0f;
        if (cidx >= 0) {
            int64_t cn = odpu_tensor_numel(&g->tensors[cidx]);
            c0 = beta * g->tensors[cidx].data[cn == 1 ? 0 : j];
        }
        c[j] = c0 * k[j] + s[j];
    }
    char pname[NAME_LEN];
    snprintf(pname, sizeof pname, "%s", pn->name);
    const int64_t bdims[2] = {bt->dims[0], bt->dims[1]};
    int wt = new_constant(g, pname, "weight", 2, bdims, w, err);
    int ct = wt < 0 ? -1 : new_constant(g, pname, "bias", 1, &nn, c, err);
    if (ct < 0) {
        st = err ? err->code : ODPU_E_NOMEM;
        goto out;
    }
    pn = &g->nodes[p];
    if (pn->op == ODPU_NODE_MATMUL) {
        pn->op = ODPU_NODE_GEMM;
        pn->a.alpha = 1.0f;
        pn->a.trans_a = pn->a.trans_b = 0;
    }
    pn->a.beta = 1.0f;
    const int ins[3] = {pn->inputs[0], wt, ct};
    st = set_inputs(g, p, ins, 3, err);
out:
    free(w);
    free(c);
    return st;
}

static odpu_status fold_batchnorm(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    int x = n->inputs[0];
    const int64_t c = g->tensors[x].dims[1];
    float *k = malloc((size_t)c * sizeof *k), *s = malloc((size_t)c * sizeof *s);
    odpu_status st = ODPU_OK;
    if (!k || !s) {
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
        goto out;
    }
    if ((st = bn_coefficients(g, n, c, k, s, err)))
        goto out;
    int p = sole_producer(g, x);
    odpu_gnode *pn = p >= 0 ? &g->nodes[p] : NULL;
    int foldable = pn && pn->act == ODPU_ACT_NONE && g->tensors[pn->inputs[1]].data;
    if (foldable && pn->op == ODPU_NODE_CONV) {
        st = fold_bn_into_conv(g, p, k, s, err);
    } else if (foldable && (pn->op == ODPU_NODE_GEMM || pn->op == ODPU_NODE_MATMUL) && g->tensors[x].rank == 2) {
        st = fold_bn_into_gemm(g, p, k, s, err);
    } else {
        /* Nothing to fold into: a per-channel scale and shift, i.e. a depthwise 1x1 CONV. */
        st = make_channel_affine(g, ni, x, k, s, c, err);
        goto out;
    }
    if (!st)
        take_over_output(g, p, &g->nodes[ni]);
out:
    free(k);
    free(s);
    return st;
}

static odpu_status fold_batchnorms(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        if (g->nodes[ni].dead || g->nodes[ni].op != ODPU_NODE_BATCHNORM)
            continue;
        odpu_status st = fold_batchnorm(g, ni, err);
        if (st)
            return st;
    }
    return ODPU_OK;
}

/* ---- Fully connected layers as CONV ---------------------------------------------------- */

/* The FC's input as an NCHW tensor: through a Flatten/Reshape of [N, C, H, W] into [N, CHW]
 * the kernel covers H x W (a Flatten of [N, K] is looked through too); a plain [N, K] input
 * is [N, K, 1, 1]. */
static void fc_source(const odpu_graph *g, int a, int *src, int64_t *c, int64_t *h, int64_t *w)
{
    const odpu_gtensor *at = &g->tensors[a];
    *src = a;
    *c = at->dims[1];
    *h = *w = 1;
    int p = at->producer;
    if (p < 0 || g->nodes[p].dead || (g->nodes[p].op != ODPU_NODE_FLATTEN && g->nodes[p].op != ODPU_NODE_RESHAPE))
        return;
    const odpu_gtensor *xt = &g->tensors[g->nodes[p].inputs[0]];
    if ((xt->rank != 4 && xt->rank != 2) || at->rank != 2 || at->dims[0] != xt->dims[0] ||
        odpu_tensor_numel(at) != odpu_tensor_numel(xt))
        return;
    *src = g->nodes[p].inputs[0];
    *c = xt->dims[1];
    if (xt->rank == 4) {
        *h = xt->dims[2];
        *w = xt->dims[3];
    }
}

/* Weight [o][c*H*W + h*W + w] of the FC is OIHW [o][c][h][w] of the CONV: same order. */
static odpu_status fc_to_conv(odpu_graph *g, int ni, odpu_err *err)
{
    odpu_gnode *n = &g->nodes[ni];
    const odpu_gtensor *at = &g->tensors[n->inputs[0]], *bt = &g->tensors[n->inputs[1]];
    const int is_gemm = n->op == ODPU_NODE_GEMM;
    if (at->rank != 2)
        return pass_fail(err, n, "input '%s' has rank %d; only 2-D inputs map to a CONV", at->name, at->rank);
    if (is_gemm && n->a.trans_a)
        return pass_fail(err, n, "transA=1 cannot be mapped to a CONV");
    if (!bt->data)
        return pass_fail(err, n, "weight '%s' is not a constant", bt->name);
    const int tb = is_gemm && n->a.trans_b;
    const int64_t kdim = bt->dims[tb ? 1 : 0], m = bt->dims[tb ? 0 : 1];
    int cidx = is_gemm && n->n_inputs > 2 ? n->inputs[2] : -1;
    if (cidx >= 0 && g->tensors[cidx].rank == 2 && g->tensors[cidx].dims[0] != 1)
        return pass_fail(err, n, "C '%s' varies along M: not a per-output bias", g->tensors[cidx].name);
    int src;
    int64_t c, h, w;
    fc_source(g, n->inputs[0], &src, &c, &h, &w);
    float *wd = malloc((size_t)(m * kdim) * sizeof *wd), *bd = calloc((size_t)m, sizeof *bd);
    odpu_status st = ODPU_OK;
    if (!wd || !bd) {
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
        goto out;
    }
    const float alpha = is_gemm ? n->a.alpha : 1.0f;
    for (int64_t o = 0; o < m; o++)
        for (int64_t kk = 0; kk < kdim; kk++)
            wd[o * kdim + kk] = alpha * bt->data[tb ? o * kdim + kk : kk * m + o];
    if (cidx >= 0) {
        const odpu_gtensor *ct = &g->tensors[cidx];
        int64_t cn = odpu_tensor_numel(ct);
        for (int64_t o = 0; o < m; o++)
            bd[o] = n->a.beta * ct->data[cn == 1 ? 0 : o];
    }
    /* A 2-D graph input becomes [N, K, 1, 1]: the same data in the same order. */
    if (g->tensors[src].rank == 2 && odpu_graph_is_input(g, src)) {
        odpu_gtensor *it = &g->tensors[src];
        it->rank = 4;
        it->dims[2] = it->dims[3] = 1;
    }
    const int64_t wdims[4] = {m, c, h, w};
    st = make_conv(g, ni, src, wd, wdims, bd, 1, err);
out:
    free(wd);
    free(bd);
    return st;
}

static odpu_status convert_fcs(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead || (n->op != ODPU_NODE_GEMM && n->op != ODPU_NODE_MATMUL))
            continue;
        odpu_status st = fc_to_conv(g, ni, err);
        if (st)
            return st;
    }
    return ODPU_OK;
}

/* Flatten/Reshape left over (not feeding an FC): removable when they only drop trailing
 * 1x1 spatial dims ([N, C, 1, 1] -> [N, C]), which later ops see as channels either way. */
static void remove_trivial_flattens(odpu_graph *g)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead || (n->op != ODPU_NODE_FLATTEN && n->op != ODPU_NODE_RESHAPE))
            continue;
        if (odpu_graph_consumers(g, n->outputs[0], NULL, 0) == 0 && !odpu_graph_is_output(g, n->outputs[0]))
            continue; /* dead anyway */
        const odpu_gtensor *x = &g->tensors[n->inputs[0]], *y = &g->tensors[n->outputs[0]];
        if (x->rank == 4 && x->dims[2] == 1 && x->dims[3] == 1 && y->rank == 2 && y->dims[0] == x->dims[0] &&
            y->dims[1] == x->dims[1])
            bypass(g, n);
    }
}

/* ---- Activations ----------------------------------------------------------------------- */

static void act_of(const odpu_gnode *n, odpu_act *act, float *alpha, float *lo, float *hi)
{
    *alpha = 0.0f;
    *lo = -FLT_MAX;
    *hi = FLT_MAX;
    if (n->op == ODPU_NODE_RELU) {
        *act = ODPU_ACT_RELU;
    } else if (n->op == ODPU_NODE_LEAKY_RELU) {
        *act = ODPU_ACT_LEAKY;
        *alpha = n->a.alpha;
    } else if (n->a.clip_min == 0.0f && n->a.clip_max >= FLT_MAX) {
        *act = ODPU_ACT_RELU; /* Clip(0, inf) */
    } else {
        *act = ODPU_ACT_CLIP;
        *lo = n->a.clip_min;
        *hi = n->a.clip_max;
    }
}

/* Which producers take which activations (graph.h): CONV all, ADD ReLU and Clip, MAXPOOL
 * only ReLU. */
static int accepts(const odpu_gnode *p, odpu_act act)
{
    if (p->act != ODPU_ACT_NONE)
        return 0;
    switch (p->op) {
    case ODPU_NODE_CONV: return 1;
    case ODPU_NODE_ADD: return act == ODPU_ACT_RELU || act == ODPU_ACT_CLIP;
    case ODPU_NODE_MAXPOOL: return act == ODPU_ACT_RELU;
    default: return 0;
    }
}

static odpu_status fuse_activations(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead || (n->op != ODPU_NODE_RELU && n->op != ODPU_NODE_CLIP && n->op != ODPU_NODE_LEAKY_RELU))
            continue;
        odpu_act act;
        float alpha, lo, hi;
        act_of(n, &act, &alpha, &lo, &hi);
        int p = sole_producer(g, n->inputs[0]);
        if (p < 0 || !accepts(&g->nodes[p], act)) {
            /* Nothing to fuse into: an identity depthwise CONV carrying the activation. */
            odpu_status st = make_identity_conv(g, ni, err);
            if (st)
                return st;
            p = ni;
        } else {
            take_over_output(g, p, n);
        }
        odpu_gnode *pn = &g->nodes[p];
        pn->act = act;
        pn->act_alpha = alpha;
        pn->act_min = lo;
        pn->act_max = hi;
    }
    return ODPU_OK;
}

/* Every canonical CONV gets a bias (zeros where the model had none): one case less for the
 * quantizer and the compiler. */
static odpu_status add_missing_biases(odpu_graph *g, odpu_err *err)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead || n->op != ODPU_NODE_CONV || (n->n_inputs > 2 && n->inputs[2] >= 0))
            continue;
        int64_t m = g->tensors[n->inputs[1]].dims[0];
        float *zeros = calloc((size_t)(m ? m : 1), sizeof *zeros);
        if (!zeros)
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
        char name[NAME_LEN];
        snprintf(name, sizeof name, "%s", n->name);
        int bt = new_constant(g, name, "bias", 1, &m, zeros, err);
        free(zeros);
        if (bt < 0)
            return err ? err->code : ODPU_E_NOMEM;
        const int ins[3] = {g->nodes[ni].inputs[0], g->nodes[ni].inputs[1], bt};
        odpu_status st = set_inputs(g, ni, ins, 3, err);
        if (st)
            return st;
    }
    return ODPU_OK;
}

/* ---- Dead nodes, compaction, final check ----------------------------------------------- */

static void mark_dead(odpu_graph *g)
{
    for (int ni = g->n_nodes - 1; ni >= 0; ni--) {
        odpu_gnode *n = &g->nodes[ni];
        if (!n->dead && !odpu_graph_is_output(g, n->outputs[0]) && odpu_graph_consumers(g, n->outputs[0], NULL, 0) == 0)
            n->dead = 1;
    }
}

/* Drop dead nodes and tensors nothing refers to; indices are renumbered. */
static odpu_status compact(odpu_graph *g, odpu_err *err)
{
    int *map = malloc((size_t)(g->n_tensors ? g->n_tensors : 1) * sizeof *map);
    if (!map)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    int live = 0;
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        if (n->dead) {
            free(n->name);
            free(n->inputs);
            free(n->outputs);
            continue;
        }
        g->nodes[live++] = *n;
    }
    g->n_nodes = live;
    for (int t = 0; t < g->n_tensors; t++)
        map[t] = -1;
    for (int i = 0; i < g->n_inputs; i++)
        map[g->inputs[i]] = 0;
    for (int i = 0; i < g->n_outputs; i++)
        map[g->outputs[i]] = 0;
    for (int ni = 0; ni < g->n_nodes; ni++) {
        for (int k = 0; k < g->nodes[ni].n_inputs; k++)
            if (g->nodes[ni].inputs[k] >= 0)
                map[g->nodes[ni].inputs[k]] = 0;
        map[g->nodes[ni].outputs[0]] = 0;
    }
    int nt = 0;
    for (int t = 0; t < g->n_tensors; t++) {
        if (map[t] < 0) {
            free(g->tensors[t].name);
            free(g->tensors[t].data);
            free(g->tensors[t].q.ch_scales);
            continue;
        }
        map[t] = nt;
        g->tensors[nt++] = g->tensors[t];
    }
    g->n_tensors = nt;
    for (int i = 0; i < g->n_inputs; i++)
        g->inputs[i] = map[g->inputs[i]];
    for (int i = 0; i < g->n_outputs; i++)
        g->outputs[i] = map[g->outputs[i]];
    for (int t = 0; t < nt; t++)
        g->tensors[t].producer = -1;
    for (int ni = 0; ni < g->n_nodes; ni++) {
        odpu_gnode *n = &g->nodes[ni];
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] >= 0)
                n->inputs[k] = map[n->inputs[k]];
        for (int k = 0; k < n->n_outputs; k++) {
            n->outputs[k] = map[n->outputs[k]];
            g->tensors[n->outputs[k]].producer = ni;
        }
    }
    free(map);
    return ODPU_OK;
}

static odpu_status check_canonical(const odpu_graph *g, odpu_err *err)
{
    for (int i = 0; i < g->n_inputs; i++) {
        const odpu_gtensor *t = &g->tensors[g->inputs[i]];
        if (t->rank != 4 || t->dims[0] != 1)
            return odpu_fail(err, ODPU_E_INVALID, "input '%s': the engine takes one NCHW image (rank 4, batch 1)",
                             t->name);
    }
    for (int ni = 0; ni < g->n_nodes; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        const odpu_gtensor *x = &g->tensors[n->inputs[0]];
        switch (n->op) {
        case ODPU_NODE_CONV:
            if (n->n_inputs != 3 || !g->tensors[n->inputs[1]].data || n->inputs[2] < 0 || !g->tensors[n->inputs[2]].data)
                return pass_fail(err, n, "weight and bias must be constants");
            break;
        case ODPU_NODE_MAXPOOL:
        case ODPU_NODE_AVGPOOL:
        case ODPU_NODE_GLOBAL_AVGPOOL: break;
        case ODPU_NODE_ADD: {
            const odpu_gtensor *b = &g->tensors[n->inputs[1]];
            if (x->data || b->data || x->rank != b->rank || memcmp(x->dims, b->dims, sizeof x->dims) != 0)
                return pass_fail(err, n, "the engine adds two activations of the same shape ('%s', '%s')", x->name,
                                 b->name);
            break;
        }
        case ODPU_NODE_CONCAT:
            if (n->a.axis != 1)
                return pass_fail(err, n, "the engine concatenates channels (axis 1), not axis %d", n->a.axis);
            for (int k = 0; k < n->n_inputs; k++)
                if (g->tensors[n->inputs[k]].data)
                    return pass_fail(err, n, "input '%s' is a constant", g->tensors[n->inputs[k]].name);
            break;
        case ODPU_NODE_SOFTMAX:
            if (!odpu_graph_is_output(g, n->outputs[0]) || odpu_graph_consumers(g, n->outputs[0], NULL, 0) != 0)
                return pass_fail(err, n, "Softmax runs on the host, so only as a final output");
            break;
        default: return pass_fail(err, n, "cannot be mapped to the engine's operators");
        }
        if (x->rank != 4 && n->op != ODPU_NODE_SOFTMAX)
            return pass_fail(err, n, "input '%s' has rank %d, the engine works on NCHW", x->name, x->rank);
    }
    return ODPU_OK;
}

odpu_status odpu_graph_optimize(odpu_graph *g, odpu_err *err)
{
    odpu_status st;
    if ((st = odpu_graph_infer_shapes(g, err)) || (st = reject_qdq(g, err)))
        return st;
    remove_identities(g);
    if ((st = fold_constant_adds(g, err)) || (st = fold_batchnorms(g, err)) || (st = convert_fcs(g, err)))
        return st;
    mark_dead(g);
    if ((st = odpu_graph_infer_shapes(g, err)))
        return st;
    remove_trivial_flattens(g);
    remove_identities(g);
    if ((st = fuse_activations(g, err)))
        return st;
    for (int ni = 0; ni < g->n_nodes; ni++) /* Identity with nothing to merge into */
        if (!g->nodes[ni].dead && g->nodes[ni].op == ODPU_NODE_IDENTITY && (st = make_identity_conv(g, ni, err)))
            return st;
    mark_dead(g);
    if ((st = add_missing_biases(g, err)) || (st = compact(g, err)) || (st = odpu_graph_infer_shapes(g, err)))
        return st;
    return check_canonical(g, err);
}
