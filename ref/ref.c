/* ref.c - the golden model (see ref.h): executes a stream in stream order, each
 * instruction to completion, exactly as docs/isa.md sections 5 and 6 define it.
 *
 * Every instruction passes odpu_insn_check before it runs. The executors below also
 * re-check the extent of every buffer and DDR access they make (guard_*): a stream the
 * checker wrongly accepts then fails loudly instead of corrupting memory.
 *
 * CONV is the hot path (10,000 images in seconds). Per instruction it gathers the input
 * tile into a dense zero-point-padded int16 scratch [group][y][x][c'] and the weights into
 * [o][ky][kx][c'] rows padded with zeros to a multiple of DOT_BLOCK; each output is then
 * a dot product over fixed-size blocks, which gcc -O2 turns into pmaddwd-style SIMD.
 * A product of two int8 values is at most 2^14 in magnitude, so a block's int32 sum is
 * exact; blocks add in uint32, so accumulation wraps mod 2^32 with no signed overflow. */
#include "ref/ref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "isa/arith.h"

enum {
    /* Elements per step of the vectorized dot product: 16 int16 = two SSE registers;
     * gcc -O2 vectorizes a loop only when its trip count is fixed like this. */
    DOT_BLOCK = 16,
    /* Output channels dotted with one patch at a time, so each patch block is loaded
     * once for all of them (four int32 sums still fit the SSE registers). */
    DOT_WAYS = 4,
    /* Below this many MACs per gathered patch (k * outputs sharing it), copying the patch
     * costs more than it saves and CONV multiplies straight from the padded input. */
    PATCH_MIN_MACS = 64,
};

/* Per-instruction working memory, grown as needed and kept between instructions. */
typedef enum scratch_id {
    SCRATCH_INPUT,  /* int16 padded input [group][hp][wp][cg] */
    SCRATCH_WEIGHT, /* int16 weights [out_c][kpad] */
    SCRATCH_PATCH,  /* int16 one im2col patch [kpad] */
    SCRATCH_ACC,    /* uint32 accumulators of one output pixel [out_c] */
    SCRATCH_PARAMS, /* odpu_chan_params per output channel [out_c] */
    SCRATCH_COUNT
} scratch_id;

typedef struct scratch {
    void *ptr;
    size_t bytes;
} scratch;

struct odpu_ref {
    odpu_isa_limits lim;
    uint8_t *buf[ODPU_BUF_COUNT];
    size_t word_bytes[ODPU_BUF_COUNT];
    uint64_t tokens[ODPU_QUEUE_COUNT];
    scratch scratch[SCRATCH_COUNT];
};

/* ---- Creation and buffers ------------------------------------------------------------- */

static size_t word_bytes_of(const odpu_isa_limits *lim, odpu_buf_id buf)
{
    switch (buf) {
    case ODPU_BUF_IBUF:
    case ODPU_BUF_OBUF: return lim->rows;
    case ODPU_BUF_WBUF: return (size_t)lim->rows * lim->cols;
    case ODPU_BUF_PBUF: return (size_t)lim->cols * ODPU_PARAM_ENTRY_BYTES;
    case ODPU_BUF_ABUF: return (size_t)lim->cols * ODPU_ACC_BYTES;
    case ODPU_BUF_COUNT: break;
    }
    return 0;
}

static odpu_status check_limits(const odpu_isa_limits *lim, odpu_err *err)
{
    if (lim->rows == 0 || lim->cols == 0 || lim->cols % lim->rows != 0)
        return odpu_fail(err, ODPU_E_ARG,
                         "ref: array %u x %u: rows and cols must be >= 1 and cols a multiple of rows",
                         lim->rows, lim->cols);
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        if (lim->buf_words[b] == 0)
            return odpu_fail(err, ODPU_E_ARG, "ref: %s has depth 0 words",
                             odpu_buf_name((odpu_buf_id)b));
    return ODPU_OK;
}

odpu_status odpu_ref_create(const odpu_isa_limits *lim, odpu_ref **out, odpu_err *err)
{
    *out = NULL;
    odpu_status st = check_limits(lim, err);
    if (st != ODPU_OK)
        return st;
    odpu_ref *ref = calloc(1, sizeof *ref);
    if (!ref)
        return odpu_fail(err, ODPU_E_NOMEM, "ref: out of memory for the engine state");
    ref->lim = *lim;
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        ref->word_bytes[b] = word_bytes_of(lim, (odpu_buf_id)b);
        ref->buf[b] = calloc(lim->buf_words[b], ref->word_bytes[b]);
        if (!ref->buf[b]) {
            odpu_ref_destroy(ref);
            return odpu_fail(err, ODPU_E_NOMEM, "ref: out of memory for %s (%u words of %zu bytes)",
                             odpu_buf_name((odpu_buf_id)b), lim->buf_words[b],
                             word_bytes_of(lim, (odpu_buf_id)b));
        }
    }
    *out = ref;
    return ODPU_OK;
}

void odpu_ref_destroy(odpu_ref *ref)
{
    if (!ref)
        return;
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        free(ref->buf[b]);
    for (int s = 0; s < SCRATCH_COUNT; s++)
        free(ref->scratch[s].ptr);
    free(ref);
}

uint8_t *odpu_ref_buffer(odpu_ref *ref, odpu_buf_id buf, size_t *bytes)
{
    if ((unsigned)buf >= ODPU_BUF_COUNT) {
        if (bytes)
            *bytes = 0;
        return NULL;
    }
    if (bytes)
        *bytes = (size_t)ref->lim.buf_words[buf] * ref->word_bytes[buf];
    return ref->buf[buf];
}

