/* onnx_import.c - ONNX model file -> graph IR (see graph.h), through the protobuf-c parser that
 * the build generates from Debian's onnx.proto. Opsets 11-17, the operators torch.onnx emits
 * for CNNs; everything else stops with "<file>: node '<name>' (<OpType>): <reason>". */
#include "quantizer/graph.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/file.h"
#include "onnx/onnx.pb-c.h"

enum {
    OPSET_MIN = 11, /* the opsets whose operator semantics this importer implements */
    OPSET_MAX = 17,
    /* protobuf messages are limited to 2 GiB; larger weights must be external data. */
    MODEL_MAX_BYTES = INT32_MAX,
    /* Kernel, stride, dilation and pad values beyond this are no CNN; the bound keeps every
     * product of them within int. */
    SPATIAL_ATTR_MAX = 1 << 16,
    GROUP_MAX = 1 << 20,
    /* A constant larger than this (elements) is refused before any allocation. */
    CONST_MAX_ELEMS = INT64_C(1) << 31,
    /* Integers above 2^24 are not all exact in float32; shapes must be exact. */
    FLOAT_EXACT_INT = 1 << 24,
    NAME_MAX_LEN = 64 /* generated node names */
};

/* ONNX TensorProto data types the importer converts to float. */
enum {
    DT_FLOAT = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT,
    DT_UINT8 = ONNX__TENSOR_PROTO__DATA_TYPE__UINT8,
    DT_INT8 = ONNX__TENSOR_PROTO__DATA_TYPE__INT8,
    DT_INT32 = ONNX__TENSOR_PROTO__DATA_TYPE__INT32,
    DT_INT64 = ONNX__TENSOR_PROTO__DATA_TYPE__INT64,
    DT_BOOL = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL /* Dropout's training_mode */
};

/* Saturation ranges of QuantizeLinear's output types. */
#define INT8_LO (-128.0f)
#define INT8_HI 127.0f
#define UINT8_LO 0.0f
#define UINT8_HI 255.0f
#define LEAKY_RELU_DEFAULT_ALPHA 0.01f /* ONNX LeakyRelu default */

typedef struct import_ctx {
    const char *path;
    char *dir;                      /* folder of the model: external data is resolved here */
    odpu_graph *g;
    odpu_err *err;
    const Onnx__GraphProto *gp;
    int64_t opset;
    int *order;                     /* node indices in topological order (Constant nodes excluded) */
    int n_order;
    const char **node_names;        /* message name of every ONNX node (owned strings in names_buf) */
    char *names_buf;
} import_ctx;

/* What one ONNX node is being turned into. */
typedef struct node_ctx {
    import_ctx *c;
    const Onnx__NodeProto *np;
    const char *name;
    int idx;                        /* graph node index */
} node_ctx;

typedef odpu_status (*op_fn)(node_ctx *n);

typedef struct op_spec {
    const char *onnx;
    odpu_node_op op;
    int min_in, max_in;             /* max_in < 0: unlimited (Concat) */
    int n_out;                      /* outputs we produce; further ONNX outputs must be unused */
    const char *const *attrs;       /* NULL-terminated names this op accepts */
    op_fn fn;
} op_spec;

/* ---- Messages -------------------------------------------------------------------------- */

static odpu_status node_fail(const node_ctx *n, odpu_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static odpu_status node_fail(const node_ctx *n, odpu_status code, const char *fmt, ...)
{
    char msg[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return odpu_fail(n->c->err, code, "%s: node '%s' (%s): %s", n->c->path, n->name,
                     n->np->op_type ? n->np->op_type : "?", msg);
}

/* ---- Tensor data ----------------------------------------------------------------------- */

static const char *dtype_name(int32_t dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return "float32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return "uint8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return "int8";
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return "uint16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return "int16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return "int32";
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return "int64";
    case ONNX__TENSOR_PROTO__DATA_TYPE__STRING: return "string";
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return "bool";
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: return "float16";
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return "float64";
    case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16: return "bfloat16";
    default: return "unsupported type";
    }
}

static size_t dtype_size(int32_t dt)
{
    switch (dt) {
    case DT_FLOAT: return 4;
    case DT_UINT8: return 1;
    case DT_INT8: return 1;
    case DT_INT32: return 4;
    case DT_INT64: return 8;
    case DT_BOOL: return 1;
    default: return 0;
    }
}

/* Strict decimal parse of an external_data offset/length. */
static int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s)
        return -1;
    uint64_t r = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || r > (UINT64_MAX - 9) / 10)
            return -1;
        r = r * 10 + (uint64_t)(*p - '0');
    }
    *v = r;
    return 0;
}

/* External data must stay inside the model's folder: relative, no ".." component. */
static int location_is_safe(const char *loc)
{
    if (!loc[0] || loc[0] == '/')
        return 0;
    const char *p = loc;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        if (!e)
            break;
        p = e + 1;
    }
    return 1;
}

/* Read [offset, offset + want) of the external file; want == 0 means "to the end" and is
 * then set. */
static odpu_status read_external_range(import_ctx *c, const char *tname, const char *file,
                                       uint64_t offset, uint64_t *want, uint8_t **out)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return odpu_fail(c->err, ODPU_E_IO, "%s: initializer '%s': external data %s: cannot open: %s",
                         c->path, tname, file, strerror(errno));
    odpu_status st = ODPU_OK;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0) {
        st = odpu_fail(c->err, ODPU_E_IO, "%s: initializer '%s': external data %s: cannot seek",
                       c->path, tname, file);
    } else if (offset > (uint64_t)size || (*want && *want > (uint64_t)size - offset)) {
        st = odpu_fail(c->err, ODPU_E_FORMAT,
                       "%s: initializer '%s': external data %s: bytes [%" PRIu64 ", +%" PRIu64
                       ") outside the file (%ld bytes)",
                       c->path, tname, file, offset, *want, size);
    } else {
        if (!*want)
            *want = (uint64_t)size - offset;
        *out = malloc(*want ? (size_t)*want : 1);
        if (!*out)
            st = odpu_fail(c->err, ODPU_E_NOMEM, "%s: initializer '%s': out of memory", c->path, tname);
        else if (fseek(f, (long)offset, SEEK_SET) != 0 || fread(*out, 1, (size_t)*want, f) != *want) {
            free(*out);
            *out = NULL;
            st = odpu_fail(c->err, ODPU_E_IO, "%s: initializer '%s': external data %s: read failed",
                           c->path, tname, file);
        }
    }
    fclose(f);
    return st;
}

