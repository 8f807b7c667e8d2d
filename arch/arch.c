/* arch.c - parse, validate and fingerprint an arch config (arch/NAME.yaml, docs/arch.md).
 * The YAML is read with libyaml's event API against a small schema table, so unknown and
 * duplicate keys, aliases and extra documents are caught where they occur, with a line. */
#include "arch/arch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/bytes.h"
#include "common/file.h"

/* ---- Limits ---------------------------------------------------------------------------
 * Widths of the ISA's on-chip address fields, taken from isa_fields.def so that a change
 * of the encoding moves the buffer-depth limits with it. */
#define X_FIELD_WIDTH(OP, field, word, lsb, width, sign, bias) FIELD_WIDTH_##OP##_##field = width,
enum { ODPU_LOAD_FIELDS(X_FIELD_WIDTH) ODPU_CONV_FIELDS(X_FIELD_WIDTH) };
#undef X_FIELD_WIDTH

_Static_assert(FIELD_WIDTH_CONV_ibuf_addr >= FIELD_WIDTH_LOAD_buf_addr &&
                   FIELD_WIDTH_CONV_obuf_addr >= FIELD_WIDTH_LOAD_buf_addr &&
                   FIELD_WIDTH_CONV_wbuf_addr >= FIELD_WIDTH_LOAD_buf_addr &&
                   FIELD_WIDTH_CONV_abuf_addr >= FIELD_WIDTH_LOAD_buf_addr,
               "LOAD.buf_addr is assumed to be the narrowest word address of a buffer");

enum {
    /* Every word of every buffer must be addressable by LOAD.buf_addr (and the CONV and
     * POOL/ELEW address fields, which are at least as wide). */
    BUF_DEPTH_MAX = 1 << FIELD_WIDTH_LOAD_buf_addr,
    /* CONV.pbuf_addr is narrower: it selects one word of per-channel parameters. */
    PBUF_DEPTH_MAX = 1 << FIELD_WIDTH_CONV_pbuf_addr,
    /* Array shape. Powers of two so channel tiles split with shifts and masks; the upper
     * bounds are far beyond any FPGA we target and keep every derived product
     * (word bytes x banks, KiB x 1024) well inside 32 bits. */
    ROWS_MAX = 256,
    COLS_MAX = 1024,
    /* 64 MiB per buffer: more than the on-chip memory of any Zynq UltraScale+ part. */
    BUF_KIB_MAX = 65536,
    BANKS_MAX = 64,
    /* AXI4 data widths an UltraScale+ interconnect offers between 32 and 512 bits. */
    AXI_BITS_MIN = 32,
    AXI_BITS_MAX = 512,
    /* DDR model sanity bounds: 1 KiB/cycle exceeds any DDR4 interface at fabric clocks;
     * 100000 cycles of latency (>300 us at 300 MHz) can only be a typo. */
    DDR_BYTES_MAX = 1024,
    DDR_LATENCY_MAX = 100000,
    /* No FPGA fabric clock reaches 2 GHz; 0 MHz would make every FPS division blow up. */
    CLOCK_MHZ_MAX = 2000,
    INSN_DEPTH_MAX = 1024,
    /* Dependency token counters are 8 bits wide. */
    DEP_DEPTH_MAX = 255,
    /* A config is a few hundred bytes; anything beyond this is not one. */
    ARCH_FILE_MAX = 1 << 20,
    /* Longest key path we print or build ("buffers.ibuf.banks" is 18). */
    PATH_MAX_LEN = 64,
    /* How much of an offending value or key is quoted in a message. */
    QUOTE_MAX = 40,
};

/* ---- Schema ---------------------------------------------------------------------------
 * One entry per mapping key, sections included, each naming its parent. Order matters for
 * "missing key" messages: a section comes before its children, so a missing section is
 * reported as such rather than as its first missing leaf. */
typedef enum key_kind { KIND_SECTION, KIND_NAME, KIND_UINT } key_kind;
typedef enum key_rule { RULE_RANGE, RULE_POW2 } key_rule;

typedef struct key_spec {
    int parent; /* key id, or -1 for the top level */
    const char *name;
    key_kind kind;
    key_rule rule;   /* KIND_UINT only: plain range or power of two in range */
    uint32_t lo, hi; /* KIND_UINT only: inclusive bounds */
} key_spec;