/* Byte address of word `word` of a buffer. */
static uint8_t *word_ptr(odpu_ref *ref, odpu_buf_id buf, uint64_t word)
{
    return ref->buf[buf] + word * ref->word_bytes[buf];
}

static void *scratch_get(odpu_ref *ref, scratch_id id, size_t bytes, odpu_err *err)
{
    scratch *s = &ref->scratch[id];
    if (bytes <= s->bytes)
        return s->ptr;
    size_t want = bytes > 2 * s->bytes ? bytes : 2 * s->bytes; /* amortized growth */
    void *p = realloc(s->ptr, want);
    if (!p) {
        odpu_fail(err, ODPU_E_NOMEM, "ref: out of memory for %zu bytes of CONV scratch", want);
        return NULL;
    }
    s->ptr = p;
    s->bytes = want;
    return p;
}

/* ---- Guards: the extent of every access, re-checked before it is made ----------------- */

static odpu_status guard_buf(const odpu_ref *ref, odpu_buf_id buf, uint64_t first, uint64_t words,
                             const char *what, odpu_err *err)
{
    if (first + words <= ref->lim.buf_words[buf])
        return ODPU_OK;
    return odpu_fail(err, ODPU_E_INVALID,
                     "ref: internal check: %s reaches %s word %llu of %u although odpu_insn_check "
                     "accepted the instruction",
                     what, odpu_buf_name(buf), (unsigned long long)(first + words),
                     ref->lim.buf_words[buf]);
}

static odpu_status guard_ddr(uint64_t lo, uint64_t hi, uint64_t ddr_size, const char *what,
                             odpu_err *err)
{
    if (lo <= hi && hi <= ddr_size)
        return ODPU_OK;
    return odpu_fail(err, ODPU_E_INVALID,
                     "ref: internal check: %s DDR bytes [%llu, %llu) leave the window of %llu bytes "
                     "although odpu_insn_check accepted the instruction",
                     what, (unsigned long long)lo, (unsigned long long)hi,
                     (unsigned long long)ddr_size);
}

/* ---- LOAD and SAVE ------------------------------------------------------------------- */

/* Geometry of an h x w x c box of an HWC tensor in DDR (LOAD and SAVE share it). */
typedef struct ddr_box {
    uint64_t ddr_addr, pixel_stride, row_stride;
    uint32_t buf_addr, h, w, c;
} ddr_box;

/* Checks the box against its buffer and the DDR window (docs/isa.md, LOAD footprint). */
static odpu_status guard_box(const odpu_ref *ref, odpu_buf_id buf, const ddr_box *b,
                             uint64_t ddr_size, const char *what, odpu_err *err)
{
    uint64_t words = (uint64_t)odpu_ceil_div(b->c, ref->lim.rows) * b->h * b->w;
    odpu_status st = guard_buf(ref, buf, b->buf_addr, words, what, err);
    if (st != ODPU_OK)
        return st;
    uint64_t end = b->ddr_addr + (uint64_t)(b->h - 1) * b->row_stride +
                   (uint64_t)(b->w - 1) * b->pixel_stride + b->c;
    return guard_ddr(b->ddr_addr, end, ddr_size, what, err);
}

/* Activation-form LOAD: one word per (channel block, y, x); lanes >= c written 0. */
static void load_box(odpu_ref *ref, odpu_buf_id buf, const ddr_box *b, const uint8_t *ddr)
{
    uint32_t r = ref->lim.rows;
    uint32_t blocks = odpu_ceil_div(b->c, r);
    for (uint32_t cb = 0; cb < blocks; cb++) {
        uint32_t lanes = b->c - cb * r < r ? b->c - cb * r : r;
        for (uint32_t y = 0; y < b->h; y++)
            for (uint32_t x = 0; x < b->w; x++) {
                uint8_t *dst = word_ptr(ref, buf, b->buf_addr + ((uint64_t)cb * b->h + y) * b->w + x);
                const uint8_t *src =
                    ddr + b->ddr_addr + y * b->row_stride + x * b->pixel_stride + (uint64_t)cb * r;
                memcpy(dst, src, lanes);
                memset(dst + lanes, 0, r - lanes);
            }
    }
}

/* SAVE: only the c channel bytes of each pixel are written, never the padding lanes.
 * The order does not matter: rule overlap forbids a box that writes a byte twice. */
static void save_box(odpu_ref *ref, odpu_buf_id buf, const ddr_box *b, uint8_t *ddr)
{
    uint32_t r = ref->lim.rows;
    uint32_t blocks = odpu_ceil_div(b->c, r);
    for (uint32_t y = 0; y < b->h; y++)
        for (uint32_t x = 0; x < b->w; x++)
            for (uint32_t cb = 0; cb < blocks; cb++) {
                uint32_t lanes = b->c - cb * r < r ? b->c - cb * r : r;
                const uint8_t *src =
                    word_ptr(ref, buf, b->buf_addr + ((uint64_t)cb * b->h + y) * b->w + x);
                uint8_t *dst = ddr + b->ddr_addr + y * b->row_stride + x * b->pixel_stride +
                               (uint64_t)cb * r;
                memcpy(dst, src, lanes);
            }
}

