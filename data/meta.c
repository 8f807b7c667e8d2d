/* meta.c - model.yaml of a zoo entry (libyaml document API) and the META text of a compiled
 * model (see meta.h). Errors name the file, the line and the key. */
#include "data/meta.h"

#include <errno.h>
#include <limits.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/file.h"

enum {
    META_FILE_MAX = 1 << 20,   /* a model.yaml is a few hundred bytes; more is not one */
    KEY_PATH_MAX = 64,         /* "accuracy.fx_int8_top1" and friends */
    CHANNELS_MAX = 4,          /* odpu_preprocess holds 4 means and stds */
    SIDE_MAX = 16384,          /* same bound as the preprocessing */
    LABELS_MAX = 100000,       /* more classes than any classifier we know of */
    LINE_MAX_LEN = 4096,       /* one META line */
    QUOTE_MAX = 40,            /* how much of a bad value a message quotes */
    NUM_TEXT_MAX = 32,         /* "%.9g" of a float fits easily */
};

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup_s(const char *s) { return dup_n(s, strlen(s)); }

/* A printable copy of untrusted text for messages. */
static void quote(const char *s, char out[QUOTE_MAX + 4])
{
    size_t n = strlen(s), k = n < QUOTE_MAX ? n : QUOTE_MAX;
    for (size_t i = 0; i < k; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (k < n)
        memcpy(out + k, "...", 4);
    else
        out[k] = '\0';
}

/* Text that goes into META lines and tables: no control characters (a newline would end
 * the line, and a terminal should not be steered by a label). */
static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

/* Parse a number: the whole text, finite. */
static int parse_double(const char *s, double *out)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static int parse_long(const char *s, long long lo, long long hi, long long *out)
{
    if (!*s || strspn(s, "-0123456789") != strlen(s))
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

/* ---- YAML -------------------------------------------------------------------------------- */

typedef struct mctx {
    const char *src;
    const char *dir;
    yaml_document_t doc;
    odpu_err *err;
} mctx;

static size_t line_of(const yaml_node_t *n) { return n->start_mark.line + 1; }

static odpu_status bad(mctx *c, const yaml_node_t *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static odpu_status bad(mctx *c, const yaml_node_t *at, const char *key, const char *fmt, ...)
{
    char msg[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: %s", c->src, line_of(at), key, msg);
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

/* Every key of a mapping must be one of `allowed` and appear once. */
static odpu_status check_keys(mctx *c, const yaml_node_t *map, const char *prefix, const char *const *allowed)
{
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
        if (k->type != YAML_SCALAR_NODE)
            return bad(c, k, prefix[0] ? prefix : "(top level)", "a key must be a name, not %s", kind_name(k));
        const char *name = (const char *)k->data.scalar.value;
        int known = 0;
        for (const char *const *a = allowed; *a && !known; a++)
            known = !strcmp(*a, name);
        char q[QUOTE_MAX + 4], path[KEY_PATH_MAX];
        quote(name, q);
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", q);
        if (!known)
            return bad(c, k, path, "unknown key");
        for (const yaml_node_pair_t *o = map->data.mapping.pairs.start; o < p; o++) {
            const yaml_node_t *ok = yaml_document_get_node(&c->doc, o->key);
            if (ok->type == YAML_SCALAR_NODE && !strcmp((const char *)ok->data.scalar.value, name)) {
                return bad(c, k, path, "duplicate key (first on line %zu)", line_of(ok));
            }
        }
    }
    return ODPU_OK;
}

/* The value of `key` in a mapping, or NULL. */
static yaml_node_t *lookup(mctx *c, const yaml_node_t *map, const char *key)
{
    for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(&c->doc, p->value);
    }
    return NULL;
}

/* A required value of the given type; a missing key is reported at its mapping's line. */
static odpu_status need(mctx *c, const yaml_node_t *map, const char *key, const char *path,
                        yaml_node_type_t type, yaml_node_t **out)
{
    *out = lookup(c, map, key);
    if (!*out)
        return bad(c, map, path, "missing");
    if ((*out)->type != type)
        return bad(c, *out, path, "expected %s, got %s",
                   type == YAML_SCALAR_NODE ? "a value" : type == YAML_SEQUENCE_NODE ? "a list" : "a mapping",
                   kind_name(*out));
    return ODPU_OK;
}

static const char *text_of(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static odpu_status get_string(mctx *c, const yaml_node_t *map, const char *key, const char *path,
                              char **out)
{
    yaml_node_t *n;
    odpu_status st = need(c, map, key, path, YAML_SCALAR_NODE, &n);
    if (st != ODPU_OK)
        return st;
    if (!*text_of(n) || !printable(text_of(n)))
        return bad(c, n, path, "%s", !*text_of(n) ? "empty" : "contains control characters");
    if (!(*out = dup_s(text_of(n))))
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->src);
    return ODPU_OK;
}

static odpu_status get_int(mctx *c, const yaml_node_t *map, const char *key, const char *path, long long lo,
                           long long hi, long long *out)
{
    yaml_node_t *n;
    odpu_status st = need(c, map, key, path, YAML_SCALAR_NODE, &n);
    if (st != ODPU_OK)
        return st;
    if (!parse_long(text_of(n), lo, hi, out)) {
        char q[QUOTE_MAX + 4];
        quote(text_of(n), q);
        return bad(c, n, path, "'%s' is not an integer in [%lld, %lld]", q, lo, hi);
    }
    return ODPU_OK;
}

static odpu_status number_of(mctx *c, const yaml_node_t *n, const char *path, double *out)
{
    if (n->type != YAML_SCALAR_NODE || !parse_double(text_of(n), out)) {
        char q[QUOTE_MAX + 4];
        quote(n->type == YAML_SCALAR_NODE ? text_of(n) : kind_name(n), q);
        return bad(c, n, path, "'%s' is not a number", q);
    }
    return ODPU_OK;
}

/* A percentage that may be null (~, null or empty): *has says which. */
static odpu_status get_optional_percent(mctx *c, const yaml_node_t *map, const char *key, const char *path,
                                        int *has, double *out)
{
    const yaml_node_t *n = lookup(c, map, key);
    *has = 0;
    if (!n)
        return ODPU_OK;
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (!*text_of(n) || !strcmp(text_of(n), "~") || !strcmp(text_of(n), "null")))
        return ODPU_OK;
    odpu_status st = number_of(c, n, path, out);
    if (st == ODPU_OK && (*out < 0 || *out > 100))
        return bad(c, n, path, "%s is not a percentage in [0, 100]", text_of(n));
    *has = st == ODPU_OK;
    return st;
}

/* ---- Sections -------------------------------------------------------------------------- */

static odpu_status parse_input(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    static const char *const keys[] = {"channels", "height", "width", NULL};
    yaml_node_t *in;
    odpu_status st = need(c, root, "input", "input", YAML_MAPPING_NODE, &in);
    if (st == ODPU_OK)
        st = check_keys(c, in, "input", keys);
    long long ch = 0, h = 0, w = 0;
    if (st == ODPU_OK)
        st = get_int(c, in, "channels", "input.channels", 1, CHANNELS_MAX, &ch);
    if (st == ODPU_OK)
        st = get_int(c, in, "height", "input.height", 1, SIDE_MAX, &h);
    if (st == ODPU_OK)
        st = get_int(c, in, "width", "input.width", 1, SIDE_MAX, &w);
    m->in_c = (int)ch;
    m->in_h = (int)h;
    m->in_w = (int)w;
    return st;
}

/* mean / std: one number per input channel, or one for all. */
static odpu_status get_channel_values(mctx *c, const yaml_node_t *map, const char *key, const char *path,
                                      int channels, int positive, float *out)
{
    yaml_node_t *seq;
    odpu_status st = need(c, map, key, path, YAML_SEQUENCE_NODE, &seq);
    if (st != ODPU_OK)
        return st;
    int n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n != 1 && n != channels)
        return bad(c, seq, path, "has %d values, expected 1 or %d (input.channels)", n, channels);
    for (int k = 0; k < channels; k++) {
        const yaml_node_t *item = yaml_document_get_node(&c->doc, seq->data.sequence.items.start[n == 1 ? 0 : k]);
        double v;
        if ((st = number_of(c, item, path, &v)) != ODPU_OK)
            return st;
        if (positive && !(v > 0))
            return bad(c, item, path, "%s must be greater than 0", text_of(item));
        if (fabs(v) > FLT_MAX)
            return bad(c, item, path, "%s is out of float range", text_of(item));
        out[k] = (float)v;
    }
    return ODPU_OK;
}

static odpu_status parse_preprocess(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    static const char *const keys[] = {"resize", "scale", "mean", "std", NULL};
    yaml_node_t *pre, *resize, *scale;
    odpu_status st = need(c, root, "preprocess", "preprocess", YAML_MAPPING_NODE, &pre);
    if (st == ODPU_OK)
        st = check_keys(c, pre, "preprocess", keys);
    if (st == ODPU_OK)
        st = need(c, pre, "resize", "preprocess.resize", YAML_SCALAR_NODE, &resize);
    if (st != ODPU_OK)
        return st;
    odpu_preprocess *p = &m->pre;
    if (!strcmp(text_of(resize), "bilinear"))
        p->resize = 1;
    else if (strcmp(text_of(resize), "none"))
        return bad(c, resize, "preprocess.resize", "'%s' is not none or bilinear", text_of(resize));
    if ((st = need(c, pre, "scale", "preprocess.scale", YAML_SCALAR_NODE, &scale)) != ODPU_OK)
        return st;
    double s;
    if ((st = number_of(c, scale, "preprocess.scale", &s)) != ODPU_OK)
        return st;
    if (!(s > 0) || s > FLT_MAX)
        return bad(c, scale, "preprocess.scale", "%s is not a positive float", text_of(scale));
    p->scale = (float)s;
    p->out_c = m->in_c;
    p->out_h = m->in_h;
    p->out_w = m->in_w;
    st = get_channel_values(c, pre, "mean", "preprocess.mean", m->in_c, 0, p->mean);
    if (st == ODPU_OK)
        st = get_channel_values(c, pre, "std", "preprocess.std", m->in_c, 1, p->std);
    return st;
}

static odpu_status set_labels(odpu_model_meta *m, int n, odpu_err *err, const char *src)
{
    m->labels = calloc((size_t)n, sizeof *m->labels);
    if (!m->labels)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory for %d labels", src, n);
    m->n_labels = n;
    return ODPU_OK;
}

static odpu_status parse_labels(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    yaml_node_t *seq;
    odpu_status st = need(c, root, "labels", "labels", YAML_SEQUENCE_NODE, &seq);
    if (st != ODPU_OK)
        return st;
    long n = (long)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n < 1 || n > LABELS_MAX)
        return bad(c, seq, "labels", "%ld labels, expected 1 to %d", n, LABELS_MAX);
    if ((st = set_labels(m, (int)n, c->err, c->src)) != ODPU_OK)
        return st;
    for (long i = 0; i < n; i++) {
        const yaml_node_t *item = yaml_document_get_node(&c->doc, seq->data.sequence.items.start[i]);
        if (item->type != YAML_SCALAR_NODE || !*text_of(item) || !printable(text_of(item)))
            return bad(c, item, "labels", "%s", item->type != YAML_SCALAR_NODE ? "each label must be a name"
                                                : "a label is empty or contains control characters");
        if (!(m->labels[i] = dup_s(text_of(item))))
            return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->src);
    }
    return ODPU_OK;
}

