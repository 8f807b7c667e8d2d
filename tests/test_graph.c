/* test_graph.c - the graph IR's building blocks (quantizer/graph.c): tensors with owned names
 * and constants, nodes with owned index lists and ONNX-default attributes, producers, name
 * lookup, consumers, growth past the first capacity, graph inputs and outputs set in memory,
 * and argument errors. */
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "quantizer/graph.h"
#include "tests/testutil.h"

enum { MANY = 1000 }; /* enough tensors and nodes to grow the arrays several times */

START_TEST(tensor_copies_name_dims_and_data)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    char name[] = "weight";
    int64_t dims[2] = {2, 3};
    float data[6] = {1, 2, 3, 4, 5, 6};
    int t = odpu_graph_add_tensor(&g, name, 2, dims, data, &err);
    ck_assert_int_eq(t, 0);
    name[0] = 'X';
    dims[0] = 99;
    data[0] = 42;
    const odpu_gtensor *w = &g.tensors[t];
    ck_assert_str_eq(w->name, "weight");
    ck_assert_int_eq(w->rank, 2);
    ck_assert_int_eq(w->dims[0], 2);
    ck_assert_int_eq(w->dims[1], 3);
    ck_assert_ptr_nonnull(w->data);
    ck_assert(w->data[0] == 1.0f && w->data[5] == 6.0f);
    ck_assert_int_eq(w->producer, -1);
    ck_assert_int_eq(odpu_tensor_numel(w), 6);
    ck_assert_int_eq(odpu_graph_find_tensor(&g, "weight"), t);
    ck_assert_int_eq(odpu_graph_find_tensor(&g, "Xeight"), -1);
    ck_assert_int_eq(odpu_graph_find_tensor(&g, NULL), -1);

    int a = odpu_graph_add_tensor(&g, "act", 4, (const int64_t[]){1, 3, 8, 8}, NULL, &err);
    ck_assert_int_eq(a, 1);
    ck_assert_ptr_null(g.tensors[a].data);
    ck_assert_int_eq(odpu_tensor_numel(&g.tensors[a]), 192);
    int s = odpu_graph_add_tensor(&g, "scalar", 0, NULL, (const float[]){2.5f}, &err);
    ck_assert_int_eq(odpu_tensor_numel(&g.tensors[s]), 1);
    ck_assert(g.tensors[s].data[0] == 2.5f);
    /* A constant with no elements still owns a (non-NULL) buffer: "has data" stays meaningful. */
    int e = odpu_graph_add_tensor(&g, "empty", 1, (const int64_t[]){0}, (const float[]){0}, &err);
    ck_assert_ptr_nonnull(g.tensors[e].data);
    ck_assert_int_eq(odpu_tensor_numel(&g.tensors[e]), 0);
    odpu_graph_free(&g);
    ck_assert_int_eq(g.n_tensors, 0);
    ck_assert_ptr_null(g.tensors);
    odpu_graph_free(&g); /* freeing twice is harmless */
}
END_TEST

START_TEST(numel_unknown_and_overflow)
{
    odpu_gtensor t;
    memset(&t, 0, sizeof t);
    t.rank = 2;
    t.dims[0] = -1; /* unknown dim */
    t.dims[1] = 4;
    ck_assert_int_eq(odpu_tensor_numel(&t), -1);
    t.rank = 3;
    t.dims[0] = INT64_C(1) << 40;
    t.dims[1] = INT64_C(1) << 40;
    t.dims[2] = 1;
    ck_assert_int_eq(odpu_tensor_numel(&t), -1);
    t.rank = 0;
    ck_assert_int_eq(odpu_tensor_numel(&t), 1);
}
END_TEST