static odpu_status exec_load(odpu_ref *ref, const odpu_load *l, const uint8_t *ddr,
                             uint64_t ddr_size, odpu_err *err)
{
    odpu_buf_id buf = (odpu_buf_id)l->buf;
    if (buf == ODPU_BUF_IBUF || buf == ODPU_BUF_OBUF) {
        ddr_box b = {l->ddr_addr, l->pixel_stride, l->row_stride, l->buf_addr, l->h, l->w, l->c};
        odpu_status st = guard_box(ref, buf, &b, ddr_size, "LOAD", err);
        if (st != ODPU_OK)
            return st;
        load_box(ref, buf, &b, ddr);
        return ODPU_OK;
    }
    /* Linear form: len whole words, byte for byte. */
    uint64_t bytes = (uint64_t)l->len * ref->word_bytes[buf];
    odpu_status st = guard_buf(ref, buf, l->buf_addr, l->len, "LOAD", err);
    if (st == ODPU_OK)
        st = guard_ddr(l->ddr_addr, l->ddr_addr + bytes, ddr_size, "LOAD", err);
    if (st != ODPU_OK)
        return st;
    memcpy(word_ptr(ref, buf, l->buf_addr), ddr + l->ddr_addr, bytes);
    return ODPU_OK;
}

static odpu_status exec_save(odpu_ref *ref, const odpu_save *s, uint8_t *ddr, uint64_t ddr_size,
                             odpu_err *err)
{
    odpu_buf_id buf = (odpu_buf_id)s->buf;
    ddr_box b = {s->ddr_addr, s->pixel_stride, s->row_stride, s->buf_addr, s->h, s->w, s->c};
    odpu_status st = guard_box(ref, buf, &b, ddr_size, "SAVE", err);
    if (st != ODPU_OK)
        return st;
    save_box(ref, buf, &b, ddr);
    return ODPU_OK;
}

/* ---- CONV ---------------------------------------------------------------------------- */

/* Sizes derived from one CONV's fields. */
typedef struct conv_plan {
    uint32_t groups, cg, mg; /* groups, input and output channels per group */
    uint32_t taps;           /* kh * kw */
    size_t k, kpad;          /* dot-product length taps * cg, rounded up to DOT_BLOCK */
    size_t hp, wp;           /* input size including the padding */
    uint32_t out_blocks_acc; /* ABUF words per pixel: ceil(out_c / cols) */
    uint32_t out_blocks_act; /* OBUF words per pixel: ceil(out_c / rows) */
} conv_plan;

static void plan_conv(const odpu_ref *ref, const odpu_conv *c, conv_plan *p)
{
    p->groups = c->groups;
    p->cg = c->in_c / c->groups;
    p->mg = c->out_c / c->groups;
    p->taps = c->kh * c->kw;
    p->k = (size_t)p->taps * p->cg;
    p->kpad = (p->k + DOT_BLOCK - 1) / DOT_BLOCK * DOT_BLOCK;
    p->hp = (size_t)c->pad_top + c->in_h + c->pad_bottom;
    p->wp = (size_t)c->pad_left + c->in_w + c->pad_right;
    p->out_blocks_acc = odpu_ceil_div(c->out_c, ref->lim.cols);
    p->out_blocks_act = odpu_ceil_div(c->out_c, ref->lim.rows);
}

/* WBUF words the weights occupy (docs/isa.md section 2, weight tile). */
static uint64_t conv_weight_words(const odpu_ref *ref, const odpu_conv *c, const conv_plan *p)
{
    uint64_t oblocks = odpu_ceil_div(c->out_c, ref->lim.cols);
    if (c->mode == ODPU_CONV_DEPTHWISE)
        return oblocks * odpu_ceil_div(p->taps, ref->lim.rows);
    return oblocks * odpu_ceil_div(p->cg, ref->lim.rows) * p->taps;
}

static odpu_status guard_conv(const odpu_ref *ref, const odpu_conv *c, const conv_plan *p,
                              odpu_err *err)
{
    uint64_t pixels_in = (uint64_t)c->in_h * c->in_w, pixels_out = (uint64_t)c->out_h * c->out_w;
    odpu_status st = guard_buf(ref, ODPU_BUF_IBUF, c->ibuf_addr,
                               odpu_ceil_div(c->in_c, ref->lim.rows) * pixels_in, "CONV input", err);
    if (st == ODPU_OK)
        st = guard_buf(ref, ODPU_BUF_WBUF, c->wbuf_addr, conv_weight_words(ref, c, p),
                       "CONV weights", err);
    if (st == ODPU_OK)
        st = guard_buf(ref, ODPU_BUF_ABUF, c->abuf_addr, p->out_blocks_acc * pixels_out,
                       "CONV accumulators", err);
    if (st == ODPU_OK && (c->acc_init || c->acc_out))
        st = guard_buf(ref, ODPU_BUF_PBUF, c->pbuf_addr, p->out_blocks_acc, "CONV parameters", err);
    uint64_t pixels_pooled = (uint64_t)(c->out_h / c->pool_h) * (c->out_w / c->pool_w);
    if (st == ODPU_OK && c->acc_out)
        st = guard_buf(ref, ODPU_BUF_OBUF, c->obuf_addr, p->out_blocks_act * pixels_pooled,
                       "CONV output", err);
    /* The window rule keeps every tap inside the padded input; re-check it here because
     * the patch gather below indexes the scratch by it. */
    if (st == ODPU_OK && ((uint64_t)(c->out_h - 1) * c->stride_h + (uint64_t)(c->kh - 1) * c->dil_h >= p->hp ||
                          (uint64_t)(c->out_w - 1) * c->stride_w + (uint64_t)(c->kw - 1) * c->dil_w >= p->wp))
        st = odpu_fail(err, ODPU_E_INVALID,
                       "ref: internal check: CONV window leaves the padded input although "
                       "odpu_insn_check accepted the instruction");
    return st;
}