typedef enum key_id {
    K_NAME,
    K_ARRAY, K_ROWS, K_COLS, K_WEIGHT_LOAD,
    K_BUFFERS,
    K_IBUF, K_IBUF_KIB, K_IBUF_BANKS,
    K_OBUF, K_OBUF_KIB, K_OBUF_BANKS,
    K_WBUF, K_WBUF_KIB, K_WBUF_BANKS,
    K_PBUF, K_PBUF_KIB, K_PBUF_BANKS,
    K_ABUF, K_ABUF_KIB, K_ABUF_BANKS,
    K_AXI, K_AXI_DATA_BITS,
    K_DDR, K_DDR_BYTES, K_DDR_LATENCY,
    K_CLOCK_MHZ,
    K_QUEUES, K_INSN_DEPTH, K_DEP_DEPTH,
    K_COUNT
} key_id;

/* Buffer keys come in groups of three (section, kib, banks) in odpu_buf_id order. */
#define K_BUF(b) (K_IBUF + 3 * (int)(b))
#define K_BUF_KIB(b) (K_BUF(b) + 1)
#define K_BUF_BANKS(b) (K_BUF(b) + 2)
_Static_assert(K_BUF(ODPU_BUF_OBUF) == K_OBUF && K_BUF(ODPU_BUF_WBUF) == K_WBUF &&
                   K_BUF(ODPU_BUF_PBUF) == K_PBUF && K_BUF_BANKS(ODPU_BUF_ABUF) == K_ABUF_BANKS,
               "buffer keys must follow odpu_buf_id order");

#define SCHEMA_SECTION(parent, name) {parent, name, KIND_SECTION, RULE_RANGE, 0, 0}
#define SCHEMA_UINT(parent, name, rule, lo, hi) {parent, name, KIND_UINT, rule, lo, hi}
#define SCHEMA_BUFFER(id, name)                                        \
    [id] = SCHEMA_SECTION(K_BUFFERS, name),                            \
    [id + 1] = SCHEMA_UINT(id, "kib", RULE_RANGE, 1, BUF_KIB_MAX),     \
    [id + 2] = SCHEMA_UINT(id, "banks", RULE_POW2, 1, BANKS_MAX)

static const key_spec schema[K_COUNT] = {
    [K_NAME] = {-1, "name", KIND_NAME, RULE_RANGE, 0, 0},
    [K_ARRAY] = SCHEMA_SECTION(-1, "array"),
    [K_ROWS] = SCHEMA_UINT(K_ARRAY, "rows", RULE_POW2, 1, ROWS_MAX),
    [K_COLS] = SCHEMA_UINT(K_ARRAY, "cols", RULE_POW2, 1, COLS_MAX),
    [K_WEIGHT_LOAD] = SCHEMA_UINT(K_ARRAY, "weight_load_cycles", RULE_POW2, 1, COLS_MAX),
    [K_BUFFERS] = SCHEMA_SECTION(-1, "buffers"),
    SCHEMA_BUFFER(K_IBUF, "ibuf"),
    SCHEMA_BUFFER(K_OBUF, "obuf"),
    SCHEMA_BUFFER(K_WBUF, "wbuf"),
    SCHEMA_BUFFER(K_PBUF, "pbuf"),
    SCHEMA_BUFFER(K_ABUF, "abuf"),
    [K_AXI] = SCHEMA_SECTION(-1, "axi"),
    [K_AXI_DATA_BITS] = SCHEMA_UINT(K_AXI, "data_bits", RULE_POW2, AXI_BITS_MIN, AXI_BITS_MAX),
    [K_DDR] = SCHEMA_SECTION(-1, "ddr"),
    [K_DDR_BYTES] = SCHEMA_UINT(K_DDR, "bytes_per_cycle", RULE_RANGE, 1, DDR_BYTES_MAX),
    [K_DDR_LATENCY] = SCHEMA_UINT(K_DDR, "latency_cycles", RULE_RANGE, 0, DDR_LATENCY_MAX),
    [K_CLOCK_MHZ] = SCHEMA_UINT(-1, "clock_mhz", RULE_RANGE, 1, CLOCK_MHZ_MAX),
    [K_QUEUES] = SCHEMA_SECTION(-1, "queues"),
    [K_INSN_DEPTH] = SCHEMA_UINT(K_QUEUES, "insn_depth", RULE_RANGE, 1, INSN_DEPTH_MAX),
    [K_DEP_DEPTH] = SCHEMA_UINT(K_QUEUES, "dep_depth", RULE_RANGE, 1, DEP_DEPTH_MAX),
};
#undef SCHEMA_SECTION
#undef SCHEMA_UINT
#undef SCHEMA_BUFFER

