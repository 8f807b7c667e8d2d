/* test_ptq.c - post-training quantization on small graphs built with the graph API: the
 * engine's sharing constraints (MAXPOOL, CONCAT), per-channel weight scales, cross-layer
 * equalization (exact on the float function, balancing a depthwise -> pointwise pair, left
 * alone through ReLU6), bias correction, QDQ export -> import -> absorb round trips, absorbing
 * QDQ files made by another tool (tests/data/qdq/make_qdq.py), and bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quantizer/calib.h"
#include "quantizer/cle.h"
#include "quantizer/graph.h"
#include "quantizer/pipeline.h"
#include "quantizer/ptq.h"
#include "tests/testutil.h"

enum { N_CALIB = 24, MAX_T = 64 };

/* ---- Graph building -------------------------------------------------------------------- */

static double uniform(test_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * (double)(test_rng_next(r) >> 11) / 9007199254740992.0;
}

static int activation(odpu_graph *g, const char *name, int64_t c, int64_t h, int64_t w)
{
    odpu_err err;
    int64_t dims[4] = {1, c, h, w};
    int t = odpu_graph_add_tensor(g, name, 4, dims, NULL, &err);
    ck_assert_msg(t >= 0, "%s", err.msg);
    return t;
}

static int constant(odpu_graph *g, const char *name, int rank, const int64_t *dims, const float *v)
{
    odpu_err err;
    int t = odpu_graph_add_tensor(g, name, rank, dims, v, &err);
    ck_assert_msg(t >= 0, "%s", err.msg);
    return t;
}

static int node(odpu_graph *g, odpu_node_op op, const char *name, const int *in, int n_in, int out)
{
    odpu_err err;
    int n = odpu_graph_add_node(g, op, name, in, n_in, &out, 1, &err);
    ck_assert_msg(n >= 0, "%s", err.msg);
    return n;
}

/* A CONV with k x k kernels, random weights whose output channel o has magnitude mag[o]
 * (or 1), random bias; returns the output tensor. */
typedef struct conv_spec {
    const char *name;
    int64_t cout;
    int k, stride, pad, group;
    odpu_act act;
    const float *mag;
} conv_spec;

static int conv(odpu_graph *g, int in, const conv_spec *s, test_rng *r)
{
    const odpu_gtensor *x = &g->tensors[in];
    int64_t cin = x->dims[1], h = x->dims[2], w = x->dims[3];
    int64_t cin_g = cin / s->group, per_out = cin_g * s->k * s->k;
    int64_t oh = (h + 2 * s->pad - s->k) / s->stride + 1, ow = (w + 2 * s->pad - s->k) / s->stride + 1;
    float *wv = malloc((size_t)(s->cout * per_out) * sizeof *wv), *bv = malloc((size_t)s->cout * sizeof *bv);
    for (int64_t o = 0; o < s->cout; o++) {
        for (int64_t k = 0; k < per_out; k++)
            wv[o * per_out + k] = (float)(uniform(r, -1, 1) * (s->mag ? s->mag[o] : 1));
        bv[o] = (float)uniform(r, -0.2, 0.2);
    }
    char name[128];
    int64_t wd[4] = {s->cout, cin_g, s->k, s->k};
    snprintf(name, sizeof name, "%s.weight", s->name);
    int wt = constant(g, name, 4, wd, wv);
    snprintf(name, sizeof name, "%s.bias", s->name);
    int bt = constant(g, name, 1, &s->cout, bv);
    free(wv);
    free(bv);
    snprintf(name, sizeof name, "%s_out", s->name);
    int out = activation(g, name, s->cout, oh, ow);
    int ins[3] = {in, wt, bt};
    int n = node(g, ODPU_NODE_CONV, s->name, ins, 3, out);
    odpu_gnode *nd = &g->nodes[n];
    nd->a.kernel[0] = nd->a.kernel[1] = s->k;
    nd->a.stride[0] = nd->a.stride[1] = s->stride;
    for (int i = 0; i < 4; i++)
        nd->a.pads[i] = s->pad;
    nd->a.group = s->group;
    nd->act = s->act;
    if (s->act == ODPU_ACT_CLIP) {
        nd->act_min = 0;
        nd->act_max = 6;
    }
    if (s->act == ODPU_ACT_LEAKY)
        nd->act_alpha = 0.125f;
    return out;
}

static int maxpool(odpu_graph *g, const char *name, int in, int k)
{
    const odpu_gtensor *x = &g->tensors[in];
    char tn[128];
    snprintf(tn, sizeof tn, "%s_out", name);
    int out = activation(g, tn, x->dims[1], x->dims[2] / k, x->dims[3] / k);
    int n = node(g, ODPU_NODE_MAXPOOL, name, &in, 1, out);
    g->nodes[n].a.kernel[0] = g->nodes[n].a.kernel[1] = k;
    g->nodes[n].a.stride[0] = g->nodes[n].a.stride[1] = k;
    return out;
}

