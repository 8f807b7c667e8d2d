/* test_onnx_import.c - ONNX import (quantizer/onnx_import.c) on the files that
 * tests/data/onnx/make_cases.py generated: the graph each case becomes (operators, attributes,
 * shapes, constants), every case executed by the FP32 executor against numpy's and ONNX's
 * expected outputs, and clean errors for bad files: every truncation of a model, random
 * bytes, and each unsupported or inconsistent construct named in the message. */
#include <dirent.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/file.h"
#include "quantizer/graph.h"
#include "tests/graph_run.h"
#include "tests/testutil.h"

#define DATA_DIR "tests/data/onnx/"

enum {
    RANDOM_BUFFERS = 200,   /* random byte strings fed to the importer */
    RANDOM_MAX_LEN = 2048,
    MUTATIONS = 300,        /* single-byte corruptions of a valid model */
    MAX_CASES = 512,        /* lines of cases.txt */
    CASE_NAME_MAX = 96
};

/* Tolerances, relative above 1 (graph_run_max_diff): the C float32 executor against numpy's
 * float64-accumulated references and ONNX's outputs; and optimized against unoptimized
 * graphs, where folding only reorders float32 rounding. */
#define TOL_EXPECTED 1e-4
#define TOL_OPTIMIZED 1e-5

static const char *case_path(const char *folder, const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, DATA_DIR "%s/%s.onnx", folder, name);
    return buf;
}

static void import_ok(const char *path, odpu_graph *g)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_onnx_import(path, g, &err);
    ck_assert_msg(st == ODPU_OK, "%s: %s", path, err.msg);
}

static const odpu_gnode *node_named(const odpu_graph *g, const char *name)
{
    for (int i = 0; i < g->n_nodes; i++)
        if (strcmp(g->nodes[i].name, name) == 0)
            return &g->nodes[i];
    ck_abort_msg("no node '%s'", name);
    return NULL;
}

static const odpu_gtensor *tensor_named(const odpu_graph *g, const char *name)
{
    int t = odpu_graph_find_tensor(g, name);
    ck_assert_msg(t >= 0, "no tensor '%s'", name);
    return &g->tensors[t];
}

static void assert_dims(const odpu_gtensor *t, int rank, const int64_t *dims)
{
    ck_assert_msg(t->rank == rank, "'%s': rank %d, expected %d", t->name, t->rank, rank);
    for (int i = 0; i < rank; i++)
        ck_assert_msg(t->dims[i] == dims[i], "'%s': dim %d is %lld, expected %lld", t->name, i,
                      (long long)t->dims[i], (long long)dims[i]);
}

/* ---- The graph a file becomes ------------------------------------------------------------ */

START_TEST(conv_attributes)
{
    odpu_graph g;
    import_ok(case_path("cases", "conv_grouped_asym_pads"), &g);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.n_inputs, 1);
    ck_assert_int_eq(g.n_outputs, 1);
    ck_assert_int_eq(g.opset, 17);
    ck_assert_str_eq(g.producer, "make_cases.py");
    ck_assert_str_eq(g.source, case_path("cases", "conv_grouped_asym_pads"));
    const odpu_gnode *n = node_named(&g, "conv");
    ck_assert_int_eq(n->op, ODPU_NODE_CONV);
    ck_assert_int_eq(n->n_inputs, 3);
    ck_assert_int_eq(n->a.group, 2);
    ck_assert_int_eq(n->a.stride[0], 2);
    ck_assert_int_eq(n->a.stride[1], 1);
    ck_assert_int_eq(n->a.kernel[0], 3);
    ck_assert_int_eq(n->a.kernel[1], 2);
    const int pads[4] = {0, 1, 2, 1};
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(n->a.pads[i], pads[i]);
    /* (9 + 0 + 2 - 3) / 2 + 1 = 5; (8 + 1 + 1 - 2) / 1 + 1 = 9 */
    assert_dims(&g.tensors[g.outputs[0]], 4, (const int64_t[]){1, 6, 5, 9});
    ck_assert_ptr_nonnull(g.tensors[n->inputs[1]].data);
    ck_assert_int_eq(g.tensors[n->inputs[0]].producer, -1);
    ck_assert_int_eq(g.tensors[n->outputs[0]].producer, 0);
    odpu_graph_free(&g);

    /* auto_pad resolved to explicit pads once the input shape is known */
    import_ok(case_path("cases", "conv_same_lower"), &g);
    n = node_named(&g, "conv");
    ck_assert_int_eq(n->a.auto_pad, ODPU_AUTO_PAD_NOTSET);
    /* H = 7, k = 4, s = 2: out 4, total pad 3 -> SAME_LOWER puts 2 first; W = 8: total 2 -> 1, 1 */
    ck_assert_int_eq(n->a.pads[0], 2);
    ck_assert_int_eq(n->a.pads[2], 1);
    ck_assert_int_eq(n->a.pads[1], 1);
    ck_assert_int_eq(n->a.pads[3], 1);
    assert_dims(&g.tensors[g.outputs[0]], 4, (const int64_t[]){1, 3, 4, 4});
    odpu_graph_free(&g);

    import_ok(case_path("cases", "conv_depthwise_dilated"), &g);
    n = node_named(&g, "conv");
    ck_assert_int_eq(n->a.group, 3);
    ck_assert_int_eq(n->a.dilation[0], 2);
    ck_assert_int_eq(n->a.dilation[1], 2);
    assert_dims(&g.tensors[g.outputs[0]], 4, (const int64_t[]){1, 3, 9, 9});
    odpu_graph_free(&g);
}
END_TEST

