/* memplan.c - where every activation lives in the DDR window (docs/compiler.md, "Memory plan").
 * The constants come first (the read-only region); activations follow, each region reused once
 * every tensor in it is dead. A Concat costs nothing: its inputs are written in place into their
 * channel slices of its output (SAVE with pixel_stride = all channels), so a tensor is a view
 * (base, pixel stride, row stride) of the region of the tensor it is nested in. */
#include <stdlib.h>
#include <string.h>

#include "compiler/internal.h"

/* DDR addresses in instructions are 32-bit byte offsets (docs/isa.md section 4). */
#define DDR_WINDOW_MAX (UINT64_C(1) << 32)

odpu_status cc_alias_concat(cc_ctx *cx, const odpu_lnode *ln, int *copy_src, int *copy_dst, int *n_copies,
                            odpu_err *err)
{
    int ch = 0;
    *n_copies = 0;
    for (int i = 0; i < ln->n_in; i++) {
        int t = ln->in[i], twice = 0;
        for (int j = 0; j < i; j++)
            twice |= ln->in[j] == t;
        cc_tensor *ct = &cx->tensors[t];
        if (ct->parent < 0 && !twice) {
            ct->parent = ln->out;
            ct->ch_off = ch;
        } else {
            /* Already written in place into another Concat (or twice into this one): a copy
             * puts a second instance into this slice. */
            int v = cc_new_tensor(cx, err);
            if (v < 0)
                return ODPU_E_NOMEM;
            cx->tensors[v].shape = cx->tensors[t].shape;
            cx->tensors[v].parent = ln->out;
            cx->tensors[v].ch_off = ch;
            copy_src[*n_copies] = t;
            copy_dst[*n_copies] = v;
            (*n_copies)++;
        }
        ch += cx->tensors[t].shape.c;
    }
    return ODPU_OK;
}

/* Padded width and rows of a folded input's storage (odpu_tensor_storage's arithmetic). */
static void folded_storage(const cc_tensor *t, uint64_t *rows, uint64_t *cols)
{
    const cc_fold *f = &t->fold;
    *rows = ((uint64_t)t->shape.h + f->pad[0] + f->pad[1] - f->rows) / f->step + 1;
    *cols = (uint64_t)t->shape.w + f->pad[2] + f->pad[3];
}

uint64_t cc_tensor_bytes(const cc_tensor *t)
{
    if (!t->fold.rows)
        return (uint64_t)t->shape.h * t->shape.w * t->shape.c;
    uint64_t rows, cols;
    folded_storage(t, &rows, &cols);
    return rows * cols * t->fold.rows * t->shape.c;
}

/* The view of a root tensor placed at off: dense HWC, or a folded input's storage. */
static cc_view root_view(const cc_tensor *t, uint64_t off)
{
    if (!t->fold.rows)
        return (cc_view){off, (uint32_t)t->shape.c, (uint32_t)t->shape.w * (uint32_t)t->shape.c};
    uint64_t rows, cols;
    folded_storage(t, &rows, &cols);
    uint32_t ps = (uint32_t)(t->fold.rows * t->shape.c);
    return (cc_view){off, ps, (uint32_t)cols * ps};
}

/* The tensor whose region t is a slice of, and t's channel offset in it. */
static int root_of(const cc_ctx *cx, int t, int *ch)
{
    *ch = 0;
    while (cx->tensors[t].parent >= 0) {
        *ch += cx->tensors[t].ch_off;
        t = cx->tensors[t].parent;
    }
    return t;
}

typedef struct region {
    int root;
    int first, last;   /* layers during which it must hold its data */
    uint64_t size, off;
    int placed;
} region;

static void liveness(cc_ctx *cx)
{
    for (int t = 0; t < cx->n_tensors; t++) {
        cx->tensors[t].def = INT32_MAX;
        cx->tensors[t].last_use = -2;
    }
    for (int i = 0; i < cx->lg->n_inputs; i++)
        cx->tensors[cx->lg->inputs[i]].def = -1;
    for (int l = 0; l < cx->n_layers; l++) {
        const cc_layer *L = &cx->layers[l];
        for (int k = 0; k < L->n_in; k++)
            if (cx->tensors[L->in[k]].last_use < l)
                cx->tensors[L->in[k]].last_use = l;
        if (L->out >= 0 && cx->tensors[L->out].def > l)
            cx->tensors[L->out].def = l;
    }
    for (int i = 0; i < cx->lg->n_outputs; i++)
        cx->tensors[cx->lg->outputs[i]].last_use = cx->n_layers;
}