/* Input tile -> [group][hp][wp][cg] int16 with every padding position = in_zp. */
static int16_t *gather_input(odpu_ref *ref, const odpu_conv *c, const conv_plan *p, odpu_err *err)
{
    size_t plane = p->hp * p->wp * p->cg;
    size_t total = plane * p->groups;
    int16_t *in = scratch_get(ref, SCRATCH_INPUT, total * sizeof *in, err);
    if (!in)
        return NULL;
    for (size_t i = 0; i < total; i++)
        in[i] = (int16_t)c->in_zp;
    uint32_t r = ref->lim.rows;
    const int8_t *ibuf = (const int8_t *)ref->buf[ODPU_BUF_IBUF];
    for (uint32_t ch = 0; ch < c->in_c; ch++) {
        uint32_t g = ch / p->cg, cc = ch % p->cg, cb = ch / r, lane = ch % r;
        for (uint32_t y = 0; y < c->in_h; y++) {
            const int8_t *src = ibuf + (c->ibuf_addr + ((size_t)cb * c->in_h + y) * c->in_w) * r + lane;
            int16_t *dst = in + g * plane + ((y + c->pad_top) * p->wp + c->pad_left) * p->cg + cc;
            for (uint32_t x = 0; x < c->in_w; x++)
                dst[(size_t)x * p->cg] = src[(size_t)x * r];
        }
    }
    return in;
}

/* Weight row of output channel o, element (ky*kw + kx)*cg + c' (docs/isa.md section 2,
 * weight tile). Walks WBUF word by word: lane run `lanes` of each word is contiguous in
 * the row, so no per-element division is needed. */
static void gather_weight_row(const odpu_ref *ref, const odpu_conv *c, const conv_plan *p,
                              uint32_t o, int16_t *row)
{
    uint32_t r = ref->lim.rows, cols = ref->lim.cols;
    size_t word_bytes = ref->word_bytes[ODPU_BUF_WBUF];
    const int8_t *first = (const int8_t *)ref->buf[ODPU_BUF_WBUF] + (size_t)(o % cols) * r;
    if (c->mode == ODPU_CONV_DEPTHWISE) { /* taps packed into the lanes, cg = 1 */
        uint32_t tblocks = odpu_ceil_div(p->taps, r);
        for (uint32_t tb = 0; tb < tblocks; tb++) {
            const int8_t *w = first + ((size_t)c->wbuf_addr + (size_t)(o / cols) * tblocks + tb) * word_bytes;
            uint32_t lanes = p->taps - tb * r < r ? p->taps - tb * r : r;
            for (uint32_t j = 0; j < lanes; j++)
                row[tb * r + j] = w[j];
        }
        return;
    }
    uint32_t cblocks = odpu_ceil_div(p->cg, r);
    for (uint32_t cb = 0; cb < cblocks; cb++) {
        uint32_t lanes = p->cg - cb * r < r ? p->cg - cb * r : r;
        size_t word = c->wbuf_addr + ((size_t)(o / cols) * cblocks + cb) * p->taps;
        for (uint32_t tap = 0; tap < p->taps; tap++) {
            const int8_t *w = first + (word + tap) * word_bytes;
            int16_t *dst = row + (size_t)tap * p->cg + (size_t)cb * r;
            for (uint32_t j = 0; j < lanes; j++)
                dst[j] = w[j];
        }
    }
}

/* Weights -> [o][kpad] int16, zero beyond k. */
static int16_t *gather_weights(odpu_ref *ref, const odpu_conv *c, const conv_plan *p, odpu_err *err)
{
    int16_t *wt = scratch_get(ref, SCRATCH_WEIGHT, (size_t)c->out_c * p->kpad * sizeof *wt, err);
    if (!wt)
        return NULL;
    for (uint32_t o = 0; o < c->out_c; o++) {
        int16_t *row = wt + (size_t)o * p->kpad;
        gather_weight_row(ref, c, p, o, row);
        for (size_t i = p->k; i < p->kpad; i++)
            row[i] = 0;
    }
    return wt;
}

/* PBUF entry of output channel o (docs/isa.md section 2, parameter entry). */
static void read_params(const odpu_ref *ref, const odpu_conv *c, uint32_t o, odpu_chan_params *prm)
{
    uint32_t cols = ref->lim.cols;
    const uint8_t *e = ref->buf[ODPU_BUF_PBUF] +
                       ((size_t)c->pbuf_addr + o / cols) * ref->word_bytes[ODPU_BUF_PBUF] +
                       (size_t)(o % cols) * ODPU_PARAM_ENTRY_BYTES;
    odpu_param_entry_decode(e, prm);
    /* PBUF contents are data, not instruction fields, so nothing validates them: a shift
     * outside [-31, 31] is clamped (docs/isa.md sections 2 and 6) rather than undefined. */
    int32_t shift = prm->shift;
    prm->shift = shift < -ODPU_SHIFT_MAX ? -ODPU_SHIFT_MAX : shift > ODPU_SHIFT_MAX ? ODPU_SHIFT_MAX : shift;
}

static odpu_chan_params *gather_params(odpu_ref *ref, const odpu_conv *c, odpu_err *err)
{
    odpu_chan_params *prm = scratch_get(ref, SCRATCH_PARAMS, (size_t)c->out_c * sizeof *prm, err);
    if (!prm)
        return NULL;
    if (c->acc_init || c->acc_out) /* PBUF is read only then (docs/isa.md, CONV) */
        for (uint32_t o = 0; o < c->out_c; o++)
            read_params(ref, c, o, &prm[o]);
    return prm;
}