START_TEST(pool_attributes)
{
    odpu_graph g;
    import_ok(case_path("cases", "maxpool_ceil"), &g);
    const odpu_gnode *n = node_named(&g, "pool");
    ck_assert_int_eq(n->op, ODPU_NODE_MAXPOOL);
    ck_assert_int_eq(n->a.ceil_mode, 1);
    /* 7, k 3, s 2: ceil((7 - 3) / 2) + 1 = 3 */
    assert_dims(&g.tensors[g.outputs[0]], 4, (const int64_t[]){1, 2, 3, 3});
    odpu_graph_free(&g);
    /* 6 + 2 pads, k 3, s 2, ceil: ceil(5 / 2) + 1 = 4, but the 4th window would start at
     * 6 >= 6 + 1? no: (4 - 1) * 2 = 6 < 7, so 4 stays */
    import_ok(case_path("cases", "maxpool_ceil_pads"), &g);
    assert_dims(&g.tensors[g.outputs[0]], 4, (const int64_t[]){1, 2, 4, 4});
    odpu_graph_free(&g);
    import_ok(case_path("cases", "avgpool_exclude_pad"), &g);
    n = node_named(&g, "pool");
    ck_assert_int_eq(n->op, ODPU_NODE_AVGPOOL);
    ck_assert_int_eq(n->a.count_include_pad, 0);
    odpu_graph_free(&g);
    import_ok(case_path("cases", "avgpool_include_pad"), &g);
    ck_assert_int_eq(node_named(&g, "pool")->a.count_include_pad, 1);
    odpu_graph_free(&g);
}
END_TEST

START_TEST(classifier_structure)
{
    odpu_graph g;
    /* Reshape through a Constant node: the node disappears, the shape lands in the attributes */
    import_ok(case_path("cases", "fc_reshape_gemm_alpha_beta"), &g);
    ck_assert_int_eq(g.opset, 11);
    const odpu_gnode *rs = node_named(&g, "reshape");
    ck_assert_int_eq(rs->op, ODPU_NODE_RESHAPE);
    ck_assert_int_eq(rs->n_inputs, 1);
    ck_assert_int_eq(rs->a.shape_rank, 2);
    ck_assert_int_eq(rs->a.shape[0], 1); /* 0 resolved to the input's dim */
    ck_assert_int_eq(rs->a.shape[1], 96); /* -1 resolved */
    for (int i = 0; i < g.n_nodes; i++)
        ck_assert_str_ne(g.nodes[i].name, "shape_const");
    const odpu_gnode *fc = node_named(&g, "fc1");
    ck_assert_int_eq(fc->op, ODPU_NODE_GEMM);
    ck_assert(fc->a.alpha == 0.5f && fc->a.beta == 0.25f);
    ck_assert_int_eq(fc->a.trans_b, 0);
    ck_assert_int_eq(node_named(&g, "fc2")->a.trans_b, 1);
    const odpu_gnode *sm = node_named(&g, "softmax");
    ck_assert_int_eq(sm->op, ODPU_NODE_SOFTMAX);
    ck_assert_int_eq(sm->a.axis, 1);
    assert_dims(&g.tensors[g.outputs[0]], 2, (const int64_t[]){1, 5});
    odpu_graph_free(&g);

    /* symbolic batch becomes 1; Dropout becomes IDENTITY with the ratio dropped */
    import_ok(case_path("cases", "fc_gemm_bn"), &g);
    assert_dims(&g.tensors[g.inputs[0]], 4, (const int64_t[]){1, 3, 8, 8});
    const odpu_gnode *bn = node_named(&g, "bn_fc");
    ck_assert_int_eq(bn->op, ODPU_NODE_BATCHNORM);
    ck_assert(bn->a.epsilon == 1e-3f);
    ck_assert_int_eq(bn->n_inputs, 5);
    odpu_graph_free(&g);
    import_ok(case_path("cases", "fc_matmul_flatten"), &g);
    ck_assert_int_eq(node_named(&g, "drop")->op, ODPU_NODE_IDENTITY);
    ck_assert_int_eq(node_named(&g, "drop")->n_inputs, 1);
    ck_assert_int_eq(node_named(&g, "fc1_matmul")->op, ODPU_NODE_MATMUL);
    assert_dims(tensor_named(&g, "mm"), 2, (const int64_t[]){1, 16});
    assert_dims(tensor_named(&g, "f"), 2, (const int64_t[]){1, 96});
    odpu_graph_free(&g);
}
END_TEST