/* Dotted path of a key, e.g. "buffers.ibuf.kib". */
static void key_path(int id, char *buf, size_t size)
{
    if (schema[id].parent < 0) {
        snprintf(buf, size, "%s", schema[id].name);
        return;
    }
    key_path(schema[id].parent, buf, size);
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, ".%s", schema[id].name);
}

/* ---- Parser state ---------------------------------------------------------------------- */

typedef struct key_value {
    int seen;
    size_t line; /* 1-based line of the key */
    uint32_t value;
} key_value;

typedef struct parse_ctx {
    yaml_parser_t yaml;
    const char *src;
    const unsigned char *text;
    size_t len;
    odpu_err *err;
    key_value vals[K_COUNT];
    char name[ODPU_ARCH_NAME_MAX];
} parse_ctx;

/* Copy at most QUOTE_MAX bytes of untrusted text for a message, with anything that is not
 * printable ASCII replaced, so garbage input cannot garble the terminal or the message. */
static void quote(const unsigned char *s, size_t len, char out[QUOTE_MAX + 4])
{
    size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    if (n < len) {
        memcpy(out + n, "...", 4);
        return;
    }
    out[n] = '\0';
}

static size_t event_line(const yaml_event_t *ev) { return ev->start_mark.line + 1; }

static const char *event_what(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return ev->data.scalar.length ? "a scalar" : "nothing";
    case YAML_SEQUENCE_START_EVENT: return "a sequence";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "no value";
    }
}

/* Line of a byte offset, for reader errors (bad encoding) where libyaml gives only that. */
static size_t offset_line(const parse_ctx *c, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset && i < c->len; i++)
        line += c->text[i] == '\n';
    return line;
}

static odpu_status syntax_error(parse_ctx *c)
{
    const yaml_parser_t *p = &c->yaml;
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR)
        return odpu_fail(c->err, ODPU_E_NOMEM, "%s: out of memory while parsing", c->src);
    if (p->error == YAML_READER_ERROR)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML syntax error: %s (byte %zu)", c->src,
                         offset_line(c, p->problem_offset), problem, p->problem_offset);
    if (p->context)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML syntax error: %s (%s on line %zu)",
                         c->src, p->problem_mark.line + 1, problem, p->context,
                         p->context_mark.line + 1);
    return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML syntax error: %s", c->src,
                     p->problem_mark.line + 1, problem);
}

/* The next event. Aliases are refused here: a config has no use for them and they would
 * let one key's value appear under another. */
static odpu_status next_event(parse_ctx *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->yaml, ev))
        return syntax_error(c);
    if (ev->type == YAML_ALIAS_EVENT) {
        size_t line = event_line(ev);
        yaml_event_delete(ev);
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML aliases (*name) are not supported",
                         c->src, line);
    }
    return ODPU_OK;
}

/* ---- Scalars --------------------------------------------------------------------------- */

/* What is wrong with a scalar that should be a decimal integer in [0, UINT32_MAX], or NULL
 * (and *out set) if nothing is. Only plain digits: YAML 1.1 reads 010 as octal and accepts
 * 0x, 1_000 and 1:30, none of which belong in a config. */
static const char *uint_problem(const yaml_event_t *ev, uint32_t *out)
{
    const unsigned char *s = ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return "is quoted (a string), not an integer";
    size_t first = (n > 1 && s[0] == '-') ? 1 : 0;
    for (size_t i = first; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return "is not a decimal integer";
    if (first)
        return "is negative";
    if (n > 1 && s[0] == '0')
        return "has a leading zero (YAML 1.1 would read it as octal)";
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX)
            return "is too large (more than 4294967295)";
    }
    *out = (uint32_t)v;
    return NULL;
}

