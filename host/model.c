/* model.c - the .odpu model file: serialization and a parser that trusts no byte of its input.
 * The format is documented byte by byte in docs/model-format.md; every offset and size
 * used here is one of the named constants below, so this file and that document list the
 * same layout. Every rule a model must satisfy lives in one function (model_rule,
 * tensor_rule) that both the writer and the reader call, so we never write a file we
 * would refuse to load. */
#include "host/model.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/file.h"
#include "isa/isa.h"

/* ---- The layout (docs/model-format.md) ---------------------------------------------- */

static const uint8_t file_magic[] = {'O', 'D', 'P', 'U', 'M', 'O', 'D', 'L'};

enum {
    MAGIC_BYTES = sizeof file_magic,

    /* Fixed header. */
    HDR_MAGIC = 0,            /* 8 bytes */
    HDR_VERSION_MAJOR = 8,    /* u16 */
    HDR_VERSION_MINOR = 10,   /* u16 */
    HDR_HEADER_SIZE = 12,     /* u32: offset of the section table */
    HDR_FILE_SIZE = 16,       /* u64: total bytes, trailing CRC included */
    HDR_SECTION_COUNT = 24,   /* u32 */
    HDR_RESERVED = 28,        /* u32, must be 0 */
    HDR_ARCH_NAME = 32,       /* 32 bytes, NUL-terminated, NUL-padded */
    HDR_ARCH_NAME_BYTES = 32,
    HDR_FINGERPRINT = 64,     /* u64 */
    HDR_DDR_SIZE = 72,        /* u64 */
    HDR_CONST_OFFSET = 80,    /* u64 */
    HDR_BYTES = 88,           /* header size written by this version */

    /* One entry of the section table. */
    SEC_TYPE = 0,             /* u32 */
    SEC_CRC = 4,              /* u32: CRC-32 of the section's bytes */
    SEC_OFFSET = 8,           /* u64: from the start of the file */
    SEC_SIZE = 16,            /* u64 */
    SEC_ENTRY_BYTES = 24,

    /* The TENSORS section: a u32 count, then count entries. */
    TENSORS_COUNT = 0,
    TENSORS_HEADER_BYTES = 4,
    TEN_NAME = 0,             /* 64 bytes, NUL-terminated, NUL-padded */
    TEN_NAME_BYTES = 64,
    TEN_ROLE = 64,            /* u32: odpu_tensor_role */
    TEN_H = 68,               /* u32 */
    TEN_W = 72,               /* u32 */
    TEN_C = 76,               /* u32 */
    TEN_DDR_OFFSET = 80,      /* u64 */
    TEN_PIXEL_STRIDE = 88,    /* u32 */
    TEN_ROW_STRIDE = 92,      /* u32 */
    TEN_SCALE = 96,           /* u32: IEEE-754 binary32 bit pattern */
    TEN_ZERO_POINT = 100,     /* i32 */
    TEN_PAD_TOP = 104,        /* u16, version 1.1 on */
    TEN_PAD_BOTTOM = 106,     /* u16 */
    TEN_PAD_LEFT = 108,       /* u16 */
    TEN_PAD_RIGHT = 110,      /* u16 */
    TEN_FOLD_ROWS = 112,      /* u16 */
    TEN_FOLD_STEP = 114,      /* u16 */
    TEN_ENTRY_BYTES = 116,

    /* The LAYERS section: a u32 count, then count entries. */
    LAYERS_COUNT = 0,
    LAYERS_HEADER_BYTES = 4,
    LAY_NAME = 0,             /* 64 bytes, NUL-terminated, NUL-padded */
    LAY_NAME_BYTES = 64,
    LAY_OP = 64,              /* 24 bytes, NUL-terminated, NUL-padded */
    LAY_OP_BYTES = 24,
    LAY_IN_H = 88,            /* u32 x 6: input and output shapes */
    LAY_IN_W = 92,
    LAY_IN_C = 96,
    LAY_OUT_H = 100,
    LAY_OUT_W = 104,
    LAY_OUT_C = 108,
    LAY_MACS = 112,           /* u64 */
    LAY_WEIGHT_BYTES = 120,   /* u64 */
    LAY_PLAN = 128,           /* 96 bytes, NUL-terminated, NUL-padded */
    LAY_PLAN_BYTES = 96,
    LAY_FIRST_INSN = 224,     /* u32 */
    LAY_N_INSNS = 228,        /* u32 */
    LAY_DDR_READ = 232,       /* u64 */
    LAY_DDR_WRITTEN = 240,    /* u64 */
    LAY_ENTRY_BYTES = 248,

    TRAILER_BYTES = 4,        /* CRC-32 of every byte before it */
};

typedef enum section_type {
    SECTION_INVALID = 0,
    SECTION_INSNS = 1,
    SECTION_CONSTS = 2,
    SECTION_TENSORS = 3,
    SECTION_META = 4,
    SECTION_LAYERS = 5,
    SECTION_KNOWN_END /* types >= this are skipped by this reader */
} section_type;

/* The engine addresses its DDR window with 32-bit byte offsets (LOAD/SAVE ddr_addr), so a
 * window beyond 4 GiB could never be reached by any instruction. */
#define MODEL_DDR_SIZE_MAX (UINT64_C(1) << 32)
/* INSN_COUNT is a 32-bit register. */
#define MODEL_INSNS_MAX UINT32_MAX

