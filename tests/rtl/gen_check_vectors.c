/* gen_check_vectors.c - instructions with the verdict the golden model gives them, for the
 * RTL checker's testbench (tests/rtl/tb_odpu_check.sv): the RTL must agree on every one.
 *
 * usage: gen_check_vectors ARCH.yaml COUNT SEED OUT.hex
 * Each line of OUT is "<instruction as 64 hex digits, word 7 first> <DDR_SIZE, 16 hex
 * digits> <expected ERR_CODE, hex>". The verdict is computed as ref/ref.c admits an
 * instruction: decode (a bad opcode or reserved bit is ILLEGAL_INSN), then odpu_insn_check
 * against the arch's limits and the window, mapped by odpu_rule_hw_error. The instructions
 * are valid ones of every class built to sit on the edges (buffer ends, the window's end),
 * the same with one field, flag or bit changed, and raw random encodings. A summary of how
 * often each rule was broken goes to stdout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "common/bytes.h"
#include "isa/arith.h"
#include "isa/isa.h"

enum {
    SMALL_CODE_MAX = 3,   /* "small" raw field codes: 0..3 */
    MODERATE_CODE_MAX = 63,
    OPCODE_CODES = 16,    /* the 4-bit opcode field */
    FLAG_BITS = 4,
    FLAGS_LSB = 4,        /* w0[7:4] (docs/isa.md section 4) */
    INSN_BITS = ODPU_INSN_BYTES * 8,
    PERCENT = 100,
    TILE_DIM_MAX = 8,     /* spatial sizes of built instructions stay small */
    CHAN_MAX = 70,        /* a little over two blocks of the widest arch's R */
    KERNEL_MAX = 4,
    LEN_MAX = 80,
    ADDR_FIELD_BITS = 18, /* buffer address fields; PBUF's is narrower */
    PBUF_ADDR_BITS = 12,
    ELEW_LEFT_SHIFT_LIMIT = 22, /* docs/isa.md section 7: left_shift <= 22 */
    POOL_MAX = 4,         /* CONV fused max pooling: pool_h, pool_w in 1..4 */
    POOLED_PERCENT = 35,  /* CONVs built with fused pooling */
    POOL_FIT_PERCENT = 85, /* of those, with a tile the window divides (else rule pool) */
};

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    /* xorshift64*: deterministic per seed, so a failing vector can be regenerated */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static uint32_t below(rng *r, uint32_t n) { return n ? (uint32_t)(next(r) % n) : 0; }
static uint32_t range(rng *r, uint32_t lo, uint32_t hi) { return lo + below(r, hi - lo + 1); }
static int chance(rng *r, uint32_t percent) { return below(r, PERCENT) < percent; }

/* ---- Raw field codes, table-driven from isa_fields.def ---------------------------------- */

typedef struct field {
    unsigned word, lsb, width;
} field;

#define X_FIELD(OP, name, word, lsb, width, sign, bias) {word, lsb, width},
static const field load_fields[] = {ODPU_LOAD_FIELDS(X_FIELD)};
static const field save_fields[] = {ODPU_SAVE_FIELDS(X_FIELD)};
static const field conv_fields[] = {ODPU_CONV_FIELDS(X_FIELD)};
static const field pool_fields[] = {ODPU_POOL_FIELDS(X_FIELD)};
static const field elew_fields[] = {ODPU_ELEW_FIELDS(X_FIELD)};
static const field nop_fields[] = {ODPU_NOP_FIELDS(X_FIELD)};
#undef X_FIELD

static const field *class_fields(unsigned opcode, size_t *n)
{
#define CASE(OP, arr) case ODPU_OP_##OP: *n = sizeof arr / sizeof arr[0]; return arr;
    switch (opcode) {
    CASE(LOAD, load_fields)
    CASE(SAVE, save_fields)
    CASE(CONV, conv_fields)
    CASE(POOL, pool_fields)
    CASE(ELEW, elew_fields)
    CASE(NOP, nop_fields)
    default: break;
    }
#undef CASE
    *n = 0;
    return NULL;
}

static uint32_t field_max(const field *f) { return f->width == 32 ? UINT32_MAX : (1u << f->width) - 1u; }