/* Sum of a[i]*b[i] over nblocks * DOT_BLOCK elements, mod 2^32. A block's sum is at most
 * DOT_BLOCK * 2^14 in magnitude, so it is exact in int32; blocks add in uint32. */
static uint32_t dot_blocks(const int16_t *a, const int16_t *b, size_t nblocks)
{
    uint32_t sum = 0;
    for (size_t k = 0; k < nblocks; k++, a += DOT_BLOCK, b += DOT_BLOCK) {
        int32_t block = 0;
        for (int i = 0; i < DOT_BLOCK; i++)
            block += a[i] * b[i];
        sum += (uint32_t)block;
    }
    return sum;
}

/* DOT_WAYS dot products of one patch with consecutive weight rows (stride kpad): the
 * patch block is loaded once for all of them, which matters most for short patches. */
static void dot_blocks_ways(const int16_t *a, const int16_t *b, size_t kpad, uint32_t out[DOT_WAYS])
{
    uint32_t sum[DOT_WAYS] = {0};
    for (size_t k = 0; k < kpad; k += DOT_BLOCK) {
        for (int j = 0; j < DOT_WAYS; j++) {
            const int16_t *w = b + j * kpad + k;
            int32_t block = 0;
            for (int i = 0; i < DOT_BLOCK; i++)
                block += a[k + i] * w[i];
            sum[j] += (uint32_t)block;
        }
    }
    for (int j = 0; j < DOT_WAYS; j++)
        out[j] = sum[j];
}

/* First element of the padded-input pixel at the top-left tap of output (oy, ox). */
static const int16_t *window_origin(const odpu_conv *c, const conv_plan *p, const int16_t *in,
                                    uint32_t g, uint32_t oy, uint32_t ox)
{
    size_t plane = p->hp * p->wp * p->cg;
    return in + g * plane + ((size_t)oy * c->stride_h * p->wp + (size_t)ox * c->stride_w) * p->cg;
}

/* im2col of one output pixel and group: the k inputs in weight-row order. */
static void build_patch(const odpu_conv *c, const conv_plan *p, const int16_t *origin,
                        int16_t *patch)
{
    size_t row_step = (size_t)c->dil_h * p->wp * p->cg;
    for (uint32_t ky = 0; ky < c->kh; ky++, origin += row_step) {
        if (c->dil_w == 1) { /* the kw taps of a kernel row are one contiguous run */
            memcpy(patch, origin, (size_t)c->kw * p->cg * sizeof *patch);
            patch += (size_t)c->kw * p->cg;
            continue;
        }
        for (uint32_t kx = 0; kx < c->kw; kx++, patch += p->cg)
            memcpy(patch, origin + (size_t)kx * c->dil_w * p->cg, p->cg * sizeof *patch);
    }
}

/* The same sum without a patch, for small per-group work (depthwise, tiny kernels). */
static uint32_t dot_direct(const odpu_conv *c, const conv_plan *p, const int16_t *origin,
                           const int16_t *wrow)
{
    uint32_t sum = 0;
    size_t row_step = (size_t)c->dil_h * p->wp * p->cg, tap_step = (size_t)c->dil_w * p->cg;
    if (p->cg == 1) { /* depthwise: one input channel per tap */
        for (uint32_t ky = 0; ky < c->kh; ky++, origin += row_step, wrow += c->kw)
            for (uint32_t kx = 0; kx < c->kw; kx++)
                sum += (uint32_t)(origin[kx * tap_step] * wrow[kx]);
        return sum;
    }
    for (uint32_t ky = 0; ky < c->kh; ky++, origin += row_step) {
        const int16_t *x = origin;
        for (uint32_t kx = 0; kx < c->kw; kx++, x += tap_step, wrow += p->cg)
            for (uint32_t cc = 0; cc < p->cg; cc++)
                sum += (uint32_t)(x[cc] * wrow[cc]);
    }
    return sum;
}

/* The products of every output channel of pixel (oy, ox) into sums[out_c]. */
static void conv_pixel(const odpu_conv *c, const conv_plan *p, const int16_t *in,
                       const int16_t *wt, int16_t *patch, uint32_t oy, uint32_t ox, uint32_t *sums)
{
    int use_patch = (uint64_t)p->k * p->mg >= PATCH_MIN_MACS;
    for (uint32_t g = 0; g < p->groups; g++) {
        const int16_t *origin = window_origin(c, p, in, g, oy, ox);
        if (use_patch)
            build_patch(c, p, origin, patch);
        uint32_t o = g * p->mg, end = (g + 1) * p->mg;
        if (use_patch)
            for (; o + DOT_WAYS <= end; o += DOT_WAYS)
                dot_blocks_ways(patch, wt + (size_t)o * p->kpad, p->kpad, &sums[o]);
        for (; o < end; o++) {
            const int16_t *wrow = wt + (size_t)o * p->kpad;
            sums[o] = use_patch ? dot_blocks(patch, wrow, p->kpad / DOT_BLOCK)
                                : dot_direct(c, p, origin, wrow);
        }
    }
}

/* OBUF words of output pixel (oy, ox). With fused pooling the pixel lands in pooled pixel
 * (oy / pool_h, ox / pool_w): the first pixel of a window (row-major order) writes it, the
 * others keep the maximum, which is the pool of the requantized outputs (docs/isa.md, CONV). */
