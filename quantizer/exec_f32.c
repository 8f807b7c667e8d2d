/* exec_f32.c - the FP32 executor of the graph IR (see graph.h): runs every operator the ONNX
 * importer accepts, before and after odpu_graph_optimize, in float32. It is the FP32 column of
 * the evaluation and the calibration engine of PTQ (observer after every node). */
#include "quantizer/graph.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct odpu_f32_exec {
    const odpu_graph *g;
    float **val;      /* per tensor: the constant's data or an owned activation buffer */
    char *owned;      /* per tensor: val is an activation buffer of this executor */
    int64_t *count;   /* per tensor: element count */
    float *col;       /* lowered CONV input (im2col), sized for the largest CONV */
};

/* ---- Helpers --------------------------------------------------------------------------- */

static const odpu_gtensor *tin(const odpu_f32_exec *ex, const odpu_gnode *n, int k)
{
    return k < n->n_inputs && n->inputs[k] >= 0 ? &ex->g->tensors[n->inputs[k]] : NULL;
}

static const float *vin(const odpu_f32_exec *ex, const odpu_gnode *n, int k)
{
    return k < n->n_inputs && n->inputs[k] >= 0 ? ex->val[n->inputs[k]] : NULL;
}

static float *vout(const odpu_f32_exec *ex, const odpu_gnode *n) { return ex->val[n->outputs[0]]; }
static const odpu_gtensor *tout(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    return &ex->g->tensors[n->outputs[0]];
}

static int64_t prod(const int64_t *d, int from, int to)
{
    int64_t p = 1;
    for (int i = from; i < to; i++)
        p *= d[i];
    return p;
}

/* The fused activation of CONV/ADD/MAXPOOL (and any op the passes give one). */
static void apply_act(const odpu_gnode *n, float *y, int64_t count)
{
    switch (n->act) {
    case ODPU_ACT_NONE: return;
    case ODPU_ACT_RELU:
        for (int64_t i = 0; i < count; i++)
            y[i] = y[i] > 0.0f ? y[i] : 0.0f;
        return;
    case ODPU_ACT_CLIP:
        for (int64_t i = 0; i < count; i++)
            y[i] = y[i] < n->act_min ? n->act_min : y[i] > n->act_max ? n->act_max : y[i];
        return;
    case ODPU_ACT_LEAKY:
        for (int64_t i = 0; i < count; i++)
            y[i] = y[i] < 0.0f ? y[i] * n->act_alpha : y[i];
        return;
    }
}

/* ---- Convolution ----------------------------------------------------------------------- */

/* Output columns ox whose input column ox*s + start lies in [0, in): [*lo, *hi). */
static void valid_range(int64_t out, int64_t in, int s, int64_t start, int64_t *lo, int64_t *hi)
{
    int64_t l = start >= 0 ? 0 : (-start + s - 1) / s;
    int64_t h = in - start <= 0 ? 0 : (in - start + s - 1) / s;
    *lo = l < out ? l : out;
    *hi = h < out ? h : out;
    if (*hi < *lo)
        *hi = *lo;
}

/* One group of one image as columns: col[(c*kh + ky)*kw + kx][oy*ow + ox] is the input under
 * tap (ky, kx) of output (oy, ox), 0 in the padding. */
static void im2col(const odpu_node_attrs *a, const float *x, int64_t cg, int64_t ih, int64_t iw, float *col,
                   int64_t oh, int64_t ow)
{
    const int kh = a->kernel[0], kw = a->kernel[1], sh = a->stride[0], sw = a->stride[1];
    for (int64_t c = 0; c < cg; c++)
        for (int ky = 0; ky < kh; ky++) {
            const int64_t yoff = (int64_t)ky * a->dilation[0] - a->pads[0];
            int64_t oy_lo, oy_hi;
            valid_range(oh, ih, sh, yoff, &oy_lo, &oy_hi);
            for (int kx = 0; kx < kw; kx++) {
                const int64_t xoff = (int64_t)kx * a->dilation[1] - a->pads[1];
                int64_t ox_lo, ox_hi;
                valid_range(ow, iw, sw, xoff, &ox_lo, &ox_hi);
                float *row = col + ((c * kh + ky) * kw + kx) * oh * ow;
                for (int64_t oy = 0; oy < oh; oy++) {
                    float *r = row + oy * ow;
                    if (oy < oy_lo || oy >= oy_hi) {
                        memset(r, 0, (size_t)ow * sizeof *r);
                        continue;
                    }
                    const float *xr = x + (c * ih + oy * sh + yoff) * iw + xoff;
                    for (int64_t ox = 0; ox < ox_lo; ox++)
                        r[ox] = 0.0f;
                    if (sw == 1)
                        memcpy(r + ox_lo, xr + ox_lo, (size_t)(ox_hi - ox_lo) * sizeof *r);
                    else
                        for (int64_t ox = ox_lo; ox < ox_hi; ox++)
                            r[ox] = xr[ox * sw];
                    for (int64_t ox = ox_hi; ox < ow; ox++)
                        r[ox] = 0.0f;
                }
            }
        }
}

