/* tile.c - cutting every layer into tiles that fit the arch's on-chip buffers (docs/compiler.md,
 * "Tiling"). A CONV is cut along output rows and columns (input halos included, padding only at
 * true image borders), output channels (blocks of the array's columns, or whole groups), input
 * channels and kernel pieces (partial sums accumulate in ABUF); the plan minimises a simple cost
 * model of DDR traffic, transfers and instructions. POOL and ADD layers are cut along rows,
 * columns and channel chunks. A layer no cut can fit is an error naming the node and buffer.
 *
 * The first layer of a CNN (few input channels) is tiled like any other for now; folding kernel
 * columns into channels for it would be a new cc_part shape and a LOAD layout, not a new pass. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/internal.h"

enum {
    MAX_SPLITS = 48,        /* candidate sizes per dimension */
    MAX_WIDTH_TRIES = 2,    /* column splits evaluated beyond the smallest that fits */
    RESIDENT_BLOBS = CC_SLOTS, /* blobs of one kind that can stay in a buffer across steps */
    INSN_OVERHEAD_CYCLES = 16, /* fixed cost of one instruction (fetch, dispatch, pipeline fill) */
};

/* Growth of the candidate split counts: 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, ... */
#define SPLIT_GROWTH 1.25

static int ceil_div(int a, int b) { return (a + b - 1) / b; }
static int round_up(int a, int b) { return ceil_div(a, b) * b; }
static int min_i(int a, int b) { return a < b ? a : b; }
static int max_i(int a, int b) { return a > b ? a : b; }

int cc_conv_mode(int in_c, int groups)
{
    if (in_c == groups)
        return ODPU_CONV_DEPTHWISE;
    return groups == 1 ? ODPU_CONV_STANDARD : ODPU_CONV_GROUPED;
}

uint32_t cc_weight_words(const cc_ctx *cx, int in_c, int out_c, int groups, int kh, int kw)
{
    uint32_t ob = odpu_ceil_div((uint32_t)out_c, cx->C), taps = (uint32_t)(kh * kw);
    if (cc_conv_mode(in_c, groups) == ODPU_CONV_DEPTHWISE)
        return ob * odpu_ceil_div(taps, cx->R);
    return ob * odpu_ceil_div((uint32_t)(in_c / groups), cx->R) * taps;
}

/* Candidate tile sizes for a dimension of `total`: ceil(total / n) rounded up to a multiple of
 * unit (capped at total), for a geometric series of n; largest first, distinct. */
static int split_sizes(int total, int unit, int *out)
{
    int n_out = 0, last = 0;
    double n = 1;
    unit = min_i(unit, total);
    while (n_out < MAX_SPLITS) {
        int size = min_i(total, round_up(ceil_div(total, (int)n), unit));
        if (!n_out || size < last)
            out[n_out++] = last = size;
        if (size <= unit)
            break;
        n = n * SPLIT_GROWTH > n + 1 ? n * SPLIT_GROWTH : n + 1;
    }
    return n_out;
}

/* Input extent of o_t outputs through k_p kernel taps (stride irrelevant for one output,
 * dilation for one tap). */
static int span(int o_t, int k_p, int s, int d)
{
    return (o_t - 1) * s + (k_p - 1) * d + 1;
}

/* ---- CONV ------------------------------------------------------------------------------------ */

typedef enum family {
    FAM_STD,       /* groups == 1: output and input channels split freely */
    FAM_PER_GROUP, /* each group as its own standard convolution */
    FAM_PACK,      /* tiles of whole groups in one grouped / depthwise instruction */
} family;

typedef struct geom {
    int H, W, Cin, Cout, OH, OW, G, Cg, Mg;
    int k[2], s[2], d[2];
    int pool[2]; /* fused max pool: output tiles are whole windows; OBUF holds the pooled tile */
    int merge;   /* lane groups merged on chip (cc_layer.lane_merge): OBUF also holds the merged tile */
} geom;

typedef struct cfg {
    family fam;
    int oc_t;       /* FAM_PACK: groups per tile; else output channels per tile */
    int ic_t;       /* input channels per part (FAM_PACK: all of the tile's) */
    int kp[2];      /* kernel piece */
    int ot[2];      /* output tile rows, cols */
    cc_order order;
    double cost;
} cfg;

/* What one instruction of the configuration looks like at its largest. */
typedef struct inst {
    int in_c, out_c, groups;
    int n_oc, n_ic;   /* output-channel tiles, input-channel parts (per tile) */
} inst;

