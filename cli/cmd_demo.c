/* cmd_demo.c - `opendpu demo`: the end-to-end path that exists today, shown on a small CNN.
 * Builds an INT8 network with random weights as a model file, runs it through runtime -> HAL
 * -> engine on many random images, and checks every output against plain C loops.
 *
 * Network (HWC int8): 16x16x3 -> CONV 3x3 pad 1 (8, ReLU) -> MAXPOOL 2x2 -> CONV 3x3 pad 1
 * (16, ReLU) -> global AVGPOOL -> CONV 1x1 (10) = 10 class scores. It fits the on-chip
 * buffers of every shipped arch without tiling; tiling is the compiler's job (front-end issue). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/arch.h"
#include "cli/commands.h"
#include "common/bytes.h"
#include "host/hal.h"
#include "host/model.h"
#include "host/runtime.h"
#include "isa/arith.h"
#include "isa/qparams.h"
#include "isa/stream.h"

enum {
    IN_H = 16, IN_W = 16, IN_C = 3,
    C1 = 8, C2 = 16, N_CLASSES = 10,
    POOL_K = 2,
    CONV_K = 3, CONV_PAD = 1,
    DEFAULT_IMAGES = 1000,
    DDR_ALIGN = 64,
    RUN_TIMEOUT_MS = 10000,
};

/* Quantization of the demo's activations (scale, zero point). */
#define IN_SCALE 0.02
#define IN_ZP (-20)
#define ACT_SCALE 0.05
#define ACT_ZP (-128) /* ReLU outputs are >= 0, so the whole int8 range is used for [0, max] */
#define OUT_SCALE 0.1
#define OUT_ZP 0
#define WEIGHT_RANGE 60  /* |w| <= 60 of 127: random weights, a plausible spread */
#define BIAS_RANGE 2000

/* One convolution layer in plain form: OIHW int8 weights, folded bias, requant params. */
typedef struct demo_conv {
    int in_c, out_c, k, pad;
    int8_t *w; /* [out_c][in_c][k][k] */
    odpu_chan_params *p;
    int32_t in_zp, out_zp;
    int8_t act_min, act_max;
} demo_conv;

typedef struct demo_net {
    demo_conv conv[3];
    int32_t gap_mult, gap_shift; /* global average pool: 1 / (h*w) with equal in/out scale */
} demo_net;

typedef struct demo_opts {
    const char *arch_path, *backend, *out_path;
    unsigned long seed;
    long images;
} demo_opts;

/* xorshift64: the demo must be reproducible from its seed on any machine. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int32_t random_range(uint64_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next_random(s) % (uint64_t)(hi - lo + 1));
}

static odpu_status make_conv(demo_conv *cv, int in_c, int out_c, int k, int pad, double in_scale,
                             int32_t in_zp, double out_scale, int32_t out_zp, int relu, uint64_t *rng,
                             odpu_err *err)
{
    *cv = (demo_conv){.in_c = in_c, .out_c = out_c, .k = k, .pad = pad, .in_zp = in_zp,
                      .out_zp = out_zp, .act_min = relu ? (int8_t)out_zp : INT8_MIN,
                      .act_max = INT8_MAX};
    size_t n = (size_t)out_c * in_c * k * k;
    cv->w = malloc(n);
    cv->p = calloc((size_t)out_c, sizeof *cv->p);
    if (!cv->w || !cv->p)
        return odpu_fail(err, ODPU_E_NOMEM, "demo: out of memory for weights");
    for (size_t i = 0; i < n; i++)
        cv->w[i] = (int8_t)random_range(rng, -WEIGHT_RANGE, WEIGHT_RANGE);
    /* Weight scale per channel chosen so the accumulator's spread maps to a useful output
     * range: about sqrt(taps) * |x| * |w| of accumulated magnitude spans the int8 range. */
    double taps = (double)in_c * k * k;
    for (int o = 0; o < out_c; o++) {
        double w_scale = out_scale * 64.0 / (sqrt(taps) * 64.0 * WEIGHT_RANGE * in_scale);
        int32_t sum_w = 0;
        for (size_t i = 0; i < (size_t)in_c * k * k; i++)
            sum_w += cv->w[(size_t)o * in_c * k * k + i];
        cv->p[o].bias = random_range(rng, -BIAS_RANGE, BIAS_RANGE) - in_zp * sum_w;
        odpu_status st = odpu_quantize_multiplier(in_scale * w_scale / out_scale, &cv->p[o].mult,
                                                  &cv->p[o].shift, err);
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}