/* Output rows shorter than this are computed as dot products (FC layers: one position). */
enum { GEMM_MIN_ROW = 8, GEMM_BLOCK = 4 };

/* y[o][j] = bias[o] + sum_k w[o][k] * col[k][j] for m outputs, k taps, p positions. Four
 * output channels at a time share each load of a column row. */
static void conv_gemm(const float *restrict w, const float *restrict col, const float *bias, float *restrict y,
                      int64_t m, int64_t k, int64_t p)
{
    int64_t o = 0;
    if (p >= GEMM_MIN_ROW) {
        for (; o + GEMM_BLOCK <= m; o += GEMM_BLOCK) {
            float *restrict y0 = y + o * p, *restrict y1 = y0 + p, *restrict y2 = y1 + p, *restrict y3 = y2 + p;
            for (int64_t j = 0; j < p; j++) {
                y0[j] = bias ? bias[o] : 0.0f;
                y1[j] = bias ? bias[o + 1] : 0.0f;
                y2[j] = bias ? bias[o + 2] : 0.0f;
                y3[j] = bias ? bias[o + 3] : 0.0f;
            }
            const float *w0 = w + o * k, *w1 = w0 + k, *w2 = w1 + k, *w3 = w2 + k;
            for (int64_t kk = 0; kk < k; kk++) {
                const float a0 = w0[kk], a1 = w1[kk], a2 = w2[kk], a3 = w3[kk];
                const float *restrict cr = col + kk * p;
                for (int64_t j = 0; j < p; j++) {
                    const float v = cr[j];
                    y0[j] += a0 * v;
                    y1[j] += a1 * v;
                    y2[j] += a2 * v;
                    y3[j] += a3 * v;
                }
            }
        }
        for (; o < m; o++) {
            float *restrict yo = y + o * p;
            for (int64_t j = 0; j < p; j++)
                yo[j] = bias ? bias[o] : 0.0f;
            for (int64_t kk = 0; kk < k; kk++) {
                const float a = w[o * k + kk];
                const float *restrict cr = col + kk * p;
                for (int64_t j = 0; j < p; j++)
                    yo[j] += a * cr[j];
            }
        }
        return;
    }
    for (; o < m; o++)
        for (int64_t j = 0; j < p; j++) {
            float acc = bias ? bias[o] : 0.0f;
            const float *wo = w + o * k;
            for (int64_t kk = 0; kk < k; kk++)
                acc += wo[kk] * col[kk * p + j];
            y[o * p + j] = acc;
        }
}

/* A 1x1 kernel with stride 1 and no padding reads the input as it is: no lowering. */
static int conv_is_pointwise(const odpu_node_attrs *a)
{
    return a->kernel[0] == 1 && a->kernel[1] == 1 && a->stride[0] == 1 && a->stride[1] == 1 &&
           !(a->pads[0] | a->pads[1] | a->pads[2] | a->pads[3]);
}

