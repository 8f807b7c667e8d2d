/* test_ref_ops.c - every instruction against naive C loops written here from docs/isa.md.
 *
 * Each case builds a real stream (LOADs of input, weights and parameters, the operation,
 * SAVE, dependency tokens, END), runs it through the engine runner on every backend of
 * ODPU_TEST_BACKENDS (default "ref") on the arch configs tiny and b512, and compares the
 * whole DDR image byte for byte with what the naive model says: the outputs, and every
 * other byte unchanged. Tensors here are NCHW / OIHW int8 arrays; the packing into the
 * DDR and buffer layouts of docs/isa.md section 2 is written here too, independently of
 * the engines. Only the rounding primitives of isa/arith.h are shared.
 *
 * Failures print the case number, its seed and shape, the tensor index and both values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "common/bytes.h"
#include "isa/arith.h"
#include "isa/isa.h"
#include "isa/stream.h"
#include "ref/ref.h"
#include "tests/engine_runner.h"
#include "tests/testutil.h"

static const char *const ARCHS[] = {"tiny", "b512"};
enum { N_ARCHS = sizeof ARCHS / sizeof ARCHS[0] };

enum {
    CONV_CASES = 400,       /* per CONV flavour and arch */
    POOL_CASES = 100,       /* per POOL mode and arch */
    ELEW_CASES = 200,       /* per arch */
    MOVE_CASES = 100,       /* LOAD/SAVE cases per arch */
    MAX_CASE_MACS = 300000, /* keeps the naive loops (and sanitizer builds) fast */
    MAX_ATTEMPTS = 100000,  /* shape draws before giving up on fitting the buffers */
    FUSED_POOL_MAX = 4,     /* CONV pool_h, pool_w: 2-bit fields, value - 1 */
    DESC_MAX = 800,
    DDR_SLACK = 64,         /* random bytes after the last region of an image */
    PARAM_BYTES = 16,       /* one PBUF entry (docs/isa.md section 2) ... */
    PARAM_BIAS = 0,         /* ... and the byte offsets of its fields */
    PARAM_MULT = 4,
    PARAM_SHIFT = 8,
    PARAM_LEAKY = 12,
    ACT_MIN = -128,
    ACT_MAX = 127,
};

/* Dependency flags of one instruction, as a bit set. */
enum { POP_PREV = 1, POP_NEXT = 2, PUSH_PREV = 4, PUSH_NEXT = 8 };

/* ---- Small helpers ------------------------------------------------------------------- */

static int rr(test_rng *r, int lo, int hi)
{
    return test_rng_range(r, lo, hi);
}

static int chance(test_rng *r, int percent)
{
    return rr(r, 0, 99) < percent;
}

static uint32_t cdiv(uint32_t a, uint32_t b)
{
    return (a + b - 1) / b;
}

static uint32_t round_up(uint32_t a, uint32_t b)
{
    return cdiv(a, b) * b;
}

static int ilog2(uint64_t v)
{
    int n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static int32_t wrap32(int64_t v)
{
    return (int32_t)(uint32_t)(uint64_t)v;
}

static int32_t random_i32(test_rng *r)
{
    return (int32_t)(uint32_t)test_rng_next(r);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    ck_assert_msg(p != NULL, "out of memory for %zu bytes", n);
    return p;
}

/* How a case draws its values. SMALL keeps accumulators tiny and the requantization near
 * 1, so that an accumulator off by one shows in the output; EXTREME drives the int8
 * extremes (and int32 wrap-around through the bias). */
typedef enum value_kind { VALUES_RANDOM, VALUES_SMALL, VALUES_EXTREME } value_kind;

enum { SMALL_VALUE = 4 };

static value_kind pick_values(test_rng *r)
{
    return chance(r, 10) ? VALUES_EXTREME : chance(r, 20) ? VALUES_SMALL : VALUES_RANDOM;
}

static int8_t *random_tensor(test_rng *r, size_t n, value_kind kind)
{
    int8_t *t = xmalloc(n);
    for (size_t i = 0; i < n; i++)
        t[i] = (int8_t)(kind == VALUES_EXTREME ? (chance(r, 50) ? ACT_MIN : ACT_MAX)
                        : kind == VALUES_SMALL ? rr(r, -SMALL_VALUE, SMALL_VALUE)
                                               : rr(r, ACT_MIN, ACT_MAX));
    return t;
}

/* A clamp range: none, ReLU, ReLU6-like or arbitrary. */
static void random_act(test_rng *r, int out_zp, int *lo, int *hi)
{
    switch (rr(r, 0, 3)) {
    case 0: *lo = ACT_MIN; *hi = ACT_MAX; break;
    case 1: *lo = out_zp; *hi = ACT_MAX; break;
    case 2: {
        int top = out_zp + rr(r, 10, 100);
        *lo = out_zp;
        *hi = top > ACT_MAX ? ACT_MAX : top;
        break;
    }
    default:
        *lo = rr(r, ACT_MIN, ACT_MAX);
        *hi = rr(r, *lo, ACT_MAX);
        break;
    }
}

/* ---- DDR image and views --------------------------------------------------------------- */

/* An h x w x c box of an HWC tensor in DDR: channel ch of pixel (y, x) is byte
 * base + y*rs + x*ps + ch. */
typedef struct hwc_view {
    size_t base;
    uint32_t c, h, w;
    size_t ps, rs;
} hwc_view;

/* Next free DDR offset, after a random gap so regions do not always abut. */
static size_t ddr_take(test_rng *r, size_t *cursor, size_t bytes)
{
    size_t at = *cursor + (size_t)rr(r, 0, 15);
    *cursor = at + bytes;
    return at;
}

/* A tensor of total_c channels in DDR, viewed at channel offset c_off with c channels. */
static hwc_view layout_view(test_rng *r, size_t *cursor, uint32_t c, uint32_t h, uint32_t w,
                            uint32_t total_c, uint32_t c_off)
{
    hwc_view v = {0, c, h, w, 0, 0};
    v.ps = total_c + (chance(r, 30) ? (size_t)rr(r, 1, 3) : 0);
    v.rs = w * v.ps + (chance(r, 30) ? (size_t)rr(r, 1, 9) : 0);
    v.base = ddr_take(r, cursor, h * v.rs) + c_off;
    return v;
}

static size_t view_offset(const hwc_view *v, uint32_t ch, uint32_t y, uint32_t x)
{
    return v->base + y * v->rs + x * v->ps + ch;
}

/* Write an NCHW tensor (v->c channels) into the view. */
static void put_tensor(uint8_t *img, const hwc_view *v, const int8_t *t)
{
    for (uint32_t ch = 0; ch < v->c; ch++)
        for (uint32_t y = 0; y < v->h; y++)
            for (uint32_t x = 0; x < v->w; x++)
                img[view_offset(v, ch, y, x)] = (uint8_t)t[((size_t)ch * v->h + y) * v->w + x];
}

/* Tensor position of DDR byte off inside the view, if it is one of its bytes. */
static int view_locate(const hwc_view *v, size_t off, uint32_t *ch, uint32_t *y, uint32_t *x)
{
    if (off < v->base)
        return 0;
    size_t rel = off - v->base;
    *y = (uint32_t)(rel / v->rs);
    *x = (uint32_t)(rel % v->rs / v->ps);
    *ch = (uint32_t)(rel % v->rs % v->ps);
    return *y < v->h && *x < v->w && *ch < v->c;
}

/* ---- Harness: an arch and an open engine per backend -------------------------------------- */

typedef struct harness {
    const char *arch_name;
    odpu_arch arch;
    odpu_isa_limits lim;
    uint32_t R, C;
    engine_list list;
    engine_runner *eng[ENGINE_MAX_BACKENDS];
} harness;

static void harness_open(harness *h, const char *arch_name)
{
    memset(h, 0, sizeof *h);
    odpu_err err;
    h->arch_name = arch_name;
    ck_assert_msg(odpu_arch_load(test_arch_path(arch_name), &h->arch, &err) == ODPU_OK, "%s", err.msg);
    odpu_arch_limits(&h->arch, &h->lim);
    h->R = h->lim.rows;
    h->C = h->lim.cols;
    engine_backends(&h->list);
    ck_assert_msg(h->list.count > 0, "ODPU_TEST_BACKENDS names no backend");
    for (size_t i = 0; i < h->list.count; i++)
        ck_assert_msg(engine_open(h->list.names[i], &h->arch, &h->eng[i], &err) == ODPU_OK,
                      "backend %s on %s: %s", h->list.names[i], arch_name, err.msg);
}

static void harness_close(harness *h)
{
    for (size_t i = 0; i < h->list.count; i++)
        engine_close(h->eng[i]);
}

static uint32_t depth(const harness *h, odpu_buf_id buf)
{
    return h->lim.buf_words[buf];
}

/* Word addresses for tiles of the given sizes, in order, non-overlapping, inside a buffer
 * of `words` words; sometimes pushed to the very end of the buffer. 0 if they do not fit. */
static int place_tiles(test_rng *r, uint32_t words, size_t n, const uint32_t *sizes, uint32_t *addr)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += sizes[i];
    if (total > words)
        return 0;
    uint32_t slack = (uint32_t)(words - total);
    uint32_t cur = 0;
    int at_end = chance(r, 20);
    for (size_t i = 0; i < n; i++) {
        uint32_t gap = at_end ? (i == 0 ? slack : 0) : (slack ? (uint32_t)rr(r, 0, (int)(slack / (n - i))) : 0);
        slack -= gap;
        addr[i] = cur + gap;
        cur = addr[i] + sizes[i];
    }
    return 1;
}

/* ---- Instructions -------------------------------------------------------------------- */

static odpu_insn insn_of(odpu_opcode op)
{
    odpu_insn insn;
    memset(&insn, 0, sizeof insn);
    insn.opcode = op;
    return insn;
}

static void append(odpu_stream *s, odpu_insn insn, int flags)
{
    insn.deps.pop_prev = (flags & POP_PREV) != 0;
    insn.deps.pop_next = (flags & POP_NEXT) != 0;
    insn.deps.push_prev = (flags & PUSH_PREV) != 0;
    insn.deps.push_next = (flags & PUSH_NEXT) != 0;
    odpu_stream_append(s, &insn);
}

static odpu_insn load_act(odpu_buf_id buf, const hwc_view *v, uint32_t buf_addr)
{
    odpu_insn insn = insn_of(ODPU_OP_LOAD);
    odpu_load *l = &insn.u.load;
    l->buf = buf;
    l->ddr_addr = (uint32_t)v->base;
    l->buf_addr = buf_addr;
    l->h = v->h;
    l->w = v->w;
    l->c = v->c;
    l->pixel_stride = (uint32_t)v->ps;
    l->row_stride = (uint32_t)v->rs;
    return insn;
}

static odpu_insn load_lin(odpu_buf_id buf, size_t ddr_addr, uint32_t buf_addr, uint32_t len)
{
    odpu_insn insn = insn_of(ODPU_OP_LOAD);
    insn.u.load.buf = buf;
    insn.u.load.ddr_addr = (uint32_t)ddr_addr;
    insn.u.load.buf_addr = buf_addr;
    insn.u.load.len = len;
    return insn;
}