static void free_net(demo_net *net)
{
    for (int i = 0; i < 3; i++) {
        free(net->conv[i].w);
        free(net->conv[i].p);
    }
}

static odpu_status make_net(demo_net *net, uint64_t seed, odpu_err *err)
{
    memset(net, 0, sizeof *net);
    uint64_t rng = seed ? seed : 1;
    odpu_status st = make_conv(&net->conv[0], IN_C, C1, CONV_K, CONV_PAD, IN_SCALE, IN_ZP, ACT_SCALE,
                               ACT_ZP, 1, &rng, err);
    if (st == ODPU_OK)
        st = make_conv(&net->conv[1], C1, C2, CONV_K, CONV_PAD, ACT_SCALE, ACT_ZP, ACT_SCALE, ACT_ZP, 1,
                       &rng, err);
    if (st == ODPU_OK)
        st = make_conv(&net->conv[2], C2, N_CLASSES, 1, 0, ACT_SCALE, ACT_ZP, OUT_SCALE, OUT_ZP, 0, &rng,
                       err);
    if (st == ODPU_OK) /* global average over the 8x8 map after the max pool */
        st = odpu_quantize_multiplier(1.0 / ((IN_H / POOL_K) * (IN_W / POOL_K)), &net->gap_mult,
                                      &net->gap_shift, err);
    return st;
}

/* ---- Independent reference: the network as plain loops over HWC arrays ---------------- */

static void ref_conv(const demo_conv *cv, const int8_t *in, int h, int w, int8_t *out)
{
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int o = 0; o < cv->out_c; o++) {
                int32_t acc = cv->p[o].bias;
                for (int ky = 0; ky < cv->k; ky++)
                    for (int kx = 0; kx < cv->k; kx++)
                        for (int c = 0; c < cv->in_c; c++) {
                            int iy = y - cv->pad + ky, ix = x - cv->pad + kx;
                            int32_t v = (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                            ? cv->in_zp
                                            : in[((size_t)iy * w + ix) * cv->in_c + c];
                            acc += v * cv->w[(((size_t)o * cv->in_c + c) * cv->k + ky) * cv->k + kx];
                        }
                out[((size_t)y * w + x) * cv->out_c + o] =
                    odpu_conv_output(acc, &cv->p[o], 0, 0, cv->out_zp, cv->act_min, cv->act_max);
            }
}

static void ref_forward(const demo_net *net, const int8_t *image, int8_t *scores)
{
    int8_t a1[IN_H * IN_W * C1], a2[(IN_H / POOL_K) * (IN_W / POOL_K) * C1];
    int8_t a3[(IN_H / POOL_K) * (IN_W / POOL_K) * C2], a4[C2];
    const int ph = IN_H / POOL_K, pw = IN_W / POOL_K;
    ref_conv(&net->conv[0], image, IN_H, IN_W, a1);
    for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++)
            for (int c = 0; c < C1; c++) {
                int8_t m = INT8_MIN;
                for (int ky = 0; ky < POOL_K; ky++)
                    for (int kx = 0; kx < POOL_K; kx++) {
                        int8_t v = a1[((size_t)(y * POOL_K + ky) * IN_W + x * POOL_K + kx) * C1 + c];
                        m = v > m ? v : m;
                    }
                a2[((size_t)y * pw + x) * C1 + c] = m;
            }
    ref_conv(&net->conv[1], a2, ph, pw, a3);
    for (int c = 0; c < C2; c++) {
        int32_t sum = 0;
        for (int i = 0; i < ph * pw; i++)
            sum += a3[(size_t)i * C2 + c] - ACT_ZP;
        a4[c] = odpu_avg_output(sum, net->gap_mult, net->gap_shift, ACT_ZP, INT8_MIN, INT8_MAX);
    }
    ref_conv(&net->conv[2], a4, 1, 1, scores);
}

/* ---- Compilation of the fixed network into a model file -------------------------------- */

/* Where everything lives: DDR offsets of constants and activations, buffer word addresses. */
typedef struct demo_plan {
    uint64_t w_off[3], p_off[3];
    uint32_t w_words[3], p_words[3], wbuf[3], pbuf[3];
    uint64_t consts_size;
    uint64_t in_off, act1_off, act2_off, act3_off, out_off, ddr_size;
} demo_plan;

