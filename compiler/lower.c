/* lower.c - float weights and q annotations to the integer parameters of every layer
 * (see lower.h; the formulas are docs/quantization.md's). */
#include "compiler/lower.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/qparams.h"

enum {
    WEIGHT_QMAX = 127,           /* symmetric weights use [-127, 127] */
    ACT_RANK_NCHW = 4,
    ACT_RANK_NC = 2,
    CONV_MIN_INPUTS = 2,         /* X, W (B optional) */
    CONV_BIAS_INPUT = 2,
    ADD_INPUTS = 2,
    CHANNEL_AXIS = 1,            /* NCHW / NC */
    X_MAX_DIFF = 255,            /* |x - z_in| <= 255 for int8 x and z_in */
};

/* Two scales are "the same" if they differ by float rounding only (a QDQ round trip or two
 * observers fed the same data). */
#define SCALE_REL_TOL 1e-6
/* LeakyReLU slope and the fixed-point Q0.31 format of leaky_mult. */
#define Q31_ONE 2147483648.0

/* ---- Small helpers --------------------------------------------------------------------- */

/* Adding and subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer
 * with the FPU's rounding, ties to even (C's default mode, which nothing here changes) - what
 * nearbyint does, without a libm call per weight (a VGG classifier has 10^8 of them). Without
 * -ffast-math the compiler may not fold (v + M) - M into v. The clamp comes first, so the loop
 * has no branch and vectorizes. NaN weights are refused before this is called. */
#define ROUND_MAGIC 6755399441055744.0

static inline int8_t quantize_one(float w, double scale)
{
    double v = (double)w / scale;
    v = v > WEIGHT_QMAX ? WEIGHT_QMAX : v;
    v = v < -WEIGHT_QMAX ? -WEIGHT_QMAX : v;
    return (int8_t)((v + ROUND_MAGIC) - ROUND_MAGIC);
}

int8_t odpu_quantize_weight(float w, float scale)
{
    return isnan(w) ? 0 : quantize_one(w, scale);
}

int odpu_window_count(const odpu_lwindow *w, int axis, int in_size, int o, int count_pad)
{
    int start = o * w->stride[axis] - w->pad_lo[axis];
    int end = start + w->k[axis];
    int lo = count_pad ? -w->pad_lo[axis] : 0;
    int hi = count_pad ? in_size + w->pad_hi[axis] : in_size;
    int a = start > lo ? start : lo, b = end < hi ? end : hi;
    return b > a ? b - a : 0;
}

odpu_status odpu_avg_multiplier(double ratio, int n, int32_t *mult, int32_t *shift, odpu_err *err)
{
    if (n < 1)
        return odpu_fail(err, ODPU_E_ARG, "average over %d positions", n);
    return odpu_quantize_multiplier(ratio / n, mult, shift, err);
}

odpu_status odpu_activation_shape(const odpu_gtensor *t, odpu_lshape *s, odpu_err *err)
{
    if (t->rank == ACT_RANK_NCHW && t->dims[0] == 1 && t->dims[1] > 0 && t->dims[2] > 0 &&
        t->dims[3] > 0 && t->dims[1] <= INT32_MAX && t->dims[2] <= INT32_MAX && t->dims[3] <= INT32_MAX) {
        *s = (odpu_lshape){(int)t->dims[2], (int)t->dims[3], (int)t->dims[1]};
        return ODPU_OK;
    }
    if (t->rank == ACT_RANK_NC && t->dims[0] == 1 && t->dims[1] > 0 && t->dims[1] <= INT32_MAX) {
        *s = (odpu_lshape){1, 1, (int)t->dims[1]};
        return ODPU_OK;
    }
    return odpu_fail(err, ODPU_E_ARG,
                     "tensor '%s': an activation must be NCHW or NC with batch 1 and known sizes (rank %d)",
                     t->name, t->rank);
}