/* A file named relative to the YAML's folder. */
static odpu_status resolve(mctx *c, const char *name, char **out)
{
    if (name[0] == '/' || !c->dir || !c->dir[0]) {
        *out = dup_s(name);
    } else {
        size_t n = strlen(c->dir) + strlen(name) + 2;
        *out = malloc(n);
        if (*out)
            snprintf(*out, n, "%s/%s", c->dir, name);
    }
    return *out ? ODPU_OK : odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory", c->src);
}

static odpu_status get_path(mctx *c, const yaml_node_t *map, const char *key, const char *path, char **out)
{
    char *name = NULL;
    odpu_status st = get_string(c, map, key, path, &name);
    if (st == ODPU_OK)
        st = resolve(c, name, out);
    free(name);
    return st;
}

static odpu_status parse_reference(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    static const char *const keys[] = {"inputs", "outputs", "count", NULL};
    if (!lookup(c, root, "reference"))
        return ODPU_OK;
    yaml_node_t *ref;
    long long count = 0;
    odpu_status st = need(c, root, "reference", "reference", YAML_MAPPING_NODE, &ref);
    if (st == ODPU_OK)
        st = check_keys(c, ref, "reference", keys);
    if (st == ODPU_OK)
        st = get_path(c, ref, "inputs", "reference.inputs", &m->ref_inputs);
    if (st == ODPU_OK)
        st = get_path(c, ref, "outputs", "reference.outputs", &m->ref_outputs);
    if (st == ODPU_OK)
        st = get_int(c, ref, "count", "reference.count", 1, INT_MAX, &count);
    m->ref_count = (int)count;
    return st;
}

