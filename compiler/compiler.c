/* compiler.c - odpu_compile: lower, build the layer list (Concat aliasing, copies, large global
 * pools as CONV), tile, place in DDR, schedule, add tokens, assemble and self-validate the model
 * file (see compiler.h and docs/compiler.md). */
#include "compiler/compiler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/internal.h"
#include "isa/qparams.h"
#include "isa/stream.h"

enum { PROG_INITIAL = 256, TENSOR_GROW = 16, META_MAX = 4096 };

/* ---- Helpers shared by the passes -------------------------------------------------------------- */

uint64_t cc_align(uint64_t v) { return (v + CC_DDR_ALIGN - 1) / CC_DDR_ALIGN * CC_DDR_ALIGN; }

odpu_status cc_prog_append(cc_prog *p, const odpu_insn *insn, int layer, odpu_err *err)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : PROG_INITIAL;
        odpu_insn *i = realloc(p->insn, cap * sizeof *i);
        if (!i)
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory at %zu instructions", p->n);
        p->insn = i;
        int *l = realloc(p->layer, cap * sizeof *l);
        if (!l)
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory at %zu instructions", p->n);
        p->layer = l;
        p->cap = cap;
    }
    p->insn[p->n] = *insn;
    p->layer[p->n++] = layer;
    return ODPU_OK;
}

void cc_prog_free(cc_prog *p)
{
    free(p->insn);
    free(p->layer);
    memset(p, 0, sizeof *p);
}

int cc_new_tensor(cc_ctx *cx, odpu_err *err)
{
    if (cx->n_tensors == cx->cap_tensors) {
        int cap = cx->cap_tensors + TENSOR_GROW;
        cc_tensor *t = realloc(cx->tensors, (size_t)cap * sizeof *t);
        if (!t) {
            odpu_fail(err, ODPU_E_NOMEM, "out of memory for tensors");
            return -1;
        }
        cx->tensors = t;
        cx->cap_tensors = cap;
    }
    cc_tensor *t = &cx->tensors[cx->n_tensors];
    memset(t, 0, sizeof *t);
    t->parent = -1;
    return cx->n_tensors++;
}

/* ---- Context ------------------------------------------------------------------------------------- */

static odpu_status ctx_init(cc_ctx *cx, const odpu_arch *arch, const odpu_lgraph *lg, odpu_err *err)
{
    memset(cx, 0, sizeof *cx);
    cx->arch = arch;
    cx->lg = lg;
    odpu_arch_limits(arch, &cx->lim);
    cx->R = arch->rows;
    cx->C = arch->cols;
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        cx->word_bytes[b] = arch->buf[b].word_bytes;
        /* ABUF is read and written by the compute engine alone: no double buffering. */
        cx->slot_words[b] = b == ODPU_BUF_ABUF ? arch->buf[b].depth_words : arch->buf[b].depth_words / CC_SLOTS;
    }
    for (int t = 0; t < lg->g->n_tensors; t++) {
        if (cc_new_tensor(cx, err) < 0)
            return ODPU_E_NOMEM;
        cx->tensors[t].shape = lg->shapes[t];
    }
    return ODPU_OK;
}

static void ctx_free(cc_ctx *cx)
{
    for (int l = 0; l < cx->n_layers; l++) {
        cc_layer *L = &cx->layers[l];
        free(L->cp.oc);
        free(L->cp.parts);
        free(L->cp.rows);
        free(L->cp.cols);
        free(L->cp.w_word);
        free(L->cp.w_len);
        free(L->cp.p_word);
        free(L->cp.p_len);
        free(L->mp.rows);
        free(L->mp.cols);
        free(L->own_w);
        free(L->own_p);
    }
    free(cx->layers);
    free(cx->tensors);
    free(cx->consts);
    cc_prog_free(&cx->prog);
}