static inst inst_of(const geom *g, const cfg *c)
{
    inst i;
    if (c->fam == FAM_PACK) {
        i = (inst){c->oc_t * g->Cg, c->oc_t * g->Mg, c->oc_t, ceil_div(g->G, c->oc_t), 1};
    } else if (c->fam == FAM_PER_GROUP) {
        i = (inst){c->ic_t, c->oc_t, 1, g->G * ceil_div(g->Mg, c->oc_t), ceil_div(g->Cg, c->ic_t)};
    } else {
        i = (inst){c->ic_t, c->oc_t, 1, ceil_div(g->Cout, c->oc_t), ceil_div(g->Cin, c->ic_t)};
    }
    return i;
}

/* Largest output tile extent along axis a that fits, given the other axis' tile; 0 if none. */
static int max_out(const cc_ctx *cx, const geom *g, const cfg *c, const inst *in, int a)
{
    int other = 1 - a;
    int in_size = a ? g->W : g->H, in_other = a ? g->H : g->W, out_size = a ? g->OW : g->OH;
    int other_in = min_i(in_other, span(c->ot[other], c->kp[other], g->s[other], g->d[other]));
    int icb = ceil_div(in->in_c, (int)cx->R), ob = ceil_div(in->out_c, (int)cx->C);
    int limit = min_i(out_size, CC_DIM_MAX);
    if (g->s[a] > CC_CONV_STRIDE_MAX)
        limit = 1; /* a stride the field cannot hold: one output per tile, stride unused */
    limit = min_i(limit, (int)cx->slot_words[ODPU_BUF_ABUF] / (ob * c->ot[other]));
    int pooled_other = c->ot[other] / g->pool[other], act_blocks = ceil_div(in->out_c, (int)cx->R);
    int merged_blocks = g->merge ? act_blocks / g->merge : 0; /* the merged tile beside the pooled one */
    limit = min_i(limit, (int)cx->slot_words[ODPU_BUF_OBUF] / ((act_blocks + merged_blocks) * pooled_other) *
                             g->pool[a]);
    if (g->merge) /* the merging POOL sees the tile as one row of merged_blocks x pixels words */
        limit = min_i(limit, CC_DIM_MAX / (merged_blocks * pooled_other) * g->pool[a]);
    int in_rows = min_i((int)cx->slot_words[ODPU_BUF_IBUF] / (icb * other_in), CC_DIM_MAX);
    if (other_in > CC_DIM_MAX)
        return 0;
    if (in_size > in_rows) { /* the input extent, not the whole input, must fit */
        int fixed = (c->kp[a] - 1) * g->d[a] + 1;
        if (fixed > in_rows)
            return 0;
        if (g->s[a] <= CC_CONV_STRIDE_MAX)
            limit = min_i(limit, (in_rows - fixed) / g->s[a] + 1);
    }
    return max_i(limit / g->pool[a] * g->pool[a], 0); /* whole pooling windows */
}

static int fits_fixed(const cc_ctx *cx, const inst *in, const cfg *c)
{
    if (in->in_c > CC_CHANNELS_MAX || in->out_c > CC_CHANNELS_MAX || in->groups > CC_GROUPS_MAX)
        return 0;
    uint32_t ww = cc_weight_words(cx, in->in_c, in->out_c, in->groups, c->kp[0], c->kp[1]);
    return ww <= cx->slot_words[ODPU_BUF_WBUF] &&
           odpu_ceil_div((uint32_t)in->out_c, cx->C) <= cx->slot_words[ODPU_BUF_PBUF];
}

/* Loads of each kind for one loop order (see cc_order); the cache of two slots per buffer keeps
 * a blob resident when at most two blobs of its kind take turns. */
typedef struct traffic {
    double in_loads, w_loads, p_loads;
} traffic;

static traffic loads_for(const geom *g, const cfg *c, const inst *in, double S, int w_all, int p_all,
                         cc_order order)
{
    double O = in->n_oc, I = (double)in->n_ic * ceil_div(g->k[0], c->kp[0]) * ceil_div(g->k[1], c->kp[1]);
    traffic t;
    double per_group_oc = c->fam == FAM_PER_GROUP ? ceil_div(g->Mg, c->oc_t) : O;
    if (order == CC_SPATIAL_OUTER) {
        if (c->fam == FAM_PACK)
            t.in_loads = S * O * I;
        else /* an input part serves every output tile of its group */
            t.in_loads = I <= RESIDENT_BLOBS ? S * (O / per_group_oc) * I : S * O * I;
        t.w_loads = w_all ? 1 : O * I <= RESIDENT_BLOBS ? O * I : S * O * I;
        t.p_loads = p_all ? 1 : O <= RESIDENT_BLOBS ? O : S * O;
    } else {
        t.in_loads = c->fam != FAM_PACK && S * I <= RESIDENT_BLOBS ? (O / per_group_oc) * S * I : O * S * I;
        t.w_loads = w_all ? 1 : I <= RESIDENT_BLOBS ? O * I : O * S * I;
        t.p_loads = p_all ? 1 : O;
    }
    return t;
}

