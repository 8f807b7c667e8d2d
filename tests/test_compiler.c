/* test_compiler.c - the compiler against the INT8 reference executor: small random quantized
 * graphs of every layer type, sized so that tiling kicks in on the tiny (and b512) arch, are
 * compiled, validated, run on the ref engine through the runtime and compared byte for byte
 * with exec_i8. Large layers (224x224 inputs, 512 channels, a 4096-wide FC) compile and validate
 * on every arch; untileable layers, mismatched Concat quantization and missing q annotations
 * are errors naming the node. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "common/file.h"
#include "compiler/compiler.h"
#include "compiler/exec_i8.h"
#include "host/hal.h"
#include "host/runtime.h"
#include "tests/testutil.h"

enum { RUN_TIMEOUT_MS = 60000, MAX_IO = 4, MISMATCH_REPORTS = 5 };

/* ---- Building random quantized graphs ---------------------------------------------------------- */

typedef struct tg {
    odpu_graph g;
    test_rng rng;
    int n_named;
} tg;

static void tg_init(tg *t, uint64_t seed)
{
    odpu_graph_init(&t->g);
    test_rng_seed(&t->rng, seed);
    t->n_named = 0;
}

static float frand(tg *t, float lo, float hi)
{
    return lo + (hi - lo) * (float)(test_rng_next(&t->rng) >> 11) / (float)(UINT64_C(1) << 53);
}

static const char *fresh(tg *t, const char *base)
{
    static char name[64];
    snprintf(name, sizeof name, "%s_%d", base, t->n_named++);
    return name;
}

/* An activation tensor [1, c, h, w] with quantization (scale, zp). */
static int act(tg *t, const char *base, int c, int h, int w, float scale, int zp)
{
    int64_t dims[4] = {1, c, h, w};
    odpu_err err;
    int i = odpu_graph_add_tensor(&t->g, fresh(t, base), 4, dims, NULL, &err);
    ck_assert_msg(i >= 0, "%s", err.msg);
    t->g.tensors[i].q = (odpu_qparams){.valid = 1, .scale = scale, .zero_point = zp};
    return i;
}

static int input(tg *t, int c, int h, int w)
{
    int x = act(t, "input", c, h, w, 0.02f, test_rng_range(&t->rng, -20, 20));
    t->g.inputs = realloc(t->g.inputs, (size_t)(t->g.n_inputs + 1) * sizeof *t->g.inputs);
    t->g.inputs[t->g.n_inputs++] = x;
    return x;
}

static void output(tg *t, int x)
{
    t->g.outputs = realloc(t->g.outputs, (size_t)(t->g.n_outputs + 1) * sizeof *t->g.outputs);
    t->g.outputs[t->g.n_outputs++] = x;
}

static int dim(const tg *t, int x, int d) { return (int)t->g.tensors[x].dims[d]; }

typedef struct conv_spec {
    int out_c, kh, kw, stride, pad, dil, group;
    odpu_act act;
    float alpha, clip_hi;
    int pad_b, pad_r; /* extra bottom/right padding on top of pad */
} conv_spec;

/* A CONV with random weights and bias, per-channel weight scales and an output scale that keeps
 * the results spread over the int8 range. */
static int conv(tg *t, int x, conv_spec s)
{
    int in_c = dim(t, x, 1), h = dim(t, x, 2), w = dim(t, x, 3);
    int group = s.group ? s.group : 1, cg = in_c / group, dil = s.dil ? s.dil : 1, stride = s.stride ? s.stride : 1;
    int taps = cg * s.kh * s.kw;
    int64_t wd[4] = {s.out_c, cg, s.kh, s.kw}, bd[1] = {s.out_c};
    float *wv = malloc((size_t)s.out_c * taps * sizeof *wv), *bv = malloc((size_t)s.out_c * sizeof *bv);
    float *scales = malloc((size_t)s.out_c * sizeof *scales);
    ck_assert(wv && bv && scales);
    for (int o = 0; o < s.out_c; o++) {
        float m = 0;
        for (int i = 0; i < taps; i++) {
            float v = frand(t, -1, 1);
            wv[(size_t)o * taps + i] = v;
            m = fabsf(v) > m ? fabsf(v) : m;
        }
        scales[o] = m / 127.0f;
    }
    float s_in = t->g.tensors[x].q.scale;
    /* |x - zp| is about 70 on average; a sum of taps random-signed products grows as sqrt. */
    float s_out = s_in * 70.0f * 0.5f * sqrtf((float)taps) / 40.0f;
    for (int o = 0; o < s.out_c; o++)
        bv[o] = frand(t, -20, 20) * s_out;
    odpu_err err;
    /* The graph owns a constant's data: hand the buffer over rather than have it copied
     * (the 4096-wide FC has 10^8 weights). */
    int wt = odpu_graph_add_tensor(&t->g, fresh(t, "w"), 4, wd, NULL, &err);
    int bt = odpu_graph_add_tensor(&t->g, fresh(t, "b"), 1, bd, NULL, &err);
    ck_assert(wt >= 0 && bt >= 0);
    t->g.tensors[wt].data = wv;
    t->g.tensors[bt].data = bv;
    t->g.tensors[wt].q = (odpu_qparams){.valid = 1, .scale = 0, .ch_scales = scales, .n_ch_scales = s.out_c};
    int pb = s.pad + s.pad_b, pr = s.pad + s.pad_r;
    int oh = (h + s.pad + pb - dil * (s.kh - 1) - 1) / stride + 1;
    int ow = (w + s.pad + pr - dil * (s.kw - 1) - 1) / stride + 1;
    int y = act(t, "conv", s.out_c, oh, ow, s_out, s.act == ODPU_ACT_RELU ? -128 : test_rng_range(&t->rng, -10, 10));
    int ins[3] = {x, wt, bt};
    int n = odpu_graph_add_node(&t->g, ODPU_NODE_CONV, fresh(t, "conv"), ins, 3, &y, 1, &err);
    ck_assert_msg(n >= 0, "%s", err.msg);
    odpu_gnode *nd = &t->g.nodes[n];
    nd->a.kernel[0] = s.kh;
    nd->a.kernel[1] = s.kw;
    nd->a.stride[0] = nd->a.stride[1] = stride;
    nd->a.dilation[0] = nd->a.dilation[1] = dil;
    nd->a.pads[0] = nd->a.pads[1] = s.pad;
    nd->a.pads[2] = pb;
    nd->a.pads[3] = pr;
    nd->a.group = group;
    nd->act = s.act;
    nd->act_alpha = s.alpha;
    if (s.act == ODPU_ACT_CLIP) {
        nd->act_min = 0;
        nd->act_max = s.clip_hi;
    }
    return y;
}

