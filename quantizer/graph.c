/* graph.c - building, inspecting and freeing the graph IR (see graph.h).
 * Arrays grow geometrically; every string, index list and constant is owned by the graph. */
#include "quantizer/graph.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    GROW_MIN = 16, /* first capacity of the tensor and node arrays */
    GEN_NAME_MAX = 64 /* "<op>_<index>" for unnamed nodes */
};

/* Names of the operators for messages; ONNX spelling where there is one. */
static const char *const op_names[ODPU_NODE_OP_COUNT] = {
    [ODPU_NODE_CONV] = "Conv",
    [ODPU_NODE_GEMM] = "Gemm",
    [ODPU_NODE_MATMUL] = "MatMul",
    [ODPU_NODE_BATCHNORM] = "BatchNormalization",
    [ODPU_NODE_RELU] = "Relu",
    [ODPU_NODE_CLIP] = "Clip",
    [ODPU_NODE_LEAKY_RELU] = "LeakyRelu",
    [ODPU_NODE_MAXPOOL] = "MaxPool",
    [ODPU_NODE_AVGPOOL] = "AveragePool",
    [ODPU_NODE_GLOBAL_AVGPOOL] = "GlobalAveragePool",
    [ODPU_NODE_ADD] = "Add",
    [ODPU_NODE_CONCAT] = "Concat",
    [ODPU_NODE_FLATTEN] = "Flatten",
    [ODPU_NODE_RESHAPE] = "Reshape",
    [ODPU_NODE_IDENTITY] = "Identity",
    [ODPU_NODE_SOFTMAX] = "Softmax",
    [ODPU_NODE_QUANTIZE] = "QuantizeLinear",
    [ODPU_NODE_DEQUANTIZE] = "DequantizeLinear",
};

void odpu_graph_init(odpu_graph *g)
{
    memset(g, 0, sizeof *g);
}

void odpu_graph_free(odpu_graph *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n_tensors; i++) {
        free(g->tensors[i].name);
        free(g->tensors[i].data);
        free(g->tensors[i].q.ch_scales);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        free(g->nodes[i].name);
        free(g->nodes[i].inputs);
        free(g->nodes[i].outputs);
    }
    free(g->tensors);
    free(g->nodes);
    free(g->inputs);
    free(g->outputs);
    free(g->producer);
    free(g->source);
    odpu_graph_init(g);
}