static odpu_status parse_accuracy(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    static const char *const keys[] = {"fp32_top1", "fx_int8_top1", "test_images", "calib_images", NULL};
    if (!lookup(c, root, "accuracy"))
        return ODPU_OK;
    yaml_node_t *acc;
    odpu_status st = need(c, root, "accuracy", "accuracy", YAML_MAPPING_NODE, &acc);
    if (st == ODPU_OK)
        st = check_keys(c, acc, "accuracy", keys);
    if (st == ODPU_OK)
        st = get_optional_percent(c, acc, "fp32_top1", "accuracy.fp32_top1", &m->has_fp32_top1, &m->fp32_top1);
    if (st == ODPU_OK)
        st = get_optional_percent(c, acc, "fx_int8_top1", "accuracy.fx_int8_top1", &m->has_fx_int8_top1,
                                  &m->fx_int8_top1);
    long long v = 0;
    if (st == ODPU_OK && lookup(c, acc, "test_images")) {
        st = get_int(c, acc, "test_images", "accuracy.test_images", 1, INT_MAX, &v);
        m->test_images = (int)v;
    }
    if (st == ODPU_OK && lookup(c, acc, "calib_images")) {
        st = get_int(c, acc, "calib_images", "accuracy.calib_images", 1, INT_MAX, &v);
        m->calib_images = (int)v;
    }
    return st;
}