static odpu_insn save_act(odpu_buf_id buf, const hwc_view *v, uint32_t buf_addr)
{
    odpu_insn insn = insn_of(ODPU_OP_SAVE);
    odpu_save *s = &insn.u.save;
    s->buf = buf;
    s->ddr_addr = (uint32_t)v->base;
    s->buf_addr = buf_addr;
    s->h = v->h;
    s->w = v->w;
    s->c = v->c;
    s->pixel_stride = (uint32_t)v->ps;
    s->row_stride = (uint32_t)v->rs;
    return insn;
}

static odpu_insn nop(odpu_engine engine)
{
    odpu_insn insn = insn_of(ODPU_OP_NOP);
    insn.u.nop.engine = engine;
    return insn;
}

/* ---- Running and comparing ---------------------------------------------------------------- */

typedef struct test_case {
    char desc[DESC_MAX];
    uint8_t *image;  /* DDR before the run */
    uint8_t *expect; /* DDR after it, per the naive model */
    size_t size;
    odpu_stream stream;
    hwc_view out;    /* the main output, for naming mismatching bytes */
    int index;       /* number of the case in its loop (engine_runs_case) */
} test_case;

/* A DDR window of `size` random bytes. */
static void case_alloc_image(test_case *tc, test_rng *r, size_t size)
{
    tc->size = size;
    tc->image = xmalloc(tc->size);
    tc->expect = xmalloc(tc->size);
    test_rng_bytes(r, tc->image, tc->size);
}

/* Call once every input is in the image: the expected image starts as a copy. */
static void case_snapshot(test_case *tc)
{
    memcpy(tc->expect, tc->image, tc->size);
}

static void case_free(test_case *tc)
{
    free(tc->image);
    free(tc->expect);
    odpu_stream_free(&tc->stream);
}

/* Test streams must be valid (docs/isa.md section 7): only on those must every engine agree. */
static void validate_case(const harness *h, const test_case *tc)
{
    odpu_err err;
    ck_assert_msg(odpu_stream_status(&tc->stream, &err) == ODPU_OK, "%s: building the stream: %s",
                  tc->desc, err.msg);
    odpu_ddr_layout layout = {tc->size, 0, 0};
    odpu_rule rule;
    size_t index;
    ck_assert_msg(odpu_stream_validate(tc->stream.bytes, tc->stream.n_insns, &h->lim, &layout, &rule,
                                       &index, &err) == ODPU_OK,
                  "%s: the test's own stream is invalid: %s", tc->desc, err.msg);
}

static void report_mismatch(const test_case *tc, const char *engine, const uint8_t *got, size_t off)
{
    uint32_t ch, y, x;
    if (view_locate(&tc->out, off, &ch, &y, &x))
        ck_abort_msg("%s [%s]: output (ch %u, y %u, x %u) at DDR byte %zu: engine %d, expected %d",
                     tc->desc, engine, ch, y, x, off, (int8_t)got[off], (int8_t)tc->expect[off]);
    ck_abort_msg("%s [%s]: DDR byte %zu (not an output byte of the SAVE) is %d, expected %d",
                 tc->desc, engine, off, (int8_t)got[off], (int8_t)tc->expect[off]);
}

/* Runs the case on every backend; each must end with `want` at `want_index` (index only
 * checked for errors) and leave exactly the expected image. */
static void run_case_expect(const harness *h, const test_case *tc, odpu_hw_error want,
                            uint32_t want_index)
{
    uint8_t *ddr = xmalloc(tc->size);
    for (size_t e = 0; e < h->list.count; e++) {
        if (!engine_runs_case(h->eng[e], tc->index))
            continue;
        memcpy(ddr, tc->image, tc->size);
        engine_outcome out;
        odpu_err err;
        ck_assert_msg(engine_run(h->eng[e], tc->stream.bytes, tc->stream.n_insns, ddr, tc->size, &out,
                                 &err) == ODPU_OK,
                      "%s [%s]: %s", tc->desc, h->list.names[e], err.msg);
        ck_assert_msg(out.hw_error == want, "%s [%s]: engine ended with %s at instruction %u, expected %s",
                      tc->desc, h->list.names[e], odpu_hw_error_name(out.hw_error), out.err_index,
                      odpu_hw_error_name(want));
        if (want != ODPU_HW_OK)
            ck_assert_msg(out.err_index == want_index, "%s [%s]: %s at instruction %u, expected %u",
                          tc->desc, h->list.names[e], odpu_hw_error_name(want), out.err_index, want_index);
        else
            ck_assert_msg(out.insns_done == tc->stream.n_insns, "%s [%s]: %u instructions retired of %zu",
                          tc->desc, h->list.names[e], out.insns_done, tc->stream.n_insns);
        for (size_t i = 0; i < tc->size; i++)
            if (ddr[i] != tc->expect[i])
                report_mismatch(tc, h->list.names[e], ddr, i);
    }
    free(ddr);
}

static void run_case(const harness *h, const test_case *tc)
{
    validate_case(h, tc);
    run_case_expect(h, tc, ODPU_HW_OK, 0);
}

static uint64_t case_seed(uint64_t base, int arch, int index)
{
    return base ^ ((uint64_t)arch << 48) ^ ((uint64_t)(index + 1) * 0x9E3779B97F4A7C15ULL);
}

/* =========================================================================================
 * CONV
 * ========================================================================================= */

typedef struct conv_case {
    odpu_conv_mode mode;
    uint32_t in_c, out_c, groups, in_h, in_w, out_h, out_w, kh, kw;
    uint32_t sh, sw, dh, dw, pt, pb, pl, pr;
    int leaky, pot, in_zp, out_zp, act_min, act_max;
    value_kind values;
    uint32_t split; /* 0: one CONV; else CONV 1 takes input channels [0, split), CONV 2 the rest */
    uint32_t ph, pw; /* fused max pool window (1 x 1: none); out_h, out_w are its multiples */
} conv_case;

typedef struct chan_prm {
    int32_t bias, mult, shift, leaky;
} chan_prm;

static uint32_t conv_cg(const conv_case *k) { return k->in_c / k->groups; }
static uint32_t conv_mg(const conv_case *k) { return k->out_c / k->groups; }

static uint64_t conv_macs(const conv_case *k)
{
    return (uint64_t)k->out_h * k->out_w * k->out_c * k->kh * k->kw * conv_cg(k);
}

/* WBUF words of a weight tile with cg input channels per group (docs/isa.md section 2). */
static uint32_t conv_weight_words(const harness *h, const conv_case *k, uint32_t cg)
{
    if (k->mode == ODPU_CONV_DEPTHWISE)
        return cdiv(k->out_c, h->C) * cdiv(k->kh * k->kw, h->R);
    return cdiv(k->out_c, h->C) * cdiv(cg, h->R) * k->kh * k->kw;
}

static int pick_kernel(test_rng *r)
{
    return chance(r, 60) ? rr(r, 1, 3) : chance(r, 60) ? rr(r, 4, 7) : rr(r, 8, 11);
}

/* One spatial dimension: kernel, stride, dilation, pads, input and output sizes. */
static void gen_conv_dim(test_rng *r, uint32_t *k, uint32_t *s, uint32_t *d, uint32_t *p0,
                         uint32_t *p1, uint32_t *in, uint32_t *out)
{
    *k = (uint32_t)pick_kernel(r);
    *s = (uint32_t)(chance(r, 50) ? 1 : rr(r, 2, 4));
    *d = (uint32_t)(chance(r, 60) ? 1 : rr(r, 2, 3));
    uint32_t eff = (*k - 1) * *d + 1;
    *p0 = (uint32_t)(chance(r, 85) ? rr(r, 0, 3) : rr(r, 0, 15));
    *p1 = (uint32_t)(chance(r, 85) ? rr(r, 0, 3) : rr(r, 0, 15));
    int lo = (int)eff - (int)(*p0 + *p1);
    *in = (uint32_t)rr(r, lo < 1 ? 1 : lo, (int)eff + 10);
    uint32_t out_max = (*p0 + *in + *p1 - eff) / *s + 1;
    *out = chance(r, 75) ? out_max : (uint32_t)rr(r, 1, (int)out_max);
}

static void gen_conv_channels(test_rng *r, conv_case *k, int want_split)
{
    int wide = chance(r, 15);
    switch (k->mode) {
    case ODPU_CONV_STANDARD:
        k->groups = 1;
        k->in_c = (uint32_t)rr(r, want_split ? 2 : 1, wide ? 70 : 24);
        k->out_c = (uint32_t)rr(r, 1, wide ? 70 : 24);
        k->split = want_split ? (uint32_t)rr(r, 1, (int)k->in_c - 1) : 0;
        break;
    case ODPU_CONV_DEPTHWISE:
        k->groups = k->in_c = (uint32_t)rr(r, 1, wide ? 40 : 20); /* in_c 1 is depthwise too */
        k->out_c = k->in_c * (uint32_t)rr(r, 1, 4);
        break;
    case ODPU_CONV_GROUPED:
        k->groups = (uint32_t)rr(r, 2, 6);
        k->in_c = k->groups * (uint32_t)rr(r, 2, 9);
        k->out_c = k->groups * (uint32_t)rr(r, 1, 6);
        break;
    }
}

static int conv_fits(const harness *h, const conv_case *k)
{
    uint64_t pix_in = (uint64_t)k->in_h * k->in_w, pix_out = (uint64_t)k->out_h * k->out_w;
    uint64_t ibuf = k->split ? (cdiv(k->split, h->R) + cdiv(k->in_c - k->split, h->R)) * pix_in
                             : cdiv(k->in_c, h->R) * pix_in;
    uint64_t wbuf = k->split ? conv_weight_words(h, k, k->split) + conv_weight_words(h, k, k->in_c - k->split)
                             : conv_weight_words(h, k, conv_cg(k));
    return conv_macs(k) <= MAX_CASE_MACS && k->in_h <= 1023 && k->in_w <= 1023 &&
           ibuf <= depth(h, ODPU_BUF_IBUF) && wbuf <= depth(h, ODPU_BUF_WBUF) &&
           cdiv(k->out_c, h->C) <= depth(h, ODPU_BUF_PBUF) &&
           cdiv(k->out_c, h->C) * pix_out <= depth(h, ODPU_BUF_ABUF) &&
           cdiv(k->out_c, h->R) * pix_out <= depth(h, ODPU_BUF_OBUF);
}

/* A third of the cases pool their output (docs/isa.md, CONV fused max pooling): windows of 1..4
 * per axis, the output cut to whole windows (which keeps the window rule). */
static void gen_fused_pool(test_rng *r, conv_case *k)
{
    k->ph = k->pw = 1;
    if (!chance(r, 33))
        return;
    k->ph = (uint32_t)rr(r, 1, FUSED_POOL_MAX);
    k->pw = (uint32_t)rr(r, 1, FUSED_POOL_MAX);
    if (k->out_h < k->ph)
        k->ph = k->out_h;
    if (k->out_w < k->pw)
        k->pw = k->out_w;
    k->out_h -= k->out_h % k->ph;
    k->out_w -= k->out_w % k->pw;
}