static uint64_t align_up(uint64_t v) { return (v + DDR_ALIGN - 1) / DDR_ALIGN * DDR_ALIGN; }

static uint32_t weight_words(const demo_conv *cv, const odpu_arch *a)
{
    return odpu_ceil_div((uint32_t)cv->out_c, a->cols) * odpu_ceil_div((uint32_t)cv->in_c, a->rows) *
           (uint32_t)(cv->k * cv->k);
}

static void plan_memory(const demo_net *net, const odpu_arch *a, demo_plan *pl)
{
    uint64_t off = 0;
    uint32_t wbuf = 0, pbuf = 0;
    for (int i = 0; i < 3; i++) {
        pl->w_words[i] = weight_words(&net->conv[i], a);
        pl->p_words[i] = odpu_ceil_div((uint32_t)net->conv[i].out_c, a->cols);
        pl->w_off[i] = off;
        off = align_up(off + (uint64_t)pl->w_words[i] * a->buf[ODPU_BUF_WBUF].word_bytes);
        pl->p_off[i] = off;
        off = align_up(off + (uint64_t)pl->p_words[i] * a->buf[ODPU_BUF_PBUF].word_bytes);
        pl->wbuf[i] = wbuf;
        pl->pbuf[i] = pbuf;
        wbuf += pl->w_words[i];
        pbuf += pl->p_words[i];
    }
    pl->consts_size = off;
    pl->in_off = off;
    pl->act1_off = align_up(pl->in_off + IN_H * IN_W * IN_C);
    pl->act2_off = align_up(pl->act1_off + IN_H * IN_W * C1);
    pl->act3_off = align_up(pl->act2_off + (IN_H / POOL_K) * (IN_W / POOL_K) * C1);
    pl->out_off = align_up(pl->act3_off + C2);
    pl->ddr_size = align_up(pl->out_off + N_CLASSES);
}

/* Pack weights (docs/isa.md section 2, standard mode) and params into the constant image. */
static void pack_conv(const demo_conv *cv, const odpu_arch *a, uint8_t *wdst, uint8_t *pdst)
{
    uint32_t cb_n = odpu_ceil_div((uint32_t)cv->in_c, a->rows);
    for (int o = 0; o < cv->out_c; o++)
        for (int c = 0; c < cv->in_c; c++)
            for (int ky = 0; ky < cv->k; ky++)
                for (int kx = 0; kx < cv->k; kx++) {
                    uint32_t word = (((o / a->cols) * cb_n + c / a->rows) * cv->k + ky) * cv->k + kx;
                    uint32_t byte = (o % a->cols) * a->rows + c % a->rows;
                    wdst[(size_t)word * a->buf[ODPU_BUF_WBUF].word_bytes + byte] =
                        (uint8_t)cv->w[(((size_t)o * cv->in_c + c) * cv->k + ky) * cv->k + kx];
                }
    for (int o = 0; o < cv->out_c; o++) {
        uint8_t *e = pdst + (size_t)(o / a->cols) * a->buf[ODPU_BUF_PBUF].word_bytes +
                     (size_t)(o % a->cols) * ODPU_PARAM_ENTRY_BYTES;
        odpu_wr32(e, (uint32_t)cv->p[o].bias);
        odpu_wr32(e + 4, (uint32_t)cv->p[o].mult);
        odpu_wr32(e + 8, (uint32_t)cv->p[o].shift);
        odpu_wr32(e + 12, (uint32_t)cv->p[o].leaky_mult);
    }
}

static odpu_insn load_linear(odpu_buf_id buf, uint64_t ddr, uint32_t addr, uint32_t len)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = buf, .ddr_addr = (uint32_t)ddr, .buf_addr = addr, .len = len};
    return i;
}

static odpu_insn move_act(odpu_opcode op, odpu_buf_id buf, uint64_t ddr, uint32_t addr, int h, int w,
                          int c)
{
    odpu_insn i = {.opcode = op};
    odpu_load box = {.buf = buf, .ddr_addr = (uint32_t)ddr, .buf_addr = addr, .h = (uint32_t)h,
                     .w = (uint32_t)w, .c = (uint32_t)c, .pixel_stride = (uint32_t)c,
                     .row_stride = (uint32_t)(w * c)};
    if (op == ODPU_OP_LOAD) {
        i.u.load = box;
    } else {
        i.u.save = (odpu_save){.buf = box.buf, .ddr_addr = box.ddr_addr, .buf_addr = box.buf_addr,
                               .h = box.h, .w = box.w, .c = box.c, .pixel_stride = box.pixel_stride,
                               .row_stride = box.row_stride};
    }
    return i;
}