START_TEST(activation_attributes)
{
    odpu_graph g;
    import_ok(case_path("cases", "conv_relu6_opset11"), &g);
    const odpu_gnode *n = node_named(&g, "relu6");
    ck_assert_int_eq(n->op, ODPU_NODE_CLIP);
    ck_assert_int_eq(n->n_inputs, 1); /* bounds moved to the attributes */
    ck_assert(n->a.clip_min == 0.0f && n->a.clip_max == 6.0f);
    odpu_graph_free(&g);
    import_ok(case_path("cases", "concat_depthwise_clip"), &g);
    n = node_named(&g, "clip_max_only");
    ck_assert(n->a.clip_min < -1e30f && n->a.clip_max == 0.5f);
    n = node_named(&g, "concat");
    ck_assert_int_eq(n->op, ODPU_NODE_CONCAT);
    ck_assert_int_eq(n->a.axis, 1);
    assert_dims(tensor_named(&g, "cat"), 4, (const int64_t[]){1, 8, 6, 6});
    odpu_graph_free(&g);
    import_ok(case_path("cases", "conv_leaky"), &g);
    ck_assert(node_named(&g, "leaky")->a.alpha == 0.1f);
    odpu_graph_free(&g);
    import_ok(case_path("cases", "unfusable_activations"), &g);
    ck_assert(node_named(&g, "leaky_after_concat")->a.alpha == 0.01f); /* ONNX default */
    odpu_graph_free(&g);
}
END_TEST

START_TEST(qdq_structure)
{
    odpu_graph g;
    import_ok(case_path("cases", "qdq_conv"), &g);
    const odpu_gnode *q = node_named(&g, "q_x");
    ck_assert_int_eq(q->op, ODPU_NODE_QUANTIZE);
    ck_assert_int_eq(q->n_inputs, 3);
    ck_assert(q->a.clip_min == 0.0f && q->a.clip_max == 255.0f); /* uint8 zero point */
    const odpu_gnode *dqw = node_named(&g, "dq_w");
    ck_assert_int_eq(dqw->op, ODPU_NODE_DEQUANTIZE);
    ck_assert_int_eq(dqw->a.axis, 0);
    /* int8 weights and the int32 bias become exact float values */
    const odpu_gtensor *wq = tensor_named(&g, "wq");
    ck_assert_ptr_nonnull(wq->data);
    for (int64_t i = 0; i < odpu_tensor_numel(wq); i++) {
        ck_assert(wq->data[i] >= -127.0f && wq->data[i] <= 127.0f);
        ck_assert(wq->data[i] == (float)(int)wq->data[i]);
    }
    ck_assert(tensor_named(&g, "xz")->data[0] == 128.0f);
    /* the conv's weight is the DequantizeLinear output, not a constant */
    const odpu_gnode *conv = node_named(&g, "conv");
    ck_assert_ptr_null(g.tensors[conv->inputs[1]].data);
    ck_assert_int_eq(g.nodes[g.tensors[conv->inputs[1]].producer].op, ODPU_NODE_DEQUANTIZE);
    odpu_graph_free(&g);
}
END_TEST

/* The external file holds 12 bytes of padding, then the weights: the importer must read
 * exactly those bytes. */
START_TEST(external_data_values)
{
    odpu_graph g;
    import_ok(case_path("cases", "conv_external_data"), &g);
    const odpu_gtensor *w = tensor_named(&g, "W");
    ck_assert_int_eq(odpu_tensor_numel(w), 4 * 2 * 3 * 3);
    uint8_t *raw;
    size_t len;
    odpu_err err;
    ck_assert_int_eq(odpu_read_file(DATA_DIR "cases/conv_external_data.weights", 0, &raw, &len, &err), ODPU_OK);
    ck_assert_uint_eq(len, 12 + 72 * 4);
    ck_assert_int_eq(memcmp(raw + 12, w->data, 72 * 4), 0); /* little-endian host */
    free(raw);
    odpu_graph_free(&g);
}
END_TEST

/* ---- Executing every case -------------------------------------------------------------- */

/* ONNX backend cases the importer rejects, with the reason it must give. Every other backend
 * case in cases.txt must import and match ONNX's expected outputs. */
typedef struct rejected_case {
    const char *name;
    const char *reason;
} rejected_case;