static void gen_conv_case(test_rng *r, const harness *h, odpu_conv_mode mode, int want_split, conv_case *k)
{
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        memset(k, 0, sizeof *k);
        k->mode = mode;
        gen_conv_dim(r, &k->kh, &k->sh, &k->dh, &k->pt, &k->pb, &k->in_h, &k->out_h);
        gen_conv_dim(r, &k->kw, &k->sw, &k->dw, &k->pl, &k->pr, &k->in_w, &k->out_w);
        gen_conv_channels(r, k, want_split);
        if (!conv_fits(h, k))
            continue;
        k->leaky = chance(r, 25);
        k->pot = chance(r, 25);
        k->values = pick_values(r);
        int small = k->values == VALUES_SMALL;
        k->in_zp = small ? rr(r, -SMALL_VALUE, SMALL_VALUE) : rr(r, ACT_MIN, ACT_MAX);
        k->out_zp = small ? rr(r, -SMALL_VALUE, SMALL_VALUE) : rr(r, ACT_MIN, ACT_MAX);
        random_act(r, k->out_zp, &k->act_min, &k->act_max);
        gen_fused_pool(r, k);
        return;
    }
    ck_abort_msg("no CONV shape fits arch %s after %d attempts", h->arch_name, MAX_ATTEMPTS);
}

static void describe_conv(const conv_case *k, int index, uint64_t seed, const char *arch, char *out)
{
    static const char *const modes[] = {"standard", "depthwise", "grouped"};
    snprintf(out, DESC_MAX,
             "CONV case %d (seed 0x%llx, arch %s): %s in %ux%ux%u (CxHxW) out %ux%ux%u k %ux%u "
             "stride %u,%u dil %u,%u pad t%u b%u l%u r%u groups %u split %u leaky %d pot %d "
             "in_zp %d out_zp %d act [%d, %d] pool %ux%u%s",
             index, (unsigned long long)seed, arch, modes[k->mode], k->in_c, k->in_h, k->in_w, k->out_c,
             k->out_h, k->out_w, k->kh, k->kw, k->sh, k->sw, k->dh, k->dw, k->pt, k->pb, k->pl, k->pr,
             k->groups, k->split, k->leaky, k->pot, k->in_zp, k->out_zp, k->act_min, k->act_max, k->ph, k->pw,
             k->values == VALUES_EXTREME ? " extreme values" : k->values == VALUES_SMALL ? " small values" : "");
}

/* Parameters scaled so that typical accumulators land inside int8 (else every output
 * would clamp and the test would see little); some draws are arbitrary, including shifts
 * outside [-31, 31], which docs/isa.md says engines clamp. */
static void gen_params(test_rng *r, const conv_case *k, chan_prm *p)
{
    static const int32_t wild_shifts[] = {32, 40, 1000, INT32_MAX, -32, -100, INT32_MIN};
    uint64_t terms = (uint64_t)k->kh * k->kw * conv_cg(k);
    int base_shift = -6 - ilog2(terms) / 2;
    for (uint32_t o = 0; o < k->out_c; o++) {
        int32_t range = 4096 << (ilog2(terms) / 2);
        if (k->values == VALUES_SMALL) { /* output = acc * [0.5, 2): every unit shows */
            p[o].bias = rr(r, -SMALL_VALUE * SMALL_VALUE, SMALL_VALUE * SMALL_VALUE);
            p[o].mult = rr(r, 1 << 30, INT32_MAX);
            p[o].shift = rr(r, 0, 1);
            p[o].leaky = rr(r, 0, INT32_MAX);
            continue;
        }
        p[o].bias = k->values == VALUES_EXTREME && chance(r, 50)
                        ? (chance(r, 50) ? INT32_MAX - rr(r, 0, 1000) : INT32_MIN + rr(r, 0, 1000))
                        : rr(r, -range, range);
        p[o].mult = chance(r, 90) ? rr(r, 1 << 30, INT32_MAX) : random_i32(r);
        if (chance(r, 90))
            p[o].shift = base_shift + rr(r, -2, 2);
        else if (chance(r, 60))
            p[o].shift = rr(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
        else
            p[o].shift = wild_shifts[rr(r, 0, (int)(sizeof wild_shifts / sizeof wild_shifts[0]) - 1)];
        p[o].leaky = chance(r, 85) ? rr(r, 0, INT32_MAX) : random_i32(r);
    }
}

/* docs/isa.md section 6, output_stage, from the rounding primitives. */
static int8_t naive_output_stage(int32_t acc, const chan_prm *p, const conv_case *k)
{
    int32_t a = k->leaky && acc < 0 ? odpu_srdhm(acc, p->leaky) : acc;
    int shift = p->shift < -ODPU_SHIFT_MAX ? -ODPU_SHIFT_MAX : p->shift > ODPU_SHIFT_MAX ? ODPU_SHIFT_MAX : p->shift;
    int32_t scaled;
    if (k->pot)
        scaled = shift > 0 ? odpu_sat_shl(a, shift) : odpu_rdbpot(a, -shift);
    else
        scaled = odpu_rdbpot(odpu_srdhm(odpu_sat_shl(a, shift > 0 ? shift : 0), p->mult),
                             shift < 0 ? -shift : 0);
    int64_t v = (int64_t)scaled + k->out_zp;
    return (int8_t)(v < k->act_min ? k->act_min : v > k->act_max ? k->act_max : v);
}

/* The CONV formula of docs/isa.md section 5 over NCHW input and OIHW weights. */
static void naive_conv(const conv_case *k, const int8_t *in, const int8_t *w, const chan_prm *p,
                       int8_t *out)
{
    uint32_t cg = conv_cg(k), mg = conv_mg(k);
    for (uint32_t o = 0; o < k->out_c; o++)
        for (uint32_t oy = 0; oy < k->out_h; oy++)
            for (uint32_t ox = 0; ox < k->out_w; ox++) {
                uint32_t g = o / mg;
                int64_t acc = p[o].bias;
                for (uint32_t c = 0; c < cg; c++)
                    for (uint32_t ky = 0; ky < k->kh; ky++)
                        for (uint32_t kx = 0; kx < k->kw; kx++) {
                            int64_t iy = (int64_t)oy * k->sh - k->pt + (int64_t)ky * k->dh;
                            int64_t ix = (int64_t)ox * k->sw - k->pl + (int64_t)kx * k->dw;
                            int inside = iy >= 0 && iy < k->in_h && ix >= 0 && ix < k->in_w;
                            int x = inside ? in[(((size_t)g * cg + c) * k->in_h + (size_t)iy) * k->in_w + (size_t)ix]
                                           : k->in_zp;
                            acc += x * w[(((size_t)o * cg + c) * k->kh + ky) * k->kw + kx];
                        }
                out[((size_t)o * k->out_h + oy) * k->out_w + ox] = naive_output_stage(wrap32(acc), &p[o], k);
            }
}

/* The fused pool: out[o][py][px] = max over the ph x pw window of the CONV output (CHW). */
static void naive_max_pool(const conv_case *k, const int8_t *full, int8_t *out)
{
    uint32_t oh = k->out_h / k->ph, ow = k->out_w / k->pw;
    for (uint32_t o = 0; o < k->out_c; o++)
        for (uint32_t py = 0; py < oh; py++)
            for (uint32_t px = 0; px < ow; px++) {
                int8_t m = INT8_MIN;
                for (uint32_t y = py * k->ph; y < (py + 1) * k->ph; y++)
                    for (uint32_t x = px * k->pw; x < (px + 1) * k->pw; x++) {
                        int8_t v = full[((size_t)o * k->out_h + y) * k->out_w + x];
                        m = v > m ? v : m;
                    }
                out[((size_t)o * oh + py) * ow + px] = m;
            }
}

/* Weight tile bytes for input channels [c0, c0 + cn) of each group (docs/isa.md section
 * 2); `bytes` holds words * R * C random bytes, which the layout says must not matter. */
static void pack_weights(const harness *h, const conv_case *k, const int8_t *w, uint32_t c0,
                         uint32_t cn, uint8_t *bytes)
{
    uint32_t R = h->R, C = h->C, cg = conv_cg(k), word_bytes = R * C;
    for (uint32_t o = 0; o < k->out_c; o++)
        for (uint32_t c = 0; c < cn; c++)
            for (uint32_t ky = 0; ky < k->kh; ky++)
                for (uint32_t kx = 0; kx < k->kw; kx++) {
                    size_t word, byte;
                    if (k->mode == ODPU_CONV_DEPTHWISE) {
                        uint32_t t = ky * k->kw + kx;
                        word = (size_t)(o / C) * cdiv(k->kh * k->kw, R) + t / R;
                        byte = (size_t)(o % C) * R + t % R;
                    } else {
                        word = ((((size_t)o / C) * cdiv(cn, R) + c / R) * k->kh + ky) * k->kw + kx;
                        byte = (size_t)(o % C) * R + c % R;
                    }
                    bytes[word * word_bytes + byte] =
                        (uint8_t)w[(((size_t)o * cg + c0 + c) * k->kh + ky) * k->kw + kx];
                }
}

/* PBUF words: entry o%C of word o/C (docs/isa.md section 2, parameter entry). */
static void pack_params(const harness *h, const conv_case *k, const chan_prm *p, uint8_t *bytes)
{
    for (uint32_t o = 0; o < k->out_c; o++) {
        uint8_t *e = bytes + (size_t)(o / h->C) * h->C * PARAM_BYTES + (size_t)(o % h->C) * PARAM_BYTES;
        odpu_wr32(e + PARAM_BIAS, (uint32_t)p[o].bias);
        odpu_wr32(e + PARAM_MULT, (uint32_t)p[o].mult);
        odpu_wr32(e + PARAM_SHIFT, (uint32_t)p[o].shift);
        odpu_wr32(e + PARAM_LEAKY, (uint32_t)p[o].leaky);
    }
}

/* Buffer addresses of a CONV case. */
typedef struct conv_addrs {
    uint32_t ibuf[2], wbuf[2], pbuf, abuf, obuf;
} conv_addrs;

static void place_conv(test_rng *r, const harness *h, const conv_case *k, conv_addrs *a)
{
    uint32_t pix_in = k->in_h * k->in_w, pix_out = k->out_h * k->out_w;
    uint32_t c1 = k->split ? k->split : k->in_c, c2 = k->in_c - c1;
    uint32_t in_words[2] = {cdiv(c1, h->R) * pix_in, cdiv(c2, h->R) * pix_in};
    uint32_t w_words[2] = {conv_weight_words(h, k, k->split ? c1 : conv_cg(k)), k->split ? conv_weight_words(h, k, c2) : 0};
    size_t tiles = k->split ? 2 : 1;
    uint32_t p_words = cdiv(k->out_c, h->C), acc_words = cdiv(k->out_c, h->C) * pix_out;
    uint32_t out_words = cdiv(k->out_c, h->R) * (k->out_h / k->ph) * (k->out_w / k->pw);
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_IBUF), tiles, in_words, a->ibuf));
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_WBUF), tiles, w_words, a->wbuf));
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_PBUF), 1, &p_words, &a->pbuf));
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_ABUF), 1, &acc_words, &a->abuf));
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_OBUF), 1, &out_words, &a->obuf));
}