/* Estimated cycles of the layer with configuration c (both loop orders; c->order set to the
 * better). Loads overlap compute, so the layer takes about the longer of the two, plus a fixed
 * cost per instruction. */
static double conv_cost(const cc_ctx *cx, const geom *g, cfg *c)
{
    inst in = inst_of(g, c);
    const odpu_arch *a = cx->arch;
    double S = (double)ceil_div(g->OH, c->ot[0]) * ceil_div(g->OW, c->ot[1]);
    int bal[2] = {ceil_div(g->OH, ceil_div(g->OH, c->ot[0])), ceil_div(g->OW, ceil_div(g->OW, c->ot[1]))};
    double in_bytes = (double)min_i(g->H, span(bal[0], c->kp[0], g->s[0], g->d[0])) *
                      min_i(g->W, span(bal[1], c->kp[1], g->s[1], g->d[1])) * in.in_c;
    double I = (double)in.n_ic * ceil_div(g->k[0], c->kp[0]) * ceil_div(g->k[1], c->kp[1]);
    double ww = cc_weight_words(cx, in.in_c, in.out_c, in.groups, c->kp[0], c->kp[1]);
    double ob = ceil_div(in.out_c, (int)cx->C);
    int w_all = in.n_oc * I * ww <= cx->slot_words[ODPU_BUF_WBUF];
    int p_all = in.n_oc * ob <= cx->slot_words[ODPU_BUF_PBUF];
    double convs = S * in.n_oc * I, saves = S * in.n_oc;
    int dw = cc_conv_mode(in.in_c, in.groups) == ODPU_CONV_DEPTHWISE;
    double taps = (double)c->kp[0] * c->kp[1];
    double per_conv = (double)bal[0] * bal[1] * ob *
                      (dw ? ceil_div((int)taps, (int)cx->R) : ceil_div(in.in_c / in.groups, (int)cx->R) * taps);
    double best = -1;
    for (int order = CC_SPATIAL_OUTER; order <= CC_CHANNEL_OUTER; order++) {
        traffic t = loads_for(g, c, &in, S, w_all, p_all, (cc_order)order);
        double bytes = t.in_loads * in_bytes + (w_all ? in.n_oc * I : t.w_loads) * ww * cx->word_bytes[ODPU_BUF_WBUF] +
                       (p_all ? in.n_oc : t.p_loads) * ob * cx->word_bytes[ODPU_BUF_PBUF] +
                       (double)g->OH * g->OW * g->Cout / (g->pool[0] * g->pool[1]);
        double transfers = t.in_loads + t.w_loads + t.p_loads + saves;
        double ddr = bytes / a->ddr_bytes_per_cycle + transfers * a->ddr_latency_cycles;
        double compute = convs * per_conv;
        double cost = (ddr > compute ? ddr : compute) + (transfers + convs) * INSN_OVERHEAD_CYCLES;
        if (best < 0 || cost < best) {
            best = cost;
            c->order = (cc_order)order;
        }
    }
    return best;
}

/* Try configuration c with every column split from the smallest that fits; keep the best. */
static void try_widths(const cc_ctx *cx, const geom *g, cfg c, cfg *best)
{
    inst in = inst_of(g, &c);
    if (!fits_fixed(cx, &in, &c))
        return;
    int tried = 0, windows = g->OW / g->pool[1]; /* widths count whole pooling windows */
    for (int n_w = 1; n_w <= windows && tried < MAX_WIDTH_TRIES; n_w++) {
        c.ot[1] = ceil_div(windows, n_w) * g->pool[1];
        if (n_w > 1 && c.ot[1] == ceil_div(windows, n_w - 1) * g->pool[1])
            continue;
        if (c.ot[1] > CC_DIM_MAX || (g->s[1] > CC_CONV_STRIDE_MAX && c.ot[1] > 1))
            continue;
        c.ot[0] = g->pool[0];
        if (max_out(cx, g, &c, &in, 1) < c.ot[1])
            continue; /* even one output row of this width does not fit */
        c.ot[0] = max_out(cx, g, &c, &in, 0);
        if (c.ot[0] < 1)
            continue;
        tried++;
        c.cost = conv_cost(cx, g, &c);
        if (best->cost < 0 || c.cost < best->cost)
            *best = c;
    }
}

