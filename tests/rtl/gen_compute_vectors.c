/* gen_compute_vectors.c - random CONV / POOL / ELEW cases for the compute-engine testbench
 * (tests/rtl/tb_compute.sv): each case is a valid instruction (odpu_insn_check), the buffer
 * words it reads set to random values, and every buffer word the golden model (ref/) changes.
 *
 * Usage: gen_compute_vectors ARCH_YAML SEED CASES OUT_FILE [OPS | MODEL.odpu]
 *   OPS: letters c (CONV), p (POOL), e (ELEW); default "cpe". For cycle measurements:
 *   f (a folded first layer: 1x1 CONV over 3 input blocks, acc_out) and k (3x3 CONV,
 *   one input block, acc_out), at the largest tile the buffers hold; q (a pair: a CONV without
 *   and then with fused max pooling, the second may take at most a few cycles more); F (the
 *   same pair of f with a 4x2 window, the pooling of a folded first layer). With a compiled model
 *   instead of OPS: its CONV, POOL and ELEW instructions in stream order (at most CASES),
 *   on random buffer contents (the compute engine's share of the model's cycles).
 * Output, one item per line, hex words little-endian (byte 0 = least significant):
 *   W buf addr hex    set a buffer word (before the case: the DUT's and the expected image)
 *   I hex             the 32-byte instruction
 *   E buf addr hex    a word the instruction changes, with its new value
 *   R index macs      run the case (macs = multiply-accumulates of a CONV, else 0)
 *   C index base slack  case index took at most slack cycles more than case base
 * The file starts with W lines for every word of every buffer (the random initial image). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "host/model.h"
#include "common/bytes.h"
#include "isa/arith.h"
#include "isa/isa.h"
#include "ref/ref.h"
#include "tests/testutil.h"

enum {
    MAX_TRIES = 2000, /* rejection sampling of a valid instruction per case */
    PBUF_FIELD_MULT = 4, PBUF_FIELD_SHIFT = 8, PBUF_FIELD_LEAKY = 12,
    POOL_MAX = 4,             /* fused max pooling windows are 1..4 per axis */
    POOLED_PERCENT = 35,      /* share of random CONVs with fused pooling */
    ONE_COLUMN_PERCENT = 20,  /* of those, out_w = pool_w: one pooled word per row */
    /* A pooled CONV's cycles over the same CONV unpooled: the merge adds a register and a
     * write-queue stage to the output path, paid once per output block (the sequencer
     * drains the datapath between blocks), and nothing per pixel. */
    PAIR_SLACK = 4, PAIR_SLACK_PER_BLOCK = 4,
    /* customnet224's 4x4 max pool on the folded grid, where two horizontal neighbours share a
     * pixel's lane groups: 4 rows x 2 folded columns (docs/compiler.md, first-layer folding). */
    FOLDED_POOL_H = 4, FOLDED_POOL_W = 2,
};

typedef struct gen {
    test_rng rng;
    odpu_isa_limits lim;
    odpu_ref *ref;
    FILE *out;
    uint8_t *before[ODPU_BUF_COUNT];
} gen;

static int rr(gen *g, int lo, int hi) { return test_rng_range(&g->rng, lo, hi); }
static int chance(gen *g, int percent) { return rr(g, 0, 99) < percent; }

static size_t word_bytes(const gen *g, odpu_buf_id b)
{
    switch (b) {
    case ODPU_BUF_IBUF:
    case ODPU_BUF_OBUF: return g->lim.rows;
    case ODPU_BUF_WBUF: return (size_t)g->lim.rows * g->lim.cols;
    case ODPU_BUF_PBUF: return (size_t)g->lim.cols * ODPU_PARAM_ENTRY_BYTES;
    default: return (size_t)g->lim.cols * ODPU_ACC_BYTES;
    }
}

static uint8_t *word_at(gen *g, odpu_buf_id b, uint32_t addr)
{
    return odpu_ref_buffer(g->ref, b, NULL) + (size_t)addr * word_bytes(g, b);
}