static odpu_insn conv_insn(const demo_conv *cv, int h, int w, uint32_t ibuf, uint32_t obuf, uint32_t abuf,
                           uint32_t wbuf, uint32_t pbuf)
{
    odpu_insn i = {.opcode = ODPU_OP_CONV};
    i.u.conv = (odpu_conv){.mode = ODPU_CONV_STANDARD, .acc_init = 1, .acc_out = 1, .in_zp = cv->in_zp,
                           .out_zp = cv->out_zp, .ibuf_addr = ibuf, .in_h = (uint32_t)h,
                           .in_w = (uint32_t)w, .kh = (uint32_t)cv->k, .kw = (uint32_t)cv->k,
                           .obuf_addr = obuf, .abuf_addr = abuf, .out_h = (uint32_t)h,
                           .out_w = (uint32_t)w, .wbuf_addr = wbuf, .pbuf_addr = pbuf,
                           .in_c = (uint32_t)cv->in_c, .out_c = (uint32_t)cv->out_c, .groups = 1,
                           .pad_top = (uint32_t)cv->pad, .pad_bottom = (uint32_t)cv->pad,
                           .pad_left = (uint32_t)cv->pad, .pad_right = (uint32_t)cv->pad,
                           .stride_h = 1, .stride_w = 1, .dil_h = 1, .dil_w = 1, .pool_h = 1, .pool_w = 1,
                           .act_min = cv->act_min, .act_max = cv->act_max};
    return i;
}

static odpu_insn with_deps(odpu_insn i, int pop_prev, int pop_next, int push_prev, int push_next)
{
    i.deps = (odpu_deps){(uint8_t)pop_prev, (uint8_t)pop_next, (uint8_t)push_prev, (uint8_t)push_next};
    return i;
}

/* A compute-engine NOP passes "the store engine finished writing DDR" on to the load engine,
 * which has no queue of its own to the store engine (docs/isa.md section 3). */
static odpu_insn store_to_load_relay(void)
{
    odpu_insn i = {.opcode = ODPU_OP_NOP};
    i.u.nop.engine = ODPU_ENGINE_COMPUTE;
    return with_deps(i, 0, 1, 1, 0);
}

/* Word addresses of the activation tiles: every tile has its own words, so no instruction
 * overwrites what another engine may still read (no write-after-read tokens needed). */
static uint32_t act_words(int h, int w, int c, const odpu_arch *a)
{
    return odpu_ceil_div((uint32_t)c, a->rows) * (uint32_t)(h * w);
}