static void set_io(odpu_graph *g, int in, int out)
{
    g->inputs = malloc(sizeof *g->inputs);
    g->outputs = malloc(sizeof *g->outputs);
    g->inputs[0] = in;
    g->outputs[0] = out;
    g->n_inputs = g->n_outputs = 1;
}

/* Calibration images: n inputs of the graph's input shape, uniform in [lo, hi]. */
static float *images(const odpu_graph *g, int n, double lo, double hi, uint64_t seed)
{
    test_rng r;
    test_rng_seed(&r, seed);
    int64_t numel = odpu_tensor_numel(&g->tensors[g->inputs[0]]);
    float *x = malloc((size_t)(n * numel) * sizeof *x);
    for (int64_t i = 0; i < n * numel; i++)
        x[i] = (float)uniform(&r, lo, hi);
    return x;
}

/* Run the FP32 executor on every image; returns all outputs back to back. */
static float *run_all(const odpu_graph *g, const float *x, int n, int64_t *out_count)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_f32_exec *ex;
    ck_assert_msg(odpu_f32_exec_create(g, &ex, &err) == ODPU_OK, "%s", err.msg);
    int64_t numel = odpu_tensor_numel(&g->tensors[g->inputs[0]]), count = 0;
    float *y = NULL;
    for (int i = 0; i < n; i++) {
        ck_assert_msg(odpu_f32_exec_run(ex, x + i * numel, NULL, NULL, &err) == ODPU_OK, "%s", err.msg);
        const float *o = odpu_f32_exec_output(ex, 0, &count);
        if (!y)
            y = malloc((size_t)(n * count) * sizeof *y);
        memcpy(y + i * count, o, (size_t)count * sizeof *y);
    }
    odpu_f32_exec_destroy(ex);
    *out_count = count;
    return y;
}

static void quantize_ok(odpu_graph *g, const float *x, int n, odpu_calib_method m, int cle, int bc)
{
    odpu_ptq_options o;
    odpu_ptq_default_options(&o);
    o.method = m;
    o.cross_layer_equalization = cle;
    o.bias_correction = bc;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_ptq_quantize(g, x, n, &o, &err) == ODPU_OK, "%s", err.msg);
}

static const odpu_qparams *q_of(const odpu_graph *g, const char *name)
{
    int t = odpu_graph_find_tensor(g, name);
    ck_assert_msg(t >= 0, "no tensor %s", name);
    return &g->tensors[t].q;
}

static int same_q(const odpu_qparams *a, const odpu_qparams *b)
{
    return a->valid && b->valid && a->scale == b->scale && a->zero_point == b->zero_point;
}

/* ---- Constraints ----------------------------------------------------------------------- */

/* input -> conv A (ReLU) -> maxpool P ; input -> conv B (ReLU) -> maxpool Q ;
 * concat(P, Q) -> C -> conv D (none) -> output. */
static void build_branches(odpu_graph *g, test_rng *r)
{
    odpu_graph_init(g);
    int in = activation(g, "input", 3, 8, 8);
    int a = conv(g, in, &(conv_spec){"convA", 4, 3, 1, 1, 1, ODPU_ACT_RELU, NULL}, r);
    float big[6] = {4, 4, 4, 4, 4, 4};
    int b = conv(g, in, &(conv_spec){"convB", 6, 3, 1, 1, 1, ODPU_ACT_RELU, big}, r);
    int p = maxpool(g, "poolP", a, 2), q = maxpool(g, "poolQ", b, 2);
    int c = activation(g, "cat", 10, 4, 4);
    int cat_in[2] = {p, q};
    node(g, ODPU_NODE_CONCAT, "concat", cat_in, 2, c);
    int d = conv(g, c, &(conv_spec){"convD", 5, 1, 1, 0, 1, ODPU_ACT_NONE, NULL}, r);
    set_io(g, in, d);
}