static odpu_status parse_root(mctx *c, const yaml_node_t *root, odpu_model_meta *m)
{
    static const char *const keys[] = {"name", "onnx", "dataset", "input", "preprocess", "labels",
                                       "reference", "accuracy", "training", "params", "macs", NULL};
    odpu_status st = check_keys(c, root, "", keys);
    if (st == ODPU_OK)
        st = get_string(c, root, "name", "name", &m->name);
    if (st == ODPU_OK)
        st = get_path(c, root, "onnx", "onnx", &m->onnx_path);
    if (st == ODPU_OK && lookup(c, root, "dataset"))
        st = get_string(c, root, "dataset", "dataset", &m->dataset);
    if (st == ODPU_OK)
        st = parse_input(c, root, m);
    if (st == ODPU_OK)
        st = parse_preprocess(c, root, m);
    if (st == ODPU_OK)
        st = parse_labels(c, root, m);
    if (st == ODPU_OK)
        st = parse_reference(c, root, m);
    if (st == ODPU_OK)
        st = parse_accuracy(c, root, m);
    if (st == ODPU_OK && lookup(c, root, "params"))
        st = get_int(c, root, "params", "params", 0, LLONG_MAX, &m->params);
    if (st == ODPU_OK && lookup(c, root, "macs"))
        st = get_int(c, root, "macs", "macs", 0, LLONG_MAX, &m->macs);
    return st;
}

static odpu_status syntax_error(mctx *c, const yaml_parser_t *p)
{
    if (p->error == YAML_MEMORY_ERROR)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory while parsing", c->src);
    return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML syntax error: %s", c->src, p->problem_mark.line + 1,
                     p->problem ? p->problem : "unknown error");
}