static void put_word(gen *g, char tag, odpu_buf_id b, uint32_t addr, const uint8_t *w)
{
    fprintf(g->out, "%c %d %u ", tag, (int)b, addr);
    for (size_t i = word_bytes(g, b); i-- > 0;)
        fprintf(g->out, "%02x", w[i]);
    fputc('\n', g->out);
}

/* Random words [addr, addr + n) of a buffer, written to the ref state and the file. */
static void randomize(gen *g, odpu_buf_id b, uint32_t addr, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *w = word_at(g, b, addr + i);
        test_rng_bytes(&g->rng, w, word_bytes(g, b));
        put_word(g, 'W', b, addr + i, w);
    }
}

static int32_t random_i32(gen *g) { return (int32_t)(uint32_t)test_rng_next(&g->rng); }

/* PBUF words of a CONV: mostly realistic parameters, sometimes extreme ones (every int32
 * shift must be clamped, INT32_MIN multipliers hit the SRDHM corner). */
static void random_params(gen *g, uint32_t addr, uint32_t words)
{
    static const int32_t wild_shifts[] = {32, 40, 1000, INT32_MAX, -32, -100, INT32_MIN, 31, -31};
    for (uint32_t i = 0; i < words; i++) {
        uint8_t *w = word_at(g, ODPU_BUF_PBUF, addr + i);
        for (uint32_t c = 0; c < g->lim.cols; c++) {
            uint8_t *e = w + (size_t)c * ODPU_PARAM_ENTRY_BYTES;
            int32_t bias = chance(g, 80) ? rr(g, -(1 << 20), 1 << 20) : random_i32(g);
            int32_t mult = chance(g, 85) ? rr(g, 1 << 30, INT32_MAX) : chance(g, 50) ? INT32_MIN : random_i32(g);
            int32_t shift = chance(g, 85) ? rr(g, -20, 6)
                                          : wild_shifts[rr(g, 0, (int)(sizeof wild_shifts / sizeof *wild_shifts) - 1)];
            int32_t leaky = chance(g, 80) ? rr(g, 0, INT32_MAX) : chance(g, 50) ? INT32_MIN : random_i32(g);
            odpu_wr32(e, (uint32_t)bias);
            odpu_wr32(e + PBUF_FIELD_MULT, (uint32_t)mult);
            odpu_wr32(e + PBUF_FIELD_SHIFT, (uint32_t)shift);
            odpu_wr32(e + PBUF_FIELD_LEAKY, (uint32_t)leaky);
        }
        put_word(g, 'W', ODPU_BUF_PBUF, addr + i, w);
    }
}

static void random_act_range(gen *g, int32_t *lo, int32_t *hi)
{
    int a = rr(g, -128, 127), b = rr(g, -128, 127);
    if (chance(g, 40)) {
        a = -128;
        b = 127;
    }
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
}

static uint32_t place(gen *g, uint32_t depth, uint64_t words)
{
    return words > depth ? 0 : (uint32_t)rr(g, 0, (int)(depth - words));
}

static uint32_t tile_words(const gen *g, uint32_t c, uint32_t h, uint32_t w)
{
    return odpu_ceil_div(c, g->lim.rows) * h * w;
}

/* One spatial axis of a CONV: kernel, stride, dilation, pads, input and output sizes. */
static void conv_axis(gen *g, int small, uint32_t *k, uint32_t *s, uint32_t *d, uint32_t *p0,
                      uint32_t *p1, uint32_t *in, uint32_t *out)
{
    static const int kernels[] = {1, 1, 3, 3, 3, 5, 7, 2, 16};
    *k = chance(g, 95) ? (uint32_t)kernels[rr(g, 0, 7)] : (uint32_t)rr(g, 1, 16);
    *s = chance(g, 80) ? (uint32_t)rr(g, 1, 2) : (uint32_t)rr(g, 1, 8);
    *d = chance(g, 85) ? 1u : (uint32_t)rr(g, 1, 8);
    uint32_t span = (*k - 1) * *d + 1;
    *p0 = chance(g, 50) ? 0u : (uint32_t)rr(g, 0, span < 15 ? (int)span : 15);
    *p1 = chance(g, 50) ? 0u : (uint32_t)rr(g, 0, span < 15 ? (int)span : 15);
    int max_in = small ? 6 : 14;
    int min_in = (int)span - (int)(*p0 + *p1);
    *in = (uint32_t)rr(g, min_in > 1 ? min_in : 1, (min_in > max_in ? min_in : max_in));
    uint32_t full = (*p0 + *in + *p1 - span) / *s + 1;
    *out = chance(g, 75) ? full : (uint32_t)rr(g, 1, (int)full);
}