START_TEST(sharing_constraints)
{
    test_rng r;
    test_rng_seed(&r, 1);
    odpu_graph g;
    build_branches(&g, &r);
    float *x = images(&g, N_CALIB, -1, 2, 2);
    quantize_ok(&g, x, N_CALIB, ODPU_CALIB_MINMAX, 0, 0);
    /* MAXPOOL output = input; every CONCAT input = the output; the union of the ranges. */
    ck_assert(same_q(q_of(&g, "convA_out"), q_of(&g, "poolP_out")));
    ck_assert(same_q(q_of(&g, "convB_out"), q_of(&g, "poolQ_out")));
    ck_assert(same_q(q_of(&g, "poolP_out"), q_of(&g, "cat")));
    ck_assert(same_q(q_of(&g, "poolQ_out"), q_of(&g, "cat")));
    /* All ReLU-fed: [0, max], zero point -128. */
    ck_assert_int_eq(q_of(&g, "cat")->zero_point, -128);
    /* The graph input: minmax of the calibration data, [-1, 2] up to sampling. */
    const odpu_qparams *qi = q_of(&g, "input");
    ck_assert(qi->valid && !qi->ch_scales);
    double lo = qi->scale * (-128 - qi->zero_point), hi = qi->scale * (127 - qi->zero_point);
    ck_assert_msg(fabs(lo + 1) < 0.02 && fabs(hi - 2) < 0.02, "input range [%g, %g]", lo, hi);
    /* Output of convD: own parameters, signed. */
    ck_assert(q_of(&g, "convD_out")->valid && q_of(&g, "convD_out")->zero_point > -128);
    /* Weights: s_w[o] = max |w[o]| / 127 exactly. */
    for (int i = 0; i < g.n_nodes; i++) {
        const odpu_gnode *n = &g.nodes[i];
        if (n->op != ODPU_NODE_CONV)
            continue;
        const odpu_gtensor *w = &g.tensors[n->inputs[1]];
        ck_assert(w->q.valid && w->q.ch_scales && w->q.n_ch_scales == w->dims[0]);
        int64_t per_out = odpu_tensor_numel(w) / w->dims[0];
        for (int64_t o = 0; o < w->dims[0]; o++) {
            float m = 0;
            for (int64_t k = 0; k < per_out; k++)
                m = fmaxf(m, fabsf(w->data[o * per_out + k]));
            ck_assert_msg(w->q.ch_scales[o] == (float)(m / 127.0), "%s[%lld]", n->name, (long long)o);
        }
    }
    free(x);
    odpu_graph_free(&g);
}
END_TEST

/* ---- Cross-layer equalization ---------------------------------------------------------- */

/* input -> conv 3x3 (16, act1) -> depthwise 3x3 (act2) -> pointwise 1x1 (24) -> output, with
 * depthwise channel magnitudes spread over four decades. */
static void build_dw_pw(odpu_graph *g, odpu_act act, test_rng *r)
{
    odpu_graph_init(g);
    float mag[16];
    for (int i = 0; i < 16; i++)
        mag[i] = (float)pow(10.0, -2 + 4.0 * i / 15);
    int in = activation(g, "input", 3, 10, 10);
    int a = conv(g, in, &(conv_spec){"stem", 16, 3, 1, 1, 1, act, NULL}, r);
    int b = conv(g, a, &(conv_spec){"dw", 16, 3, 1, 1, 16, act, mag}, r);
    int c = conv(g, b, &(conv_spec){"pw", 24, 1, 1, 0, 1, ODPU_ACT_NONE, NULL}, r);
    set_io(g, in, c);
}

/* Per-channel weight ranges of a CONV's output channels. */
static void out_ranges(const odpu_graph *g, const char *conv_name, double *r, int64_t *n)
{
    char name[64];
    snprintf(name, sizeof name, "%s.weight", conv_name);
    const odpu_gtensor *w = &g->tensors[odpu_graph_find_tensor(g, name)];
    int64_t per_out = odpu_tensor_numel(w) / w->dims[0];
    *n = w->dims[0];
    for (int64_t o = 0; o < w->dims[0]; o++) {
        r[o] = 0;
        for (int64_t k = 0; k < per_out; k++)
            r[o] = fmax(r[o], fabs(w->data[o * per_out + k]));
    }
}

static double spread(const double *r, int64_t n)
{
    double mn = r[0], mx = r[0];
    for (int64_t i = 1; i < n; i++) {
        mn = fmin(mn, r[i]);
        mx = fmax(mx, r[i]);
    }
    return mx / mn;
}

START_TEST(cle_is_exact_and_balances)
{
    const odpu_act acts[] = {ODPU_ACT_RELU, ODPU_ACT_NONE, ODPU_ACT_LEAKY};
    for (int k = 0; k < 3; k++) {
        test_rng r;
        test_rng_seed(&r, 3);
        odpu_graph g;
        build_dw_pw(&g, acts[k], &r);
        float *x = images(&g, 4, -1, 1, 4);
        int64_t count;
        float *before = run_all(&g, x, 4, &count);
        double rng_before[16];
        int64_t n;
        out_ranges(&g, "dw", rng_before, &n);
        int pairs = -1;
        odpu_err err;
        ck_assert_int_eq(odpu_cle_apply(&g, &pairs, &err), ODPU_OK);
        ck_assert_int_eq(pairs, 2); /* stem -> dw, dw -> pw */
        float *after = run_all(&g, x, 4, &count);
        double peak = 0, diff = 0;
        for (int64_t i = 0; i < 4 * count; i++) {
            peak = fmax(peak, fabs(before[i]));
            diff = fmax(diff, fabs(before[i] - after[i]));
        }
        ck_assert_msg(diff <= 1e-5 * fmax(peak, 1), "act %d: CLE changed the output by %g (peak %g)", k, diff, peak);
        double rng_after[16];
        out_ranges(&g, "dw", rng_after, &n);
        ck_assert_msg(spread(rng_after, n) < 0.1 * spread(rng_before, n), "dw range spread %g -> %g",
                      spread(rng_before, n), spread(rng_after, n));
        free(x), free(before), free(after);
        odpu_graph_free(&g);
    }
}
END_TEST