static void conv_store_output(odpu_ref *ref, const odpu_conv *c, const conv_plan *p,
                              const odpu_chan_params *prm, uint32_t oy, uint32_t ox, const uint32_t *sums)
{
    uint32_t r = ref->lim.rows, pooled_w = c->out_w / c->pool_w;
    size_t pixel = (size_t)(oy / c->pool_h) * pooled_w + ox / c->pool_w;
    size_t pixels = (size_t)(c->out_h / c->pool_h) * pooled_w;
    int first = oy % c->pool_h == 0 && ox % c->pool_w == 0;
    for (uint32_t ob = 0; ob < p->out_blocks_act; ob++) {
        int8_t *word = (int8_t *)word_ptr(ref, ODPU_BUF_OBUF, c->obuf_addr + ob * pixels + pixel);
        for (uint32_t lane = 0; lane < r; lane++) {
            uint32_t o = ob * r + lane;
            int8_t v = o >= c->out_c ? 0
                                     : odpu_conv_output((int32_t)sums[o], &prm[o], (int)c->leaky, (int)c->pot,
                                                        c->out_zp, (int8_t)c->act_min, (int8_t)c->act_max);
            word[lane] = first || v > word[lane] ? v : word[lane];
        }
    }
}

/* ABUF (and with acc_out OBUF) words of pixel (oy, ox); sums become the accumulators. */
static void conv_store(odpu_ref *ref, const odpu_conv *c, const conv_plan *p,
                       const odpu_chan_params *prm, uint32_t oy, uint32_t ox, uint32_t *sums)
{
    uint32_t cols = ref->lim.cols;
    size_t pixel = (size_t)oy * c->out_w + ox, pixels = (size_t)c->out_h * c->out_w;
    for (uint32_t ob = 0; ob < p->out_blocks_acc; ob++) {
        uint8_t *word = word_ptr(ref, ODPU_BUF_ABUF, c->abuf_addr + ob * pixels + pixel);
        for (uint32_t lane = 0; lane < cols; lane++) {
            uint32_t o = ob * cols + lane;
            uint8_t *acc = word + (size_t)lane * ODPU_ACC_BYTES;
            if (o >= c->out_c) { /* padding lane */
                odpu_wr32(acc, 0);
                continue;
            }
            uint32_t init = c->acc_init ? (uint32_t)prm[o].bias : odpu_rd32(acc);
            sums[o] += init;
            odpu_wr32(acc, sums[o]);
        }
    }
    if (c->acc_out)
        conv_store_output(ref, c, p, prm, oy, ox, sums);
}

static odpu_status exec_conv(odpu_ref *ref, const odpu_conv *c, uint64_t *macs, odpu_err *err)
{
    conv_plan p;
    plan_conv(ref, c, &p);
    odpu_status st = guard_conv(ref, c, &p, err);
    if (st != ODPU_OK)
        return st;
    const int16_t *in = gather_input(ref, c, &p, err);
    const int16_t *wt = in ? gather_weights(ref, c, &p, err) : NULL;
    const odpu_chan_params *prm = wt ? gather_params(ref, c, err) : NULL;
    int16_t *patch = prm ? scratch_get(ref, SCRATCH_PATCH, p.kpad * sizeof *patch, err) : NULL;
    uint32_t *sums = patch ? scratch_get(ref, SCRATCH_ACC, (size_t)c->out_c * sizeof *sums, err) : NULL;
    if (!sums)
        return err ? err->code : ODPU_E_NOMEM;
    for (size_t i = p.k; i < p.kpad; i++) /* the patch tail meets the zero weight tail */
        patch[i] = 0;
    for (uint32_t oy = 0; oy < c->out_h; oy++)
        for (uint32_t ox = 0; ox < c->out_w; ox++) {
            conv_pixel(c, &p, in, wt, patch, oy, ox, sums);
            conv_store(ref, c, &p, prm, oy, ox, sums);
        }
    *macs += (uint64_t)c->out_h * c->out_w * c->out_c * p.k;
    return ODPU_OK;
}

/* ---- POOL ---------------------------------------------------------------------------- */

/* The window geometry of a POOL; global modes use the whole input (docs/isa.md, POOL). */
typedef struct pool_window {
    uint32_t kh, kw, stride_h, stride_w, pad_top, pad_left;
    int is_max;
} pool_window;

static void plan_pool(const odpu_pool *p, pool_window *w)
{
    int global = p->mode == ODPU_POOL_GLOBAL_MAX || p->mode == ODPU_POOL_GLOBAL_AVG;
    w->kh = global ? p->in_h : p->kh;
    w->kw = global ? p->in_w : p->kw;
    w->stride_h = global ? 1 : p->stride_h;
    w->stride_w = global ? 1 : p->stride_w;
    w->pad_top = global ? 0 : p->pad_top;
    w->pad_left = global ? 0 : p->pad_left;
    w->is_max = p->mode == ODPU_POOL_MAX || p->mode == ODPU_POOL_GLOBAL_MAX;
}

/* Output of one channel (a lane of channel block `src` words) at one output pixel. */
static int8_t pool_one(const odpu_pool *p, const pool_window *w, const int8_t *src, uint32_t r,
                       uint32_t oy, uint32_t ox)
{
    /* Window bounds clipped to the input, in signed arithmetic: pads may exceed the
     * window origin. */
    int64_t y0 = (int64_t)oy * w->stride_h - w->pad_top, x0 = (int64_t)ox * w->stride_w - w->pad_left;
    int64_t y1 = y0 + w->kh, x1 = x0 + w->kw;
    y0 = y0 < 0 ? 0 : y0;
    x0 = x0 < 0 ? 0 : x0;
    y1 = y1 > p->in_h ? p->in_h : y1;
    x1 = x1 > p->in_w ? p->in_w : x1;
    int32_t best = INT8_MIN, sum = 0;
    for (int64_t y = y0; y < y1; y++)
        for (int64_t x = x0; x < x1; x++) {
            int32_t v = src[(size_t)(y * p->in_w + x) * r];
            best = v > best ? v : best;
            sum += v - p->in_zp;
        }
    if (w->is_max)
        return odpu_clamp8(best, (int8_t)p->act_min, (int8_t)p->act_max);
    return odpu_avg_output(sum, p->mult, p->shift, p->out_zp, (int8_t)p->act_min, (int8_t)p->act_max);
}