static odpu_status parse_uint(parse_ctx *c, int id, const yaml_event_t *ev, uint32_t *out)
{
    char path[PATH_MAX_LEN];
    key_path(id, path, sizeof path);
    if (ev->data.scalar.length == 0)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: missing value", c->src,
                         event_line(ev), path);
    const char *problem = uint_problem(ev, out);
    if (!problem)
        return ODPU_OK;
    char q[QUOTE_MAX + 4];
    quote(ev->data.scalar.value, ev->data.scalar.length, q);
    return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: %s %s", c->src, event_line(ev), path, q,
                     problem);
}

static int name_char_ok(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

/* The config's name: it ends up in file names and C/Verilog comments, hence the charset. */
static odpu_status parse_name(parse_ctx *c, const yaml_event_t *ev)
{
    const unsigned char *s = ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    int ok = n > 0 && n < ODPU_ARCH_NAME_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = name_char_ok(s[i]);
    if (!ok) {
        char q[QUOTE_MAX + 4];
        quote(s, n, q);
        return odpu_fail(c->err, ODPU_E_CONFIG,
                         "%s:%zu: name: \"%s\" is not 1 to %d characters of [a-z0-9_-]", c->src,
                         event_line(ev), q, ODPU_ARCH_NAME_MAX - 1);
    }
    memcpy(c->name, s, n);
    c->name[n] = '\0';
    return ODPU_OK;
}

/* ---- Mappings -------------------------------------------------------------------------- */

static int find_key(int parent, const unsigned char *s, size_t n)
{
    for (int id = 0; id < K_COUNT; id++)
        if (schema[id].parent == parent && strlen(schema[id].name) == n &&
            memcmp(schema[id].name, s, n) == 0)
            return id;
    return -1;
}

static odpu_status parse_mapping(parse_ctx *c, int parent);

/* The value of key `id`, whose key event has just been consumed. */
static odpu_status parse_value(parse_ctx *c, int id)
{
    yaml_event_t ev;
    odpu_status st = next_event(c, &ev);
    if (st != ODPU_OK)
        return st;
    int want_map = schema[id].kind == KIND_SECTION;
    yaml_event_type_t want = want_map ? YAML_MAPPING_START_EVENT : YAML_SCALAR_EVENT;
    if (ev.type != want) {
        char path[PATH_MAX_LEN];
        key_path(id, path, sizeof path);
        st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: expected %s, got %s", c->src,
                       event_line(&ev), path,
                       want_map ? "a mapping" : schema[id].kind == KIND_NAME ? "a string" : "an integer",
                       event_what(&ev));
    } else if (schema[id].kind == KIND_NAME) {
        st = parse_name(c, &ev);
    } else if (schema[id].kind == KIND_UINT) {
        st = parse_uint(c, id, &ev, &c->vals[id].value);
    }
    yaml_event_delete(&ev);
    if (st == ODPU_OK && want_map)
        st = parse_mapping(c, id);
    return st;
}

static odpu_status unknown_key(parse_ctx *c, int parent, const yaml_event_t *key)
{
    char prefix[PATH_MAX_LEN] = "", q[QUOTE_MAX + 4];
    if (parent >= 0) {
        key_path(parent, prefix, sizeof prefix);
        strcat(prefix, ".");
    }
    quote(key->data.scalar.value, key->data.scalar.length, q);
    int dotted = memchr(key->data.scalar.value, '.', key->data.scalar.length) != NULL;
    return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: unknown key %s%s%s", c->src, event_line(key),
                     prefix, q, dotted ? " (nest keys as mappings, e.g. array: {rows: 16})" : "");
}

/* One key: its scalar event, lookup, duplicate check, then its value. *done is set at the
 * end of the mapping. */
static odpu_status parse_entry(parse_ctx *c, int parent, int *done)
{
    yaml_event_t key;
    odpu_status st = next_event(c, &key);
    if (st != ODPU_OK)
        return st;
    if (key.type == YAML_MAPPING_END_EVENT) {
        *done = 1;
        yaml_event_delete(&key);
        return ODPU_OK;
    }
    size_t line = event_line(&key);
    int id = -1;
    if (key.type != YAML_SCALAR_EVENT)
        st = odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: a key must be a plain name, not %s", c->src,
                       line, event_what(&key));
    else if ((id = find_key(parent, key.data.scalar.value, key.data.scalar.length)) < 0)
        st = unknown_key(c, parent, &key);
    yaml_event_delete(&key);
    if (st != ODPU_OK)
        return st;
    key_value *kv = &c->vals[id];
    if (kv->seen) {
        char path[PATH_MAX_LEN];
        key_path(id, path, sizeof path);
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: duplicate key %s (first on line %zu)",
                         c->src, line, path, kv->line);
    }
    kv->seen = 1;
    kv->line = line;
    return parse_value(c, id);
}