static void run_conv(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0), *wt = tin(ex, n, 1), *yt = tout(ex, n);
    const float *x = vin(ex, n, 0), *w = vin(ex, n, 1), *b = vin(ex, n, 2);
    float *y = vout(ex, n);
    const int64_t nb = xt->dims[0], c = xt->dims[1], ih = xt->dims[2], iw = xt->dims[3];
    const int64_t m = yt->dims[1], oh = yt->dims[2], ow = yt->dims[3];
    const int64_t cg = wt->dims[1], mg = m / n->a.group;
    const int64_t k = cg * n->a.kernel[0] * n->a.kernel[1];
    const int pointwise = conv_is_pointwise(&n->a);
    for (int64_t bi = 0; bi < nb; bi++)
        for (int grp = 0; grp < n->a.group; grp++) {
            const float *xg = x + (bi * c + grp * cg) * ih * iw;
            if (!pointwise)
                im2col(&n->a, xg, cg, ih, iw, ex->col, oh, ow);
            conv_gemm(w + grp * mg * k, pointwise ? xg : ex->col, b ? b + grp * mg : NULL,
                      y + (bi * m + grp * mg) * oh * ow, mg, k, oh * ow);
        }
}

/* Scratch floats a CONV needs for its lowered input. */
static int64_t conv_col_len(const odpu_graph *g, const odpu_gnode *n)
{
    if (conv_is_pointwise(&n->a))
        return 0;
    const odpu_gtensor *w = &g->tensors[n->inputs[1]], *y = &g->tensors[n->outputs[0]];
    return w->dims[1] * w->dims[2] * w->dims[3] * y->dims[2] * y->dims[3];
}

/* ---- Matrix products ------------------------------------------------------------------- */

static void run_gemm(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *at = tin(ex, n, 0), *bt = tin(ex, n, 1), *ct = tin(ex, n, 2);
    const float *a = vin(ex, n, 0), *b = vin(ex, n, 1), *c = vin(ex, n, 2);
    float *y = vout(ex, n);
    const int ta = n->a.trans_a, tb = n->a.trans_b;
    const int64_t m = at->dims[ta ? 1 : 0], k = at->dims[ta ? 0 : 1], nn = bt->dims[tb ? 0 : 1];
    int64_t cm = 1, cn = 1;
    if (ct) {
        cm = ct->rank == 2 ? ct->dims[0] : 1;
        cn = ct->rank >= 1 ? ct->dims[ct->rank - 1] : 1;
    }
    for (int64_t i = 0; i < m; i++) {
        float *yr = y + i * nn;
        for (int64_t j = 0; j < nn; j++)
            yr[j] = 0.0f;
        for (int64_t kk = 0; kk < k; kk++) {
            const float av = a[ta ? kk * m + i : i * k + kk];
            if (tb) {
                for (int64_t j = 0; j < nn; j++)
                    yr[j] += av * b[j * k + kk];
            } else {
                const float *br = b + kk * nn;
                for (int64_t j = 0; j < nn; j++)
                    yr[j] += av * br[j];
            }
        }
        for (int64_t j = 0; j < nn; j++) {
            float cv = c ? c[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)] : 0.0f;
            yr[j] = n->a.alpha * yr[j] + n->a.beta * cv;
        }
    }
}

static void run_matmul(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *at = tin(ex, n, 0), *bt = tin(ex, n, 1);
    const float *a = vin(ex, n, 0), *b = vin(ex, n, 1);
    float *y = vout(ex, n);
    const int64_t k = bt->dims[0], nn = bt->dims[1];
    const int64_t rows = odpu_tensor_numel(at) / k;
    for (int64_t r = 0; r < rows; r++) {
        float *yr = y + r * nn;
        for (int64_t j = 0; j < nn; j++)
            yr[j] = 0.0f;
        for (int64_t kk = 0; kk < k; kk++) {
            const float av = a[r * k + kk];
            const float *br = b + kk * nn;
            for (int64_t j = 0; j < nn; j++)
                yr[j] += av * br[j];
        }
    }
}

/* ---- Normalization and element-wise ---------------------------------------------------- */

static void run_batchnorm(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0);
    const float *x = vin(ex, n, 0), *s = vin(ex, n, 1), *bb = vin(ex, n, 2), *mean = vin(ex, n, 3),
                *var = vin(ex, n, 4);
    float *y = vout(ex, n);
    const int64_t nb = xt->dims[0], c = xt->dims[1], inner = prod(xt->dims, 2, xt->rank);
    for (int64_t bi = 0; bi < nb; bi++)
        for (int64_t ch = 0; ch < c; ch++) {
            const float k = s[ch] / sqrtf(var[ch] + n->a.epsilon);
            const float sh = bb[ch] - mean[ch] * k;
            const float *xc = x + (bi * c + ch) * inner;
            float *yc = y + (bi * c + ch) * inner;
            for (int64_t i = 0; i < inner; i++)
                yc[i] = xc[i] * k + sh;
        }
}