/* Fused max pooling: a window that divides the output tile, which is cut down to a multiple
 * of it (sometimes to a single window column, where a pooled word is merged again in the
 * very next row). Returns 0 for a 1 x 1 tile. */
static int make_pooled(gen *g, odpu_conv *c)
{
    int max_h = c->out_h < POOL_MAX ? (int)c->out_h : POOL_MAX;
    int max_w = c->out_w < POOL_MAX ? (int)c->out_w : POOL_MAX;
    if (max_h == 1 && max_w == 1)
        return 0;
    c->pool_h = (uint32_t)rr(g, 1, max_h);
    c->pool_w = (uint32_t)rr(g, 1, max_w);
    if (c->pool_h == 1 && c->pool_w == 1) {
        if (max_w > 1)
            c->pool_w = (uint32_t)rr(g, 2, max_w);
        else
            c->pool_h = (uint32_t)rr(g, 2, max_h);
    }
    c->acc_out = 1;
    c->out_h -= c->out_h % c->pool_h;
    c->out_w = chance(g, ONE_COLUMN_PERCENT) ? c->pool_w : c->out_w - c->out_w % c->pool_w;
    return 1;
}

/* OBUF words a CONV writes: the (pooled) output tile. */
static uint32_t conv_obuf_words(const gen *g, const odpu_conv *c)
{
    return tile_words(g, c->out_c, c->out_h / c->pool_h, c->out_w / c->pool_w);
}