static odpu_status load_external(import_ctx *c, const Onnx__TensorProto *t, const char *tname,
                                 uint64_t expect, uint8_t **out)
{
    const char *loc = NULL;
    uint64_t offset = 0, length = 0;
    int has_length = 0;
    for (size_t i = 0; i < t->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = t->external_data[i];
        const char *key = e->key ? e->key : "";
        if (strcmp(key, "location") == 0) {
            loc = e->value;
        } else if (strcmp(key, "offset") == 0 || strcmp(key, "length") == 0) {
            uint64_t v;
            if (parse_u64(e->value, &v))
                return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': external data %s '%s' is not a number",
                                 c->path, tname, key, e->value ? e->value : "");
            if (key[0] == 'o') {
                offset = v;
            } else {
                length = v;
                has_length = 1;
            }
        } else if (strcmp(key, "checksum") != 0) {
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': unknown external data key '%s'",
                             c->path, tname, key);
        }
    }
    if (!loc)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': external data without a location",
                         c->path, tname);
    if (!location_is_safe(loc))
        return odpu_fail(c->err, ODPU_E_FORMAT,
                         "%s: initializer '%s': external data location '%s' leaves the model's folder",
                         c->path, tname, loc);
    if (has_length && length != expect)
        return odpu_fail(c->err, ODPU_E_FORMAT,
                         "%s: initializer '%s': external data length %" PRIu64 ", the shape needs %" PRIu64,
                         c->path, tname, length, expect);
    size_t flen = strlen(c->dir) + 1 + strlen(loc) + 1;
    char *file = malloc(flen);
    if (!file)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    snprintf(file, flen, "%s/%s", c->dir, loc);
    uint64_t want = expect;
    odpu_status st = ODPU_OK;
    if (expect == 0) {
        *out = malloc(1);
        if (!*out)
            st = odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    } else {
        st = read_external_range(c, tname, file, offset, &want, out);
    }
    free(file);
    return st;
}

/* Decode n elements of type dt from little-endian bytes to float. Integers beyond 2^24 are
 * refused for int64 (shapes must be exact); int32 (QDQ biases) rounds to nearest float. */
static odpu_status decode_raw(import_ctx *c, const char *tname, int32_t dt, const uint8_t *src,
                              int64_t n, float *dst)
{
    for (int64_t i = 0; i < n; i++) {
        switch (dt) {
        case DT_FLOAT: {
            uint32_t u = odpu_rd32(src + 4 * i);
            memcpy(&dst[i], &u, sizeof u);
            break;
        }
        case DT_UINT8: dst[i] = (float)src[i]; break;
        case DT_BOOL: dst[i] = src[i] ? 1.0f : 0.0f; break;
        case DT_INT8: dst[i] = (float)(int8_t)src[i]; break;
        case DT_INT32: dst[i] = (float)(int32_t)odpu_rd32(src + 4 * i); break;
        case DT_INT64: {
            int64_t v = (int64_t)odpu_rd64(src + 8 * i);
            if (v > FLOAT_EXACT_INT || v < -FLOAT_EXACT_INT)
                return odpu_fail(c->err, ODPU_E_FORMAT,
                                 "%s: initializer '%s': int64 value %" PRId64 " is not exact in float32",
                                 c->path, tname, v);
            dst[i] = (float)v;
            break;
        }
        default: return odpu_fail(c->err, ODPU_E_FORMAT, "%s: '%s': type %s", c->path, tname, dtype_name(dt));
        }
    }
    return ODPU_OK;
}

static odpu_status decode_typed(import_ctx *c, const Onnx__TensorProto *t, const char *tname,
                                int64_t n, float *dst)
{
    size_t have;
    switch (t->data_type) {
    case DT_FLOAT: have = t->n_float_data; break;
    case DT_UINT8:
    case DT_INT8:
    case DT_BOOL:
    case DT_INT32: have = t->n_int32_data; break; /* ONNX stores narrow integers in int32_data */
    case DT_INT64: have = t->n_int64_data; break;
    default: have = 0; break;
    }
    if (have != (uint64_t)n)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': %zu values for %" PRId64 " elements",
                         c->path, tname, have, n);
    for (int64_t i = 0; i < n; i++) {
        switch (t->data_type) {
        case DT_FLOAT: dst[i] = t->float_data[i]; break;
        case DT_UINT8:
        case DT_INT8: {
            int32_t v = t->int32_data[i];
            int lo = t->data_type == DT_INT8 ? INT8_MIN : 0, hi = t->data_type == DT_INT8 ? INT8_MAX : UINT8_MAX;
            if (v < lo || v > hi)
                return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': value %d out of %s range",
                                 c->path, tname, (int)v, dtype_name(t->data_type));
            dst[i] = (float)v;
            break;
        }
        case DT_INT32: dst[i] = (float)t->int32_data[i]; break;
        case DT_BOOL: dst[i] = t->int32_data[i] ? 1.0f : 0.0f; break;
        default: {
            int64_t v = t->int64_data[i];
            if (v > FLOAT_EXACT_INT || v < -FLOAT_EXACT_INT)
                return odpu_fail(c->err, ODPU_E_FORMAT,
                                 "%s: initializer '%s': int64 value %" PRId64 " is not exact in float32",
                                 c->path, tname, v);
            dst[i] = (float)v;
        }
        }
    }
    return ODPU_OK;
}

/* Shape of a TensorProto, checked. */
static odpu_status tensor_dims(import_ctx *c, const Onnx__TensorProto *t, const char *tname, int *rank,
                               int64_t *dims, int64_t *numel)
{
    if (t->n_dims > ODPU_MAX_RANK)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': rank %zu > %d", c->path, tname,
                         t->n_dims, ODPU_MAX_RANK);
    int64_t n = 1;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || (t->dims[i] > 0 && n > CONST_MAX_ELEMS / t->dims[i]))
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': bad dimension %" PRId64,
                             c->path, tname, t->dims[i]);
        n *= t->dims[i];
        dims[i] = t->dims[i];
    }
    *rank = (int)t->n_dims;
    *numel = n;
    return ODPU_OK;
}

/* Convert a TensorProto (initializer or Constant value) to a new constant tensor named name. */
static odpu_status add_constant(import_ctx *c, const Onnx__TensorProto *t, const char *name, int *index)
{
    int rank = 0;
    int64_t dims[ODPU_MAX_RANK], n = 0;
    odpu_status st = tensor_dims(c, t, name, &rank, dims, &n);
    if (st)
        return st;
    size_t esize = dtype_size(t->data_type);
    if (!esize)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': data type %s not supported "
                         "(float32, int8, uint8, int32, int64, bool)", c->path, name, dtype_name(t->data_type));
    if (t->segment)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': segmented tensors not supported",
                         c->path, name);
    float *vals = malloc(n ? (size_t)n * sizeof(float) : 1);
    if (!vals)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: initializer '%s': out of memory", c->path, name);
    uint64_t nbytes = (uint64_t)n * esize;
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        uint8_t *raw = NULL;
        st = load_external(c, t, name, nbytes, &raw);
        if (!st)
            st = decode_raw(c, name, t->data_type, raw, n, vals);
        free(raw);
    } else if (t->has_raw_data) {
        if (t->raw_data.len != nbytes)
            st = odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s': raw_data has %zu bytes, the shape needs %" PRIu64,
                           c->path, name, t->raw_data.len, nbytes);
        else
            st = decode_raw(c, name, t->data_type, t->raw_data.data, n, vals);
    } else {
        st = decode_typed(c, t, name, n, vals);
    }
    if (!st) {
        *index = odpu_graph_add_tensor(c->g, name, rank, dims, vals, c->err);
        if (*index < 0)
            st = odpu_err_prefix(c->err, "%s: ", c->path);
    }
    free(vals);
    return st;
}