/* Load the first document and make sure no second one follows. */
static odpu_status load_document(mctx *c, yaml_parser_t *p, int *loaded)
{
    *loaded = 0;
    if (!yaml_parser_load(p, &c->doc))
        return syntax_error(c, p);
    *loaded = 1;
    const yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    if (!root || root->type != YAML_MAPPING_NODE)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: expected a mapping of model keys (name, onnx, ...)",
                         c->src, root ? line_of(root) : (size_t)1);
    yaml_document_t next;
    if (!yaml_parser_load(p, &next))
        return syntax_error(c, p);
    const yaml_node_t *extra = yaml_document_get_root_node(&next);
    size_t extra_line = extra ? line_of(extra) : 0;
    yaml_document_delete(&next);
    if (extra)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: a second YAML document; a model.yaml has one",
                         c->src, extra_line);
    return ODPU_OK;
}

odpu_status odpu_meta_parse(const char *text, size_t len, const char *source_name, const char *dir,
                            odpu_model_meta *m, odpu_err *err)
{
    memset(m, 0, sizeof *m);
    mctx c = {.src = source_name, .dir = dir, .err = err};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", source_name);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int loaded = 0;
    odpu_status st = load_document(&c, &p, &loaded);
    if (st == ODPU_OK)
        st = parse_root(&c, yaml_document_get_root_node(&c.doc), m);
    if (loaded)
        yaml_document_delete(&c.doc);
    yaml_parser_delete(&p);
    if (st != ODPU_OK)
        odpu_meta_free(m);
    return st;
}

odpu_status odpu_meta_load(const char *yaml_path, odpu_model_meta *m, odpu_err *err)
{
    memset(m, 0, sizeof *m);
    uint8_t *data;
    size_t len;
    odpu_status st = odpu_read_file(yaml_path, META_FILE_MAX, &data, &len, err);
    if (st != ODPU_OK)
        return st;
    const char *slash = strrchr(yaml_path, '/');
    char *dir = slash ? dup_n(yaml_path, (size_t)(slash - yaml_path)) : dup_s(".");
    if (!dir) {
        free(data);
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", yaml_path);
    }
    if (slash == yaml_path) /* a file in / */
        dir[0] = '\0';
    st = odpu_meta_parse((const char *)data, len, yaml_path, slash == yaml_path ? "/" : dir, m, err);
    free(dir);
    free(data);
    return st;
}

void odpu_meta_free(odpu_model_meta *m)
{
    if (!m)
        return;
    free(m->name);
    free(m->onnx_path);
    free(m->dataset);
    if (m->labels)
        for (int i = 0; i < m->n_labels; i++)
            free(m->labels[i]);
    free(m->labels);
    free(m->ref_inputs);
    free(m->ref_outputs);
    memset(m, 0, sizeof *m);
}

/* ---- META text ---------------------------------------------------------------------------- */

typedef struct text_buf {
    char *s;
    size_t len, cap;
    int failed;
} text_buf;

static void put(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
}

static void put_floats(text_buf *b, const char *key, const float *v, int n)
{
    put(b, "%s=", key);
    for (int k = 0; k < n; k++)
        put(b, "%s%.9g", k ? "," : "", (double)v[k]);
    put(b, "\n");
}

