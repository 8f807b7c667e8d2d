/* graph.h - the float CNN as a graph: what ONNX import produces, the passes rewrite, the FP32
 * executor runs, PTQ annotates with quantization, and the compiler lowers to instructions. */
#ifndef ODPU_QUANTIZER_GRAPH_H
#define ODPU_QUANTIZER_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum {
    ODPU_MAX_RANK = 6,     /* ONNX tensors the importer accepts */
    ODPU_MAX_NODE_IO = 8,  /* inputs (or outputs) of one node; Concat may have more: see n_inputs */
};

/* Operators. The importer produces the ONNX ones; after odpu_graph_optimize only the
 * "canonical" ones remain (marked C): the compiler and the quantizer see nothing else. */
typedef enum odpu_node_op {
    ODPU_NODE_CONV,            /* C: NCHW conv, any kernel/stride/pad/dilation/groups, fused act */
    ODPU_NODE_GEMM,            /*    ONNX Gemm (becomes CONV) */
    ODPU_NODE_MATMUL,          /*    ONNX MatMul with a constant right operand (becomes CONV) */
    ODPU_NODE_BATCHNORM,       /*    folded into the preceding CONV */
    ODPU_NODE_RELU,            /*    fused into the producer (CONV/ADD) when possible */
    ODPU_NODE_CLIP,            /*    ReLU6 and friends, fused likewise */
    ODPU_NODE_LEAKY_RELU,      /*    fused into CONV */
    ODPU_NODE_MAXPOOL,         /* C: incl. ceil_mode, pads, fused act (only ReLU clamp) */
    ODPU_NODE_AVGPOOL,         /* C: pads, count_include_pad, ceil_mode */
    ODPU_NODE_GLOBAL_AVGPOOL,  /* C */
    ODPU_NODE_ADD,             /* C: element-wise add of two activations, same shape, fused act */
    ODPU_NODE_CONCAT,          /* C: along channels (axis 1) */
    ODPU_NODE_FLATTEN,         /*    absorbed by the CONV (FC) that consumes it */
    ODPU_NODE_RESHAPE,         /*    likewise, when it only flattens */
    ODPU_NODE_IDENTITY,        /*    Identity, Dropout (inference): removed */
    ODPU_NODE_SOFTMAX,         /* C: only as a graph output; runs on the host in float */
    ODPU_NODE_QUANTIZE,        /*    QuantizeLinear of a QDQ model: becomes a tensor annotation */
    ODPU_NODE_DEQUANTIZE,      /*    DequantizeLinear likewise */
    ODPU_NODE_OP_COUNT
} odpu_node_op;

/* Activation fused into the output of a CONV, ADD or MAXPOOL. */
typedef enum odpu_act {
    ODPU_ACT_NONE = 0,
    ODPU_ACT_RELU,
    ODPU_ACT_CLIP,   /* clamp to [act_min, act_max] in real units (ReLU6: 0, 6) */
    ODPU_ACT_LEAKY   /* LeakyReLU with slope act_alpha */
} odpu_act;

/* ONNX auto_pad of Conv and the pools; odpu_graph_infer_shapes turns it into pads. */
typedef enum odpu_auto_pad {
    ODPU_AUTO_PAD_NOTSET = 0, /* pads as given */
    ODPU_AUTO_PAD_VALID,      /* no padding */
    ODPU_AUTO_PAD_SAME_UPPER, /* output = ceil(input / stride), odd padding at the end */
    ODPU_AUTO_PAD_SAME_LOWER  /* likewise, odd padding at the beginning */
} odpu_auto_pad;

/* Attributes, meaning depending on op. Spatial pairs are (h, w). pads are ONNX order:
 * top, left, bottom, right. QUANTIZE uses clip_min/clip_max for the integer type's range
 * ([-128, 127] for int8, [0, 255] for uint8) and axis for per-axis scales. */
