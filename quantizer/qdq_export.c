/* qdq_export.c - a quantized canonical graph as a standard QDQ ONNX file (opset 13), built
 * with the protobuf-c structs generated from onnx.proto. The format is described in
 * docs/ptq.md ("QDQ files"):
 *   - every quantized activation t: producer -> t, QuantizeLinear -> t_quantized (int8),
 *     DequantizeLinear -> t_dequantized, read by the consumers; a graph output keeps its name
 *     (the producer writes t_float and the DequantizeLinear writes t);
 *   - CONV weights: int8 initializer W_quantized [O, I/g, kh, kw] with per-channel float
 *     W_scale [O] and int8 W_zero_point [O] (zeros), DequantizeLinear(axis 0) -> W;
 *   - CONV biases: int32 B_quantized with scale s_in * s_w[o] (DequantizeLinear axis 0) -> B,
 *     i.e. exactly the integers the engine adds; a bias that does not fit int32 stays float;
 *   - fused activations become Relu / Clip (min, max initializers) / LeakyRelu nodes. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "onnx/onnx.pb-c.h"
#include "quantizer/ptq.h"

enum {
    QDQ_OPSET = 13,      /* the first opset with per-axis QuantizeLinear/DequantizeLinear */
    QDQ_IR_VERSION = 7,  /* the IR version that goes with opset 13 */
    WEIGHT_QMAX = 127,   /* symmetric int8 weights (docs/quantization.md) */
    MAX_NODE_ATTRS = 8,  /* the most attributes one exported node carries (Conv: 5) */
    MAX_NODE_INPUTS_FIXED = 3
};

/* Everything allocated while building the protobuf structs lives in one list of blocks,
 * freed together at the end; failures latch x->failed so builders can be chained. */
typedef struct exporter {
    const odpu_graph *g;
    void **blocks;
    size_t n_blocks, cap_blocks;
    Onnx__NodeProto **nodes;
    size_t n_nodes, cap_nodes;
    Onnx__TensorProto **inits;
    size_t n_inits, cap_inits;
    int failed;
} exporter;

/* ---- Allocation ------------------------------------------------------------------------ */

static void *xalloc(exporter *x, size_t size)
{
    if (x->failed)
        return NULL;
    if (x->n_blocks == x->cap_blocks) {
        size_t cap = x->cap_blocks ? 2 * x->cap_blocks : 64;
        void **b = realloc(x->blocks, cap * sizeof *b);
        if (!b) {
            x->failed = 1;
            return NULL;
        }
        x->blocks = b;
        x->cap_blocks = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        x->failed = 1;
        return NULL;
    }
    x->blocks[x->n_blocks++] = p;
    return p;
}