/* A raw code biased to where the rules have their edges: 0, 1, the top, small values. */
static uint32_t raw_code(rng *r, const field *f)
{
    uint32_t max = field_max(f);
    uint32_t pick = below(r, PERCENT);
    if (pick < 15) {
        /* around the ISA's limits: ELEW left_shift 22, shifts +-31 (6-bit codes 31..33) */
        const uint32_t limits[] = {ELEW_LEFT_SHIFT_LIMIT, ODPU_SHIFT_MAX, ODPU_SHIFT_MAX + 2u};
        return (limits[below(r, 3)] + range(r, 0, 2) - 1) & max;
    }
    if (pick < 35)
        return range(r, 0, SMALL_CODE_MAX < max ? SMALL_CODE_MAX : max);
    if (pick < 50) {
        const uint32_t edges[] = {0, 1, max, max - 1};
        return edges[below(r, 4)] & max;
    }
    if (pick < 75)
        return range(r, 0, MODERATE_CODE_MAX < max ? MODERATE_CODE_MAX : max);
    return (uint32_t)next(r) & max;
}

static void put_code(uint8_t *bytes, const field *f, uint32_t code)
{
    uint8_t *p = bytes + 4 * f->word;
    uint32_t mask = field_max(f) << f->lsb;
    odpu_wr32(p, (odpu_rd32(p) & ~mask) | ((code << f->lsb) & mask));
}

/* ---- Valid instructions of each class, built on purpose ---------------------------------- */

typedef struct gen {
    rng r;
    odpu_isa_limits lim;
} gen;

static uint32_t tile(const gen *g, uint32_t c, uint32_t h, uint32_t w)
{
    return odpu_ceil_div(c, g->lim.rows) * h * w;
}

/* A start address that keeps count words inside depth, usually low, sometimes at the end. */
static uint32_t place(gen *g, uint32_t depth, uint32_t count)
{
    if (count >= depth)
        return 0;
    return chance(&g->r, 30) ? depth - count : below(&g->r, depth - count + 1);
}

static void build_load(gen *g, odpu_load *l)
{
    l->buf = below(&g->r, ODPU_BUF_ABUF);
    l->ddr_addr = chance(&g->r, 50) ? below(&g->r, 4096) : (uint32_t)next(&g->r);
    if (l->buf <= ODPU_BUF_OBUF) {
        l->h = range(&g->r, 1, TILE_DIM_MAX);
        l->w = range(&g->r, 1, TILE_DIM_MAX);
        l->c = range(&g->r, 1, CHAN_MAX);
        l->pixel_stride = chance(&g->r, 20) ? below(&g->r, l->c) : l->c + below(&g->r, 4);
        l->row_stride = l->w * l->pixel_stride + below(&g->r, 8);
        l->buf_addr = place(g, g->lim.buf_words[l->buf], tile(g, l->c, l->h, l->w));
    } else {
        l->len = range(&g->r, 1, g->lim.buf_words[l->buf] < LEN_MAX ? g->lim.buf_words[l->buf] : LEN_MAX);
        l->buf_addr = place(g, g->lim.buf_words[l->buf], l->len);
    }
}

static void build_save(gen *g, odpu_save *v)
{
    v->buf = below(&g->r, ODPU_BUF_WBUF);
    v->ddr_addr = chance(&g->r, 50) ? below(&g->r, 4096) : (uint32_t)next(&g->r);
    v->h = range(&g->r, 1, TILE_DIM_MAX);
    v->w = range(&g->r, 1, TILE_DIM_MAX);
    v->c = range(&g->r, 1, CHAN_MAX);
    /* Mostly a plain HWC box; sometimes strides that reorder or overlap the dimensions. */
    v->pixel_stride = chance(&g->r, 20) ? below(&g->r, 2 * v->c) : v->c + below(&g->r, 4);
    v->row_stride = chance(&g->r, 20) ? below(&g->r, 3 * v->c * v->w)
                                      : v->w * v->pixel_stride + below(&g->r, 8);
    if (chance(&g->r, 10)) { /* rows inside a pixel's channels: the transposed order */
        v->row_stride = v->c;
        v->pixel_stride = v->c * v->h + below(&g->r, 3);
    }
    if (chance(&g->r, 10)) /* equal strides: the sort must keep c, w, h in that order */
        v->row_stride = v->pixel_stride;
    if (chance(&g->r, 5))
        v->pixel_stride = 1;
    if (chance(&g->r, 5))
        v->row_stride = 1;
    v->buf_addr = place(g, g->lim.buf_words[v->buf], tile(g, v->c, v->h, v->w));
}

