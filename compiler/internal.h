/* internal.h - what the compiler's passes hand each other (not an API: see compiler.h).
 * lower.c gives integer layers; tile.c plans each layer's tiles; pack.c lays out the constants;
 * memplan.c places activations in DDR; schedule.c turns tiles into instructions in stream order;
 * tokens.c adds the dependency tokens; compiler.c drives them and assembles the model file. */
#ifndef ODPU_COMPILER_INTERNAL_H
#define ODPU_COMPILER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "compiler/lower.h"
#include "host/model.h"
#include "isa/isa.h"

enum {
    CC_SLOTS = 2,           /* double buffering: every streamed buffer is split in two halves */
    CC_DDR_ALIGN = 64,      /* byte alignment of every DDR region (one AXI burst beat set) */
    CC_KEY_WORDS = 4,       /* identity of a blob: layer, kind, two indices */
    CC_STEP_BLOBS = 3,      /* a step needs at most weights, parameters and an input tile */
    CC_BLOB_LOADS = 2,      /* an ELEW input blob holds two tiles (a and b) */
    CC_PLAN_TEXT = ODPU_LAYER_PLAN_MAX,
};

/* ISA field limits the tiler respects, taken from the generated codec (docs/isa.md section 4).
 * Where one limit stands for several fields, the asserts below keep them equal. */
enum {
    CC_KERNEL_MAX = ODPU_CONV_KH_MAX,           /* CONV kh, kw */
    CC_PAD_MAX = ODPU_CONV_PAD_TOP_MAX,         /* CONV and POOL pads */
    CC_CONV_STRIDE_MAX = ODPU_CONV_STRIDE_H_MAX, /* CONV strides and dilations */
    CC_POOL_STRIDE_MAX = ODPU_POOL_STRIDE_H_MAX,
    CC_POOL_KERNEL_MAX = ODPU_POOL_KH_MAX,
    CC_DIM_MAX = ODPU_CONV_IN_H_MAX,            /* CONV/POOL in_h, in_w, out_h, out_w */
    CC_CHANNELS_MAX = ODPU_CONV_IN_C_MAX,       /* CONV in_c, out_c, POOL c */
    CC_GROUPS_MAX = ODPU_CONV_GROUPS_MAX,
    CC_LEN_MAX = ODPU_ELEW_LEN_MAX,             /* ELEW len, LOAD len */
    CC_FUSED_POOL_MAX = ODPU_CONV_POOL_H_MAX,   /* CONV pool_h, pool_w */
};
_Static_assert(ODPU_CONV_KW_MAX == CC_KERNEL_MAX, "CONV kh and kw share CC_KERNEL_MAX");
_Static_assert(ODPU_CONV_PAD_BOTTOM_MAX == CC_PAD_MAX && ODPU_CONV_PAD_LEFT_MAX == CC_PAD_MAX &&
                   ODPU_CONV_PAD_RIGHT_MAX == CC_PAD_MAX && ODPU_POOL_PAD_TOP_MAX == CC_PAD_MAX &&
                   ODPU_POOL_PAD_BOTTOM_MAX == CC_PAD_MAX && ODPU_POOL_PAD_LEFT_MAX == CC_PAD_MAX &&
                   ODPU_POOL_PAD_RIGHT_MAX == CC_PAD_MAX,
               "every pad field shares CC_PAD_MAX");
_Static_assert(ODPU_CONV_STRIDE_W_MAX == CC_CONV_STRIDE_MAX && ODPU_CONV_DIL_H_MAX == CC_CONV_STRIDE_MAX &&
                   ODPU_CONV_DIL_W_MAX == CC_CONV_STRIDE_MAX,
               "CONV strides and dilations share CC_CONV_STRIDE_MAX");
_Static_assert(ODPU_POOL_STRIDE_W_MAX == CC_POOL_STRIDE_MAX && ODPU_POOL_KW_MAX == CC_POOL_KERNEL_MAX,
               "POOL's two axes share their limits");