static int gen_conv(gen *g, odpu_insn *insn)
{
    odpu_conv *c = &insn->u.conv;
    memset(insn, 0, sizeof *insn);
    insn->opcode = ODPU_OP_CONV;
    c->pool_h = c->pool_w = 1;
    int mode = rr(g, 0, 9);
    c->mode = mode < 5 ? ODPU_CONV_STANDARD : mode < 8 ? ODPU_CONV_DEPTHWISE : ODPU_CONV_GROUPED;
    uint32_t r = g->lim.rows, cols = g->lim.cols;
    if (c->mode == ODPU_CONV_STANDARD) {
        c->in_c = (uint32_t)(chance(g, 70) ? rr(g, 1, (int)(2 * r + 1)) : rr(g, 1, (int)(6 * r)));
        c->out_c = (uint32_t)(chance(g, 70) ? rr(g, 1, (int)(cols + 3)) : rr(g, 1, (int)(3 * cols)));
        c->groups = 1;
    } else if (c->mode == ODPU_CONV_DEPTHWISE) {
        c->in_c = (uint32_t)rr(g, 1, (int)(2 * cols + 2));
        c->out_c = c->in_c * (uint32_t)(chance(g, 70) ? 1 : rr(g, 2, 3));
        c->groups = c->in_c;
    } else {
        c->groups = (uint32_t)rr(g, 2, 8);
        c->in_c = c->groups * (uint32_t)rr(g, 2, (int)(r + 3));
        c->out_c = c->groups * (uint32_t)rr(g, 1, (int)(cols / 2 + 2));
    }
    int small = c->in_c > 2 * r || c->out_c > cols;
    conv_axis(g, small, &c->kh, &c->stride_h, &c->dil_h, &c->pad_top, &c->pad_bottom, &c->in_h, &c->out_h);
    conv_axis(g, small, &c->kw, &c->stride_w, &c->dil_w, &c->pad_left, &c->pad_right, &c->in_w, &c->out_w);
    c->leaky = chance(g, 30);
    c->acc_init = chance(g, 70);
    c->acc_out = chance(g, 65);
    c->pot = chance(g, 20);
    c->in_zp = rr(g, -128, 127);
    c->out_zp = rr(g, -128, 127);
    random_act_range(g, &c->act_min, &c->act_max);
    if (chance(g, POOLED_PERCENT) && !make_pooled(g, c))
        return 0;

    uint32_t oblocks = odpu_ceil_div(c->out_c, cols);
    uint32_t cg = c->in_c / c->groups;
    uint64_t wwords = c->mode == ODPU_CONV_DEPTHWISE
                          ? (uint64_t)oblocks * odpu_ceil_div(c->kh * c->kw, r)
                          : (uint64_t)oblocks * odpu_ceil_div(cg, r) * c->kh * c->kw;
    uint64_t awords = (uint64_t)oblocks * c->out_h * c->out_w;
    c->ibuf_addr = place(g, g->lim.buf_words[ODPU_BUF_IBUF], tile_words(g, c->in_c, c->in_h, c->in_w));
    c->obuf_addr = place(g, g->lim.buf_words[ODPU_BUF_OBUF], conv_obuf_words(g, c));
    c->abuf_addr = place(g, g->lim.buf_words[ODPU_BUF_ABUF], awords);
    c->wbuf_addr = place(g, g->lim.buf_words[ODPU_BUF_WBUF], wwords);
    c->pbuf_addr = place(g, g->lim.buf_words[ODPU_BUF_PBUF], oblocks);
    odpu_err err;
    if (odpu_insn_check(insn, &g->lim, NULL, &err) != ODPU_RULE_NONE)
        return 0;
    randomize(g, ODPU_BUF_IBUF, c->ibuf_addr, tile_words(g, c->in_c, c->in_h, c->in_w));
    randomize(g, ODPU_BUF_WBUF, c->wbuf_addr, (uint32_t)wwords);
    if (!c->acc_init)
        randomize(g, ODPU_BUF_ABUF, c->abuf_addr, (uint32_t)awords);
    if (c->acc_init || c->acc_out)
        random_params(g, c->pbuf_addr, oblocks);
    return 1;
}

static void pool_axis(gen *g, int global, uint32_t *k, uint32_t *s, uint32_t *p0, uint32_t *p1,
                      uint32_t *in, uint32_t *out)
{
    *in = (uint32_t)(global ? rr(g, 1, 12) : rr(g, 1, 10));
    if (global) {
        *k = *s = 1;
        *p0 = *p1 = 0;
        *out = 1;
        return;
    }
    *k = (uint32_t)(chance(g, 90) ? rr(g, 1, 4) : rr(g, 1, 9));
    *s = (uint32_t)(chance(g, 80) ? rr(g, 1, 3) : rr(g, 1, 16));
    *p0 = chance(g, 50) ? 0u : (uint32_t)rr(g, 0, (int)*k - 1);
    *p1 = chance(g, 50) ? 0u : (uint32_t)rr(g, 0, (int)*k - 1);
    int64_t have = (int64_t)*p0 + *in + *p1;
    if (have < *k) {
        *out = 0; /* rejected by the caller's check */
        return;
    }
    uint32_t full = (uint32_t)((have - *k) / *s + 1);
    *out = chance(g, 75) ? full : (uint32_t)rr(g, 1, (int)full);
}