/* out = (pad_lo + in + pad_hi - ((k-1)*dil + 1)) / stride + 1, or 0 if the kernel does not fit. */
static uint32_t conv_out(uint32_t in, uint32_t k, uint32_t stride, uint32_t dil, uint32_t pads)
{
    uint32_t span = (k - 1) * dil + 1;
    return in + pads >= span ? (in + pads - span) / stride + 1 : 0;
}

/* Fused max pooling, mostly valid (acc_out, a tile cut to whole windows), sometimes
 * breaking rule pool (no acc_out, or a window that does not divide the tile). */
static void build_conv_pool(gen *g, odpu_conv *cv)
{
    cv->pool_h = cv->pool_w = 1;
    if (!chance(&g->r, POOLED_PERCENT))
        return;
    cv->pool_h = range(&g->r, 1, POOL_MAX);
    cv->pool_w = range(&g->r, 1, POOL_MAX);
    cv->acc_out = chance(&g->r, 90);
    if (!chance(&g->r, POOL_FIT_PERCENT))
        return;
    if (cv->pool_h > cv->out_h)
        cv->pool_h = cv->out_h;
    if (cv->pool_w > cv->out_w)
        cv->pool_w = cv->out_w;
    cv->out_h -= cv->out_h % cv->pool_h;
    cv->out_w -= cv->out_w % cv->pool_w;
}

static void build_conv(gen *g, odpu_conv *cv)
{
    do {
        cv->mode = below(&g->r, ODPU_CONV_GROUPED + 1);
        cv->in_c = range(&g->r, 1, CHAN_MAX);
        if (cv->mode == ODPU_CONV_STANDARD) {
            cv->groups = 1;
            cv->out_c = range(&g->r, 1, CHAN_MAX);
        } else if (cv->mode == ODPU_CONV_DEPTHWISE) {
            cv->groups = cv->in_c;
            cv->out_c = cv->in_c * range(&g->r, 1, 2);
        } else {
            cv->in_c = range(&g->r, 3, CHAN_MAX);
            uint32_t cands[CHAN_MAX];
            uint32_t n = 0;
            for (uint32_t d = 2; d < cv->in_c; d++)
                if (cv->in_c % d == 0)
                    cands[n++] = d;
            if (!n)
                continue;
            cv->groups = cands[below(&g->r, n)];
            cv->out_c = cv->groups * range(&g->r, 1, 3);
        }
        cv->kh = range(&g->r, 1, KERNEL_MAX);
        cv->kw = range(&g->r, 1, KERNEL_MAX);
        cv->stride_h = range(&g->r, 1, 2);
        cv->stride_w = range(&g->r, 1, 2);
        cv->dil_h = chance(&g->r, 80) ? 1 : 2;
        cv->dil_w = chance(&g->r, 80) ? 1 : 2;
        cv->pool_h = cv->pool_w = 1;
        cv->pad_top = below(&g->r, 2);
        cv->pad_bottom = below(&g->r, 2);
        cv->pad_left = below(&g->r, 2);
        cv->pad_right = below(&g->r, 2);
        cv->in_h = range(&g->r, 1, TILE_DIM_MAX);
        cv->in_w = range(&g->r, 1, TILE_DIM_MAX);
        cv->out_h = conv_out(cv->in_h, cv->kh, cv->stride_h, cv->dil_h, cv->pad_top + cv->pad_bottom);
        cv->out_w = conv_out(cv->in_w, cv->kw, cv->stride_w, cv->dil_w, cv->pad_left + cv->pad_right);
    } while (!cv->out_h || !cv->out_w);
    if (chance(&g->r, 30)) { /* fewer outputs than fit is valid too */
        cv->out_h = range(&g->r, 1, cv->out_h);
        cv->out_w = range(&g->r, 1, cv->out_w);
    }
    cv->leaky = below(&g->r, 2);
    cv->acc_init = below(&g->r, 2);
    cv->acc_out = below(&g->r, 2);
    cv->pot = below(&g->r, 2);
    cv->in_zp = (int32_t)range(&g->r, 0, 255) - 128;
    cv->out_zp = (int32_t)range(&g->r, 0, 255) - 128;
    cv->act_min = (int32_t)range(&g->r, 0, 127) - 128;
    cv->act_max = cv->act_min + (int32_t)below(&g->r, (uint32_t)(128 - cv->act_min));
    build_conv_pool(g, cv);
    /* Addresses that fit, found from the instruction's own footprints. */
    odpu_insn tmp = {.opcode = ODPU_OP_CONV, .u.conv = *cv};
    odpu_access a[ODPU_MAX_ACCESSES];
    int n = odpu_insn_accesses(&tmp, &g->lim, a);
    for (int k = 0; k < n; k++) {
        uint32_t count = (uint32_t)(a[k].hi - a[k].lo);
        uint32_t at = place(g, g->lim.buf_words[a[k].resource], count);
        switch (a[k].resource) {
        case ODPU_BUF_IBUF: cv->ibuf_addr = at; break;
        case ODPU_BUF_WBUF: cv->wbuf_addr = at; break;
        case ODPU_BUF_PBUF: cv->pbuf_addr = at; break;
        case ODPU_BUF_ABUF: cv->abuf_addr = at; break;
        case ODPU_BUF_OBUF: cv->obuf_addr = at; break;
        default: break;
        }
    }
}