typedef struct odpu_node_attrs {
    int kernel[2];
    int stride[2];
    int dilation[2];
    int pads[4];
    int group;
    int ceil_mode;
    int count_include_pad;
    int axis;             /* Concat, Flatten, Softmax */
    int trans_a, trans_b; /* Gemm */
    float alpha, beta;    /* Gemm alpha/beta, LeakyRelu alpha */
    float clip_min, clip_max;
    float epsilon;        /* BatchNormalization */
    int64_t shape[ODPU_MAX_RANK]; /* Reshape target (after resolving -1 and 0) */
    int shape_rank;
    int auto_pad;         /* odpu_auto_pad; infer_shapes resolves it to pads and NOTSET */
} odpu_node_attrs;

/* Quantization of a tensor (docs/quantization.md). Activations: per tensor, asymmetric.
 * Weights: per output channel (axis 0), symmetric, n_scales = dims[0]. */
typedef struct odpu_qparams {
    int valid;
    float scale;          /* per-tensor scale (activations) */
    int32_t zero_point;
    float *ch_scales;     /* per-channel scales (weights), owned; NULL for per-tensor */
    int n_ch_scales;
} odpu_qparams;

/* A value of the graph: an activation (producer >= 0 or a graph input) or a constant
 * (data != NULL, an ONNX initializer or a folded result). Float32 throughout; integer
 * constants (Reshape shapes) are converted. Activations are NCHW with N = 1. */
typedef struct odpu_gtensor {
    char *name;
    int rank;
    int64_t dims[ODPU_MAX_RANK];
    float *data;          /* constant contents, owned; NULL for activations */
    int producer;         /* index of the producing node, -1 for graph inputs and constants */
    odpu_qparams q;       /* set by PTQ or by QDQ import */
} odpu_gtensor;

/* Node inputs, in this order (-1 for an omitted optional one). Constant operands that are
 * really attributes (Reshape's shape, Clip's min/max, Dropout's ratio) are read into attrs
 * by the importer and are not inputs.
 *   CONV [X, W, B?]  GEMM [A, B, C?]  MATMUL [A, B]  BATCHNORM [X, scale, bias, mean, var]
 *   ADD [A, B]  CONCAT [X...]  QUANTIZE / DEQUANTIZE [X, scale, zero_point?]
 *   every other op [X] */
typedef struct odpu_gnode {
    odpu_node_op op;
    char *name;           /* ONNX node name (or generated "<op>_<index>"), for messages */
    int n_inputs, n_outputs;
    int *inputs;          /* tensor indices, owned; -1 for an omitted optional input */
    int *outputs;
    odpu_node_attrs a;
    odpu_act act;         /* fused activation */
    float act_alpha, act_min, act_max;
    int dead;             /* removed by a pass; skipped by everyone */
} odpu_gnode;

typedef struct odpu_graph {
    odpu_gtensor *tensors;
    int n_tensors, cap_tensors;
    odpu_gnode *nodes;    /* in topological order (the importer checks and sorts) */
    int n_nodes, cap_nodes;
    int *inputs, n_inputs;   /* graph inputs (tensor indices; initializers excluded) */
    int *outputs, n_outputs; /* graph outputs */
    int64_t opset;
    char *producer;       /* producer_name of the ONNX file, for reports */
    char *source;         /* file it came from, for messages */
} odpu_graph;

/* ---- Building and inspecting ----------------------------------------------------------- */

void odpu_graph_init(odpu_graph *g);
void odpu_graph_free(odpu_graph *g);
/* Add a tensor (name copied; dims copied; data, if given, copied). Returns its index or -1
 * on allocation failure (err set). */
int odpu_graph_add_tensor(odpu_graph *g, const char *name, int rank, const int64_t *dims,
                          const float *data, odpu_err *err);
/* Add a node; inputs/outputs copied. Returns its index or -1. */
int odpu_graph_add_node(odpu_graph *g, odpu_node_op op, const char *name, const int *inputs,
                        int n_inputs, const int *outputs, int n_outputs, odpu_err *err);
/* Make inputs[] the graph inputs and outputs[] the graph outputs (indices copied, earlier lists
 * replaced): what ONNX import does for an imported graph, for a graph built in memory. A
 * graph input must be an activation (no data). ODPU_E_ARG names the index out of range or the
 * constant given as an input; ODPU_E_NOMEM. On error the graph is unchanged. */
odpu_status odpu_graph_set_io(odpu_graph *g, const int *inputs, int n_inputs, const int *outputs,
                              int n_outputs, odpu_err *err);