/* Make room for one more element of size elem in *arr (count *n, capacity *cap). */
static int grow(void **arr, int n, int *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    if (*cap > INT32_MAX / 2)
        return -1;
    int ncap = *cap ? *cap * 2 : GROW_MIN;
    void *p = realloc(*arr, (size_t)ncap * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

int64_t odpu_tensor_numel(const odpu_gtensor *t)
{
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++) {
        if (t->dims[i] < 0)
            return -1;
        if (t->dims[i] != 0 && n > INT64_MAX / t->dims[i])
            return -1;
        n *= t->dims[i];
    }
    return n;
}

int odpu_graph_add_tensor(odpu_graph *g, const char *name, int rank, const int64_t *dims,
                          const float *data, odpu_err *err)
{
    if (!name || rank < 0 || rank > ODPU_MAX_RANK || (rank > 0 && !dims)) {
        odpu_fail(err, ODPU_E_ARG, "tensor '%s': rank %d not in 0..%d", name ? name : "(null)",
                  rank, ODPU_MAX_RANK);
        return -1;
    }
    odpu_gtensor t;
    memset(&t, 0, sizeof t);
    t.rank = rank;
    t.producer = -1;
    for (int i = 0; i < rank; i++)
        t.dims[i] = dims[i];
    int64_t numel = odpu_tensor_numel(&t);
    if (data && (numel < 0 || (uint64_t)numel > SIZE_MAX / sizeof(float))) {
        odpu_fail(err, ODPU_E_ARG, "tensor '%s': constant with unknown or huge shape", name);
        return -1;
    }
    if (grow((void **)&g->tensors, g->n_tensors, &g->cap_tensors, sizeof *g->tensors)) {
        odpu_fail(err, ODPU_E_NOMEM, "tensor '%s': out of memory", name);
        return -1;
    }
    t.name = strdup(name);
    if (data) {
        /* malloc(0) may return NULL; a constant with no elements still needs a non-NULL data. */
        t.data = malloc(numel ? (size_t)numel * sizeof(float) : 1);
        if (t.data)
            memcpy(t.data, data, (size_t)numel * sizeof(float));
    }
    if (!t.name || (data && !t.data)) {
        free(t.name);
        free(t.data);
        odpu_fail(err, ODPU_E_NOMEM, "tensor '%s': out of memory", name);
        return -1;
    }
    g->tensors[g->n_tensors] = t;
    return g->n_tensors++;
}

/* Defaults that make an attribute-less node mean the ONNX default. */
static void default_attrs(odpu_node_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->stride[0] = a->stride[1] = 1;
    a->dilation[0] = a->dilation[1] = 1;
    a->group = 1;
    a->axis = 1;
    a->alpha = 1.0f;
    a->beta = 1.0f;
    a->clip_min = -FLT_MAX;
    a->clip_max = FLT_MAX;
    a->epsilon = 1e-5f; /* ONNX BatchNormalization default */
}

static int *dup_indices(const int *src, int n)
{
    int *d = malloc(n > 0 ? (size_t)n * sizeof(int) : 1);
    if (d && n > 0)
        memcpy(d, src, (size_t)n * sizeof(int));
    return d;
}

static int check_node_io(const odpu_graph *g, const char *name, const int *inputs, int n_inputs,
                         const int *outputs, int n_outputs, odpu_err *err)
{
    if (n_inputs < 0 || n_outputs < 0 || (n_inputs > 0 && !inputs) || (n_outputs > 0 && !outputs)) {
        odpu_fail(err, ODPU_E_ARG, "node '%s': bad input/output lists", name);
        return -1;
    }
    for (int i = 0; i < n_inputs; i++)
        if (inputs[i] < -1 || inputs[i] >= g->n_tensors) {
            odpu_fail(err, ODPU_E_ARG, "node '%s': input %d refers to tensor %d of %d", name, i,
                      inputs[i], g->n_tensors);
            return -1;
        }
    for (int i = 0; i < n_outputs; i++)
        if (outputs[i] < 0 || outputs[i] >= g->n_tensors) {
            odpu_fail(err, ODPU_E_ARG, "node '%s': output %d refers to tensor %d of %d", name, i,
                      outputs[i], g->n_tensors);
            return -1;
        }
    return 0;
}

int odpu_graph_add_node(odpu_graph *g, odpu_node_op op, const char *name, const int *inputs,
                        int n_inputs, const int *outputs, int n_outputs, odpu_err *err)
{
    char gen[GEN_NAME_MAX];
    if ((int)op < 0 || op >= ODPU_NODE_OP_COUNT) {
        odpu_fail(err, ODPU_E_ARG, "node '%s': operator %d unknown", name ? name : "?", (int)op);
        return -1;
    }
    if (!name || !name[0]) {
        snprintf(gen, sizeof gen, "%s_%d", op_names[op], g->n_nodes);
        name = gen;
    }
    if (check_node_io(g, name, inputs, n_inputs, outputs, n_outputs, err))
        return -1;
    if (grow((void **)&g->nodes, g->n_nodes, &g->cap_nodes, sizeof *g->nodes)) {
        odpu_fail(err, ODPU_E_NOMEM, "node '%s': out of memory", name);
        return -1;
    }
    odpu_gnode n;
    memset(&n, 0, sizeof n);
    n.op = op;
    n.n_inputs = n_inputs;
    n.n_outputs = n_outputs;
    n.name = strdup(name);
    n.inputs = dup_indices(inputs, n_inputs);
    n.outputs = dup_indices(outputs, n_outputs);
    if (!n.name || !n.inputs || !n.outputs) {
        free(n.name);
        free(n.inputs);
        free(n.outputs);
        odpu_fail(err, ODPU_E_NOMEM, "node '%s': out of memory", name);
        return -1;
    }
    default_attrs(&n.a);
    n.act = ODPU_ACT_NONE;
    n.act_min = -FLT_MAX;
    n.act_max = FLT_MAX;
    int idx = g->n_nodes++;
    g->nodes[idx] = n;
    for (int i = 0; i < n_outputs; i++)
        g->tensors[outputs[i]].producer = idx;
    return idx;
}

/* Every index names a tensor; with need_activation, none names a constant. */
static odpu_status check_io_list(const odpu_graph *g, const char *what, const int *list, int n,
                                 int need_activation, odpu_err *err)
{
    if (n < 0 || (n > 0 && !list))
        return odpu_fail(err, ODPU_E_ARG, "graph %s: bad list (%d entries)", what, n);
    for (int i = 0; i < n; i++) {
        if (list[i] < 0 || list[i] >= g->n_tensors)
            return odpu_fail(err, ODPU_E_ARG, "graph %s %d refers to tensor %d of %d", what, i, list[i],
                             g->n_tensors);
        if (need_activation && g->tensors[list[i]].data)
            return odpu_fail(err, ODPU_E_ARG, "graph %s %d: tensor '%s' is a constant", what, i,
                             g->tensors[list[i]].name);
    }
    return ODPU_OK;
}

odpu_status odpu_graph_set_io(odpu_graph *g, const int *inputs, int n_inputs, const int *outputs,
                              int n_outputs, odpu_err *err)
{
    odpu_status st = check_io_list(g, "input", inputs, n_inputs, 1, err);
    if (st == ODPU_OK)
        st = check_io_list(g, "output", outputs, n_outputs, 0, err);
    if (st != ODPU_OK)
        return st;
    int *in = dup_indices(inputs, n_inputs), *out = dup_indices(outputs, n_outputs);
    if (!in || !out) {
        free(in);
        free(out);
        return odpu_fail(err, ODPU_E_NOMEM, "graph inputs and outputs: out of memory");
    }
    free(g->inputs);
    free(g->outputs);
    g->inputs = in;
    g->n_inputs = n_inputs;
    g->outputs = out;
    g->n_outputs = n_outputs;
    return ODPU_OK;
}

int odpu_graph_find_tensor(const odpu_graph *g, const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < g->n_tensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0)
            return i;
    return -1;
}

const char *odpu_node_op_name(odpu_node_op op)
{
    if ((int)op < 0 || op >= ODPU_NODE_OP_COUNT)
        return "?";
    return op_names[op];
}

int odpu_graph_consumers(const odpu_graph *g, int tensor, int *nodes, int max)
{
    int count = 0;
    for (int ni = 0; ni < g->n_nodes; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        if (n->dead)
            continue;
        for (int i = 0; i < n->n_inputs; i++) {
            if (n->inputs[i] == tensor) {
                /* A node reading the tensor twice (Add(x, x)) is one consumer. */
                if (nodes && count < max)
                    nodes[count] = ni;
                count++;
                break;
            }
        }
    }
    return count;
}

int odpu_graph_is_output(const odpu_graph *g, int t)
{
    for (int i = 0; i < g->n_outputs; i++)
        if (g->outputs[i] == t)
            return 1;
    return 0;
}

int odpu_graph_is_input(const odpu_graph *g, int t)
{
    for (int i = 0; i < g->n_inputs; i++)
        if (g->inputs[i] == t)
            return 1;
    return 0;
}
