/* lower.h - the integer form of a quantized canonical graph: every layer's int8 weights, folded
 * biases, multipliers and clamps, derived once from the float weights and q annotations
 * (docs/quantization.md). The compiler and the INT8 reference executor (exec_i8.h) both read
 * this form, so a rounding decision is made in exactly one place. */
#ifndef ODPU_COMPILER_LOWER_H
#define ODPU_COMPILER_LOWER_H

#include <stdint.h>

#include "common/err.h"
#include "isa/arith.h"
#include "quantizer/graph.h"

/* Headroom of the TFLite quantized ADD (docs/quantization.md, "Element-wise add"). */
#define ODPU_ADD_LEFT_SHIFT 20

typedef enum odpu_lop {
    ODPU_LOP_CONV,
    ODPU_LOP_MAXPOOL,
    ODPU_LOP_AVGPOOL,
    ODPU_LOP_GAP,     /* global average pool */
    ODPU_LOP_ADD,
    ODPU_LOP_CONCAT,  /* along channels; free by addressing in the compiled model */
} odpu_lop;

/* An activation as the engine sees it: H x W x C int8 (the batch dimension is 1). */
typedef struct odpu_lshape {
    int h, w, c;
} odpu_lshape;

/* Window geometry of CONV and pooling; index 0 is the row (H) axis, 1 the column (W) axis. */
typedef struct odpu_lwindow {
    int k[2], stride[2], dil[2];
    int pad_lo[2], pad_hi[2]; /* top/left and bottom/right padding */
} odpu_lwindow;

typedef struct odpu_lconv {
    odpu_lwindow win;
    int groups;
    int8_t *w;            /* [out_c][in_c / groups][kh][kw], symmetric int8 in [-127, 127] */
    odpu_chan_params *p;  /* [out_c]: bias with the input zero point folded in, mult, shift,
                             leaky_mult */
    int leaky;
} odpu_lconv;

typedef struct odpu_lpool {
    odpu_lwindow win;     /* dil = 1; GAP: the whole input, no padding */
    int count_include_pad;
    double ratio;         /* s_in / s_out; the average of n positions uses ratio / n */
} odpu_lpool;

typedef struct odpu_lnode {
    odpu_lop op;
    int node;             /* index in the graph */
    const char *name;     /* the graph node's name (owned by the graph) */
    int *in;              /* activation input tensors, n_in of them (owned): CONV, pools 1,
                             ADD 2 (a, b), CONCAT any */
    int n_in;
    int out;              /* output tensor */
    int32_t in_zp, out_zp;
    int8_t act_min, act_max;
    uint64_t macs;        /* multiply-accumulates of the layer (CONV only) */
    union {
        odpu_lconv conv;
        odpu_lpool pool;
        odpu_add_params add;
    } u;
} odpu_lnode;

typedef struct odpu_lgraph {
    const odpu_graph *g;
    odpu_lnode *nodes;    /* in the graph's topological order; Softmax is not among them */
    int n_nodes;
    odpu_lshape *shapes;  /* per graph tensor; {0,0,0} for constants and unused tensors */
    int *inputs, n_inputs;    /* graph inputs (activation tensors) */
    int *outputs, n_outputs;  /* model outputs: graph outputs, a final Softmax replaced by its input */
    int output_softmax;       /* 1 if the model's outputs feed a Softmax the host applies */
} odpu_lgraph;

/* Lower a canonical, quantized graph. Errors name the node (and tensor): a missing q
 * annotation, a non-canonical op, a MAXPOOL whose output scale differs from its input's, a
 * CONCAT whose inputs do not share its quantization, a Softmax that is not a final output,
 * shapes that do not match the node's attributes, multipliers out of range, accumulators
 * that could overflow int32. */
odpu_status odpu_lower_graph(const odpu_graph *g, odpu_lgraph *out, odpu_err *err);
void odpu_lgraph_free(odpu_lgraph *lg);

/* The one weight quantizer: clamp(round_half_even(w / scale), -127, 127), ONNX
 * QuantizeLinear's rounding, so QDQ export and import give back the same int8. */
int8_t odpu_quantize_weight(float w, float scale);

/* Positions of a pooling window along one axis that its average divides by: output index o,
 * input size in_size; count_pad = count_include_pad (padded positions count, positions past
 * the padding - ceil_mode overhang - do not). */
int odpu_window_count(const odpu_lwindow *w, int axis, int in_size, int o, int count_pad);

/* Multiplier and shift of an average over n positions (ratio / n). */
odpu_status odpu_avg_multiplier(double ratio, int n, int32_t *mult, int32_t *shift, odpu_err *err);

/* Shape of a graph activation tensor: rank 4 NCHW or rank 2 NC with N = 1 (rank 2 is 1x1xC). */
odpu_status odpu_activation_shape(const odpu_gtensor *t, odpu_lshape *s, odpu_err *err);

#endif