static void emit_stream(const demo_net *net, const odpu_arch *a, const demo_plan *pl, odpu_stream *s)
{
    const int ph = IN_H / POOL_K, pw = IN_W / POOL_K;
    uint32_t i_in = 0, i_a1 = i_in + act_words(IN_H, IN_W, IN_C, a);
    uint32_t i_a2 = i_a1 + act_words(IN_H, IN_W, C1, a), i_a3 = i_a2 + act_words(ph, pw, C1, a);
    uint32_t o_c1 = 0, o_pool = o_c1 + act_words(IN_H, IN_W, C1, a);
    uint32_t o_c2 = o_pool + act_words(ph, pw, C1, a), o_gap = o_c2 + act_words(ph, pw, C2, a);
    uint32_t o_c3 = o_gap + act_words(1, 1, C2, a);
    uint32_t a_c1 = 0, a_c2 = odpu_ceil_div(C1, a->cols) * IN_H * IN_W;
    uint32_t a_c3 = a_c2 + odpu_ceil_div(C2, a->cols) * (uint32_t)(ph * pw);

    /* Layer 1: conv 3x3 + ReLU. */
    odpu_insn i;
    i = load_linear(ODPU_BUF_WBUF, pl->w_off[0], pl->wbuf[0], pl->w_words[0]);
    odpu_stream_append(s, &i);
    i = load_linear(ODPU_BUF_PBUF, pl->p_off[0], pl->pbuf[0], pl->p_words[0]);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_LOAD, ODPU_BUF_IBUF, pl->in_off, i_in, IN_H, IN_W, IN_C), 0, 0, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(conv_insn(&net->conv[0], IN_H, IN_W, i_in, o_c1, a_c1, pl->wbuf[0], pl->pbuf[0]), 1, 0, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_SAVE, ODPU_BUF_OBUF, pl->act1_off, o_c1, IN_H, IN_W, C1), 1, 0, 1, 0);
    odpu_stream_append(s, &i);
    i = store_to_load_relay();
    odpu_stream_append(s, &i);

    /* Layer 2: max pool 2x2 (IBUF -> OBUF). */
    i = with_deps(move_act(ODPU_OP_LOAD, ODPU_BUF_IBUF, pl->act1_off, i_a1, IN_H, IN_W, C1), 0, 1, 0, 1);
    odpu_stream_append(s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_POOL};
    i.u.pool = (odpu_pool){.mode = ODPU_POOL_MAX, .src_buf = ODPU_BUF_IBUF, .src_addr = i_a1,
                           .dst_addr = o_pool, .in_h = IN_H, .in_w = IN_W, .c = C1, .kh = POOL_K,
                           .kw = POOL_K, .stride_h = POOL_K, .stride_w = POOL_K, .out_h = (uint32_t)ph,
                           .out_w = (uint32_t)pw, .act_min = INT8_MIN, .act_max = INT8_MAX};
    i = with_deps(i, 1, 0, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_SAVE, ODPU_BUF_OBUF, pl->act2_off, o_pool, ph, pw, C1), 1, 0, 1, 0);
    odpu_stream_append(s, &i);
    i = store_to_load_relay();
    odpu_stream_append(s, &i);

    /* Layer 3: conv 3x3 + ReLU, then global average pool (OBUF -> OBUF). */
    i = load_linear(ODPU_BUF_WBUF, pl->w_off[1], pl->wbuf[1], pl->w_words[1]);
    odpu_stream_append(s, &i);
    i = load_linear(ODPU_BUF_PBUF, pl->p_off[1], pl->pbuf[1], pl->p_words[1]);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_LOAD, ODPU_BUF_IBUF, pl->act2_off, i_a2, ph, pw, C1), 0, 1, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(conv_insn(&net->conv[1], ph, pw, i_a2, o_c2, a_c2, pl->wbuf[1], pl->pbuf[1]), 1, 0, 0, 0);
    odpu_stream_append(s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_POOL};
    i.u.pool = (odpu_pool){.mode = ODPU_POOL_GLOBAL_AVG, .src_buf = ODPU_BUF_OBUF, .src_addr = o_c2,
                           .dst_addr = o_gap, .in_h = (uint32_t)ph, .in_w = (uint32_t)pw, .c = C2,
                           .kh = 1, .kw = 1, .stride_h = 1, .stride_w = 1, .out_h = 1, .out_w = 1,
                           .in_zp = ACT_ZP, .out_zp = ACT_ZP, .mult = net->gap_mult,
                           .shift = net->gap_shift, .act_min = INT8_MIN, .act_max = INT8_MAX};
    i = with_deps(i, 0, 0, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_SAVE, ODPU_BUF_OBUF, pl->act3_off, o_gap, 1, 1, C2), 1, 0, 1, 0);
    odpu_stream_append(s, &i);
    i = store_to_load_relay();
    odpu_stream_append(s, &i);

    /* Layer 4: the 1x1 classifier. */
    i = load_linear(ODPU_BUF_WBUF, pl->w_off[2], pl->wbuf[2], pl->w_words[2]);
    odpu_stream_append(s, &i);
    i = load_linear(ODPU_BUF_PBUF, pl->p_off[2], pl->pbuf[2], pl->p_words[2]);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_LOAD, ODPU_BUF_IBUF, pl->act3_off, i_a3, 1, 1, C2), 0, 1, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(conv_insn(&net->conv[2], 1, 1, i_a3, o_c3, a_c3, pl->wbuf[2], pl->pbuf[2]), 1, 0, 0, 1);
    odpu_stream_append(s, &i);
    i = with_deps(move_act(ODPU_OP_SAVE, ODPU_BUF_OBUF, pl->out_off, o_c3, 1, 1, N_CLASSES), 1, 0, 0, 0);
    odpu_stream_append(s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_END};
    odpu_stream_append(s, &i);
}