static char *xprintf(exporter *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *xprintf(exporter *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? xalloc(x, (size_t)n + 1) : NULL;
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

static void push_node(exporter *x, Onnx__NodeProto *n)
{
    if (!n || x->failed)
        return;
    if (x->n_nodes == x->cap_nodes) {
        size_t cap = x->cap_nodes ? 2 * x->cap_nodes : 64;
        Onnx__NodeProto **p = realloc(x->nodes, cap * sizeof *p);
        if (!p) {
            x->failed = 1;
            return;
        }
        x->nodes = p;
        x->cap_nodes = cap;
    }
    x->nodes[x->n_nodes++] = n;
}

static void push_init(exporter *x, Onnx__TensorProto *t)
{
    if (!t || x->failed)
        return;
    if (x->n_inits == x->cap_inits) {
        size_t cap = x->cap_inits ? 2 * x->cap_inits : 64;
        Onnx__TensorProto **p = realloc(x->inits, cap * sizeof *p);
        if (!p) {
            x->failed = 1;
            return;
        }
        x->inits = p;
        x->cap_inits = cap;
    }
    x->inits[x->n_inits++] = t;
}

/* ---- Initializers ---------------------------------------------------------------------- */

/* An initializer with little-endian raw_data of elem_size bytes per value. */
static uint8_t *add_init(exporter *x, const char *name, int32_t dtype, int rank, const int64_t *dims,
                         size_t elem_size)
{
    Onnx__TensorProto *t = xalloc(x, sizeof *t);
    int64_t *d = xalloc(x, (size_t)(rank > 0 ? rank : 1) * sizeof *d);
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    uint8_t *raw = xalloc(x, count * elem_size);
    if (!t || !d || !raw)
        return NULL;
    onnx__tensor_proto__init(t);
    if (rank > 0)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    t->name = (char *)name;
    t->n_dims = (size_t)rank;
    t->dims = d;
    t->has_data_type = 1;
    t->data_type = dtype;
    t->has_raw_data = 1;
    t->raw_data.len = count * elem_size;
    t->raw_data.data = raw;
    push_init(x, t);
    return raw;
}

static void add_float_init(exporter *x, const char *name, int rank, const int64_t *dims, const float *v)
{
    uint8_t *raw = add_init(x, name, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT, rank, dims, sizeof(float));
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    for (size_t i = 0; raw && i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof bits);
        odpu_wr32(raw + 4 * i, bits);
    }
}

static void add_int8_init(exporter *x, const char *name, int rank, const int64_t *dims, const int8_t *v)
{
    uint8_t *raw = add_init(x, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT8, rank, dims, 1);
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= (size_t)dims[i];
    if (raw)
        memcpy(raw, v, count);
}

static void add_int32_init(exporter *x, const char *name, int rank, const int64_t *dims, const int32_t *v)
{
    uint8_t *raw = add_init(x, name, ONNX__TENSOR_PROTO__DATA_TYPE__INT32, rank, dims, 4);
    for (int64_t i = 0; raw && i < dims[0]; i++)
        odpu_wr32(raw + 4 * i, (uint32_t)v[i]);
}

/* ---- Nodes ----------------------------------------------------------------------------- */

static Onnx__NodeProto *add_node(exporter *x, const char *op, const char *name, int n_in, const char *const *in,
                                 const char *out)
{
    Onnx__NodeProto *n = xalloc(x, sizeof *n);
    char **ins = xalloc(x, (size_t)(n_in > 0 ? n_in : 1) * sizeof *ins);
    char **outs = xalloc(x, sizeof *outs);
    Onnx__AttributeProto **attrs = xalloc(x, MAX_NODE_ATTRS * sizeof *attrs);
    if (!n || !ins || !outs || !attrs)
        return NULL;
    onnx__node_proto__init(n);
    for (int i = 0; i < n_in; i++)
        ins[i] = (char *)in[i];
    outs[0] = (char *)out;
    n->op_type = (char *)op;
    n->name = (char *)name;
    n->n_input = (size_t)n_in;
    n->input = ins;
    n->n_output = 1;
    n->output = outs;
    n->attribute = attrs;
    push_node(x, n);
    return n;
}

static Onnx__AttributeProto *add_attr(exporter *x, Onnx__NodeProto *n, const char *name,
                                      Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = n ? xalloc(x, sizeof *a) : NULL;
    if (!a || n->n_attribute >= MAX_NODE_ATTRS) {
        x->failed = 1;
        return NULL;
    }
    onnx__attribute_proto__init(a);
    a->name = (char *)name;
    a->has_type = 1;
    a->type = type;
    n->attribute[n->n_attribute++] = a;
    return a;
}

static void attr_int(exporter *x, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = add_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) {
        a->has_i = 1;
        a->i = v;
    }
}

static void attr_float(exporter *x, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = add_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) {
        a->has_f = 1;
        a->f = v;
    }
}