odpu_status odpu_meta_to_text(const odpu_model_meta *m, char **text, odpu_err *err)
{
    *text = NULL;
    if (m->in_c < 1 || m->in_c > CHANNELS_MAX || m->n_labels < 1)
        return odpu_fail(err, ODPU_E_ARG, "model metadata: %d input channels and %d labels cannot be stored",
                         m->in_c, m->n_labels);
    const char *strings[] = {m->name, m->dataset};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strings[i] && (!printable(strings[i]) || strchr(strings[i], '\n')))
            return odpu_fail(err, ODPU_E_ARG, "model metadata: a value contains control characters");
    for (int i = 0; i < m->n_labels; i++)
        if (!m->labels[i] || !m->labels[i][0] || !printable(m->labels[i]))
            return odpu_fail(err, ODPU_E_ARG, "model metadata: label %d is empty or has control characters", i);
    text_buf b = {0};
    if (m->name)
        put(&b, "name=%s\n", m->name);
    if (m->dataset)
        put(&b, "dataset=%s\n", m->dataset);
    put(&b, "input.channels=%d\ninput.height=%d\ninput.width=%d\n", m->in_c, m->in_h, m->in_w);
    put(&b, "preprocess.resize=%s\n", m->pre.resize ? "bilinear" : "none");
    put(&b, "preprocess.scale=%.9g\n", (double)m->pre.scale);
    put_floats(&b, "preprocess.mean", m->pre.mean, m->in_c);
    put_floats(&b, "preprocess.std", m->pre.std, m->in_c);
    put(&b, "labels=%d\n", m->n_labels);
    for (int i = 0; i < m->n_labels; i++)
        put(&b, "label.%d=%s\n", i, m->labels[i]);
    if (b.failed) {
        free(b.s);
        return odpu_fail(err, ODPU_E_NOMEM, "model metadata: out of memory");
    }
    *text = b.s;
    return ODPU_OK;
}

/* Keys read from META text; every one except name and dataset is required. */
typedef enum text_key {
    T_NAME, T_DATASET, T_CHANNELS, T_HEIGHT, T_WIDTH, T_RESIZE, T_SCALE, T_MEAN, T_STD, T_LABELS, T_COUNT
} text_key;

static const char *const text_keys[T_COUNT] = {
    "name", "dataset", "input.channels", "input.height", "input.width", "preprocess.resize",
    "preprocess.scale", "preprocess.mean", "preprocess.std", "labels",
};

typedef struct text_ctx {
    const char *src;
    odpu_err *err;
    int line;
    int seen[T_COUNT];
} text_ctx;

static odpu_status text_bad(text_ctx *t, const char *key, const char *what)
{
    return odpu_fail(t->err, ODPU_E_FORMAT, "%s: META line %d: %s: %s", t->src, t->line, key, what);
}

static odpu_status text_floats(text_ctx *t, const char *key, const char *v, int channels, int positive,
                               float *out)
{
    for (int k = 0; k < channels; k++) {
        char num[NUM_TEXT_MAX + 1];
        size_t n = strcspn(v, ",");
        double d;
        if (n > NUM_TEXT_MAX)
            return text_bad(t, key, "value too long");
        memcpy(num, v, n);
        num[n] = '\0';
        if (!parse_double(num, &d) || (positive && !(d > 0)) || fabs(d) > FLT_MAX)
            return text_bad(t, key, positive ? "expected positive numbers" : "expected numbers");
        out[k] = (float)d;
        v += n;
        if (k + 1 < channels && *v++ != ',')
            return text_bad(t, key, "fewer values than input channels");
    }
    return *v ? text_bad(t, key, "more values than input channels") : ODPU_OK;
}

static odpu_status text_int(text_ctx *t, const char *key, const char *v, long long lo, long long hi, int *out)
{
    long long x;
    if (!parse_long(v, lo, hi, &x))
        return text_bad(t, key, "not an integer in range");
    *out = (int)x;
    return ODPU_OK;
}

static odpu_status text_label(text_ctx *t, const char *key, const char *v, odpu_model_meta *m)
{
    long long idx;
    if (!t->seen[T_LABELS])
        return text_bad(t, key, "comes before labels=N");
    if (!parse_long(key + strlen("label."), 0, m->n_labels - 1, &idx))
        return text_bad(t, key, "label index out of range");
    if (m->labels[idx])
        return text_bad(t, key, "duplicate label");
    if (!*v)
        return text_bad(t, key, "empty label");
    if (!(m->labels[idx] = dup_s(v)))
        return odpu_fail(t->err, ODPU_E_NOMEM, "%s: out of memory", t->src);
    return ODPU_OK;
}

/* Values that depend on input.channels are read after it: the order is the one
 * odpu_meta_to_text writes. */
