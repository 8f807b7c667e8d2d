/* model.h - the .odpu model file: a versioned, CRC-checked container (docs/model-format.md)
 * holding the arch fingerprint, instruction stream, constant DDR image and I/O tensor descriptions. */
#ifndef ODPU_HOST_MODEL_H
#define ODPU_HOST_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "isa/isa.h"

#define ODPU_MODEL_VERSION_MAJOR 1
#define ODPU_MODEL_VERSION_MINOR 1 /* 1.1: input padding and row folding (TENSORS) */
#define ODPU_MODEL_VERSION_MINOR_OLDEST 1 /* 1.0 files have shorter TENSORS entries */

enum {
    ODPU_TENSOR_NAME_MAX = 64,
    ODPU_LAYER_NAME_MAX = 64,
    ODPU_LAYER_OP_MAX = 24,
    ODPU_LAYER_PLAN_MAX = 96,
};

typedef enum odpu_tensor_role { ODPU_TENSOR_INPUT = 0, ODPU_TENSOR_OUTPUT = 1 } odpu_tensor_role;

/* An int8 HWC tensor in the DDR window, with its quantization (real = scale * (q - zp)). */
typedef struct odpu_tensor_desc {
    char name[ODPU_TENSOR_NAME_MAX];
    odpu_tensor_role role;
    uint32_t h, w, c;
    uint64_t ddr_offset;   /* byte offset of element (0,0,0) in the DDR window */
    uint32_t pixel_stride; /* bytes between horizontally adjacent pixels (>= c) */
    uint32_t row_stride;   /* bytes between rows (>= w * pixel_stride) */
    float scale;
    int32_t zero_point;
    /* Inputs only (all 0 for a plain tensor; docs/model-format.md, "Padded and folded
     * inputs"): the host writes the input with a border of zero_point and with fold_rows
     * consecutive input rows side by side in every pixel, so the first convolution reads whole
     * windows as channels. DDR row y', column x', group r, channel ch holds input element
     * (y' * fold_step + r - pad_top, x' - pad_left, ch), or zero_point outside the input. */
    uint16_t pad_top, pad_bottom, pad_left, pad_right;
    uint16_t fold_rows, fold_step;
} odpu_tensor_desc;

/* Is the tensor stored padded and folded (any of the fields above set)? */
int odpu_tensor_is_folded(const odpu_tensor_desc *t);

/* Its storage in the DDR window: rows, pixels per row, bytes per pixel actually written
 * (h, w, c for a plain tensor), and the bytes its box spans from ddr_offset (saturating). */
void odpu_tensor_storage(const odpu_tensor_desc *t, uint32_t *rows, uint32_t *cols, uint32_t *pixel_bytes);
uint64_t odpu_tensor_extent(const odpu_tensor_desc *t);

/* One row of the optional per-layer table (LAYERS section): what `opendpu info` prints. */
typedef struct odpu_layer_info {
    char name[ODPU_LAYER_NAME_MAX]; /* graph node name, NUL-terminated, not empty */
    char op[ODPU_LAYER_OP_MAX];     /* "Conv", "MaxPool", "Concat", ... not empty */
    uint32_t in_h, in_w, in_c;      /* first input (HxWxC) */
    uint32_t out_h, out_w, out_c;
    uint64_t macs;                  /* multiply-accumulates of one inference */
    uint64_t weight_bytes;          /* int8 weights of the layer */
    char plan[ODPU_LAYER_PLAN_MAX]; /* tile plan, e.g. "rows 4x14, oc 2x64, ic 1" (may be empty) */
    uint32_t first_insn, n_insns;   /* its instructions: [first_insn, first_insn + n_insns) */
    uint64_t ddr_read, ddr_written; /* bytes its LOADs read and its SAVEs write */
} odpu_layer_info;

typedef struct odpu_model {
    uint16_t version_major, version_minor;
    char arch_name[ODPU_ARCH_NAME_MAX];
    uint64_t arch_fingerprint;
    uint64_t ddr_size;     /* bytes of DDR window the model needs */
    uint64_t const_offset; /* where consts goes in the window; read-only while running */
    uint8_t *consts;       /* weights, per-channel params: the constant part of the window */
    size_t consts_size;
    uint8_t *insns;        /* n_insns * ODPU_INSN_BYTES encoded instructions */
    size_t n_insns;
    odpu_tensor_desc *tensors;
    size_t n_tensors;
    char *meta;            /* NUL-terminated "key=value\n" text (model name, producer); may be NULL */
    odpu_layer_info *layers; /* optional per-layer table; n_layers = 0 writes no LAYERS section */
    size_t n_layers;
} odpu_model;

/* Serialize to a malloc'ed buffer / to a file. */
odpu_status odpu_model_serialize(const odpu_model *m, uint8_t **data, size_t *len, odpu_err *err);
odpu_status odpu_model_save(const odpu_model *m, const char *path, odpu_err *err);

/* Parse and check: magic, version, CRCs, section bounds, tensor boxes inside the window.
 * Any truncation or flipped byte is an ODPU_E_FORMAT error naming the file and what is wrong. */
odpu_status odpu_model_parse(const uint8_t *data, size_t len, const char *source_name,
                             odpu_model *out, odpu_err *err);
odpu_status odpu_model_load(const char *path, odpu_model *out, odpu_err *err);
void odpu_model_free(odpu_model *m);

/* ODPU_E_MISMATCH with a message saying which config the file was built for, which the
 * engine has, and the command that rebuilds the model for it. */
odpu_status odpu_model_check_fingerprint(const odpu_model *m, const char *engine_arch_name,
                                         uint64_t engine_fingerprint, odpu_err *err);

/* The DDR regions the validator needs: window size and read-only constant range. */
void odpu_model_ddr_layout(const odpu_model *m, odpu_ddr_layout *layout);

#endif