static void run_unary(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const float *x = vin(ex, n, 0);
    float *y = vout(ex, n);
    const int64_t cnt = ex->count[n->outputs[0]];
    switch (n->op) {
    case ODPU_NODE_RELU:
        for (int64_t i = 0; i < cnt; i++)
            y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case ODPU_NODE_CLIP:
        for (int64_t i = 0; i < cnt; i++)
            y[i] = x[i] < n->a.clip_min ? n->a.clip_min : x[i] > n->a.clip_max ? n->a.clip_max : x[i];
        break;
    case ODPU_NODE_LEAKY_RELU:
        for (int64_t i = 0; i < cnt; i++)
            y[i] = x[i] < 0.0f ? x[i] * n->a.alpha : x[i];
        break;
    default: /* Identity, Dropout, Flatten, Reshape: the data does not move in NCHW order */
        memcpy(y, x, (size_t)cnt * sizeof *y);
        break;
    }
}

/* Numpy broadcasting: walk the output index, advancing each input by its (0 for broadcast)
 * stride. */
static void run_add(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *at = tin(ex, n, 0), *bt = tin(ex, n, 1), *yt = tout(ex, n);
    const float *a = vin(ex, n, 0), *b = vin(ex, n, 1);
    float *y = vout(ex, n);
    const int64_t cnt = ex->count[n->outputs[0]];
    if (ex->count[n->inputs[0]] == cnt && ex->count[n->inputs[1]] == cnt) {
        for (int64_t i = 0; i < cnt; i++)
            y[i] = a[i] + b[i];
        return;
    }
    const int r = yt->rank;
    int64_t sa[ODPU_MAX_RANK] = {0}, sb[ODPU_MAX_RANK] = {0}, idx[ODPU_MAX_RANK] = {0};
    int64_t stride_a = 1, stride_b = 1;
    for (int i = r - 1; i >= 0; i--) {
        int ia = i - (r - at->rank), ib = i - (r - bt->rank);
        int64_t da = ia >= 0 ? at->dims[ia] : 1, db = ib >= 0 ? bt->dims[ib] : 1;
        sa[i] = da == 1 ? 0 : stride_a;
        sb[i] = db == 1 ? 0 : stride_b;
        stride_a *= da;
        stride_b *= db;
    }
    int64_t pa = 0, pb = 0;
    for (int64_t i = 0; i < cnt; i++) {
        y[i] = a[pa] + b[pb];
        for (int d = r - 1; d >= 0; d--) { /* odometer increment */
            idx[d]++;
            pa += sa[d];
            pb += sb[d];
            if (idx[d] < yt->dims[d])
                break;
            pa -= sa[d] * idx[d];
            pb -= sb[d] * idx[d];
            idx[d] = 0;
        }
    }
}

static void run_concat(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *yt = tout(ex, n);
    float *y = vout(ex, n);
    const int ax = n->a.axis;
    const int64_t outer = prod(yt->dims, 0, ax), inner = prod(yt->dims, ax + 1, yt->rank);
    const int64_t yrow = yt->dims[ax] * inner;
    int64_t off = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        const odpu_gtensor *xt = tin(ex, n, k);
        const float *x = vin(ex, n, k);
        const int64_t xrow = xt->dims[ax] * inner;
        for (int64_t o = 0; o < outer; o++)
            memcpy(y + o * yrow + off, x + o * xrow, (size_t)xrow * sizeof *y);
        off += xrow;
    }
}