typedef struct pool_spec {
    odpu_node_op op;
    int k, stride, pad, ceil_mode, count_include_pad;
    odpu_act act;
} pool_spec;

static int pool_out(int in, int k, int s, int p, int ceil_mode)
{
    int span = in + 2 * p - k;
    int out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (out - 1) * s >= in + p)
        out--;
    return out;
}

static int pool(tg *t, int x, pool_spec s)
{
    int c = dim(t, x, 1), h = dim(t, x, 2), w = dim(t, x, 3);
    const odpu_qparams *q = &t->g.tensors[x].q;
    int oh = 1, ow = 1;
    if (s.op != ODPU_NODE_GLOBAL_AVGPOOL) {
        oh = pool_out(h, s.k, s.stride, s.pad, s.ceil_mode);
        ow = pool_out(w, s.k, s.stride, s.pad, s.ceil_mode);
    }
    float scale = s.op == ODPU_NODE_MAXPOOL ? q->scale : q->scale * 0.7f;
    int zp = s.op == ODPU_NODE_MAXPOOL ? q->zero_point : q->zero_point + 3;
    int y = act(t, "pool", c, oh, ow, scale, zp);
    odpu_err err;
    int n = odpu_graph_add_node(&t->g, s.op, fresh(t, "pool"), &x, 1, &y, 1, &err);
    ck_assert_msg(n >= 0, "%s", err.msg);
    odpu_gnode *nd = &t->g.nodes[n];
    nd->a.kernel[0] = nd->a.kernel[1] = s.k;
    nd->a.stride[0] = nd->a.stride[1] = s.stride ? s.stride : 1;
    for (int i = 0; i < 4; i++)
        nd->a.pads[i] = s.pad;
    nd->a.ceil_mode = s.ceil_mode;
    nd->a.count_include_pad = s.count_include_pad;
    nd->act = s.act;
    return y;
}

static int add(tg *t, int a, int b, odpu_act a_act)
{
    const odpu_qparams *qa = &t->g.tensors[a].q;
    int y = act(t, "add", dim(t, a, 1), dim(t, a, 2), dim(t, a, 3), qa->scale * 1.3f, qa->zero_point / 2);
    int ins[2] = {a, b};
    odpu_err err;
    int n = odpu_graph_add_node(&t->g, ODPU_NODE_ADD, fresh(t, "add"), ins, 2, &y, 1, &err);
    ck_assert_msg(n >= 0, "%s", err.msg);
    t->g.nodes[n].act = a_act;
    return y;
}

/* Concat of n tensors that already share (scale, zp); the output gets the same. */
static int concat(tg *t, const int *xs, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        c += dim(t, xs[i], 1);
    const odpu_qparams *q = &t->g.tensors[xs[0]].q;
    int y = act(t, "cat", c, dim(t, xs[0], 2), dim(t, xs[0], 3), q->scale, q->zero_point);
    odpu_err err;
    int nd = odpu_graph_add_node(&t->g, ODPU_NODE_CONCAT, fresh(t, "concat"), xs, n, &y, 1, &err);
    ck_assert_msg(nd >= 0, "%s", err.msg);
    t->g.nodes[nd].a.axis = 1;
    return y;
}

/* Give tensor x the quantization of tensor ref (so they can be concatenated). */
static void same_q(tg *t, int x, int ref)
{
    t->g.tensors[x].q.scale = t->g.tensors[ref].q.scale;
    t->g.tensors[x].q.zero_point = t->g.tensors[ref].q.zero_point;
}

/* ---- Compile, run, compare ------------------------------------------------------------------------- */

static void load_arch(const char *name, odpu_arch *a)
{
    odpu_err err;
    ck_assert_msg(odpu_arch_load(test_arch_path(name), a, &err) == ODPU_OK, "%s", err.msg);
}

static void compile_ok(const tg *t, const odpu_arch *a, odpu_model *m)
{
    odpu_compile_options opt = {.arch = a, .meta = "name=test"};
    odpu_err err;
    odpu_status st = odpu_compile(&t->g, &opt, m, &err);
    ck_assert_msg(st == ODPU_OK, "compile for %s: %s", a->name, err.msg);
    odpu_isa_limits lim;
    odpu_arch_limits(a, &lim);
    odpu_ddr_layout lay;
    odpu_model_ddr_layout(m, &lay);
    st = odpu_stream_validate(m->insns, m->n_insns, &lim, &lay, NULL, NULL, &err);
    ck_assert_msg(st == ODPU_OK, "validate for %s: %s", a->name, err.msg);
}

/* Run `images` random inputs through the ref engine and exec_i8; every output byte must match. */
static void run_and_compare(const tg *t, const odpu_arch *a, const odpu_model *m, int images)
{
    odpu_err err;
    odpu_i8_exec *ex;
    ck_assert_msg(odpu_i8_exec_create(&t->g, &ex, &err) == ODPU_OK, "%s", err.msg);
    const odpu_lgraph *lg = odpu_i8_exec_lgraph(ex);
    ck_assert_int_le(lg->n_inputs, MAX_IO);
    ck_assert_int_le(lg->n_outputs, MAX_IO);
    odpu_hal *hal;
    odpu_hal_options hopt = {.arch = a};
    ck_assert_msg(odpu_hal_open("ref", &hopt, &hal, &err) == ODPU_OK, "%s", err.msg);
    odpu_runtime *rt;
    ck_assert_msg(odpu_runtime_open(hal, m, &rt, &err) == ODPU_OK, "%s: %s", a->name, err.msg);
    int8_t *in[MAX_IO], *out[MAX_IO];
    size_t in_n[MAX_IO], out_n[MAX_IO];
    for (int i = 0; i < lg->n_inputs; i++) {
        odpu_lshape s = lg->shapes[lg->inputs[i]];
        in_n[i] = (size_t)s.h * s.w * s.c;
        in[i] = malloc(in_n[i]);
    }
    for (int i = 0; i < lg->n_outputs; i++) {
        odpu_lshape s = lg->shapes[lg->outputs[i]];
        out_n[i] = (size_t)s.h * s.w * s.c;
        out[i] = malloc(out_n[i]);
    }
    test_rng rng;
    test_rng_seed(&rng, 0x5eed + (uint64_t)m->n_insns);
    for (int img = 0; img < images; img++) {
        for (int i = 0; i < lg->n_inputs; i++)
            test_rng_bytes(&rng, in[i], in_n[i]);
        odpu_run_stats stats;
        ck_assert_msg(odpu_runtime_run(rt, (const int8_t *const *)in, out, RUN_TIMEOUT_MS, &stats, &err) == ODPU_OK,
                      "%s: %s", a->name, err.msg);
        ck_assert_msg(odpu_i8_exec_run(ex, (const int8_t *const *)in, &err) == ODPU_OK, "%s", err.msg);
        for (int k = 0; k < lg->n_outputs; k++) {
            const int8_t *want = odpu_i8_exec_output(ex, k);
            int bad = 0;
            for (size_t j = 0; j < out_n[k]; j++)
                if (out[k][j] != want[j] && bad++ < MISMATCH_REPORTS) {
                    odpu_lshape s = lg->shapes[lg->outputs[k]];
                    fprintf(stderr, "arch %s image %d output %d ('%s', from node '%s') index %zu (y %zu x %zu c %zu): "
                            "engine %d, exec_i8 %d\n", a->name, img, k, t->g.tensors[lg->outputs[k]].name,
                            t->g.nodes[t->g.tensors[lg->outputs[k]].producer].name, j, j / s.c / s.w,
                            j / s.c % s.w, j % s.c, out[k][j], want[j]);
                }
            ck_assert_msg(!bad, "arch %s: %d of %zu output bytes differ", a->name, bad, out_n[k]);
        }
    }
    for (int i = 0; i < lg->n_inputs; i++)
        free(in[i]);
    for (int i = 0; i < lg->n_outputs; i++)
        free(out[i]);
    odpu_runtime_close(rt);
    odpu_hal_close(hal);
    odpu_i8_exec_destroy(ex);
}