static int same_scale(float a, float b)
{
    double d = fabs((double)a - (double)b), m = fmax(fabs((double)a), fabs((double)b));
    return d <= SCALE_REL_TOL * m;
}

static odpu_status node_fail(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static odpu_status node_fail(odpu_err *err, const odpu_gnode *n, const char *fmt, ...)
{
    char what[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return odpu_fail(err, ODPU_E_ARG, "node '%s' (%s): %s", n->name, odpu_node_op_name(n->op), what);
}

/* The tensor's activation quantization, checked: present, positive finite scale, int8 zp. */
static odpu_status need_q(const odpu_graph *g, const odpu_gnode *n, int t, odpu_err *err)
{
    const odpu_qparams *q = &g->tensors[t].q;
    if (!q->valid)
        return node_fail(err, n, "tensor '%s' has no quantization (q annotation); run PTQ first",
                         g->tensors[t].name);
    if (!(q->scale > 0.0f) || !isfinite(q->scale))
        return node_fail(err, n, "tensor '%s': scale %g is not a positive finite number",
                         g->tensors[t].name, (double)q->scale);
    if (q->zero_point < INT8_MIN || q->zero_point > INT8_MAX)
        return node_fail(err, n, "tensor '%s': zero point %d is outside int8", g->tensors[t].name,
                         (int)q->zero_point);
    return ODPU_OK;
}

static int8_t clamp_q(double v)
{
    return (int8_t)(v < INT8_MIN ? INT8_MIN : v > INT8_MAX ? INT8_MAX : v);
}

/* Output clamps of a fused ReLU / Clip in the output's integer units (docs/quantization.md). */
static odpu_status act_bounds(const odpu_gnode *n, const odpu_qparams *q, int allow_leaky, int8_t *lo,
                              int8_t *hi, odpu_err *err)
{
    *lo = INT8_MIN;
    *hi = INT8_MAX;
    switch (n->act) {
    case ODPU_ACT_NONE: return ODPU_OK;
    case ODPU_ACT_RELU: *lo = (int8_t)q->zero_point; return ODPU_OK;
    case ODPU_ACT_CLIP:
        if (n->act_min > -FLT_MAX)
            *lo = clamp_q(q->zero_point + nearbyint((double)n->act_min / q->scale));
        if (n->act_max < FLT_MAX)
            *hi = clamp_q(q->zero_point + nearbyint((double)n->act_max / q->scale));
        if (*lo > *hi)
            return node_fail(err, n, "fused Clip [%g, %g] is empty after quantization", (double)n->act_min,
                             (double)n->act_max);
        return ODPU_OK;
    case ODPU_ACT_LEAKY:
        if (allow_leaky)
            return ODPU_OK;
        return node_fail(err, n, "a fused LeakyRelu is only supported on Conv");
    }
    return node_fail(err, n, "unknown fused activation %d", (int)n->act);
}

static odpu_status out_shape_is(const odpu_lgraph *lg, const odpu_gnode *n, int t, odpu_lshape want,
                                odpu_err *err)
{
    odpu_lshape s = lg->shapes[t];
    if (s.h != want.h || s.w != want.w || s.c != want.c)
        return node_fail(err, n, "output '%s' is %dx%dx%d (HxWxC) but the node computes %dx%dx%d",
                         lg->g->tensors[t].name, s.h, s.w, s.c, want.h, want.w, want.c);
    return ODPU_OK;
}

/* ---- CONV ------------------------------------------------------------------------------ */

static odpu_status conv_window(const odpu_gnode *n, const odpu_gtensor *w, odpu_lwindow *win, odpu_err *err)
{
    for (int a = 0; a < 2; a++) {
        win->k[a] = (int)w->dims[2 + a];
        win->stride[a] = n->a.stride[a];
        win->dil[a] = n->a.dilation[a];
        win->pad_lo[a] = n->a.pads[a];
        win->pad_hi[a] = n->a.pads[2 + a];
        if (win->stride[a] < 1 || win->dil[a] < 1 || win->pad_lo[a] < 0 || win->pad_hi[a] < 0)
            return node_fail(err, n, "stride %d, dilation %d, pads %d/%d: strides and dilations must "
                             "be >= 1, pads >= 0", win->stride[a], win->dil[a], win->pad_lo[a], win->pad_hi[a]);
        if (n->a.kernel[a] && n->a.kernel[a] != win->k[a])
            return node_fail(err, n, "kernel_shape %d disagrees with the weight's %d", n->a.kernel[a],
                             win->k[a]);
    }
    return ODPU_OK;
}

static int conv_out_size(int in, int k, int s, int d, int p_lo, int p_hi)
{
    int span = in + p_lo + p_hi - d * (k - 1) - 1;
    return span < 0 ? 0 : span / s + 1;
}

/* Weights, folded biases and requantization of one output channel. */
static odpu_status conv_channel(const odpu_graph *g, const odpu_gnode *n, odpu_lnode *ln, int o, int taps,
                                const float *bias, double s_in, double s_out, odpu_err *err)
{
    const odpu_gtensor *wt = &g->tensors[n->inputs[1]];
    double s_w = wt->q.n_ch_scales ? wt->q.ch_scales[o] : wt->q.scale;
    if (!(s_w > 0.0) || !isfinite(s_w))
        return node_fail(err, n, "weight '%s' channel %d: scale %g is not a positive finite number",
                         wt->name, o, s_w);
    int8_t *wq = ln->u.conv.w + (size_t)o * taps;
    const float *wf = wt->data + (size_t)o * taps;
    for (int i = 0; i < taps; i++)
        if (!isfinite(wf[i]))
            return node_fail(err, n, "weight '%s' channel %d holds %g", wt->name, o, (double)wf[i]);
    for (int i = 0; i < taps; i++)
        wq[i] = quantize_one(wf[i], s_w);
    int64_t sum = 0, sum_abs = 0;
    for (int i = 0; i < taps; i++) {
        sum += wq[i];
        sum_abs += wq[i] < 0 ? -wq[i] : wq[i];
    }
    double bq = bias ? nearbyint((double)bias[o] / (s_in * s_w)) : 0.0;
    if (!(fabs(bq) <= (double)INT32_MAX))
        return node_fail(err, n, "channel %d: bias %g / (s_in * s_w) = %g does not fit int32", o,
                         (double)bias[o], bq);
    int64_t b = (int64_t)bq;
    /* The accumulator must not wrap: docs/quantization.md, "Rounding and saturation summary". */
    if (sum_abs * X_MAX_DIFF + (b < 0 ? -b : b) > INT32_MAX)
        return node_fail(err, n, "channel %d: 255 * sum|w| + |bias| = %lld could overflow the int32 "
                         "accumulator (check the weight and input scales)", o,
                         (long long)(sum_abs * X_MAX_DIFF + (b < 0 ? -b : b)));
    odpu_chan_params *p = &ln->u.conv.p[o];
    p->bias = (int32_t)(b - (int64_t)ln->in_zp * sum);
    odpu_status st = odpu_quantize_multiplier(s_in * s_w / s_out, &p->mult, &p->shift, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "node '%s' (Conv) channel %d: ", n->name, o);
    if (ln->u.conv.leaky)
        p->leaky_mult = (int32_t)llround((double)n->act_alpha * Q31_ONE);
    return ODPU_OK;
}

static odpu_status conv_check_weights(const odpu_graph *g, const odpu_gnode *n, int out_c, odpu_err *err)
{
    const odpu_gtensor *wt = &g->tensors[n->inputs[1]];
    if (!wt->data || wt->rank != ACT_RANK_NCHW)
        return node_fail(err, n, "weight '%s' must be a constant OIHW tensor", wt->name);
    if (!wt->q.valid)
        return node_fail(err, n, "weight '%s' has no quantization (q annotation); run PTQ first", wt->name);
    if (wt->q.n_ch_scales && wt->q.n_ch_scales != out_c)
        return node_fail(err, n, "weight '%s' has %d channel scales for %d output channels", wt->name,
                         wt->q.n_ch_scales, out_c);
    if (wt->q.n_ch_scales && !wt->q.ch_scales)
        return node_fail(err, n, "weight '%s': channel scales missing", wt->name);
    if (n->act == ODPU_ACT_LEAKY && !(n->act_alpha >= 0.0f && n->act_alpha < 1.0f))
        return node_fail(err, n, "LeakyRelu alpha %g is outside [0, 1)", (double)n->act_alpha);
    return ODPU_OK;
}

static odpu_status lower_conv(const odpu_lgraph *lg, const odpu_gnode *n, odpu_lnode *ln, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    if (n->n_inputs < CONV_MIN_INPUTS || n->inputs[1] < 0)
        return node_fail(err, n, "needs an input and a weight");
    const odpu_gtensor *wt = &g->tensors[n->inputs[1]];
    odpu_lshape in = lg->shapes[n->inputs[0]];
    int out_c = (int)wt->dims[0];
    odpu_status st = conv_check_weights(g, n, out_c, err);
    if (st != ODPU_OK || (st = conv_window(n, wt, &ln->u.conv.win, err)) != ODPU_OK)
        return st;
    int groups = n->a.group, cg = (int)wt->dims[1];
    if (groups < 1 || (int64_t)cg * groups != in.c || out_c % groups)
        return node_fail(err, n, "group %d, weight %dx%d: input has %d channels", groups, out_c, cg, in.c);
    const odpu_lwindow *w = &ln->u.conv.win;
    odpu_lshape out = {conv_out_size(in.h, w->k[0], w->stride[0], w->dil[0], w->pad_lo[0], w->pad_hi[0]),
                       conv_out_size(in.w, w->k[1], w->stride[1], w->dil[1], w->pad_lo[1], w->pad_hi[1]),
                       out_c};
    if ((st = out_shape_is(lg, n, n->outputs[0], out, err)) != ODPU_OK)
        return st;
    const float *bias = NULL;
    if (n->n_inputs > CONV_BIAS_INPUT && n->inputs[CONV_BIAS_INPUT] >= 0) {
        const odpu_gtensor *bt = &g->tensors[n->inputs[CONV_BIAS_INPUT]];
        if (!bt->data || odpu_tensor_numel(bt) != out_c)
            return node_fail(err, n, "bias '%s' must be a constant of %d values", bt->name, out_c);
        bias = bt->data;
    }
    ln->u.conv.groups = groups;
    ln->u.conv.leaky = n->act == ODPU_ACT_LEAKY;
    int taps = cg * w->k[0] * w->k[1];
    ln->u.conv.w = malloc((size_t)out_c * taps);
    ln->u.conv.p = calloc((size_t)out_c, sizeof *ln->u.conv.p);
    if (!ln->u.conv.w || !ln->u.conv.p)
        return node_fail(err, n, "out of memory for the integer weights");
    double s_in = g->tensors[n->inputs[0]].q.scale, s_out = g->tensors[n->outputs[0]].q.scale;
    for (int o = 0; o < out_c; o++)
        if ((st = conv_channel(g, n, ln, o, taps, bias, s_in, s_out, err)) != ODPU_OK)
            return st;
    ln->macs = (uint64_t)out.h * out.w * out_c * taps;
    return ODPU_OK;
}

/* ---- Pools ------------------------------------------------------------------------------ */

static int pool_out_size(int in, int k, int s, int p_lo, int p_hi, int ceil_mode)
{
    int span = in + p_lo + p_hi - k;
    if (span < 0)
        return 0;
    int out = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    /* PyTorch / ONNX: the last window must start inside the input or its leading padding. */
    if (ceil_mode && (out - 1) * s >= in + p_lo)
        out--;
    return out;
}

static odpu_status lower_pool(const odpu_lgraph *lg, const odpu_gnode *n, odpu_lnode *ln, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    odpu_lshape in = lg->shapes[n->inputs[0]], out = {1, 1, in.c};
    odpu_lpool *p = &ln->u.pool;
    if (n->op == ODPU_NODE_GLOBAL_AVGPOOL) {
        p->win = (odpu_lwindow){.k = {in.h, in.w}, .stride = {1, 1}, .dil = {1, 1}};
    } else {
        for (int a = 0; a < 2; a++) {
            p->win.k[a] = n->a.kernel[a];
            p->win.stride[a] = n->a.stride[a];
            p->win.dil[a] = 1;
            p->win.pad_lo[a] = n->a.pads[a];
            p->win.pad_hi[a] = n->a.pads[2 + a];
            if (p->win.k[a] < 1 || p->win.stride[a] < 1 || p->win.pad_lo[a] < 0 || p->win.pad_hi[a] < 0)
                return node_fail(err, n, "kernel %d, stride %d, pads %d/%d out of range", p->win.k[a],
                                 p->win.stride[a], p->win.pad_lo[a], p->win.pad_hi[a]);
            if (n->a.dilation[a] != 1)
                return node_fail(err, n, "dilation %d: pooling supports dilation 1 only", n->a.dilation[a]);
            if (p->win.pad_lo[a] >= p->win.k[a] || p->win.pad_hi[a] >= p->win.k[a])
                return node_fail(err, n, "pads %d/%d must be smaller than the kernel %d", p->win.pad_lo[a],
                                 p->win.pad_hi[a], p->win.k[a]);
        }
        out.h = pool_out_size(in.h, p->win.k[0], p->win.stride[0], p->win.pad_lo[0], p->win.pad_hi[0],
                              n->a.ceil_mode);
        out.w = pool_out_size(in.w, p->win.k[1], p->win.stride[1], p->win.pad_lo[1], p->win.pad_hi[1],
                              n->a.ceil_mode);
        p->count_include_pad = n->a.count_include_pad;
    }
    odpu_status st = out_shape_is(lg, n, n->outputs[0], out, err);
    if (st != ODPU_OK)
        return st;
    const odpu_qparams *qi = &g->tensors[n->inputs[0]].q, *qo = &g->tensors[n->outputs[0]].q;
    if (n->op == ODPU_NODE_MAXPOOL && (!same_scale(qi->scale, qo->scale) || qi->zero_point != qo->zero_point))
        return node_fail(err, n, "output scale %g / zero point %d differ from the input's %g / %d: max "
                         "pooling does not rescale, quantize its input and output alike",
                         (double)qo->scale, (int)qo->zero_point, (double)qi->scale, (int)qi->zero_point);
    p->ratio = (double)qi->scale / (double)qo->scale;
    if (ln->op != ODPU_LOP_MAXPOOL) { /* every divisor must give a representable multiplier */
        int32_t m, s;
        if ((st = odpu_avg_multiplier(p->ratio, p->win.k[0] * p->win.k[1], &m, &s, err)) != ODPU_OK ||
            (st = odpu_avg_multiplier(p->ratio, 1, &m, &s, err)) != ODPU_OK)
            return odpu_err_prefix(err, "node '%s' (%s): ", n->name, odpu_node_op_name(n->op));
    }
    return ODPU_OK;
}

/* ---- ADD, CONCAT ------------------------------------------------------------------------ */

static odpu_status lower_add(const odpu_lgraph *lg, const odpu_gnode *n, odpu_lnode *ln, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    odpu_lshape a = lg->shapes[n->inputs[0]], b = lg->shapes[n->inputs[1]];
    if (a.h != b.h || a.w != b.w || a.c != b.c)
        return node_fail(err, n, "inputs are %dx%dx%d and %dx%dx%d: only same-shape Add is supported "
                         "(no broadcasting)", a.h, a.w, a.c, b.h, b.w, b.c);
    odpu_status st = out_shape_is(lg, n, n->outputs[0], a, err);
    if (st != ODPU_OK)
        return st;
    const odpu_qparams *qa = &g->tensors[n->inputs[0]].q, *qb = &g->tensors[n->inputs[1]].q;
    const odpu_qparams *qo = &g->tensors[n->outputs[0]].q;
    double twice_max = 2.0 * fmax(qa->scale, qb->scale);
    odpu_add_params *p = &ln->u.add;
    p->a_zp = qa->zero_point;
    p->b_zp = qb->zero_point;
    p->out_zp = qo->zero_point;
    p->left_shift = ODPU_ADD_LEFT_SHIFT;
    p->act_min = ln->act_min;
    p->act_max = ln->act_max;
    if ((st = odpu_quantize_multiplier(qa->scale / twice_max, &p->a_mult, &p->a_shift, err)) != ODPU_OK ||
        (st = odpu_quantize_multiplier(qb->scale / twice_max, &p->b_mult, &p->b_shift, err)) != ODPU_OK ||
        (st = odpu_quantize_multiplier(twice_max / ((double)(1 << ODPU_ADD_LEFT_SHIFT) * qo->scale),
                                       &p->out_mult, &p->out_shift, err)) != ODPU_OK)
        return odpu_err_prefix(err, "node '%s' (Add): ", n->name);
    return ODPU_OK;
}

static odpu_status lower_concat(const odpu_lgraph *lg, const odpu_gnode *n, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    int rank = g->tensors[n->outputs[0]].rank, axis = n->a.axis < 0 ? n->a.axis + rank : n->a.axis;
    if (axis != CHANNEL_AXIS)
        return node_fail(err, n, "axis %d: only concatenation along channels (axis 1) is supported", n->a.axis);
    odpu_lshape out = lg->shapes[n->inputs[0]];
    out.c = 0;
    const odpu_qparams *qo = &g->tensors[n->outputs[0]].q;
    for (int i = 0; i < n->n_inputs; i++) {
        const odpu_gtensor *t = &g->tensors[n->inputs[i]];
        odpu_lshape s = lg->shapes[n->inputs[i]];
        if (s.h != out.h || s.w != out.w)
            return node_fail(err, n, "input '%s' is %dx%d, the first input %dx%d", t->name, s.h, s.w, out.h,
                             out.w);
        if (!same_scale(t->q.scale, qo->scale) || t->q.zero_point != qo->zero_point)
            return node_fail(err, n, "input '%s' has scale %g / zero point %d but the output has %g / %d: "
                             "a concatenation is free only if every input shares the output's "
                             "quantization", t->name, (double)t->q.scale, (int)t->q.zero_point,
                             (double)qo->scale, (int)qo->zero_point);
        out.c += s.c;
    }
    return out_shape_is(lg, n, n->outputs[0], out, err);
}

/* ---- The graph ---------------------------------------------------------------------------- */

/* A Softmax must be a graph output nothing else reads: the host applies it after the run. */
static odpu_status check_softmax(const odpu_graph *g, const odpu_gnode *n, odpu_err *err)
{
    if (n->n_inputs != 1 || n->n_outputs != 1 || !odpu_graph_is_output(g, n->outputs[0]) ||
        odpu_graph_consumers(g, n->outputs[0], NULL, 0) > 0)
        return node_fail(err, n, "Softmax is only supported as a final graph output (the host applies it)");
    return ODPU_OK;
}

/* Every activation input of n has a known shape (a graph input or an earlier node's output). */
static odpu_status check_inputs(const odpu_lgraph *lg, const odpu_gnode *n, int n_act, odpu_err *err)
{
    if (n->n_inputs < n_act || n->n_outputs != 1)
        return node_fail(err, n, "has %d inputs and %d outputs", n->n_inputs, n->n_outputs);
    for (int i = 0; i < n_act; i++) {
        int t = n->inputs[i];
        if (t < 0 || lg->shapes[t].c == 0)
            return node_fail(err, n, "input %d is not an activation computed before this node", i);
        odpu_status st = need_q(lg->g, n, t, err);
        if (st != ODPU_OK)
            return st;
    }
    return need_q(lg->g, n, n->outputs[0], err);
}

static odpu_lop lop_of(odpu_node_op op)
{
    switch (op) {
    case ODPU_NODE_CONV: return ODPU_LOP_CONV;
    case ODPU_NODE_MAXPOOL: return ODPU_LOP_MAXPOOL;
    case ODPU_NODE_AVGPOOL: return ODPU_LOP_AVGPOOL;
    case ODPU_NODE_GLOBAL_AVGPOOL: return ODPU_LOP_GAP;
    case ODPU_NODE_ADD: return ODPU_LOP_ADD;
    default: return ODPU_LOP_CONCAT;
    }
}

static int activation_inputs(const odpu_gnode *n)
{
    switch (n->op) {
    case ODPU_NODE_CONV: return 1;
    case ODPU_NODE_ADD: return ADD_INPUTS;
    case ODPU_NODE_CONCAT: return n->n_inputs;
    default: return 1;
    }
}

static odpu_status lower_node(odpu_lgraph *lg, int ni, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    const odpu_gnode *n = &g->nodes[ni];
    if (n->op == ODPU_NODE_SOFTMAX)
        return check_softmax(g, n, err);
    if (n->op != ODPU_NODE_CONV && n->op != ODPU_NODE_MAXPOOL && n->op != ODPU_NODE_AVGPOOL &&
        n->op != ODPU_NODE_GLOBAL_AVGPOOL && n->op != ODPU_NODE_ADD && n->op != ODPU_NODE_CONCAT)
        return node_fail(err, n, "not a canonical operator; run odpu_graph_optimize before compiling");
    int n_act = activation_inputs(n);
    odpu_status st = check_inputs(lg, n, n_act, err);
    if (st != ODPU_OK)
        return st;
    if ((st = odpu_activation_shape(&g->tensors[n->outputs[0]], &lg->shapes[n->outputs[0]], err)) != ODPU_OK)
        return odpu_err_prefix(err, "node '%s' (%s): ", n->name, odpu_node_op_name(n->op));
    odpu_lnode *ln = &lg->nodes[lg->n_nodes++];
    memset(ln, 0, sizeof *ln);
    ln->op = lop_of(n->op); /* first: odpu_lgraph_free looks at it */
    ln->node = ni;
    ln->name = n->name;
    ln->out = n->outputs[0];
    ln->n_in = n_act;
    ln->in = malloc((size_t)n_act * sizeof *ln->in);
    if (!ln->in)
        return node_fail(err, n, "out of memory");
    memcpy(ln->in, n->inputs, (size_t)n_act * sizeof *ln->in);
    const odpu_qparams *qo = &g->tensors[ln->out].q;
    ln->in_zp = g->tensors[n->inputs[0]].q.zero_point;
    ln->out_zp = qo->zero_point;
    if ((st = act_bounds(n, qo, n->op == ODPU_NODE_CONV, &ln->act_min, &ln->act_max, err)) != ODPU_OK)
        return st;
    switch (ln->op) {
    case ODPU_LOP_CONV: return lower_conv(lg, n, ln, err);
    case ODPU_LOP_ADD: return lower_add(lg, n, ln, err);
    case ODPU_LOP_CONCAT: return lower_concat(lg, n, err);
    default: return lower_pool(lg, n, ln, err);
    }
}

/* Graph outputs, with a final Softmax replaced by its input. */
static odpu_status model_outputs(odpu_lgraph *lg, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    lg->outputs = malloc((size_t)(g->n_outputs ? g->n_outputs : 1) * sizeof *lg->outputs);
    if (!lg->outputs)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    int with_softmax = 0;
    for (int i = 0; i < g->n_outputs; i++) {
        int t = g->outputs[i], p = t >= 0 && t < g->n_tensors ? g->tensors[t].producer : -1;
        if (p >= 0 && g->nodes[p].op == ODPU_NODE_SOFTMAX) {
            t = g->nodes[p].inputs[0];
            with_softmax++;
        }
        if (t < 0 || t >= g->n_tensors || lg->shapes[t].c == 0)
            return odpu_fail(err, ODPU_E_ARG, "graph output %d is not an activation the model computes", i);
        lg->outputs[lg->n_outputs++] = t;
    }
    if (with_softmax && with_softmax != g->n_outputs)
        return odpu_fail(err, ODPU_E_ARG, "%d of %d graph outputs end in a Softmax: all or none must",
                         with_softmax, g->n_outputs);
    lg->output_softmax = with_softmax > 0;
    if (!lg->n_outputs)
        return odpu_fail(err, ODPU_E_ARG, "the graph has no outputs");
    return ODPU_OK;
}

static odpu_status graph_inputs(odpu_lgraph *lg, odpu_err *err)
{
    const odpu_graph *g = lg->g;
    if (g->n_inputs < 1)
        return odpu_fail(err, ODPU_E_ARG, "the graph has no inputs");
    lg->inputs = malloc((size_t)g->n_inputs * sizeof *lg->inputs);
    if (!lg->inputs)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    for (int i = 0; i < g->n_inputs; i++) {
        int t = g->inputs[i];
        if (t < 0 || t >= g->n_tensors)
            return odpu_fail(err, ODPU_E_ARG, "graph input %d refers to tensor %d of %d", i, t, g->n_tensors);
        const odpu_gtensor *gt = &g->tensors[t];
        odpu_status st = odpu_activation_shape(gt, &lg->shapes[t], err);
        if (st != ODPU_OK)
            return odpu_err_prefix(err, "graph input: ");
        if (!gt->q.valid || !(gt->q.scale > 0.0f) || gt->q.zero_point < INT8_MIN || gt->q.zero_point > INT8_MAX)
            return odpu_fail(err, ODPU_E_ARG, "graph input '%s' has no valid quantization (q annotation); "
                             "run PTQ first", gt->name);
        lg->inputs[lg->n_inputs++] = t;
    }
    return ODPU_OK;
}

odpu_status odpu_lower_graph(const odpu_graph *g, odpu_lgraph *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    out->g = g;
    out->shapes = calloc((size_t)(g->n_tensors ? g->n_tensors : 1), sizeof *out->shapes);
    out->nodes = calloc((size_t)(g->n_nodes ? g->n_nodes : 1), sizeof *out->nodes);
    if (!out->shapes || !out->nodes) {
        odpu_lgraph_free(out);
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory lowering the graph");
    }
    odpu_status st = graph_inputs(out, err);
    for (int i = 0; st == ODPU_OK && i < g->n_nodes; i++)
        if (!g->nodes[i].dead)
            st = lower_node(out, i, err);
    if (st == ODPU_OK)
        st = model_outputs(out, err);
    if (st != ODPU_OK)
        odpu_lgraph_free(out);
    return st;
}

void odpu_lgraph_free(odpu_lgraph *lg)
{
    if (!lg)
        return;
    for (int i = 0; i < lg->n_nodes; i++) {
        free(lg->nodes[i].in);
        if (lg->nodes[i].op == ODPU_LOP_CONV) {
            free(lg->nodes[i].u.conv.w);
            free(lg->nodes[i].u.conv.p);
        }
    }
    /* A node that failed half-way is counted in n_nodes, so its arrays are freed above. */
    free(lg->nodes);
    free(lg->shapes);
    free(lg->inputs);
    free(lg->outputs);
    memset(lg, 0, sizeof *lg);
}
