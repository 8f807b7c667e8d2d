/* schedule.c - from tile plans to the instruction stream, in stream order, without tokens
 * (docs/compiler.md, "Schedule and tokens"). Each tile becomes a step: the blobs it needs in
 * IBUF / WBUF / PBUF (loaded unless still resident), one CONV / POOL / ELEW, and a SAVE when it
 * completes an output tile. Every streamed buffer is split into two slots; a step's loads are
 * emitted before the previous step's compute and go to the slot that step does not read, so the
 * load of tile i+1, the compute of tile i and the save of tile i-1 can run at once once tokens.c
 * has added the dependencies. OBUF slots alternate between output tiles. ABUF is only touched by
 * the compute engine, so one region serves every tile. */
#include <stdio.h>
#include <string.h>

#include "compiler/internal.h"

typedef enum key_kind { KEY_WEIGHTS = 1, KEY_PARAMS, KEY_INPUT } key_kind;

enum { KEY_ALL = -1 }; /* the blob holding a whole layer's weights or parameters */

typedef struct blob {
    int buf;
    uint64_t key[CC_KEY_WORDS];
    int n_loads;
    odpu_insn load[CC_BLOB_LOADS]; /* buf_addr relative to the blob's slot */
} blob;

typedef struct step {
    blob b[CC_STEP_BLOBS];
    int n_b;
    odpu_insn op;   /* buffer addresses relative to the slots of its blobs and its OBUF slot */
    int post;       /* a POOL after op within its OBUF slot (addresses relative to the slot) */
    odpu_insn post_op;
    int obuf;       /* writes an OBUF tile */
    int save;
    odpu_insn sv;   /* buf_addr relative to the OBUF slot */
} step;

typedef struct slot_cache {
    uint64_t key[CC_SLOTS][CC_KEY_WORDS];
    int valid[CC_SLOTS];
    uint64_t used[CC_SLOTS];
} slot_cache;

typedef struct sched {
    cc_ctx *cx;
    int layer;
    odpu_err *err;
    slot_cache cache[ODPU_BUF_COUNT];
    int pin[ODPU_BUF_COUNT];   /* slot the pending step reads, -1 for none */
    int obuf_next;
    uint64_t tick;
    step pend;
    int has_pend;
    uint32_t pend_base[ODPU_BUF_COUNT];
} sched;

/* ---- Emitting ----------------------------------------------------------------------------- */

/* DDR bytes an activation LOAD reads: overlapping pixels (pixel_stride < c, a folded input) are
 * fetched once per row span (docs/rtl.md, odpu_load), others pixel by pixel. */
static uint64_t box_read_bytes(const odpu_load *l)
{
    uint64_t row = l->pixel_stride < l->c ? (uint64_t)(l->w - 1) * l->pixel_stride + l->c : (uint64_t)l->w * l->c;
    return (uint64_t)l->h * row;
}

static odpu_status emit(sched *sc, const odpu_insn *i)
{
    cc_layer *L = &sc->cx->layers[sc->layer];
    const uint32_t *wb = sc->cx->word_bytes;
    if (i->opcode == ODPU_OP_LOAD)
        L->ddr_read += i->u.load.len ? (uint64_t)i->u.load.len * wb[i->u.load.buf] : box_read_bytes(&i->u.load);
    else if (i->opcode == ODPU_OP_SAVE)
        L->ddr_written += (uint64_t)i->u.save.h * i->u.save.w * i->u.save.c;
    return cc_prog_append(&sc->cx->prog, i, sc->layer, sc->err);
}