static odpu_insn conv_insn(const conv_case *k, const conv_addrs *a, int part, uint32_t in_c)
{
    odpu_insn insn = insn_of(ODPU_OP_CONV);
    odpu_conv *c = &insn.u.conv;
    c->mode = k->mode;
    c->leaky = (uint32_t)k->leaky;
    c->pot = (uint32_t)k->pot;
    c->acc_init = part == 0;
    c->acc_out = !k->split || part == 1;
    c->in_zp = k->in_zp;
    c->out_zp = k->out_zp;
    c->ibuf_addr = a->ibuf[part];
    c->wbuf_addr = a->wbuf[part];
    c->obuf_addr = a->obuf;
    c->abuf_addr = a->abuf;
    c->pbuf_addr = a->pbuf;
    c->in_h = k->in_h;
    c->in_w = k->in_w;
    c->out_h = k->out_h;
    c->out_w = k->out_w;
    c->kh = k->kh;
    c->kw = k->kw;
    c->pad_top = k->pt;
    c->pad_bottom = k->pb;
    c->pad_left = k->pl;
    c->pad_right = k->pr;
    c->in_c = in_c;
    c->out_c = k->out_c;
    c->groups = k->split ? 1 : k->groups;
    c->stride_h = k->sh;
    c->stride_w = k->sw;
    c->dil_h = k->dh;
    c->dil_w = k->dw;
    c->pool_h = c->acc_out ? k->ph : 1; /* pooling belongs to the output stage */
    c->pool_w = c->acc_out ? k->pw : 1;
    c->act_min = k->act_min;
    c->act_max = k->act_max;
    return insn;
}

/* Builds image, expectation and stream of one CONV case. */
static void build_conv_case(test_rng *r, const harness *h, const conv_case *k, test_case *tc)
{
    uint32_t cg = conv_cg(k), c1 = k->split ? k->split : k->in_c, c2 = k->in_c - c1;
    int8_t *in = random_tensor(r, (size_t)k->in_c * k->in_h * k->in_w, k->values);
    int8_t *w = random_tensor(r, (size_t)k->out_c * cg * k->kh * k->kw, k->values);
    chan_prm *p = xmalloc(k->out_c * sizeof *p);
    gen_params(r, k, p);
    conv_addrs a;
    place_conv(r, h, k, &a);

    /* DDR: input tensor (inside a wider one), weight tiles, params, output tensor. */
    size_t cursor = 0;
    uint32_t in_extra = (uint32_t)rr(r, 0, 3), in_off = (uint32_t)rr(r, 0, (int)in_extra);
    hwc_view vin = layout_view(r, &cursor, k->in_c, k->in_h, k->in_w, k->in_c + in_extra, in_off);
    hwc_view vin1 = vin, vin2 = vin;
    vin1.c = c1;
    vin2.c = c2;
    vin2.base += c1;
    uint32_t w_words[2] = {conv_weight_words(h, k, k->split ? c1 : cg), k->split ? conv_weight_words(h, k, c2) : 0};
    size_t word_bytes = (size_t)h->R * h->C;
    size_t w_at[2] = {ddr_take(r, &cursor, w_words[0] * word_bytes), ddr_take(r, &cursor, w_words[1] * word_bytes)};
    uint32_t p_words = cdiv(k->out_c, h->C);
    size_t p_at = ddr_take(r, &cursor, (size_t)p_words * h->C * PARAM_BYTES);
    /* SAVE sometimes with the channel count rounded up to whole words, which shows the
     * OBUF padding lanes (written 0). */
    uint32_t c_save = chance(r, 25) ? round_up(k->out_c, h->R) : k->out_c;
    uint32_t out_extra = (uint32_t)rr(r, 0, 4), out_off = (uint32_t)rr(r, 0, (int)out_extra);
    uint32_t oh = k->out_h / k->ph, ow = k->out_w / k->pw; /* what OBUF holds */
    tc->out = layout_view(r, &cursor, c_save, oh, ow, c_save + out_extra, out_off);
    case_alloc_image(tc, r, cursor + (size_t)rr(r, 0, DDR_SLACK));

    put_tensor(tc->image, &vin, in);
    if (k->split) {
        pack_weights(h, k, w, 0, c1, tc->image + w_at[0]);
        pack_weights(h, k, w, c1, c2, tc->image + w_at[1]);
    } else {
        pack_weights(h, k, w, 0, cg, tc->image + w_at[0]);
    }
    pack_params(h, k, p, tc->image + p_at);
    case_snapshot(tc);

    int8_t *full = xmalloc((size_t)k->out_c * k->out_h * k->out_w);
    int8_t *out = xmalloc((size_t)c_save * oh * ow);
    memset(out, 0, (size_t)c_save * oh * ow); /* padding lanes read back as 0 */
    naive_conv(k, in, w, p, full);
    naive_max_pool(k, full, out);
    put_tensor(tc->expect, &tc->out, out);
    free(full);

    odpu_stream *s = &tc->stream;
    append(s, load_act(ODPU_BUF_IBUF, k->split ? &vin1 : &vin, a.ibuf[0]), 0);
    if (k->split)
        append(s, load_act(ODPU_BUF_IBUF, &vin2, a.ibuf[1]), 0);
    append(s, load_lin(ODPU_BUF_WBUF, w_at[0], a.wbuf[0], w_words[0]), 0);
    if (k->split)
        append(s, load_lin(ODPU_BUF_WBUF, w_at[1], a.wbuf[1], w_words[1]), 0);
    append(s, load_lin(ODPU_BUF_PBUF, p_at, a.pbuf, p_words), PUSH_NEXT);
    append(s, conv_insn(k, &a, 0, c1), POP_PREV | (k->split ? 0 : PUSH_NEXT));
    if (k->split)
        append(s, conv_insn(k, &a, 1, c2), PUSH_NEXT);
    append(s, save_act(ODPU_BUF_OBUF, &tc->out, a.obuf), POP_PREV);
    append(s, insn_of(ODPU_OP_END), 0);
    free(in);
    free(w);
    free(p);
    free(out);
}

static void run_conv_cases(int arch, odpu_conv_mode mode, int split, uint64_t base_seed)
{
    harness h;
    harness_open(&h, ARCHS[arch]);
    for (int i = 0; i < CONV_CASES; i++) {
        uint64_t seed = case_seed(base_seed, arch, i);
        test_rng r;
        test_rng_seed(&r, seed);
        conv_case k;
        gen_conv_case(&r, &h, mode, split, &k);
        test_case tc;
        memset(&tc, 0, sizeof tc);
        tc.index = i;
        describe_conv(&k, i, seed, ARCHS[arch], tc.desc);
        build_conv_case(&r, &h, &k, &tc);
        run_case(&h, &tc);
        case_free(&tc);
    }
    harness_close(&h);
}

START_TEST(conv_standard)
{
    run_conv_cases(_i, ODPU_CONV_STANDARD, 0, 0xC0DE0001);
}
END_TEST

START_TEST(conv_depthwise)
{
    run_conv_cases(_i, ODPU_CONV_DEPTHWISE, 0, 0xC0DE0002);
}
END_TEST

START_TEST(conv_grouped)
{
    run_conv_cases(_i, ODPU_CONV_GROUPED, 0, 0xC0DE0003);
}
END_TEST

/* Input channels split over two CONVs accumulating in ABUF equal one CONV over all. */
START_TEST(conv_split_accumulates)
{
    run_conv_cases(_i, ODPU_CONV_STANDARD, 1, 0xC0DE0004);
}
END_TEST

/* =========================================================================================
 * POOL
 * ========================================================================================= */

typedef struct pool_case {
    odpu_pool_mode mode;
    int src_obuf;
    uint32_t c, in_h, in_w, out_h, out_w, kh, kw, sh, sw, pt, pb, pl, pr;
    int in_zp, out_zp, shift, act_min, act_max;
    int32_t mult;
} pool_case;

static int pool_is_global(const pool_case *p)
{
    return p->mode == ODPU_POOL_GLOBAL_MAX || p->mode == ODPU_POOL_GLOBAL_AVG;
}

static int pool_is_avg(const pool_case *p)
{
    return p->mode == ODPU_POOL_AVG || p->mode == ODPU_POOL_GLOBAL_AVG;
}

/* One spatial dimension of a windowed POOL that satisfies the window rule. */
static void gen_pool_dim(test_rng *r, uint32_t in_fixed, uint32_t *k, uint32_t *s, uint32_t *p0,
                         uint32_t *p1, uint32_t *in, uint32_t *out)
{
    *k = (uint32_t)(chance(r, 85) ? rr(r, 1, 5) : rr(r, 6, 12));
    *s = chance(r, 40) ? *k : (uint32_t)rr(r, 1, 4);
    uint32_t pmax = *k - 1 < 15 ? *k - 1 : 15;
    *p0 = (uint32_t)(chance(r, 50) ? 0 : rr(r, 0, (int)pmax));
    *p1 = (uint32_t)(chance(r, 50) ? 0 : rr(r, 0, (int)pmax));
    int lo = (int)*k - (int)(*p0 + *p1);
    *in = in_fixed ? in_fixed : (uint32_t)rr(r, lo < 1 ? 1 : lo, (int)*k + 12);
    if (*p0 + *in + *p1 < *k) { /* a fixed input too small for the window: pad it */
        uint32_t need = *k - *in; /* at most k - 1, so one side's pad suffices */
        *p1 = need < pmax ? need : pmax;
        *p0 = need - *p1;
    }
    uint32_t by_fit = (*p0 + *in + *p1 - *k) / *s + 1, by_valid = (*in + *p0 - 1) / *s + 1;
    uint32_t out_max = by_fit < by_valid ? by_fit : by_valid;
    *out = chance(r, 75) ? out_max : (uint32_t)rr(r, 1, (int)out_max);
}

static int pool_fits(const harness *h, const pool_case *p)
{
    uint64_t in_words = (uint64_t)cdiv(p->c, h->R) * p->in_h * p->in_w;
    uint64_t out_words = (uint64_t)cdiv(p->c, h->R) * p->out_h * p->out_w;
    uint64_t window = (uint64_t)p->kh * p->kw;
    if (p->in_h > 1023 || p->in_w > 1023 || p->out_h * p->out_w * window * p->c > MAX_CASE_MACS)
        return 0;
    if (p->src_obuf)
        return in_words + out_words <= depth(h, ODPU_BUF_OBUF);
    return in_words <= depth(h, ODPU_BUF_IBUF) && out_words <= depth(h, ODPU_BUF_OBUF);
}