int odpu_graph_find_tensor(const odpu_graph *g, const char *name);
int64_t odpu_tensor_numel(const odpu_gtensor *t);
const char *odpu_node_op_name(odpu_node_op op);
/* Consumers of a tensor: fills up to max node indices, returns the total count. Dead nodes
 * are skipped; a node reading the tensor twice counts once. Graph outputs are not nodes:
 * check them with odpu_graph_is_output. */
int odpu_graph_consumers(const odpu_graph *g, int tensor, int *nodes, int max);
/* Whether tensor t is one of the graph's outputs / inputs. */
int odpu_graph_is_output(const odpu_graph *g, int t);
int odpu_graph_is_input(const odpu_graph *g, int t);

/* ---- ONNX import (quantizer/onnx_import.c) --------------------------------------------- */

/* Parse an ONNX file (protobuf-c parser generated from onnx.proto), opsets 11-17, float32;
 * initializers as raw_data, typed fields or external data files (resolved next to path).
 * Unsupported operators, attributes or data types stop with
 * "<file>: node '<name>' (<OpType>): <reason>". Shapes are inferred before returning.
 * On error g is left empty (nothing to free). */
odpu_status odpu_onnx_import(const char *path, odpu_graph *g, odpu_err *err);

/* ---- Passes (quantizer/shapes.c: shapes; quantizer/passes.c: optimize) ----------------- */

/* Shapes of every tensor from the inputs' shapes; inconsistent shapes name the node. */
odpu_status odpu_graph_infer_shapes(odpu_graph *g, odpu_err *err);
/* Canonicalize for the engine: drop Identity/Dropout, fold BatchNorm into CONV, turn
 * Gemm/MatMul (with any preceding Flatten/Reshape) into CONV, fuse Relu/Clip/LeakyRelu into
 * their producer, remove dead nodes. Afterwards only canonical ops remain, or an error
 * names the node that cannot be mapped. Shapes are re-inferred. Guarantees: every CONV has
 * inputs [X, W, B] with W and B constants; activations are NCHW (an FC's output is
 * [1, M, 1, 1]); SOFTMAX only as a graph output; dead nodes and unused tensors are gone
 * (indices renumbered). QDQ nodes must have been absorbed (odpu_qdq_absorb) before.
 * docs/frontend.md describes each pass. */
odpu_status odpu_graph_optimize(odpu_graph *g, odpu_err *err);

/* ---- FP32 executor (quantizer/exec_f32.c) ---------------------------------------------- */

/* Called once for each graph input before the first node, then after every node with its
 * output tensor's values (NCHW float); calibration uses it to observe activation ranges.
 * Return non-zero to abort the run (odpu_f32_exec_run then fails with ODPU_E_ARG). */
typedef int (*odpu_tensor_observer)(void *user, const odpu_graph *g, int tensor, const float *values,
                                    int64_t count);

/* Scratch for every tensor, reused across runs. Constants are read through the data
 * pointers the graph has at create time: change weights in place (CLE, bias correction),
 * but re-create the executor after replacing a buffer or changing shapes. */
typedef struct odpu_f32_exec odpu_f32_exec;

odpu_status odpu_f32_exec_create(const odpu_graph *g, odpu_f32_exec **out, odpu_err *err);
void odpu_f32_exec_destroy(odpu_f32_exec *ex);
/* Run one input (graph input 0, NCHW float) and return a pointer to graph output k's values
 * (valid until the next run). observer may be NULL. */
odpu_status odpu_f32_exec_run(odpu_f32_exec *ex, const float *input, odpu_tensor_observer observer,
                              void *user, odpu_err *err);
/* The same with every graph input (inputs[k] for g->inputs[k], n_inputs == g->n_inputs). */
odpu_status odpu_f32_exec_run_inputs(odpu_f32_exec *ex, const float *const *inputs, int n_inputs,
                                     odpu_tensor_observer observer, void *user, odpu_err *err);
const float *odpu_f32_exec_output(const odpu_f32_exec *ex, int k, int64_t *count);
/* Values of any tensor after a run (activations and constants); NULL if it has none. */
const float *odpu_f32_exec_tensor(const odpu_f32_exec *ex, int tensor, int64_t *count);

#endif