static void patch_op(odpu_insn *op, const uint32_t *base, uint32_t obase)
{
    switch (op->opcode) {
    case ODPU_OP_CONV:
        op->u.conv.ibuf_addr += base[ODPU_BUF_IBUF];
        op->u.conv.wbuf_addr += base[ODPU_BUF_WBUF];
        if (op->u.conv.acc_init || op->u.conv.acc_out)
            op->u.conv.pbuf_addr += base[ODPU_BUF_PBUF];
        if (op->u.conv.acc_out)
            op->u.conv.obuf_addr += obase;
        break;
    case ODPU_OP_POOL:
        op->u.pool.src_addr += base[ODPU_BUF_IBUF];
        op->u.pool.dst_addr += obase;
        break;
    case ODPU_OP_ELEW:
        op->u.elew.a_addr += base[ODPU_BUF_IBUF];
        op->u.elew.b_addr += base[ODPU_BUF_IBUF];
        op->u.elew.out_addr += obase;
        break;
    default: break;
    }
}

static odpu_status emit_pending(sched *sc)
{
    if (!sc->has_pend)
        return ODPU_OK;
    sc->has_pend = 0;
    uint32_t obase = 0;
    if (sc->pend.obuf) {
        obase = (uint32_t)sc->obuf_next * sc->cx->slot_words[ODPU_BUF_OBUF];
        sc->obuf_next ^= 1;
    }
    patch_op(&sc->pend.op, sc->pend_base, obase);
    odpu_status st = emit(sc, &sc->pend.op);
    if (st == ODPU_OK && sc->pend.post) {
        sc->pend.post_op.u.pool.src_addr += obase;
        sc->pend.post_op.u.pool.dst_addr += obase;
        st = emit(sc, &sc->pend.post_op);
    }
    if (st == ODPU_OK && sc->pend.save) {
        sc->pend.sv.u.save.buf_addr += obase;
        st = emit(sc, &sc->pend.sv);
    }
    return st;
}

static int find_slot(const slot_cache *c, const uint64_t *key)
{
    for (int k = 0; k < CC_SLOTS; k++)
        if (c->valid[k] && !memcmp(c->key[k], key, sizeof c->key[k]))
            return k;
    return -1;
}

/* A slot for a blob that is not resident: never the one the pending step reads (its loads are
 * emitted before that step's compute), else an empty one, else the least recently used. */
static int victim(const slot_cache *c, int pin)
{
    int best = -1;
    for (int k = 0; k < CC_SLOTS; k++) {
        if (k == pin)
            continue;
        if (!c->valid[k])
            return k;
        if (best < 0 || c->used[k] < c->used[best])
            best = k;
    }
    return best;
}

/* Loads for step s (what is not resident), then the previous step's compute and save. */
static odpu_status put_step(sched *sc, const step *s)
{
    uint32_t base[ODPU_BUF_COUNT] = {0};
    int used[ODPU_BUF_COUNT];
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        used[b] = -1;
    for (int i = 0; i < s->n_b; i++) {
        const blob *bl = &s->b[i];
        slot_cache *c = &sc->cache[bl->buf];
        int k = find_slot(c, bl->key);
        if (k < 0) {
            k = victim(c, sc->pin[bl->buf]);
            memcpy(c->key[k], bl->key, sizeof c->key[k]);
            c->valid[k] = 1;
            for (int j = 0; j < bl->n_loads; j++) {
                odpu_insn ld = bl->load[j];
                ld.u.load.buf_addr += (uint32_t)k * sc->cx->slot_words[bl->buf];
                odpu_status st = emit(sc, &ld);
                if (st != ODPU_OK)
                    return st;
            }
        }
        c->used[k] = ++sc->tick;
        used[bl->buf] = k;
        base[bl->buf] = (uint32_t)k * sc->cx->slot_words[bl->buf];
    }
    odpu_status st = emit_pending(sc);
    if (st != ODPU_OK)
        return st;
    sc->pend = *s;
    sc->has_pend = 1;
    memcpy(sc->pend_base, base, sizeof base);
    memcpy(sc->pin, used, sizeof used);
    return ODPU_OK;
}

static odpu_status flush(sched *sc)
{
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        sc->pin[b] = -1;
    return emit_pending(sc);
}

/* ---- Instruction builders ------------------------------------------------------------------ */

static odpu_insn load_linear(odpu_buf_id buf, uint64_t ddr, uint32_t len)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = buf, .ddr_addr = (uint32_t)ddr, .len = len};
    return i;
}