/* The CONV shapes of a model's hot layers, at full tiles, for cycle measurements. */
static int gen_bench_conv(gen *g, odpu_insn *insn, char kind)
{
    odpu_conv *c = &insn->u.conv;
    memset(insn, 0, sizeof *insn);
    insn->opcode = ODPU_OP_CONV;
    uint32_t r = g->lim.rows, cols = g->lim.cols;
    c->mode = ODPU_CONV_STANDARD;
    c->groups = 1;
    c->kh = c->kw = kind == 'f' ? 1 : 3;
    c->stride_h = c->stride_w = c->dil_h = c->dil_w = 1;
    c->pool_h = c->pool_w = 1;
    c->pad_top = c->pad_bottom = c->pad_left = c->pad_right = kind == 'f' ? 0 : 1;
    c->in_c = kind == 'f' ? 3 * r - r / 4 : r;
    c->out_c = cols;
    c->acc_init = c->acc_out = 1;
    c->in_zp = rr(g, -128, 127);
    c->out_zp = rr(g, -128, 127);
    c->act_min = -128;
    c->act_max = 127;
    /* The largest square-ish tile ABUF, IBUF and OBUF hold. */
    uint32_t w = 8;
    while (1) {
        uint32_t nw = w + 8, px = nw * (nw / 2);
        if (px > g->lim.buf_words[ODPU_BUF_ABUF] || tile_words(g, c->in_c, nw / 2, nw) > g->lim.buf_words[ODPU_BUF_IBUF] ||
            tile_words(g, c->out_c, nw / 2, nw) > g->lim.buf_words[ODPU_BUF_OBUF])
            break;
        w = nw;
    }
    c->out_h = c->in_h = w / 2;
    c->out_w = c->in_w = w;
    c->ibuf_addr = c->obuf_addr = c->abuf_addr = c->wbuf_addr = c->pbuf_addr = 0;
    odpu_err err;
    if (odpu_insn_check(insn, &g->lim, NULL, &err) != ODPU_RULE_NONE) {
        fprintf(stderr, "gen_compute_vectors: bench CONV invalid: %s\n", err.msg);
        return 0;
    }
    randomize(g, ODPU_BUF_IBUF, 0, tile_words(g, c->in_c, c->in_h, c->in_w));
    randomize(g, ODPU_BUF_WBUF, 0, odpu_ceil_div(c->in_c, r) * c->kh * c->kw);
    random_params(g, 0, 1);
    return 1;
}

/* A 3x3 CONV (standard or depthwise) without fused pooling in plain and the same CONV with
 * a random pool window in pooled, on a tile of a few windows per axis: the cycle check. */
static int gen_pooled_pair(gen *g, odpu_insn *plain, odpu_insn *pooled)
{
    odpu_conv *c = &plain->u.conv;
    memset(plain, 0, sizeof *plain);
    plain->opcode = ODPU_OP_CONV;
    uint32_t r = g->lim.rows, cols = g->lim.cols;
    int dw = chance(g, 25);
    c->mode = dw ? ODPU_CONV_DEPTHWISE : ODPU_CONV_STANDARD;
    c->in_c = (uint32_t)rr(g, 1, (int)(2 * r));
    c->out_c = dw ? c->in_c : (uint32_t)rr(g, 1, (int)(2 * cols));
    c->groups = dw ? c->in_c : 1;
    c->kh = c->kw = 3;
    c->stride_h = c->stride_w = c->dil_h = c->dil_w = 1;
    c->pad_top = c->pad_bottom = c->pad_left = c->pad_right = 1;
    uint32_t ph = (uint32_t)rr(g, 1, POOL_MAX), pw = (uint32_t)rr(g, 1, POOL_MAX);
    if (ph == 1 && pw == 1)
        ph = (uint32_t)rr(g, 2, POOL_MAX);
    c->pool_h = c->pool_w = 1;
    c->out_h = c->in_h = ph * (uint32_t)rr(g, 1, 4);
    c->out_w = c->in_w = pw * (uint32_t)rr(g, 1, 6);
    c->acc_init = c->acc_out = 1;
    c->leaky = chance(g, 30);
    c->in_zp = rr(g, -128, 127);
    c->out_zp = rr(g, -128, 127);
    random_act_range(g, &c->act_min, &c->act_max);
    *pooled = *plain;
    pooled->u.conv.pool_h = ph;
    pooled->u.conv.pool_w = pw;
    odpu_err err;
    if (odpu_insn_check(plain, &g->lim, NULL, &err) != ODPU_RULE_NONE ||
        odpu_insn_check(pooled, &g->lim, NULL, &err) != ODPU_RULE_NONE)
        return 0;
    uint32_t oblocks = odpu_ceil_div(c->out_c, cols);
    randomize(g, ODPU_BUF_IBUF, 0, tile_words(g, c->in_c, c->in_h, c->in_w));
    randomize(g, ODPU_BUF_WBUF, 0,
              oblocks * (dw ? odpu_ceil_div(c->kh * c->kw, r) : odpu_ceil_div(c->in_c, r) * c->kh * c->kw));
    random_params(g, 0, oblocks);
    return 1;
}