/* Shapes for a mode; in_h/in_w/c fixed when non-zero (the chained ELEW test). */
static void gen_pool_case(test_rng *r, const harness *h, odpu_pool_mode mode, uint32_t c,
                          uint32_t in_h, uint32_t in_w, int src_obuf, pool_case *p)
{
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        memset(p, 0, sizeof *p);
        p->mode = mode;
        p->src_obuf = src_obuf >= 0 ? src_obuf : chance(r, 40);
        p->c = c ? c : (uint32_t)rr(r, 1, chance(r, 20) ? 70 : 24);
        if (pool_is_global(p)) {
            p->kh = p->kw = p->sh = p->sw = 1; /* encoded as 0: the window is the input */
            p->in_h = in_h ? in_h : (uint32_t)rr(r, 1, 20);
            p->in_w = in_w ? in_w : (uint32_t)rr(r, 1, 20);
            p->out_h = p->out_w = 1;
        } else {
            gen_pool_dim(r, in_h, &p->kh, &p->sh, &p->pt, &p->pb, &p->in_h, &p->out_h);
            gen_pool_dim(r, in_w, &p->kw, &p->sw, &p->pl, &p->pr, &p->in_w, &p->out_w);
        }
        uint64_t window = pool_is_global(p) ? (uint64_t)p->in_h * p->in_w : (uint64_t)p->kh * p->kw;
        if (!pool_fits(h, p))
            continue;
        if (pool_is_avg(p)) {
            p->in_zp = rr(r, ACT_MIN, ACT_MAX);
            p->out_zp = rr(r, ACT_MIN, ACT_MAX);
            p->mult = chance(r, 90) ? rr(r, 1 << 30, INT32_MAX) : random_i32(r);
            p->shift = chance(r, 90) ? -ilog2(window) + rr(r, -1, 1) : rr(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
            if (p->shift < -ODPU_SHIFT_MAX)
                p->shift = -ODPU_SHIFT_MAX;
        }
        random_act(r, p->out_zp, &p->act_min, &p->act_max);
        return;
    }
    ck_abort_msg("no POOL shape fits arch %s after %d attempts", h->arch_name, MAX_ATTEMPTS);
}

static void describe_pool(const pool_case *p, int index, uint64_t seed, const char *arch, char *out)
{
    static const char *const modes[] = {"max", "avg", "global max", "global avg"};
    snprintf(out, DESC_MAX,
             "POOL case %d (seed 0x%llx, arch %s): %s from %s in %ux%ux%u (CxHxW) out %ux%u k %ux%u "
             "stride %u,%u pad t%u b%u l%u r%u in_zp %d out_zp %d mult %d shift %d act [%d, %d]",
             index, (unsigned long long)seed, arch, modes[p->mode], p->src_obuf ? "OBUF" : "IBUF", p->c,
             p->in_h, p->in_w, p->out_h, p->out_w, p->kh, p->kw, p->sh, p->sw, p->pt, p->pb, p->pl,
             p->pr, p->in_zp, p->out_zp, p->mult, p->shift, p->act_min, p->act_max);
}

/* docs/isa.md section 5, POOL, over an NCHW tensor. */
static void naive_pool(const pool_case *p, const int8_t *in, int8_t *out)
{
    int global = pool_is_global(p);
    uint32_t kh = global ? p->in_h : p->kh, kw = global ? p->in_w : p->kw;
    for (uint32_t c = 0; c < p->c; c++)
        for (uint32_t oy = 0; oy < p->out_h; oy++)
            for (uint32_t ox = 0; ox < p->out_w; ox++) {
                int best = ACT_MIN - 1;
                int32_t sum = 0;
                for (uint32_t ky = 0; ky < kh; ky++)
                    for (uint32_t kx = 0; kx < kw; kx++) {
                        int64_t iy = (int64_t)oy * p->sh - p->pt + ky, ix = (int64_t)ox * p->sw - p->pl + kx;
                        if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                            continue;
                        int x = in[((size_t)c * p->in_h + (size_t)iy) * p->in_w + (size_t)ix];
                        best = x > best ? x : best;
                        sum += x - p->in_zp;
                    }
                int64_t v = pool_is_avg(p) ? (int64_t)odpu_mbqm(sum, p->mult, p->shift) + p->out_zp : best;
                out[((size_t)c * p->out_h + oy) * p->out_w + ox] =
                    (int8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
            }
}

static odpu_insn pool_insn(const pool_case *p, uint32_t src, uint32_t dst)
{
    odpu_insn insn = insn_of(ODPU_OP_POOL);
    odpu_pool *q = &insn.u.pool;
    q->mode = p->mode;
    q->src_buf = (uint32_t)p->src_obuf;
    q->in_zp = p->in_zp;
    q->out_zp = p->out_zp;
    q->src_addr = src;
    q->dst_addr = dst;
    q->in_h = p->in_h;
    q->in_w = p->in_w;
    q->c = p->c;
    q->kh = p->kh;
    q->kw = p->kw;
    q->out_h = p->out_h;
    q->out_w = p->out_w;
    q->pad_top = p->pt;
    q->pad_bottom = p->pb;
    q->pad_left = p->pl;
    q->pad_right = p->pr;
    q->stride_h = p->sh;
    q->stride_w = p->sw;
    q->shift = p->shift;
    q->mult = p->mult;
    q->act_min = p->act_min;
    q->act_max = p->act_max;
    return insn;
}

/* Source and destination addresses; distinct tiles when both are in OBUF. */
static void place_pool(test_rng *r, const harness *h, const pool_case *p, uint32_t *src, uint32_t *dst)
{
    uint32_t words[2] = {cdiv(p->c, h->R) * p->in_h * p->in_w, cdiv(p->c, h->R) * p->out_h * p->out_w};
    uint32_t addr[2];
    if (p->src_obuf) {
        int dst_first = chance(r, 50);
        uint32_t sizes[2] = {words[dst_first], words[!dst_first]};
        ck_assert(place_tiles(r, depth(h, ODPU_BUF_OBUF), 2, sizes, addr));
        *dst = addr[dst_first ? 0 : 1];
        *src = addr[dst_first ? 1 : 0];
        return;
    }
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_IBUF), 1, &words[0], src));
    ck_assert(place_tiles(r, depth(h, ODPU_BUF_OBUF), 1, &words[1], dst));
}

static void build_pool_case(test_rng *r, const harness *h, const pool_case *p, test_case *tc)
{
    int8_t *in = random_tensor(r, (size_t)p->c * p->in_h * p->in_w, pick_values(r));
    uint32_t src, dst;
    place_pool(r, h, p, &src, &dst);
    size_t cursor = 0;
    uint32_t in_extra = (uint32_t)rr(r, 0, 3), in_off = (uint32_t)rr(r, 0, (int)in_extra);
    hwc_view vin = layout_view(r, &cursor, p->c, p->in_h, p->in_w, p->c + in_extra, in_off);
    uint32_t c_save = chance(r, 25) ? round_up(p->c, h->R) : p->c;
    uint32_t out_extra = (uint32_t)rr(r, 0, 4), out_off = (uint32_t)rr(r, 0, (int)out_extra);
    tc->out = layout_view(r, &cursor, c_save, p->out_h, p->out_w, c_save + out_extra, out_off);
    case_alloc_image(tc, r, cursor + (size_t)rr(r, 0, DDR_SLACK));
    put_tensor(tc->image, &vin, in);
    case_snapshot(tc);
    int8_t *out = xmalloc((size_t)c_save * p->out_h * p->out_w);
    memset(out, 0, (size_t)c_save * p->out_h * p->out_w);
    naive_pool(p, in, out);
    put_tensor(tc->expect, &tc->out, out);

    odpu_buf_id src_buf = p->src_obuf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
    append(&tc->stream, load_act(src_buf, &vin, src), PUSH_NEXT);
    append(&tc->stream, pool_insn(p, src, dst), POP_PREV | PUSH_NEXT);
    append(&tc->stream, save_act(ODPU_BUF_OBUF, &tc->out, dst), POP_PREV);
    append(&tc->stream, insn_of(ODPU_OP_END), 0);
    free(in);
    free(out);
}

static void run_pool_cases(int arch, odpu_pool_mode mode, uint64_t base_seed)
{
    harness h;
    harness_open(&h, ARCHS[arch]);
    for (int i = 0; i < POOL_CASES; i++) {
        uint64_t seed = case_seed(base_seed, arch, i);
        test_rng r;
        test_rng_seed(&r, seed);
        pool_case p;
        gen_pool_case(&r, &h, mode, 0, 0, 0, -1, &p);
        test_case tc;
        memset(&tc, 0, sizeof tc);
        tc.index = i;
        describe_pool(&p, i, seed, ARCHS[arch], tc.desc);
        build_pool_case(&r, &h, &p, &tc);
        run_case(&h, &tc);
        case_free(&tc);
    }
    harness_close(&h);
}

START_TEST(pool_max)
{
    run_pool_cases(_i, ODPU_POOL_MAX, 0x9001);
}
END_TEST

START_TEST(pool_avg)
{
    run_pool_cases(_i, ODPU_POOL_AVG, 0x9002);
}
END_TEST

START_TEST(pool_global_max)
{
    run_pool_cases(_i, ODPU_POOL_GLOBAL_MAX, 0x9003);
}
END_TEST

START_TEST(pool_global_avg)
{
    run_pool_cases(_i, ODPU_POOL_GLOBAL_AVG, 0x9004);
}
END_TEST

/* =========================================================================================
 * ELEW
 * ========================================================================================= */

typedef enum in_place { SEPARATE, OUT_IS_A, OUT_IS_B } in_place;

typedef struct elew_case {
    uint32_t c, h, w;
    int a_obuf, b_obuf;
    in_place inplace;
    odpu_add_params p;
    int chain_pool; /* POOL the ELEW output from OBUF: its padding lanes must not leak */
} elew_case;