static const rejected_case backend_rejected[] = {
    {"test_add_uint8", "only float32 graph inputs"},
    {"test_averagepool_1d_default", "expected 2 (2-D only)"},
    {"test_averagepool_3d_default", "expected 2 (2-D only)"},
    {"test_batchnorm_epsilon_training_mode", "output 1 ('output_mean') is not supported"},
    {"test_batchnorm_example_training_mode", "output 1 ('output_mean') is not supported"},
    {"test_clip_default_int8_inbounds", "only float32 graph inputs"},
    {"test_clip_default_int8_max", "only float32 graph inputs"},
    {"test_clip_default_int8_min", "only float32 graph inputs"},
    {"test_dequantizelinear", "only float32 graph inputs"},      /* x is the uint8 graph input */
    {"test_dequantizelinear_axis", "only float32 graph inputs"},
    {"test_dropout_default_mask", "output 1 ('z') is not supported"},
    {"test_dropout_default_mask_ratio", "output 1 ('z') is not supported"},
    {"test_identity_opt", "is not a tensor"},
    {"test_identity_sequence", "is not a tensor"},
    {"test_matmul_3d", "only a 2-D constant right operand"},
    {"test_matmul_4d", "only a 2-D constant right operand"},
    {"test_maxpool_1d_default", "expected 2 (2-D only)"},
    {"test_maxpool_2d_dilations", "dilations other than 1 are not supported"},
    {"test_maxpool_2d_uint8", "only float32 graph inputs"},
    {"test_maxpool_3d_default", "expected 2 (2-D only)"},
    {"test_maxpool_with_argmax_2d_precomputed_pads", "output 1 ('z') is not supported"},
    {"test_maxpool_with_argmax_2d_precomputed_strides", "output 1 ('z') is not supported"},
    {"test_reshape_allowzero_reordered", "dimension 0 is 0"},
    {"test_training_dropout", "training_mode must be a constant false"},
    {"test_training_dropout_default", "training_mode must be a constant false"},
    {"test_training_dropout_default_mask", "output 1 ('z') is not supported"},
    {"test_training_dropout_mask", "output 1 ('z') is not supported"},
    {"test_training_dropout_zero_ratio", "training_mode must be a constant false"},
    {"test_training_dropout_zero_ratio_mask", "output 1 ('z') is not supported"},
};
enum { N_BACKEND_REJECTED = sizeof backend_rejected / sizeof backend_rejected[0] };

/* Our cases that odpu_graph_optimize must refuse (not canonical without another step). */
static const rejected_case optimize_rejected[] = {
    {"qdq_conv", "QDQ nodes must be absorbed first"},
};
enum { N_OPTIMIZE_REJECTED = sizeof optimize_rejected / sizeof optimize_rejected[0] };

typedef struct case_list {
    int n;
    char kind[MAX_CASES][16];
    char name[MAX_CASES][CASE_NAME_MAX];
} case_list;

static case_list cases; /* read once by the suite builder; tests only read it */

static void load_cases(void)
{
    FILE *f = fopen(DATA_DIR "cases.txt", "r");
    char line[256];
    cases.n = 0;
    if (!f)
        return; /* the case test then fails on n == 0 */
    while (fgets(line, sizeof line, f) && cases.n < MAX_CASES) {
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%15s %95s", cases.kind[cases.n], cases.name[cases.n]) == 2)
            cases.n++;
    }
    fclose(f);
}

static const char *rejection(const rejected_case *table, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].reason;
    return NULL;
}

/* What odpu_graph_optimize promises (graph.h): canonical operators only, CONVs with constant
 * weight and bias, NCHW activations, activations fused only where the engine takes them,
 * consistent producers, no dead nodes left. */
static void assert_canonical(const odpu_graph *g, const char *name)
{
    for (int ni = 0; ni < g->n_nodes; ni++) {
        const odpu_gnode *n = &g->nodes[ni];
        ck_assert_msg(!n->dead, "%s: dead node '%s' left", name, n->name);
        ck_assert_msg(g->tensors[n->outputs[0]].producer == ni, "%s: '%s' is not its output's producer", name,
                      n->name);
        switch (n->op) {
        case ODPU_NODE_CONV:
            ck_assert_msg(n->n_inputs == 3 && g->tensors[n->inputs[1]].data && g->tensors[n->inputs[2]].data,
                          "%s: CONV '%s' without constant weight and bias", name, n->name);
            ck_assert_int_eq(g->tensors[n->inputs[1]].rank, 4);
            break;
        case ODPU_NODE_ADD:
            ck_assert_msg(n->act == ODPU_ACT_NONE || n->act == ODPU_ACT_RELU || n->act == ODPU_ACT_CLIP,
                          "%s: ADD '%s' with activation %d", name, n->name, (int)n->act);
            break;
        case ODPU_NODE_MAXPOOL:
            ck_assert_msg(n->act == ODPU_ACT_NONE || n->act == ODPU_ACT_RELU, "%s: MAXPOOL '%s' act", name, n->name);
            break;
        case ODPU_NODE_AVGPOOL:
        case ODPU_NODE_GLOBAL_AVGPOOL:
        case ODPU_NODE_CONCAT:
        case ODPU_NODE_SOFTMAX:
            ck_assert_msg(n->act == ODPU_ACT_NONE, "%s: '%s' has a fused activation", name, n->name);
            break;
        default: ck_abort_msg("%s: non-canonical node '%s' (%s)", name, n->name, odpu_node_op_name(n->op));
        }
        if (n->op != ODPU_NODE_SOFTMAX)
            ck_assert_msg(g->tensors[n->outputs[0]].rank == 4, "%s: '%s' output is not NCHW", name, n->name);
    }
}