static odpu_insn load_box(const cc_view *v, int y, int x, int ch, int h, int w, int c, uint32_t buf_addr)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = ODPU_BUF_IBUF,
                           .ddr_addr = (uint32_t)(v->base + (uint64_t)y * v->rs + (uint64_t)x * v->ps + (uint64_t)ch),
                           .buf_addr = buf_addr, .h = (uint32_t)h, .w = (uint32_t)w, .c = (uint32_t)c,
                           .pixel_stride = v->ps, .row_stride = v->rs};
    return i;
}

static odpu_insn save_box(const cc_view *v, int y, int x, int ch, int h, int w, int c)
{
    odpu_insn i = {.opcode = ODPU_OP_SAVE};
    i.u.save = (odpu_save){.buf = ODPU_BUF_OBUF,
                           .ddr_addr = (uint32_t)(v->base + (uint64_t)y * v->rs + (uint64_t)x * v->ps + (uint64_t)ch),
                           .h = (uint32_t)h, .w = (uint32_t)w, .c = (uint32_t)c, .pixel_stride = v->ps,
                           .row_stride = v->rs};
    return i;
}

static void set_key(blob *b, int layer, key_kind kind, int64_t a, int64_t c, int64_t d)
{
    b->key[0] = (uint64_t)layer;
    b->key[1] = (uint64_t)kind | ((uint64_t)a << 8);
    b->key[2] = (uint64_t)c;
    b->key[3] = (uint64_t)d;
}

/* The input rows (or columns) that outputs [o_lo, o_hi) read through kernel taps [k0, k0 + kp),
 * clipped to the image; what lies outside becomes the instruction's padding. A range that misses
 * the image altogether (a kernel piece over the padding of a border band) loads row 0 and puts
 * every window position above it: all of them read the zero point, as they should. */
typedef struct axis_tile {
    int lo, ext, pad_lo, pad_hi, stride, dil;
} axis_tile;

static int axis_of(int o_lo, int o_hi, int k0, int kp, int s, int d, int pad, int in, axis_tile *t)
{
    int i_lo = o_lo * s - pad + k0 * d, i_hi = (o_hi - 1) * s - pad + (k0 + kp - 1) * d;
    int lo = i_lo > 0 ? i_lo : 0, hi = i_hi < in - 1 ? i_hi : in - 1;
    t->stride = o_hi - o_lo > 1 ? s : 1;
    t->dil = kp > 1 ? d : 1;
    if (lo > hi) {
        t->lo = 0;
        t->ext = 1;
        t->pad_lo = i_hi - i_lo + 1; /* the window's span: every position lands before row 0 */
        t->pad_hi = 0;
    } else {
        t->lo = lo;
        t->ext = hi - lo + 1;
        t->pad_lo = lo - i_lo;
        t->pad_hi = i_hi > hi ? i_hi - hi : 0;
    }
    return t->pad_lo <= CC_PAD_MAX && t->pad_hi <= CC_PAD_MAX;
}

static odpu_status padding_error(sched *sc, const cc_layer *L, const char *what, int lo, int hi)
{
    return odpu_fail(sc->err, ODPU_E_ARG, "node '%s' (%s): output %s %d..%d need more than %d padding "
                     "positions on one side, which a CONV/POOL instruction cannot express", L->name, L->op, what,
                     lo, hi - 1, CC_PAD_MAX);
}

/* ---- CONV ---------------------------------------------------------------------------------- */