START_TEST(tensor_argument_errors)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    int64_t dims[ODPU_MAX_RANK + 1] = {1, 1, 1, 1, 1, 1, 1};
    ck_assert_int_eq(odpu_graph_add_tensor(&g, "big", ODPU_MAX_RANK + 1, dims, NULL, &err), -1);
    ck_assert_int_eq(err.code, ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "big"));
    ck_assert_int_eq(odpu_graph_add_tensor(&g, "neg", -1, dims, NULL, &err), -1);
    ck_assert_int_eq(odpu_graph_add_tensor(&g, NULL, 1, dims, NULL, &err), -1);
    int64_t unknown[1] = {-1};
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_graph_add_tensor(&g, "c", 1, unknown, (const float[]){0}, &err), -1);
    ck_assert_int_eq(err.code, ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "'c'"));
    ck_assert_int_eq(g.n_tensors, 0);
    odpu_graph_free(&g);
}
END_TEST

START_TEST(node_defaults_producers_and_names)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    int x = odpu_graph_add_tensor(&g, "x", 4, (const int64_t[]){1, 1, 4, 4}, NULL, &err);
    int w = odpu_graph_add_tensor(&g, "w", 4, (const int64_t[]){2, 1, 3, 3}, (const float[18]){0}, &err);
    int y = odpu_graph_add_tensor(&g, "y", 0, NULL, NULL, &err);
    int z = odpu_graph_add_tensor(&g, "z", 0, NULL, NULL, &err);
    int ins[3] = {x, w, -1}; /* omitted bias */
    int conv = odpu_graph_add_node(&g, ODPU_NODE_CONV, "conv1", ins, 3, &y, 1, &err);
    ck_assert_int_eq(conv, 0);
    ins[0] = 77; /* the node keeps its own copy */
    const odpu_gnode *n = &g.nodes[conv];
    ck_assert_str_eq(n->name, "conv1");
    ck_assert_int_eq(n->n_inputs, 3);
    ck_assert_int_eq(n->inputs[0], x);
    ck_assert_int_eq(n->inputs[2], -1);
    ck_assert_int_eq(n->outputs[0], y);
    ck_assert_int_eq(g.tensors[y].producer, conv);
    ck_assert_int_eq(g.tensors[x].producer, -1);
    /* ONNX defaults */
    ck_assert_int_eq(n->a.stride[0], 1);
    ck_assert_int_eq(n->a.stride[1], 1);
    ck_assert_int_eq(n->a.dilation[0], 1);
    ck_assert_int_eq(n->a.dilation[1], 1);
    ck_assert_int_eq(n->a.group, 1);
    ck_assert_int_eq(n->a.pads[0] | n->a.pads[1] | n->a.pads[2] | n->a.pads[3], 0);
    ck_assert(n->a.alpha == 1.0f && n->a.beta == 1.0f);
    ck_assert(n->a.epsilon == 1e-5f);
    ck_assert_int_eq(n->act, ODPU_ACT_NONE);
    ck_assert_int_eq(n->dead, 0);

    int relu = odpu_graph_add_node(&g, ODPU_NODE_RELU, NULL, &y, 1, &z, 1, &err);
    ck_assert_str_eq(g.nodes[relu].name, "Relu_1");
    ck_assert_int_eq(g.tensors[z].producer, relu);
    int relu2 = odpu_graph_add_node(&g, ODPU_NODE_RELU, "", &z, 1, &z, 0, &err);
    ck_assert_str_eq(g.nodes[relu2].name, "Relu_2");
    ck_assert_int_eq(g.nodes[relu2].n_outputs, 0);
    odpu_graph_free(&g);
}
END_TEST

START_TEST(node_argument_errors)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    int x = odpu_graph_add_tensor(&g, "x", 0, NULL, NULL, &err);
    int bad = 5;
    ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_RELU, "r", &bad, 1, &x, 1, &err), -1);
    ck_assert_int_eq(err.code, ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "'r'"));
    ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_RELU, "r", &x, 1, &bad, 1, &err), -1);
    int omitted = -1;
    ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_RELU, "r", &x, 1, &omitted, 1, &err), -1);
    ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_OP_COUNT, "r", &x, 1, &x, 1, &err), -1);
    ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_RELU, "r", NULL, 1, &x, 1, &err), -1);
    ck_assert_int_eq(g.n_nodes, 0);
    odpu_graph_free(&g);
}
END_TEST