static void build_pool(gen *g, odpu_pool *p)
{
    p->mode = below(&g->r, ODPU_POOL_GLOBAL_AVG + 1);
    p->src_buf = below(&g->r, 2);
    p->c = range(&g->r, 1, CHAN_MAX);
    p->in_h = range(&g->r, 1, TILE_DIM_MAX);
    p->in_w = range(&g->r, 1, TILE_DIM_MAX);
    int global = p->mode >= ODPU_POOL_GLOBAL_MAX;
    p->kh = global ? 1 : range(&g->r, 1, p->in_h < KERNEL_MAX ? p->in_h : KERNEL_MAX);
    p->kw = global ? 1 : range(&g->r, 1, p->in_w < KERNEL_MAX ? p->in_w : KERNEL_MAX);
    p->stride_h = global ? 1 : range(&g->r, 1, 3);
    p->stride_w = global ? 1 : range(&g->r, 1, 3);
    p->pad_top = global ? 0 : below(&g->r, p->kh);
    p->pad_bottom = global ? 0 : below(&g->r, p->kh);
    p->pad_left = global ? 0 : below(&g->r, p->kw);
    p->pad_right = global ? 0 : below(&g->r, p->kw);
    p->out_h = global ? 1 : (p->in_h + p->pad_top + p->pad_bottom - p->kh) / p->stride_h + 1;
    p->out_w = global ? 1 : (p->in_w + p->pad_left + p->pad_right - p->kw) / p->stride_w + 1;
    int is_max = p->mode == ODPU_POOL_MAX || p->mode == ODPU_POOL_GLOBAL_MAX;
    if (!is_max) {
        p->in_zp = (int32_t)range(&g->r, 0, 255) - 128;
        p->out_zp = (int32_t)range(&g->r, 0, 255) - 128;
        p->mult = (int32_t)(uint32_t)next(&g->r);
        p->shift = (int32_t)range(&g->r, 0, 2 * ODPU_SHIFT_MAX) - ODPU_SHIFT_MAX;
    }
    p->act_min = (int32_t)range(&g->r, 0, 127) - 128;
    p->act_max = p->act_min + (int32_t)below(&g->r, (uint32_t)(128 - p->act_min));
    uint32_t src_n = tile(g, p->c, p->in_h, p->in_w), dst_n = tile(g, p->c, p->out_h, p->out_w);
    p->src_addr = place(g, g->lim.buf_words[p->src_buf], src_n);
    p->dst_addr = place(g, g->lim.buf_words[ODPU_BUF_OBUF], dst_n);
    if (p->src_buf == ODPU_BUF_OBUF && chance(&g->r, 60)) { /* side by side, touching or not */
        p->src_addr = below(&g->r, 64);
        p->dst_addr = p->src_addr + src_n - (chance(&g->r, 30) ? 1 : 0);
    }
}