_Static_assert((int)ODPU_ARCH_NAME_MAX == (int)HDR_ARCH_NAME_BYTES, "arch name field of the file format");
_Static_assert((int)ODPU_TENSOR_NAME_MAX == (int)TEN_NAME_BYTES, "tensor name field of the file format");
_Static_assert((int)ODPU_LAYER_NAME_MAX == (int)LAY_NAME_BYTES, "layer name field of the file format");
_Static_assert((int)ODPU_LAYER_OP_MAX == (int)LAY_OP_BYTES, "layer op field of the file format");
_Static_assert((int)ODPU_LAYER_PLAN_MAX == (int)LAY_PLAN_BYTES, "layer plan field of the file format");
_Static_assert(sizeof(float) == sizeof(uint32_t), "scale is stored as binary32");

/* ---- The rules a model satisfies, shared by writer and reader ------------------------ */

enum { WHY_MAX = 256 };

static int fail_why(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_why(char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, WHY_MAX, fmt, ap);
    va_end(ap);
    return 0;
}

int odpu_tensor_is_folded(const odpu_tensor_desc *t)
{
    return t->pad_top || t->pad_bottom || t->pad_left || t->pad_right || t->fold_rows || t->fold_step;
}

void odpu_tensor_storage(const odpu_tensor_desc *t, uint32_t *rows, uint32_t *cols, uint32_t *pixel_bytes)
{
    if (!odpu_tensor_is_folded(t)) {
        *rows = t->h;
        *cols = t->w;
        *pixel_bytes = t->c;
        return;
    }
    /* The rules guarantee fold_rows, fold_step >= 1 and fold_rows <= the padded height. */
    uint64_t padded_h = (uint64_t)t->h + t->pad_top + t->pad_bottom;
    uint32_t k = t->fold_rows ? t->fold_rows : 1, step = t->fold_step ? t->fold_step : 1;
    *rows = padded_h >= k ? (uint32_t)((padded_h - k) / step + 1) : 0;
    *cols = t->w + t->pad_left + t->pad_right;
    *pixel_bytes = k * t->c;
}

/* Bytes spanned by a tensor's storage, from its first byte to one past its last. The caller
 * has checked h, w, c >= 1; the result saturates instead of wrapping. */
uint64_t odpu_tensor_extent(const odpu_tensor_desc *t)
{
    uint32_t rows, cols, bytes;
    odpu_tensor_storage(t, &rows, &cols, &bytes);
    uint64_t r, c, sum;
    if (!rows || !cols || __builtin_mul_overflow((uint64_t)(rows - 1), (uint64_t)t->row_stride, &r) ||
        __builtin_mul_overflow((uint64_t)(cols - 1), (uint64_t)t->pixel_stride, &c) ||
        __builtin_add_overflow(r, c, &sum) || __builtin_add_overflow(sum, bytes, &sum))
        return UINT64_MAX;
    return sum;
}

/* The folding fields' own rules (the strides are checked against the storage after). */
static int fold_rule(const odpu_tensor_desc *t, size_t *field, char *why)
{
    if (!odpu_tensor_is_folded(t))
        return 1;
    *field = TEN_PAD_TOP;
    if (t->role != ODPU_TENSOR_INPUT)
        return fail_why(why, "padding and folding are for inputs only (the host writes them)");
    *field = TEN_FOLD_ROWS;
    if (t->fold_rows < 1 || (uint32_t)t->fold_rows > t->h + t->pad_top + t->pad_bottom)
        return fail_why(why, "fold_rows %u is not in [1, padded height %" PRIu32 "]", t->fold_rows,
                        t->h + t->pad_top + t->pad_bottom);
    *field = TEN_FOLD_STEP;
    if (t->fold_step < 1)
        return fail_why(why, "fold_step is 0");
    return 1;
}

static int ranges_overlap(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi)
{
    return a_lo < b_hi && b_lo < a_hi;
}

/* model_rule's *field for a rule about the INSNS section rather than a header field. */
#define FIELD_INSNS SIZE_MAX

/* Header-level rules. Returns 1 if m is well formed; else 0, the reason in why and the
 * header field it concerns in *field. */
static int model_rule(const odpu_model *m, size_t *field, char *why)
{
    size_t name_len = strnlen(m->arch_name, sizeof m->arch_name);
    *field = HDR_ARCH_NAME;
    if (name_len == sizeof m->arch_name)
        return fail_why(why, "arch name is not NUL-terminated within its %d bytes",
                        HDR_ARCH_NAME_BYTES);
    if (name_len == 0)
        return fail_why(why, "arch name is empty");
    *field = HDR_DDR_SIZE;
    if (m->ddr_size == 0 || m->ddr_size > MODEL_DDR_SIZE_MAX)
        return fail_why(why, "ddr_size %" PRIu64 " is outside [1, %" PRIu64 "] (DDR addresses are 32-bit)",
                        m->ddr_size, MODEL_DDR_SIZE_MAX);
    *field = HDR_CONST_OFFSET;
    if (m->const_offset > m->ddr_size || m->consts_size > m->ddr_size - m->const_offset)
        return fail_why(why, "constant region [%" PRIu64 ", +%zu) does not fit in the DDR window of %" PRIu64 " bytes",
                        m->const_offset, m->consts_size, m->ddr_size);
    *field = FIELD_INSNS;
    if (m->n_insns == 0)
        return fail_why(why, "the instruction stream is empty (a stream needs at least END)");
    if (m->n_insns > MODEL_INSNS_MAX)
        return fail_why(why, "%zu instructions exceed the 32-bit INSN_COUNT register", m->n_insns);
    return 1;
}

/* Rules of one tensor description against the model's window; as model_rule, *field is
 * the offset of the concerned field inside the tensor's entry. */