static void attr_ints(exporter *x, Onnx__NodeProto *n, const char *name, const int *v, int count)
{
    Onnx__AttributeProto *a = add_attr(x, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    int64_t *vals = xalloc(x, (size_t)count * sizeof *vals);
    if (!a || !vals)
        return;
    for (int i = 0; i < count; i++)
        vals[i] = v[i];
    a->n_ints = (size_t)count;
    a->ints = vals;
}

/* ---- Names ----------------------------------------------------------------------------- */

static int has_act_q(const odpu_graph *g, int t)
{
    return g->tensors[t].q.valid && !g->tensors[t].q.ch_scales;
}

/* The name a node writes for tensor t (before its Q/DQ pair). */
static const char *produced_name(exporter *x, int t)
{
    const char *name = x->g->tensors[t].name;
    return has_act_q(x->g, t) && odpu_graph_is_output(x->g, t) ? xprintf(x, "%s_float", name) : name;
}

/* The name consumers read for tensor t (after its Q/DQ pair). */
static const char *read_name(exporter *x, int t)
{
    const char *name = x->g->tensors[t].name;
    return has_act_q(x->g, t) && !odpu_graph_is_output(x->g, t) ? xprintf(x, "%s_dequantized", name) : name;
}

/* ---- Graph pieces ---------------------------------------------------------------------- */

/* producer output -> QuantizeLinear -> DequantizeLinear, with scalar scale and zero point. */
static void add_qdq_pair(exporter *x, int t)
{
    const odpu_gtensor *tt = &x->g->tensors[t];
    const char *scale = xprintf(x, "%s_scale", tt->name), *zp = xprintf(x, "%s_zero_point", tt->name);
    const char *q = xprintf(x, "%s_quantized", tt->name);
    int8_t z = (int8_t)tt->q.zero_point;
    add_float_init(x, scale, 0, NULL, &tt->q.scale);
    add_int8_init(x, zp, 0, NULL, &z);
    const char *qin[3] = {produced_name(x, t), scale, zp};
    add_node(x, "QuantizeLinear", xprintf(x, "%s_QuantizeLinear", tt->name), 3, qin, q);
    const char *dqin[3] = {q, scale, zp};
    add_node(x, "DequantizeLinear", xprintf(x, "%s_DequantizeLinear", tt->name), 3, dqin, read_name(x, t));
}

/* Per-channel int8 weights and their DequantizeLinear; returns the float name. */
static const char *add_weight(exporter *x, const odpu_gtensor *w)
{
    int64_t cout = w->dims[0], per_out = odpu_tensor_numel(w) / cout;
    int8_t *q = xalloc(x, (size_t)(cout * per_out));
    int8_t *zeros = xalloc(x, (size_t)cout);
    if (!q || !zeros)
        return NULL;
    for (int64_t o = 0; o < cout; o++)
        for (int64_t k = 0; k < per_out; k++) {
            double v = rint(w->data[o * per_out + k] / w->q.ch_scales[o]);
            q[o * per_out + k] = (int8_t)(v > WEIGHT_QMAX ? WEIGHT_QMAX : v < -WEIGHT_QMAX ? -WEIGHT_QMAX : v);
        }
    const char *qn = xprintf(x, "%s_quantized", w->name), *sn = xprintf(x, "%s_scale", w->name);
    const char *zn = xprintf(x, "%s_zero_point", w->name);
    add_int8_init(x, qn, w->rank, w->dims, q);
    add_float_init(x, sn, 1, &cout, w->q.ch_scales);
    add_int8_init(x, zn, 1, &cout, zeros);
    const char *in[3] = {qn, sn, zn};
    Onnx__NodeProto *n = add_node(x, "DequantizeLinear", xprintf(x, "%s_DequantizeLinear", w->name), 3, in, w->name);
    attr_int(x, n, "axis", 0);
    return w->name;
}

/* int32 bias with scale s_in * s_w[o] when every value fits, else the float bias. */
static const char *add_bias(exporter *x, const odpu_gtensor *b, const odpu_gtensor *w, float s_in)
{
    int64_t cout = b->dims[0];
    int32_t *q = xalloc(x, (size_t)cout * sizeof *q);
    float *scale = xalloc(x, (size_t)cout * sizeof *scale);
    if (!q || !scale)
        return NULL;
    int fits = 1;
    for (int64_t o = 0; o < cout; o++) {
        double s = (double)s_in * w->q.ch_scales[o];
        scale[o] = (float)s;
        double v = rint(b->data[o] / s); /* as the compiler rounds it */
        fits &= fabs(v) <= INT32_MAX;
        q[o] = fits ? (int32_t)v : 0;
    }
    if (!fits) {
        add_float_init(x, b->name, 1, &cout, b->data);
        return b->name;
    }
    const char *qn = xprintf(x, "%s_quantized", b->name), *sn = xprintf(x, "%s_scale", b->name);
    add_int32_init(x, qn, 1, &cout, q);
    add_float_init(x, sn, 1, &cout, scale);
    const char *in[2] = {qn, sn};
    Onnx__NodeProto *n = add_node(x, "DequantizeLinear", xprintf(x, "%s_DequantizeLinear", b->name), 2, in, b->name);
    attr_int(x, n, "axis", 0);
    return b->name;
}

/* The node's own output name: its tensor's produced name, or <tensor>_preact when a fused
 * activation node follows. */
static const char *core_output(exporter *x, const odpu_gnode *n)
{
    const char *out = produced_name(x, n->outputs[0]);
    return n->act == ODPU_ACT_NONE ? out : xprintf(x, "%s_preact", x->g->tensors[n->outputs[0]].name);
}

static void add_activation(exporter *x, const odpu_gnode *n, const char *pre)
{
    const char *out = produced_name(x, n->outputs[0]);
    const char *tname = x->g->tensors[n->outputs[0]].name;
    if (n->act == ODPU_ACT_RELU) {
        add_node(x, "Relu", xprintf(x, "%s_Relu", n->name), 1, &pre, out);
    } else if (n->act == ODPU_ACT_LEAKY) {
        Onnx__NodeProto *r = add_node(x, "LeakyRelu", xprintf(x, "%s_LeakyRelu", n->name), 1, &pre, out);
        attr_float(x, r, "alpha", n->act_alpha);
    } else if (n->act == ODPU_ACT_CLIP) {
        const char *mn = xprintf(x, "%s_clip_min", tname), *mx = xprintf(x, "%s_clip_max", tname);
        add_float_init(x, mn, 0, NULL, &n->act_min);
        add_float_init(x, mx, 0, NULL, &n->act_max);
        const char *in[3] = {pre, mn, mx};
        add_node(x, "Clip", xprintf(x, "%s_Clip", n->name), 3, in, out);
    }
}

static void spatial_attrs(exporter *x, Onnx__NodeProto *n, const odpu_node_attrs *a, int with_dilation)
{
    attr_ints(x, n, "kernel_shape", a->kernel, 2);
    attr_ints(x, n, "strides", a->stride, 2);
    /* ONNX pads are (top, left, bottom, right): the order graph.h keeps. */
    attr_ints(x, n, "pads", a->pads, 4);
    if (with_dilation)
        attr_ints(x, n, "dilations", a->dilation, 2);
}

static void export_conv(exporter *x, const odpu_gnode *n)
{
    const odpu_gtensor *w = &x->g->tensors[n->inputs[1]];
    const char *in[3] = {read_name(x, n->inputs[0]), add_weight(x, w), NULL};
    int n_in = 2;
    if (n->n_inputs > 2 && n->inputs[2] >= 0) {
        in[2] = add_bias(x, &x->g->tensors[n->inputs[2]], w, x->g->tensors[n->inputs[0]].q.scale);
        n_in = 3;
    }
    Onnx__NodeProto *c = add_node(x, "Conv", n->name, n_in, in, core_output(x, n));
    odpu_node_attrs a = n->a;
    a.kernel[0] = (int)w->dims[2];
    a.kernel[1] = (int)w->dims[3];
    spatial_attrs(x, c, &a, 1);
    attr_int(x, c, "group", n->a.group);
}

static void export_node(exporter *x, const odpu_gnode *n)
{
    const char *in[MAX_NODE_INPUTS_FIXED] = {read_name(x, n->inputs[0]), NULL, NULL};
    Onnx__NodeProto *p = NULL;
    switch (n->op) {
    case ODPU_NODE_CONV:
        export_conv(x, n);
        break;
    case ODPU_NODE_MAXPOOL:
        p = add_node(x, "MaxPool", n->name, 1, in, core_output(x, n));
        spatial_attrs(x, p, &n->a, 1);
        attr_int(x, p, "ceil_mode", n->a.ceil_mode);
        break;
    case ODPU_NODE_AVGPOOL:
        p = add_node(x, "AveragePool", n->name, 1, in, core_output(x, n));
        spatial_attrs(x, p, &n->a, 0);
        attr_int(x, p, "ceil_mode", n->a.ceil_mode);
        attr_int(x, p, "count_include_pad", n->a.count_include_pad);
        break;
    case ODPU_NODE_GLOBAL_AVGPOOL:
        add_node(x, "GlobalAveragePool", n->name, 1, in, core_output(x, n));
        break;
    case ODPU_NODE_ADD:
        in[1] = read_name(x, n->inputs[1]);
        add_node(x, "Add", n->name, 2, in, core_output(x, n));
        break;
    case ODPU_NODE_CONCAT: {
        const char **cin = xalloc(x, (size_t)n->n_inputs * sizeof *cin);
        for (int k = 0; cin && k < n->n_inputs; k++)
            cin[k] = read_name(x, n->inputs[k]);
        p = cin ? add_node(x, "Concat", n->name, n->n_inputs, cin, core_output(x, n)) : NULL;
        attr_int(x, p, "axis", n->a.axis);
        break;
    }
    case ODPU_NODE_SOFTMAX:
        p = add_node(x, "Softmax", n->name, 1, in, core_output(x, n));
        attr_int(x, p, "axis", n->a.axis);
        break;
    default:
        x->failed = 1; /* check_exportable refused it already */
        return;
    }
    if (n->act != ODPU_ACT_NONE)
        add_activation(x, n, core_output(x, n));
    for (int k = 0; k < n->n_outputs; k++)
        if (has_act_q(x->g, n->outputs[k]))
            add_qdq_pair(x, n->outputs[k]);
}

/* ---- Model ----------------------------------------------------------------------------- */

/* A float tensor's name, type and shape for the graph's input and output lists. */
static Onnx__ValueInfoProto *value_info(exporter *x, const char *name, const odpu_gtensor *t)
{
    Onnx__ValueInfoProto *v = xalloc(x, sizeof *v);
    Onnx__TypeProto *type = xalloc(x, sizeof *type);
    Onnx__TypeProto__Tensor *tt = xalloc(x, sizeof *tt);
    Onnx__TensorShapeProto *shape = xalloc(x, sizeof *shape);
    Onnx__TensorShapeProto__Dimension **dims = xalloc(x, (size_t)(t->rank > 0 ? t->rank : 1) * sizeof *dims);
    if (!v || !type || !tt || !shape || !dims)
        return NULL;
    for (int i = 0; i < t->rank; i++) {
        dims[i] = xalloc(x, sizeof *dims[i]);
        if (!dims[i])
            return NULL;
        onnx__tensor_shape_proto__dimension__init(dims[i]);
        dims[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        dims[i]->dim_value = t->dims[i];
    }
    onnx__tensor_shape_proto__init(shape);
    shape->n_dim = (size_t)t->rank;
    shape->dim = dims;
    onnx__type_proto__tensor__init(tt);
    tt->has_elem_type = 1;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tt->shape = shape;
    onnx__type_proto__init(type);
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tt;
    onnx__value_info_proto__init(v);
    v->name = (char *)name;
    v->type = type;
    return v;
}

/* A canonical, quantized graph: canonical ops, q on every activation a node reads and on every
 * CONV weight (one scale per output channel). */
static odpu_status check_exportable(const odpu_graph *g, odpu_err *err)
{
    const char *src = g->source ? g->source : "graph";
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead)
            continue;
        switch (n->op) {
        case ODPU_NODE_CONV: case ODPU_NODE_MAXPOOL: case ODPU_NODE_AVGPOOL: case ODPU_NODE_GLOBAL_AVGPOOL:
        case ODPU_NODE_ADD: case ODPU_NODE_CONCAT: case ODPU_NODE_SOFTMAX:
            break;
        default:
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (%s): QDQ export takes canonical graphs only", src,
                             n->name, odpu_node_op_name(n->op));
        }
        int data_inputs = n->op == ODPU_NODE_CONV ? 1 : n->n_inputs;
        for (int k = 0; k < data_inputs; k++)
            if (n->inputs[k] < 0 || !has_act_q(g, n->inputs[k]))
                return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (%s): input %d has no quantization parameters "
                                 "(quantize the graph first)", src, n->name, odpu_node_op_name(n->op), k);
        if (n->op != ODPU_NODE_CONV)
            continue;
        const odpu_gtensor *w = n->n_inputs > 1 && n->inputs[1] >= 0 ? &g->tensors[n->inputs[1]] : NULL;
        if (!w || !w->data || w->rank != 4 || !w->q.valid || !w->q.ch_scales || w->q.n_ch_scales != w->dims[0])
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): weights need per-channel scales", src, n->name);
        const odpu_gtensor *b = n->n_inputs > 2 && n->inputs[2] >= 0 ? &g->tensors[n->inputs[2]] : NULL;
        if (b && (!b->data || odpu_tensor_numel(b) != w->dims[0]))
            return odpu_fail(err, ODPU_E_ARG, "%s: node '%s' (Conv): bias '%s' is not a constant of %lld values", src,
                             n->name, b->name, (long long)w->dims[0]);
    }
    if (g->n_inputs != 1 || !has_act_q(g, g->inputs[0]))
        return odpu_fail(err, ODPU_E_ARG, "%s: QDQ export needs one quantized graph input", src);
    return ODPU_OK;
}