static void search_family(const cc_ctx *cx, const geom *g, family fam, const int kp[2], cfg *best)
{
    int oc_sizes[MAX_SPLITS], ic_sizes[MAX_SPLITS], n_oc, n_ic;
    if (fam == FAM_PACK) {
        /* Groups per tile: multiples that fill whole blocks of the array's columns first. */
        int unit = 1;
        while (unit < g->G && (unit * g->Mg) % (int)cx->C)
            unit *= 2;
        n_oc = split_sizes(g->G, unit, oc_sizes);
        for (int u = unit / 2; u >= 1 && n_oc < MAX_SPLITS; u /= 2)
            oc_sizes[n_oc++] = u;
        ic_sizes[0] = 0;
        n_ic = 1;
    } else {
        int out_total = fam == FAM_STD ? g->Cout : g->Mg, in_total = fam == FAM_STD ? g->Cin : g->Cg;
        n_oc = split_sizes(out_total, (int)cx->C, oc_sizes);
        n_ic = split_sizes(in_total, (int)cx->R, ic_sizes);
    }
    for (int i = 0; i < n_oc; i++)
        for (int j = 0; j < n_ic; j++) {
            cfg c = {.fam = fam, .oc_t = oc_sizes[i], .ic_t = ic_sizes[j], .kp = {kp[0], kp[1]}};
            try_widths(cx, g, c, best);
        }
}

/* Kernel piece sizes along one axis, largest first: the kernel field holds 16 taps, and a
 * dilation the field cannot hold leaves one tap per piece. */
static int piece_sizes(int k, int d, int *out)
{
    int n = 0, last = 0;
    for (int parts = d > CC_CONV_STRIDE_MAX ? k : ceil_div(k, CC_KERNEL_MAX); parts <= k; parts++) {
        int size = ceil_div(k, parts);
        if (!n || size < last)
            out[n++] = last = size;
        if (n == MAX_SPLITS)
            break;
    }
    return n;
}

static void search_conv(const cc_ctx *cx, const geom *g, cfg *best)
{
    int ph[MAX_SPLITS], pw[MAX_SPLITS];
    int n_ph = piece_sizes(g->k[0], g->d[0], ph), n_pw = piece_sizes(g->k[1], g->d[1], pw);
    best->cost = -1;
    /* Larger kernel pieces first; smaller ones only when nothing fits (they re-read inputs). */
    for (int i = 0, j = 0;;) {
        int kp[2] = {ph[i], pw[j]};
        if (g->G == 1) {
            search_family(cx, g, FAM_STD, kp, best);
        } else {
            search_family(cx, g, FAM_PACK, kp, best);
            if (g->Cg > 1)
                search_family(cx, g, FAM_PER_GROUP, kp, best);
        }
        int more_h = i + 1 < n_ph, more_w = j + 1 < n_pw;
        if (best->cost >= 0 || (!more_h && !more_w))
            return;
        if (more_h && (!more_w || ph[i] >= pw[j]))
            i++;
        else
            j++;
    }
}

/* Balanced bands of at most size over [0, total), in whole units (pooling windows; 1 without):
 * total and size are multiples of unit. */
static cc_range *bands(int total, int size, int unit, int *n, odpu_err *err)
{
    int units = total / unit, count = ceil_div(units, size / unit), bal = ceil_div(units, count);
    count = ceil_div(units, bal);
    cc_range *r = calloc((size_t)count, sizeof *r);
    if (!r) {
        odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
        return NULL;
    }
    for (int i = 0; i < count; i++)
        r[i] = (cc_range){i * bal * unit, min_i(units, (i + 1) * bal) * unit};
    *n = count;
    return r;
}