/* ReLU6 (a clip) does not commute with a per-channel scale: no pair is touched. A pool between
 * the two CONVs is fine. */
START_TEST(cle_skips_clip_and_crosses_pools)
{
    test_rng r;
    test_rng_seed(&r, 5);
    odpu_graph g;
    build_dw_pw(&g, ODPU_ACT_CLIP, &r);
    double before[16], after[16];
    int64_t n;
    out_ranges(&g, "dw", before, &n);
    int pairs = -1;
    odpu_err err;
    ck_assert_int_eq(odpu_cle_apply(&g, &pairs, &err), ODPU_OK);
    ck_assert_int_eq(pairs, 0);
    out_ranges(&g, "dw", after, &n);
    ck_assert(memcmp(before, after, sizeof before) == 0);
    odpu_graph_free(&g);

    odpu_graph_init(&g);
    int in = activation(&g, "input", 2, 8, 8);
    float mag[6] = {0.01f, 0.1f, 1, 10, 100, 1000};
    int a = conv(&g, in, &(conv_spec){"c1", 6, 3, 1, 1, 1, ODPU_ACT_RELU, mag}, &r);
    int p = maxpool(&g, "pool", a, 2);
    int c = conv(&g, p, &(conv_spec){"c2", 3, 3, 1, 1, 1, ODPU_ACT_NONE, NULL}, &r);
    set_io(&g, in, c);
    float *x = images(&g, 3, -1, 1, 6);
    int64_t count;
    float *y0 = run_all(&g, x, 3, &count);
    ck_assert_int_eq(odpu_cle_apply(&g, &pairs, &err), ODPU_OK);
    ck_assert_int_eq(pairs, 1);
    float *y1 = run_all(&g, x, 3, &count);
    for (int64_t i = 0; i < 3 * count; i++)
        ck_assert_msg(fabs(y0[i] - y1[i]) <= 1e-5 * fmax(1, fabs(y0[i])), "%g vs %g", y0[i], y1[i]);
    /* Equalized: channel i's range in c1's output equals its range in c2's input, so the
     * 1e5 spread of c1's channels drops to about its square root. */
    double rr[6], r2[6] = {0};
    out_ranges(&g, "c1", rr, &n);
    const odpu_gtensor *w2 = &g.tensors[odpu_graph_find_tensor(&g, "c2.weight")];
    for (int64_t o = 0; o < w2->dims[0]; o++)
        for (int64_t i = 0; i < 6; i++)
            for (int64_t k = 0; k < 9; k++)
                r2[i] = fmax(r2[i], fabs(w2->data[(o * 6 + i) * 9 + k]));
    for (int i = 0; i < 6; i++)
        ck_assert_msg(fabs(rr[i] - r2[i]) <= 1e-5 * rr[i], "channel %d: %g vs %g", i, rr[i], r2[i]);
    ck_assert(spread(rr, n) < 1000);
    free(x), free(y0), free(y1);
    odpu_graph_free(&g);
}
END_TEST

/* The LCRM pattern: a pointwise and a depthwise CONV concatenated, then a per-channel affine
 * (a BatchNormalization as a depthwise 1x1 CONV) with ReLU, then a CONV. Each concatenated
 * CONV pairs with the affine CONV at its channel offset; the function stays the same. */
START_TEST(cle_through_concat)
{
    test_rng r;
    test_rng_seed(&r, 21);
    odpu_graph g;
    odpu_graph_init(&g);
    int in = activation(&g, "input", 4, 6, 6);
    float mag_pw[3] = {0.01f, 1, 100}, mag_dw[8] = {0.02f, 0.2f, 2, 20, 0.05f, 0.5f, 5, 50};
    int pw = conv(&g, in, &(conv_spec){"pw", 3, 1, 1, 0, 1, ODPU_ACT_NONE, mag_pw}, &r);
    int dw = conv(&g, in, &(conv_spec){"dw", 8, 3, 1, 1, 4, ODPU_ACT_NONE, mag_dw}, &r);
    int cat = activation(&g, "cat", 11, 6, 6);
    int cat_in[2] = {pw, dw};
    node(&g, ODPU_NODE_CONCAT, "concat", cat_in, 2, cat);
    int bn = conv(&g, cat, &(conv_spec){"bn", 11, 1, 1, 0, 11, ODPU_ACT_RELU, NULL}, &r);
    int out = conv(&g, bn, &(conv_spec){"next", 5, 3, 1, 1, 1, ODPU_ACT_NONE, NULL}, &r);
    set_io(&g, in, out);
    float *x = images(&g, 3, -1, 1, 22);
    int64_t count;
    float *y0 = run_all(&g, x, 3, &count);
    int pairs = -1;
    odpu_err err;
    ck_assert_int_eq(odpu_cle_apply(&g, &pairs, &err), ODPU_OK);
    ck_assert_int_eq(pairs, 3); /* pw -> bn, dw -> bn, bn -> next */
    float *y1 = run_all(&g, x, 3, &count);
    double peak = 1;
    for (int64_t i = 0; i < 3 * count; i++)
        peak = fmax(peak, fabs(y0[i]));
    for (int64_t i = 0; i < 3 * count; i++)
        ck_assert_msg(fabs(y0[i] - y1[i]) <= 1e-5 * peak, "%g vs %g (peak %g)", y0[i], y1[i], peak);
    /* The concatenated channels now span far less than the 1e4 they did. */
    double rp[3], rd[8], all[11];
    int64_t n;
    out_ranges(&g, "pw", rp, &n);
    out_ranges(&g, "dw", rd, &n);
    memcpy(all, rp, sizeof rp);
    memcpy(all + 3, rd, sizeof rd);
    ck_assert_msg(spread(all, 11) < 300, "concat channel spread %g", spread(all, 11));
    free(x), free(y0), free(y1);
    odpu_graph_free(&g);
}
END_TEST