/* ODPU_TEST_SAVE=DIR keeps every compiled model for `opendpu info` / `opendpu disasm`. */
static void maybe_save(const odpu_model *m, const char *arch_name)
{
    static int count;
    const char *dir = getenv("ODPU_TEST_SAVE");
    if (!dir)
        return;
    char path[512];
    snprintf(path, sizeof path, "%s/%s_%s_%d.odpu", dir, tcase_name(), arch_name, count++);
    odpu_err err;
    ck_assert_msg(odpu_model_save(m, path, &err) == ODPU_OK, "%s", err.msg);
}

static void check_on(const tg *t, const char *arch_name, int images)
{
    odpu_arch a;
    load_arch(arch_name, &a);
    odpu_model m;
    compile_ok(t, &a, &m);
    maybe_save(&m, arch_name);
    run_and_compare(t, &a, &m, images);
    odpu_model_free(&m);
}

/* Tiles of layer l: the count in front of "rows" in its plan (e.g. "rows 4x14, ..."). */
static int row_bands(const odpu_model *m, size_t l)
{
    ck_assert_uint_lt(l, m->n_layers);
    const char *r = strstr(m->layers[l].plan, "rows ");
    return r ? atoi(r + strlen("rows ")) : 0;
}

/* Every graph runs on tiny (tiling everywhere) and b512. If banded_layer >= 0, that layer must be
 * cut into several row bands on tiny: the test is about tiling. */
static void check_graph_tiled(tg *t, int banded_layer)
{
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(t, &a, &m);
    if (banded_layer >= 0)
        ck_assert_msg(row_bands(&m, (size_t)banded_layer) > 1, "layer %d is not tiled: %s", banded_layer,
                      m.layers[banded_layer].plan);
    odpu_model_free(&m);
    check_on(t, "tiny", 2);
    check_on(t, "b512", 1);
    odpu_graph_free(&t->g);
}

static void check_graph(tg *t) { check_graph_tiled(t, -1); }

/* ---- Layer types ---------------------------------------------------------------------------------- */

START_TEST(conv_standard_tiled)
{
    tg t;
    tg_init(&t, 1);
    int x = input(&t, 5, 61, 47);
    int y = conv(&t, x, (conv_spec){.out_c = 21, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
    output(&t, y);
    check_graph_tiled(&t, 0);
}
END_TEST


START_TEST(conv_strided_dilated_asymmetric)
{
    tg t;
    tg_init(&t, 2);
    int x = input(&t, 6, 71, 52);
    int y = conv(&t, x, (conv_spec){.out_c = 11, .kh = 5, .kw = 3, .stride = 2, .pad = 2, .dil = 2, .pad_b = 1});
    y = conv(&t, y, (conv_spec){.out_c = 9, .kh = 2, .kw = 4, .stride = 3, .pad = 1, .pad_r = 2});
    output(&t, y);
    check_graph_tiled(&t, 0);
}
END_TEST

START_TEST(conv_depthwise_multiplier_relu6)
{
    tg t;
    tg_init(&t, 3);
    int x = input(&t, 12, 57, 45);
    int y = conv(&t, x, (conv_spec){.out_c = 24, .kh = 3, .kw = 3, .pad = 1, .group = 12, .act = ODPU_ACT_CLIP,
                                    .clip_hi = 6});
    y = conv(&t, y, (conv_spec){.out_c = 24, .kh = 5, .kw = 5, .stride = 2, .pad = 2, .group = 24,
                                .act = ODPU_ACT_RELU});
    output(&t, y);
    check_graph_tiled(&t, 0);
}
END_TEST

START_TEST(conv_grouped_leaky)
{
    tg t;
    tg_init(&t, 4);
    int x = input(&t, 16, 45, 39);
    int y = conv(&t, x, (conv_spec){.out_c = 24, .kh = 3, .kw = 3, .pad = 1, .group = 4, .act = ODPU_ACT_LEAKY,
                                    .alpha = 0.1f});
    /* Large groups: each group is a standard convolution with its own channel splits. */
    y = conv(&t, y, (conv_spec){.out_c = 40, .kh = 3, .kw = 3, .pad = 1, .group = 2});
    output(&t, y);
    check_graph_tiled(&t, 0);
}
END_TEST

START_TEST(conv_many_channels_split)
{
    tg t;
    tg_init(&t, 5);
    int x = input(&t, 300, 7, 9);
    int y = conv(&t, x, (conv_spec){.out_c = 200, .kh = 1, .kw = 1, .act = ODPU_ACT_RELU});
    y = conv(&t, y, (conv_spec){.out_c = 70, .kh = 3, .kw = 3, .pad = 1});
    output(&t, y);
    check_graph(&t);
}
END_TEST

/* FC as a CONV whose kernel covers its input, then a 1x1 FC, then a Softmax on the host. */
START_TEST(fc_after_flatten_and_softmax)
{
    tg t;
    tg_init(&t, 6);
    int x = input(&t, 20, 6, 6);
    int y = conv(&t, x, (conv_spec){.out_c = 50, .kh = 6, .kw = 6, .act = ODPU_ACT_RELU});
    y = conv(&t, y, (conv_spec){.out_c = 10, .kh = 1, .kw = 1});
    int64_t dims[2] = {1, 10};
    odpu_err err;
    int sm = odpu_graph_add_tensor(&t.g, "probs", 2, dims, NULL, &err);
    ck_assert(sm >= 0);
    ck_assert(odpu_graph_add_node(&t.g, ODPU_NODE_SOFTMAX, "softmax", &y, 1, &sm, 1, &err) >= 0);
    output(&t, sm);
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(&t, &a, &m);
    ck_assert_ptr_nonnull(strstr(m.meta, "output_softmax=1\n"));
    ck_assert_ptr_nonnull(strstr(m.meta, "name=test\n"));
    ck_assert_uint_eq(m.n_tensors, 2);
    ck_assert_uint_eq(m.tensors[1].c, 10);
    ck_assert_str_eq(m.tensors[1].name, t.g.tensors[y].name);
    odpu_model_free(&m);
    check_graph(&t);
}
END_TEST

/* A kernel larger than the ISA's 16 taps: kernel pieces accumulating in ABUF. */
START_TEST(fc_kernel_larger_than_16)
{
    tg t;
    tg_init(&t, 7);
    int x = input(&t, 3, 20, 18);
    int y = conv(&t, x, (conv_spec){.out_c = 30, .kh = 20, .kw = 18});
    output(&t, y);
    check_graph(&t);
}
END_TEST

START_TEST(maxpool_ceil_relu)
{
    tg t;
    tg_init(&t, 8);
    int x = input(&t, 7, 67, 61);
    int y = conv(&t, x, (conv_spec){.out_c = 10, .kh = 3, .kw = 3});
    y = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 2, .stride = 2, .ceil_mode = 1, .act = ODPU_ACT_RELU});
    y = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 3, .stride = 2, .pad = 1});
    output(&t, y);
    check_graph_tiled(&t, 0);
}
END_TEST