static int cmp_size_desc(const void *a, const void *b)
{
    const region *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->root - y->root;
}

/* Lowest aligned offset >= lo where r fits beside every placed region alive at the same time. */
static uint64_t first_fit(const region *rg, int n, const region *r, uint64_t lo)
{
    uint64_t off = lo;
    for (int moved = 1; moved;) {
        moved = 0;
        for (int i = 0; i < n; i++) {
            const region *o = &rg[i];
            if (!o->placed || o->last < r->first || r->last < o->first)
                continue;
            if (off < o->off + o->size && o->off < off + r->size) {
                off = cc_align(o->off + o->size);
                moved = 1;
            }
        }
    }
    return off;
}

static odpu_status collect_regions(cc_ctx *cx, region **out, int *n_out, odpu_err *err)
{
    region *rg = calloc((size_t)cx->n_tensors, sizeof *rg);
    int *index = malloc((size_t)cx->n_tensors * sizeof *index);
    if (!rg || !index) {
        free(rg);
        free(index);
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory planning DDR");
    }
    int n = 0;
    for (int t = 0; t < cx->n_tensors; t++)
        index[t] = -1;
    for (int t = 0; t < cx->n_tensors; t++) {
        const cc_tensor *ct = &cx->tensors[t];
        if (!ct->shape.c || (ct->def == INT32_MAX && ct->last_use < -1))
            continue; /* not an activation the model touches */
        int ch, r = root_of(cx, t, &ch);
        if (index[r] < 0) {
            index[r] = n;
            rg[n++] = (region){r, INT32_MAX, -2, cc_tensor_bytes(&cx->tensors[r]), 0, 0};
        }
        region *g = &rg[index[r]];
        int defined = ct->def != INT32_MAX;
        int first = defined ? ct->def : ct->last_use;
        int last = ct->last_use > first ? ct->last_use : first;
        g->first = first < g->first ? first : g->first;
        g->last = last > g->last ? last : g->last;
    }
    free(index);
    *out = rg;
    *n_out = n;
    return ODPU_OK;
}

odpu_status cc_memplan(cc_ctx *cx, odpu_err *err)
{
    liveness(cx);
    region *rg = NULL;
    int n = 0;
    odpu_status st = collect_regions(cx, &rg, &n, err);
    if (st != ODPU_OK)
        return st;
    qsort(rg, (size_t)n, sizeof *rg, cmp_size_desc);
    uint64_t lo = cc_align(cx->consts_size), end = lo;
    for (int i = 0; i < n; i++) {
        rg[i].off = first_fit(rg, n, &rg[i], lo);
        rg[i].placed = 1;
        if (rg[i].off + rg[i].size > end)
            end = rg[i].off + rg[i].size;
    }
    for (int t = 0; t < cx->n_tensors; t++) {
        if (!cx->tensors[t].shape.c)
            continue;
        int ch, r = root_of(cx, t, &ch);
        for (int i = 0; i < n; i++)
            if (rg[i].root == r) {
                cc_tensor *ct = &cx->tensors[t];
                ct->view = root_view(&cx->tensors[r], rg[i].off);
                ct->view.base += (uint64_t)ch;
                /* Aliases (fold.c) see the same bytes with another pixel stride. */
                if (ct->alias == CC_ALIAS_FOLDED_IN)
                    ct->view.ps = ct->alias_ps;
                else if (ct->alias == CC_ALIAS_WIDE_OUT)
                    ct->view.ps *= ct->alias_ps;
                break;
            }
    }
    free(rg);
    cx->ddr_size = cc_align(end);
    if (cx->ddr_size > DDR_WINDOW_MAX)
        return odpu_fail(err, ODPU_E_ARG, "the model needs %llu bytes of DDR window (constants %llu): more "
                         "than the 4 GiB that 32-bit DDR addresses reach",
                         (unsigned long long)cx->ddr_size, (unsigned long long)cx->consts_size);
    return ODPU_OK;
}