/* ---- Bias correction ------------------------------------------------------------------- */

/* Mean over the calibration images and positions of (output with fake-quantized weights -
 * float output), per channel of the graph's output, for the quantized graph gq against the
 * float graph gf. */
static double mean_abs_bias(const odpu_graph *gf, odpu_graph *gq, const float *x, int n)
{
    for (int i = 0; i < gq->n_nodes; i++) {
        odpu_gtensor *w = &gq->tensors[gq->nodes[i].inputs[1]];
        int64_t per_out = odpu_tensor_numel(w) / w->dims[0];
        for (int64_t o = 0; o < w->dims[0]; o++)
            for (int64_t k = 0; k < per_out; k++) {
                float s = w->q.ch_scales[o];
                double q = fmax(-127, fmin(127, rint(w->data[o * per_out + k] / s)));
                w->data[o * per_out + k] = (float)(q * s);
            }
    }
    int64_t count;
    float *yf = run_all(gf, x, n, &count), *yq = run_all(gq, x, n, &count);
    const odpu_gtensor *out = &gf->tensors[gf->outputs[0]];
    int64_t c = out->dims[1], hw = out->dims[2] * out->dims[3];
    double total = 0;
    for (int64_t ch = 0; ch < c; ch++) {
        double d = 0;
        for (int i = 0; i < n; i++)
            for (int64_t p = 0; p < hw; p++)
                d += yq[i * count + ch * hw + p] - yf[i * count + ch * hw + p];
        total += fabs(d / (n * hw));
    }
    free(yf), free(yq);
    return total / c;
}

/* A depthwise 3x3 conv on a positive input (mean far from 0), no activation: weight
 * rounding shifts each channel's mean output; bias correction removes that shift on the
 * calibration set (to float precision) and mostly on other images. */
static void build_dw_only(odpu_graph *g, test_rng *r)
{
    odpu_graph_init(g);
    int in = activation(g, "input", 8, 12, 12);
    int a = conv(g, in, &(conv_spec){"dw", 8, 3, 1, 1, 8, ODPU_ACT_NONE, NULL}, r);
    set_io(g, in, a);
}

START_TEST(bias_correction_reduces_mean_error)
{
    double err_off = 0, err_on = 0, held_off = 0, held_on = 0;
    for (int bc = 0; bc < 2; bc++) {
        test_rng r;
        test_rng_seed(&r, 7);
        odpu_graph gf, gq;
        build_dw_only(&gf, &r);
        test_rng_seed(&r, 7);
        build_dw_only(&gq, &r);
        float *x = images(&gf, N_CALIB, 0.5, 3, 8), *held = images(&gf, N_CALIB, 0.5, 3, 9);
        quantize_ok(&gq, x, N_CALIB, ODPU_CALIB_MINMAX, 0, bc);
        double e = mean_abs_bias(&gf, &gq, x, N_CALIB), h = mean_abs_bias(&gf, &gq, held, N_CALIB);
        *(bc ? &err_on : &err_off) = e;
        *(bc ? &held_on : &held_off) = h;
        free(x), free(held);
        odpu_graph_free(&gf), odpu_graph_free(&gq);
    }
    ck_assert_msg(err_off > 1e-4, "no bias to correct (%g)", err_off);
    ck_assert_msg(err_on < 1e-3 * err_off, "calibration set: %g -> %g", err_off, err_on);
    ck_assert_msg(held_on < 0.5 * held_off, "held-out images: %g -> %g", held_off, held_on);
}
END_TEST

/* ---- QDQ ------------------------------------------------------------------------------- */

static void import_ok(const char *path, odpu_graph *g)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_graph_init(g);
    ck_assert_msg(odpu_onnx_import(path, g, &err) == ODPU_OK, "%s", err.msg);
}

static int live_qdq_nodes(const odpu_graph *g)
{
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++)
        n += !g->nodes[i].dead && (g->nodes[i].op == ODPU_NODE_QUANTIZE || g->nodes[i].op == ODPU_NODE_DEQUANTIZE);
    return n;
}