static void gen_add_params(test_rng *r, odpu_add_params *p)
{
    int realistic = chance(r, 60);
    p->a_zp = rr(r, ACT_MIN, ACT_MAX);
    p->b_zp = rr(r, ACT_MIN, ACT_MAX);
    p->out_zp = rr(r, ACT_MIN, ACT_MAX);
    p->left_shift = realistic ? 20 : rr(r, 0, 22);
    p->a_mult = realistic ? rr(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->b_mult = realistic ? rr(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->out_mult = realistic ? rr(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->a_shift = realistic ? rr(r, -3, 0) : rr(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p->b_shift = realistic ? rr(r, -3, 0) : rr(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p->out_shift = realistic ? rr(r, -22, -18) : rr(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    int lo, hi;
    random_act(r, p->out_zp, &lo, &hi);
    p->act_min = (int8_t)lo;
    p->act_max = (int8_t)hi;
}

/* docs/isa.md section 6, add_output, from the rounding primitives. */
static int8_t naive_add(int a, int b, const odpu_add_params *p)
{
    int32_t as = odpu_mbqm((a - p->a_zp) * (1 << p->left_shift), p->a_mult, p->a_shift);
    int32_t bs = odpu_mbqm((b - p->b_zp) * (1 << p->left_shift), p->b_mult, p->b_shift);
    int64_t sum = (int64_t)as + bs;
    int32_t s = sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : (int32_t)sum;
    int64_t v = (int64_t)odpu_mbqm(s, p->out_mult, p->out_shift) + p->out_zp;
    return (int8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
}

static void describe_elew(const elew_case *e, int index, uint64_t seed, const char *arch, char *out)
{
    static const char *const places[] = {"separate", "out=a", "out=b"};
    const odpu_add_params *p = &e->p;
    snprintf(out, DESC_MAX,
             "ELEW case %d (seed 0x%llx, arch %s): %ux%ux%u (CxHxW) a %s b %s %s zp %d/%d/%d L %d "
             "mult %d/%d/%d shift %d/%d/%d act [%d, %d]%s",
             index, (unsigned long long)seed, arch, e->c, e->h, e->w, e->a_obuf ? "OBUF" : "IBUF",
             e->b_obuf ? "OBUF" : "IBUF", places[e->inplace], p->a_zp, p->b_zp, p->out_zp, p->left_shift,
             p->a_mult, p->b_mult, p->out_mult, p->a_shift, p->b_shift, p->out_shift, p->act_min,
             p->act_max, e->chain_pool ? " then POOL from OBUF" : "");
}

/* Tiles of a, b, out (and a POOL destination) in their buffers. */
typedef struct elew_addrs {
    uint32_t a, b, out, pool_dst;
} elew_addrs;

static int place_elew(test_rng *r, const harness *h, const elew_case *e, uint32_t pool_words, elew_addrs *ad)
{
    uint32_t words = cdiv(e->c, h->R) * e->h * e->w;
    uint32_t *ibuf_tiles[3], *obuf_tiles[4];
    uint32_t ibuf_sizes[3], obuf_sizes[4];
    size_t ni = 0, no = 0;
    if (e->a_obuf) { obuf_tiles[no] = &ad->a; obuf_sizes[no++] = words; }
    else { ibuf_tiles[ni] = &ad->a; ibuf_sizes[ni++] = words; }
    if (e->b_obuf) { obuf_tiles[no] = &ad->b; obuf_sizes[no++] = words; }
    else { ibuf_tiles[ni] = &ad->b; ibuf_sizes[ni++] = words; }
    if (e->inplace == SEPARATE) { obuf_tiles[no] = &ad->out; obuf_sizes[no++] = words; }
    if (e->chain_pool) { obuf_tiles[no] = &ad->pool_dst; obuf_sizes[no++] = pool_words; }
    uint32_t iaddr[3], oaddr[4];
    if (!place_tiles(r, depth(h, ODPU_BUF_IBUF), ni, ibuf_sizes, iaddr) ||
        !place_tiles(r, depth(h, ODPU_BUF_OBUF), no, obuf_sizes, oaddr))
        return 0;
    for (size_t i = 0; i < ni; i++)
        *ibuf_tiles[i] = iaddr[i];
    for (size_t i = 0; i < no; i++)
        *obuf_tiles[i] = oaddr[i];
    if (e->inplace != SEPARATE)
        ad->out = e->inplace == OUT_IS_A ? ad->a : ad->b;
    return 1;
}

static odpu_insn elew_insn(const elew_case *e, const elew_addrs *ad, uint32_t len)
{
    odpu_insn insn = insn_of(ODPU_OP_ELEW);
    odpu_elew *x = &insn.u.elew;
    const odpu_add_params *p = &e->p;
    x->op = ODPU_ELEW_ADD;
    x->a_buf = (uint32_t)e->a_obuf;
    x->b_buf = (uint32_t)e->b_obuf;
    x->a_addr = ad->a;
    x->b_addr = ad->b;
    x->out_addr = ad->out;
    x->len = len;
    x->a_zp = p->a_zp;
    x->b_zp = p->b_zp;
    x->out_zp = p->out_zp;
    x->a_mult = p->a_mult;
    x->b_mult = p->b_mult;
    x->out_mult = p->out_mult;
    x->a_shift = p->a_shift;
    x->b_shift = p->b_shift;
    x->out_shift = p->out_shift;
    x->left_shift = (uint32_t)p->left_shift;
    x->act_min = p->act_min;
    x->act_max = p->act_max;
    return insn;
}

static void gen_elew_case(test_rng *r, const harness *h, elew_case *e, pool_case *pool, elew_addrs *ad)
{
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        memset(e, 0, sizeof *e);
        e->c = (uint32_t)rr(r, 1, chance(r, 20) ? 70 : 24);
        e->h = (uint32_t)rr(r, 1, 16);
        e->w = (uint32_t)rr(r, 1, 16);
        e->a_obuf = chance(r, 50);
        e->b_obuf = chance(r, 50);
        int place = rr(r, 0, 2);
        e->inplace = place == OUT_IS_A && e->a_obuf ? OUT_IS_A : place == OUT_IS_B && e->b_obuf ? OUT_IS_B : SEPARATE;
        e->chain_pool = chance(r, 25) && e->c % h->R != 0;
        gen_add_params(r, &e->p);
        uint32_t pool_words = 0;
        if (e->chain_pool) {
            gen_pool_case(r, h, (odpu_pool_mode)rr(r, 0, 3), e->c, e->h, e->w, 1, pool);
            pool_words = cdiv(pool->c, h->R) * pool->out_h * pool->out_w;
        }
        if (place_elew(r, h, e, pool_words, ad))
            return;
    }
    ck_abort_msg("no ELEW shape fits arch %s", h->arch_name);
}

static void build_elew_case(test_rng *r, const harness *h, const elew_case *e, const pool_case *pool,
                            const elew_addrs *ad, test_case *tc)
{
    size_t n = (size_t)e->c * e->h * e->w;
    int8_t *a = random_tensor(r, n, pick_values(r)), *b = random_tensor(r, n, pick_values(r));
    size_t cursor = 0;
    uint32_t extra = (uint32_t)rr(r, 0, 3), off = (uint32_t)rr(r, 0, (int)extra);
    hwc_view va = layout_view(r, &cursor, e->c, e->h, e->w, e->c + extra, off);
    hwc_view vb = layout_view(r, &cursor, e->c, e->h, e->w, e->c, 0);
    /* SAVE of the ELEW output rounded up to whole words shows the padding lanes, which
     * ELEW computes from LOAD's zeros: add_output(0, 0). */
    uint32_t out_c = e->chain_pool ? pool->c : e->c, out_h = e->chain_pool ? pool->out_h : e->h;
    uint32_t out_w = e->chain_pool ? pool->out_w : e->w;
    uint32_t c_save = chance(r, 30) ? round_up(out_c, h->R) : out_c;
    tc->out = layout_view(r, &cursor, c_save, out_h, out_w, c_save + (uint32_t)rr(r, 0, 2), 0);
    case_alloc_image(tc, r, cursor + (size_t)rr(r, 0, DDR_SLACK));
    put_tensor(tc->image, &va, a);
    put_tensor(tc->image, &vb, b);
    case_snapshot(tc);

    size_t n_save = (size_t)c_save * e->h * e->w;
    int8_t *sum = xmalloc(n_save > n ? n_save : n);
    int8_t pad_value = naive_add(0, 0, &e->p);
    for (size_t i = 0; i < n_save; i++)
        sum[i] = i < n ? naive_add(a[i], b[i], &e->p) : pad_value;
    if (e->chain_pool) {
        int8_t *pooled = xmalloc((size_t)c_save * pool->out_h * pool->out_w);
        memset(pooled, 0, (size_t)c_save * pool->out_h * pool->out_w);
        naive_pool(pool, sum, pooled);
        put_tensor(tc->expect, &tc->out, pooled);
        free(pooled);
    } else {
        put_tensor(tc->expect, &tc->out, sum);
    }

    odpu_stream *s = &tc->stream;
    uint32_t len = cdiv(e->c, h->R) * e->h * e->w;
    append(s, load_act(e->a_obuf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF, &va, ad->a), 0);
    append(s, load_act(e->b_obuf ? ODPU_BUF_OBUF : ODPU_BUF_IBUF, &vb, ad->b), PUSH_NEXT);
    if (e->chain_pool) {
        append(s, elew_insn(e, ad, len), POP_PREV);
        append(s, pool_insn(pool, ad->out, ad->pool_dst), PUSH_NEXT);
        append(s, save_act(ODPU_BUF_OBUF, &tc->out, ad->pool_dst), POP_PREV);
    } else {
        append(s, elew_insn(e, ad, len), POP_PREV | PUSH_NEXT);
        append(s, save_act(ODPU_BUF_OBUF, &tc->out, ad->out), POP_PREV);
    }
    append(s, insn_of(ODPU_OP_END), 0);
    free(a);
    free(b);
    free(sum);
}

START_TEST(elew_add)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    for (int i = 0; i < ELEW_CASES; i++) {
        uint64_t seed = case_seed(0xE1E00001, _i, i);
        test_rng r;
        test_rng_seed(&r, seed);
        elew_case e;
        pool_case pool;
        elew_addrs ad;
        gen_elew_case(&r, &h, &e, &pool, &ad);
        test_case tc;
        memset(&tc, 0, sizeof tc);
        tc.index = i;
        describe_elew(&e, i, seed, ARCHS[_i], tc.desc);
        if (e.chain_pool) {
            char pool_desc[DESC_MAX];
            describe_pool(&pool, i, seed, ARCHS[_i], pool_desc);
            size_t used = strlen(tc.desc);
            snprintf(tc.desc + used, DESC_MAX - used, "; %s", pool_desc);
        }
        build_elew_case(&r, &h, &e, &pool, &ad, &tc);
        run_case(&h, &tc);
        case_free(&tc);
    }
    harness_close(&h);
}
END_TEST

/* =========================================================================================
 * LOAD / SAVE
 * ========================================================================================= */

/* Two tensors loaded with strides and channel offsets, saved side by side into one wider
 * tensor (a Concat), through IBUF or OBUF; bytes of other channels and row gaps untouched. */
START_TEST(load_save_concat)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    for (int i = 0; i < MOVE_CASES; i++) {
        uint64_t seed = case_seed(0x10AD5A7E, _i, i);
        test_rng r;
        test_rng_seed(&r, seed);
        uint32_t hh = (uint32_t)rr(&r, 1, 12), ww = (uint32_t)rr(&r, 1, 12);
        uint32_t c1 = (uint32_t)rr(&r, 1, 40), c2 = (uint32_t)rr(&r, 1, 40);
        odpu_buf_id buf = chance(&r, 50) ? ODPU_BUF_OBUF : ODPU_BUF_IBUF;
        /* The first part's SAVE may round c up to whole words: its padding lanes read 0. */
        uint32_t s1 = chance(&r, 30) ? round_up(c1, h.R) : c1;
        uint32_t words[2] = {cdiv(c1, h.R) * hh * ww, cdiv(c2, h.R) * hh * ww}, addr[2];
        if (!place_tiles(&r, depth(&h, buf), 2, words, addr))
            continue;
        test_case tc;
        memset(&tc, 0, sizeof tc);
        tc.index = i;
        snprintf(tc.desc, DESC_MAX, "LOAD/SAVE case %d (seed 0x%llx, arch %s): %s %ux%u, parts of %u and %u "
                 "channels, first saved with %u",
                 i, (unsigned long long)seed, ARCHS[_i], odpu_buf_name(buf), hh, ww, c1, c2, s1);
        int8_t *t1 = random_tensor(&r, (size_t)c1 * hh * ww, VALUES_RANDOM), *t2 = random_tensor(&r, (size_t)c2 * hh * ww, VALUES_RANDOM);
        size_t cursor = 0;
        uint32_t x1 = (uint32_t)rr(&r, 0, 5), x2 = (uint32_t)rr(&r, 0, 5);
        hwc_view v1 = layout_view(&r, &cursor, c1, hh, ww, c1 + x1, (uint32_t)rr(&r, 0, (int)x1));
        hwc_view v2 = layout_view(&r, &cursor, c2, hh, ww, c2 + x2, (uint32_t)rr(&r, 0, (int)x2));
        uint32_t cat_off = (uint32_t)rr(&r, 0, 3), cat_c = s1 + c2 + cat_off + (uint32_t)rr(&r, 0, 3);
        hwc_view cat = layout_view(&r, &cursor, s1, hh, ww, cat_c, cat_off);
        hwc_view cat2 = cat;
        cat2.base += s1;
        cat2.c = c2;
        tc.out = cat;
        case_alloc_image(&tc, &r, cursor + (size_t)rr(&r, 0, DDR_SLACK));
        put_tensor(tc.image, &v1, t1);
        put_tensor(tc.image, &v2, t2);
        case_snapshot(&tc);
        int8_t *e1 = xmalloc((size_t)s1 * hh * ww);
        memset(e1, 0, (size_t)s1 * hh * ww);
        memcpy(e1, t1, (size_t)c1 * hh * ww);
        put_tensor(tc.expect, &cat, e1);
        put_tensor(tc.expect, &cat2, t2);
        append(&tc.stream, load_act(buf, &v1, addr[0]), 0);
        append(&tc.stream, load_act(buf, &v2, addr[1]), PUSH_NEXT);
        append(&tc.stream, nop(ODPU_ENGINE_COMPUTE), POP_PREV | PUSH_NEXT);
        append(&tc.stream, save_act(buf, &cat, addr[0]), POP_PREV);
        append(&tc.stream, save_act(buf, &cat2, addr[1]), 0);
        append(&tc.stream, insn_of(ODPU_OP_END), 0);
        run_case(&h, &tc);
        case_free(&tc);
        free(t1);
        free(t2);
        free(e1);
    }
    harness_close(&h);
}
END_TEST

/* =========================================================================================
 * Errors the engine reports (docs/isa.md section 8)
 * ========================================================================================= */

/* An image of random bytes and an empty stream. */
static void error_case(test_rng *r, test_case *tc, const char *what, size_t size)
{
    memset(tc, 0, sizeof *tc);
    snprintf(tc->desc, DESC_MAX, "%s", what);
    case_alloc_image(tc, r, size);
    case_snapshot(tc);
    tc->out = (hwc_view){size, 1, 1, 1, 1, 1};
}

/* A 1 x 1 pixel of R channels at ddr_addr. */
static hwc_view pixel_view(const harness *h, size_t ddr_addr)
{
    return (hwc_view){ddr_addr, h->R, 1, 1, h->R, h->R};
}

START_TEST(error_ddr_bounds)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    test_rng r;
    test_rng_seed(&r, 0xDD8);
    enum { WINDOW = 4096 };
    /* A SAVE that leaves the window is not issued, and nothing after it runs. */
    test_case tc;
    error_case(&r, &tc, "SAVE outside the DDR window", WINDOW);
    hwc_view src = pixel_view(&h, 0), good = pixel_view(&h, 64), bad = pixel_view(&h, WINDOW - 1);
    hwc_view after = pixel_view(&h, 128);
    append(&tc.stream, load_act(ODPU_BUF_IBUF, &src, 0), PUSH_NEXT);
    append(&tc.stream, nop(ODPU_ENGINE_COMPUTE), POP_PREV | PUSH_NEXT);
    append(&tc.stream, save_act(ODPU_BUF_IBUF, &good, 0), POP_PREV);
    append(&tc.stream, save_act(ODPU_BUF_IBUF, &bad, 0), 0);
    append(&tc.stream, save_act(ODPU_BUF_IBUF, &after, 0), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    memcpy(tc.expect + good.base, tc.image + src.base, h.R); /* only the good SAVE wrote */
    run_case_expect(&h, &tc, ODPU_HW_DDR_BOUNDS, 3);
    case_free(&tc);

    /* LOADs: a box whose last row leaves the window, and an address past it. */
    error_case(&r, &tc, "LOAD outside the DDR window", WINDOW);
    hwc_view tall = {WINDOW - 200, 1, 3, 1, 1, 100};
    hwc_view far = {0xFFFFFF00u, 1, 1, 1, 1, 1};
    append(&tc.stream, load_act(ODPU_BUF_IBUF, &src, 0), 0);
    append(&tc.stream, load_act(ODPU_BUF_IBUF, &tall, 0), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_DDR_BOUNDS, 1);
    case_free(&tc);
    error_case(&r, &tc, "LOAD far outside the DDR window", WINDOW);
    append(&tc.stream, load_act(ODPU_BUF_OBUF, &far, 0), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_DDR_BOUNDS, 0);
    case_free(&tc);
    error_case(&r, &tc, "linear LOAD past the end of the window", WINDOW);
    append(&tc.stream, load_lin(ODPU_BUF_WBUF, WINDOW - (size_t)h.R * h.C + 1, 0, 1), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_DDR_BOUNDS, 0);
    case_free(&tc);
    harness_close(&h);
}
END_TEST

START_TEST(error_illegal_insn)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    test_rng r;
    test_rng_seed(&r, 0x111);
    enum { WINDOW = 256, OPCODE_MASK = 0xF, RESERVED_WORD = 3 };
    static const uint8_t bad_opcodes[] = {0, 8, 9, 15};
    for (size_t i = 0; i < sizeof bad_opcodes; i++) {
        test_case tc;
        char what[64];
        snprintf(what, sizeof what, "opcode %u", bad_opcodes[i]);
        error_case(&r, &tc, what, WINDOW);
        append(&tc.stream, nop(ODPU_ENGINE_LOAD), 0);
        append(&tc.stream, nop(ODPU_ENGINE_LOAD), 0);
        append(&tc.stream, insn_of(ODPU_OP_END), 0);
        uint8_t *insn1 = tc.stream.bytes + ODPU_INSN_BYTES;
        insn1[0] = (uint8_t)((insn1[0] & ~OPCODE_MASK) | bad_opcodes[i]);
        if (bad_opcodes[i] == 0)
            memset(insn1, 0, ODPU_INSN_BYTES); /* zeroed memory never executes */
        run_case_expect(&h, &tc, ODPU_HW_ILLEGAL_INSN, 1);
        case_free(&tc);
    }
    /* A reserved bit set in an otherwise valid NOP. */
    test_case tc;
    error_case(&r, &tc, "reserved bit", WINDOW);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), 0);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    tc.stream.bytes[ODPU_INSN_BYTES + 4 * RESERVED_WORD] |= 1;
    run_case_expect(&h, &tc, ODPU_HW_ILLEGAL_INSN, 1);
    case_free(&tc);
    /* A field out of range: CONV groups that do not divide the channels. */
    error_case(&r, &tc, "CONV groups", WINDOW);
    odpu_insn conv = insn_of(ODPU_OP_CONV);
    conv.u.conv.mode = ODPU_CONV_GROUPED;
    conv.u.conv.in_h = conv.u.conv.in_w = conv.u.conv.out_h = conv.u.conv.out_w = 1;
    conv.u.conv.kh = conv.u.conv.kw = 1;
    conv.u.conv.stride_h = conv.u.conv.stride_w = conv.u.conv.dil_h = conv.u.conv.dil_w = 1;
    conv.u.conv.pool_h = conv.u.conv.pool_w = 1;
    conv.u.conv.in_c = 6;
    conv.u.conv.out_c = 4;
    conv.u.conv.groups = 3;
    conv.u.conv.acc_init = 1;
    conv.u.conv.act_min = ACT_MIN;
    conv.u.conv.act_max = ACT_MAX;
    append(&tc.stream, nop(ODPU_ENGINE_COMPUTE), 0);
    append(&tc.stream, conv, 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_ILLEGAL_INSN, 1);
    case_free(&tc);
    /* A flag naming a neighbour the engine does not have: LOAD has no prev. */
    error_case(&r, &tc, "dep-engine", WINDOW);
    append(&tc.stream, nop(ODPU_ENGINE_LOAD), POP_PREV);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_ILLEGAL_INSN, 0);
    case_free(&tc);
    harness_close(&h);
}
END_TEST