static int gen_pool(gen *g, odpu_insn *insn)
{
    odpu_pool *p = &insn->u.pool;
    memset(insn, 0, sizeof *insn);
    insn->opcode = ODPU_OP_POOL;
    p->mode = (uint32_t)rr(g, 0, 3);
    int global = p->mode == ODPU_POOL_GLOBAL_MAX || p->mode == ODPU_POOL_GLOBAL_AVG;
    int is_max = p->mode == ODPU_POOL_MAX || p->mode == ODPU_POOL_GLOBAL_MAX;
    p->src_buf = (uint32_t)rr(g, 0, 1);
    p->c = (uint32_t)rr(g, 1, (int)(3 * g->lim.rows));
    pool_axis(g, global, &p->kh, &p->stride_h, &p->pad_top, &p->pad_bottom, &p->in_h, &p->out_h);
    pool_axis(g, global, &p->kw, &p->stride_w, &p->pad_left, &p->pad_right, &p->in_w, &p->out_w);
    if (!is_max) {
        p->in_zp = rr(g, -128, 127);
        p->out_zp = rr(g, -128, 127);
        p->mult = chance(g, 90) ? rr(g, 1 << 30, INT32_MAX) : random_i32(g);
        p->shift = chance(g, 90) ? rr(g, -12, 2) : rr(g, -31, 31);
    }
    random_act_range(g, &p->act_min, &p->act_max);
    uint32_t in_words = tile_words(g, p->c, p->in_h, p->in_w);
    uint32_t out_words = tile_words(g, p->c, p->out_h, p->out_w);
    odpu_buf_id src = p->src_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    p->src_addr = place(g, g->lim.buf_words[src], in_words);
    p->dst_addr = place(g, g->lim.buf_words[ODPU_BUF_OBUF], out_words);
    odpu_err err;
    if (p->out_h == 0 || p->out_w == 0 || odpu_insn_check(insn, &g->lim, NULL, &err) != ODPU_RULE_NONE)
        return 0;
    randomize(g, src, p->src_addr, in_words);
    return 1;
}

static int gen_elew(gen *g, odpu_insn *insn)
{
    odpu_elew *e = &insn->u.elew;
    memset(insn, 0, sizeof *insn);
    insn->opcode = ODPU_OP_ELEW;
    e->op = ODPU_ELEW_ADD;
    e->a_buf = (uint32_t)rr(g, 0, 1);
    e->b_buf = (uint32_t)rr(g, 0, 1);
    e->len = (uint32_t)(chance(g, 80) ? rr(g, 1, 40) : rr(g, 1, 300));
    e->a_zp = rr(g, -128, 127);
    e->b_zp = rr(g, -128, 127);
    e->out_zp = rr(g, -128, 127);
    e->left_shift = (uint32_t)(chance(g, 70) ? 20 : rr(g, 0, 22));
    e->a_mult = chance(g, 90) ? rr(g, 1 << 30, INT32_MAX) : random_i32(g);
    e->b_mult = chance(g, 90) ? rr(g, 1 << 30, INT32_MAX) : random_i32(g);
    e->out_mult = chance(g, 90) ? rr(g, 1 << 30, INT32_MAX) : random_i32(g);
    e->a_shift = chance(g, 90) ? rr(g, -3, 0) : rr(g, -31, 31);
    e->b_shift = chance(g, 90) ? rr(g, -3, 0) : rr(g, -31, 31);
    e->out_shift = chance(g, 90) ? rr(g, -22, -15) : rr(g, -31, 31);
    random_act_range(g, &e->act_min, &e->act_max);
    odpu_buf_id a = e->a_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    odpu_buf_id b = e->b_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    e->a_addr = place(g, g->lim.buf_words[a], e->len);
    e->b_addr = place(g, g->lim.buf_words[b], e->len);
    e->out_addr = place(g, g->lim.buf_words[ODPU_BUF_OBUF], e->len);
    int inplace = rr(g, 0, 3);
    if (inplace == 1 && a == ODPU_BUF_OBUF)
        e->out_addr = e->a_addr;
    if (inplace == 2 && b == ODPU_BUF_OBUF)
        e->out_addr = e->b_addr;
    odpu_err err;
    if (odpu_insn_check(insn, &g->lim, NULL, &err) != ODPU_RULE_NONE)
        return 0;
    randomize(g, a, e->a_addr, e->len);
    randomize(g, b, e->b_addr, e->len);
    return 1;
}