/* The keys of one mapping, whose MAPPING_START has been consumed. Recursion only follows
 * the schema's sections, so its depth is bounded whatever the input. */
static odpu_status parse_mapping(parse_ctx *c, int parent)
{
    int done = 0;
    odpu_status st = ODPU_OK;
    while (st == ODPU_OK && !done)
        st = parse_entry(c, parent, &done);
    return st;
}

/* Consume one event and return its type and line (for structural events). */
static odpu_status next_type(parse_ctx *c, yaml_event_type_t *type, size_t *line)
{
    yaml_event_t ev;
    odpu_status st = next_event(c, &ev);
    if (st != ODPU_OK)
        return st;
    *type = ev.type;
    *line = event_line(&ev);
    yaml_event_delete(&ev);
    return ODPU_OK;
}

/* The document's root node, which must be a non-empty mapping. doc_line is the line of the
 * document's start, where an empty document is reported. */
static odpu_status parse_root(parse_ctx *c, size_t doc_line)
{
    yaml_event_t ev;
    odpu_status st = next_event(c, &ev);
    if (st != ODPU_OK)
        return st;
    int is_map = ev.type == YAML_MAPPING_START_EVENT;
    int is_empty = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
                   ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    size_t line = event_line(&ev);
    const char *what = event_what(&ev);
    yaml_event_delete(&ev);
    if (is_empty)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: empty document: expected a mapping of arch keys",
                         c->src, doc_line);
    if (!is_map)
        return odpu_fail(c->err, ODPU_E_PARSE,
                         "%s:%zu: the document must be a mapping of arch keys (name, array, ...), not %s",
                         c->src, line, what);
    return parse_mapping(c, -1);
}

/* stream-start, exactly one document holding the root mapping, stream-end. */
static odpu_status parse_stream(parse_ctx *c)
{
    yaml_event_type_t type;
    size_t line;
    odpu_status st = next_type(c, &type, &line); /* STREAM_START: libyaml always emits it */
    if (st == ODPU_OK)
        st = next_type(c, &type, &line);
    if (st != ODPU_OK)
        return st;
    if (type == YAML_STREAM_END_EVENT)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s: empty file: expected a mapping of arch keys",
                         c->src);
    st = parse_root(c, line);
    if (st == ODPU_OK)
        st = next_type(c, &type, &line); /* DOCUMENT_END */
    if (st == ODPU_OK)
        st = next_type(c, &type, &line);
    if (st == ODPU_OK && type != YAML_STREAM_END_EVENT)
        return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: more than one YAML document", c->src, line);
    return st;
}

/* ---- Validation ------------------------------------------------------------------------ */

static int is_pow2(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

static odpu_status check_missing(parse_ctx *c)
{
    for (int id = 0; id < K_COUNT; id++) {
        if (c->vals[id].seen)
            continue;
        char path[PATH_MAX_LEN];
        key_path(id, path, sizeof path);
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s: missing key %s", c->src, path);
    }
    return ODPU_OK;
}

/* Message for a value that breaks a rule, located at its key. */
static odpu_status value_error(parse_ctx *c, int id, const char *detail)
{
    char path[PATH_MAX_LEN];
    key_path(id, path, sizeof path);
    return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: %u %s", c->src, c->vals[id].line, path,
                     c->vals[id].value, detail);
}

/* The per-key rules of the schema table. */
static odpu_status check_ranges(parse_ctx *c)
{
    for (int id = 0; id < K_COUNT; id++) {
        const key_spec *k = &schema[id];
        uint32_t v = c->vals[id].value;
        if (k->kind != KIND_UINT)
            continue;
        int in_range = v >= k->lo && v <= k->hi;
        char detail[96];
        if (k->rule == RULE_POW2 && (!in_range || !is_pow2(v))) {
            snprintf(detail, sizeof detail, "is not a power of two in [%u, %u]", k->lo, k->hi);
            return value_error(c, id, detail);
        }
        if (!in_range) {
            snprintf(detail, sizeof detail, "is not in [%u, %u]", k->lo, k->hi);
            return value_error(c, id, detail);
        }
    }
    return ODPU_OK;
}