static odpu_status build_octiles(const geom *g, const cfg *c, cc_conv_plan *p, odpu_err *err)
{
    inst in = inst_of(g, c);
    p->oc = calloc((size_t)in.n_oc, sizeof *p->oc);
    if (!p->oc)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
    if (c->fam == FAM_PACK) {
        for (int g0 = 0; g0 < g->G; g0 += c->oc_t) {
            int g1 = min_i(g->G, g0 + c->oc_t);
            p->oc[p->n_oc++] = (cc_octile){g0 * g->Mg, g1 * g->Mg, g0 * g->Cg, g1 * g->Cg, g1 - g0};
        }
        return ODPU_OK;
    }
    int groups = c->fam == FAM_STD ? 1 : g->G, per = c->fam == FAM_STD ? g->Cout : g->Mg;
    int cin = c->fam == FAM_STD ? g->Cin : g->Cg;
    for (int gi = 0; gi < groups; gi++)
        for (int o = 0; o < per; o += c->oc_t)
            p->oc[p->n_oc++] = (cc_octile){gi * per + o, gi * per + min_i(per, o + c->oc_t), gi * cin,
                                           (gi + 1) * cin, 1};
    return ODPU_OK;
}

static odpu_status build_parts(const geom *g, const cfg *c, cc_conv_plan *p, odpu_err *err)
{
    int cin = c->fam == FAM_STD ? g->Cin : g->Cg;
    int n_ic = c->fam == FAM_PACK ? 1 : ceil_div(cin, c->ic_t);
    int n_ky = ceil_div(g->k[0], c->kp[0]), n_kx = ceil_div(g->k[1], c->kp[1]);
    p->parts = calloc((size_t)n_ic * n_ky * n_kx, sizeof *p->parts);
    if (!p->parts)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
    for (int i = 0; i < n_ic; i++)
        for (int ky = 0; ky < n_ky; ky++)
            for (int kx = 0; kx < n_kx; kx++) {
                cc_part *q = &p->parts[p->n_parts++];
                q->ic_off = c->fam == FAM_PACK ? 0 : i * c->ic_t;
                q->ic_len = c->fam == FAM_PACK ? -1 : min_i(c->ic_t, cin - q->ic_off);
                q->ky0 = ky * c->kp[0];
                q->kh = min_i(c->kp[0], g->k[0] - q->ky0);
                q->kx0 = kx * c->kp[1];
                q->kw = min_i(c->kp[1], g->k[1] - q->kx0);
            }
    return ODPU_OK;
}

static void conv_plan_text(const geom *g, const cfg *c, const cc_conv_plan *p, char *out, size_t size)
{
    static const char *const fam_names[] = {"", ", per group", ", grouped"};
    int n = snprintf(out, size, "rows %dx%d", p->n_rows, p->rows[0].hi - p->rows[0].lo);
    if (p->n_cols > 1)
        n += snprintf(out + n, size - (size_t)n, ", cols %dx%d", p->n_cols, p->cols[0].hi - p->cols[0].lo);
    int oc_ch = p->oc[0].o1 - p->oc[0].o0;
    n += snprintf(out + n, size - (size_t)n, ", oc %dx%d", p->n_oc, oc_ch);
    int n_ky = ceil_div(g->k[0], c->kp[0]), n_kx = ceil_div(g->k[1], c->kp[1]);
    int n_ic = p->n_parts / (n_ky * n_kx);
    if (c->fam == FAM_PACK)
        n += snprintf(out + n, size - (size_t)n, ", ic 1%s", g->Cg == 1 ? ", dw" : fam_names[FAM_PACK]);
    else
        n += snprintf(out + n, size - (size_t)n, ", ic %dx%d%s", n_ic, p->parts[0].ic_len, fam_names[c->fam]);
    if (n_ky * n_kx > 1)
        n += snprintf(out + n, size - (size_t)n, ", kernel %dx%d pieces", n_ky, n_kx);
    if (c->order == CC_CHANNEL_OUTER && p->n_oc > 1 && p->n_rows * p->n_cols > 1)
        n += snprintf(out + n, size - (size_t)n, ", oc outer");
    if (p->w_all && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, ", weights resident");
}

static odpu_status conv_limits(const cc_layer *L, const geom *g, odpu_err *err)
{
    const odpu_lwindow *w = &L->conv.win;
    for (int a = 0; a < 2; a++)
        if (w->pad_lo[a] > CC_PAD_MAX || w->pad_hi[a] > CC_PAD_MAX)
            return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): padding %d/%d exceeds the %d that a CONV "
                             "instruction can express", L->name, L->op, w->pad_lo[a], w->pad_hi[a], CC_PAD_MAX);
    if (g->OH < 1 || g->OW < 1)
        return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): empty output", L->name, L->op);
    return ODPU_OK;
}