static int tensor_rule(const odpu_tensor_desc *t, const odpu_model *m, size_t *field, char *why)
{
    *field = TEN_NAME;
    size_t name_len = strnlen(t->name, sizeof t->name);
    if (name_len == sizeof t->name)
        return fail_why(why, "name is not NUL-terminated within its %d bytes", TEN_NAME_BYTES);
    if (name_len == 0)
        return fail_why(why, "name is empty");
    *field = TEN_ROLE;
    if (t->role != ODPU_TENSOR_INPUT && t->role != ODPU_TENSOR_OUTPUT)
        return fail_why(why, "role %u is neither input (0) nor output (1)", (unsigned)t->role);
    *field = TEN_H;
    if (t->h == 0 || t->w == 0 || t->c == 0)
        return fail_why(why, "shape %" PRIu32 "x%" PRIu32 "x%" PRIu32 " (HxWxC) has a zero dimension",
                        t->h, t->w, t->c);
    if (!fold_rule(t, field, why))
        return 0;
    uint32_t rows, cols, bytes;
    odpu_tensor_storage(t, &rows, &cols, &bytes);
    *field = TEN_PIXEL_STRIDE;
    if (t->pixel_stride < bytes)
        return fail_why(why, "pixel_stride %" PRIu32 " is less than the %" PRIu32 " bytes of a pixel", t->pixel_stride,
                        bytes);
    *field = TEN_ROW_STRIDE;
    if ((uint64_t)t->row_stride < (uint64_t)cols * t->pixel_stride)
        return fail_why(why, "row_stride %" PRIu32 " is less than %" PRIu32 " pixels * pixel_stride = %" PRIu64,
                        t->row_stride, cols, (uint64_t)cols * t->pixel_stride);
    *field = TEN_DDR_OFFSET;
    uint64_t extent = odpu_tensor_extent(t);
    if (t->ddr_offset > m->ddr_size || extent > m->ddr_size - t->ddr_offset)
        return fail_why(why, "box at %" PRIu64 " spanning %" PRIu64 " bytes leaves the DDR window [0, %" PRIu64 ")",
                        t->ddr_offset, extent, m->ddr_size);
    /* Inputs are written by the host and outputs by the engine; neither may land in the
     * constants, which the engine only reads and the host writes once at open. */
    uint64_t ro_end = m->const_offset + m->consts_size;
    if (ranges_overlap(t->ddr_offset, t->ddr_offset + extent, m->const_offset, ro_end))
        return fail_why(why, "%s box [%" PRIu64 ", %" PRIu64 ") overlaps the constant region [%" PRIu64 ", %" PRIu64 ")",
                        t->role == ODPU_TENSOR_INPUT ? "input" : "output", t->ddr_offset,
                        t->ddr_offset + extent, m->const_offset, ro_end);
    *field = TEN_SCALE;
    if (!isfinite(t->scale) || !(t->scale > 0.0f))
        return fail_why(why, "scale %g is not a positive finite number", (double)t->scale);
    *field = TEN_ZERO_POINT;
    if (t->zero_point < INT8_MIN || t->zero_point > INT8_MAX)
        return fail_why(why, "zero_point %" PRId32 " is outside the int8 range", t->zero_point);
    return 1;
}

/* A text field of a layer entry: NUL-terminated within its bytes, and not empty if required. */
static int text_rule(const char *text, size_t bytes, int required, const char *what, char *why)
{
    size_t len = strnlen(text, bytes);
    if (len == bytes)
        return fail_why(why, "%s is not NUL-terminated within its %zu bytes", what, bytes);
    if (required && len == 0)
        return fail_why(why, "%s is empty", what);
    return 1;
}

/* Rules of one row of the layer table; *field as in tensor_rule. */
static int layer_rule(const odpu_layer_info *l, const odpu_model *m, size_t *field, char *why)
{
    *field = LAY_NAME;
    if (!text_rule(l->name, sizeof l->name, 1, "name", why))
        return 0;
    *field = LAY_OP;
    if (!text_rule(l->op, sizeof l->op, 1, "op", why))
        return 0;
    *field = LAY_PLAN;
    if (!text_rule(l->plan, sizeof l->plan, 0, "plan", why))
        return 0;
    *field = LAY_FIRST_INSN;
    if ((uint64_t)l->first_insn + l->n_insns > m->n_insns)
        return fail_why(why, "instructions [%" PRIu32 ", +%" PRIu32 ") are not inside the stream of %zu",
                        l->first_insn, l->n_insns, m->n_insns);
    return 1;
}

/* ---- Writing ------------------------------------------------------------------------- */

typedef struct section_out {
    section_type type;
    const uint8_t *data; /* NULL: filled by a writer function below */
    size_t size;
} section_out;

static void write_tensor(uint8_t *p, const odpu_tensor_desc *t)
{
    memset(p + TEN_NAME, 0, TEN_NAME_BYTES);
    memcpy(p + TEN_NAME, t->name, strnlen(t->name, sizeof t->name));
    odpu_wr32(p + TEN_ROLE, (uint32_t)t->role);
    odpu_wr32(p + TEN_H, t->h);
    odpu_wr32(p + TEN_W, t->w);
    odpu_wr32(p + TEN_C, t->c);
    odpu_wr64(p + TEN_DDR_OFFSET, t->ddr_offset);
    odpu_wr32(p + TEN_PIXEL_STRIDE, t->pixel_stride);
    odpu_wr32(p + TEN_ROW_STRIDE, t->row_stride);
    uint32_t bits;
    memcpy(&bits, &t->scale, sizeof bits);
    odpu_wr32(p + TEN_SCALE, bits);
    odpu_wr32(p + TEN_ZERO_POINT, (uint32_t)t->zero_point);
    odpu_wr16(p + TEN_PAD_TOP, t->pad_top);
    odpu_wr16(p + TEN_PAD_BOTTOM, t->pad_bottom);
    odpu_wr16(p + TEN_PAD_LEFT, t->pad_left);
    odpu_wr16(p + TEN_PAD_RIGHT, t->pad_right);
    odpu_wr16(p + TEN_FOLD_ROWS, t->fold_rows);
    odpu_wr16(p + TEN_FOLD_STEP, t->fold_step);
}