/* A pop on an empty queue: a real engine deadlocks and its watchdog fires. */
START_TEST(error_watchdog)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    test_rng r;
    test_rng_seed(&r, 0x3D06);
    enum { WINDOW = 256 };
    test_case tc;
    error_case(&r, &tc, "compute pops a token nobody pushed", WINDOW);
    append(&tc.stream, nop(ODPU_ENGINE_LOAD), 0);
    append(&tc.stream, nop(ODPU_ENGINE_COMPUTE), POP_PREV);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_WATCHDOG, 1);
    case_free(&tc);
    /* One token passes, the second pop of the same queue starves. */
    error_case(&r, &tc, "store pops twice after one push", WINDOW);
    append(&tc.stream, nop(ODPU_ENGINE_COMPUTE), PUSH_NEXT);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), POP_PREV);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), POP_PREV);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_WATCHDOG, 2);
    case_free(&tc);
    harness_close(&h);
}
END_TEST

START_TEST(error_no_end)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    test_rng r;
    test_rng_seed(&r, 0xE4D);
    enum { WINDOW = 256 };
    test_case tc;
    error_case(&r, &tc, "two NOPs and no END", WINDOW);
    append(&tc.stream, nop(ODPU_ENGINE_LOAD), 0);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), 0);
    run_case_expect(&h, &tc, ODPU_HW_NO_END, 2); /* ERR_INDEX = INSN_COUNT */
    case_free(&tc);
    error_case(&r, &tc, "empty stream", WINDOW);
    run_case_expect(&h, &tc, ODPU_HW_NO_END, 0);
    case_free(&tc);
    harness_close(&h);
}
END_TEST