odpu_status cc_plan_conv(cc_ctx *cx, cc_layer *L, odpu_err *err)
{
    const odpu_lshape is = cx->tensors[L->in[0]].shape, os = cx->tensors[L->out].shape;
    const cc_convdef *cv = &L->conv;
    /* With a fused pool the out tensor is the pooled map: the CONV computes the windows' pixels. */
    geom g = {is.h, is.w, is.c, cv->out_c, os.h * L->fused_win[0], os.w * L->fused_win[1], cv->groups,
              is.c / cv->groups, cv->out_c / cv->groups, {cv->win.k[0], cv->win.k[1]},
              {cv->win.stride[0], cv->win.stride[1]}, {cv->win.dil[0], cv->win.dil[1]},
              {L->fused_win[0], L->fused_win[1]}, L->lane_merge};
    odpu_status st = conv_limits(L, &g, err);
    if (st != ODPU_OK)
        return st;
    cfg best;
    search_conv(cx, &g, &best);
    if (best.cost < 0)
        return odpu_fail(err, ODPU_E_ARG,
                         "node '%s' (%s): cannot be tiled for arch '%s': even the smallest tile (one output "
                         "pixel, one channel block, one kernel tap) does not fit IBUF (%u words per half), "
                         "WBUF (%u), PBUF (%u), OBUF (%u) and ABUF (%u)", L->name, L->op, cx->arch->name,
                         cx->slot_words[ODPU_BUF_IBUF], cx->slot_words[ODPU_BUF_WBUF],
                         cx->slot_words[ODPU_BUF_PBUF], cx->slot_words[ODPU_BUF_OBUF],
                         cx->slot_words[ODPU_BUF_ABUF]);
    cc_conv_plan *p = &L->cp;
    p->order = best.order;
    if (!(p->rows = bands(g.OH, best.ot[0], g.pool[0], &p->n_rows, err)) ||
        !(p->cols = bands(g.OW, best.ot[1], g.pool[1], &p->n_cols, err)))
        return ODPU_E_NOMEM;
    if ((st = build_octiles(&g, &best, p, err)) != ODPU_OK || (st = build_parts(&g, &best, p, err)) != ODPU_OK)
        return st;
    if ((st = cc_pack_layer(cx, L, err)) != ODPU_OK)
        return st;
    char text[CC_PLAN_TEXT];
    conv_plan_text(&g, &best, p, text, sizeof text);
    char fused[32] = "";
    if (L->fused_win[0] * L->fused_win[1] > 1)
        snprintf(fused, sizeof fused, ", max pool %dx%d", L->fused_win[0], L->fused_win[1]);
    if (L->folded) /* fold.c rewrote the layer: say how, then the plan of its folded form */
        snprintf(L->plan, sizeof L->plan, "folded %dpx: %.*s%s", L->fold_wide, CC_PLAN_TEXT - 48, text, fused);
    else
        snprintf(L->plan, sizeof L->plan, "%.*s%s", CC_PLAN_TEXT - 32, text, fused);
    return ODPU_OK;
}

/* ---- POOL ------------------------------------------------------------------------------------ */

int cc_gap_fits_pool(const cc_ctx *cx, int h, int w)
{
    return h <= CC_DIM_MAX && w <= CC_DIM_MAX && (uint64_t)h * w <= cx->slot_words[ODPU_BUF_IBUF];
}

/* Output indices along an axis split where the divisor of an average changes, so that one POOL
 * (one multiplier) serves a whole tile. Max pools have one segment. */
static int segments(const cc_layer *L, int a, int in_size, int out_size, cc_range *seg)
{
    int n = 0;
    for (int o = 0; o < out_size; o++) {
        int cnt = L->pool.mode == ODPU_POOL_AVG
                      ? odpu_window_count(&L->pool.win, a, in_size, o, L->pool.count_include_pad) : 0;
        int prev = o && L->pool.mode == ODPU_POOL_AVG
                       ? odpu_window_count(&L->pool.win, a, in_size, o - 1, L->pool.count_include_pad) : cnt;
        if (!o || cnt != prev)
            seg[n++] = (cc_range){o, o + 1};
        else
            seg[n - 1].hi = o + 1;
    }
    return n;
}