static void expect_act_q(const odpu_graph *g, const char *name, float scale, int zp)
{
    const odpu_qparams *q = q_of(g, name);
    ck_assert_msg(q->valid && q->scale == scale && q->zero_point == zp && !q->ch_scales, "%s: valid %d scale %g zp %d",
                  name, q->valid, q->scale, q->zero_point);
}

/* A file written the way ONNX Runtime's static quantizer writes them. */
START_TEST(absorb_other_tools_qdq)
{
    odpu_graph g;
    import_ok("tests/data/qdq/ort_style.onnx", &g);
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_qdq_absorb(&g, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_int_eq(live_qdq_nodes(&g), 0);
    expect_act_q(&g, "x", 0.02f, 0);       /* uint8 zero point 128 -> int8 0 */
    expect_act_q(&g, "r", 0.05f, -128);    /* uint8 0 -> -128 */
    expect_act_q(&g, "m", 0.05f, -128);
    expect_act_q(&g, "logits", 0.1f, -3);  /* the output kept its name */
    ck_assert_int_eq(g.n_outputs, 1);
    ck_assert_str_eq(g.tensors[g.outputs[0]].name, "logits");
    const odpu_gtensor *w = &g.tensors[odpu_graph_find_tensor(&g, "W")];
    const float ws[3] = {0.01f, 0.02f, 0.03f};
    ck_assert(w->data && w->q.valid && w->q.n_ch_scales == 3);
    for (int o = 0; o < 3; o++)
        ck_assert(w->q.ch_scales[o] == ws[o]);
    ck_assert(w->data[4] == -127 * 0.01f); /* -128 raised to -127 */
    ck_assert(w->data[9 + 3] == -40 * 0.02f);
    const odpu_gtensor *b = &g.tensors[odpu_graph_find_tensor(&g, "B")];
    ck_assert(b->data && !b->q.valid);
    ck_assert(b->data[1] == -200 * (0.02f * 0.02f));
    const odpu_gtensor *fw = &g.tensors[odpu_graph_find_tensor(&g, "FW")];
    ck_assert(fw->q.valid && fw->q.n_ch_scales == 4 && fw->q.ch_scales[3] == 0.004f);
    odpu_graph_free(&g);
    /* Through the pipeline: canonical, nothing calibrated, the file's scales kept (the FC's
     * too, although the optimizer gives it a new weight tensor). */
    odpu_pipeline_options o;
    odpu_pipeline_default_options(&o);
    odpu_pipeline p;
    ck_assert_msg(odpu_pipeline_run("tests/data/qdq/ort_style.onnx", &o, &p, &err) == ODPU_OK, "%s", err.msg);
    ck_assert(p.qdq_input && p.calib_count == 0);
    int convs = 0;
    for (int i = 0; i < p.quant.n_nodes; i++) {
        const odpu_gnode *n = &p.quant.nodes[i];
        if (n->op != ODPU_NODE_CONV)
            continue;
        const odpu_gtensor *wt = &p.quant.tensors[n->inputs[1]];
        for (int o2 = 0; o2 < wt->q.n_ch_scales; o2++)
            ck_assert(wt->q.ch_scales[o2] == (strcmp(n->name, "fc") ? ws[o2] : 0.004f));
        convs++;
    }
    ck_assert_int_eq(convs, 2);
    expect_act_q(&p.quant, "r", 0.05f, -128); /* the ReLU fused into the CONV keeps its output */
    expect_act_q(&p.quant, "logits", 0.1f, -3);
    odpu_pipeline_free(&p);
}
END_TEST

static void absorb_fails(const char *path, const char *needle)
{
    odpu_graph g;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_graph_init(&g);
    odpu_status st = odpu_onnx_import(path, &g, &err);
    if (st == ODPU_OK)
        st = odpu_qdq_absorb(&g, &err);
    ck_assert_msg(st != ODPU_OK, "%s was absorbed", path);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "%s: '%s' lacks '%s'", path, err.msg, needle);
    odpu_graph_free(&g);
}

START_TEST(absorb_refuses_what_the_engine_cannot_run)
{
    absorb_fails("tests/data/qdq/mismatch.onnx", "x_DQ");
    absorb_fails("tests/data/qdq/per_axis_act.onnx", "per-axis");
    absorb_fails("tests/data/qdq/int8_input.onnx", "x");
}
END_TEST