static void write_text(uint8_t *p, const char *text, size_t bytes)
{
    memset(p, 0, bytes);
    memcpy(p, text, strnlen(text, bytes));
}

static void write_layer(uint8_t *p, const odpu_layer_info *l)
{
    write_text(p + LAY_NAME, l->name, LAY_NAME_BYTES);
    write_text(p + LAY_OP, l->op, LAY_OP_BYTES);
    odpu_wr32(p + LAY_IN_H, l->in_h);
    odpu_wr32(p + LAY_IN_W, l->in_w);
    odpu_wr32(p + LAY_IN_C, l->in_c);
    odpu_wr32(p + LAY_OUT_H, l->out_h);
    odpu_wr32(p + LAY_OUT_W, l->out_w);
    odpu_wr32(p + LAY_OUT_C, l->out_c);
    odpu_wr64(p + LAY_MACS, l->macs);
    odpu_wr64(p + LAY_WEIGHT_BYTES, l->weight_bytes);
    write_text(p + LAY_PLAN, l->plan, LAY_PLAN_BYTES);
    odpu_wr32(p + LAY_FIRST_INSN, l->first_insn);
    odpu_wr32(p + LAY_N_INSNS, l->n_insns);
    odpu_wr64(p + LAY_DDR_READ, l->ddr_read);
    odpu_wr64(p + LAY_DDR_WRITTEN, l->ddr_written);
}

static void write_header(uint8_t *p, const odpu_model *m, uint64_t file_size, uint32_t n_sections)
{
    memcpy(p + HDR_MAGIC, file_magic, MAGIC_BYTES);
    odpu_wr16(p + HDR_VERSION_MAJOR, ODPU_MODEL_VERSION_MAJOR);
    odpu_wr16(p + HDR_VERSION_MINOR, ODPU_MODEL_VERSION_MINOR);
    odpu_wr32(p + HDR_HEADER_SIZE, HDR_BYTES);
    odpu_wr64(p + HDR_FILE_SIZE, file_size);
    odpu_wr32(p + HDR_SECTION_COUNT, n_sections);
    odpu_wr32(p + HDR_RESERVED, 0);
    memset(p + HDR_ARCH_NAME, 0, HDR_ARCH_NAME_BYTES);
    memcpy(p + HDR_ARCH_NAME, m->arch_name, strnlen(m->arch_name, sizeof m->arch_name));
    odpu_wr64(p + HDR_FINGERPRINT, m->arch_fingerprint);
    odpu_wr64(p + HDR_DDR_SIZE, m->ddr_size);
    odpu_wr64(p + HDR_CONST_OFFSET, m->const_offset);
}

static odpu_status check_for_writing(const odpu_model *m, odpu_err *err)
{
    char why[WHY_MAX];
    size_t field;
    if (!model_rule(m, &field, why))
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: %s", why);
    if (m->n_tensors && !m->tensors)
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: %zu tensors but no descriptions",
                         m->n_tensors);
    if ((m->consts_size && !m->consts) || !m->insns)
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: insns or consts pointer is NULL");
    /* The tensor section's size must fit its u32 count and the size arithmetic below. */
    if (m->n_tensors > UINT32_MAX / TEN_ENTRY_BYTES)
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: %zu tensors are too many", m->n_tensors);
    for (size_t i = 0; i < m->n_tensors; i++)
        if (!tensor_rule(&m->tensors[i], m, &field, why))
            return odpu_fail(err, ODPU_E_ARG, "cannot write model: tensor %zu '%.*s': %s", i,
                             TEN_NAME_BYTES, m->tensors[i].name, why);
    if (m->n_layers && !m->layers)
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: %zu layers but no table", m->n_layers);
    if (m->n_layers > UINT32_MAX / LAY_ENTRY_BYTES)
        return odpu_fail(err, ODPU_E_ARG, "cannot write model: %zu layers are too many", m->n_layers);
    for (size_t i = 0; i < m->n_layers; i++)
        if (!layer_rule(&m->layers[i], m, &field, why))
            return odpu_fail(err, ODPU_E_ARG, "cannot write model: layer %zu '%.*s': %s", i,
                             LAY_NAME_BYTES, m->layers[i].name, why);
    return ODPU_OK;
}

