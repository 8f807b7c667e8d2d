/* fold.c - first-layer folding: a convolution reading the model's input (1 or 3 channels)
 * would use 1-3 of the array's R input lanes per cycle. The host writes that input padded
 * and with the kernel's rows side by side in each pixel (odpu_tensor_desc's fold fields), and
 * the compiler reads it with overlapping LOADs (pixel_stride < c) so that one instruction
 * pixel holds a whole receptive field; the convolution becomes 1x1 over kh*kw*C channels.
 * When the layer has fewer output channels than the array has columns, `wide` adjacent
 * output pixels are computed as one pixel of wide*out_c channels: a dense HWC output holds
 * exactly those bytes in that order. docs/compiler.md, "First-layer folding". */
#include <stdlib.h>
#include <string.h>

#include "compiler/internal.h"

enum {
    /* Widening beyond this many output pixels per instruction pixel makes the folded window
     * (and its weights, mostly zeros) grow faster than it saves. */
    FOLD_WIDE_MAX = 8,
};

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Array steps of a convolution with these shapes: passes over the input blocks and kernel
 * taps, per output-channel block, per output pixel (the engine's loop, docs/rtl.md). */
static uint64_t conv_steps(const cc_ctx *cx, int taps, int in_c, int out_c, uint64_t pixels)
{
    return (uint64_t)taps * ceil_div((uint64_t)in_c, cx->R) * ceil_div((uint64_t)out_c, cx->C) * pixels;
}

cc_layer *cc_sole_reader(cc_ctx *cx, int t)
{
    cc_layer *found = NULL;
    for (int l = 0; l < cx->n_layers; l++) {
        cc_layer *L = &cx->layers[l];
        for (int k = 0; k < L->n_in; k++)
            if (L->in[k] == t) {
                if (found)
                    return NULL;
                found = L;
            }
    }
    return found;
}

int cc_is_output(const cc_ctx *cx, int t)
{
    for (int i = 0; i < cx->lg->n_outputs; i++)
        if (cx->lg->outputs[i] == t)
            return 1;
    return 0;
}

int cc_owns_region(const cc_ctx *cx, int t)
{
    if (cx->tensors[t].parent >= 0)
        return 0;
    for (int u = 0; u < cx->n_tensors; u++) /* other views of t's own bytes do not count */
        if (cx->tensors[u].parent == t && cx->tensors[u].alias == CC_ALIAS_NONE)
            return 0;
    return 1;
}

/* Can layer L, the only reader of graph input t, be folded at all? */
static int foldable(const cc_ctx *cx, const cc_layer *L, int t)
{
    const cc_convdef *cv = &L->conv;
    const odpu_gtensor *gt = &cx->lg->g->tensors[t];
    return L->kind == CC_CONV && L->n_in == 1 && L->lnode >= 0 && !L->own_w && cv->groups == 1 &&
           cv->win.dil[0] == 1 && cv->win.dil[1] == 1 && gt->q.zero_point == L->in_zp && !cc_is_output(cx, t) &&
           cc_owns_region(cx, t);
}

/* The widening (output pixels per instruction pixel) with the fewest array steps; 0 when the
 * plain convolution is at least as good. */
static int best_wide(const cc_ctx *cx, const cc_layer *L)
{
    const cc_convdef *cv = &L->conv;
    const odpu_lshape os = cx->tensors[L->out].shape;
    int kh = cv->win.k[0], kw = cv->win.k[1], sw = cv->win.stride[1];
    uint64_t pixels = (uint64_t)os.h * os.w, best = conv_steps(cx, kh * kw, cv->in_c, cv->out_c, pixels);
    int choice = 0;
    int dense_out = cx->tensors[L->out].parent < 0;
    for (int wide = 1; wide <= FOLD_WIDE_MAX; wide *= 2) {
        if (wide > 1 && (!dense_out || os.w % wide || (uint32_t)(wide * cv->out_c) > cx->C))
            break;
        int win_cols = kw + (wide - 1) * sw;
        long in_c = (long)win_cols * kh * cv->in_c;
        if (in_c > CC_CHANNELS_MAX || (long)wide * cv->out_c > CC_CHANNELS_MAX)
            break;
        uint64_t steps = conv_steps(cx, 1, (int)in_c, wide * cv->out_c, pixels / (uint64_t)wide);
        if (steps < best) {
            best = steps;
            choice = wide;
        }
    }
    return choice;
}

/* Weights of the folded convolution, [wide * out_c][win_cols * kh * in_c][1][1]: output j*out_c + o
 * sees padded column j*sw + kx, row r, channel c at channel ((j*sw + kx) * kh + r) * in_c + c. */
static odpu_status fold_weights(cc_layer *L, int wide, int folded_c, odpu_err *err)
{
    const cc_convdef *cv = &L->conv;
    int kh = cv->win.k[0], kw = cv->win.k[1], sw = cv->win.stride[1], C = cv->in_c, O = cv->out_c;
    size_t n = (size_t)wide * O * folded_c;
    L->own_w = calloc(n, 1);
    L->own_p = malloc((size_t)wide * O * sizeof *L->own_p);
    if (!L->own_w || !L->own_p)
        return odpu_fail(err, ODPU_E_NOMEM, "node '%s': out of memory folding the first convolution", L->name);
    for (int j = 0; j < wide; j++)
        for (int o = 0; o < O; o++) {
            int8_t *dst = L->own_w + ((size_t)j * O + o) * folded_c;
            for (int c = 0; c < C; c++)
                for (int r = 0; r < kh; r++)
                    for (int kx = 0; kx < kw; kx++)
                        dst[((j * sw + kx) * kh + r) * C + c] = cv->w[(((size_t)o * C + c) * kh + r) * kw + kx];
            L->own_p[j * O + o] = cv->p[o];
        }
    return ODPU_OK;
}

int cc_new_alias(cc_ctx *cx, int parent, cc_alias kind, odpu_lshape shape, uint32_t ps, odpu_err *err)
{
    int a = cc_new_tensor(cx, err);
    if (a < 0)
        return -1;
    cc_tensor *t = &cx->tensors[a];
    t->shape = shape;
    t->parent = parent;
    t->ch_off = 0;
    t->alias = kind;
    t->alias_ps = ps;
    return a;
}

static odpu_status fold_layer(cc_ctx *cx, cc_layer *L, int t_in, int wide, odpu_err *err)
{
    const cc_convdef cv = L->conv;
    const odpu_lwindow *w = &cv.win;
    const odpu_lshape os = cx->tensors[L->out].shape;
    int kh = w->k[0], kw = w->k[1], win_cols = kw + (wide - 1) * w->stride[1];
    int folded_c = win_cols * kh * cv.in_c;
    odpu_status st = fold_weights(L, wide, folded_c, err);
    if (st != ODPU_OK)
        return st;
    cc_tensor *in = &cx->tensors[t_in];
    in->fold = (cc_fold){kh, w->stride[0], {w->pad_lo[0], w->pad_hi[0], w->pad_lo[1], w->pad_hi[1]}};
    uint32_t pixel_bytes = (uint32_t)(kh * cv.in_c);
    odpu_lshape ins = {os.h, os.w / wide, folded_c};
    int a_in = cc_new_alias(cx, t_in, CC_ALIAS_FOLDED_IN, ins, (uint32_t)(wide * w->stride[1]) * pixel_bytes, err);
    if (a_in < 0)
        return ODPU_E_NOMEM;
    int out = L->out;
    if (wide > 1) {
        odpu_lshape outs = {os.h, os.w / wide, wide * os.c};
        out = cc_new_alias(cx, L->out, CC_ALIAS_WIDE_OUT, outs, (uint32_t)wide, err);
        if (out < 0)
            return ODPU_E_NOMEM;
    }
    L->in[0] = a_in;
    L->out = out;
    L->folded = 1;
    L->fold_wide = wide;
    L->conv.win = (odpu_lwindow){.k = {1, 1}, .stride = {1, 1}, .dil = {1, 1}};
    L->conv.in_c = folded_c;
    L->conv.out_c = wide * cv.out_c;
    L->conv.w = L->own_w;
    L->conv.p = L->own_p;
    return ODPU_OK;
}

odpu_status cc_fold_inputs(cc_ctx *cx, odpu_err *err)
{
    for (int i = 0; i < cx->lg->n_inputs; i++) {
        int t = cx->lg->inputs[i];
        cc_layer *L = cc_sole_reader(cx, t);
        if (!L || !foldable(cx, L, t))
            continue;
        int wide = best_wide(cx, L);
        if (!wide)
            continue;
        odpu_status st = fold_layer(cx, L, t, wide, err);
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}