/* Opset >= 13: along one axis; before: over the input flattened to 2-D at axis. */
enum { SOFTMAX_SINGLE_AXIS_OPSET = 13 };
static void run_softmax(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0);
    const float *x = vin(ex, n, 0);
    float *y = vout(ex, n);
    const int ax = n->a.axis;
    const int single = ex->g->opset >= SOFTMAX_SINGLE_AXIS_OPSET;
    const int64_t outer = prod(xt->dims, 0, ax);
    const int64_t len = single ? xt->dims[ax] : prod(xt->dims, ax, xt->rank);
    const int64_t inner = single ? prod(xt->dims, ax + 1, xt->rank) : 1;
    for (int64_t o = 0; o < outer; o++)
        for (int64_t in = 0; in < inner; in++) {
            const float *xs = x + o * len * inner + in;
            float *ys = y + o * len * inner + in;
            float mx = -FLT_MAX;
            for (int64_t i = 0; i < len; i++)
                mx = xs[i * inner] > mx ? xs[i * inner] : mx;
            double sum = 0.0;
            for (int64_t i = 0; i < len; i++) {
                ys[i * inner] = expf(xs[i * inner] - mx);
                sum += ys[i * inner];
            }
            for (int64_t i = 0; i < len; i++)
                ys[i * inner] = (float)(ys[i * inner] / sum);
        }
}

/* ---- Pooling --------------------------------------------------------------------------- */

static void run_pool(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0), *yt = tout(ex, n);
    const float *x = vin(ex, n, 0);
    float *y = vout(ex, n);
    const odpu_node_attrs *a = &n->a;
    const int64_t planes = xt->dims[0] * xt->dims[1], ih = xt->dims[2], iw = xt->dims[3];
    const int64_t oh = yt->dims[2], ow = yt->dims[3];
    const int is_max = n->op == ODPU_NODE_MAXPOOL;
    for (int64_t p = 0; p < planes; p++) {
        const float *xp = x + p * ih * iw;
        float *yp = y + p * oh * ow;
        for (int64_t oy = 0; oy < oh; oy++) {
            const int64_t y0 = oy * a->stride[0] - a->pads[0], y1 = y0 + a->kernel[0];
            const int64_t ys = y0 > 0 ? y0 : 0, ye = y1 < ih ? y1 : ih;
            for (int64_t ox = 0; ox < ow; ox++) {
                const int64_t x0 = ox * a->stride[1] - a->pads[1], x1 = x0 + a->kernel[1];
                const int64_t xs = x0 > 0 ? x0 : 0, xe = x1 < iw ? x1 : iw;
                if (is_max) {
                    float m = -FLT_MAX;
                    for (int64_t yy = ys; yy < ye; yy++)
                        for (int64_t xx = xs; xx < xe; xx++)
                            m = xp[yy * iw + xx] > m ? xp[yy * iw + xx] : m;
                    yp[oy * ow + ox] = m;
                } else {
                    double s = 0.0;
                    for (int64_t yy = ys; yy < ye; yy++)
                        for (int64_t xx = xs; xx < xe; xx++)
                            s += xp[yy * iw + xx];
                    /* count_include_pad: the window clipped to the padded input (as PyTorch,
                     * which matters with ceil_mode); else only the input positions. */
                    int64_t cnt;
                    if (a->count_include_pad) {
                        int64_t ylim = ih + a->pads[2], xlim = iw + a->pads[3];
                        cnt = ((y1 < ylim ? y1 : ylim) - y0) * ((x1 < xlim ? x1 : xlim) - x0);
                    } else {
                        cnt = (ye - ys) * (xe - xs);
                    }
                    yp[oy * ow + ox] = (float)(s / (double)cnt);
                }
            }
        }
    }
}

static void run_global_avgpool(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0);
    const float *x = vin(ex, n, 0);
    float *y = vout(ex, n);
    const int64_t planes = xt->dims[0] * xt->dims[1], hw = xt->dims[2] * xt->dims[3];
    for (int64_t p = 0; p < planes; p++) {
        double s = 0.0;
        for (int64_t i = 0; i < hw; i++)
            s += x[p * hw + i];
        y[p] = (float)(s / (double)hw);
    }
}

/* ---- Quantize / dequantize (QDQ models) ------------------------------------------------ */

static void run_qdq(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    const odpu_gtensor *xt = tin(ex, n, 0), *st = tin(ex, n, 1);
    const float *x = vin(ex, n, 0), *s = vin(ex, n, 1), *zp = vin(ex, n, 2);
    float *y = vout(ex, n);
    const int64_t cnt = ex->count[n->outputs[0]];
    const int per_axis = odpu_tensor_numel(st) != 1;
    const int64_t inner = per_axis ? prod(xt->dims, n->a.axis + 1, xt->rank) : cnt;
    const int64_t nch = per_axis ? xt->dims[n->a.axis] : 1;
    for (int64_t i = 0; i < cnt; i++) {
        const int64_t ch = per_axis ? (i / inner) % nch : 0;
        const float z = zp ? zp[ch] : 0.0f;
        if (n->op == ODPU_NODE_QUANTIZE) {
            /* ONNX: saturate(round_half_even(x / scale) + zero_point) */
            float q = nearbyintf(x[i] / s[ch]) + z;
            y[i] = q < n->a.clip_min ? n->a.clip_min : q > n->a.clip_max ? n->a.clip_max : q;
        } else {
            y[i] = (x[i] - z) * s[ch];
        }
    }
}