START_TEST(op_names)
{
    ck_assert_str_eq(odpu_node_op_name(ODPU_NODE_CONV), "Conv");
    ck_assert_str_eq(odpu_node_op_name(ODPU_NODE_BATCHNORM), "BatchNormalization");
    ck_assert_str_eq(odpu_node_op_name(ODPU_NODE_GLOBAL_AVGPOOL), "GlobalAveragePool");
    ck_assert_str_eq(odpu_node_op_name(ODPU_NODE_DEQUANTIZE), "DequantizeLinear");
    ck_assert_str_eq(odpu_node_op_name(ODPU_NODE_OP_COUNT), "?");
    ck_assert_str_eq(odpu_node_op_name((odpu_node_op)-1), "?");
    for (int op = 0; op < ODPU_NODE_OP_COUNT; op++) {
        const char *s = odpu_node_op_name((odpu_node_op)op);
        ck_assert_msg(s && s[0] && strcmp(s, "?") != 0, "op %d has no name", op);
    }
}
END_TEST

START_TEST(consumers_skip_dead_and_count_once)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    int x = odpu_graph_add_tensor(&g, "x", 0, NULL, NULL, &err);
    int a = odpu_graph_add_tensor(&g, "a", 0, NULL, NULL, &err);
    int b = odpu_graph_add_tensor(&g, "b", 0, NULL, NULL, &err);
    int c = odpu_graph_add_tensor(&g, "c", 0, NULL, NULL, &err);
    int n0 = odpu_graph_add_node(&g, ODPU_NODE_RELU, "n0", &x, 1, &a, 1, &err);
    int xx[2] = {x, x};
    int n1 = odpu_graph_add_node(&g, ODPU_NODE_ADD, "n1", xx, 2, &b, 1, &err);
    int xa[2] = {a, x};
    int n2 = odpu_graph_add_node(&g, ODPU_NODE_ADD, "n2", xa, 2, &c, 1, &err);
    int nodes[4] = {-7, -7, -7, -7};
    ck_assert_int_eq(odpu_graph_consumers(&g, x, nodes, 4), 3);
    ck_assert_int_eq(nodes[0], n0);
    ck_assert_int_eq(nodes[1], n1);
    ck_assert_int_eq(nodes[2], n2);
    ck_assert_int_eq(nodes[3], -7);
    /* max limits what is written, not the count */
    nodes[0] = nodes[1] = -7;
    ck_assert_int_eq(odpu_graph_consumers(&g, x, nodes, 1), 3);
    ck_assert_int_eq(nodes[0], n0);
    ck_assert_int_eq(nodes[1], -7);
    ck_assert_int_eq(odpu_graph_consumers(&g, x, NULL, 0), 3);
    g.nodes[n1].dead = 1;
    ck_assert_int_eq(odpu_graph_consumers(&g, x, nodes, 4), 2);
    ck_assert_int_eq(nodes[1], n2);
    ck_assert_int_eq(odpu_graph_consumers(&g, c, nodes, 4), 0);
    odpu_graph_free(&g);
}
END_TEST

START_TEST(grows_past_first_capacity)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    char name[32];
    int prev = odpu_graph_add_tensor(&g, "t0", 1, (const int64_t[]){1}, (const float[]){0.0f}, &err);
    for (int i = 1; i < MANY; i++) {
        snprintf(name, sizeof name, "t%d", i);
        float v = (float)i;
        int t = odpu_graph_add_tensor(&g, name, 1, (const int64_t[]){1}, &v, &err);
        ck_assert_int_eq(t, i);
        ck_assert_int_eq(odpu_graph_add_node(&g, ODPU_NODE_IDENTITY, NULL, &prev, 1, &t, 1, &err), i - 1);
        prev = t;
    }
    ck_assert_int_eq(g.n_tensors, MANY);
    ck_assert_int_eq(g.n_nodes, MANY - 1);
    ck_assert_int_ge(g.cap_tensors, MANY);
    for (int i = 0; i < MANY; i += 97) {
        snprintf(name, sizeof name, "t%d", i);
        int t = odpu_graph_find_tensor(&g, name);
        ck_assert_int_eq(t, i);
        ck_assert(g.tensors[t].data[0] == (float)i);
        ck_assert_int_eq(g.tensors[t].producer, i - 1);
    }
    ck_assert_str_eq(g.nodes[MANY - 2].name, "Identity_998");
    odpu_graph_free(&g);
}
END_TEST

