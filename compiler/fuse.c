/* fuse.c - max pooling fused into the convolution before it. A MaxPool whose window equals its
 * stride, without padding, reading the output of a convolution that nothing else reads, becomes
 * that CONV's pool_h x pool_w fields (docs/isa.md, CONV): the output stage keeps the maximum of
 * each window in OBUF, so only the pooled map goes to DDR, and no POOL instruction runs.
 * A folded first convolution (fold.c) holds `wide` adjacent output pixels in lane groups of one
 * instruction pixel; its fused window covers kw / wide instruction columns, and the lane groups
 * are max-merged after it: by a POOL on chip when each group is whole activation words, else by
 * a 1 x wide max pool over the pooled map seen as `wide` pixels per pixel in DDR.
 * docs/compiler.md, "Fused pooling". */
#include <stdio.h>

#include "compiler/internal.h"

/* The convolution whose output (directly, or through the wide alias of a folded one) is t. */
static cc_layer *writer_conv(cc_ctx *cx, int t)
{
    for (int l = 0; l < cx->n_layers; l++) {
        cc_layer *L = &cx->layers[l];
        if (L->kind != CC_CONV || L->out < 0)
            continue;
        const cc_tensor *o = &cx->tensors[L->out];
        if (L->out == t || (o->alias == CC_ALIAS_WIDE_OUT && o->parent == t))
            return L;
    }
    return NULL;
}

/* Is P a max pool the output stage can do: window = stride, no padding, floor mode? */
static int pool_fusable(const cc_ctx *cx, const cc_layer *P)
{
    const odpu_lwindow *w = &P->pool.win;
    if (P->kind != CC_POOL || P->pool.mode != ODPU_POOL_MAX || P->n_in != 1 || P->in_zp != P->out_zp)
        return 0;
    if (w->k[0] == 1 && w->k[1] == 1)
        return 0; /* a copy */
    const odpu_lshape is = cx->tensors[P->in[0]].shape, os = cx->tensors[P->out].shape;
    for (int a = 0; a < 2; a++)
        if (w->k[a] != w->stride[a] || w->pad_lo[a] || w->pad_hi[a])
            return 0;
    return os.h * w->k[0] <= is.h && os.w * w->k[1] <= is.w; /* no partial (ceil-mode) window */
}

/* The window on C's instruction grid, or 0 if C cannot take P's pool. */
static int conv_takes(cc_ctx *cx, const cc_layer *C, const cc_layer *P, int win[2])
{
    int t = P->in[0];
    int wide = C->folded ? C->fold_wide : 1;
    const odpu_lwindow *cw = &C->conv.win, *pw = &P->pool.win;
    if (C->fused_win[0] * C->fused_win[1] != 1 || C->out_zp != P->in_zp || pw->k[1] % wide)
        return 0;
    if (cw->stride[0] > CC_CONV_STRIDE_MAX || cw->stride[1] > CC_CONV_STRIDE_MAX)
        return 0; /* such a CONV is tiled one output per instruction: no window fits */
    if (cc_is_output(cx, t) || !cc_owns_region(cx, t) || cc_sole_reader(cx, t) != P)
        return 0;
    win[0] = pw->k[0];
    win[1] = pw->k[1] / wide;
    return win[0] <= CC_FUSED_POOL_MAX && win[1] <= CC_FUSED_POOL_MAX;
}

/* Folded C whose lane groups share activation words (channels not a multiple of R): it writes
 * the pooled map with its lane groups side by side (a new tensor seen through a wide alias),
 * and P becomes the 1 x wide max pool that merges them through DDR. */
static odpu_status fuse_wide(cc_ctx *cx, cc_layer *C, cc_layer *P, odpu_err *err)
{
    int wide = C->fold_wide;
    odpu_lshape os = cx->tensors[P->out].shape;
    int split = cc_new_tensor(cx, err);
    if (split < 0)
        return ODPU_E_NOMEM;
    cx->tensors[split].shape = (odpu_lshape){os.h, os.w * wide, os.c};
    int merged = cc_new_alias(cx, split, CC_ALIAS_WIDE_OUT, (odpu_lshape){os.h, os.w, os.c * wide},
                              (uint32_t)wide, err);
    if (merged < 0)
        return ODPU_E_NOMEM;
    C->out = merged;
    P->in[0] = split;
    P->pool.win = (odpu_lwindow){.k = {1, wide}, .stride = {1, wide}, .dil = {1, 1}};
    return ODPU_OK;
}

static odpu_status fuse(cc_ctx *cx, cc_layer *C, cc_layer *P, const int win[2], odpu_err *err)
{
    /* A floor-mode pool drops the last rows and columns: the CONV no longer computes them, and
     * its MACs (utilization counts useful work) are those of the outputs it does compute. */
    const odpu_lshape full = cx->tensors[P->in[0]].shape, pooled = cx->tensors[P->out].shape;
    uint64_t used = (uint64_t)pooled.h * P->pool.win.k[0] * pooled.w * P->pool.win.k[1];
    C->macs = C->macs * used / ((uint64_t)full.h * full.w);
    C->fused_win[0] = win[0];
    C->fused_win[1] = win[1];
    C->fused = P->fused = 1;
    /* max and the clamps commute (both monotonic): clamping once to the narrower range is exact */
    C->act_min = C->act_min > P->act_min ? C->act_min : P->act_min;
    C->act_max = C->act_max < P->act_max ? C->act_max : P->act_max;
    int wide = C->folded ? C->fold_wide : 1;
    int channels = cx->tensors[P->out].shape.c;
    if (wide > 1 && channels % (int)cx->R)
        return fuse_wide(cx, C, P, err); /* lane groups share words: merged through DDR (cc_plan_pool) */
    C->out = P->out;
    C->lane_merge = wide > 1 ? wide : 0; /* lane groups are whole words: a POOL merges them on chip */
    P->kind = CC_FUSED;
    P->n_in = 0;
    P->out = -1;
    snprintf(P->plan, sizeof P->plan, "fused into '%.60s'%s", C->name, wide > 1 ? ", lanes merged on chip" : "");
    return ODPU_OK;
}

odpu_status cc_fuse_pools(cc_ctx *cx, odpu_err *err)
{
    for (int l = 0; l < cx->n_layers; l++) {
        cc_layer *P = &cx->layers[l];
        if (!pool_fusable(cx, P))
            continue;
        cc_layer *C = writer_conv(cx, P->in[0]);
        int win[2];
        if (!C || !conv_takes(cx, C, P, win))
            continue;
        odpu_status st = fuse(cx, C, P, win, err);
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}