static cc_layer *new_layer(cc_ctx *cx, cc_kind kind, int lnode, const char *name, const char *op, odpu_err *err)
{
    if (cx->n_layers == cx->cap_layers) {
        int cap = cx->cap_layers ? cx->cap_layers * 2 : TENSOR_GROW;
        cc_layer *l = realloc(cx->layers, (size_t)cap * sizeof *l);
        if (!l) {
            odpu_fail(err, ODPU_E_NOMEM, "out of memory for layers");
            return NULL;
        }
        cx->layers = l;
        cx->cap_layers = cap;
    }
    cc_layer *L = &cx->layers[cx->n_layers++];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->lnode = lnode;
    L->name = name;
    L->op = op;
    L->out = -1;
    L->fused_win[0] = L->fused_win[1] = 1;
    return L;
}

/* ---- Layers ---------------------------------------------------------------------------------------- */

static void take_io(cc_layer *L, const odpu_lnode *ln)
{
    L->n_in = ln->n_in < 2 ? ln->n_in : 2;
    for (int k = 0; k < L->n_in; k++)
        L->in[k] = ln->in[k];
    L->out = ln->out;
    L->in_zp = ln->in_zp;
    L->out_zp = ln->out_zp;
    L->act_min = ln->act_min;
    L->act_max = ln->act_max;
}

static odpu_status add_conv(cc_ctx *cx, int i, odpu_err *err)
{
    const odpu_lnode *ln = &cx->lg->nodes[i];
    cc_layer *L = new_layer(cx, CC_CONV, i, ln->name, "Conv", err);
    if (!L)
        return ODPU_E_NOMEM;
    take_io(L, ln);
    odpu_lshape is = cx->tensors[ln->in[0]].shape, os = cx->tensors[ln->out].shape;
    L->conv = (cc_convdef){ln->u.conv.win, ln->u.conv.groups, is.c, os.c, ln->u.conv.w, ln->u.conv.p,
                           ln->u.conv.leaky};
    L->macs = ln->macs;
    L->weight_bytes = (uint64_t)os.c * (is.c / ln->u.conv.groups) * ln->u.conv.win.k[0] * ln->u.conv.win.k[1];
    return ODPU_OK;
}

/* A global average pool whose map does not fit IBUF: the same integer result as a depthwise
 * CONV with all-ones weights, bias -z_in * n and multiplier s_in / (s_out * n), whose kernel
 * and input the CONV tiler can split (docs/compiler.md, "Lowering"). */
static odpu_status gap_as_conv(cc_ctx *cx, cc_layer *L, const odpu_lnode *ln, odpu_err *err)
{
    odpu_lshape is = cx->tensors[ln->in[0]].shape;
    int n = is.h * is.w;
    L->kind = CC_CONV;
    L->own_w = malloc((size_t)is.c * n);
    L->own_p = calloc((size_t)is.c, sizeof *L->own_p);
    if (!L->own_w || !L->own_p)
        return odpu_fail(err, ODPU_E_NOMEM, "node '%s': out of memory", ln->name);
    memset(L->own_w, 1, (size_t)is.c * n);
    int32_t mult, shift;
    odpu_status st = odpu_avg_multiplier(ln->u.pool.ratio, n, &mult, &shift, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "node '%s': ", ln->name);
    for (int c = 0; c < is.c; c++)
        L->own_p[c] = (odpu_chan_params){-ln->in_zp * n, mult, shift, 0};
    L->conv = (cc_convdef){{.k = {is.h, is.w}, .stride = {1, 1}, .dil = {1, 1}}, is.c, is.c, is.c, L->own_w,
                           L->own_p, 0};
    return ODPU_OK;
}

static odpu_status add_pool(cc_ctx *cx, int i, odpu_err *err)
{
    const odpu_lnode *ln = &cx->lg->nodes[i];
    const char *op = ln->op == ODPU_LOP_MAXPOOL ? "MaxPool" : ln->op == ODPU_LOP_AVGPOOL ? "AveragePool"
                                                                                       : "GlobalAveragePool";
    cc_layer *L = new_layer(cx, CC_POOL, i, ln->name, op, err);
    if (!L)
        return ODPU_E_NOMEM;
    take_io(L, ln);
    L->pool = (cc_pooldef){ln->op == ODPU_LOP_MAXPOOL ? ODPU_POOL_MAX : ODPU_POOL_AVG, ln->u.pool.win,
                           ln->u.pool.count_include_pad, ln->u.pool.ratio};
    if (ln->op == ODPU_LOP_GAP) {
        odpu_lshape is = cx->tensors[ln->in[0]].shape;
        if (!cc_gap_fits_pool(cx, is.h, is.w))
            return gap_as_conv(cx, L, ln, err);
        L->pool.mode = ODPU_POOL_GLOBAL_AVG;
    }
    return ODPU_OK;
}