odpu_status odpu_model_serialize(const odpu_model *m, uint8_t **data, size_t *len, odpu_err *err)
{
    *data = NULL;
    *len = 0;
    odpu_status st = check_for_writing(m, err);
    if (st != ODPU_OK)
        return st;

    section_out sec[SECTION_KNOWN_END - 1];
    uint32_t n_sec = 0;
    sec[n_sec++] = (section_out){SECTION_INSNS, m->insns, m->n_insns * ODPU_INSN_BYTES};
    if (m->consts_size)
        sec[n_sec++] = (section_out){SECTION_CONSTS, m->consts, m->consts_size};
    sec[n_sec++] = (section_out){SECTION_TENSORS, NULL,
                                 TENSORS_HEADER_BYTES + m->n_tensors * TEN_ENTRY_BYTES};
    if (m->meta)
        sec[n_sec++] = (section_out){SECTION_META, (const uint8_t *)m->meta, strlen(m->meta)};
    if (m->n_layers)
        sec[n_sec++] = (section_out){SECTION_LAYERS, NULL, LAYERS_HEADER_BYTES + m->n_layers * LAY_ENTRY_BYTES};

    size_t total = HDR_BYTES + (size_t)n_sec * SEC_ENTRY_BYTES + TRAILER_BYTES;
    for (uint32_t i = 0; i < n_sec; i++)
        if (__builtin_add_overflow(total, sec[i].size, &total))
            return odpu_fail(err, ODPU_E_ARG, "cannot write model: file would exceed the address space");
    uint8_t *buf = calloc(1, total);
    if (!buf)
        return odpu_fail(err, ODPU_E_NOMEM, "cannot write model: out of memory for %zu bytes", total);

    write_header(buf, m, total, n_sec);
    size_t pos = HDR_BYTES + (size_t)n_sec * SEC_ENTRY_BYTES;
    for (uint32_t i = 0; i < n_sec; i++) {
        uint8_t *body = buf + pos;
        if (sec[i].data) {
            if (sec[i].size)
                memcpy(body, sec[i].data, sec[i].size);
        } else if (sec[i].type == SECTION_TENSORS) {
            odpu_wr32(body + TENSORS_COUNT, (uint32_t)m->n_tensors);
            for (size_t t = 0; t < m->n_tensors; t++)
                write_tensor(body + TENSORS_HEADER_BYTES + t * TEN_ENTRY_BYTES, &m->tensors[t]);
        } else {
            odpu_wr32(body + LAYERS_COUNT, (uint32_t)m->n_layers);
            for (size_t l = 0; l < m->n_layers; l++)
                write_layer(body + LAYERS_HEADER_BYTES + l * LAY_ENTRY_BYTES, &m->layers[l]);
        }
        uint8_t *entry = buf + HDR_BYTES + (size_t)i * SEC_ENTRY_BYTES;
        odpu_wr32(entry + SEC_TYPE, sec[i].type);
        odpu_wr32(entry + SEC_CRC, odpu_crc32(0, body, sec[i].size));
        odpu_wr64(entry + SEC_OFFSET, pos);
        odpu_wr64(entry + SEC_SIZE, sec[i].size);
        pos += sec[i].size;
    }
    odpu_wr32(buf + pos, odpu_crc32(0, buf, pos));
    *data = buf;
    *len = total;
    return ODPU_OK;
}

odpu_status odpu_model_save(const odpu_model *m, const char *path, odpu_err *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    odpu_status st = odpu_model_serialize(m, &data, &len, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "%s: ", path);
    FILE *f = fopen(path, "wb");
    if (!f) {
        int e = errno;
        free(data);
        return odpu_fail(err, ODPU_E_IO, "%s: cannot create: %s", path, strerror(e));
    }
    size_t written = fwrite(data, 1, len, f);
    int close_failed = fclose(f) != 0;
    free(data);
    if (written != len || close_failed) {
        remove(path); /* never leave a truncated model behind for someone to load */
        return odpu_fail(err, ODPU_E_IO, "%s: write failed after %zu of %zu bytes", path, written, len);
    }
    return ODPU_OK;
}

/* ---- Reading ------------------------------------------------------------------------- */

typedef struct parser {
    const uint8_t *data;
    size_t len;
    const char *name;   /* file name for messages */
    size_t body_end;    /* where the trailing CRC starts: no section may reach past it */
    odpu_err *err;
} parser;