/* ---- Attributes ------------------------------------------------------------------------ */

static const Onnx__AttributeProto *find_attr(const node_ctx *n, const char *name)
{
    for (size_t i = 0; i < n->np->n_attribute; i++)
        if (n->np->attribute[i]->name && strcmp(n->np->attribute[i]->name, name) == 0)
            return n->np->attribute[i];
    return NULL;
}

static odpu_status attr_type(const node_ctx *n, const Onnx__AttributeProto *a,
                             Onnx__AttributeProto__AttributeType want, const char *want_name)
{
    if (a->type != want)
        return node_fail(n, ODPU_E_FORMAT, "attribute '%s' must be %s", a->name, want_name);
    return ODPU_OK;
}

static odpu_status attr_int(const node_ctx *n, const char *name, int64_t def, int64_t *v)
{
    const Onnx__AttributeProto *a = find_attr(n, name);
    *v = def;
    if (!a)
        return ODPU_OK;
    odpu_status st = attr_type(n, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, "an int");
    if (!st)
        *v = a->i;
    return st;
}

static odpu_status attr_float(const node_ctx *n, const char *name, float def, float *v)
{
    const Onnx__AttributeProto *a = find_attr(n, name);
    *v = def;
    if (!a)
        return ODPU_OK;
    odpu_status st = attr_type(n, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, "a float");
    if (!st)
        *v = a->f;
    if (!st && !isfinite(*v))
        st = node_fail(n, ODPU_E_FORMAT, "attribute '%s' is not finite", name);
    return st;
}

/* Integer list attribute with exactly want values, each in [lo, hi]; absent: *present = 0. */
static odpu_status attr_ints(const node_ctx *n, const char *name, int want, int64_t lo, int64_t hi,
                             int *out, int *present)
{
    const Onnx__AttributeProto *a = find_attr(n, name);
    *present = 0;
    if (!a)
        return ODPU_OK;
    odpu_status st = attr_type(n, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, "a list of ints");
    if (st)
        return st;
    if (a->n_ints != (size_t)want)
        return node_fail(n, ODPU_E_FORMAT, "attribute '%s' has %zu values, expected %d (2-D only)", name,
                         a->n_ints, want);
    for (int i = 0; i < want; i++) {
        if (a->ints[i] < lo || a->ints[i] > hi)
            return node_fail(n, ODPU_E_FORMAT, "attribute '%s' value %" PRId64 " not in [%" PRId64 ", %" PRId64 "]",
                             name, a->ints[i], lo, hi);
        out[i] = (int)a->ints[i];
    }
    *present = 1;
    return ODPU_OK;
}

static odpu_status attr_auto_pad(const node_ctx *n, int *auto_pad)
{
    const Onnx__AttributeProto *a = find_attr(n, "auto_pad");
    *auto_pad = ODPU_AUTO_PAD_NOTSET;
    if (!a)
        return ODPU_OK;
    odpu_status st = attr_type(n, a, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, "a string");
    if (st)
        return st;
    static const struct { const char *s; odpu_auto_pad v; } modes[] = {
        {"NOTSET", ODPU_AUTO_PAD_NOTSET}, {"VALID", ODPU_AUTO_PAD_VALID},
        {"SAME_UPPER", ODPU_AUTO_PAD_SAME_UPPER}, {"SAME_LOWER", ODPU_AUTO_PAD_SAME_LOWER}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        size_t len = strlen(modes[i].s);
        if (a->s.len == len && memcmp(a->s.data, modes[i].s, len) == 0) {
            *auto_pad = modes[i].v;
            return ODPU_OK;
        }
    }
    return node_fail(n, ODPU_E_FORMAT, "auto_pad '%.*s' unknown", (int)(a->s.len > 32 ? 32 : a->s.len),
                     (const char *)a->s.data);
}

/* Only the attributes the spec lists; anything else would silently change the meaning. */
static odpu_status check_attr_names(const node_ctx *n, const char *const *allowed)
{
    for (size_t i = 0; i < n->np->n_attribute; i++) {
        const char *name = n->np->attribute[i]->name ? n->np->attribute[i]->name : "";
        int ok = 0;
        for (const char *const *p = allowed; p && *p; p++)
            if (strcmp(*p, name) == 0)
                ok = 1;
        if (!ok)
            return node_fail(n, ODPU_E_FORMAT, "unsupported attribute '%s'", name);
    }
    return ODPU_OK;
}

/* ---- Operand checks -------------------------------------------------------------------- */

static odpu_gnode *gnode(const node_ctx *n) { return &n->c->g->nodes[n->idx]; }

static const char *input_name(const node_ctx *n, int k) { return n->np->input[k]; }

/* A constant, or a DequantizeLinear of a constant (a QDQ model's weights). */
static int is_constant_like(const odpu_graph *g, int t)
{
    if (t < 0)
        return 0;
    if (g->tensors[t].data)
        return 1;
    int p = g->tensors[t].producer;
    return p >= 0 && g->nodes[p].op == ODPU_NODE_DEQUANTIZE && g->nodes[p].n_inputs > 0 &&
           g->nodes[p].inputs[0] >= 0 && g->tensors[g->nodes[p].inputs[0]].data != NULL;
}

static odpu_status need_input(const node_ctx *n, int k, const char *what)
{
    const odpu_gnode *gn = gnode(n);
    if (k >= gn->n_inputs || gn->inputs[k] < 0)
        return node_fail(n, ODPU_E_FORMAT, "input %d (%s) is missing", k, what);
    return ODPU_OK;
}

static odpu_status need_constant(const node_ctx *n, int k, const char *what)
{
    odpu_status st = need_input(n, k, what);
    if (st)
        return st;
    if (!is_constant_like(n->c->g, gnode(n)->inputs[k]))
        return node_fail(n, ODPU_E_FORMAT, "%s '%s' must be a constant (initializer)", what, input_name(n, k));
    return ODPU_OK;
}

static odpu_status optional_constant(const node_ctx *n, int k, const char *what)
{
    const odpu_gnode *gn = gnode(n);
    if (k >= gn->n_inputs || gn->inputs[k] < 0)
        return ODPU_OK;
    return need_constant(n, k, what);
}

/* Value of an optional scalar constant input (Clip bounds); strict: a real initializer. */
static odpu_status scalar_input(const node_ctx *n, int k, const char *what, float def, float *v)
{
    const odpu_gnode *gn = gnode(n);
    *v = def;
    if (k >= gn->n_inputs || gn->inputs[k] < 0)
        return ODPU_OK;
    const odpu_gtensor *t = &n->c->g->tensors[gn->inputs[k]];
    if (!t->data)
        return node_fail(n, ODPU_E_FORMAT, "%s '%s' must be a constant", what, input_name(n, k));
    if (odpu_tensor_numel(t) != 1)
        return node_fail(n, ODPU_E_FORMAT, "%s '%s' must be a scalar", what, input_name(n, k));
    *v = t->data[0];
    return ODPU_OK;
}

/* ---- Operators ------------------------------------------------------------------------- */