/* Bytes per word of each buffer (docs/isa.md, "Buffers"). */
static uint32_t word_bytes(odpu_buf_id b, uint32_t rows, uint32_t cols)
{
    switch (b) {
    case ODPU_BUF_IBUF:
    case ODPU_BUF_OBUF: return rows;
    case ODPU_BUF_WBUF: return rows * cols;
    case ODPU_BUF_PBUF: return cols * ODPU_PARAM_ENTRY_BYTES;
    case ODPU_BUF_ABUF: return cols * ODPU_ACC_BYTES;
    case ODPU_BUF_COUNT: break;
    }
    return 0;
}

/* Whole words in every bank, and a depth the ISA's address fields can reach. Called after
 * check_ranges, so every product below fits easily in 64 bits. */
static odpu_status check_buffer(parse_ctx *c, odpu_buf_id b, odpu_arch_buffer *out)
{
    uint32_t rows = c->vals[K_ROWS].value, cols = c->vals[K_COLS].value;
    int kib_id = K_BUF_KIB(b);
    uint64_t bytes = (uint64_t)c->vals[kib_id].value * 1024;
    uint64_t word = word_bytes(b, rows, cols);
    uint64_t banks = c->vals[K_BUF_BANKS(b)].value;
    uint64_t max_depth = b == ODPU_BUF_PBUF ? PBUF_DEPTH_MAX : BUF_DEPTH_MAX;
    char detail[160];
    if (bytes % (word * banks) != 0) {
        snprintf(detail, sizeof detail,
                 "KiB is not a whole number of %llu-byte words in each of %llu banks",
                 (unsigned long long)word, (unsigned long long)banks);
        return value_error(c, kib_id, detail);
    }
    uint64_t depth = bytes / word;
    if (depth < 1 || depth > max_depth) {
        snprintf(detail, sizeof detail,
                 "KiB is %llu words of %llu bytes; the ISA addresses at most %llu (%s)",
                 (unsigned long long)depth, (unsigned long long)word, (unsigned long long)max_depth,
                 b == ODPU_BUF_PBUF ? "CONV.pbuf_addr" : "LOAD.buf_addr");
        return value_error(c, kib_id, detail);
    }
    out->kib = c->vals[kib_id].value;
    out->banks = (uint32_t)banks;
    out->word_bytes = (uint32_t)word;
    out->depth_words = (uint32_t)depth;
    return ODPU_OK;
}

/* A WBUF word (a pass's rows x cols weights) moves into the array in weight_load_cycles
 * pieces of whole columns through a port of word / weight_load_cycles bytes, and the LOAD
 * engine writes whole AXI beats into one piece (docs/arch.md, "Weight loading"). Called after
 * check_buffer has derived the WBUF word size. */
static odpu_status check_weight_load(parse_ctx *c, const odpu_arch *a)
{
    uint32_t cols = c->vals[K_COLS].value, cycles = c->vals[K_WEIGHT_LOAD].value;
    uint32_t beat_bytes = c->vals[K_AXI_DATA_BITS].value / 8;
    char detail[160];
    if (cycles > cols) {
        snprintf(detail, sizeof detail, "is more than array.cols (%u): a piece is whole columns", cols);
        return value_error(c, K_WEIGHT_LOAD, detail);
    }
    uint32_t port_bytes = a->buf[ODPU_BUF_WBUF].word_bytes / cycles;
    if (port_bytes < beat_bytes) {
        snprintf(detail, sizeof detail, "makes the WBUF port %u bytes, narrower than an AXI beat (%u bytes)",
                 port_bytes, beat_bytes);
        return value_error(c, K_WEIGHT_LOAD, detail);
    }
    return ODPU_OK;
}

static odpu_status check_values(parse_ctx *c, odpu_arch *a)
{
    odpu_status st = check_missing(c);
    if (st == ODPU_OK)
        st = check_ranges(c);
    if (st != ODPU_OK)
        return st;
    if (c->vals[K_COLS].value % c->vals[K_ROWS].value != 0) {
        char detail[96];
        snprintf(detail, sizeof detail, "is not a multiple of array.rows (%u)", c->vals[K_ROWS].value);
        return value_error(c, K_COLS, detail);
    }
    for (int b = 0; b < ODPU_BUF_COUNT && st == ODPU_OK; b++)
        st = check_buffer(c, (odpu_buf_id)b, &a->buf[b]);
    if (st == ODPU_OK)
        st = check_weight_load(c, a);
    return st;
}