static odpu_status bad(const parser *p, uint64_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static odpu_status bad(const parser *p, uint64_t at, const char *fmt, ...)
{
    char what[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return odpu_fail(p->err, ODPU_E_FORMAT, "%s: %s (at byte %" PRIu64 ")", p->name, what, at);
}

/* [off, off+size) lies inside [lo, hi), written so that no addition can wrap. */
static int range_inside(uint64_t off, uint64_t size, uint64_t lo, uint64_t hi)
{
    return off >= lo && off <= hi && size <= hi - off;
}

static odpu_status parse_preamble(const parser *p, odpu_model *m)
{
    if (p->len < MAGIC_BYTES || memcmp(p->data + HDR_MAGIC, file_magic, MAGIC_BYTES) != 0)
        return bad(p, HDR_MAGIC, "not an opendpu model file (no \"ODPUMODL\" magic in its first %d bytes)",
                   MAGIC_BYTES);
    if (p->len < HDR_BYTES + TRAILER_BYTES)
        return bad(p, p->len, "truncated: %zu bytes is shorter than the %d-byte header and trailer",
                   p->len, HDR_BYTES + TRAILER_BYTES);
    m->version_major = odpu_rd16(p->data + HDR_VERSION_MAJOR);
    m->version_minor = odpu_rd16(p->data + HDR_VERSION_MINOR);
    if (m->version_major != ODPU_MODEL_VERSION_MAJOR)
        return bad(p, HDR_VERSION_MAJOR,
                   "file format version %u.%u is not supported: this reader understands version %d.x up to %d.%d",
                   m->version_major, m->version_minor, ODPU_MODEL_VERSION_MAJOR,
                   ODPU_MODEL_VERSION_MAJOR, ODPU_MODEL_VERSION_MINOR);
    /* 1.1 grew the tensor entries (input padding and folding); a 1.0 file is recompiled. */
    if (m->version_minor < ODPU_MODEL_VERSION_MINOR_OLDEST)
        return bad(p, HDR_VERSION_MINOR,
                   "file format version %u.%u is older than the oldest this reader understands (%d.%d); "
                   "recompile the model with opendpu compile",
                   m->version_major, m->version_minor, ODPU_MODEL_VERSION_MAJOR, ODPU_MODEL_VERSION_MINOR_OLDEST);
    if (m->version_minor > ODPU_MODEL_VERSION_MINOR)
        return bad(p, HDR_VERSION_MINOR,
                   "file format version %u.%u is newer than this reader's %d.%d; update opendpu",
                   m->version_major, m->version_minor, ODPU_MODEL_VERSION_MAJOR,
                   ODPU_MODEL_VERSION_MINOR);
    return ODPU_OK;
}

/* Sizes and the whole-file CRC: after this, every byte is known to be as written. */
static odpu_status parse_envelope(parser *p)
{
    uint64_t file_size = odpu_rd64(p->data + HDR_FILE_SIZE);
    if (file_size != p->len)
        return bad(p, HDR_FILE_SIZE, "%s: the header says the file has %" PRIu64 " bytes, it has %zu",
                   file_size > p->len ? "truncated" : "trailing garbage or wrong size", file_size, p->len);
    p->body_end = p->len - TRAILER_BYTES;
    uint32_t stored = odpu_rd32(p->data + p->body_end);
    uint32_t actual = odpu_crc32(0, p->data, p->body_end);
    if (stored != actual)
        return bad(p, p->body_end, "file CRC-32 mismatch (stored %08" PRIx32 ", computed %08" PRIx32
                   "): the file is corrupted", stored, actual);
    return ODPU_OK;
}

static odpu_status parse_header(const parser *p, odpu_model *m, uint64_t *table, uint32_t *n_sec)
{
    uint32_t header_size = odpu_rd32(p->data + HDR_HEADER_SIZE);
    if (header_size < HDR_BYTES || header_size > p->body_end)
        return bad(p, HDR_HEADER_SIZE, "header size %" PRIu32 " is outside [%d, %zu]", header_size,
                   HDR_BYTES, p->body_end);
    if (odpu_rd32(p->data + HDR_RESERVED) != 0)
        return bad(p, HDR_RESERVED, "reserved header word is not 0");
    *table = header_size;
    *n_sec = odpu_rd32(p->data + HDR_SECTION_COUNT);
    if (*n_sec > (p->body_end - header_size) / SEC_ENTRY_BYTES)
        return bad(p, HDR_SECTION_COUNT, "section count %" PRIu32 " does not fit in the file", *n_sec);
    const uint8_t *name = p->data + HDR_ARCH_NAME;
    if (!memchr(name, '\0', HDR_ARCH_NAME_BYTES))
        return bad(p, HDR_ARCH_NAME, "arch name is not NUL-terminated within its %d bytes",
                   HDR_ARCH_NAME_BYTES);
    memcpy(m->arch_name, name, HDR_ARCH_NAME_BYTES);
    m->arch_fingerprint = odpu_rd64(p->data + HDR_FINGERPRINT);
    m->ddr_size = odpu_rd64(p->data + HDR_DDR_SIZE);
    m->const_offset = odpu_rd64(p->data + HDR_CONST_OFFSET);
    return ODPU_OK;
}

/* Where each known section is; offset 0 means absent (no section can start at 0). */
typedef struct section_in {
    uint64_t offset, size;
    uint64_t entry; /* table entry that named it, for messages */
} section_in;

static odpu_status parse_table(const parser *p, uint64_t table, uint32_t n_sec,
                               section_in known[SECTION_KNOWN_END])
{
    uint64_t prev_end = table + (uint64_t)n_sec * SEC_ENTRY_BYTES;
    for (uint32_t i = 0; i < n_sec; i++) {
        uint64_t at = table + (uint64_t)i * SEC_ENTRY_BYTES;
        const uint8_t *e = p->data + at;
        uint32_t type = odpu_rd32(e + SEC_TYPE);
        uint64_t off = odpu_rd64(e + SEC_OFFSET), size = odpu_rd64(e + SEC_SIZE);
        if (type == SECTION_INVALID)
            return bad(p, at + SEC_TYPE, "section %" PRIu32 " has the invalid type 0", i);
        /* Sections follow the table in ascending order without overlapping, which also
         * keeps every section clear of the header, the table and the trailer. */
        if (!range_inside(off, size, prev_end, p->body_end))
            return bad(p, at + SEC_OFFSET,
                       "section %" PRIu32 " [%" PRIu64 ", +%" PRIu64 ") is not inside [%" PRIu64 ", %zu) "
                       "(sections follow the table in order, before the trailing CRC)",
                       i, off, size, prev_end, p->body_end);
        uint32_t crc = odpu_crc32(0, p->data + off, (size_t)size);
        if (crc != odpu_rd32(e + SEC_CRC))
            return bad(p, at + SEC_CRC, "section %" PRIu32 " CRC-32 mismatch", i);
        prev_end = off + size;
        if (type >= SECTION_KNOWN_END)
            continue; /* a later writer's optional section: skip it, the format can grow */
        if (known[type].offset)
            return bad(p, at + SEC_TYPE, "section type %" PRIu32 " appears twice", type);
        known[type] = (section_in){off, size, at};
    }
    if (!known[SECTION_INSNS].offset)
        return bad(p, table, "no INSNS section (the instruction stream)");
    if (!known[SECTION_TENSORS].offset)
        return bad(p, table, "no TENSORS section (the I/O tensor descriptions)");
    return ODPU_OK;
}

static uint8_t *copy_bytes(const uint8_t *src, size_t size, size_t extra)
{
    uint8_t *dst = malloc(size + extra ? size + extra : 1);
    if (dst && size)
        memcpy(dst, src, size);
    return dst;
}

static odpu_status nomem(const parser *p, const char *what)
{
    return odpu_fail(p->err, ODPU_E_NOMEM, "%s: out of memory for the %s", p->name, what);
}

static odpu_status parse_insns(const parser *p, const section_in *s, odpu_model *m)
{
    if (s->size % ODPU_INSN_BYTES)
        return bad(p, s->entry + SEC_SIZE, "INSNS size %" PRIu64 " is not a multiple of %d bytes",
                   s->size, ODPU_INSN_BYTES);
    m->n_insns = (size_t)(s->size / ODPU_INSN_BYTES); /* count rules: model_rule */
    m->insns = copy_bytes(p->data + s->offset, (size_t)s->size, 0);
    return m->insns ? ODPU_OK : nomem(p, "instruction stream");
}

static odpu_status parse_consts(const parser *p, const section_in *s, odpu_model *m)
{
    m->consts_size = (size_t)s->size;
    if (!s->offset || !s->size)
        return ODPU_OK;
    m->consts = copy_bytes(p->data + s->offset, m->consts_size, 0);
    return m->consts ? ODPU_OK : nomem(p, "constants");
}

static odpu_status parse_meta(const parser *p, const section_in *s, odpu_model *m)
{
    if (!s->offset)
        return ODPU_OK;
    const uint8_t *text = p->data + s->offset;
    const uint8_t *nul = memchr(text, '\0', (size_t)s->size);
    if (nul)
        return bad(p, s->offset + (uint64_t)(nul - text), "META text contains a NUL byte");
    m->meta = (char *)copy_bytes(text, (size_t)s->size, 1);
    if (!m->meta)
        return nomem(p, "meta text");
    m->meta[s->size] = '\0';
    return ODPU_OK;
}

static void read_tensor(const uint8_t *e, odpu_tensor_desc *t)
{
    memcpy(t->name, e + TEN_NAME, TEN_NAME_BYTES);
    t->role = (odpu_tensor_role)odpu_rd32(e + TEN_ROLE);
    t->h = odpu_rd32(e + TEN_H);
    t->w = odpu_rd32(e + TEN_W);
    t->c = odpu_rd32(e + TEN_C);
    t->ddr_offset = odpu_rd64(e + TEN_DDR_OFFSET);
    t->pixel_stride = odpu_rd32(e + TEN_PIXEL_STRIDE);
    t->row_stride = odpu_rd32(e + TEN_ROW_STRIDE);
    uint32_t bits = odpu_rd32(e + TEN_SCALE);
    memcpy(&t->scale, &bits, sizeof bits);
    t->zero_point = (int32_t)odpu_rd32(e + TEN_ZERO_POINT);
    t->pad_top = odpu_rd16(e + TEN_PAD_TOP);
    t->pad_bottom = odpu_rd16(e + TEN_PAD_BOTTOM);
    t->pad_left = odpu_rd16(e + TEN_PAD_LEFT);
    t->pad_right = odpu_rd16(e + TEN_PAD_RIGHT);
    t->fold_rows = odpu_rd16(e + TEN_FOLD_ROWS);
    t->fold_step = odpu_rd16(e + TEN_FOLD_STEP);
}

static odpu_status parse_tensors(const parser *p, const section_in *s, odpu_model *m)
{
    if (s->size < TENSORS_HEADER_BYTES)
        return bad(p, s->entry + SEC_SIZE, "TENSORS section of %" PRIu64 " bytes has no count", s->size);
    const uint8_t *base = p->data + s->offset;
    uint32_t count = odpu_rd32(base + TENSORS_COUNT);
    size_t entry = TEN_ENTRY_BYTES;
    if ((uint64_t)count * entry != s->size - TENSORS_HEADER_BYTES)
        return bad(p, s->offset + TENSORS_COUNT,
                   "%" PRIu32 " tensors need %" PRIu64 " bytes, the TENSORS section holds %" PRIu64,
                   count, (uint64_t)count * entry, s->size - TENSORS_HEADER_BYTES);
    m->n_tensors = count;
    if (!count)
        return ODPU_OK;
    m->tensors = calloc(count, sizeof *m->tensors);
    if (!m->tensors)
        return nomem(p, "tensor descriptions");
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = s->offset + TENSORS_HEADER_BYTES + (uint64_t)i * entry;
        odpu_tensor_desc *t = &m->tensors[i];
        read_tensor(p->data + at, t);
        char why[WHY_MAX];
        size_t field;
        if (!tensor_rule(t, m, &field, why))
            return bad(p, at + field, "tensor %" PRIu32 " '%.*s': %s", i, TEN_NAME_BYTES - 1,
                       (const char *)(p->data + at + TEN_NAME), why);
    }
    return ODPU_OK;
}

static void read_layer(const uint8_t *e, odpu_layer_info *l)
{
    memcpy(l->name, e + LAY_NAME, LAY_NAME_BYTES);
    memcpy(l->op, e + LAY_OP, LAY_OP_BYTES);
    l->in_h = odpu_rd32(e + LAY_IN_H);
    l->in_w = odpu_rd32(e + LAY_IN_W);
    l->in_c = odpu_rd32(e + LAY_IN_C);
    l->out_h = odpu_rd32(e + LAY_OUT_H);
    l->out_w = odpu_rd32(e + LAY_OUT_W);
    l->out_c = odpu_rd32(e + LAY_OUT_C);
    l->macs = odpu_rd64(e + LAY_MACS);
    l->weight_bytes = odpu_rd64(e + LAY_WEIGHT_BYTES);
    memcpy(l->plan, e + LAY_PLAN, LAY_PLAN_BYTES);
    l->first_insn = odpu_rd32(e + LAY_FIRST_INSN);
    l->n_insns = odpu_rd32(e + LAY_N_INSNS);
    l->ddr_read = odpu_rd64(e + LAY_DDR_READ);
    l->ddr_written = odpu_rd64(e + LAY_DDR_WRITTEN);
}

static odpu_status parse_layers(const parser *p, const section_in *s, odpu_model *m)
{
    if (!s->offset)
        return ODPU_OK;
    if (s->size < LAYERS_HEADER_BYTES)
        return bad(p, s->entry + SEC_SIZE, "LAYERS section of %" PRIu64 " bytes has no count", s->size);
    const uint8_t *base = p->data + s->offset;
    uint32_t count = odpu_rd32(base + LAYERS_COUNT);
    if ((uint64_t)count * LAY_ENTRY_BYTES != s->size - LAYERS_HEADER_BYTES)
        return bad(p, s->offset + LAYERS_COUNT,
                   "%" PRIu32 " layers need %" PRIu64 " bytes, the LAYERS section holds %" PRIu64, count,
                   (uint64_t)count * LAY_ENTRY_BYTES, s->size - LAYERS_HEADER_BYTES);
    m->n_layers = count;
    if (!count)
        return ODPU_OK;
    m->layers = calloc(count, sizeof *m->layers);
    if (!m->layers)
        return nomem(p, "layer table");
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = s->offset + LAYERS_HEADER_BYTES + (uint64_t)i * LAY_ENTRY_BYTES;
        read_layer(p->data + at, &m->layers[i]);
        char why[WHY_MAX];
        size_t field;
        if (!layer_rule(&m->layers[i], m, &field, why))
            return bad(p, at + field, "layer %" PRIu32 " '%.*s': %s", i, LAY_NAME_BYTES - 1,
                       (const char *)(p->data + at + LAY_NAME), why);
    }
    return ODPU_OK;
}