static void conv_blobs(const sched *sc, const cc_layer *L, int o, int q, step *st, uint32_t *w_rel, uint32_t *p_rel)
{
    const cc_conv_plan *p = &L->cp;
    const uint32_t *wb = sc->cx->word_bytes;
    size_t i = (size_t)o * p->n_parts + q;
    blob *b = &st->b[st->n_b++];
    b->buf = ODPU_BUF_WBUF;
    b->n_loads = 1;
    if (p->w_all) {
        set_key(b, sc->layer, KEY_WEIGHTS, KEY_ALL, 0, 0);
        b->load[0] = load_linear(ODPU_BUF_WBUF, p->w_base, p->w_total);
        *w_rel = p->w_word[i];
    } else {
        set_key(b, sc->layer, KEY_WEIGHTS, (int64_t)i, 0, 0);
        b->load[0] = load_linear(ODPU_BUF_WBUF, p->w_base + (uint64_t)p->w_word[i] * wb[ODPU_BUF_WBUF], p->w_len[i]);
        *w_rel = 0;
    }
    *p_rel = 0;
    if (q != 0 && q != p->n_parts - 1)
        return; /* a middle partial sum reads no parameters */
    b = &st->b[st->n_b++];
    b->buf = ODPU_BUF_PBUF;
    b->n_loads = 1;
    if (p->p_all) {
        set_key(b, sc->layer, KEY_PARAMS, KEY_ALL, 0, 0);
        b->load[0] = load_linear(ODPU_BUF_PBUF, p->p_base, p->p_total);
        *p_rel = p->p_word[o];
    } else {
        set_key(b, sc->layer, KEY_PARAMS, o, 0, 0);
        b->load[0] = load_linear(ODPU_BUF_PBUF, p->p_base + (uint64_t)p->p_word[o] * wb[ODPU_BUF_PBUF], p->p_len[o]);
    }
}

/* The POOL that max-merges a folded layer's lane groups (cc_layer.lane_merge) in the OBUF slot:
 * group j's channel blocks are words [j * blocks * pixels, +blocks * pixels) of the pooled tile,
 * so the tile is `groups` rows of blocks * pixels words, pooled over the rows into one row that is
 * the merged tile (docs/compiler.md, "Fused pooling"). Returns where the merged tile starts. */
static uint32_t lane_merge(const sched *sc, const cc_layer *L, int pixels, step *st)
{
    uint32_t groups = (uint32_t)L->lane_merge;
    uint32_t blocks = (uint32_t)L->conv.out_c / groups / sc->cx->R; /* whole words: fuse.c checked */
    uint32_t row = blocks * (uint32_t)pixels, merged_at = groups * row;
    st->post = 1;
    st->post_op = (odpu_insn){.opcode = ODPU_OP_POOL};
    st->post_op.u.pool = (odpu_pool){.mode = ODPU_POOL_MAX, .src_buf = ODPU_BUF_OBUF, .src_addr = 0, .in_h = groups,
                                     .dst_addr = merged_at, .in_w = row, .c = sc->cx->R, .kh = groups, .kw = 1,
                                     .out_h = 1, .out_w = row, .stride_h = 1, .stride_w = 1,
                                     .act_min = INT8_MIN, .act_max = INT8_MAX};
    return merged_at;
}