static odpu_status add_add(cc_ctx *cx, int i, odpu_err *err)
{
    const odpu_lnode *ln = &cx->lg->nodes[i];
    cc_layer *L = new_layer(cx, CC_ADD, i, ln->name, "Add", err);
    if (!L)
        return ODPU_E_NOMEM;
    take_io(L, ln);
    L->add = ln->u.add;
    return ODPU_OK;
}

/* Inputs written in place; a copy (an identity max pool) for each that cannot be. */
static odpu_status add_concat(cc_ctx *cx, int i, odpu_err *err)
{
    const odpu_lnode *ln = &cx->lg->nodes[i];
    int *src = malloc((size_t)ln->n_in * sizeof *src), *dst = malloc((size_t)ln->n_in * sizeof *dst), n = 0;
    odpu_status st = src && dst ? cc_alias_concat(cx, ln, src, dst, &n, err)
                                : odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int k = 0; k < n && st == ODPU_OK; k++) {
        cc_layer *L = new_layer(cx, CC_POOL, i, ln->name, "Copy", err);
        if (!L) {
            st = ODPU_E_NOMEM;
            break;
        }
        L->n_in = 1;
        L->in[0] = src[k];
        L->out = dst[k];
        L->act_min = INT8_MIN;
        L->act_max = INT8_MAX;
        L->pool = (cc_pooldef){ODPU_POOL_MAX, {.k = {1, 1}, .stride = {1, 1}, .dil = {1, 1}}, 0, 1.0};
    }
    free(src);
    free(dst);
    if (st == ODPU_OK && !new_layer(cx, CC_CONCAT, i, ln->name, "Concat", err))
        st = ODPU_E_NOMEM;
    if (st == ODPU_OK)
        snprintf(cx->layers[cx->n_layers - 1].plan, CC_PLAN_TEXT, "in place (%d copies)", n);
    return st;
}

static odpu_status build_layers(cc_ctx *cx, odpu_err *err)
{
    odpu_status st = ODPU_OK;
    for (int i = 0; i < cx->lg->n_nodes && st == ODPU_OK; i++) {
        switch (cx->lg->nodes[i].op) {
        case ODPU_LOP_CONV: st = add_conv(cx, i, err); break;
        case ODPU_LOP_MAXPOOL:
        case ODPU_LOP_AVGPOOL:
        case ODPU_LOP_GAP: st = add_pool(cx, i, err); break;
        case ODPU_LOP_ADD: st = add_add(cx, i, err); break;
        case ODPU_LOP_CONCAT: st = add_concat(cx, i, err); break;
        }
    }
    return st;
}

static odpu_status plan_layers(cc_ctx *cx, odpu_err *err)
{
    odpu_status st = ODPU_OK;
    for (int l = 0; l < cx->n_layers && st == ODPU_OK; l++) {
        cc_layer *L = &cx->layers[l];
        switch (L->kind) {
        case CC_CONV: st = cc_plan_conv(cx, L, err); break;
        case CC_POOL: st = cc_plan_pool(cx, L, err); break;
        case CC_ADD: st = cc_plan_add(cx, L, err); break;
        case CC_CONCAT:
        case CC_FUSED: break;
        }
    }
    return st;
}

/* ---- The model file --------------------------------------------------------------------------------- */