static odpu_status build_model(const demo_net *net, const odpu_arch *a, odpu_model *m, odpu_err *err)
{
    demo_plan pl;
    plan_memory(net, a, &pl);
    memset(m, 0, sizeof *m);
    m->version_major = ODPU_MODEL_VERSION_MAJOR;
    m->version_minor = ODPU_MODEL_VERSION_MINOR;
    snprintf(m->arch_name, sizeof m->arch_name, "%s", a->name);
    m->arch_fingerprint = a->fingerprint;
    m->ddr_size = pl.ddr_size;
    m->const_offset = 0;
    m->consts_size = pl.consts_size;
    m->consts = calloc(1, pl.consts_size);
    m->tensors = calloc(2, sizeof *m->tensors);
    m->meta = strdup("name=demo_cnn\nproducer=opendpu demo\n");
    if (!m->consts || !m->tensors || !m->meta)
        return odpu_fail(err, ODPU_E_NOMEM, "demo: out of memory building the model");
    for (int i = 0; i < 3; i++)
        pack_conv(&net->conv[i], a, m->consts + pl.w_off[i], m->consts + pl.p_off[i]);
    m->n_tensors = 2;
    m->tensors[0] = (odpu_tensor_desc){.name = "image", .role = ODPU_TENSOR_INPUT, .h = IN_H, .w = IN_W,
                                       .c = IN_C, .ddr_offset = pl.in_off, .pixel_stride = IN_C,
                                       .row_stride = IN_W * IN_C, .scale = (float)IN_SCALE,
                                       .zero_point = IN_ZP};
    m->tensors[1] = (odpu_tensor_desc){.name = "scores", .role = ODPU_TENSOR_OUTPUT, .h = 1, .w = 1,
                                       .c = N_CLASSES, .ddr_offset = pl.out_off,
                                       .pixel_stride = N_CLASSES, .row_stride = N_CLASSES,
                                       .scale = (float)OUT_SCALE, .zero_point = OUT_ZP};
    odpu_stream s;
    odpu_stream_init(&s);
    emit_stream(net, a, &pl, &s);
    odpu_status st = odpu_stream_status(&s, err);
    if (st != ODPU_OK) {
        odpu_stream_free(&s);
        return st;
    }
    m->insns = s.bytes; /* ownership moves to the model */
    m->n_insns = s.n_insns;
    return ODPU_OK;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run `images` random images through the engine and the plain loops; count exact matches. */
static odpu_status run_images(odpu_runtime *rt, const demo_net *net, const demo_opts *o, long *matches,
                              double *engine_seconds, odpu_run_stats *stats, int8_t *scores,
                              odpu_err *err)
{
    uint64_t rng = o->seed ^ 0xD1B54A32D192ED03ULL;
    int8_t image[IN_H * IN_W * IN_C], expect[N_CLASSES];
    const int8_t *inputs[1] = {image};
    int8_t *outputs[1] = {scores};
    *matches = 0;
    *engine_seconds = 0;
    for (long n = 0; n < o->images; n++) {
        for (size_t i = 0; i < sizeof image; i++)
            image[i] = (int8_t)random_range(&rng, INT8_MIN, INT8_MAX);
        double t0 = seconds_now();
        odpu_status st = odpu_runtime_run(rt, inputs, outputs, RUN_TIMEOUT_MS, stats, err);
        *engine_seconds += seconds_now() - t0;
        if (st != ODPU_OK)
            return odpu_err_prefix(err, "image %ld: ", n);
        ref_forward(net, image, expect);
        if (!memcmp(scores, expect, sizeof expect))
            (*matches)++;
        else if (*matches == n) /* report the first mismatch only */
            for (int c = 0; c < N_CLASSES; c++)
                if (scores[c] != expect[c]) {
                    fprintf(stderr, "opendpu demo: image %ld score %d: engine %d, reference %d\n", n, c,
                            scores[c], expect[c]);
                    break;
                }
    }
    return ODPU_OK;
}

/* The engine's output for the last image, as real numbers via the output tensor's scale. */
static void print_scores(const odpu_model *m, const int8_t *scores)
{
    const odpu_tensor_desc *t = &m->tensors[1];
    printf("  engine scores of the last image (dequantized):");
    for (int c = 0; c < N_CLASSES; c++)
        printf(" %.1f", t->scale * (scores[c] - t->zero_point));
    printf("\n");
}

static int parse_opts(int argc, char **argv, demo_opts *o)
{
    *o = (demo_opts){.arch_path = "arch/tiny.yaml", .backend = "ref", .out_path = NULL, .seed = 1,
                     .images = DEFAULT_IMAGES};
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(argv[i], "--arch") && next) {
            o->arch_path = argv[++i];
        } else if (!strcmp(argv[i], "--backend") && next) {
            o->backend = argv[++i];
        } else if (!strcmp(argv[i], "-o") && next) {
            o->out_path = argv[++i];
        } else if (!strcmp(argv[i], "--seed") && next) {
            o->seed = strtoul(argv[++i], &end, 10);
            if (!end || *end)
                return fprintf(stderr, "opendpu demo: --seed wants a number, got '%s'\n", argv[i]), 0;
        } else if (!strcmp(argv[i], "--images") && next) {
            o->images = strtol(argv[++i], &end, 10);
            if (!end || *end || o->images < 1)
                return fprintf(stderr, "opendpu demo: --images wants a positive number, got '%s'\n", argv[i]), 0;
        } else {
            fprintf(stderr, "opendpu demo: unknown or incomplete option '%s'\n"
                            "usage: opendpu demo [--arch ARCH.yaml] [--backend NAME] [--images N] [--seed N] [-o MODEL.odpu]\n",
                    argv[i]);
            return 0;
        }
    }
    return 1;
}