/* A graph with every canonical operator and activation kind. */
static void build_rich(odpu_graph *g, test_rng *r)
{
    odpu_graph_init(g);
    int in = activation(g, "input", 3, 8, 8);
    int a = conv(g, in, &(conv_spec){"stem", 8, 3, 1, 1, 1, ODPU_ACT_RELU, NULL}, r);
    int p = maxpool(g, "pool", a, 2);
    int dw = conv(g, p, &(conv_spec){"dw", 8, 3, 1, 1, 8, ODPU_ACT_CLIP, NULL}, r);
    int pw = conv(g, dw, &(conv_spec){"pw", 8, 1, 1, 0, 1, ODPU_ACT_NONE, NULL}, r);
    int lk = conv(g, p, &(conv_spec){"leaky", 8, 3, 1, 1, 2, ODPU_ACT_LEAKY, NULL}, r);
    int sum = activation(g, "sum", 8, 4, 4);
    int add_in[2] = {pw, lk};
    int an = node(g, ODPU_NODE_ADD, "add", add_in, 2, sum);
    g->nodes[an].act = ODPU_ACT_RELU;
    int cat = activation(g, "cat", 16, 4, 4);
    int cat_in[2] = {sum, p};
    node(g, ODPU_NODE_CONCAT, "concat", cat_in, 2, cat);
    int avg = activation(g, "avg", 16, 2, 2);
    int avn = node(g, ODPU_NODE_AVGPOOL, "avgpool", &cat, 1, avg);
    g->nodes[avn].a.kernel[0] = g->nodes[avn].a.kernel[1] = 2;
    g->nodes[avn].a.stride[0] = g->nodes[avn].a.stride[1] = 2;
    int gap = activation(g, "gap", 16, 1, 1);
    node(g, ODPU_NODE_GLOBAL_AVGPOOL, "gap", &avg, 1, gap);
    int fc = conv(g, gap, &(conv_spec){"fc", 10, 1, 1, 0, 1, ODPU_ACT_NONE, NULL}, r);
    int prob = activation(g, "prob", 10, 1, 1);
    node(g, ODPU_NODE_SOFTMAX, "softmax", &fc, 1, prob);
    set_io(g, in, prob);
}

/* Export, import, absorb, optimize: the same parameters and the same integer weights and
 * biases, tensor for tensor and node for node. */