static odpu_status conv_step(sched *sc, const cc_layer *L, int s, int o, int q)
{
    const cc_conv_plan *p = &L->cp;
    const cc_convdef *cv = &L->conv;
    const cc_range rb = p->rows[s / p->n_cols], cb = p->cols[s % p->n_cols];
    const cc_octile *t = &p->oc[o];
    const cc_part *pt = &p->parts[q];
    const odpu_lshape is = sc->cx->tensors[L->in[0]].shape;
    axis_tile ay, ax;
    if (!axis_of(rb.lo, rb.hi, pt->ky0, pt->kh, cv->win.stride[0], cv->win.dil[0], cv->win.pad_lo[0], is.h, &ay))
        return padding_error(sc, L, "rows", rb.lo, rb.hi);
    if (!axis_of(cb.lo, cb.hi, pt->kx0, pt->kw, cv->win.stride[1], cv->win.dil[1], cv->win.pad_lo[1], is.w, &ax))
        return padding_error(sc, L, "columns", cb.lo, cb.hi);
    int in_c = pt->ic_len < 0 ? t->c1 - t->c0 : pt->ic_len, out_c = t->o1 - t->o0;
    step st;
    memset(&st, 0, sizeof st);
    uint32_t w_rel, p_rel;
    conv_blobs(sc, L, o, q, &st, &w_rel, &p_rel);
    blob *b = &st.b[st.n_b++];
    b->buf = ODPU_BUF_IBUF;
    b->n_loads = 1;
    set_key(b, sc->layer, KEY_INPUT, s, (int64_t)(t->c0 + pt->ic_off) | ((int64_t)in_c << 32),
            (int64_t)pt->ky0 | ((int64_t)pt->kx0 << 32));
    b->load[0] = load_box(&sc->cx->tensors[L->in[0]].view, ay.lo, ax.lo, t->c0 + pt->ic_off, ay.ext, ax.ext, in_c, 0);
    st.op.opcode = ODPU_OP_CONV;
    st.op.u.conv = (odpu_conv){
        .mode = (uint32_t)cc_conv_mode(in_c, t->groups), .leaky = (uint32_t)cv->leaky,
        .acc_init = q == 0, .acc_out = q == p->n_parts - 1, .in_zp = L->in_zp, .out_zp = L->out_zp,
        .in_h = (uint32_t)ay.ext, .kh = (uint32_t)pt->kh, .in_w = (uint32_t)ax.ext, .kw = (uint32_t)pt->kw,
        .out_h = (uint32_t)(rb.hi - rb.lo), .pad_top = (uint32_t)ay.pad_lo, .wbuf_addr = w_rel,
        .out_w = (uint32_t)(cb.hi - cb.lo), .pad_bottom = (uint32_t)ay.pad_hi, .in_c = (uint32_t)in_c,
        .out_c = (uint32_t)out_c, .groups = (uint32_t)t->groups, .pbuf_addr = p_rel,
        .pad_left = (uint32_t)ax.pad_lo, .stride_h = (uint32_t)ay.stride, .stride_w = (uint32_t)ax.stride,
        .dil_h = (uint32_t)ay.dil, .dil_w = (uint32_t)ax.dil, .pool_h = 1, .pool_w = 1, .pad_right = (uint32_t)ax.pad_hi,
        .act_min = L->act_min, .act_max = L->act_max};
    if (q == p->n_parts - 1) { /* the part with the output stage: it pools, if the layer does */
        int ph = L->fused_win[0], pw = L->fused_win[1]; /* the pooled tile when the pool is fused */
        int rows = (rb.hi - rb.lo) / ph, cols = (cb.hi - cb.lo) / pw;
        st.op.u.conv.pool_h = (uint32_t)ph;
        st.op.u.conv.pool_w = (uint32_t)pw;
        st.obuf = 1;
        st.save = 1;
        uint32_t save_from = L->lane_merge ? lane_merge(sc, L, rows * cols, &st) : 0;
        st.sv = save_box(&sc->cx->tensors[L->out].view, rb.lo / ph, cb.lo / pw, t->o0,
                         rows, cols, L->lane_merge ? out_c / L->lane_merge : out_c);
        st.sv.u.save.buf_addr = save_from;
    }
    return put_step(sc, &st);
}

static odpu_status gen_conv(sched *sc, const cc_layer *L)
{
    const cc_conv_plan *p = &L->cp;
    int n_s = p->n_rows * p->n_cols;
    odpu_status st = ODPU_OK;
    if (p->order == CC_SPATIAL_OUTER) {
        for (int s = 0; s < n_s && st == ODPU_OK; s++)
            for (int o = 0; o < p->n_oc && st == ODPU_OK; o++)
                for (int q = 0; q < p->n_parts && st == ODPU_OK; q++)
                    st = conv_step(sc, L, s, o, q);
    } else {
        for (int o = 0; o < p->n_oc && st == ODPU_OK; o++)
            for (int s = 0; s < n_s && st == ODPU_OK; s++)
                for (int q = 0; q < p->n_parts && st == ODPU_OK; q++)
                    st = conv_step(sc, L, s, o, q);
    }
    return st;
}

/* ---- POOL ---------------------------------------------------------------------------------- */