static int demo_fail(const odpu_err *err)
{
    fprintf(stderr, "opendpu demo: %s\n", err->msg);
    return 1;
}

static int demo_on_engine(const demo_opts *o, const odpu_arch *arch, const demo_net *net, odpu_model *m)
{
    odpu_err err = {0};
    odpu_hal *hal = NULL;
    odpu_runtime *rt = NULL;
    odpu_hal_options hopt = {.arch = arch};
    if (odpu_hal_open(o->backend, &hopt, &hal, &err) != ODPU_OK)
        return demo_fail(&err);
    int rc = 1;
    if (odpu_runtime_open(hal, m, &rt, &err) != ODPU_OK) {
        demo_fail(&err);
        goto out;
    }
    long matches = 0;
    double secs = 0;
    odpu_run_stats stats = {0};
    int8_t scores[N_CLASSES] = {0};
    if (run_images(rt, net, o, &matches, &secs, &stats, scores, &err) != ODPU_OK) {
        demo_fail(&err);
        goto out;
    }
    printf("ran %ld random images on backend '%s': %ld/%ld outputs equal the plain-C reference byte for byte\n",
           o->images, o->backend, matches, o->images);
    printf("  host wall time on the %s engine: %.3f s, %.0f images/s (%u instructions per image)\n",
           o->backend, secs, (double)o->images / secs, stats.insns_done);
    if (stats.cycles)
        printf("  simulated: %llu cycles per image at %u MHz\n", (unsigned long long)stats.cycles,
               arch->clock_mhz);
    else
        printf("  the '%s' engine is functional only: it counts no cycles (cycle-accurate FPS comes from sim)\n",
               o->backend);
    print_scores(m, scores);
    rc = matches == o->images ? 0 : 1;
out:
    odpu_runtime_close(rt);
    odpu_hal_close(hal);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    demo_opts o;
    if (!parse_opts(argc, argv, &o))
        return 2;
    odpu_err err = {0};
    odpu_arch arch;
    if (odpu_arch_load(o.arch_path, &arch, &err) != ODPU_OK)
        return demo_fail(&err);
    demo_net net;
    odpu_model m;
    memset(&m, 0, sizeof m);
    int rc = 1;
    if (make_net(&net, o.seed, &err) != ODPU_OK || build_model(&net, &arch, &m, &err) != ODPU_OK) {
        demo_fail(&err);
        goto out;
    }
    printf("opendpu demo: a 4-layer INT8 CNN (random weights, seed %lu) compiled for arch '%s' "
           "(%u x %u array, fingerprint %016llx)\n",
           o.seed, arch.name, arch.rows, arch.cols, (unsigned long long)arch.fingerprint);
    printf("  %zu instructions, %zu constant bytes, DDR window %llu bytes\n", m.n_insns, m.consts_size,
           (unsigned long long)m.ddr_size);
    if (o.out_path) {
        if (odpu_model_save(&m, o.out_path, &err) != ODPU_OK) {
            demo_fail(&err);
            goto out;
        }
        printf("  model written to %s (inspect it with: opendpu disasm %s)\n", o.out_path, o.out_path);
    }
    rc = demo_on_engine(&o, &arch, &net, &m);
out:
    odpu_model_free(&m);
    free_net(&net);
    return rc;
}