static void fill_arch(const parse_ctx *c, odpu_arch *a)
{
    memcpy(a->name, c->name, sizeof a->name);
    a->rows = c->vals[K_ROWS].value;
    a->cols = c->vals[K_COLS].value;
    a->weight_load_cycles = c->vals[K_WEIGHT_LOAD].value;
    a->axi_data_bits = c->vals[K_AXI_DATA_BITS].value;
    a->ddr_bytes_per_cycle = c->vals[K_DDR_BYTES].value;
    a->ddr_latency_cycles = c->vals[K_DDR_LATENCY].value;
    a->clock_mhz = c->vals[K_CLOCK_MHZ].value;
    a->insn_queue_depth = c->vals[K_INSN_DEPTH].value;
    a->dep_queue_depth = c->vals[K_DEP_DEPTH].value;
    a->fingerprint = odpu_arch_fingerprint(a);
}

/* ---- API ------------------------------------------------------------------------------- */

odpu_status odpu_arch_parse(const char *text, size_t len, const char *source_name, odpu_arch *out,
                            odpu_err *err)
{
    if (!out || (!text && len))
        return odpu_fail(err, ODPU_E_ARG, "odpu_arch_parse: NULL argument");
    parse_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", source_name ? source_name : "arch");
    c->src = source_name ? source_name : "<arch>";
    c->text = (const unsigned char *)(text ? text : ""); /* libyaml asserts on NULL input */
    c->len = len;
    c->err = err;
    odpu_status st;
    if (!yaml_parser_initialize(&c->yaml)) {
        st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", c->src);
    } else {
        yaml_parser_set_input_string(&c->yaml, c->text, c->len);
        odpu_arch a;
        memset(&a, 0, sizeof a);
        st = parse_stream(c);
        if (st == ODPU_OK)
            st = check_values(c, &a);
        if (st == ODPU_OK) {
            fill_arch(c, &a);
            *out = a;
        }
        yaml_parser_delete(&c->yaml);
    }
    free(c);
    return st;
}

odpu_status odpu_arch_load(const char *path, odpu_arch *out, odpu_err *err)
{
    if (!path || !out)
        return odpu_fail(err, ODPU_E_ARG, "odpu_arch_load: NULL argument");
    uint8_t *text = NULL;
    size_t len = 0;
    odpu_status st = odpu_read_file(path, ARCH_FILE_MAX, &text, &len, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_arch_parse((const char *)text, len, path, out, err);
    free(text);
    return st;
}

/* Canonical text of the values that decide which streams are valid and what they compute.
 * The name, banks, weight load cycles, AXI width, DDR model, clock and instruction queue
 * depth only change speed, so recompiling is never needed for them (docs/arch.md,
 * "Fingerprint"). The format is part of the model-file contract: changing it invalidates
 * every compiled model. */
uint64_t odpu_arch_fingerprint(const odpu_arch *arch)
{
    char canon[256];
    int n = snprintf(canon, sizeof canon,
                     "odpu-arch;isa=%u;rows=%u;cols=%u;ibuf=%u;obuf=%u;wbuf=%u;pbuf=%u;abuf=%u;dep=%u",
                     (unsigned)ODPU_ISA_VERSION, arch->rows, arch->cols,
                     arch->buf[ODPU_BUF_IBUF].depth_words, arch->buf[ODPU_BUF_OBUF].depth_words,
                     arch->buf[ODPU_BUF_WBUF].depth_words, arch->buf[ODPU_BUF_PBUF].depth_words,
                     arch->buf[ODPU_BUF_ABUF].depth_words, arch->dep_queue_depth);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof canon ? (size_t)n : sizeof canon - 1;
    return odpu_fnv64(ODPU_FNV64_INIT, canon, len);
}

uint32_t odpu_arch_macs(const odpu_arch *arch) { return arch->rows * arch->cols; }

void odpu_arch_limits(const odpu_arch *arch, odpu_isa_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    lim->rows = arch->rows;
    lim->cols = arch->cols;
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        lim->buf_words[b] = arch->buf[b].depth_words;
    lim->dep_queue_depth = arch->dep_queue_depth;
}