_Static_assert(ODPU_CONV_IN_W_MAX == CC_DIM_MAX && ODPU_CONV_OUT_H_MAX == CC_DIM_MAX && ODPU_CONV_OUT_W_MAX == CC_DIM_MAX &&
                   ODPU_POOL_IN_H_MAX == CC_DIM_MAX && ODPU_POOL_IN_W_MAX == CC_DIM_MAX &&
                   ODPU_POOL_OUT_H_MAX == CC_DIM_MAX && ODPU_POOL_OUT_W_MAX == CC_DIM_MAX,
               "CONV and POOL sizes share CC_DIM_MAX");
_Static_assert(ODPU_CONV_OUT_C_MAX == CC_CHANNELS_MAX && ODPU_POOL_C_MAX == CC_CHANNELS_MAX,
               "channel counts share CC_CHANNELS_MAX");
_Static_assert(ODPU_LOAD_LEN_MAX == CC_LEN_MAX, "ELEW and LOAD lengths share CC_LEN_MAX");
_Static_assert(ODPU_CONV_POOL_W_MAX == CC_FUSED_POOL_MAX, "fused pool windows share CC_FUSED_POOL_MAX");

typedef enum cc_kind {
    CC_CONV,    /* a CONV node, or a global average pool too large for one POOL (all-ones weights) */
    CC_POOL,    /* max / average / global average pooling, and copies (max pool 1x1) */
    CC_ADD,
    CC_CONCAT,  /* no instructions: its inputs were written in place */
    CC_FUSED,   /* no instructions: a max pool computed by the convolution before it (fuse.c) */
} cc_kind;

typedef struct cc_range {
    int lo, hi; /* [lo, hi) */
} cc_range;

/* Where a tensor lives in the DDR window: element (y, x, ch) is byte
 * base + y * rs + x * ps + ch. */
typedef struct cc_view {
    uint64_t base;
    uint32_t ps, rs;
} cc_view;

/* ---- CONV ---------------------------------------------------------------------------------- */

/* The convolution a CC_CONV layer computes (a graph CONV, or the all-ones depthwise form of a
 * large global average pool). */
typedef struct cc_convdef {
    odpu_lwindow win;
    int groups, in_c, out_c;
    const int8_t *w;               /* [out_c][in_c / groups][kh][kw] */
    const odpu_chan_params *p;     /* [out_c] */
    int leaky;
} cc_convdef;

/* An output-channel tile: output channels [o0, o1) reading input channels [c0, c1), computed by
 * instructions with `groups` groups (1, or several whole groups packed into one instruction). */
typedef struct cc_octile {
    int o0, o1, c0, c1, groups;
} cc_octile;

/* One partial sum of an output tile: input channels [c0 + ic_off, +ic_len) of the tile (ic_len
 * < 0: all of them) through kernel taps [ky0, +kh) x [kx0, +kw). Parts accumulate in ABUF. */
typedef struct cc_part {
    int ic_off, ic_len;
    int ky0, kh, kx0, kw;
} cc_part;

typedef enum cc_order {
    CC_SPATIAL_OUTER = 0, /* for each spatial tile, for each output-channel tile, for each part */
    CC_CHANNEL_OUTER = 1, /* for each output-channel tile, for each spatial tile, for each part */
} cc_order;

typedef struct cc_conv_plan {
    cc_octile *oc;
    int n_oc;
    cc_part *parts;  /* the same parts for every output-channel tile */
    int n_parts;
    cc_range *rows, *cols; /* output row and column bands */
    int n_rows, n_cols;
    cc_order order;
    int w_all, p_all;      /* all weights (parameters) of the layer fit one buffer half: one LOAD */
    /* Constants (pack.c): weights of (oc tile o, part p) at word w_word[o * n_parts + p] of the
     * layer's weight area, w_len words; parameters of tile o at word p_word[o], p_len words. */
    uint64_t w_base, p_base; /* byte offsets in the DDR window */
    uint32_t *w_word, *w_len, *p_word, *p_len;
    uint32_t w_total, p_total;
} cc_conv_plan;