static odpu_status spatial_attrs(node_ctx *n, int with_dilation)
{
    odpu_node_attrs *a = &gnode(n)->a;
    int present;
    odpu_status st = attr_ints(n, "kernel_shape", 2, 1, SPATIAL_ATTR_MAX, a->kernel, &present);
    if (!st)
        st = attr_ints(n, "strides", 2, 1, SPATIAL_ATTR_MAX, a->stride, &present);
    if (!st)
        st = attr_ints(n, "pads", 4, 0, SPATIAL_ATTR_MAX, a->pads, &present);
    if (!st && with_dilation)
        st = attr_ints(n, "dilations", 2, 1, SPATIAL_ATTR_MAX, a->dilation, &present);
    if (!st)
        st = attr_auto_pad(n, &a->auto_pad);
    if (!st && a->auto_pad != ODPU_AUTO_PAD_NOTSET && find_attr(n, "pads"))
        st = node_fail(n, ODPU_E_FORMAT, "auto_pad and pads both given");
    return st;
}

static const char *const conv_attrs[] = {"kernel_shape", "strides", "pads", "dilations", "group", "auto_pad", NULL};
static odpu_status op_conv(node_ctx *n)
{
    odpu_status st = spatial_attrs(n, 1);
    int64_t group = 0;
    if (!st)
        st = attr_int(n, "group", 1, &group);
    if (!st && (group < 1 || group > GROUP_MAX))
        st = node_fail(n, ODPU_E_FORMAT, "group %" PRId64 " out of range", group);
    if (!st) {
        gnode(n)->a.group = (int)group;
        st = need_input(n, 0, "X");
    }
    if (!st)
        st = need_constant(n, 1, "weight");
    if (!st)
        st = optional_constant(n, 2, "bias");
    return st;
}

static const char *const gemm_attrs[] = {"alpha", "beta", "transA", "transB", NULL};
static odpu_status op_gemm(node_ctx *n)
{
    odpu_node_attrs *a = &gnode(n)->a;
    int64_t ta = 0, tb = 0;
    odpu_status st = attr_float(n, "alpha", 1.0f, &a->alpha);
    if (!st)
        st = attr_float(n, "beta", 1.0f, &a->beta);
    if (!st)
        st = attr_int(n, "transA", 0, &ta);
    if (!st)
        st = attr_int(n, "transB", 0, &tb);
    if (!st && ((ta != 0 && ta != 1) || (tb != 0 && tb != 1)))
        st = node_fail(n, ODPU_E_FORMAT, "transA/transB must be 0 or 1");
    if (!st) {
        a->trans_a = (int)ta;
        a->trans_b = (int)tb;
        st = need_input(n, 0, "A");
    }
    if (!st)
        st = need_constant(n, 1, "B (weight)");
    if (!st)
        st = optional_constant(n, 2, "C (bias)");
    return st;
}

static odpu_status op_matmul(node_ctx *n)
{
    odpu_status st = need_input(n, 0, "A");
    if (!st)
        st = need_constant(n, 1, "right operand B");
    return st;
}

static const char *const bn_attrs[] = {"epsilon", "momentum", "training_mode", NULL};
static odpu_status op_batchnorm(node_ctx *n)
{
    int64_t training = 0;
    odpu_status st = attr_float(n, "epsilon", 1e-5f, &gnode(n)->a.epsilon);
    if (!st)
        st = attr_int(n, "training_mode", 0, &training);
    if (!st && training != 0)
        st = node_fail(n, ODPU_E_FORMAT, "training_mode=1 is not inference");
    if (!st && gnode(n)->a.epsilon < 0)
        st = node_fail(n, ODPU_E_FORMAT, "epsilon must not be negative");
    static const char *const what[] = {"X", "scale", "bias", "mean", "var"};
    for (int k = 0; k < 5 && !st; k++)
        st = k == 0 ? need_input(n, 0, what[0]) : need_constant(n, k, what[k]);
    return st;
}

static odpu_status op_unary(node_ctx *n) { return need_input(n, 0, "X"); }

/* torch.onnx emits Identity on an initializer when two parameters hold equal values (it keeps
 * one initializer and aliases the other), e.g. two BatchNorm biases. Fold it here, so every
 * consumer that needs a constant (BatchNorm, Conv weights) sees one. */
static odpu_status op_identity(node_ctx *n)
{
    odpu_status st = need_input(n, 0, "input");
    if (st)
        return st;
    odpu_graph *g = n->c->g;
    odpu_gnode *gn = gnode(n);
    const odpu_gtensor *x = &g->tensors[gn->inputs[0]];
    if (!x->data)
        return ODPU_OK;
    odpu_gtensor *y = &g->tensors[gn->outputs[0]];
    size_t count = (size_t)odpu_tensor_numel(x);
    y->data = malloc((count ? count : 1) * sizeof *y->data);
    if (!y->data)
        return node_fail(n, ODPU_E_NOMEM, "out of memory");
    memcpy(y->data, x->data, count * sizeof *y->data);
    y->rank = x->rank;
    memcpy(y->dims, x->dims, sizeof y->dims);
    y->producer = -1;
    gn->dead = 1;
    return ODPU_OK;
}

static odpu_status op_clip(node_ctx *n)
{
    odpu_node_attrs *a = &gnode(n)->a;
    odpu_status st = need_input(n, 0, "input");
    if (!st)
        st = scalar_input(n, 1, "min", -FLT_MAX, &a->clip_min);
    if (!st)
        st = scalar_input(n, 2, "max", FLT_MAX, &a->clip_max);
    if (!st && !(a->clip_min <= a->clip_max))
        st = node_fail(n, ODPU_E_FORMAT, "min %g > max %g", (double)a->clip_min, (double)a->clip_max);
    if (!st)
        gnode(n)->n_inputs = 1; /* the bounds live in the attributes */
    return st;
}

static const char *const leaky_attrs[] = {"alpha", NULL};
static odpu_status op_leaky(node_ctx *n)
{
    odpu_status st = attr_float(n, "alpha", LEAKY_RELU_DEFAULT_ALPHA, &gnode(n)->a.alpha);
    if (!st)
        st = need_input(n, 0, "X");
    return st;
}

static const char *const maxpool_attrs[] = {"kernel_shape", "strides", "pads", "dilations", "ceil_mode",
                                            "auto_pad", "storage_order", NULL};
static const char *const avgpool_attrs[] = {"kernel_shape", "strides", "pads", "ceil_mode", "auto_pad",
                                            "count_include_pad", NULL};
static odpu_status pool_common(node_ctx *n)
{
    odpu_node_attrs *a = &gnode(n)->a;
    int64_t ceil_mode = 0;
    odpu_status st = spatial_attrs(n, 1);
    if (!st && !find_attr(n, "kernel_shape"))
        st = node_fail(n, ODPU_E_FORMAT, "kernel_shape is required");
    if (!st)
        st = attr_int(n, "ceil_mode", 0, &ceil_mode);
    if (!st && ceil_mode != 0 && ceil_mode != 1)
        st = node_fail(n, ODPU_E_FORMAT, "ceil_mode must be 0 or 1");
    if (!st && (a->dilation[0] != 1 || a->dilation[1] != 1))
        st = node_fail(n, ODPU_E_FORMAT, "dilations other than 1 are not supported");
    if (!st) {
        a->ceil_mode = (int)ceil_mode;
        st = need_input(n, 0, "X");
    }
    return st;
}