START_TEST(set_io_copies_replaces_and_refuses)
{
    odpu_graph g;
    odpu_graph_init(&g);
    odpu_err err;
    odpu_err_clear(&err);
    int x = odpu_graph_add_tensor(&g, "x", 0, NULL, NULL, &err);
    int w = odpu_graph_add_tensor(&g, "w", 1, (const int64_t[]){1}, (const float[]){1.0f}, &err);
    int y = odpu_graph_add_tensor(&g, "y", 0, NULL, NULL, &err);
    int z = odpu_graph_add_tensor(&g, "z", 0, NULL, NULL, &err);
    int ins[1] = {x}, outs[2] = {y, z};
    ck_assert_int_eq(odpu_graph_set_io(&g, ins, 1, outs, 2, &err), ODPU_OK);
    ins[0] = z; /* the graph keeps its own copies */
    outs[0] = x;
    ck_assert_int_eq(g.n_inputs, 1);
    ck_assert_int_eq(g.inputs[0], x);
    ck_assert_int_eq(g.n_outputs, 2);
    ck_assert_int_eq(g.outputs[0], y);
    ck_assert_int_eq(g.outputs[1], z);

    /* A second call replaces both lists; a constant may be an output. */
    ck_assert_int_eq(odpu_graph_set_io(&g, (const int[]){y}, 1, (const int[]){w}, 1, &err), ODPU_OK);
    ck_assert_int_eq(g.inputs[0], y);
    ck_assert_int_eq(g.n_outputs, 1);
    ck_assert_int_eq(g.outputs[0], w);

    /* Refused calls name the culprit and leave the graph as it was. */
    ck_assert_int_eq(odpu_graph_set_io(&g, (const int[]){w}, 1, (const int[]){z}, 1, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "'w' is a constant"));
    ck_assert_int_eq(odpu_graph_set_io(&g, (const int[]){x}, 1, (const int[]){z, 9}, 2, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "output 1 refers to tensor 9 of 4"));
    ck_assert_int_eq(odpu_graph_set_io(&g, (const int[]){-1}, 1, (const int[]){z}, 1, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "input 0 refers to tensor -1"));
    ck_assert_int_eq(odpu_graph_set_io(&g, NULL, 1, (const int[]){z}, 1, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_graph_set_io(&g, (const int[]){x}, -1, (const int[]){z}, 1, &err), ODPU_E_ARG);
    ck_assert_int_eq(g.n_inputs, 1);
    ck_assert_int_eq(g.inputs[0], y);
    ck_assert_int_eq(g.outputs[0], w);
    odpu_graph_free(&g);
}
END_TEST

static Suite *graph_suite(void)
{
    Suite *s = suite_create("graph");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, tensor_copies_name_dims_and_data);
    tcase_add_test(tc, numel_unknown_and_overflow);
    tcase_add_test(tc, tensor_argument_errors);
    tcase_add_test(tc, node_defaults_producers_and_names);
    tcase_add_test(tc, node_argument_errors);
    tcase_add_test(tc, op_names);
    tcase_add_test(tc, consumers_skip_dead_and_count_once);
    tcase_add_test(tc, grows_past_first_capacity);
    tcase_add_test(tc, set_io_copies_replaces_and_refuses);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(graph_suite)