/* ---- POOL, ADD ------------------------------------------------------------------------------ */

typedef struct cc_pooldef {
    int mode;                /* odpu_pool_mode */
    odpu_lwindow win;
    int count_include_pad;
    double ratio;            /* s_in / s_out for averages */
} cc_pooldef;

/* Spatial tiles and channel chunks of a POOL or ADD layer. Average pools with windows of
 * different sizes have row/column bands that never straddle two divisor regions. */
typedef struct cc_map_plan {
    cc_range *rows, *cols;
    int n_rows, n_cols;
    int ch_t;                /* channels per chunk */
} cc_map_plan;

/* ---- Layers ------------------------------------------------------------------------------ */

typedef struct cc_layer {
    cc_kind kind;
    const char *name;        /* graph node name */
    const char *op;          /* for the layer table: "Conv", "MaxPool", "Copy", ... */
    int lnode;               /* index in the lowered graph, -1 for copies */
    int in[2], n_in, out;    /* tensors (graph tensors, or virtual slices for copies) */
    int32_t in_zp, out_zp;
    int8_t act_min, act_max;
    cc_convdef conv;
    cc_pooldef pool;
    odpu_add_params add;
    cc_conv_plan cp;
    cc_map_plan mp;
    int folded;              /* the first convolution rewritten by fold.c (in/out are aliases) */
    int fold_wide;           /* output pixels it computes per instruction pixel */
    int fused_win[2];        /* CC_CONV: fused max pool window (rows, cols of its instruction grid);
                                1 x 1 without; its out tensor is then the pooled map */
    int lane_merge;          /* CC_CONV: its `lane_merge` lane groups (a folded layer's adjacent
                                pixels) are max-merged on chip by a POOL after each fused-pool
                                tile; 0 without */
    int fused;               /* changed by fuse.c: the table shows the graph node's shapes */
    int8_t *own_w;           /* weights / params this layer synthesized (GAP as CONV, fold.c) */
    odpu_chan_params *own_p;
    /* For the layer table. */
    uint64_t macs, weight_bytes, ddr_read, ddr_written;
    size_t first_insn, n_insns;
    char plan[CC_PLAN_TEXT];
} cc_layer;

/* How the host stores a folded graph input (fold.c; odpu_tensor_desc's fields of the same
 * names): padded by pad[] (top, bottom, left, right) with its zero point, and `rows` input rows
 * `step` apart side by side in every stored pixel. rows = 0: a plain tensor. */
typedef struct cc_fold {
    int rows, step;
    int pad[4];
} cc_fold;

typedef enum cc_alias {
    CC_ALIAS_NONE = 0,
    CC_ALIAS_FOLDED_IN, /* the folded first convolution's view of its folded input (parent) */
    CC_ALIAS_WIDE_OUT,  /* its output seen as `wide` adjacent pixels per pixel (parent dense) */
} cc_alias;

/* A tensor of the compiled model: a graph activation, or a virtual channel slice that a copy
 * writes into a concatenation, or another view of its parent's bytes (alias). */
typedef struct cc_tensor {
    odpu_lshape shape;
    int parent, ch_off;      /* written in place into channels [ch_off, +c) of parent, or -1 */
    int def, last_use;       /* layer that writes it (-1: the host) and the last that reads it */
    cc_fold fold;            /* graph inputs the host folds */
    cc_alias alias;          /* parent >= 0 and ch_off = 0 for aliases */
    uint32_t alias_ps;       /* FOLDED_IN: pixel stride of the view; WIDE_OUT: pixels per pixel */
    cc_view view;
} cc_tensor;

/* The instruction list in stream order, each tagged with the layer it belongs to (-1: none). */
typedef struct cc_prog {
    odpu_insn *insn;
    int *layer;
    size_t n, cap;
} cc_prog;