static odpu_status parse_sections(const parser *p, const section_in known[SECTION_KNOWN_END],
                                  odpu_model *m)
{
    odpu_status st = parse_insns(p, &known[SECTION_INSNS], m);
    if (st == ODPU_OK)
        st = parse_consts(p, &known[SECTION_CONSTS], m);
    if (st != ODPU_OK)
        return st;
    /* The header rules need the section sizes, so they are checked once these are known,
     * and before the tensors, whose rules assume a sane window. */
    char why[WHY_MAX];
    size_t field;
    if (!model_rule(m, &field, why))
        return bad(p, field == FIELD_INSNS ? known[SECTION_INSNS].entry + SEC_SIZE : field, "%s", why);
    st = parse_tensors(p, &known[SECTION_TENSORS], m);
    if (st == ODPU_OK)
        st = parse_meta(p, &known[SECTION_META], m);
    if (st == ODPU_OK)
        st = parse_layers(p, &known[SECTION_LAYERS], m);
    return st;
}

odpu_status odpu_model_parse(const uint8_t *data, size_t len, const char *source_name,
                             odpu_model *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    parser p = {.data = data, .len = len, .name = source_name ? source_name : "model"};
    p.err = err; /* only written through, never read */
    uint64_t table = 0;
    uint32_t n_sec = 0;
    section_in known[SECTION_KNOWN_END];
    memset(known, 0, sizeof known);
    odpu_status st = parse_preamble(&p, out);
    if (st == ODPU_OK)
        st = parse_envelope(&p);
    if (st == ODPU_OK)
        st = parse_header(&p, out, &table, &n_sec);
    if (st == ODPU_OK)
        st = parse_table(&p, table, n_sec, known);
    if (st == ODPU_OK)
        st = parse_sections(&p, known, out);
    if (st != ODPU_OK)
        odpu_model_free(out);
    return st;
}