static void build_elew(gen *g, odpu_elew *e)
{
    e->a_buf = below(&g->r, 2);
    e->b_buf = below(&g->r, 2);
    e->len = range(&g->r, 1, LEN_MAX);
    e->a_addr = place(g, g->lim.buf_words[e->a_buf], e->len);
    e->b_addr = place(g, g->lim.buf_words[e->b_buf], e->len);
    e->out_addr = place(g, g->lim.buf_words[ODPU_BUF_OBUF], e->len);
    uint32_t pick = below(&g->r, 4);
    if (pick == 0)
        e->out_addr = e->a_addr; /* in place: valid only at the same word */
    else if (pick == 1)
        e->out_addr = e->b_addr + range(&g->r, 0, 2) - 1 + (e->b_addr ? 0 : 1);
    e->left_shift = range(&g->r, 0, 22);
    e->a_shift = (int32_t)range(&g->r, 0, 2 * ODPU_SHIFT_MAX) - ODPU_SHIFT_MAX;
    e->b_shift = (int32_t)range(&g->r, 0, 2 * ODPU_SHIFT_MAX) - ODPU_SHIFT_MAX;
    e->out_shift = (int32_t)range(&g->r, 0, 2 * ODPU_SHIFT_MAX) - ODPU_SHIFT_MAX;
    e->a_zp = (int32_t)range(&g->r, 0, 255) - 128;
    e->b_zp = (int32_t)range(&g->r, 0, 255) - 128;
    e->out_zp = (int32_t)range(&g->r, 0, 255) - 128;
    e->a_mult = (int32_t)(uint32_t)next(&g->r);
    e->b_mult = (int32_t)(uint32_t)next(&g->r);
    e->out_mult = (int32_t)(uint32_t)next(&g->r);
    e->act_min = (int32_t)range(&g->r, 0, 127) - 128;
    e->act_max = e->act_min + (int32_t)below(&g->r, (uint32_t)(128 - e->act_min));
}

/* Flags the engine may use: load has no prev, store no next, END none. */
static void build_flags(gen *g, odpu_insn *in)
{
    odpu_engine e = odpu_insn_engine(in);
    int prev = e == ODPU_ENGINE_COMPUTE || e == ODPU_ENGINE_STORE;
    int nxt = e == ODPU_ENGINE_COMPUTE || e == ODPU_ENGINE_LOAD;
    in->deps.pop_prev = (uint8_t)(prev && chance(&g->r, 40));
    in->deps.push_prev = (uint8_t)(prev && chance(&g->r, 40));
    in->deps.pop_next = (uint8_t)(nxt && chance(&g->r, 40));
    in->deps.push_next = (uint8_t)(nxt && chance(&g->r, 40));
}

static int build_valid(gen *g, uint8_t out[ODPU_INSN_BYTES])
{
    odpu_insn in;
    memset(&in, 0, sizeof in);
    in.opcode = (odpu_opcode)range(&g->r, ODPU_OP_LOAD, ODPU_OP_END);
    switch (in.opcode) {
    case ODPU_OP_LOAD: build_load(g, &in.u.load); break;
    case ODPU_OP_SAVE: build_save(g, &in.u.save); break;
    case ODPU_OP_CONV: build_conv(g, &in.u.conv); break;
    case ODPU_OP_POOL: build_pool(g, &in.u.pool); break;
    case ODPU_OP_ELEW: build_elew(g, &in.u.elew); break;
    case ODPU_OP_NOP: in.u.nop.engine = below(&g->r, ODPU_ENGINE_COUNT); break;
    default: break;
    }
    build_flags(g, &in);
    odpu_err err;
    return odpu_insn_encode(&in, out, &err) == ODPU_OK;
}

/* ---- Changes to a valid instruction ------------------------------------------------------ */

static void change_field(gen *g, uint8_t *bytes)
{
    size_t n;
    const field *f = class_fields(odpu_rd32(bytes) & (OPCODE_CODES - 1), &n);
    if (!f || !n)
        return;
    const field *pick = &f[below(&g->r, (uint32_t)n)];
    put_code(bytes, pick, raw_code(&g->r, pick));
}