static odpu_status op_maxpool(node_ctx *n)
{
    int64_t storage_order = 0;
    odpu_status st = pool_common(n);
    if (!st)
        st = attr_int(n, "storage_order", 0, &storage_order);
    if (!st && storage_order != 0)
        st = node_fail(n, ODPU_E_FORMAT, "storage_order=%" PRId64 " (column major) is not supported", storage_order);
    return st;
}

static odpu_status op_avgpool(node_ctx *n)
{
    int64_t cip = 0;
    odpu_status st = pool_common(n);
    if (!st)
        st = attr_int(n, "count_include_pad", 0, &cip);
    if (!st && cip != 0 && cip != 1)
        st = node_fail(n, ODPU_E_FORMAT, "count_include_pad must be 0 or 1");
    if (!st)
        gnode(n)->a.count_include_pad = (int)cip;
    return st;
}

static odpu_status op_add(node_ctx *n)
{
    odpu_status st = need_input(n, 0, "A");
    if (!st)
        st = need_input(n, 1, "B");
    return st;
}

static const char *const axis_attrs[] = {"axis", NULL};
static odpu_status axis_attr(node_ctx *n, int required, int64_t def)
{
    int64_t axis = 0;
    if (required && !find_attr(n, "axis"))
        return node_fail(n, ODPU_E_FORMAT, "attribute 'axis' is required");
    odpu_status st = attr_int(n, "axis", def, &axis);
    if (!st && (axis < -ODPU_MAX_RANK || axis > ODPU_MAX_RANK))
        st = node_fail(n, ODPU_E_FORMAT, "axis %" PRId64 " out of range", axis);
    if (!st)
        gnode(n)->a.axis = (int)axis;
    return st;
}

static odpu_status op_concat(node_ctx *n)
{
    odpu_status st = axis_attr(n, 1, 1);
    for (int k = 0; k < gnode(n)->n_inputs && !st; k++)
        st = need_input(n, k, "input");
    return st;
}

static odpu_status op_flatten(node_ctx *n)
{
    odpu_status st = axis_attr(n, 0, 1);
    if (!st)
        st = need_input(n, 0, "input");
    return st;
}

/* Softmax's axis defaults to 1 before opset 13 and to -1 from 13 on. */
enum { SOFTMAX_NEW_AXIS_OPSET = 13 };
static odpu_status op_softmax(node_ctx *n)
{
    odpu_status st = axis_attr(n, 0, n->c->opset >= SOFTMAX_NEW_AXIS_OPSET ? -1 : 1);
    if (!st)
        st = need_input(n, 0, "input");
    return st;
}

static const char *const reshape_attrs[] = {"allowzero", NULL};
static odpu_status op_reshape(node_ctx *n)
{
    odpu_gnode *gn = gnode(n);
    int64_t allowzero = 0;
    odpu_status st = attr_int(n, "allowzero", 0, &allowzero);
    if (!st)
        st = need_input(n, 0, "data");
    if (!st)
        st = need_input(n, 1, "shape");
    if (st)
        return st;
    const odpu_gtensor *s = &n->c->g->tensors[gn->inputs[1]];
    int64_t len = odpu_tensor_numel(s);
    if (!s->data)
        return node_fail(n, ODPU_E_FORMAT, "shape '%s' must be a constant", input_name(n, 1));
    if (s->rank != 1 || len < 0 || len > ODPU_MAX_RANK)
        return node_fail(n, ODPU_E_FORMAT, "shape '%s' must be a 1-D list of at most %d values",
                         input_name(n, 1), ODPU_MAX_RANK);
    int minus_one = 0;
    for (int i = 0; i < len; i++) {
        int64_t v = (int64_t)s->data[i];
        if (v < -1)
            return node_fail(n, ODPU_E_FORMAT, "shape value %" PRId64 " is invalid", v);
        if (v == 0 && allowzero)
            return node_fail(n, ODPU_E_FORMAT, "allowzero=1 with a 0 in the shape is not supported");
        if (v == -1 && minus_one++)
            return node_fail(n, ODPU_E_FORMAT, "more than one -1 in the shape");
        gn->a.shape[i] = v;
    }
    gn->a.shape_rank = (int)len;
    gn->n_inputs = 1;
    return ODPU_OK;
}

static const char *const dropout_attrs[] = {"seed", "ratio", NULL}; /* ratio: opset < 12 */
static odpu_status op_dropout(node_ctx *n)
{
    odpu_gnode *gn = gnode(n);
    odpu_status st = need_input(n, 0, "data");
    if (!st && gn->n_inputs > 2 && gn->inputs[2] >= 0) {
        const odpu_gtensor *t = &n->c->g->tensors[gn->inputs[2]];
        if (!t->data || odpu_tensor_numel(t) != 1 || t->data[0] != 0.0f)
            st = node_fail(n, ODPU_E_FORMAT, "training_mode must be a constant false");
    }
    if (!st)
        gn->n_inputs = 1; /* ratio does nothing at inference */
    return st;
}

static const char *const qdq_attrs[] = {"axis", NULL};
/* Opset 13 added per-axis scales. */
enum { QDQ_AXIS_OPSET = 13 };
static odpu_status op_qdq(node_ctx *n, int quantize)
{
    odpu_gnode *gn = gnode(n);
    odpu_status st = axis_attr(n, 0, 1);
    if (!st && n->c->opset < QDQ_AXIS_OPSET && find_attr(n, "axis"))
        st = node_fail(n, ODPU_E_FORMAT, "axis needs opset %d", QDQ_AXIS_OPSET);
    if (!st)
        st = need_input(n, 0, "x");
    if (!st)
        st = need_constant(n, 1, "scale");
    if (!st)
        st = optional_constant(n, 2, "zero_point");
    if (st)
        return st;
    const odpu_gtensor *scale = &n->c->g->tensors[gn->inputs[1]];
    int64_t ns = odpu_tensor_numel(scale);
    if (!scale->data || scale->rank > 1)
        return node_fail(n, ODPU_E_FORMAT, "scale '%s' must be a scalar or 1-D initializer", input_name(n, 1));
    for (int64_t i = 0; i < ns; i++)
        if (!(scale->data[i] > 0) || !isfinite(scale->data[i]))
            return node_fail(n, ODPU_E_FORMAT, "scale '%s' has a non-positive value", input_name(n, 1));
    int zp_t = gn->n_inputs > 2 ? gn->inputs[2] : -1;
    if (zp_t >= 0) {
        const odpu_gtensor *zp = &n->c->g->tensors[zp_t];
        if (!zp->data || odpu_tensor_numel(zp) != ns)
            return node_fail(n, ODPU_E_FORMAT, "zero_point '%s' must be an initializer shaped like the scale",
                             input_name(n, 2));
    }
    if (quantize) {
        /* The output type is the zero point's (uint8 without one). */
        int32_t dt = DT_UINT8;
        const Onnx__GraphProto *gp = n->c->gp;
        if (zp_t >= 0) {
            dt = 0;
            for (size_t i = 0; i < gp->n_initializer; i++)
                if (gp->initializer[i]->name && strcmp(gp->initializer[i]->name, input_name(n, 2)) == 0)
                    dt = gp->initializer[i]->data_type;
        }
        if (dt != DT_UINT8 && dt != DT_INT8)
            return node_fail(n, ODPU_E_FORMAT, "zero_point '%s' must be an int8 or uint8 initializer",
                             input_name(n, 2));
        gn->a.clip_min = dt == DT_INT8 ? INT8_LO : UINT8_LO;
        gn->a.clip_max = dt == DT_INT8 ? INT8_HI : UINT8_HI;
    }
    return ODPU_OK;
}
static odpu_status op_quantize(node_ctx *n) { return op_qdq(n, 1); }
static odpu_status op_dequantize(node_ctx *n) { return op_qdq(n, 0); }