/* Bands of at most `size` inside every segment. */
static cc_range *segment_bands(const cc_range *seg, int n_seg, int size, int *n, odpu_err *err)
{
    int count = 0;
    for (int i = 0; i < n_seg; i++)
        count += ceil_div(seg[i].hi - seg[i].lo, size);
    cc_range *r = calloc((size_t)count, sizeof *r);
    if (!r) {
        odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
        return NULL;
    }
    *n = 0;
    for (int i = 0; i < n_seg; i++) {
        int len = seg[i].hi - seg[i].lo, parts = ceil_div(len, size), bal = ceil_div(len, parts);
        for (int lo = seg[i].lo; lo < seg[i].hi; lo += bal)
            r[(*n)++] = (cc_range){lo, min_i(seg[i].hi, lo + bal)};
    }
    return r;
}

/* Largest pool output tile (rows given cols) for ch channels; 0 if none. */
static int pool_max_rows(const cc_ctx *cx, const cc_layer *L, int ch, int ow, int H, int W, int OH)
{
    const odpu_lwindow *w = &L->pool.win;
    int cb = ceil_div(ch, (int)cx->R);
    int in_cols = min_i(W, span(ow, w->k[1], w->stride[1], 1));
    if (in_cols > CC_DIM_MAX || (w->stride[1] > CC_POOL_STRIDE_MAX && ow > 1))
        return 0;
    int limit = min_i(OH, CC_DIM_MAX);
    if (w->stride[0] > CC_POOL_STRIDE_MAX)
        limit = 1;
    limit = min_i(limit, (int)cx->slot_words[ODPU_BUF_OBUF] / (cb * ow));
    int in_rows = min_i((int)cx->slot_words[ODPU_BUF_IBUF] / (cb * in_cols), CC_DIM_MAX);
    if (H > in_rows) {
        if (w->k[0] > in_rows)
            return 0;
        if (w->stride[0] <= CC_POOL_STRIDE_MAX)
            limit = min_i(limit, (in_rows - w->k[0]) / w->stride[0] + 1);
    }
    return max_i(limit, 0);
}

static odpu_status plan_global_pool(cc_ctx *cx, cc_layer *L, odpu_lshape is, odpu_err *err)
{
    cc_map_plan *p = &L->mp;
    int blocks = (int)cx->slot_words[ODPU_BUF_IBUF] / (is.h * is.w);
    p->ch_t = min_i(is.c, min_i(blocks * (int)cx->R, CC_CHANNELS_MAX));
    p->rows = calloc(1, sizeof *p->rows);
    p->cols = calloc(1, sizeof *p->cols);
    if (!p->rows || !p->cols)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
    p->rows[0] = p->cols[0] = (cc_range){0, 1};
    p->n_rows = p->n_cols = 1;
    snprintf(L->plan, sizeof L->plan, "channels %dx%d, global", ceil_div(is.c, p->ch_t), p->ch_t);
    return ODPU_OK;
}

static odpu_status pool_limits(const cc_layer *L, odpu_err *err)
{
    const odpu_lwindow *w = &L->pool.win;
    for (int a = 0; a < 2; a++) {
        if (w->pad_lo[a] > CC_PAD_MAX || w->pad_hi[a] > CC_PAD_MAX)
            return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): padding %d/%d exceeds the %d a POOL "
                             "instruction can express", L->name, L->op, w->pad_lo[a], w->pad_hi[a], CC_PAD_MAX);
        if (w->k[a] > CC_POOL_KERNEL_MAX)
            return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): kernel %d exceeds the POOL limit %d", L->name,
                             L->op, w->k[a], CC_POOL_KERNEL_MAX);
    }
    return ODPU_OK;
}