static odpu_status text_value(text_ctx *t, text_key k, const char *v, odpu_model_meta *m)
{
    const char *key = text_keys[k];
    switch (k) {
    case T_NAME: return (m->name = dup_s(v)) ? ODPU_OK : odpu_fail(t->err, ODPU_E_NOMEM, "out of memory");
    case T_DATASET: return (m->dataset = dup_s(v)) ? ODPU_OK : odpu_fail(t->err, ODPU_E_NOMEM, "out of memory");
    case T_CHANNELS: return text_int(t, key, v, 1, CHANNELS_MAX, &m->in_c);
    case T_HEIGHT: return text_int(t, key, v, 1, SIDE_MAX, &m->in_h);
    case T_WIDTH: return text_int(t, key, v, 1, SIDE_MAX, &m->in_w);
    case T_RESIZE:
        if (strcmp(v, "none") && strcmp(v, "bilinear"))
            return text_bad(t, key, "expected none or bilinear");
        m->pre.resize = !strcmp(v, "bilinear");
        return ODPU_OK;
    case T_SCALE:
        return text_floats(t, key, v, 1, 1, &m->pre.scale);
    case T_MEAN:
    case T_STD:
        if (!t->seen[T_CHANNELS])
            return text_bad(t, key, "comes before input.channels");
        return text_floats(t, key, v, m->in_c, k == T_STD, k == T_STD ? m->pre.std : m->pre.mean);
    case T_LABELS: {
        int n = 0;
        odpu_status st = text_int(t, key, v, 1, LABELS_MAX, &n);
        return st == ODPU_OK ? set_labels(m, n, t->err, t->src) : st;
    }
    case T_COUNT: break;
    }
    return ODPU_OK;
}

static odpu_status text_line(text_ctx *t, char *line, odpu_model_meta *m)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return ODPU_OK; /* not a key=value line: not ours */
    *eq = '\0';
    const char *key = line, *v = eq + 1;
    if (!strncmp(key, "label.", strlen("label.")))
        return text_label(t, key, v, m);
    for (int k = 0; k < T_COUNT; k++) {
        if (strcmp(key, text_keys[k]))
            continue;
        if (t->seen[k])
            return text_bad(t, key, "duplicate key");
        t->seen[k] = 1;
        return text_value(t, (text_key)k, v, m);
    }
    return ODPU_OK; /* another producer's key */
}

static odpu_status text_complete(text_ctx *t, odpu_model_meta *m)
{
    for (int k = T_CHANNELS; k < T_COUNT; k++)
        if (!t->seen[k])
            return odpu_fail(t->err, ODPU_E_FORMAT, "%s: META has no %s= line (was the model compiled from a "
                             "model.yaml?)", t->src, text_keys[k]);
    for (int i = 0; i < m->n_labels; i++)
        if (!m->labels[i])
            return odpu_fail(t->err, ODPU_E_FORMAT, "%s: META has no label.%d= line (labels=%d)", t->src, i,
                             m->n_labels);
    m->pre.out_c = m->in_c;
    m->pre.out_h = m->in_h;
    m->pre.out_w = m->in_w;
    return ODPU_OK;
}

odpu_status odpu_meta_from_text(const char *text, const char *source_name, odpu_model_meta *m, odpu_err *err)
{
    memset(m, 0, sizeof *m);
    if (!text)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: the model has no META section (preprocessing and labels)",
                         source_name);
    text_ctx t = {.src = source_name, .err = err};
    odpu_status st = ODPU_OK;
    const char *p = text;
    char line[LINE_MAX_LEN];
    while (st == ODPU_OK && *p) {
        size_t n = strcspn(p, "\n");
        t.line++;
        if (n >= sizeof line) {
            st = odpu_fail(err, ODPU_E_FORMAT, "%s: META line %d: longer than %d bytes", source_name, t.line,
                           LINE_MAX_LEN - 1);
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        st = text_line(&t, line, m);
        p += n + (p[n] == '\n');
    }
    if (st == ODPU_OK)
        st = text_complete(&t, m);
    if (st != ODPU_OK)
        odpu_meta_free(m);
    return st;
}