START_TEST(qdq_round_trip)
{
    test_rng r;
    test_rng_seed(&r, 11);
    odpu_graph g, back;
    build_rich(&g, &r);
    float *x = images(&g, N_CALIB, -1, 1, 12);
    quantize_ok(&g, x, N_CALIB, ODPU_CALIB_ENTROPY, 1, 1);
    char path[] = "/tmp/odpu_qdq_XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_qdq_export(&g, path, &err) == ODPU_OK, "%s", err.msg);
    import_ok(path, &back);
    unlink(path);
    ck_assert_msg(odpu_qdq_absorb(&back, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_graph_optimize(&back, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_ptq_complete_qdq(&back, &err) == ODPU_OK, "%s", err.msg);
    int compared = 0;
    for (int t = 0; t < g.n_tensors; t++) {
        const odpu_gtensor *a = &g.tensors[t];
        if (!a->q.valid || a->q.ch_scales)
            continue;
        ck_assert_msg(same_q(&a->q, q_of(&back, a->name)), "tensor %s", a->name);
        compared++;
    }
    ck_assert_int_eq(compared, 11); /* every activation but the softmax output */
    for (int i = 0; i < g.n_nodes; i++) {
        const odpu_gnode *n = &g.nodes[i];
        if (n->op != ODPU_NODE_CONV)
            continue;
        const odpu_gnode *m = NULL;
        for (int j = 0; j < back.n_nodes; j++)
            if (!back.nodes[j].dead && !strcmp(back.nodes[j].name, n->name))
                m = &back.nodes[j];
        ck_assert_msg(m && m->op == ODPU_NODE_CONV && m->act == n->act, "node %s", n->name);
        const odpu_gtensor *wa = &g.tensors[n->inputs[1]], *wb = &back.tensors[m->inputs[1]];
        const odpu_gtensor *ba = &g.tensors[n->inputs[2]], *bb = &back.tensors[m->inputs[2]];
        ck_assert(odpu_tensor_numel(wa) == odpu_tensor_numel(wb) && wb->q.n_ch_scales == wa->q.n_ch_scales);
        int64_t per_out = odpu_tensor_numel(wa) / wa->dims[0];
        float s_in = g.tensors[n->inputs[0]].q.scale;
        for (int64_t o = 0; o < wa->dims[0]; o++) {
            float s = wa->q.ch_scales[o];
            ck_assert(wb->q.ch_scales[o] == s);
            for (int64_t k = 0; k < per_out; k++)
                ck_assert(rint(wa->data[o * per_out + k] / s) == rint(wb->data[o * per_out + k] / s));
            ck_assert(rint(ba->data[o] / (s_in * s)) == rint(bb->data[o] / (s_in * s)));
        }
    }
    free(x);
    odpu_graph_free(&g);
    odpu_graph_free(&back);
}
END_TEST

/* ---- Bad input ------------------------------------------------------------------------- */

static void ptq_fails(odpu_graph *g, const float *x, int n, const odpu_ptq_options *o, const char *needle)
{
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_ne(odpu_ptq_quantize(g, x, n, o, &err), ODPU_OK);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "'%s' lacks '%s'", err.msg, needle);
}

START_TEST(bad_calibration)
{
    test_rng r;
    test_rng_seed(&r, 13);
    odpu_graph g;
    build_branches(&g, &r);
    float *x = images(&g, 2, -1, 1, 14);
    odpu_ptq_options o;
    odpu_ptq_default_options(&o);
    ptq_fails(&g, x, 0, &o, "empty");
    ptq_fails(&g, NULL, 3, &o, "empty");
    o.method = (odpu_calib_method)7;
    ptq_fails(&g, x, 2, &o, "method 7");
    odpu_ptq_default_options(&o);
    o.method = ODPU_CALIB_PERCENTILE;
    o.percentile = 0;
    ptq_fails(&g, x, 2, &o, "percentile");
    odpu_ptq_default_options(&o);
    x[5] = NAN;
    ptq_fails(&g, x, 2, &o, "NaN");
    /* A non-canonical node. */
    g.nodes[0].op = ODPU_NODE_RELU;
    ptq_fails(&g, x, 2, &o, "not canonical");
    free(x);
    odpu_graph_free(&g);
}
END_TEST

/* IDX files (uncompressed) of n images h x w with the given labels, in dir. */
static void write_idx(const char *dir, int n, int h, int w, const uint8_t *labels)
{
    char path[256];
    snprintf(path, sizeof path, "%s/images.idx", dir);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    const uint8_t head[16] = {0, 0, 8, 3, 0, 0, (uint8_t)(n >> 8), (uint8_t)n, 0, 0, 0, (uint8_t)h, 0, 0, 0, (uint8_t)w};
    fwrite(head, 1, sizeof head, f);
    for (int i = 0; i < n * h * w; i++)
        fputc(i * 7 % 256, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/labels.idx", dir);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    const uint8_t lhead[8] = {0, 0, 8, 1, 0, 0, (uint8_t)(n >> 8), (uint8_t)n};
    fwrite(lhead, 1, sizeof lhead, f);
    fwrite(labels, 1, (size_t)n, f);
    fclose(f);
}

static void pipeline_fails(const char *onnx, const odpu_pipeline_options *o, const char *needle)
{
    odpu_pipeline p;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_ne(odpu_pipeline_run(onnx, o, &p, &err), ODPU_OK);
    ck_assert_msg(strstr(err.msg, needle) != NULL, "'%s' lacks '%s'", err.msg, needle);
}

START_TEST(pipeline_bad_input)
{
    const char *onnx = "models/mnist_cnn/mnist_cnn.onnx";
    char dir[] = "/tmp/odpu_calib_XXXXXX", spec[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(spec, sizeof spec, "idx:%s/images.idx,%s/labels.idx", dir, dir);
    odpu_pipeline_options o;
    odpu_pipeline_default_options(&o);
    pipeline_fails(onnx, &o, "calibration data");
    /* Images of the wrong size for a model that does not resize. */
    uint8_t labels[4] = {1, 2, 3, 4};
    write_idx(dir, 4, 32, 32, labels);
    o.calib_spec = spec;
    pipeline_fails(onnx, &o, "32x32");
    /* Labels beyond the model's 10 classes. */
    labels[2] = 12;
    write_idx(dir, 4, 28, 28, labels);
    pipeline_fails(onnx, &o, "labelled 12");
    /* Preprocessing that does not make the model's input. */
    labels[2] = 3;
    write_idx(dir, 4, 28, 28, labels);
    odpu_preprocess pre = {32, 32, 1, 1, 1.0f / 255, {0}, {1, 1, 1, 1}};
    o.pre = &pre;
    pipeline_fails(onnx, &o, "1x28x28");
    o.pre = NULL;
    /* And the same data accepted. */
    odpu_pipeline p;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_pipeline_run(onnx, &o, &p, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_int_eq(p.calib_count, 4);
    ck_assert(p.has_meta && !p.qdq_input);
    odpu_pipeline_free(&p);
    /* A missing dataset, an unknown model.yaml. */
    o.calib_spec = "idx:/nonexistent/a,/nonexistent/b";
    pipeline_fails(onnx, &o, "/nonexistent/a");
    o.calib_spec = spec;
    o.meta_path = "/nonexistent/model.yaml";
    pipeline_fails(onnx, &o, "/nonexistent/model.yaml");
    char path[600];
    snprintf(path, sizeof path, "%s/images.idx", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/labels.idx", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *ptq_suite(void)
{
    Suite *s = suite_create("ptq");
    TCase *tc = tcase_create("ptq");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sharing_constraints);
    tcase_add_test(tc, cle_is_exact_and_balances);
    tcase_add_test(tc, cle_skips_clip_and_crosses_pools);
    tcase_add_test(tc, cle_through_concat);
    tcase_add_test(tc, bias_correction_reduces_mean_error);
    tcase_add_test(tc, absorb_other_tools_qdq);
    tcase_add_test(tc, absorb_refuses_what_the_engine_cannot_run);
    tcase_add_test(tc, qdq_round_trip);
    tcase_add_test(tc, bad_calibration);
    tcase_add_test(tc, pipeline_bad_input);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(ptq_suite)