START_TEST(avgpool_padding_regions)
{
    tg t;
    tg_init(&t, 9);
    int x = input(&t, 9, 56, 51);
    /* count_include_pad = 0: border windows divide by fewer positions (one POOL per region). */
    int a = pool(&t, x, (pool_spec){.op = ODPU_NODE_AVGPOOL, .k = 3, .stride = 2, .pad = 1});
    /* count_include_pad = 1 with ceil_mode: the overhang past the padding does not count. */
    int b = pool(&t, x, (pool_spec){.op = ODPU_NODE_AVGPOOL, .k = 3, .stride = 2, .pad = 1, .ceil_mode = 1,
                                    .count_include_pad = 1});
    int c = pool(&t, x, (pool_spec){.op = ODPU_NODE_AVGPOOL, .k = 2, .stride = 2, .ceil_mode = 1});
    output(&t, a);
    output(&t, b);
    output(&t, c);
    check_graph_tiled(&t, 0);
}
END_TEST

START_TEST(global_avgpool_small_and_large)
{
    tg t;
    tg_init(&t, 10);
    int x = input(&t, 6, 48, 48); /* 48 x 48 > one IBUF half of tiny: lowered to CONV */
    int a = pool(&t, x, (pool_spec){.op = ODPU_NODE_GLOBAL_AVGPOOL});
    int y = conv(&t, x, (conv_spec){.out_c = 40, .kh = 3, .kw = 3, .stride = 4, .pad = 1});
    int b = pool(&t, y, (pool_spec){.op = ODPU_NODE_GLOBAL_AVGPOOL});
    output(&t, a);
    output(&t, b);
    check_graph(&t);
}
END_TEST