odpu_status odpu_model_load(const char *path, odpu_model *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    uint8_t *data = NULL;
    size_t len = 0;
    odpu_status st = odpu_read_file(path, 0, &data, &len, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_model_parse(data, len, path, out, err);
    free(data);
    return st;
}

void odpu_model_free(odpu_model *m)
{
    if (!m)
        return;
    free(m->consts);
    free(m->insns);
    free(m->tensors);
    free(m->meta);
    free(m->layers);
    memset(m, 0, sizeof *m);
}

/* ---- Binding to an engine ------------------------------------------------------------ */

enum { META_NAME_MAX = 64 };

/* The model's "name=" meta entry, if any, to say which model a message is about. */
static void meta_name(const odpu_model *m, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *line = m->meta; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        static const char key[] = "name=";
        if (n > sizeof key - 1 && !strncmp(line, key, sizeof key - 1)) {
            size_t v = n - (sizeof key - 1);
            if (v >= size)
                v = size - 1;
            memcpy(out, line + sizeof key - 1, v);
            out[v] = '\0';
            return;
        }
        line = eol ? eol + 1 : line + n;
    }
}

odpu_status odpu_model_check_fingerprint(const odpu_model *m, const char *engine_arch_name,
                                         uint64_t engine_fingerprint, odpu_err *err)
{
    if (m->arch_fingerprint == engine_fingerprint)
        return ODPU_OK;
    char name[META_NAME_MAX];
    meta_name(m, name, sizeof name);
    const char *same = strcmp(m->arch_name, engine_arch_name) ? ""
                       : " (same name, different parameters: the arch file changed after the model was compiled)";
    return odpu_fail(err, ODPU_E_MISMATCH,
                     "model%s%s%s was compiled for arch '%s' (fingerprint %016" PRIx64 ") but the engine is "
                     "'%s' (fingerprint %016" PRIx64 ")%s; recompile it for this engine: "
                     "opendpu compile MODEL.onnx --arch arch/%s.yaml -o MODEL.odpu",
                     name[0] ? " '" : "", name, name[0] ? "'" : "", m->arch_name, m->arch_fingerprint,
                     engine_arch_name, engine_fingerprint, same, engine_arch_name);
}

void odpu_model_ddr_layout(const odpu_model *m, odpu_ddr_layout *layout)
{
    layout->size = m->ddr_size;
    layout->ro_begin = m->const_offset;
    layout->ro_end = m->const_offset + m->consts_size;
}