static const odpu_gnode *node_of_tensor(const odpu_graph *g, const char *tensor)
{
    int t = odpu_graph_find_tensor(g, tensor);
    ck_assert_msg(t >= 0 && g->tensors[t].producer >= 0, "no producer of '%s'", tensor);
    return &g->nodes[g->tensors[t].producer];
}

START_TEST(optimized_structure)
{
    odpu_graph g;
    odpu_err err;
    /* Flatten -> Gemm -> BN -> Relu -> Gemm -> Softmax: two CONVs, BN and Relu folded */
    import_ok(case_path("cases", "fc_gemm_bn"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    ck_assert_int_eq(g.n_nodes, 5);
    const odpu_gnode *fc1 = node_of_tensor(&g, "r2");
    ck_assert_str_eq(fc1->name, "fc1");
    ck_assert_int_eq(fc1->op, ODPU_NODE_CONV);
    ck_assert_int_eq(fc1->act, ODPU_ACT_RELU);
    ck_assert_int_eq(fc1->a.kernel[0], 4); /* covers the pooled 4x4 map */
    ck_assert_int_eq(fc1->a.kernel[1], 4);
    ck_assert_str_eq(g.tensors[fc1->inputs[0]].name, "p"); /* reads the pool output, flatten gone */
    assert_dims(&g.tensors[fc1->outputs[0]], 4, (const int64_t[]){1, 16, 1, 1});
    ck_assert_int_eq(node_of_tensor(&g, "prob")->op, ODPU_NODE_SOFTMAX);
    ck_assert_int_eq(g.tensors[g.outputs[0]].producer, g.n_nodes - 1);
    odpu_graph_free(&g);

    /* BN on the input: a depthwise 1x1 CONV; BN after the conv: folded; Relu: fused */
    import_ok(case_path("cases", "bn_fold_and_standalone"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    ck_assert_int_eq(g.n_nodes, 2);
    ck_assert_int_eq(g.nodes[0].op, ODPU_NODE_CONV);
    ck_assert_int_eq(g.nodes[0].a.group, 3);
    ck_assert_int_eq(g.nodes[0].a.kernel[0], 1);
    ck_assert_int_eq(g.nodes[1].act, ODPU_ACT_RELU);
    ck_assert_str_eq(g.tensors[g.nodes[1].outputs[0]].name, "y"); /* the graph output keeps its name */
    odpu_graph_free(&g);

    /* residual: relu fused into the ADD; the constant Add folded into conv3's bias */
    import_ok(case_path("cases", "residual_add"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    ck_assert_int_eq(g.n_nodes, 5);
    ck_assert_int_eq(node_of_tensor(&g, "r2")->op, ODPU_NODE_ADD);
    ck_assert_int_eq(node_of_tensor(&g, "r2")->act, ODPU_ACT_RELU);
    ck_assert_str_eq(node_of_tensor(&g, "c3b")->name, "conv3");
    odpu_graph_free(&g);

    /* Clip after a Concat: nothing to fuse into, an identity CONV carrying the clamp */
    import_ok(case_path("cases", "concat_depthwise_clip"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    const odpu_gnode *cl = node_of_tensor(&g, "cl");
    ck_assert_int_eq(cl->op, ODPU_NODE_CONV);
    ck_assert_int_eq(cl->act, ODPU_ACT_CLIP);
    ck_assert(cl->act_max == 0.5f && cl->act_min <= -FLT_MAX);
    ck_assert_int_eq(cl->a.group, 8);
    odpu_graph_free(&g);

    /* ReLU6 as Clip(0, 6) fused into the conv; LeakyRelu likewise with its slope */
    import_ok(case_path("cases", "conv_relu6_opset11"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    ck_assert_int_eq(g.n_nodes, 1);
    ck_assert_int_eq(g.nodes[0].act, ODPU_ACT_CLIP);
    ck_assert(g.nodes[0].act_min == 0.0f && g.nodes[0].act_max == 6.0f);
    odpu_graph_free(&g);
    import_ok(case_path("cases", "conv_leaky"), &g);
    ck_assert_int_eq(odpu_graph_optimize(&g, &err), ODPU_OK);
    ck_assert_int_eq(g.nodes[0].act, ODPU_ACT_LEAKY);
    ck_assert(g.nodes[0].act_alpha == 0.1f);
    odpu_graph_free(&g);
}
END_TEST

/* Import, run on the stored inputs, compare with the stored outputs; returns the outputs. */
static float *run_case(const char *folder, const char *name, odpu_graph *g, const float *in, int64_t n_in,
                       const float *expect, int64_t n_out)
{
    char path[512];
    snprintf(path, sizeof path, DATA_DIR "%s/%s.onnx", folder, name);
    ck_assert_int_eq(graph_run_input_count(g), n_in);
    ck_assert_msg(graph_run_output_count(g) == n_out, "%s: %lld outputs, expected %lld", name,
                  (long long)graph_run_output_count(g), (long long)n_out);
    odpu_f32_exec *ex;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_f32_exec_create(g, &ex, &err) == ODPU_OK, "%s: %s", name, err.msg);
    float *out = malloc((size_t)(n_out ? n_out : 1) * sizeof *out);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(graph_run_once(ex, g, in, out, &err) == ODPU_OK, "%s: %s", name, err.msg);
    double d = graph_run_max_diff(out, expect, n_out);
    ck_assert_msg(d <= TOL_EXPECTED, "%s (%s): max difference %g to the expected outputs", name, folder, d);
    odpu_f32_exec_destroy(ex);
    return out;
}

START_TEST(run_every_case)
{
    ck_assert_int_gt(cases.n, 0);
    const char *kind = cases.kind[_i], *name = cases.name[_i];
    const char *folder = strcmp(kind, "ours") == 0 ? "cases" : "backend";
    ck_assert_msg(strcmp(kind, "ours") == 0 || strcmp(kind, "backend") == 0, "cases.txt: kind '%s'", kind);
    char path[512];
    snprintf(path, sizeof path, DATA_DIR "%s/%s.onnx", folder, name);
    odpu_graph g;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_onnx_import(path, &g, &err);
    const char *reason = folder[0] == 'b' ? rejection(backend_rejected, N_BACKEND_REJECTED, name) : NULL;
    if (reason) {
        ck_assert_msg(st != ODPU_OK, "%s: imported, but the table says it is rejected (%s)", name, reason);
        ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, reason), "%s: message '%s' lacks '%s'", name, err.msg,
                      reason);
        return;
    }
    ck_assert_msg(st == ODPU_OK, "%s: %s", name, err.msg);
    int64_t n_in, n_out;
    char data[600];
    snprintf(data, sizeof data, DATA_DIR "%s/%s.inputs.f32", folder, name);
    float *in = graph_run_read_f32(data, &n_in);
    snprintf(data, sizeof data, DATA_DIR "%s/%s.outputs.f32", folder, name);
    float *expect = graph_run_read_f32(data, &n_out);
    ck_assert_msg(in && expect, "%s: missing data files", name);
    float *out = run_case(folder, name, &g, in, n_in, expect, n_out);
    if (folder[0] == 'c') {
        /* our cases also go through the passes: same results, canonical operators only */
        const char *why = rejection(optimize_rejected, N_OPTIMIZE_REJECTED, name);
        st = odpu_graph_optimize(&g, &err);
        if (why) {
            ck_assert_msg(st != ODPU_OK && strstr(err.msg, why), "%s: optimize: '%s', expected '%s'", name,
                          st ? err.msg : "ok", why);
        } else {
            ck_assert_msg(st == ODPU_OK, "%s: optimize: %s", name, err.msg);
            assert_canonical(&g, name);
            float *opt = run_case(folder, name, &g, in, n_in, expect, n_out);
            double d = graph_run_max_diff(opt, out, n_out);
            ck_assert_msg(d <= TOL_OPTIMIZED, "%s: optimized differs from imported by %g", name, d);
            free(opt);
        }
    }
    free(out);
    free(in);
    free(expect);
    odpu_graph_free(&g);
}
END_TEST

/* The tables name only cases that exist, so none is stale. */
START_TEST(tables_name_existing_cases)
{
    for (int i = 0; i < N_BACKEND_REJECTED; i++) {
        int found = 0;
        for (int c = 0; c < cases.n; c++)
            found |= strcmp(cases.kind[c], "backend") == 0 && strcmp(cases.name[c], backend_rejected[i].name) == 0;
        ck_assert_msg(found, "%s: in the rejected table but not in cases.txt", backend_rejected[i].name);
    }
    for (int i = 0; i < N_OPTIMIZE_REJECTED; i++) {
        int found = 0;
        for (int c = 0; c < cases.n; c++)
            found |= strcmp(cases.kind[c], "ours") == 0 && strcmp(cases.name[c], optimize_rejected[i].name) == 0;
        ck_assert_msg(found, "%s: in the optimize table but not in cases.txt", optimize_rejected[i].name);
    }
}
END_TEST

/* ---- Bad files ------------------------------------------------------------------------- */

typedef struct bad_case {
    const char *name;
    odpu_status code;
    const char *expect[2]; /* substrings the message must contain */
} bad_case;

static const bad_case bad_cases[] = {
    {"unsupported_op", ODPU_E_FORMAT, {"node 'my_sigmoid' (Sigmoid)", "unsupported operator"}},
    {"unsupported_attr", ODPU_E_FORMAT, {"node 'conv' (Conv)", "unsupported attribute 'foo'"}},
    {"maxpool_dilations", ODPU_E_FORMAT, {"node 'mp' (MaxPool)", "dilations"}},
    {"maxpool_storage_order", ODPU_E_FORMAT, {"node 'mp' (MaxPool)", "storage_order"}},
    {"inconsistent_shapes", ODPU_E_MISMATCH, {"node 'add_mismatch' (Add)", "do not broadcast"}},
    {"conv_channel_mismatch", ODPU_E_MISMATCH, {"node 'conv' (Conv)", "input has 2 channels"}},
    {"missing_initializer", ODPU_E_FORMAT, {"node 'conv' (Conv)", "'W_missing' is not produced"}},
    {"cycle", ODPU_E_FORMAT, {"node 'add_a' (Add)", "cycle"}},
    {"weight_not_constant", ODPU_E_FORMAT, {"node 'conv' (Conv)", "weight 'W' must be a constant"}},
    {"opset10", ODPU_E_FORMAT, {"opset 10 not supported", "11 to 17"}},
    {"opset18", ODPU_E_FORMAT, {"opset 18 not supported", "11 to 17"}},
    {"int64_input", ODPU_E_FORMAT, {"input 'x'", "only float32 graph inputs"}},
    {"symbolic_channels", ODPU_E_FORMAT, {"input 'x': dimension 1", "symbolic"}},
    {"conv1d", ODPU_E_MISMATCH, {"node 'conv' (Conv)", "expected rank 4"}},
    {"float16_initializer", ODPU_E_FORMAT, {"initializer 'W'", "float16 not supported"}},
    {"raw_data_wrong_size", ODPU_E_FORMAT, {"initializer 'W'", "raw_data has 140 bytes"}},
    {"maxpool_indices_used", ODPU_E_FORMAT, {"node 'mp' (MaxPool)", "output 1 ('idx') is not supported"}},
    {"reshape_shape_not_constant", ODPU_E_FORMAT, {"node 'rs' (Reshape)", "shape 's' must be a constant"}},
    {"reshape_bad_count", ODPU_E_MISMATCH, {"node 'rs' (Reshape)", "cannot reshape"}},
    {"duplicate_output", ODPU_E_FORMAT, {"node 'r2' (Relu)", "'y' is already defined"}},
    {"bn_training", ODPU_E_FORMAT, {"node 'bn' (BatchNormalization)", "training_mode"}},
    {"auto_pad_unknown", ODPU_E_FORMAT, {"node 'conv' (Conv)", "auto_pad 'SAME_MIDDLE'"}},
    {"custom_domain", ODPU_E_FORMAT, {"node 'r' (Relu)", "domain 'com.example'"}},
    {"pool_pad_ge_kernel", ODPU_E_MISMATCH, {"node 'mp' (MaxPool)", "not smaller than the kernel"}},
    {"kernel_larger_than_input", ODPU_E_MISMATCH, {"node 'conv' (Conv)", "larger than the padded input"}},
    {"external_out_of_range", ODPU_E_FORMAT, {"initializer 'W'", "outside the file"}},
    {"external_traversal", ODPU_E_FORMAT, {"initializer 'W'", "leaves the model's folder"}},
    {"external_absolute", ODPU_E_FORMAT, {"initializer 'W'", "leaves the model's folder"}},
    {"external_missing_file", ODPU_E_IO, {"initializer 'W'", "cannot open"}},
    {"random_bytes", ODPU_E_FORMAT, {"not a valid ONNX model", "protobuf"}},
    {"empty", ODPU_E_FORMAT, {"no opset_import", ""}},
};
enum { N_BAD = sizeof bad_cases / sizeof bad_cases[0] };

START_TEST(bad_file)
{
    const bad_case *bc = &bad_cases[_i];
    const char *path = case_path("bad", bc->name);
    odpu_graph g;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_onnx_import(path, &g, &err);
    ck_assert_msg(st == bc->code, "%s: status %s, expected %s (%s)", bc->name, odpu_status_name(st),
                  odpu_status_name(bc->code), err.msg);
    ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0, "%s: message does not start with the file: %s",
                  bc->name, err.msg);
    for (int k = 0; k < 2; k++)
        ck_assert_msg(strstr(err.msg, bc->expect[k]), "%s: message lacks '%s': %s", bc->name, bc->expect[k],
                      err.msg);
    ck_assert_int_eq(g.n_nodes, 0); /* nothing left to free */
    ck_assert_ptr_null(g.tensors);
}
END_TEST

/* Every file in bad/ is in the table: none is generated and then forgotten. */
START_TEST(bad_table_is_complete)
{
    DIR *d = opendir(DATA_DIR "bad");
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".onnx") != 0)
            continue;
        files++;
        int found = 0;
        for (int i = 0; i < N_BAD; i++)
            found |= strlen(bad_cases[i].name) == len - 5 && strncmp(bad_cases[i].name, e->d_name, len - 5) == 0;
        ck_assert_msg(found, "bad/%s is not in the bad_cases table", e->d_name);
    }
    closedir(d);
    ck_assert_int_eq(files, N_BAD);
}
END_TEST

START_TEST(missing_file)
{
    odpu_graph g;
    odpu_err err;
    ck_assert_int_eq(odpu_onnx_import(DATA_DIR "no/such.onnx", &g, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "no/such.onnx"));
}
END_TEST

/* Import bytes through a temporary file; returns the status (message checked). */
static odpu_status import_bytes(const uint8_t *data, size_t len)
{
    char path[] = "/tmp/odpu_onnx_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(len == 0 || write(fd, data, len) == (ssize_t)len);
    close(fd);
    odpu_graph g;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_onnx_import(path, &g, &err);
    if (st != ODPU_OK) {
        ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0 && strlen(err.msg) > strlen(path) + 2,
                      "unclear message: %s", err.msg);
        ck_assert_int_eq(g.n_nodes, 0);
    }
    odpu_graph_free(&g);
    unlink(path);
    return st;
}

/* Every proper prefix of a model (inline weights, several ops) is rejected cleanly. */
START_TEST(every_truncation)
{
    static const char *const files[] = {"cases/concat_depthwise_clip.onnx", "cases/qdq_conv.onnx"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[256];
        snprintf(path, sizeof path, DATA_DIR "%s", files[f]);
        uint8_t *data;
        size_t len;
        odpu_err err;
        ck_assert_int_eq(odpu_read_file(path, 0, &data, &len, &err), ODPU_OK);
        ck_assert_int_eq(import_bytes(data, len), ODPU_OK);
        for (size_t cut = 0; cut < len; cut++)
            ck_assert_msg(import_bytes(data, cut) != ODPU_OK, "%s cut at %zu of %zu imported", path, cut, len);
        free(data);
    }
}
END_TEST

START_TEST(random_and_mutated_bytes)
{
    test_rng rng;
    test_rng_seed(&rng, 0x0badf00d);
    uint8_t buf[RANDOM_MAX_LEN];
    int rejected = 0;
    for (int i = 0; i < RANDOM_BUFFERS; i++) {
        size_t len = (size_t)test_rng_range(&rng, 1, RANDOM_MAX_LEN);
        test_rng_bytes(&rng, buf, len);
        rejected += import_bytes(buf, len) != ODPU_OK;
    }
    ck_assert_int_eq(rejected, RANDOM_BUFFERS);
    /* One corrupted byte in a valid model: may still be a valid model; never a crash. */
    uint8_t *data;
    size_t len;
    odpu_err err;
    ck_assert_int_eq(odpu_read_file(DATA_DIR "cases/residual_add.onnx", 0, &data, &len, &err), ODPU_OK);
    for (int i = 0; i < MUTATIONS; i++) {
        size_t pos = (size_t)test_rng_range(&rng, 0, (int32_t)len - 1);
        uint8_t old = data[pos];
        data[pos] = (uint8_t)test_rng_range(&rng, 0, 255);
        import_bytes(data, len);
        data[pos] = old;
    }
    free(data);
}
END_TEST

static Suite *onnx_import_suite(void)
{
    Suite *s = suite_create("onnx_import");
    TCase *tc = tcase_create("structure");
    tcase_add_test(tc, conv_attributes);
    tcase_add_test(tc, pool_attributes);
    tcase_add_test(tc, classifier_structure);
    tcase_add_test(tc, activation_attributes);
    tcase_add_test(tc, qdq_structure);
    tcase_add_test(tc, external_data_values);
    suite_add_tcase(s, tc);
    load_cases();
    tc = tcase_create("execute");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, run_every_case, 0, cases.n > 0 ? cases.n : 1);
    tcase_add_test(tc, tables_name_existing_cases);
    tcase_add_test(tc, optimized_structure);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_input");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bad_file, 0, N_BAD);
    tcase_add_test(tc, bad_table_is_complete);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, every_truncation);
    tcase_add_test(tc, random_and_mutated_bytes);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(onnx_import_suite)
