/* bench_ref.c - throughput of the golden model's CONV (GMAC/s) on typical layer shapes.
 * `make bench` builds and runs it. Activations and weights are random bytes (CONV's
 * multiply-accumulate cost does not depend on them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/bytes.h"
#include "common/err.h"
#include "isa/isa.h"
#include "ref/ref.h"

/* A b512-like array with buffers deep enough for every shape below in one instruction. */
enum {
    BENCH_ROWS = 16,
    BENCH_COLS = 16,
    BENCH_ACT_WORDS = 1 << 16,
    BENCH_WBUF_WORDS = 1 << 13,
    BENCH_PBUF_WORDS = 64,
    BENCH_ABUF_WORDS = 1 << 15,
};

/* Each shape runs for at least this long so the timer's resolution does not matter. */
static const double BENCH_MIN_SECONDS = 0.3;

typedef struct bench_shape {
    const char *name;
    odpu_conv_mode mode;
    uint32_t in_hw, in_c, out_c, k, stride, dil, pad, groups;
} bench_shape;

static const bench_shape SHAPES[] = {
    {"mnist conv1 5x5 1->32 28x28", ODPU_CONV_STANDARD, 28, 1, 32, 5, 1, 1, 2, 1},
    {"mnist conv2 3x3 32->64 14x14", ODPU_CONV_STANDARD, 14, 32, 64, 3, 1, 1, 1, 1},
    {"3x3 64->64 28x28", ODPU_CONV_STANDARD, 28, 64, 64, 3, 1, 1, 1, 1},
    {"1x1 128->128 14x14", ODPU_CONV_STANDARD, 14, 128, 128, 1, 1, 1, 0, 1},
    {"3x3 s2 3->32 64x64 (first layer)", ODPU_CONV_STANDARD, 64, 3, 32, 3, 2, 1, 1, 1},
    {"3x3 dil2 32->32 28x28", ODPU_CONV_STANDARD, 28, 32, 32, 3, 1, 2, 2, 1},
    {"grouped 3x3 64->64 g4 28x28", ODPU_CONV_GROUPED, 28, 64, 64, 3, 1, 1, 1, 4},
    {"depthwise 3x3 64 28x28", ODPU_CONV_DEPTHWISE, 28, 64, 64, 3, 1, 1, 1, 64},
};

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static odpu_insn shape_insn(const bench_shape *s)
{
    odpu_insn insn;
    memset(&insn, 0, sizeof insn);
    insn.opcode = ODPU_OP_CONV;
    odpu_conv *c = &insn.u.conv;
    uint32_t out_hw = (s->in_hw + 2 * s->pad - (s->k - 1) * s->dil - 1) / s->stride + 1;
    c->mode = s->mode;
    c->acc_init = 1;
    c->acc_out = 1;
    c->in_zp = -3;
    c->out_zp = 5;
    c->in_h = c->in_w = s->in_hw;
    c->out_h = c->out_w = out_hw;
    c->kh = c->kw = s->k;
    c->stride_h = c->stride_w = s->stride;
    c->dil_h = c->dil_w = s->dil;
    c->pool_h = c->pool_w = 1;
    c->pad_top = c->pad_bottom = c->pad_left = c->pad_right = s->pad;
    c->in_c = s->in_c;
    c->out_c = s->out_c;
    c->groups = s->groups;
    c->act_min = -128;
    c->act_max = 127;
    return insn;
}

/* Random activations and weights; parameters as a quantizer would make them (normalized
 * multiplier, a right shift), so the output stage takes its usual branches. */
static void fill_buffers(odpu_ref *ref)
{
    enum { BIAS = 0, MULT = 4, SHIFT = 8, LEAKY = 12 }; /* PBUF entry byte offsets */
    static const int32_t BENCH_SHIFT = -9;
    unsigned seed = 12345;
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        size_t bytes;
        uint8_t *p = odpu_ref_buffer(ref, (odpu_buf_id)b, &bytes);
        for (size_t i = 0; i < bytes; i++) {
            seed = seed * 1103515245u + 12345u; /* any bytes will do */
            p[i] = (uint8_t)(seed >> 16);
        }
    }
    size_t bytes;
    uint8_t *pbuf = odpu_ref_buffer(ref, ODPU_BUF_PBUF, &bytes);
    for (size_t e = 0; e + ODPU_PARAM_ENTRY_BYTES <= bytes; e += ODPU_PARAM_ENTRY_BYTES) {
        odpu_wr32(pbuf + e + BIAS, (uint32_t)(e % 2048) - 1024u);
        odpu_wr32(pbuf + e + MULT, 0x60000000u + (uint32_t)e);
        odpu_wr32(pbuf + e + SHIFT, (uint32_t)BENCH_SHIFT);
        odpu_wr32(pbuf + e + LEAKY, 0);
    }
}

static int bench_shape_run(odpu_ref *ref, const bench_shape *s)
{
    odpu_insn insn = shape_insn(s);
    const odpu_conv *c = &insn.u.conv;
    double macs_per_run = (double)c->out_h * c->out_w * c->out_c * c->kh * c->kw * (c->in_c / c->groups);
    odpu_err err;
    long runs = 0;
    double t0 = now_seconds(), t = t0;
    while (t - t0 < BENCH_MIN_SECONDS) {
        if (odpu_ref_exec(ref, &insn, NULL, 0, &err) != ODPU_OK) {
            fprintf(stderr, "bench_ref: %s: %s\n", s->name, err.msg);
            return 1;
        }
        runs++;
        t = now_seconds();
    }
    printf("%-36s %8.2f MMAC/insn %8.2f GMAC/s\n", s->name, macs_per_run * 1e-6,
           macs_per_run * (double)runs / (t - t0) * 1e-9);
    return 0;
}

int main(void)
{
    odpu_isa_limits lim = {BENCH_ROWS, BENCH_COLS,
                           {BENCH_ACT_WORDS, BENCH_ACT_WORDS, BENCH_WBUF_WORDS, BENCH_PBUF_WORDS,
                            BENCH_ABUF_WORDS},
                           4};
    odpu_ref *ref;
    odpu_err err;
    if (odpu_ref_create(&lim, &ref, &err) != ODPU_OK) {
        fprintf(stderr, "bench_ref: %s\n", err.msg);
        return 1;
    }
    fill_buffers(ref);
    printf("golden model CONV throughput, one thread, array %dx%d\n", BENCH_ROWS, BENCH_COLS);
    int failed = 0;
    for (size_t i = 0; i < sizeof SHAPES / sizeof SHAPES[0]; i++)
        failed |= bench_shape_run(ref, &SHAPES[i]);
    odpu_ref_destroy(ref);
    return failed;
}