static void describe(const cc_ctx *cx, int t, odpu_tensor_role role, odpu_tensor_desc *d)
{
    const odpu_gtensor *gt = &cx->lg->g->tensors[t];
    const cc_tensor *ct = &cx->tensors[t];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", gt->name);
    d->role = role;
    d->h = (uint32_t)ct->shape.h;
    d->w = (uint32_t)ct->shape.w;
    d->c = (uint32_t)ct->shape.c;
    d->ddr_offset = ct->view.base;
    d->pixel_stride = ct->view.ps;
    d->row_stride = ct->view.rs;
    d->scale = gt->q.scale;
    d->zero_point = gt->q.zero_point;
    if (ct->fold.rows) {
        d->pad_top = (uint16_t)ct->fold.pad[0];
        d->pad_bottom = (uint16_t)ct->fold.pad[1];
        d->pad_left = (uint16_t)ct->fold.pad[2];
        d->pad_right = (uint16_t)ct->fold.pad[3];
        d->fold_rows = (uint16_t)ct->fold.rows;
        d->fold_step = (uint16_t)ct->fold.step;
    }
}

static odpu_status model_tensors(const cc_ctx *cx, odpu_model *m, odpu_err *err)
{
    const odpu_lgraph *lg = cx->lg;
    m->n_tensors = (size_t)(lg->n_inputs + lg->n_outputs);
    m->tensors = calloc(m->n_tensors, sizeof *m->tensors);
    if (!m->tensors)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int i = 0; i < lg->n_inputs; i++)
        describe(cx, lg->inputs[i], ODPU_TENSOR_INPUT, &m->tensors[i]);
    for (int i = 0; i < lg->n_outputs; i++)
        describe(cx, lg->outputs[i], ODPU_TENSOR_OUTPUT, &m->tensors[lg->n_inputs + i]);
    return ODPU_OK;
}

static odpu_status model_meta(const cc_ctx *cx, const odpu_compile_options *opt, odpu_model *m, odpu_err *err)
{
    size_t user = opt->meta ? strlen(opt->meta) : 0;
    m->meta = malloc(user + META_MAX);
    if (!m->meta)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    int n = snprintf(m->meta, user + META_MAX, "%s%s", opt->meta ? opt->meta : "",
                     user && opt->meta[user - 1] != '\n' ? "\n" : "");
    const odpu_graph *g = cx->lg->g;
    n += snprintf(m->meta + n, user + META_MAX - (size_t)n, "compiler=opendpu\narch=%s\nlayers=%d\n",
                  cx->arch->name, cx->n_layers);
    if (g->source)
        n += snprintf(m->meta + n, user + META_MAX - (size_t)n, "source=%.1024s\n", g->source);
    if (cx->lg->output_softmax)
        snprintf(m->meta + n, user + META_MAX - (size_t)n, "output_softmax=1\n");
    return ODPU_OK;
}

static void layer_info(const cc_ctx *cx, const cc_layer *L, odpu_layer_info *li)
{
    memset(li, 0, sizeof *li);
    snprintf(li->name, sizeof li->name, "%s", L->name);
    snprintf(li->op, sizeof li->op, "%s", L->op);
    const odpu_lnode *ln = L->lnode >= 0 ? &cx->lg->nodes[L->lnode] : NULL;
    int in = L->n_in ? L->in[0] : ln ? ln->in[0] : -1, out = L->out >= 0 ? L->out : ln ? ln->out : -1;
    if (L->folded || L->fused) { /* the table shows the graph node, not its folded or fused form */
        in = ln->in[0];
        out = ln->out;
    }
    if (in >= 0) {
        li->in_h = (uint32_t)cx->tensors[in].shape.h;
        li->in_w = (uint32_t)cx->tensors[in].shape.w;
        li->in_c = (uint32_t)cx->tensors[in].shape.c;
    }
    if (out >= 0) {
        li->out_h = (uint32_t)cx->tensors[out].shape.h;
        li->out_w = (uint32_t)cx->tensors[out].shape.w;
        li->out_c = (uint32_t)cx->tensors[out].shape.c;
    }
    li->macs = L->macs;
    li->weight_bytes = L->weight_bytes;
    snprintf(li->plan, sizeof li->plan, "%s", L->plan);
    li->first_insn = (uint32_t)L->first_insn;
    li->n_insns = (uint32_t)L->n_insns;
    li->ddr_read = L->ddr_read;
    li->ddr_written = L->ddr_written;
}