START_TEST(error_buf_bounds)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    test_rng r;
    test_rng_seed(&r, 0xB0B);
    enum { WINDOW = 1 << 16 };
    test_case tc;
    /* Two pixels from the last IBUF word: the second is past the end. */
    error_case(&r, &tc, "activation LOAD past the end of IBUF", WINDOW);
    hwc_view two = {0, h.R, 1, 2, h.R, 2 * h.R};
    append(&tc.stream, load_act(ODPU_BUF_IBUF, &two, depth(&h, ODPU_BUF_IBUF) - 2), 0);
    append(&tc.stream, load_act(ODPU_BUF_IBUF, &two, depth(&h, ODPU_BUF_IBUF) - 1), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_BUF_BOUNDS, 1);
    case_free(&tc);
    error_case(&r, &tc, "linear LOAD past the end of PBUF", WINDOW);
    append(&tc.stream, load_lin(ODPU_BUF_PBUF, 0, depth(&h, ODPU_BUF_PBUF) - 1, 2), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_BUF_BOUNDS, 0);
    case_free(&tc);
    /* A SAVE from beyond OBUF is stopped before it writes a byte. */
    error_case(&r, &tc, "SAVE from past the end of OBUF", WINDOW);
    hwc_view one = pixel_view(&h, 0);
    append(&tc.stream, nop(ODPU_ENGINE_STORE), 0);
    append(&tc.stream, save_act(ODPU_BUF_OBUF, &one, depth(&h, ODPU_BUF_OBUF)), 0);
    append(&tc.stream, insn_of(ODPU_OP_END), 0);
    run_case_expect(&h, &tc, ODPU_HW_BUF_BOUNDS, 1);
    case_free(&tc);
    harness_close(&h);
}
END_TEST

/* =========================================================================================
 * The golden model's own API: what the HAL registers cannot show (rule, MAC count,
 * messages, single-instruction execution, raw buffers).
 * ========================================================================================= */

static odpu_ref *open_ref(const harness *h)
{
    odpu_ref *ref;
    odpu_err err;
    ck_assert_msg(odpu_ref_create(&h->lim, &ref, &err) == ODPU_OK, "%s", err.msg);
    return ref;
}

START_TEST(ref_result_fields)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    odpu_ref *ref = open_ref(&h);
    test_rng r;
    test_rng_seed(&r, case_seed(0xAE5, _i, 0));
    conv_case k;
    gen_conv_case(&r, &h, ODPU_CONV_STANDARD, 1, &k);
    test_case tc;
    memset(&tc, 0, sizeof tc);
    build_conv_case(&r, &h, &k, &tc);
    odpu_ref_result res;
    odpu_err err;
    ck_assert(odpu_ref_run(ref, tc.stream.bytes, tc.stream.n_insns, tc.image, tc.size, &res, &err) == ODPU_OK);
    ck_assert_int_eq(res.hw_error, ODPU_HW_OK);
    ck_assert_int_eq(res.rule, ODPU_RULE_NONE);
    ck_assert_uint_eq(res.insns_done, tc.stream.n_insns);
    ck_assert_uint_eq(res.macs, conv_macs(&k)); /* the two halves of the split add up */
    ck_assert(memcmp(tc.image, tc.expect, tc.size) == 0);

    /* Errors carry the rule and a message naming the instruction. */
    struct { const char *what; odpu_rule rule; odpu_hw_error hw; size_t index; } want[] = {
        {"pop on an empty queue", ODPU_RULE_DEP_UNDERFLOW, ODPU_HW_WATCHDOG, 1},
        {"illegal opcode", ODPU_RULE_OPCODE, ODPU_HW_ILLEGAL_INSN, 1},
        {"reserved bit", ODPU_RULE_RESERVED, ODPU_HW_ILLEGAL_INSN, 1},
        {"no END", ODPU_RULE_END, ODPU_HW_NO_END, 2},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        odpu_stream s;
        odpu_stream_init(&s);
        append(&s, nop(ODPU_ENGINE_LOAD), 0);
        append(&s, nop(ODPU_ENGINE_COMPUTE), want[i].rule == ODPU_RULE_DEP_UNDERFLOW ? POP_PREV : 0);
        if (want[i].rule != ODPU_RULE_END)
            append(&s, insn_of(ODPU_OP_END), 0);
        if (want[i].rule == ODPU_RULE_OPCODE)
            s.bytes[ODPU_INSN_BYTES] = 0xF;
        if (want[i].rule == ODPU_RULE_RESERVED)
            s.bytes[ODPU_INSN_BYTES + ODPU_INSN_BYTES - 1] = 0x80;
        ck_assert(odpu_ref_run(ref, s.bytes, s.n_insns, tc.image, tc.size, &res, &err) == ODPU_OK);
        ck_assert_msg(res.rule == want[i].rule && res.hw_error == want[i].hw && res.err_index == want[i].index,
                      "%s: rule %s, %s at %zu", want[i].what, odpu_rule_name(res.rule),
                      odpu_hw_error_name(res.hw_error), res.err_index);
        ck_assert_msg(strstr(res.msg, odpu_rule_name(want[i].rule)) != NULL, "%s: message '%s'",
                      want[i].what, res.msg);
        ck_assert_uint_eq(res.insns_done, want[i].index == 2 ? 2 : 1);
        odpu_stream_free(&s);
    }
    case_free(&tc);
    odpu_ref_destroy(ref);
    harness_close(&h);
}
END_TEST

START_TEST(ref_exec_and_buffers)
{
    harness h;
    harness_open(&h, ARCHS[_i]);
    odpu_ref *ref = open_ref(&h);
    /* Buffer sizes: depth x word size of docs/isa.md section 2. */
    size_t word[ODPU_BUF_COUNT] = {h.R, h.R, (size_t)h.R * h.C, (size_t)h.C * PARAM_BYTES,
                                   (size_t)h.C * sizeof(int32_t)};
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        size_t bytes;
        ck_assert(odpu_ref_buffer(ref, (odpu_buf_id)b, &bytes) != NULL);
        ck_assert_uint_eq(bytes, (size_t)depth(&h, (odpu_buf_id)b) * word[b]);
    }
    /* One LOAD through odpu_ref_exec lands where the layout says, padding lanes zeroed. */
    uint8_t ddr[64];
    for (size_t i = 0; i < sizeof ddr; i++)
        ddr[i] = (uint8_t)(i + 1);
    hwc_view v = {0, h.R - 1 ? h.R - 1 : 1, 1, 2, h.R, 2 * h.R};
    odpu_insn load = load_act(ODPU_BUF_OBUF, &v, 3);
    odpu_err err;
    ck_assert_msg(odpu_ref_exec(ref, &load, ddr, sizeof ddr, &err) == ODPU_OK, "%s", err.msg);
    uint8_t *obuf = odpu_ref_buffer(ref, ODPU_BUF_OBUF, NULL);
    for (uint32_t x = 0; x < 2; x++)
        for (uint32_t lane = 0; lane < h.R; lane++)
            ck_assert_uint_eq(obuf[(3 + x) * h.R + lane], lane < v.c ? ddr[x * h.R + lane] : 0);
    /* A CONV writes its ABUF padding lanes 0 even with acc_out (docs/isa.md, CONV); the
     * DDR never shows them, so look at the buffer. Inputs are whatever the buffers hold. */
    odpu_insn conv = insn_of(ODPU_OP_CONV);
    odpu_conv *c = &conv.u.conv;
    c->in_h = c->in_w = c->out_h = c->out_w = c->kh = c->kw = 1;
    c->stride_h = c->stride_w = c->dil_h = c->dil_w = 1;
    c->pool_h = c->pool_w = 1;
    c->in_c = c->groups = 1;
    c->out_c = h.C > 1 ? h.C - 1 : 1;
    c->acc_init = c->acc_out = 1;
    c->act_min = ACT_MIN;
    c->act_max = ACT_MAX;
    size_t abuf_bytes;
    uint8_t *abuf = odpu_ref_buffer(ref, ODPU_BUF_ABUF, &abuf_bytes);
    memset(abuf, 0xA5, abuf_bytes);
    ck_assert_msg(odpu_ref_exec(ref, &conv, NULL, 0, &err) == ODPU_OK, "%s", err.msg);
    for (uint32_t lane = c->out_c; lane < h.C; lane++)
        ck_assert_uint_eq(odpu_rd32(abuf + (size_t)lane * sizeof(int32_t)), 0);
    /* A broken rule is an error naming it, and nothing is executed. */
    load.u.load.buf_addr = depth(&h, ODPU_BUF_OBUF) - 1;
    uint8_t before = obuf[(size_t)load.u.load.buf_addr * h.R];
    ck_assert_int_eq(odpu_ref_exec(ref, &load, ddr, sizeof ddr, &err), ODPU_E_INVALID);
    ck_assert_msg(strstr(err.msg, "buf-bounds") != NULL, "message '%s'", err.msg);
    ck_assert_uint_eq(obuf[(size_t)load.u.load.buf_addr * h.R], before);
    odpu_ref_destroy(ref);
    harness_close(&h);
}
END_TEST

static Suite *ref_ops_suite(void)
{
    enum { TIMEOUT_S = 600 }; /* hundreds of cases; much slower under sanitizers or in RTL */
    Suite *s = suite_create("ref_ops");
    TCase *conv = tcase_create("conv");
    tcase_set_timeout(conv, TIMEOUT_S);
    tcase_add_loop_test(conv, conv_standard, 0, N_ARCHS);
    tcase_add_loop_test(conv, conv_depthwise, 0, N_ARCHS);
    tcase_add_loop_test(conv, conv_grouped, 0, N_ARCHS);
    tcase_add_loop_test(conv, conv_split_accumulates, 0, N_ARCHS);
    suite_add_tcase(s, conv);
    TCase *pool = tcase_create("pool");
    tcase_set_timeout(pool, TIMEOUT_S);
    tcase_add_loop_test(pool, pool_max, 0, N_ARCHS);
    tcase_add_loop_test(pool, pool_avg, 0, N_ARCHS);
    tcase_add_loop_test(pool, pool_global_max, 0, N_ARCHS);
    tcase_add_loop_test(pool, pool_global_avg, 0, N_ARCHS);
    suite_add_tcase(s, pool);
    TCase *elew = tcase_create("elew");
    tcase_set_timeout(elew, TIMEOUT_S);
    tcase_add_loop_test(elew, elew_add, 0, N_ARCHS);
    suite_add_tcase(s, elew);
    TCase *move = tcase_create("load_save");
    tcase_set_timeout(move, TIMEOUT_S);
    tcase_add_loop_test(move, load_save_concat, 0, N_ARCHS);
    suite_add_tcase(s, move);
    TCase *errors = tcase_create("errors");
    tcase_set_timeout(errors, TIMEOUT_S);
    tcase_add_loop_test(errors, error_ddr_bounds, 0, N_ARCHS);
    tcase_add_loop_test(errors, error_illegal_insn, 0, N_ARCHS);
    tcase_add_loop_test(errors, error_watchdog, 0, N_ARCHS);
    tcase_add_loop_test(errors, error_no_end, 0, N_ARCHS);
    tcase_add_loop_test(errors, error_buf_bounds, 0, N_ARCHS);
    suite_add_tcase(s, errors);
    TCase *api = tcase_create("ref_api");
    tcase_set_timeout(api, TIMEOUT_S);
    tcase_add_loop_test(api, ref_result_fields, 0, N_ARCHS);
    tcase_add_loop_test(api, ref_exec_and_buffers, 0, N_ARCHS);
    suite_add_tcase(s, api);
    return s;
}

ODPU_TEST_MAIN(ref_ops_suite)