static uint64_t conv_macs(const odpu_conv *c)
{
    return (uint64_t)c->out_h * c->out_w * c->out_c * (c->in_c / c->groups) * c->kh * c->kw;
}

/* Emits every word of every buffer the instruction changed. */
static void emit_changes(gen *g)
{
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        size_t bytes;
        uint8_t *now = odpu_ref_buffer(g->ref, (odpu_buf_id)b, &bytes);
        size_t wb = word_bytes(g, (odpu_buf_id)b);
        for (size_t off = 0; off < bytes; off += wb)
            if (memcmp(now + off, g->before[b] + off, wb) != 0)
                put_word(g, 'E', (odpu_buf_id)b, (uint32_t)(off / wb), now + off);
    }
}

/* Writes one case: the instruction, the words the golden model changes, the run line. */
static int emit_case(gen *g, int i, const odpu_insn *insn)
{
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        memcpy(g->before[b], odpu_ref_buffer(g->ref, (odpu_buf_id)b, NULL),
               (size_t)g->lim.buf_words[b] * word_bytes(g, (odpu_buf_id)b));
    uint8_t enc[ODPU_INSN_BYTES];
    odpu_err err;
    if (odpu_insn_encode(insn, enc, &err) != ODPU_OK || odpu_ref_exec(g->ref, insn, NULL, 0, &err) != ODPU_OK) {
        fprintf(stderr, "gen_compute_vectors: case %d: %s\n", i, err.msg);
        return 1;
    }
    char text[256];
    odpu_insn_disasm(insn, text, sizeof text);
    fprintf(g->out, "# case %d: %s\nI ", i, text);
    for (int k = ODPU_INSN_BYTES; k-- > 0;)
        fprintf(g->out, "%02x", enc[k]);
    fputc('\n', g->out);
    emit_changes(g);
    fprintf(g->out, "R %d %llu\n", i,
            (unsigned long long)(insn->opcode == ODPU_OP_CONV ? conv_macs(&insn->u.conv) : 0));
    return 0;
}

static int alloc_before(gen *g)
{
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        size_t bytes;
        odpu_ref_buffer(g->ref, (odpu_buf_id)b, &bytes);
        g->before[b] = malloc(bytes);
        if (!g->before[b]) {
            fprintf(stderr, "gen_compute_vectors: out of memory\n");
            return 1;
        }
        randomize(g, (odpu_buf_id)b, 0, g->lim.buf_words[b]);
    }
    return 0;
}

/* The compute instructions of a compiled model, in stream order, on random buffers. */
static int run_model(gen *g, int cases, const char *path)
{
    odpu_model m;
    odpu_err err;
    if (odpu_model_load(path, &m, &err) != ODPU_OK) {
        fprintf(stderr, "gen_compute_vectors: %s\n", err.msg);
        return 1;
    }
    int rc = alloc_before(g), n = 0;
    for (size_t i = 0; rc == 0 && i < m.n_insns && n < cases; i++) {
        odpu_insn insn;
        if (odpu_insn_decode(m.insns + i * ODPU_INSN_BYTES, &insn, &err) != ODPU_OK) {
            fprintf(stderr, "gen_compute_vectors: %s instruction %zu: %s\n", path, i, err.msg);
            rc = 1;
        } else if (insn.opcode == ODPU_OP_CONV || insn.opcode == ODPU_OP_POOL || insn.opcode == ODPU_OP_ELEW) {
            insn.deps = (odpu_deps){0, 0, 0, 0};
            rc = emit_case(g, n++, &insn);
        }
    }
    odpu_model_free(&m);
    return rc;
}