static const op_spec op_specs[] = {
    {"Conv", ODPU_NODE_CONV, 2, 3, 1, conv_attrs, op_conv},
    {"Gemm", ODPU_NODE_GEMM, 2, 3, 1, gemm_attrs, op_gemm},
    {"MatMul", ODPU_NODE_MATMUL, 2, 2, 1, NULL, op_matmul},
    {"BatchNormalization", ODPU_NODE_BATCHNORM, 5, 5, 1, bn_attrs, op_batchnorm},
    {"Relu", ODPU_NODE_RELU, 1, 1, 1, NULL, op_unary},
    {"Clip", ODPU_NODE_CLIP, 1, 3, 1, NULL, op_clip},
    {"LeakyRelu", ODPU_NODE_LEAKY_RELU, 1, 1, 1, leaky_attrs, op_leaky},
    {"MaxPool", ODPU_NODE_MAXPOOL, 1, 1, 1, maxpool_attrs, op_maxpool},
    {"AveragePool", ODPU_NODE_AVGPOOL, 1, 1, 1, avgpool_attrs, op_avgpool},
    {"GlobalAveragePool", ODPU_NODE_GLOBAL_AVGPOOL, 1, 1, 1, NULL, op_unary},
    {"Add", ODPU_NODE_ADD, 2, 2, 1, NULL, op_add},
    {"Concat", ODPU_NODE_CONCAT, 1, -1, 1, axis_attrs, op_concat},
    {"Flatten", ODPU_NODE_FLATTEN, 1, 1, 1, axis_attrs, op_flatten},
    {"Reshape", ODPU_NODE_RESHAPE, 2, 2, 1, reshape_attrs, op_reshape},
    {"Dropout", ODPU_NODE_IDENTITY, 1, 3, 1, dropout_attrs, op_dropout},
    {"Identity", ODPU_NODE_IDENTITY, 1, 1, 1, NULL, op_identity},
    {"Softmax", ODPU_NODE_SOFTMAX, 1, 1, 1, axis_attrs, op_softmax},
    {"QuantizeLinear", ODPU_NODE_QUANTIZE, 2, 3, 1, qdq_attrs, op_quantize},
    {"DequantizeLinear", ODPU_NODE_DEQUANTIZE, 2, 3, 1, qdq_attrs, op_dequantize},
};
enum { N_OP_SPECS = sizeof op_specs / sizeof op_specs[0] };

static const op_spec *find_spec(const char *op_type)
{
    for (int i = 0; i < N_OP_SPECS; i++)
        if (op_type && strcmp(op_specs[i].onnx, op_type) == 0)
            return &op_specs[i];
    return NULL;
}

/* ---- Graph structure ------------------------------------------------------------------- */

static int is_default_domain(const char *d) { return !d || !d[0] || strcmp(d, "ai.onnx") == 0; }

static odpu_status find_opset(import_ctx *c, const Onnx__ModelProto *m)
{
    c->opset = -1;
    for (size_t i = 0; i < m->n_opset_import; i++)
        if (is_default_domain(m->opset_import[i]->domain) && m->opset_import[i]->has_version)
            c->opset = m->opset_import[i]->version;
    if (c->opset < 0)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: no opset_import for the default ONNX domain", c->path);
    if (c->opset < OPSET_MIN || c->opset > OPSET_MAX)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: opset %" PRId64 " not supported (%d to %d)", c->path,
                         c->opset, OPSET_MIN, OPSET_MAX);
    c->g->opset = c->opset;
    return ODPU_OK;
}

static odpu_status set_names(import_ctx *c)
{
    const Onnx__GraphProto *gp = c->gp;
    c->node_names = calloc(gp->n_node ? gp->n_node : 1, sizeof *c->node_names);
    c->names_buf = malloc(gp->n_node ? gp->n_node * NAME_MAX_LEN : 1);
    if (!c->node_names || !c->names_buf)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        if (np->name && np->name[0]) {
            c->node_names[i] = np->name;
        } else {
            char *s = c->names_buf + i * NAME_MAX_LEN;
            snprintf(s, NAME_MAX_LEN, "%s_%zu", np->op_type ? np->op_type : "node", i);
            c->node_names[i] = s;
        }
    }
    return ODPU_OK;
}

/* Is an ONNX value name read by any node or a graph output? */
static int name_is_used(const Onnx__GraphProto *gp, const char *name)
{
    for (size_t i = 0; i < gp->n_node; i++)
        for (size_t k = 0; k < gp->node[i]->n_input; k++)
            if (strcmp(gp->node[i]->input[k], name) == 0)
                return 1;
    for (size_t i = 0; i < gp->n_output; i++)
        if (gp->output[i]->name && strcmp(gp->output[i]->name, name) == 0)
            return 1;
    return 0;
}

static odpu_status add_initializers(import_ctx *c)
{
    for (size_t i = 0; i < c->gp->n_initializer; i++) {
        const Onnx__TensorProto *t = c->gp->initializer[i];
        if (!t->name || !t->name[0])
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer %zu has no name", c->path, i);
        if (odpu_graph_find_tensor(c->g, t->name) >= 0)
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: initializer '%s' defined twice", c->path, t->name);
        int idx;
        odpu_status st = add_constant(c, t, t->name, &idx);
        if (st)
            return st;
    }
    return ODPU_OK;
}

static odpu_status input_shape(import_ctx *c, const Onnx__ValueInfoProto *vi, int *rank, int64_t *dims)
{
    const char *name = vi->name;
    const Onnx__TypeProto *tp = vi->type;
    if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s' is not a tensor", c->path, name);
    const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
    if (!tt->has_elem_type || tt->elem_type != DT_FLOAT)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s' has type %s; only float32 graph inputs", c->path,
                         name, dtype_name(tt->has_elem_type ? tt->elem_type : 0));
    if (!tt->shape)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s' has no shape", c->path, name);
    if (tt->shape->n_dim > ODPU_MAX_RANK)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s': rank %zu > %d", c->path, name,
                         tt->shape->n_dim, ODPU_MAX_RANK);
    *rank = (int)tt->shape->n_dim;
    for (int i = 0; i < *rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
        int known = d->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        if (known && (d->dim_value < 1 || d->dim_value > CONST_MAX_ELEMS))
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s': dimension %d is %" PRId64, c->path, name, i,
                             d->dim_value);
        if (!known && i != 0)
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: input '%s': dimension %d is symbolic or unknown "
                             "(only the batch dimension may be)", c->path, name, i);
        /* A symbolic batch is run one image at a time. */
        dims[i] = known ? d->dim_value : 1;
    }
    return ODPU_OK;
}