static odpu_status exec_pool(odpu_ref *ref, const odpu_pool *p, odpu_err *err)
{
    uint32_t r = ref->lim.rows;
    uint32_t blocks = odpu_ceil_div(p->c, r);
    odpu_buf_id src_buf = p->src_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    uint64_t in_pixels = (uint64_t)p->in_h * p->in_w, out_pixels = (uint64_t)p->out_h * p->out_w;
    odpu_status st = guard_buf(ref, src_buf, p->src_addr, blocks * in_pixels, "POOL input", err);
    if (st == ODPU_OK)
        st = guard_buf(ref, ODPU_BUF_OBUF, p->dst_addr, blocks * out_pixels, "POOL output", err);
    if (st != ODPU_OK)
        return st;
    pool_window w;
    plan_pool(p, &w);
    for (uint32_t cb = 0; cb < blocks; cb++)
        for (uint32_t oy = 0; oy < p->out_h; oy++)
            for (uint32_t ox = 0; ox < p->out_w; ox++) {
                int8_t *dst = (int8_t *)word_ptr(ref, ODPU_BUF_OBUF,
                                                 p->dst_addr + cb * out_pixels + (uint64_t)oy * p->out_w + ox);
                const int8_t *src = (const int8_t *)word_ptr(ref, src_buf, p->src_addr + cb * in_pixels);
                for (uint32_t lane = 0; lane < r; lane++)
                    dst[lane] = cb * r + lane >= p->c ? 0 : pool_one(p, &w, src + lane, r, oy, ox);
            }
    return ODPU_OK;
}

/* ---- ELEW ---------------------------------------------------------------------------- */

static odpu_status exec_elew(odpu_ref *ref, const odpu_elew *e, odpu_err *err)
{
    odpu_buf_id a_buf = e->a_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    odpu_buf_id b_buf = e->b_buf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    odpu_status st = guard_buf(ref, a_buf, e->a_addr, e->len, "ELEW input a", err);
    if (st == ODPU_OK)
        st = guard_buf(ref, b_buf, e->b_addr, e->len, "ELEW input b", err);
    if (st == ODPU_OK)
        st = guard_buf(ref, ODPU_BUF_OBUF, e->out_addr, e->len, "ELEW output", err);
    if (st != ODPU_OK)
        return st;
    odpu_add_params prm = {
        .a_zp = e->a_zp, .b_zp = e->b_zp, .out_zp = e->out_zp,
        .a_mult = e->a_mult, .b_mult = e->b_mult, .out_mult = e->out_mult,
        .a_shift = e->a_shift, .b_shift = e->b_shift, .out_shift = e->out_shift,
        .left_shift = (int32_t)e->left_shift,
        .act_min = (int8_t)e->act_min, .act_max = (int8_t)e->act_max,
    };
    const int8_t *a = (const int8_t *)word_ptr(ref, a_buf, e->a_addr);
    const int8_t *b = (const int8_t *)word_ptr(ref, b_buf, e->b_addr);
    int8_t *out = (int8_t *)word_ptr(ref, ODPU_BUF_OBUF, e->out_addr);
    /* Lane by lane, reading both inputs before writing: in place (out = a or out = b at the
     * same word) is then exact, and padding lanes are computed like any other. */
    size_t lanes = (size_t)e->len * ref->lim.rows;
    for (size_t i = 0; i < lanes; i++) {
        int8_t va = a[i], vb = b[i];
        out[i] = odpu_add_output(va, vb, &prm);
    }
    return ODPU_OK;
}

/* ---- Dispatch, tokens and the run loop ------------------------------------------------ */

static odpu_status execute(odpu_ref *ref, const odpu_insn *insn, uint8_t *ddr, uint64_t ddr_size,
                           uint64_t *macs, odpu_err *err)
{
    switch (insn->opcode) {
    case ODPU_OP_LOAD: return exec_load(ref, &insn->u.load, ddr, ddr_size, err);
    case ODPU_OP_SAVE: return exec_save(ref, &insn->u.save, ddr, ddr_size, err);
    case ODPU_OP_CONV: return exec_conv(ref, &insn->u.conv, macs, err);
    case ODPU_OP_POOL: return exec_pool(ref, &insn->u.pool, err);
    case ODPU_OP_ELEW: return exec_elew(ref, &insn->u.elew, err);
    case ODPU_OP_NOP:
    case ODPU_OP_END: return ODPU_OK; /* only their tokens act */
    case ODPU_OP_ILLEGAL: break;
    }
    return odpu_fail(err, ODPU_E_INVALID, "ref: cannot execute opcode %d", (int)insn->opcode);
}

/* Pops both flagged queues, or none if either is empty (the engine would wait forever:
 * in stream order no later instruction can run before this one). Returns 0 on underflow. */