static odpu_status pool_params(sched *sc, const cc_layer *L, const cc_range *rb, const cc_range *cb,
                               odpu_pool *pl)
{
    const odpu_lshape is = sc->cx->tensors[L->in[0]].shape;
    int n;
    if (L->pool.mode == ODPU_POOL_GLOBAL_AVG)
        n = is.h * is.w;
    else if (L->pool.mode == ODPU_POOL_AVG) /* the plan keeps the divisor constant over a tile */
        n = odpu_window_count(&L->pool.win, 0, is.h, rb->lo, L->pool.count_include_pad) *
            odpu_window_count(&L->pool.win, 1, is.w, cb->lo, L->pool.count_include_pad);
    else
        return ODPU_OK;
    int32_t mult, shift;
    odpu_status st = odpu_avg_multiplier(L->pool.ratio, n, &mult, &shift, sc->err);
    if (st != ODPU_OK)
        return odpu_err_prefix(sc->err, "node '%s': ", L->name);
    pl->mult = mult;
    pl->shift = shift;
    pl->in_zp = L->in_zp;
    pl->out_zp = L->out_zp;
    return ODPU_OK;
}

static odpu_status pool_step(sched *sc, const cc_layer *L, int s, int ch0)
{
    const cc_map_plan *p = &L->mp;
    const cc_range rb = p->rows[s / p->n_cols], cb = p->cols[s % p->n_cols];
    const odpu_lshape is = sc->cx->tensors[L->in[0]].shape;
    const odpu_lwindow *w = &L->pool.win;
    int global = L->pool.mode == ODPU_POOL_GLOBAL_AVG, c = p->ch_t < is.c - ch0 ? p->ch_t : is.c - ch0;
    axis_tile ay = {0, is.h, 0, 0, 1, 1}, ax = {0, is.w, 0, 0, 1, 1};
    if (!global && !axis_of(rb.lo, rb.hi, 0, w->k[0], w->stride[0], 1, w->pad_lo[0], is.h, &ay))
        return padding_error(sc, L, "rows", rb.lo, rb.hi);
    if (!global && !axis_of(cb.lo, cb.hi, 0, w->k[1], w->stride[1], 1, w->pad_lo[1], is.w, &ax))
        return padding_error(sc, L, "columns", cb.lo, cb.hi);
    step st;
    memset(&st, 0, sizeof st);
    blob *b = &st.b[st.n_b++];
    b->buf = ODPU_BUF_IBUF;
    b->n_loads = 1;
    set_key(b, sc->layer, KEY_INPUT, s, ch0, 0);
    b->load[0] = load_box(&sc->cx->tensors[L->in[0]].view, ay.lo, ax.lo, ch0, ay.ext, ax.ext, c, 0);
    st.op.opcode = ODPU_OP_POOL;
    odpu_pool *pl = &st.op.u.pool;
    *pl = (odpu_pool){.mode = (uint32_t)L->pool.mode, .src_buf = ODPU_BUF_IBUF, .in_h = (uint32_t)ay.ext,
                      .pad_top = (uint32_t)ay.pad_lo, .in_w = (uint32_t)ax.ext, .pad_bottom = (uint32_t)ay.pad_hi,
                      .c = (uint32_t)c, .kh = global ? 1 : (uint32_t)w->k[0], .kw = global ? 1 : (uint32_t)w->k[1],
                      .out_h = (uint32_t)(rb.hi - rb.lo), .out_w = (uint32_t)(cb.hi - cb.lo),
                      .pad_left = (uint32_t)ax.pad_lo, .pad_right = (uint32_t)ax.pad_hi,
                      .stride_h = (uint32_t)ay.stride, .stride_w = (uint32_t)ax.stride,
                      .act_min = L->act_min, .act_max = L->act_max};
    odpu_status status = pool_params(sc, L, &rb, &cb, pl);
    if (status != ODPU_OK)
        return status;
    st.obuf = 1;
    st.save = 1;
    st.sv = save_box(&sc->cx->tensors[L->out].view, rb.lo, cb.lo, ch0, rb.hi - rb.lo, cb.hi - cb.lo, c);
    return put_step(sc, &st);
}