typedef struct cc_ctx {
    const odpu_arch *arch;
    odpu_isa_limits lim;
    const odpu_lgraph *lg;
    uint32_t R, C;                    /* array rows (ICP) and cols (OCP) */
    uint32_t slot_words[ODPU_BUF_COUNT]; /* words of one half of IBUF/OBUF/WBUF/PBUF; ABUF whole */
    uint32_t word_bytes[ODPU_BUF_COUNT];
    cc_layer *layers;
    int n_layers, cap_layers;
    cc_tensor *tensors;               /* graph tensors first, then virtual slices */
    int n_tensors, cap_tensors;
    uint8_t *consts;
    uint64_t consts_size, consts_cap;
    uint64_t ddr_size;
    cc_prog prog;
} cc_ctx;

/* tile.c */
odpu_status cc_plan_conv(cc_ctx *cx, cc_layer *L, odpu_err *err);
odpu_status cc_plan_pool(cc_ctx *cx, cc_layer *L, odpu_err *err);
odpu_status cc_plan_add(cc_ctx *cx, cc_layer *L, odpu_err *err);
/* 1 if a global average pool over h x w fits one POOL per channel block (else it is a CONV). */
int cc_gap_fits_pool(const cc_ctx *cx, int h, int w);
/* Weight words of one CONV instruction (docs/isa.md section 2), by its mode. */
uint32_t cc_weight_words(const cc_ctx *cx, int in_c, int out_c, int groups, int kh, int kw);
int cc_conv_mode(int in_c, int groups);

/* fold.c: fold the first convolution's window into channels where that keeps more of the
 * array busy (docs/compiler.md, "First-layer folding"). Between build and plan. */
odpu_status cc_fold_inputs(cc_ctx *cx, odpu_err *err);

/* fold.c helpers that fuse.c shares: the one layer reading tensor t (NULL if none or several),
 * whether t is a model output, whether t owns its DDR region alone (no Concat nesting), and a new
 * tensor viewing parent's bytes (-1 when out of memory). */
cc_layer *cc_sole_reader(cc_ctx *cx, int t);
int cc_is_output(const cc_ctx *cx, int t);
int cc_owns_region(const cc_ctx *cx, int t);
int cc_new_alias(cc_ctx *cx, int parent, cc_alias kind, odpu_lshape shape, uint32_t ps, odpu_err *err);

/* fuse.c: max pools computed in the output stage of the convolution before them (docs/compiler.md,
 * "Fused pooling"). After cc_fold_inputs, before planning. */
odpu_status cc_fuse_pools(cc_ctx *cx, odpu_err *err);

/* memplan.c: bytes of the DDR region a root tensor needs (folded inputs are larger). */
uint64_t cc_tensor_bytes(const cc_tensor *t);

/* pack.c */
odpu_status cc_pack_layer(cc_ctx *cx, cc_layer *L, odpu_err *err);

/* memplan.c */
odpu_status cc_alias_concat(cc_ctx *cx, const odpu_lnode *ln, int *copy_src, int *copy_dst, int *n_copies,
                            odpu_err *err);
odpu_status cc_memplan(cc_ctx *cx, odpu_err *err);

/* schedule.c */
odpu_status cc_schedule(cc_ctx *cx, odpu_err *err);

/* tokens.c: dependency tokens (and NOPs that relay them) so that every pair of conflicting
 * accesses by different engines is ordered; appends END. */
odpu_status cc_add_tokens(const cc_ctx *cx, const cc_prog *raw, cc_prog *out, odpu_err *err);

/* compiler.c helpers shared by the passes */
odpu_status cc_prog_append(cc_prog *p, const odpu_insn *insn, int layer, odpu_err *err);
void cc_prog_free(cc_prog *p);
uint64_t cc_align(uint64_t v);
int cc_new_tensor(cc_ctx *cx, odpu_err *err);

#endif