static odpu_status write_model(exporter *x, const char *path, odpu_err *err)
{
    const odpu_graph *g = x->g;
    Onnx__ValueInfoProto **ins = xalloc(x, sizeof *ins);
    Onnx__ValueInfoProto **outs = xalloc(x, (size_t)(g->n_outputs > 0 ? g->n_outputs : 1) * sizeof *outs);
    Onnx__GraphProto *graph = xalloc(x, sizeof *graph);
    Onnx__OperatorSetIdProto *opset = xalloc(x, sizeof *opset);
    if (!ins || !outs || !graph || !opset)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    ins[0] = value_info(x, g->tensors[g->inputs[0]].name, &g->tensors[g->inputs[0]]);
    for (int i = 0; i < g->n_outputs; i++)
        outs[i] = value_info(x, g->tensors[g->outputs[i]].name, &g->tensors[g->outputs[i]]);
    if (x->failed)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    onnx__graph_proto__init(graph);
    graph->name = "opendpu_qdq";
    graph->n_node = x->n_nodes;
    graph->node = x->nodes;
    graph->n_initializer = x->n_inits;
    graph->initializer = x->inits;
    graph->n_input = 1;
    graph->input = ins;
    graph->n_output = (size_t)g->n_outputs;
    graph->output = outs;
    onnx__operator_set_id_proto__init(opset);
    opset->domain = "";
    opset->has_version = 1;
    opset->version = QDQ_OPSET;
    Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
    m.has_ir_version = 1;
    m.ir_version = QDQ_IR_VERSION;
    m.n_opset_import = 1;
    m.opset_import = &opset;
    m.producer_name = "opendpu";
    m.graph = graph;
    size_t len = onnx__model_proto__get_packed_size(&m);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory (%zu bytes)", path, len);
    onnx__model_proto__pack(&m, buf);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(buf, 1, len, f) == len;
    ok = (f && fclose(f) == 0) && ok;
    free(buf);
    return ok ? ODPU_OK : odpu_fail(err, ODPU_E_IO, "%s: cannot write the QDQ model", path);
}

odpu_status odpu_qdq_export(const odpu_graph *g, const char *path, odpu_err *err)
{
    odpu_status st = check_exportable(g, err);
    if (st != ODPU_OK)
        return st;
    exporter x;
    memset(&x, 0, sizeof x);
    x.g = g;
    if (has_act_q(g, g->inputs[0]))
        add_qdq_pair(&x, g->inputs[0]);
    for (int i = 0; i < g->n_nodes && !x.failed; i++)
        if (!g->nodes[i].dead)
            export_node(&x, &g->nodes[i]);
    st = x.failed ? odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory building the QDQ model", path)
                  : write_model(&x, path, err);
    for (size_t i = 0; i < x.n_blocks; i++)
        free(x.blocks[i]);
    free(x.blocks);
    free(x.nodes);
    free(x.inits);
    return st;
}