static int run(gen *g, int cases, const char *ops)
{
    if (alloc_before(g) != 0)
        return 1;
    size_t n_ops = strlen(ops);
    for (int i = 0; i < cases; i++) {
        odpu_insn insn;
        char op = ops[i % n_ops];
        int ok = 0;
        if (op == 'q' || op == 'F') {
            odpu_insn pooled;
            for (int t = 0; t < MAX_TRIES && !ok; t++)
                ok = op == 'q' ? gen_pooled_pair(g, &insn, &pooled) : gen_bench_conv(g, &insn, 'f');
            if (op == 'F') {
                pooled = insn;
                pooled.u.conv.pool_h = FOLDED_POOL_H;
                pooled.u.conv.pool_w = FOLDED_POOL_W;
                odpu_err err;
                ok = ok && odpu_insn_check(&pooled, &g->lim, NULL, &err) == ODPU_RULE_NONE;
            }
            if (!ok || emit_case(g, i, &insn) != 0 || emit_case(g, i + 1, &pooled) != 0) {
                fprintf(stderr, "gen_compute_vectors: case %d: no pooled CONV pair\n", i);
                return 1;
            }
            uint32_t oblocks = odpu_ceil_div(insn.u.conv.out_c, g->lim.cols);
            fprintf(g->out, "C %d %d %u\n", i + 1, i, PAIR_SLACK + PAIR_SLACK_PER_BLOCK * oblocks);
            i++;
            continue;
        }
        for (int t = 0; t < MAX_TRIES && !ok; t++)
            ok = op == 'c'   ? gen_conv(g, &insn)
                 : op == 'p' ? gen_pool(g, &insn)
                 : op == 'e' ? gen_elew(g, &insn)
                             : gen_bench_conv(g, &insn, op);
        if (!ok) {
            fprintf(stderr, "gen_compute_vectors: case %d: no valid '%c' instruction in %d tries\n", i, op,
                    MAX_TRIES);
            return 1;
        }
        if (emit_case(g, i, &insn) != 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: %s ARCH_YAML SEED CASES OUT_FILE [OPS: c p e f k q F | MODEL.odpu]\n", argv[0]);
        return 2;
    }
    gen g = {0};
    odpu_arch arch;
    odpu_err err;
    if (odpu_arch_load(argv[1], &arch, &err) != ODPU_OK) {
        fprintf(stderr, "gen_compute_vectors: %s\n", err.msg);
        return 1;
    }
    odpu_arch_limits(&arch, &g.lim);
    test_rng_seed(&g.rng, strtoull(argv[2], NULL, 0));
    int cases = atoi(argv[3]);
    const char *ops = argc == 6 ? argv[5] : "cpe";
    size_t ops_len = strlen(ops);
    int model = ops_len > 5 && !strcmp(ops + ops_len - 5, ".odpu");
    if (cases < 1 || (!model && (strspn(ops, "cpefkqF") != ops_len || !*ops))) {
        fprintf(stderr, "gen_compute_vectors: CASES must be >= 1 and OPS letters of c, p, e, f, k, q, F\n");
        return 2;
    }
    if (odpu_ref_create(&g.lim, &g.ref, &err) != ODPU_OK) {
        fprintf(stderr, "gen_compute_vectors: %s\n", err.msg);
        return 1;
    }
    g.out = fopen(argv[4], "w");
    if (!g.out) {
        fprintf(stderr, "gen_compute_vectors: cannot write %s\n", argv[4]);
        odpu_ref_destroy(g.ref);
        return 1;
    }
    int rc = model ? run_model(&g, cases, ops) : run(&g, cases, ops);
    if (fclose(g.out) != 0)
        rc = 1;
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        free(g.before[b]);
    odpu_ref_destroy(g.ref);
    return rc;
}