/* ---- Driver ---------------------------------------------------------------------------- */

static void run_node(const odpu_f32_exec *ex, const odpu_gnode *n)
{
    switch (n->op) {
    case ODPU_NODE_CONV: run_conv(ex, n); break;
    case ODPU_NODE_GEMM: run_gemm(ex, n); break;
    case ODPU_NODE_MATMUL: run_matmul(ex, n); break;
    case ODPU_NODE_BATCHNORM: run_batchnorm(ex, n); break;
    case ODPU_NODE_MAXPOOL:
    case ODPU_NODE_AVGPOOL: run_pool(ex, n); break;
    case ODPU_NODE_GLOBAL_AVGPOOL: run_global_avgpool(ex, n); break;
    case ODPU_NODE_ADD: run_add(ex, n); break;
    case ODPU_NODE_CONCAT: run_concat(ex, n); break;
    case ODPU_NODE_SOFTMAX: run_softmax(ex, n); break;
    case ODPU_NODE_QUANTIZE:
    case ODPU_NODE_DEQUANTIZE: run_qdq(ex, n); break;
    case ODPU_NODE_RELU:
    case ODPU_NODE_CLIP:
    case ODPU_NODE_LEAKY_RELU:
    case ODPU_NODE_FLATTEN:
    case ODPU_NODE_RESHAPE:
    case ODPU_NODE_IDENTITY: run_unary(ex, n); break;
    case ODPU_NODE_OP_COUNT: break;
    }
    apply_act(n, vout(ex, n), ex->count[n->outputs[0]]);
}

void odpu_f32_exec_destroy(odpu_f32_exec *ex)
{
    if (!ex)
        return;
    if (ex->val)
        for (int t = 0; t < ex->g->n_tensors; t++)
            if (ex->owned[t])
                free(ex->val[t]);
    free(ex->val);
    free(ex->owned);
    free(ex->count);
    free(ex->col);
    free(ex);
}

static odpu_status alloc_tensor(odpu_f32_exec *ex, int t, odpu_err *err)
{
    const odpu_gtensor *x = &ex->g->tensors[t];
    int64_t cnt = odpu_tensor_numel(x);
    if (cnt < 0 || (uint64_t)cnt > SIZE_MAX / sizeof(float))
        return odpu_fail(err, ODPU_E_MISMATCH, "tensor '%s': shape unknown or too large (run shape inference)",
                         x->name);
    ex->count[t] = cnt;
    if (x->data) {
        ex->val[t] = x->data;
        return ODPU_OK;
    }
    if (ex->owned[t])
        return ODPU_OK;
    ex->val[t] = calloc(cnt ? (size_t)cnt : 1, sizeof(float));
    if (!ex->val[t])
        return odpu_fail(err, ODPU_E_NOMEM, "tensor '%s': out of memory (%lld floats)", x->name, (long long)cnt);
    ex->owned[t] = 1;
    return ODPU_OK;
}