static void flip_bit(gen *g, uint8_t *bytes)
{
    uint32_t bit = below(&g->r, INSN_BITS);
    bytes[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

static void random_flags(gen *g, uint8_t *bytes)
{
    odpu_wr32(bytes, (odpu_rd32(bytes) & ~(((1u << FLAG_BITS) - 1) << FLAGS_LSB)) |
                         (below(&g->r, 1u << FLAG_BITS) << FLAGS_LSB));
}

/* Move one buffer footprint so that it ends d words from its buffer's end (d in -1..1). */
static void to_buffer_end(gen *g, uint8_t *bytes)
{
    odpu_insn in;
    odpu_err err;
    if (odpu_insn_decode(bytes, &in, &err) != ODPU_OK)
        return;
    odpu_access a[ODPU_MAX_ACCESSES];
    int n = odpu_insn_accesses(&in, &g->lim, a);
    int k = (int)below(&g->r, (uint32_t)(n ? n : 1));
    if (!n || a[k].resource == ODPU_RES_DDR)
        return;
    int64_t at = (int64_t)g->lim.buf_words[a[k].resource] - (int64_t)(a[k].hi - a[k].lo) +
                 (int64_t)range(&g->r, 0, 2) - 1;
    if (at < 0 || at >= (int64_t)1 << ADDR_FIELD_BITS)
        return;
    uint32_t v = (uint32_t)at;
    switch (in.opcode) {
    case ODPU_OP_LOAD: in.u.load.buf_addr = v; break;
    case ODPU_OP_SAVE: in.u.save.buf_addr = v; break;
    case ODPU_OP_CONV: {
        odpu_conv *c = &in.u.conv;
        if (a[k].resource == ODPU_BUF_IBUF) c->ibuf_addr = v;
        if (a[k].resource == ODPU_BUF_WBUF) c->wbuf_addr = v;
        if (a[k].resource == ODPU_BUF_PBUF && v < (1u << PBUF_ADDR_BITS)) c->pbuf_addr = v;
        if (a[k].resource == ODPU_BUF_ABUF) c->abuf_addr = v;
        if (a[k].resource == ODPU_BUF_OBUF) c->obuf_addr = v;
        break;
    }
    case ODPU_OP_POOL:
        if (k == 0) in.u.pool.src_addr = v; else in.u.pool.dst_addr = v;
        break;
    case ODPU_OP_ELEW:
        if (k == 0) in.u.elew.a_addr = v;
        else if (k == 1) in.u.elew.b_addr = v;
        else in.u.elew.out_addr = v;
        break;
    default: break;
    }
    uint8_t moved[ODPU_INSN_BYTES];
    if (odpu_insn_encode(&in, moved, &err) == ODPU_OK)
        memcpy(bytes, moved, sizeof moved);
}

/* Values next to the limits the field rule draws inside a field's range. */
static void to_field_limit(gen *g, uint8_t *bytes)
{
    odpu_insn in;
    odpu_err err;
    if (odpu_insn_decode(bytes, &in, &err) != ODPU_OK)
        return;
    int32_t shift = (int32_t)range(&g->r, 0, 2) - 1 + (chance(&g->r, 50) ? ODPU_SHIFT_MAX : -ODPU_SHIFT_MAX);
    switch (in.opcode) {
    case ODPU_OP_ELEW:
        switch (below(&g->r, 4)) {
        case 0: in.u.elew.left_shift = ELEW_LEFT_SHIFT_LIMIT + range(&g->r, 0, 2) - 1; break;
        case 1: in.u.elew.a_shift = shift; break;
        case 2: in.u.elew.b_shift = shift; break;
        default: in.u.elew.out_shift = shift; break;
        }
        break;
    case ODPU_OP_POOL: in.u.pool.shift = shift; break;
    case ODPU_OP_CONV: in.u.conv.act_min = in.u.conv.act_max + (int32_t)range(&g->r, 0, 2) - 1; break;
    default: return;
    }
    uint8_t moved[ODPU_INSN_BYTES];
    if (odpu_insn_encode(&in, moved, &err) == ODPU_OK)
        memcpy(bytes, moved, sizeof moved);
}

/* Raw random encodings: an opcode (mostly defined) and raw codes in its fields. */
static void build_raw(gen *g, uint8_t *bytes)
{
    memset(bytes, 0, ODPU_INSN_BYTES);
    uint32_t op = chance(&g->r, 90) ? range(&g->r, ODPU_OP_LOAD, ODPU_OP_END) : below(&g->r, OPCODE_CODES);
    odpu_wr32(bytes, op);
    if (chance(&g->r, 30))
        random_flags(g, bytes);
    size_t n;
    const field *f = class_fields(op, &n);
    for (size_t i = 0; f && i < n; i++)
        put_code(bytes, &f[i], raw_code(&g->r, &f[i]));
    if (chance(&g->r, 10))
        flip_bit(g, bytes);
}

/* ---- Verdict as ref/ref.c admits an instruction --------------------------------------- */

static odpu_rule verdict(const gen *g, const uint8_t *bytes, uint64_t ddr_size)
{
    odpu_insn in;
    odpu_err err;
    if (odpu_insn_decode(bytes, &in, &err) != ODPU_OK) {
        unsigned op = odpu_rd32(bytes) & (OPCODE_CODES - 1);
        return op >= ODPU_OP_LOAD && op <= ODPU_OP_END ? ODPU_RULE_RESERVED : ODPU_RULE_OPCODE;
    }
    odpu_ddr_layout layout = {ddr_size, 0, 0};
    return odpu_insn_check(&in, &g->lim, &layout, NULL);
}

/* DDR_SIZE for a vector: around the end of the instruction's DDR footprint, or elsewhere. */
static uint64_t pick_ddr_size(gen *g, const uint8_t *bytes)
{
    odpu_insn in;
    odpu_err err;
    uint64_t hi = 0;
    if (odpu_insn_decode(bytes, &in, &err) == ODPU_OK) {
        odpu_access a[ODPU_MAX_ACCESSES];
        int n = odpu_insn_accesses(&in, &g->lim, a);
        for (int k = 0; k < n; k++)
            if (a[k].resource == ODPU_RES_DDR)
                hi = a[k].hi;
    }
    uint32_t pick = below(&g->r, PERCENT);
    if (hi && pick < 50)
        return hi + range(&g->r, 0, 2) - 1;
    if (pick < 60)
        return UINT64_MAX;
    if (pick < 70)
        return (uint64_t)1 << 32;
    if (pick < 75)
        return 0;
    return next(&g->r) >> below(&g->r, 64);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s ARCH.yaml COUNT SEED OUT.hex\n", argv[0]);
        return 2;
    }
    odpu_arch arch;
    odpu_err err;
    if (odpu_arch_load(argv[1], &arch, &err) != ODPU_OK) {
        fprintf(stderr, "gen_check_vectors: %s\n", err.msg);
        return 1;
    }
    gen g = {.r = {strtoull(argv[3], NULL, 0) | 1}};
    odpu_arch_limits(&arch, &g.lim);
    long count = strtol(argv[2], NULL, 0);
    FILE *out = fopen(argv[4], "w");
    if (!out || count <= 0) {
        fprintf(stderr, "gen_check_vectors: cannot write %s (or COUNT %s is not positive)\n", argv[4], argv[2]);
        return 1;
    }
    long per_rule[ODPU_RULE_COUNT] = {0}, per_class[OPCODE_CODES] = {0};
    for (long i = 0; i < count; i++) {
        uint8_t b[ODPU_INSN_BYTES];
        uint32_t kind = below(&g.r, PERCENT);
        if (kind < 20 || !build_valid(&g, b)) {
            build_raw(&g, b);
        } else if (kind < 45) {
            /* valid, at a buffer end or not */
            if (chance(&g.r, 50))
                to_buffer_end(&g, b);
        } else if (kind < 75) {
            change_field(&g, b);
        } else if (kind < 80) {
            to_field_limit(&g, b);
        } else if (kind < 88) {
            random_flags(&g, b);
        } else {
            flip_bit(&g, b);
        }
        uint64_t ddr_size = pick_ddr_size(&g, b);
        odpu_rule rule = verdict(&g, b, ddr_size);
        per_rule[rule]++;
        per_class[odpu_rd32(b) & (OPCODE_CODES - 1)]++;
        for (int w = ODPU_INSN_WORDS - 1; w >= 0; w--)
            fprintf(out, "%08" PRIx32, odpu_rd32(b + 4 * w));
        fprintf(out, " %016" PRIx64 " %x\n", ddr_size, (unsigned)odpu_rule_hw_error(rule));
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_check_vectors: writing %s failed\n", argv[4]);
        return 1;
    }
    printf("%ld vectors for %s:", count, arch.name);
    for (int r = 0; r < ODPU_RULE_COUNT; r++)
        if (per_rule[r])
            printf(" %s %ld", odpu_rule_name((odpu_rule)r), per_rule[r]);
    printf("; by opcode:");
    for (int op = 0; op < OPCODE_CODES; op++)
        if (per_class[op])
            printf(" %d:%ld", op, per_class[op]);
    printf("\n");
    return 0;
}