static odpu_status add_inputs(import_ctx *c)
{
    const Onnx__GraphProto *gp = c->gp;
    c->g->inputs = malloc((gp->n_input ? gp->n_input : 1) * sizeof(int));
    if (!c->g->inputs)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        if (!vi->name || !vi->name[0])
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: graph input %zu has no name", c->path, i);
        int t = odpu_graph_find_tensor(c->g, vi->name);
        if (t >= 0 && c->g->tensors[t].data)
            continue; /* an initializer listed as input (IR < 4 style): a constant */
        if (t >= 0)
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: graph input '%s' listed twice", c->path, vi->name);
        int rank = 0;
        int64_t dims[ODPU_MAX_RANK];
        odpu_status st = input_shape(c, vi, &rank, dims);
        if (st)
            return st;
        t = odpu_graph_add_tensor(c->g, vi->name, rank, dims, NULL, c->err);
        if (t < 0)
            return odpu_err_prefix(c->err, "%s: ", c->path);
        c->g->inputs[c->g->n_inputs++] = t;
    }
    if (c->g->n_inputs == 0)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: the graph has no (non-initializer) input", c->path);
    return ODPU_OK;
}

/* Constant nodes become constant tensors; torch.onnx emits them for Reshape shapes. */
static odpu_status constant_node(import_ctx *c, size_t ni)
{
    const Onnx__NodeProto *np = c->gp->node[ni];
    node_ctx n = {c, np, c->node_names[ni], -1};
    if (np->n_output != 1 || np->n_input != 0 || np->n_attribute != 1)
        return node_fail(&n, ODPU_E_FORMAT, "needs no inputs, one output and one attribute");
    const char *out = np->output[0];
    if (odpu_graph_find_tensor(c->g, out) >= 0)
        return node_fail(&n, ODPU_E_FORMAT, "output '%s' is already defined", out);
    const Onnx__AttributeProto *a = np->attribute[0];
    const char *an = a->name ? a->name : "";
    int idx = -1;
    odpu_status st = ODPU_OK;
    if (strcmp(an, "value") == 0 && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR && a->t) {
        st = add_constant(c, a->t, out, &idx);
    } else if ((strcmp(an, "value_float") == 0 && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT) ||
               (strcmp(an, "value_int") == 0 && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)) {
        if (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT && (a->i > FLOAT_EXACT_INT || a->i < -FLOAT_EXACT_INT))
            return node_fail(&n, ODPU_E_FORMAT, "value %" PRId64 " is not exact in float32", a->i);
        float v = a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT ? a->f : (float)a->i;
        idx = odpu_graph_add_tensor(c->g, out, 0, NULL, &v, c->err);
    } else if ((strcmp(an, "value_floats") == 0 && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS) ||
               (strcmp(an, "value_ints") == 0 && a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS)) {
        int is_f = a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
        int64_t len = is_f ? (int64_t)a->n_floats : (int64_t)a->n_ints;
        float *v = malloc(len ? (size_t)len * sizeof(float) : 1);
        if (!v)
            return node_fail(&n, ODPU_E_NOMEM, "out of memory");
        for (int64_t i = 0; i < len && !st; i++) {
            if (!is_f && (a->ints[i] > FLOAT_EXACT_INT || a->ints[i] < -FLOAT_EXACT_INT))
                st = node_fail(&n, ODPU_E_FORMAT, "value %" PRId64 " is not exact in float32", a->ints[i]);
            v[i] = is_f ? a->floats[i] : (float)a->ints[i];
        }
        if (!st)
            idx = odpu_graph_add_tensor(c->g, out, 1, &len, v, c->err);
        free(v);
    } else {
        return node_fail(&n, ODPU_E_FORMAT, "unsupported attribute '%s' (value, value_float(s), value_int(s))", an);
    }
    if (!st && idx < 0)
        st = odpu_err_prefix(c->err, "%s: node '%s' (Constant): ", c->path, n.name);
    return st;
}

/* Every output of every (non-Constant) node becomes a tensor; outputs beyond what we produce
 * (Dropout's mask, MaxPool's Indices, BatchNorm's running statistics) must be unused. */
static odpu_status declare_outputs(import_ctx *c)
{
    for (size_t ni = 0; ni < c->gp->n_node; ni++) {
        const Onnx__NodeProto *np = c->gp->node[ni];
        node_ctx n = {c, np, c->node_names[ni], -1};
        if (!is_default_domain(np->domain))
            return node_fail(&n, ODPU_E_FORMAT, "operator domain '%s' is not supported", np->domain);
        if (np->op_type && strcmp(np->op_type, "Constant") == 0)
            continue;
        const op_spec *spec = find_spec(np->op_type);
        if (!spec)
            return node_fail(&n, ODPU_E_FORMAT, "unsupported operator");
        if (np->n_output < 1 || !np->output[0][0])
            return node_fail(&n, ODPU_E_FORMAT, "has no output");
        for (size_t k = 0; k < np->n_output; k++) {
            const char *out = np->output[k];
            if (!out[0])
                continue;
            if ((int)k >= spec->n_out) {
                if (name_is_used(c->gp, out))
                    return node_fail(&n, ODPU_E_FORMAT, "output %zu ('%s') is not supported", k, out);
                continue;
            }
            if (odpu_graph_find_tensor(c->g, out) >= 0)
                return node_fail(&n, ODPU_E_FORMAT, "output '%s' is already defined", out);
            if (odpu_graph_add_tensor(c->g, out, 0, NULL, NULL, c->err) < 0)
                return odpu_err_prefix(c->err, "%s: ", c->path);
        }
    }
    return ODPU_OK;
}