static odpu_status gen_pool(sched *sc, const cc_layer *L)
{
    const cc_map_plan *p = &L->mp;
    int C = sc->cx->tensors[L->in[0]].shape.c;
    odpu_status st = ODPU_OK;
    for (int s = 0; s < p->n_rows * p->n_cols && st == ODPU_OK; s++)
        for (int ch = 0; ch < C && st == ODPU_OK; ch += p->ch_t)
            st = pool_step(sc, L, s, ch);
    return st;
}

/* ---- ADD ----------------------------------------------------------------------------------- */

static odpu_status add_step(sched *sc, const cc_layer *L, int s, int ch0)
{
    const cc_map_plan *p = &L->mp;
    const cc_range rb = p->rows[s / p->n_cols], cb = p->cols[s % p->n_cols];
    int C = sc->cx->tensors[L->out].shape.c, c = p->ch_t < C - ch0 ? p->ch_t : C - ch0;
    int h = rb.hi - rb.lo, w = cb.hi - cb.lo;
    uint32_t words = odpu_ceil_div((uint32_t)c, sc->cx->R) * (uint32_t)(h * w);
    step st;
    memset(&st, 0, sizeof st);
    blob *b = &st.b[st.n_b++];
    b->buf = ODPU_BUF_IBUF;
    b->n_loads = 2;
    set_key(b, sc->layer, KEY_INPUT, s, ch0, 0);
    b->load[0] = load_box(&sc->cx->tensors[L->in[0]].view, rb.lo, cb.lo, ch0, h, w, c, 0);
    b->load[1] = load_box(&sc->cx->tensors[L->in[1]].view, rb.lo, cb.lo, ch0, h, w, c, words);
    const odpu_add_params *a = &L->add;
    st.op.opcode = ODPU_OP_ELEW;
    st.op.u.elew = (odpu_elew){.op = ODPU_ELEW_ADD, .a_buf = ODPU_BUF_IBUF, .b_buf = ODPU_BUF_IBUF,
                               .a_zp = a->a_zp, .b_zp = a->b_zp, .a_addr = 0, .a_shift = a->a_shift,
                               .out_zp = a->out_zp, .b_addr = words, .b_shift = a->b_shift,
                               .left_shift = (uint32_t)a->left_shift, .out_addr = 0, .out_shift = a->out_shift,
                               .act_min = a->act_min, .len = words, .act_max = a->act_max,
                               .a_mult = a->a_mult, .b_mult = a->b_mult, .out_mult = a->out_mult};
    st.obuf = 1;
    st.save = 1;
    st.sv = save_box(&sc->cx->tensors[L->out].view, rb.lo, cb.lo, ch0, h, w, c);
    return put_step(sc, &st);
}

static odpu_status gen_add(sched *sc, const cc_layer *L)
{
    const cc_map_plan *p = &L->mp;
    int C = sc->cx->tensors[L->out].shape.c;
    odpu_status st = ODPU_OK;
    for (int s = 0; s < p->n_rows * p->n_cols && st == ODPU_OK; s++)
        for (int ch = 0; ch < C && st == ODPU_OK; ch += p->ch_t)
            st = add_step(sc, L, s, ch);
    return st;
}

odpu_status cc_schedule(cc_ctx *cx, odpu_err *err)
{
    sched sc;
    memset(&sc, 0, sizeof sc);
    sc.cx = cx;
    sc.err = err;
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        sc.pin[b] = -1;
    odpu_status st = ODPU_OK;
    for (int l = 0; l < cx->n_layers && st == ODPU_OK; l++) {
        sc.layer = l;
        switch (cx->layers[l].kind) {
        case CC_CONV: st = gen_conv(&sc, &cx->layers[l]); break;
        case CC_POOL: st = gen_pool(&sc, &cx->layers[l]); break;
        case CC_ADD: st = gen_add(&sc, &cx->layers[l]); break;
        case CC_CONCAT:
        case CC_FUSED: break;
        }
        /* A layer's last compute and save come before the next layer's loads, which may read
         * what they write. */
        if (st == ODPU_OK)
            st = flush(&sc);
    }
    return st;
}