odpu_status cc_plan_pool(cc_ctx *cx, cc_layer *L, odpu_err *err)
{
    odpu_lshape is = cx->tensors[L->in[0]].shape, os = cx->tensors[L->out].shape;
    if (L->pool.mode == ODPU_POOL_GLOBAL_AVG)
        return plan_global_pool(cx, L, is, err);
    odpu_status st = pool_limits(L, err);
    if (st != ODPU_OK)
        return st;
    int ch_sizes[MAX_SPLITS], n_ch = split_sizes(is.c, (int)cx->R, ch_sizes);
    int best_ch = 0, best_oh = 0, best_ow = 0;
    double best_cost = -1;
    for (int i = 0; i < n_ch; i++) {
        int ch = min_i(ch_sizes[i], CC_CHANNELS_MAX);
        for (int n_w = 1, tried = 0; n_w <= os.w && tried < MAX_WIDTH_TRIES; n_w++) {
            int ow = ceil_div(os.w, n_w);
            int oh = pool_max_rows(cx, L, ch, ow, is.h, is.w, os.h);
            if (oh < 1)
                continue;
            tried++;
            double tiles = (double)ceil_div(is.c, ch) * ceil_div(os.h, oh) * ceil_div(os.w, ow);
            double in_bytes = tiles * min_i(is.h, span(oh, L->pool.win.k[0], L->pool.win.stride[0], 1)) *
                              min_i(is.w, span(ow, L->pool.win.k[1], L->pool.win.stride[1], 1)) * ch;
            double cost = in_bytes / cx->arch->ddr_bytes_per_cycle +
                          tiles * (2.0 * cx->arch->ddr_latency_cycles + 3 * INSN_OVERHEAD_CYCLES);
            if (best_cost < 0 || cost < best_cost) {
                best_cost = cost;
                best_ch = ch;
                best_oh = oh;
                best_ow = ow;
            }
        }
    }
    if (best_cost < 0)
        return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): cannot be tiled for arch '%s': one %dx%d window of "
                         "one channel block does not fit IBUF (%u words per half)", L->name, L->op,
                         cx->arch->name, L->pool.win.k[0], L->pool.win.k[1], cx->slot_words[ODPU_BUF_IBUF]);
    cc_range *seg = calloc((size_t)max_i(os.h, os.w), sizeof *seg);
    if (!seg)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
    cc_map_plan *p = &L->mp;
    p->ch_t = best_ch;
    int n_seg = segments(L, 0, is.h, os.h, seg);
    p->rows = segment_bands(seg, n_seg, best_oh, &p->n_rows, err);
    n_seg = segments(L, 1, is.w, os.w, seg);
    p->cols = p->rows ? segment_bands(seg, n_seg, best_ow, &p->n_cols, err) : NULL;
    free(seg);
    if (!p->rows || !p->cols)
        return ODPU_E_NOMEM;
    snprintf(L->plan, sizeof L->plan, "%srows %dx%d, cols %dx%d, channels %dx%d",
             L->fused ? "lane merge of a fused pool: " : "", p->n_rows,
             p->rows[0].hi - p->rows[0].lo, p->n_cols, p->cols[0].hi - p->cols[0].lo, ceil_div(is.c, best_ch),
             best_ch);
    return ODPU_OK;
}

/* ---- ADD -------------------------------------------------------------------------------------- */

odpu_status cc_plan_add(cc_ctx *cx, cc_layer *L, odpu_err *err)
{
    odpu_lshape s = cx->tensors[L->out].shape;
    /* a and b share one IBUF half; the sum goes to an OBUF half; ELEW len is 20 bits. */
    int words = min_i(min_i((int)cx->slot_words[ODPU_BUF_IBUF] / 2, (int)cx->slot_words[ODPU_BUF_OBUF]), CC_LEN_MAX);
    int ch_sizes[MAX_SPLITS], n_ch = split_sizes(s.c, (int)cx->R, ch_sizes);
    double best_tiles = -1;
    int best_ch = 0, best_oh = 0, best_ow = 0;
    for (int i = 0; i < n_ch; i++) {
        int pix = words / ceil_div(ch_sizes[i], (int)cx->R);
        if (pix < 1)
            continue;
        int ow = min_i(min_i(s.w, pix), CC_DIM_MAX), oh = min_i(min_i(s.h, pix / ow), CC_DIM_MAX);
        double tiles = (double)ceil_div(s.c, ch_sizes[i]) * ceil_div(s.h, oh) * ceil_div(s.w, ow);
        if (best_tiles < 0 || tiles < best_tiles) {
            best_tiles = tiles;
            best_ch = ch_sizes[i];
            best_oh = oh;
            best_ow = ow;
        }
    }
    if (best_tiles < 0)
        return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): cannot be tiled for arch '%s': IBUF half (%u words) "
                         "cannot hold two one-pixel tiles", L->name, L->op, cx->arch->name,
                         cx->slot_words[ODPU_BUF_IBUF]);
    cc_map_plan *p = &L->mp;
    p->ch_t = best_ch;
    if (!(p->rows = bands(s.h, best_oh, 1, &p->n_rows, err)) || !(p->cols = bands(s.w, best_ow, 1, &p->n_cols, err)))
        return ODPU_E_NOMEM;
    snprintf(L->plan, sizeof L->plan, "%srows %dx%d, cols %dx%d, channels %dx%d",
             L->fused ? "lane merge of a fused pool: " : "", p->n_rows,
             p->rows[0].hi - p->rows[0].lo, p->n_cols, p->cols[0].hi - p->cols[0].lo, ceil_div(s.c, best_ch),
             best_ch);
    return ODPU_OK;
}