/* Kahn's algorithm, taking the lowest ready index first so a sorted file keeps its order. */
static odpu_status topo_sort(import_ctx *c)
{
    const Onnx__GraphProto *gp = c->gp;
    size_t nn = gp->n_node;
    int *producer = malloc((c->g->n_tensors ? (size_t)c->g->n_tensors : 1) * sizeof(int));
    int *indeg = calloc(nn ? nn : 1, sizeof(int));
    char *done = calloc(nn ? nn : 1, 1);
    c->order = malloc((nn ? nn : 1) * sizeof(int));
    odpu_status st = ODPU_OK;
    if (!producer || !indeg || !done || !c->order) {
        st = odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
        goto out;
    }
    for (int t = 0; t < c->g->n_tensors; t++)
        producer[t] = -1;
    size_t n_real = 0;
    for (size_t ni = 0; ni < nn; ni++) {
        const Onnx__NodeProto *np = gp->node[ni];
        if (strcmp(np->op_type, "Constant") == 0) {
            done[ni] = 1;
            continue;
        }
        n_real++;
        for (size_t k = 0; k < np->n_output; k++) {
            int t = np->output[k][0] ? odpu_graph_find_tensor(c->g, np->output[k]) : -1;
            if (t >= 0)
                producer[t] = (int)ni;
        }
    }
    for (size_t ni = 0; ni < nn; ni++) {
        const Onnx__NodeProto *np = gp->node[ni];
        if (done[ni])
            continue;
        for (size_t k = 0; k < np->n_input; k++) {
            if (!np->input[k][0])
                continue;
            int t = odpu_graph_find_tensor(c->g, np->input[k]);
            if (t < 0) {
                node_ctx n = {c, np, c->node_names[ni], -1};
                st = node_fail(&n, ODPU_E_FORMAT, "input '%s' is not produced by any node, initializer or graph input",
                               np->input[k]);
                goto out;
            }
            if (producer[t] >= 0)
                indeg[ni]++;
        }
    }
    while ((size_t)c->n_order < n_real) {
        size_t pick = nn;
        for (size_t ni = 0; ni < nn && pick == nn; ni++)
            if (!done[ni] && indeg[ni] == 0)
                pick = ni;
        if (pick == nn) {
            for (size_t ni = 0; ni < nn; ni++)
                if (!done[ni]) {
                    node_ctx n = {c, gp->node[ni], c->node_names[ni], -1};
                    st = node_fail(&n, ODPU_E_FORMAT, "is part of a cycle");
                    goto out;
                }
        }
        done[pick] = 1;
        c->order[c->n_order++] = (int)pick;
        const Onnx__NodeProto *np = gp->node[pick];
        for (size_t k = 0; k < np->n_output; k++) {
            int t = np->output[k][0] ? odpu_graph_find_tensor(c->g, np->output[k]) : -1;
            if (t < 0 || producer[t] != (int)pick)
                continue;
            for (size_t mi = 0; mi < nn; mi++) {
                if (done[mi])
                    continue;
                for (size_t j = 0; j < gp->node[mi]->n_input; j++)
                    if (strcmp(gp->node[mi]->input[j], np->output[k]) == 0)
                        indeg[mi]--;
            }
        }
    }
out:
    free(producer);
    free(indeg);
    free(done);
    return st;
}

static odpu_status add_node(import_ctx *c, int ni)
{
    const Onnx__NodeProto *np = c->gp->node[ni];
    const op_spec *spec = find_spec(np->op_type);
    node_ctx n = {c, np, c->node_names[ni], -1};
    if ((int)np->n_input < spec->min_in || (spec->max_in >= 0 && (int)np->n_input > spec->max_in)) {
        if (spec->max_in < 0)
            return node_fail(&n, ODPU_E_FORMAT, "has %zu inputs, needs at least %d", np->n_input, spec->min_in);
        return node_fail(&n, ODPU_E_FORMAT, "has %zu inputs, needs %d to %d", np->n_input, spec->min_in,
                         spec->max_in);
    }
    odpu_status st = check_attr_names(&n, spec->attrs);
    if (st)
        return st;
    int *ins = malloc((np->n_input ? np->n_input : 1) * sizeof(int));
    int outs[1];
    if (!ins)
        return node_fail(&n, ODPU_E_NOMEM, "out of memory");
    for (size_t k = 0; k < np->n_input; k++)
        ins[k] = np->input[k][0] ? odpu_graph_find_tensor(c->g, np->input[k]) : -1;
    outs[0] = odpu_graph_find_tensor(c->g, np->output[0]);
    n.idx = odpu_graph_add_node(c->g, spec->op, n.name, ins, (int)np->n_input, outs, spec->n_out, c->err);
    free(ins);
    if (n.idx < 0)
        return odpu_err_prefix(c->err, "%s: node '%s' (%s): ", c->path, n.name, np->op_type);
    return spec->fn(&n);
}

static odpu_status add_outputs(import_ctx *c)
{
    const Onnx__GraphProto *gp = c->gp;
    if (gp->n_output == 0)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: the graph has no output", c->path);
    c->g->outputs = malloc(gp->n_output * sizeof(int));
    if (!c->g->outputs)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    for (size_t i = 0; i < gp->n_output; i++) {
        const char *name = gp->output[i]->name ? gp->output[i]->name : "";
        int t = odpu_graph_find_tensor(c->g, name);
        if (t < 0)
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: graph output '%s' is not produced by any node", c->path, name);
        if (c->g->tensors[t].data)
            return odpu_fail(c->err, ODPU_E_FORMAT, "%s: graph output '%s' is a constant", c->path, name);
        c->g->outputs[c->g->n_outputs++] = t;
    }
    return ODPU_OK;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 1;
    if (slash == path)
        len = 1; /* "/model.onnx" -> "/" */
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, slash ? path : ".", len);
    d[len] = '\0';
    return d;
}

static odpu_status import_model(import_ctx *c, const Onnx__ModelProto *m)
{
    odpu_status st = find_opset(c, m);
    if (st)
        return st;
    if (!m->graph)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: the model has no graph", c->path);
    c->gp = m->graph;
    if (c->gp->n_sparse_initializer)
        return odpu_fail(c->err, ODPU_E_FORMAT, "%s: sparse initializers not supported", c->path);
    c->g->producer = strdup(m->producer_name ? m->producer_name : "");
    c->g->source = strdup(c->path);
    if (!c->g->producer || !c->g->source)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->path);
    if ((st = set_names(c)) || (st = add_initializers(c)) || (st = add_inputs(c)))
        return st;
    for (size_t ni = 0; ni < c->gp->n_node; ni++)
        if (c->gp->node[ni]->op_type && strcmp(c->gp->node[ni]->op_type, "Constant") == 0 &&
            is_default_domain(c->gp->node[ni]->domain) && (st = constant_node(c, ni)))
            return st;
    if ((st = declare_outputs(c)) || (st = topo_sort(c)))
        return st;
    for (int i = 0; i < c->n_order; i++)
        if ((st = add_node(c, c->order[i])))
            return st;
    if ((st = add_outputs(c)))
        return st;
    st = odpu_graph_infer_shapes(c->g, c->err);
    if (st)
        odpu_err_prefix(c->err, "%s: ", c->path);
    return st;
}

odpu_status odpu_onnx_import(const char *path, odpu_graph *g, odpu_err *err)
{
    odpu_graph_init(g);
    uint8_t *buf = NULL;
    size_t len = 0;
    odpu_status st = odpu_read_file(path, MODEL_MAX_BYTES, &buf, &len, err);
    if (st)
        return st;
    Onnx__ModelProto *m = onnx__model_proto__unpack(NULL, len, buf);
    free(buf);
    if (!m)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: not a valid ONNX model (protobuf decoding failed: truncated "
                         "or corrupt)", path);
    import_ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.g = g;
    c.err = err;
    c.dir = dir_of(path);
    st = c.dir ? import_model(&c, m) : odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    free(c.dir);
    free(c.order);
    free(c.node_names);
    free(c.names_buf);
    onnx__model_proto__free_unpacked(m, NULL);
    if (st)
        odpu_graph_free(g);
    return st;
}
