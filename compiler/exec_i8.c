/* exec_i8.c - plain-loop INT8 execution of a lowered graph (see exec_i8.h). Every output is
 * written with the shared arithmetic of isa/arith.h, exactly as docs/isa.md defines the
 * instruction that computes it; nothing here knows about tiles or buffers. */
#include "compiler/exec_i8.h"

#include <stdlib.h>
#include <string.h>

struct odpu_i8_exec {
    odpu_lgraph lg;
    int8_t **act;        /* per graph tensor: its HWC values, NULL for non-activations */
    int8_t **w_hwc;      /* per CONV node: weights as [out_c][kh][kw][in_c / groups], so that the
                            innermost loop runs over channels, contiguous in weights and input */
    int32_t **avg_mult;  /* per lowered node: multipliers of an average over n = index positions */
    int32_t **avg_shift;
};

static size_t shape_size(odpu_lshape s) { return (size_t)s.h * s.w * s.c; }

static odpu_status alloc_tables(odpu_i8_exec *ex, odpu_err *err)
{
    const odpu_lgraph *lg = &ex->lg;
    int n_t = lg->g->n_tensors;
    ex->act = calloc((size_t)(n_t ? n_t : 1), sizeof *ex->act);
    ex->avg_mult = calloc((size_t)(lg->n_nodes ? lg->n_nodes : 1), sizeof *ex->avg_mult);
    ex->avg_shift = calloc((size_t)(lg->n_nodes ? lg->n_nodes : 1), sizeof *ex->avg_shift);
    ex->w_hwc = calloc((size_t)(lg->n_nodes ? lg->n_nodes : 1), sizeof *ex->w_hwc);
    if (!ex->act || !ex->avg_mult || !ex->avg_shift || !ex->w_hwc)
        return odpu_fail(err, ODPU_E_NOMEM, "INT8 executor: out of memory");
    for (int t = 0; t < n_t; t++)
        if (lg->shapes[t].c && !(ex->act[t] = malloc(shape_size(lg->shapes[t]))))
            return odpu_fail(err, ODPU_E_NOMEM, "INT8 executor: out of memory for tensor '%s'",
                             lg->g->tensors[t].name);
    return ODPU_OK;
}

/* Averages divide by the count of positions of each window: one multiplier per count. */
static odpu_status avg_tables(odpu_i8_exec *ex, int i, odpu_err *err)
{
    const odpu_lnode *ln = &ex->lg.nodes[i];
    int max_n = ln->u.pool.win.k[0] * ln->u.pool.win.k[1];
    ex->avg_mult[i] = calloc((size_t)max_n + 1, sizeof **ex->avg_mult);
    ex->avg_shift[i] = calloc((size_t)max_n + 1, sizeof **ex->avg_shift);
    if (!ex->avg_mult[i] || !ex->avg_shift[i])
        return odpu_fail(err, ODPU_E_NOMEM, "INT8 executor: out of memory");
    for (int n = 1; n <= max_n; n++) {
        odpu_status st = odpu_avg_multiplier(ln->u.pool.ratio, n, &ex->avg_mult[i][n], &ex->avg_shift[i][n], err);
        if (st != ODPU_OK)
            return odpu_err_prefix(err, "node '%s': ", ln->name);
    }
    return ODPU_OK;
}

static odpu_status transpose_weights(odpu_i8_exec *ex, int i, odpu_err *err)
{
    const odpu_lnode *ln = &ex->lg.nodes[i];
    const odpu_lconv *cv = &ln->u.conv;
    int out_c = ex->lg.shapes[ln->out].c, cg = ex->lg.shapes[ln->in[0]].c / cv->groups;
    int taps = cv->win.k[0] * cv->win.k[1];
    int8_t *t = malloc((size_t)out_c * cg * taps);
    if (!t)
        return odpu_fail(err, ODPU_E_NOMEM, "INT8 executor: out of memory for node '%s'", ln->name);
    for (int o = 0; o < out_c; o++)
        for (int c = 0; c < cg; c++)
            for (int k = 0; k < taps; k++)
                t[((size_t)o * taps + k) * cg + c] = cv->w[((size_t)o * cg + c) * taps + k];
    ex->w_hwc[i] = t;
    return ODPU_OK;
}