START_TEST(add_residual)
{
    tg t;
    tg_init(&t, 11);
    int x = input(&t, 16, 49, 45);
    int y = conv(&t, x, (conv_spec){.out_c = 16, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
    y = conv(&t, y, (conv_spec){.out_c = 16, .kh = 3, .kw = 3, .pad = 1});
    int z = add(&t, x, y, ODPU_ACT_RELU);
    z = add(&t, z, z, ODPU_ACT_NONE);
    output(&t, z);
    check_graph_tiled(&t, 0);
}
END_TEST

/* LCRM: concat of a 1x1 conv and a depthwise conv with a multiplier, written in place. */
START_TEST(concat_lcrm_in_place)
{
    tg t;
    tg_init(&t, 12);
    int x = input(&t, 8, 47, 39);
    int a = conv(&t, x, (conv_spec){.out_c = 5, .kh = 1, .kw = 1});
    int b = conv(&t, x, (conv_spec){.out_c = 24, .kh = 3, .kw = 3, .pad = 1, .group = 8});
    same_q(&t, b, a);
    int xs[2] = {a, b};
    int y = concat(&t, xs, 2);
    y = conv(&t, y, (conv_spec){.out_c = 12, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
    output(&t, y);
    check_graph_tiled(&t, 1);
}
END_TEST

/* A tensor in two Concats (and twice in one), a Concat of a Concat, a Concat as an output. */
START_TEST(concat_copies_and_nesting)
{
    tg t;
    tg_init(&t, 13);
    int x = input(&t, 6, 11, 13);
    int a = conv(&t, x, (conv_spec){.out_c = 7, .kh = 3, .kw = 3, .pad = 1});
    int b = conv(&t, x, (conv_spec){.out_c = 9, .kh = 1, .kw = 1});
    same_q(&t, b, a);
    int ab[2] = {a, b}, aa[3] = {a, a, b};
    int c1 = concat(&t, ab, 2);
    int c2 = concat(&t, aa, 3);
    int c3s[2] = {c1, c2};
    int c3 = concat(&t, c3s, 2);
    int y = conv(&t, c3, (conv_spec){.out_c = 10, .kh = 1, .kw = 1});
    output(&t, y);
    output(&t, c2);
    check_graph(&t);
}
END_TEST



/* Fields the ISA cannot hold: a stride above 8 (one output per tile), a dilation above 8 (one
 * kernel tap per piece), a pool stride above 16. */
START_TEST(strides_and_dilations_beyond_fields)
{
    tg t;
    tg_init(&t, 14);
    int x = input(&t, 5, 40, 40);
    int a = conv(&t, x, (conv_spec){.out_c = 12, .kh = 10, .kw = 10, .stride = 10});
    int b = conv(&t, x, (conv_spec){.out_c = 6, .kh = 3, .kw = 3, .dil = 9, .pad = 9});
    int c = pool(&t, x, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 18, .stride = 18});
    output(&t, a);
    output(&t, b);
    output(&t, c);
    check_graph(&t);
}
END_TEST

/* The graph input written in place into a Concat (its tensor description gets the Concat's
 * pixel stride); two graph inputs. */
START_TEST(inputs_in_place_and_several)
{
    tg t;
    tg_init(&t, 15);
    int x = input(&t, 6, 23, 19);
    int x2 = input(&t, 6, 23, 19);
    int y = conv(&t, x, (conv_spec){.out_c = 10, .kh = 3, .kw = 3, .pad = 1});
    same_q(&t, y, x);
    int xs[2] = {y, x};
    int c = concat(&t, xs, 2);
    int z = conv(&t, c, (conv_spec){.out_c = 6, .kh = 1, .kw = 1});
    output(&t, add(&t, z, x2, ODPU_ACT_RELU));
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(&t, &a, &m);
    ck_assert_uint_eq(m.n_tensors, 3);
    ck_assert_uint_eq(m.tensors[0].pixel_stride, 16); /* x lives in channels 10..15 of the Concat */
    ck_assert_uint_eq(m.tensors[1].pixel_stride, 6);
    odpu_model_free(&m);
    check_graph(&t);
}
END_TEST

/* First-layer folding (compiler/fold.c): the host pads the input and folds the kernel rows
 * into each pixel, the convolution becomes 1x1 over the window, and (with fewer output channels
 * than columns) computes adjacent output pixels as one. Asymmetric padding and strides. */
static void check_folded(int in_c, int h, int w, conv_spec s, int want_wide)
{
    tg t;
    tg_init(&t, 40 + (uint64_t)s.kh * 7 + (uint64_t)s.stride);
    int x = input(&t, in_c, h, w);
    int y = conv(&t, x, s);
    output(&t, conv(&t, y, (conv_spec){.out_c = 5, .kh = 1, .kw = 1}));
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(&t, &a, &m);
    const odpu_tensor_desc *in = &m.tensors[0];
    ck_assert_uint_eq(in->fold_rows, (unsigned)s.kh);
    ck_assert_uint_eq(in->fold_step, (unsigned)(s.stride ? s.stride : 1));
    ck_assert_uint_eq(in->pad_top, (unsigned)s.pad);
    ck_assert_uint_eq(in->pad_right, (unsigned)(s.pad + s.pad_r));
    char want[32];
    snprintf(want, sizeof want, "folded %dpx", want_wide);
    ck_assert_msg(strstr(m.layers[0].plan, want), "plan '%s' lacks '%s'", m.layers[0].plan, want);
    odpu_model_free(&m);
    check_on(&t, "tiny", 2);
    check_on(&t, "b512", 1);
    odpu_graph_free(&t.g);
}

START_TEST(first_layer_folding)
{
    /* tiny: 4 lanes, 8 columns. 1 channel, 3x3, 4 outputs: two output pixels per step. */
    check_folded(1, 13, 10, (conv_spec){.out_c = 4, .kh = 3, .kw = 3, .pad = 1}, 2);
    /* 3 channels, 5x5 stride 2 with extra bottom/right padding, odd output width: no widening. */
    check_folded(3, 17, 15, (conv_spec){.out_c = 6, .kh = 5, .kw = 5, .stride = 2, .pad = 2, .pad_b = 1, .pad_r = 1}, 1);
    /* 2 output channels: four pixels per step, stride 2 between them. */
    check_folded(1, 9, 16, (conv_spec){.out_c = 2, .kh = 2, .kw = 3, .stride = 2, .pad = 1}, 4);
}
END_TEST

/* Count of instructions of one opcode in a model's stream, and of CONVs with a fused pool. */
static size_t count_ops(const odpu_model *m, odpu_opcode op, size_t *pooled)
{
    size_t n = 0;
    *pooled = 0;
    for (size_t i = 0; i < m->n_insns; i++) {
        odpu_insn insn;
        odpu_err err;
        ck_assert_msg(odpu_insn_decode(m->insns + i * ODPU_INSN_BYTES, &insn, &err) == ODPU_OK, "%s", err.msg);
        if (insn.opcode != op)
            continue;
        n++;
        if (op == ODPU_OP_CONV && insn.u.conv.pool_h * insn.u.conv.pool_w > 1)
            (*pooled)++;
    }
    return n;
}

/* Compiles t for arch with and without fused pooling; both must equal the INT8 executor. Returns
 * the POOL instructions of each form and the pooled CONVs of the fused one. */
static void check_fused(const tg *t, const char *arch_name, size_t pools[2], size_t *pooled_convs)
{
    odpu_arch a;
    load_arch(arch_name, &a);
    for (int off = 0; off < 2; off++) {
        odpu_compile_options opt = {.arch = &a, .meta = "name=test", .no_fused_pool = off};
        odpu_model m;
        odpu_err err;
        ck_assert_msg(odpu_compile(&t->g, &opt, &m, &err) == ODPU_OK, "%s", err.msg);
        size_t pooled;
        pools[off] = count_ops(&m, ODPU_OP_POOL, &pooled);
        count_ops(&m, ODPU_OP_CONV, &pooled);
        if (!off)
            *pooled_convs = pooled;
        else
            ck_assert_uint_eq(pooled, 0);
        run_and_compare(t, &a, &m, 2);
        odpu_model_free(&m);
    }
}

/* Fused pooling (compiler/fuse.c): a max pool with window = stride after a convolution becomes the
 * CONV's pool fields; the floor-mode 3x3 pool drops rows and columns the CONV then skips; a pool
 * that is not window = stride, or whose input is also read elsewhere, stays a POOL. */
START_TEST(fused_pooling)
{
    tg t;
    tg_init(&t, 77);
    int x = input(&t, 6, 20, 23);
    int y = conv(&t, x, (conv_spec){.out_c = 12, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
    y = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 2, .stride = 2}); /* 10 x 11 */
    y = conv(&t, y, (conv_spec){.out_c = 20, .kh = 3, .kw = 3, .pad = 1});
    int z = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 3, .stride = 3}); /* 3 x 3, drops 1 and 2 */
    int side = conv(&t, z, (conv_spec){.out_c = 7, .kh = 1, .kw = 1});
    int kept = pool(&t, side, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 2, .stride = 1}); /* overlapping */
    output(&t, kept);
    output(&t, pool(&t, side, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 3, .stride = 3})); /* side read twice */
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(&t, &a, &m);
    ck_assert_str_eq(m.layers[1].op, "MaxPool");
    ck_assert_msg(strstr(m.layers[1].plan, "fused into"), "plan '%s'", m.layers[1].plan);
    ck_assert_uint_eq(m.layers[1].n_insns, 0);
    ck_assert_uint_eq(m.layers[1].out_h, 10); /* the table keeps the graph's shapes */
    ck_assert_msg(strstr(m.layers[0].plan, "max pool 2x2"), "plan '%s'", m.layers[0].plan);
    ck_assert_msg(strstr(m.layers[2].plan, "max pool 3x3"), "plan '%s'", m.layers[2].plan);
    ck_assert_uint_eq(m.layers[2].macs, (uint64_t)9 * 9 * 20 * 12 * 3 * 3); /* the 9x9 outputs the pool reads */
    ck_assert_ptr_null(strstr(m.layers[5].plan, "fused"));
    ck_assert_ptr_null(strstr(m.layers[6].plan, "fused"));
    odpu_model_free(&m);
    size_t pools[2], pooled;
    check_fused(&t, "tiny", pools, &pooled);
    ck_assert_uint_gt(pooled, 0);
    ck_assert_uint_lt(pools[0], pools[1]);
    check_fused(&t, "b512", pools, &pooled);
    ck_assert_uint_gt(pooled, 0);
    odpu_graph_free(&t.g);
}
END_TEST