odpu_status odpu_f32_exec_create(const odpu_graph *g, odpu_f32_exec **out, odpu_err *err)
{
    *out = NULL;
    if (g->n_inputs < 1 || g->n_outputs < 1)
        return odpu_fail(err, ODPU_E_ARG, "%s: the graph has no inputs or no outputs",
                         g->source ? g->source : "graph");
    odpu_f32_exec *ex = calloc(1, sizeof *ex);
    if (!ex)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    ex->g = g;
    size_t nt = g->n_tensors ? (size_t)g->n_tensors : 1;
    ex->val = calloc(nt, sizeof *ex->val);
    ex->owned = calloc(nt, 1);
    ex->count = calloc(nt, sizeof *ex->count);
    odpu_status st = ODPU_OK;
    if (!ex->val || !ex->owned || !ex->count)
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int i = 0; i < g->n_inputs && !st; i++)
        st = alloc_tensor(ex, g->inputs[i], err);
    for (int ni = 0; ni < g->n_nodes && !st; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        if (n->dead)
            continue;
        if (n->op < 0 || n->op >= ODPU_NODE_OP_COUNT || n->n_outputs < 1)
            st = odpu_fail(err, ODPU_E_ARG, "node '%s': cannot be executed", n->name);
        for (int k = 0; k < n->n_inputs && !st; k++)
            if (n->inputs[k] >= 0) {
                st = alloc_tensor(ex, n->inputs[k], err);
                if (!st && !ex->val[n->inputs[k]])
                    st = odpu_fail(err, ODPU_E_ARG, "node '%s': input '%s' is never computed", n->name,
                                   g->tensors[n->inputs[k]].name);
            }
        if (!st)
            st = alloc_tensor(ex, n->outputs[0], err);
    }
    int64_t col_len = 1;
    for (int ni = 0; ni < g->n_nodes && !st; ni++)
        if (!g->nodes[ni].dead && g->nodes[ni].op == ODPU_NODE_CONV && conv_col_len(g, &g->nodes[ni]) > col_len)
            col_len = conv_col_len(g, &g->nodes[ni]);
    if (!st && !(ex->col = malloc((size_t)col_len * sizeof *ex->col)))
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory (%lld floats of CONV scratch)", (long long)col_len);
    for (int k = 0; k < g->n_outputs && !st; k++)
        if (!ex->val[g->outputs[k]])
            st = odpu_fail(err, ODPU_E_ARG, "graph output '%s' is never computed", g->tensors[g->outputs[k]].name);
    if (st) {
        if (ex->val && ex->owned)
            odpu_f32_exec_destroy(ex);
        else {
            free(ex->val);
            free(ex->owned);
            free(ex->count);
            free(ex);
        }
        return st;
    }
    *out = ex;
    return ODPU_OK;
}

odpu_status odpu_f32_exec_run_inputs(odpu_f32_exec *ex, const float *const *inputs, int n_inputs,
                                     odpu_tensor_observer observer, void *user, odpu_err *err)
{
    const odpu_graph *g = ex->g;
    if (n_inputs != g->n_inputs)
        return odpu_fail(err, ODPU_E_ARG, "%d inputs given, the graph has %d", n_inputs, g->n_inputs);
    for (int i = 0; i < n_inputs; i++) {
        int t = g->inputs[i];
        memcpy(ex->val[t], inputs[i], (size_t)ex->count[t] * sizeof(float));
        if (observer && observer(user, g, t, ex->val[t], ex->count[t]))
            return odpu_fail(err, ODPU_E_ARG, "run aborted by the observer at input '%s'", g->tensors[t].name);
    }
    for (int ni = 0; ni < g->n_nodes; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        if (n->dead)
            continue;
        run_node(ex, n);
        int t = n->outputs[0];
        if (observer && observer(user, g, t, ex->val[t], ex->count[t]))
            return odpu_fail(err, ODPU_E_ARG, "run aborted by the observer after node '%s'", n->name);
    }
    return ODPU_OK;
}

odpu_status odpu_f32_exec_run(odpu_f32_exec *ex, const float *input, odpu_tensor_observer observer, void *user,
                              odpu_err *err)
{
    if (ex->g->n_inputs != 1)
        return odpu_fail(err, ODPU_E_ARG, "the graph has %d inputs; use odpu_f32_exec_run_inputs",
                         ex->g->n_inputs);
    return odpu_f32_exec_run_inputs(ex, &input, 1, observer, user, err);
}

const float *odpu_f32_exec_output(const odpu_f32_exec *ex, int k, int64_t *count)
{
    if (k < 0 || k >= ex->g->n_outputs)
        return NULL;
    return odpu_f32_exec_tensor(ex, ex->g->outputs[k], count);
}

const float *odpu_f32_exec_tensor(const odpu_f32_exec *ex, int tensor, int64_t *count)
{
    if (tensor < 0 || tensor >= ex->g->n_tensors || !ex->val[tensor])
        return NULL;
    if (count)
        *count = ex->count[tensor];
    return ex->val[tensor];
}