static int pop_tokens(odpu_ref *ref, const odpu_insn *insn, const char **empty)
{
    static const odpu_dep_flag pops[] = {ODPU_DEP_POP_PREV, ODPU_DEP_POP_NEXT};
    for (int pass = 0; pass < 2; pass++) /* check both, then take both */
        for (size_t k = 0; k < sizeof pops / sizeof pops[0]; k++) {
            odpu_queue q = odpu_insn_flag_queue(insn, pops[k]);
            if (q == ODPU_QUEUE_NONE)
                continue;
            if (!pass && ref->tokens[q] == 0) {
                *empty = odpu_dep_flag_name(pops[k]);
                return 0;
            }
            if (pass)
                ref->tokens[q]--;
        }
    return 1;
}

static void push_tokens(odpu_ref *ref, const odpu_insn *insn)
{
    static const odpu_dep_flag pushes[] = {ODPU_DEP_PUSH_PREV, ODPU_DEP_PUSH_NEXT};
    for (size_t k = 0; k < sizeof pushes / sizeof pushes[0]; k++) {
        odpu_queue q = odpu_insn_flag_queue(insn, pushes[k]);
        if (q != ODPU_QUEUE_NONE)
            ref->tokens[q]++;
    }
}

/* Whether the low four bits of word 0 name an instruction class. */
static int opcode_defined(unsigned code)
{
    switch (code) {
#define X_CASE(OP, value, name, FIELDS) case value:
        ODPU_OPCODES(X_CASE)
#undef X_CASE
        return 1;
    default: return 0;
    }
}

enum { OPCODE_BITS_MASK = 0xF }; /* w0[3:0] (docs/isa.md section 4) */

/* Ends the run with a hardware error, as ERR_CODE/ERR_INDEX would report it. */
static odpu_status stop_run(odpu_ref_result *res, size_t index, odpu_hw_error hw, odpu_rule rule,
                            const odpu_err *detail)
{
    res->hw_error = hw;
    res->err_index = index;
    res->rule = rule;
    memcpy(res->msg, detail->msg, sizeof res->msg);
    return ODPU_OK;
}

/* Decode and check one instruction: ODPU_RULE_NONE if it may run, else the broken rule
 * with a message in ierr that names it. */
static odpu_rule admit(const odpu_ref *ref, const uint8_t *bytes, const odpu_ddr_layout *layout,
                       odpu_insn *insn, odpu_err *ierr)
{
    if (odpu_insn_decode(bytes, insn, ierr) != ODPU_OK) {
        odpu_rule rule =
            opcode_defined(bytes[0] & OPCODE_BITS_MASK) ? ODPU_RULE_RESERVED : ODPU_RULE_OPCODE;
        odpu_err_prefix(ierr, "%s: ", odpu_rule_name(rule));
        return rule;
    }
    return odpu_insn_check(insn, &ref->lim, layout, ierr); /* "OP: rule: detail" */
}

odpu_status odpu_ref_run(odpu_ref *ref, const uint8_t *stream, size_t n_insns, uint8_t *ddr,
                         uint64_t ddr_size, odpu_ref_result *result, odpu_err *err)
{
    memset(result, 0, sizeof *result);
    memset(ref->tokens, 0, sizeof ref->tokens);
    odpu_ddr_layout layout = {ddr_size, 0, 0};
    for (size_t i = 0; i < n_insns; i++) {
        odpu_insn insn;
        odpu_err ierr = {ODPU_OK, ""};
        odpu_rule rule = admit(ref, stream + i * ODPU_INSN_BYTES, &layout, &insn, &ierr);
        const char *op = odpu_opcode_name(insn.opcode);
        if (rule != ODPU_RULE_NONE) {
            odpu_err_prefix(&ierr, "instruction %zu: ", i);
            return stop_run(result, i, odpu_rule_hw_error(rule), rule, &ierr);
        }
        const char *empty = NULL;
        if (!pop_tokens(ref, &insn, &empty)) {
            odpu_fail(&ierr, ODPU_E_INVALID,
                      "instruction %zu: %s: %s: %s on an empty %s queue: no earlier instruction "
                      "pushed its token, so the engine would wait forever",
                      i, op, odpu_rule_name(ODPU_RULE_DEP_UNDERFLOW), empty,
                      odpu_engine_name(odpu_insn_engine(&insn)));
            return stop_run(result, i, ODPU_HW_WATCHDOG, ODPU_RULE_DEP_UNDERFLOW, &ierr);
        }
        odpu_status st = execute(ref, &insn, ddr, ddr_size, &result->macs, err);
        if (st != ODPU_OK)
            return odpu_err_prefix(err, "instruction %zu (%s): ", i, op);
        push_tokens(ref, &insn);
        result->insns_done++;
        if (insn.opcode == ODPU_OP_END)
            return ODPU_OK;
    }
    odpu_err detail;
    odpu_fail(&detail, ODPU_E_INVALID, "%s: %zu instructions fetched without END",
              odpu_rule_name(ODPU_RULE_END), n_insns);
    return stop_run(result, n_insns, ODPU_HW_NO_END, ODPU_RULE_END, &detail);
}

odpu_status odpu_ref_exec(odpu_ref *ref, const odpu_insn *insn, uint8_t *ddr, uint64_t ddr_size,
                          odpu_err *err)
{
    odpu_ddr_layout layout = {ddr_size, 0, 0};
    odpu_err ierr = {ODPU_OK, ""};
    odpu_rule rule = odpu_insn_check(insn, &ref->lim, &layout, &ierr);
    if (rule != ODPU_RULE_NONE) { /* the message already reads "OP: rule: detail" */
        if (err) {
            *err = ierr;
            err->code = ODPU_E_INVALID;
        }
        return ODPU_E_INVALID;
    }
    uint64_t macs = 0;
    return execute(ref, insn, ddr, ddr_size, &macs, err);
}