/* A folded first convolution computing `wide` output pixels per instruction pixel, then a 4x4
 * pool: the CONV pools 4 x 4/wide of its grid; its lane groups are merged by a POOL in OBUF when
 * each group is whole words (out_c a multiple of R = 4 on tiny), else by a 1 x wide POOL layer. */
static void check_fold_pool(int out_c, int wide, const char *merge_plan, int merge_layer)
{
    tg t;
    tg_init(&t, 78 + (uint64_t)out_c);
    int x = input(&t, 1, 16, 24);
    int y = conv(&t, x, (conv_spec){.out_c = out_c, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
    y = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 4, .stride = 4});
    output(&t, conv(&t, y, (conv_spec){.out_c = 5, .kh = 1, .kw = 1}));
    odpu_arch a;
    load_arch("tiny", &a);
    odpu_model m;
    compile_ok(&t, &a, &m);
    char want[32];
    snprintf(want, sizeof want, "max pool 4x%d", 4 / wide);
    ck_assert_msg(strstr(m.layers[0].plan, "folded") && strstr(m.layers[0].plan, want), "plan '%s'",
                  m.layers[0].plan);
    ck_assert_msg(strstr(m.layers[merge_layer].plan, merge_plan), "plan '%s'", m.layers[merge_layer].plan);
    ck_assert_uint_eq(m.layers[1].in_h, 16); /* graph shapes in the table */
    ck_assert_uint_eq(m.layers[1].out_w, 6);
    odpu_model_free(&m);
    size_t pools[2], pooled;
    check_fused(&t, "tiny", pools, &pooled);
    ck_assert_uint_gt(pooled, 0);
    odpu_graph_free(&t.g);
}

START_TEST(fused_pooling_after_folding)
{
    check_fold_pool(4, 2, "lanes merged on chip", 1);
    check_fold_pool(2, 4, "lane merge of a fused pool", 1);
}
END_TEST

/* Token queues of depth 1 and 2: the token pass must move pushes (or add NOPs) so that no queue
 * ever holds more than it can, and the result must not change. */
START_TEST(shallow_token_queues)
{
    odpu_err err;
    uint8_t *yaml;
    size_t len;
    ck_assert_msg(odpu_read_file(test_arch_path("tiny"), 0, &yaml, &len, &err) == ODPU_OK, "%s", err.msg);
    char *text = calloc(1, len + 1);
    memcpy(text, yaml, len);
    free(yaml);
    char *dep = strstr(text, "dep_depth: 4");
    ck_assert_ptr_nonnull(dep);
    for (int depth = 1; depth <= 2; depth++) {
        dep[strlen("dep_depth: ")] = (char)('0' + depth);
        odpu_arch a;
        ck_assert_msg(odpu_arch_parse(text, len, "tiny-shallow", &a, &err) == ODPU_OK, "%s", err.msg);
        tg t;
        tg_init(&t, 16);
        int x = input(&t, 6, 37, 29);
        int y = conv(&t, x, (conv_spec){.out_c = 20, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU});
        y = pool(&t, y, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 2, .stride = 2, .ceil_mode = 1});
        y = conv(&t, y, (conv_spec){.out_c = 40, .kh = 3, .kw = 3, .pad = 1});
        output(&t, add(&t, y, y, ODPU_ACT_NONE));
        odpu_model m;
        compile_ok(&t, &a, &m);
        maybe_save(&m, depth == 1 ? "dep1" : "dep2");
        run_and_compare(&t, &a, &m, 1);
        odpu_model_free(&m);
        odpu_graph_free(&t.g);
    }
    free(text);
}
END_TEST


/* ---- Random layers on a starved arch ----------------------------------------------------------- */

/* tiny with every buffer cut to 1 KiB: WBUF halves of 16 words (a 5 x 5 kernel needs pieces),
 * an ABUF of 32 words (tiles of a few pixels), PBUF halves of 4 words, token queues of 2. */