odpu_status odpu_i8_exec_create(const odpu_graph *g, odpu_i8_exec **out, odpu_err *err)
{
    *out = NULL;
    odpu_i8_exec *ex = calloc(1, sizeof *ex);
    if (!ex)
        return odpu_fail(err, ODPU_E_NOMEM, "INT8 executor: out of memory");
    odpu_status st = odpu_lower_graph(g, &ex->lg, err);
    if (st != ODPU_OK) {
        free(ex);
        return st;
    }
    st = alloc_tables(ex, err);
    for (int i = 0; st == ODPU_OK && i < ex->lg.n_nodes; i++)
        if (ex->lg.nodes[i].op == ODPU_LOP_AVGPOOL || ex->lg.nodes[i].op == ODPU_LOP_GAP)
            st = avg_tables(ex, i, err);
        else if (ex->lg.nodes[i].op == ODPU_LOP_CONV)
            st = transpose_weights(ex, i, err);
    if (st != ODPU_OK) {
        odpu_i8_exec_destroy(ex);
        return st;
    }
    *out = ex;
    return ODPU_OK;
}

void odpu_i8_exec_destroy(odpu_i8_exec *ex)
{
    if (!ex)
        return;
    if (ex->act)
        for (int t = 0; t < ex->lg.g->n_tensors; t++)
            free(ex->act[t]);
    if (ex->avg_mult && ex->avg_shift && ex->w_hwc)
        for (int i = 0; i < ex->lg.n_nodes; i++) {
            free(ex->avg_mult[i]);
            free(ex->avg_shift[i]);
            free(ex->w_hwc[i]);
        }
    free(ex->w_hwc);
    free(ex->act);
    free(ex->avg_mult);
    free(ex->avg_shift);
    odpu_lgraph_free(&ex->lg);
    free(ex);
}

const odpu_lgraph *odpu_i8_exec_lgraph(const odpu_i8_exec *ex) { return &ex->lg; }

/* ---- Layers ------------------------------------------------------------------------------ */

static void run_conv(const odpu_lnode *ln, const int8_t *w_hwc, odpu_lshape is, const int8_t *in, odpu_lshape os,
                     int8_t *out)
{
    const odpu_lconv *cv = &ln->u.conv;
    const odpu_lwindow *w = &cv->win;
    int cg = is.c / cv->groups, mg = os.c / cv->groups, taps = w->k[0] * w->k[1];
    for (int oy = 0; oy < os.h; oy++)
        for (int ox = 0; ox < os.w; ox++)
            for (int o = 0; o < os.c; o++) {
                const int8_t *wo = w_hwc + (size_t)o * taps * cg;
                int c0 = (o / mg) * cg;
                int64_t acc = cv->p[o].bias;
                for (int ky = 0; ky < w->k[0]; ky++) {
                    int iy = oy * w->stride[0] - w->pad_lo[0] + ky * w->dil[0];
                    for (int kx = 0; kx < w->k[1]; kx++) {
                        int ix = ox * w->stride[1] - w->pad_lo[1] + kx * w->dil[1];
                        const int8_t *wk = wo + (size_t)(ky * w->k[1] + kx) * cg;
                        int32_t sum = 0;
                        if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w) {
                            for (int c = 0; c < cg; c++) /* padding reads the input zero point */
                                sum += wk[c];
                            acc += (int64_t)sum * ln->in_zp;
                            continue;
                        }
                        const int8_t *x = in + ((size_t)iy * is.w + ix) * is.c + c0;
                        for (int c = 0; c < cg; c++) /* |sum| <= 65535 * 128 * 128 fits int32 */
                            sum += x[c] * wk[c];
                        acc += sum;
                    }
                }
                /* The engine's accumulator wraps modulo 2^32 (docs/isa.md); so does this one. */
                int32_t a = (int32_t)(uint32_t)(uint64_t)acc;
                out[((size_t)oy * os.w + ox) * os.c + o] =
                    odpu_conv_output(a, &cv->p[o], cv->leaky, 0, ln->out_zp, ln->act_min, ln->act_max);
            }
}