static odpu_status model_layers(cc_ctx *cx, const cc_prog *final, odpu_model *m, odpu_err *err)
{
    for (int l = 0; l < cx->n_layers; l++) {
        cx->layers[l].first_insn = 0;
        cx->layers[l].n_insns = 0;
    }
    for (size_t i = final->n; i-- > 0;) {
        int l = final->layer[i];
        if (l < 0)
            continue;
        cx->layers[l].first_insn = i;
        cx->layers[l].n_insns++;
    }
    m->n_layers = (size_t)cx->n_layers;
    m->layers = calloc(m->n_layers ? m->n_layers : 1, sizeof *m->layers);
    if (!m->layers)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int l = 0; l < cx->n_layers; l++)
        layer_info(cx, &cx->layers[l], &m->layers[l]);
    return ODPU_OK;
}

static odpu_status encode(const cc_prog *final, odpu_model *m, odpu_err *err)
{
    odpu_stream s;
    odpu_stream_init(&s);
    for (size_t i = 0; i < final->n; i++)
        odpu_stream_append(&s, &final->insn[i]);
    odpu_status st = odpu_stream_status(&s, err);
    if (st != ODPU_OK) {
        odpu_stream_free(&s);
        return odpu_err_prefix(err, "internal: ");
    }
    m->insns = s.bytes;
    m->n_insns = s.n_insns;
    return ODPU_OK;
}

/* The contract: what the compiler emits passes the validator the runtime applies. */
static odpu_status self_check(const cc_ctx *cx, const odpu_model *m, odpu_err *err)
{
    odpu_ddr_layout lay;
    odpu_model_ddr_layout(m, &lay);
    odpu_status st = odpu_stream_validate(m->insns, m->n_insns, &cx->lim, &lay, NULL, NULL, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "internal compiler error, the stream is invalid: ");
    return ODPU_OK;
}

static odpu_status assemble(cc_ctx *cx, const odpu_compile_options *opt, const cc_prog *final, odpu_model *m,
                            odpu_err *err)
{
    m->version_major = ODPU_MODEL_VERSION_MAJOR;
    m->version_minor = ODPU_MODEL_VERSION_MINOR;
    snprintf(m->arch_name, sizeof m->arch_name, "%s", cx->arch->name);
    m->arch_fingerprint = cx->arch->fingerprint;
    m->ddr_size = cx->ddr_size;
    m->const_offset = 0;
    m->consts_size = (size_t)cx->consts_size;
    m->consts = cx->consts;
    cx->consts = NULL;
    odpu_status st = encode(final, m, err);
    if (st == ODPU_OK)
        st = model_tensors(cx, m, err);
    if (st == ODPU_OK)
        st = model_meta(cx, opt, m, err);
    if (st == ODPU_OK)
        st = model_layers(cx, final, m, err);
    if (st == ODPU_OK)
        st = self_check(cx, m, err);
    return st;
}

odpu_status odpu_compile(const odpu_graph *g, const odpu_compile_options *opt, odpu_model *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    if (!g || !opt || !opt->arch)
        return odpu_fail(err, ODPU_E_ARG, "odpu_compile: graph and options with an arch are required");
    odpu_lgraph lg;
    odpu_status st = odpu_lower_graph(g, &lg, err);
    if (st != ODPU_OK)
        return st;
    cc_ctx cx;
    cc_prog final = {0};
    st = ctx_init(&cx, opt->arch, &lg, err);
    if (st == ODPU_OK)
        st = build_layers(&cx, err);
    if (st == ODPU_OK)
        st = cc_fold_inputs(&cx, err);
    if (st == ODPU_OK && !opt->no_fused_pool)
        st = cc_fuse_pools(&cx, err);
    if (st == ODPU_OK)
        st = plan_layers(&cx, err);
    if (st == ODPU_OK)
        st = cc_memplan(&cx, err);
    if (st == ODPU_OK)
        st = cc_schedule(&cx, err);
    if (st == ODPU_OK)
        st = cc_add_tokens(&cx, &cx.prog, &final, err);
    if (st == ODPU_OK)
        st = assemble(&cx, opt, &final, out, err);
    cc_prog_free(&final);
    ctx_free(&cx);
    odpu_lgraph_free(&lg);
    if (st != ODPU_OK)
        odpu_model_free(out);
    return st;
}