static void micro_arch(odpu_arch *a)
{
    odpu_err err;
    uint8_t *yaml;
    size_t len;
    ck_assert_msg(odpu_read_file(test_arch_path("tiny"), 0, &yaml, &len, &err) == ODPU_OK, "%s", err.msg);
    char *text = calloc(1, len + 1), *out = calloc(1, len + 1);
    memcpy(text, yaml, len);
    free(yaml);
    size_t n = 0;
    for (const char *p = text; *p;) { /* every "kib: N" becomes "kib: 1" */
        if (!strncmp(p, "kib: ", 5)) {
            memcpy(out + n, "kib: 1", 6);
            n += 6;
            p += 5;
            while (*p >= '0' && *p <= '9')
                p++;
        } else if (!strncmp(p, "dep_depth: 4", 12)) {
            memcpy(out + n, "dep_depth: 2", 12);
            n += 12;
            p += 12;
        } else {
            out[n++] = *p++;
        }
    }
    ck_assert_msg(odpu_arch_parse(out, n, "micro", a, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(a->buf[ODPU_BUF_WBUF].depth_words, 32);
    free(text);
    free(out);
}

static odpu_act random_act(tg *t)
{
    static const odpu_act acts[] = {ODPU_ACT_NONE, ODPU_ACT_RELU, ODPU_ACT_CLIP, ODPU_ACT_LEAKY};
    return acts[test_rng_range(&t->rng, 0, 3)];
}

/* A random CONV on x whose output is at least 1 x 1, or -1 if the draw gives none. */
static int random_conv(tg *t, int x)
{
    int in_c = dim(t, x, 1), h = dim(t, x, 2), w = dim(t, x, 3);
    /* Now and then a kernel above the 16-tap field, a stride or dilation above 8. */
    int big_k = test_rng_range(&t->rng, 1, 12) == 12;
    conv_spec s = {.kh = big_k ? 17 : test_rng_range(&t->rng, 1, 6), .kw = test_rng_range(&t->rng, 1, 6),
                   .stride = test_rng_range(&t->rng, 1, 10) == 10 ? 9 : test_rng_range(&t->rng, 1, 3),
                   .dil = test_rng_range(&t->rng, 1, 12) == 12 ? 9 : test_rng_range(&t->rng, 1, 4) == 4 ? 2 : 1,
                   .act = random_act(t), .alpha = 0.2f,
                   .clip_hi = 6, .pad_b = test_rng_range(&t->rng, 0, 1), .pad_r = test_rng_range(&t->rng, 0, 1)};
    s.pad = test_rng_range(&t->rng, 0, (s.kh < s.kw ? s.kh : s.kw) - 1);
    int kind = test_rng_range(&t->rng, 0, 2);
    s.group = kind == 0 ? 1 : kind == 1 ? in_c : (in_c % 2 ? 1 : 2);
    s.out_c = s.group * test_rng_range(&t->rng, 1, s.group == in_c ? 3 : 24 / s.group + 1);
    int span_h = s.dil * (s.kh - 1) + 1, span_w = s.dil * (s.kw - 1) + 1;
    if (h + 2 * s.pad + s.pad_b < span_h || w + 2 * s.pad + s.pad_r < span_w)
        return -1;
    return conv(t, x, s);
}

static int random_pool(tg *t, int x)
{
    static const odpu_node_op ops[] = {ODPU_NODE_MAXPOOL, ODPU_NODE_AVGPOOL, ODPU_NODE_GLOBAL_AVGPOOL};
    pool_spec s = {.op = ops[test_rng_range(&t->rng, 0, 2)], .k = test_rng_range(&t->rng, 1, 4),
                   .stride = test_rng_range(&t->rng, 1, 3), .ceil_mode = test_rng_range(&t->rng, 0, 1),
                   .count_include_pad = test_rng_range(&t->rng, 0, 1),
                   .act = test_rng_range(&t->rng, 0, 1) ? ODPU_ACT_RELU : ODPU_ACT_NONE};
    s.pad = test_rng_range(&t->rng, 0, s.k - 1);
    if (s.op == ODPU_NODE_AVGPOOL)
        s.act = ODPU_ACT_NONE;
    if (s.op != ODPU_NODE_GLOBAL_AVGPOOL && (dim(t, x, 2) + 2 * s.pad < s.k || dim(t, x, 3) + 2 * s.pad < s.k))
        return -1;
    return pool(t, x, s);
}

START_TEST(random_layers_on_a_starved_arch)
{
    enum { GRAPHS = 40 };
    /* ODPU_RANDOM_GRAPHS=N explores more draws than the default run does. */
    const char *more = getenv("ODPU_RANDOM_GRAPHS");
    int graphs = more ? atoi(more) : GRAPHS;
    odpu_arch micro;
    micro_arch(&micro);
    for (int i = 0; i < graphs; i++) {
        tg t;
        tg_init(&t, 1000 + (uint64_t)i);
        int x = input(&t, test_rng_range(&t.rng, 1, 20), test_rng_range(&t.rng, 1, 26),
                      test_rng_range(&t.rng, 1, 26));
        int y = random_conv(&t, x);
        if (y < 0)
            y = x;
        int kind = test_rng_range(&t.rng, 0, 3);
        if (kind == 0) {
            int p = random_pool(&t, y);
            y = p < 0 ? y : p;
        } else if (kind == 1 && y != x) {
            int z = conv(&t, y, (conv_spec){.out_c = dim(&t, y, 1), .kh = 3, .kw = 3, .pad = 1});
            y = add(&t, y, z, ODPU_ACT_RELU);
        } else if (kind == 2) {
            int a = conv(&t, y, (conv_spec){.out_c = test_rng_range(&t.rng, 1, 9), .kh = 1, .kw = 1});
            int b = conv(&t, y, (conv_spec){.out_c = test_rng_range(&t.rng, 1, 9), .kh = 3, .kw = 3, .pad = 1});
            same_q(&t, b, a);
            int ab[2] = {a, b};
            y = concat(&t, ab, 2);
        }
        if (y == x)
            y = conv(&t, x, (conv_spec){.out_c = 5, .kh = 1, .kw = 1});
        output(&t, y);
        odpu_model m;
        compile_ok(&t, &micro, &m);
        maybe_save(&m, "micro");
        run_and_compare(&t, &micro, &m, 1);
        odpu_model_free(&m);
        check_on(&t, "tiny", 1);
        odpu_graph_free(&t.g);
    }
}
END_TEST

/* ---- Large layers on every arch ------------------------------------------------------------------ */

static const char *const all_archs[] = {"tiny", "b512", "b1024", "b4096"};
enum { N_ARCHS = sizeof all_archs / sizeof all_archs[0] };

/* Compile and validate on every arch; run on the ref engine (and compare with exec_i8) on the
 * archs named in run (a bit mask over all_archs). */
static void check_large(tg *t, unsigned run)
{
    for (int i = 0; i < N_ARCHS; i++) {
        odpu_arch a;
        load_arch(all_archs[i], &a);
        odpu_model m;
        compile_ok(t, &a, &m);
        maybe_save(&m, all_archs[i]);
        ck_assert_uint_gt(m.n_layers, 0);
        if (run & (1u << i))
            run_and_compare(t, &a, &m, 1);
        odpu_model_free(&m);
    }
    odpu_graph_free(&t->g);
}

START_TEST(large_first_layer_224)
{
    tg t;
    tg_init(&t, 20);
    int x = input(&t, 3, 224, 224);
    output(&t, conv(&t, x, (conv_spec){.out_c = 64, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU}));
    check_large(&t, 1u << 0 | 1u << 3);
}
END_TEST

START_TEST(large_conv_512_channels)
{
    tg t;
    tg_init(&t, 21);
    int x = input(&t, 512, 14, 14);
    output(&t, conv(&t, x, (conv_spec){.out_c = 512, .kh = 3, .kw = 3, .pad = 1, .act = ODPU_ACT_RELU}));
    check_large(&t, 1u << 3);
}
END_TEST

/* The classifier of VGG-16: 7 x 7 x 512 = 25088 inputs -> 4096, a CONV whose kernel is the map. */
START_TEST(large_fc_4096)
{
    tg t;
    tg_init(&t, 22);
    int x = input(&t, 512, 7, 7);
    output(&t, conv(&t, x, (conv_spec){.out_c = 4096, .kh = 7, .kw = 7, .act = ODPU_ACT_RELU}));
    check_large(&t, 1u << 3);
}
END_TEST

/* ---- Errors ---------------------------------------------------------------------------------------- */

static void expect_compile_error(const tg *t, const char *arch_name, const char *const *needles)
{
    odpu_arch a;
    load_arch(arch_name, &a);
    odpu_compile_options opt = {.arch = &a};
    odpu_model m;
    odpu_err err;
    odpu_status st = odpu_compile(&t->g, &opt, &m, &err);
    ck_assert_msg(st != ODPU_OK, "compiled although it should not");
    ck_assert_ptr_null(m.insns);
    for (int i = 0; needles[i]; i++)
        ck_assert_msg(strstr(err.msg, needles[i]), "message lacks '%s': %s", needles[i], err.msg);
}

START_TEST(error_untileable_layer)
{
    tg t;
    tg_init(&t, 30);
    int x = input(&t, 4, 64, 64);
    /* One 64 x 64 window of one channel block is 4096 IBUF words; tiny's half holds 2048. */
    int y = pool(&t, x, (pool_spec){.op = ODPU_NODE_MAXPOOL, .k = 64, .stride = 1});
    output(&t, y);
    const char *needles[] = {t.g.nodes[0].name, "MaxPool", "IBUF", "tiny", NULL};
    expect_compile_error(&t, "tiny", needles);
    /* b4096 has room for it. */
    check_on(&t, "b4096", 1);
    odpu_graph_free(&t.g);
}
END_TEST

START_TEST(error_concat_mismatched_q)
{
    tg t;
    tg_init(&t, 31);
    int x = input(&t, 4, 8, 8);
    int a = conv(&t, x, (conv_spec){.out_c = 4, .kh = 1, .kw = 1});
    int b = conv(&t, x, (conv_spec){.out_c = 4, .kh = 3, .kw = 3, .pad = 1});
    int xs[2] = {a, b};
    int y = concat(&t, xs, 2); /* b keeps its own scale */
    output(&t, y);
    const char *needles[] = {"concat_", "Concat", t.g.tensors[b].name, "quantization", NULL};
    expect_compile_error(&t, "tiny", needles);
    odpu_graph_free(&t.g);
}
END_TEST

START_TEST(error_missing_q)
{
    tg t;
    tg_init(&t, 32);
    int x = input(&t, 4, 8, 8);
    int y = conv(&t, x, (conv_spec){.out_c = 4, .kh = 3, .kw = 3, .pad = 1});
    int z = conv(&t, y, (conv_spec){.out_c = 4, .kh = 3, .kw = 3, .pad = 1});
    output(&t, z);
    t.g.tensors[y].q.valid = 0;
    const char *needles[] = {t.g.nodes[0].name, t.g.tensors[y].name, "no quantization", NULL};
    expect_compile_error(&t, "tiny", needles);
    t.g.tensors[y].q.valid = 1;
    int w = t.g.nodes[1].inputs[1];
    t.g.tensors[w].q.valid = 0;
    const char *wneedles[] = {t.g.nodes[1].name, t.g.tensors[w].name, "no quantization", NULL};
    expect_compile_error(&t, "tiny", wneedles);
    t.g.tensors[w].q.valid = 1;
    t.g.tensors[x].q.valid = 0;
    const char *ineedles[] = {"graph input", t.g.tensors[x].name, NULL};
    expect_compile_error(&t, "tiny", ineedles);
    odpu_graph_free(&t.g);
}
END_TEST

START_TEST(error_unsupported_graphs)
{
    tg t;
    tg_init(&t, 33);
    int x = input(&t, 4, 8, 8);
    int y = conv(&t, x, (conv_spec){.out_c = 4, .kh = 3, .kw = 3, .pad = 1});
    int z = act(&t, "relu", 4, 8, 8, 0.1f, 0);
    odpu_err err;
    ck_assert(odpu_graph_add_node(&t.g, ODPU_NODE_RELU, "lonely_relu", &y, 1, &z, 1, &err) >= 0);
    output(&t, z);
    const char *needles[] = {"lonely_relu", "canonical", NULL};
    expect_compile_error(&t, "tiny", needles);
    /* A Softmax feeding another layer runs nowhere. */
    t.g.nodes[1].op = ODPU_NODE_SOFTMAX;
    int w = conv(&t, z, (conv_spec){.out_c = 4, .kh = 1, .kw = 1});
    t.g.outputs[0] = w;
    const char *sneedles[] = {"lonely_relu", "Softmax", "final", NULL};
    expect_compile_error(&t, "tiny", sneedles);
    odpu_graph_free(&t.g);
    /* Padding beyond what the CONV fields hold (behind a first layer: a convolution reading the
     * model input may be folded, which moves its padding to the host). */
    tg_init(&t, 34);
    x = input(&t, 4, 8, 8);
    x = conv(&t, x, (conv_spec){.out_c = 4, .kh = 1, .kw = 1});
    output(&t, conv(&t, x, (conv_spec){.out_c = 4, .kh = 17, .kw = 17, .pad = 16}));
    const char *pneedles[] = {"conv_", "padding 16", NULL};
    expect_compile_error(&t, "b4096", pneedles);
    odpu_graph_free(&t.g);
}
END_TEST

static Suite *compiler_suite(void)
{
    Suite *s = suite_create("compiler");
    TCase *tc = tcase_create("layers");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, conv_standard_tiled);
    tcase_add_test(tc, conv_strided_dilated_asymmetric);
    tcase_add_test(tc, conv_depthwise_multiplier_relu6);
    tcase_add_test(tc, conv_grouped_leaky);
    tcase_add_test(tc, conv_many_channels_split);
    tcase_add_test(tc, fc_after_flatten_and_softmax);
    tcase_add_test(tc, fc_kernel_larger_than_16);
    tcase_add_test(tc, maxpool_ceil_relu);
    tcase_add_test(tc, avgpool_padding_regions);
    tcase_add_test(tc, global_avgpool_small_and_large);
    tcase_add_test(tc, add_residual);
    tcase_add_test(tc, concat_lcrm_in_place);
    tcase_add_test(tc, concat_copies_and_nesting);
    tcase_add_test(tc, strides_and_dilations_beyond_fields);
    tcase_add_test(tc, inputs_in_place_and_several);
    tcase_add_test(tc, first_layer_folding);
    tcase_add_test(tc, fused_pooling);
    tcase_add_test(tc, fused_pooling_after_folding);
    tcase_add_test(tc, shallow_token_queues);
    tcase_add_test(tc, random_layers_on_a_starved_arch);
    suite_add_tcase(s, tc);
    TCase *large = tcase_create("large");
    tcase_set_timeout(large, 300);
    tcase_add_test(large, large_first_layer_224);
    tcase_add_test(large, large_conv_512_channels);
    tcase_add_test(large, large_fc_4096);
    suite_add_tcase(s, large);
    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, error_untileable_layer);
    tcase_add_test(errors, error_concat_mismatched_q);
    tcase_add_test(errors, error_missing_q);
    tcase_add_test(errors, error_unsupported_graphs);
    suite_add_tcase(s, errors);
    return s;
}

ODPU_TEST_MAIN(compiler_suite)