static void run_pool(const odpu_i8_exec *ex, int i, odpu_lshape is, const int8_t *in, odpu_lshape os,
                     int8_t *out)
{
    const odpu_lnode *ln = &ex->lg.nodes[i];
    const odpu_lwindow *w = &ln->u.pool.win;
    int is_max = ln->op == ODPU_LOP_MAXPOOL;
    for (int oy = 0; oy < os.h; oy++)
        for (int ox = 0; ox < os.w; ox++)
            for (int c = 0; c < os.c; c++) {
                int32_t best = INT32_MIN, sum = 0;
                for (int ky = 0; ky < w->k[0]; ky++) {
                    int iy = oy * w->stride[0] - w->pad_lo[0] + ky;
                    for (int kx = 0; kx < w->k[1]; kx++) {
                        int ix = ox * w->stride[1] - w->pad_lo[1] + kx;
                        if (iy < 0 || iy >= is.h || ix < 0 || ix >= is.w)
                            continue; /* padding: not a candidate of the max, 0 in the sum */
                        int32_t x = in[((size_t)iy * is.w + ix) * is.c + c];
                        best = x > best ? x : best;
                        sum += x - ln->in_zp;
                    }
                }
                int8_t *dst = &out[((size_t)oy * os.w + ox) * os.c + c];
                if (is_max) {
                    *dst = odpu_clamp8(best, ln->act_min, ln->act_max);
                    continue;
                }
                int n = odpu_window_count(w, 0, is.h, oy, ln->u.pool.count_include_pad) *
                        odpu_window_count(w, 1, is.w, ox, ln->u.pool.count_include_pad);
                *dst = odpu_avg_output(sum, ex->avg_mult[i][n], ex->avg_shift[i][n], ln->out_zp, ln->act_min,
                                       ln->act_max);
            }
}

static void run_add(const odpu_lnode *ln, const int8_t *a, const int8_t *b, size_t n, int8_t *out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = odpu_add_output(a[k], b[k], &ln->u.add);
}

static void run_concat(const odpu_i8_exec *ex, const odpu_lnode *ln, odpu_lshape os, int8_t *out)
{
    int c0 = 0;
    for (int k = 0; k < ln->n_in; k++) {
        odpu_lshape s = ex->lg.shapes[ln->in[k]];
        const int8_t *src = ex->act[ln->in[k]];
        for (size_t px = 0; px < (size_t)os.h * os.w; px++)
            memcpy(out + px * os.c + c0, src + px * s.c, (size_t)s.c);
        c0 += s.c;
    }
}

static void run_node(const odpu_i8_exec *ex, int i)
{
    const odpu_lnode *ln = &ex->lg.nodes[i];
    odpu_lshape is = ex->lg.shapes[ln->in[0]], os = ex->lg.shapes[ln->out];
    const int8_t *in = ex->act[ln->in[0]];
    int8_t *out = ex->act[ln->out];
    switch (ln->op) {
    case ODPU_LOP_CONV: run_conv(ln, ex->w_hwc[i], is, in, os, out); break;
    case ODPU_LOP_MAXPOOL:
    case ODPU_LOP_AVGPOOL:
    case ODPU_LOP_GAP: run_pool(ex, i, is, in, os, out); break;
    case ODPU_LOP_ADD: run_add(ln, in, ex->act[ln->in[1]], shape_size(os), out); break;
    case ODPU_LOP_CONCAT: run_concat(ex, ln, os, out); break;
    }
}

odpu_status odpu_i8_exec_run(odpu_i8_exec *ex, const int8_t *const *inputs, odpu_err *err)
{
    for (int i = 0; i < ex->lg.n_inputs; i++) {
        int t = ex->lg.inputs[i];
        if (!inputs || !inputs[i])
            return odpu_fail(err, ODPU_E_ARG, "INT8 executor: input %d ('%s') is missing", i,
                             ex->lg.g->tensors[t].name);
        memcpy(ex->act[t], inputs[i], shape_size(ex->lg.shapes[t]));
    }
    for (int i = 0; i < ex->lg.n_nodes; i++)
        run_node(ex, i);
    return ODPU_OK;
}

const int8_t *odpu_i8_exec_output(const odpu_i8_exec *ex, int k)
{
    if (k < 0 || k >= ex->lg.n_outputs)
        return NULL;
    return ex->act[ex->lg.outputs[k]];
}

const int8_t *odpu_i8_exec_tensor(const odpu_i8_exec *ex, int tensor)
{
    if (tensor < 0 || tensor >= ex->lg.g->n_tensors)
        return NULL;
    return ex->act[tensor];
}
