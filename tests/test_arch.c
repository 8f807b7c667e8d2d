/* test_arch.c - the arch config contract (docs/arch.md): the shipped configs, the
 * fingerprint, one test per class of error, a fuzz of the parser, the generated files
 * (the Verilog include through verilator and yosys) and `opendpu archgen`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/arch.h"
#include "common/bytes.h"
#include "tests/testutil.h"

static const char *const shipped[] = {"tiny", "b512", "b1024", "b4096"};
enum { N_SHIPPED = sizeof shipped / sizeof shipped[0] };

/* ---- Helpers --------------------------------------------------------------------------- */

/* An integer written after `key` (searched from `from`) in a shipped file, read with
 * strstr/strtoul rather than the parser under test. */
static unsigned long yaml_number(const char *text, const char *from, const char *key)
{
    const char *p = from ? strstr(text, from) : text;
    ck_assert_msg(p != NULL, "no '%s' in config", from);
    p = strstr(p, key);
    ck_assert_msg(p != NULL, "no '%s' in config", key);
    return strtoul(p + strlen(key), NULL, 10);
}

static odpu_arch load_ok(const char *name)
{
    odpu_arch a;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_arch_load(test_arch_path(name), &a, &err);
    ck_assert_msg(st == ODPU_OK, "%s: %s", name, err.msg);
    return a;
}

static odpu_status parse(const char *text, odpu_arch *a, odpu_err *err)
{
    odpu_err_clear(err);
    return odpu_arch_parse(text, strlen(text), "t.yaml", a, err);
}

/* A config as (dotted key, value) pairs in emission order, rendered as block YAML with
 * the line of each key recorded, so tests can state which line a message must name. */
enum { CFG_MAX = 48 };
typedef struct cfg {
    const char *path[CFG_MAX];
    const char *value[CFG_MAX];
    size_t line[CFG_MAX];
    size_t n;
    char text[4096];
} cfg;

static void cfg_set(cfg *c, const char *path, const char *value)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->path[i], path)) {
            c->value[i] = value;
            return;
        }
    /* A new key goes after the last key of its top-level section, so that the section is
     * not opened a second time. */
    ck_assert(c->n < CFG_MAX);
    size_t top = strcspn(path, "."), at = c->n;
    for (size_t i = 0; i < c->n; i++)
        if (!strncmp(c->path[i], path, top) && (c->path[i][top] == '.' || c->path[i][top] == '\0'))
            at = i + 1;
    memmove(&c->path[at + 1], &c->path[at], (c->n - at) * sizeof c->path[0]);
    memmove(&c->value[at + 1], &c->value[at], (c->n - at) * sizeof c->value[0]);
    c->path[at] = path;
    c->value[at] = value;
    c->n++;
}

/* The values of arch/tiny.yaml. */
static void cfg_tiny(cfg *c)
{
    static const char *const kv[][2] = {
        {"name", "tiny"},
        {"array.rows", "4"},           {"array.cols", "8"},
        {"array.weight_load_cycles", "2"},
        {"buffers.ibuf.kib", "16"},    {"buffers.ibuf.banks", "2"},
        {"buffers.obuf.kib", "16"},    {"buffers.obuf.banks", "2"},
        {"buffers.wbuf.kib", "16"},    {"buffers.wbuf.banks", "2"},
        {"buffers.pbuf.kib", "2"},     {"buffers.pbuf.banks", "1"},
        {"buffers.abuf.kib", "32"},    {"buffers.abuf.banks", "2"},
        {"axi.data_bits", "64"},
        {"ddr.bytes_per_cycle", "8"},  {"ddr.latency_cycles", "40"},
        {"clock_mhz", "200"},
        {"queues.insn_depth", "4"},    {"queues.dep_depth", "4"},
    };
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        cfg_set(c, kv[i][0], kv[i][1]);
}

/* Split "a.b.c" into at most 4 components; returns the count. */
static int split_path(const char *path, char comp[4][32])
{
    int n = 0;
    const char *s = path;
    while (n < 4) {
        const char *dot = strchr(s, '.');
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        snprintf(comp[n++], 32, "%.*s", (int)len, s);
        if (!dot)
            break;
        s = dot + 1;
    }
    return n;
}

/* Render c->text; a NULL value drops the key. A section header is written whenever the
 * path leaves the previous key's sections, so the same section twice is a duplicate. */
static const char *cfg_render(cfg *c)
{
    size_t len = 0, line = 1;
    char prev[4][32] = {{0}};
    int prev_n = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->value[i])
            continue;
        char comp[4][32];
        int n = split_path(c->path[i], comp);
        int common = 0;
        while (common < n - 1 && common < prev_n - 1 && !strcmp(comp[common], prev[common]))
            common++;
        for (int d = common; d < n - 1; d++, line++)
            len += (size_t)snprintf(c->text + len, sizeof c->text - len, "%*s%s:\n", 2 * d, "", comp[d]);
        len += (size_t)snprintf(c->text + len, sizeof c->text - len, "%*s%s: %s\n", 2 * (n - 1), "",
                                comp[n - 1], c->value[i]);
        c->line[i] = line++;
        memcpy(prev, comp, sizeof prev);
        prev_n = n;
        ck_assert(len < sizeof c->text);
    }
    return c->text;
}

static size_t cfg_line(const cfg *c, const char *path)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->path[i], path))
            return c->line[i];
    ck_abort_msg("no key %s", path);
    return 0;
}

/* Parse text, expect failure with `code` and a message containing every fragment. */
static void expect_fail_text(const char *text, odpu_status code, const char *const *frags)
{
    odpu_arch a;
    odpu_err err;
    odpu_status st = parse(text, &a, &err);
    ck_assert_msg(st != ODPU_OK, "accepted:\n%s", text);
    ck_assert_msg(st == code, "status %s, expected %s: %s", odpu_status_name(st),
                  odpu_status_name(code), err.msg);
    for (; *frags; frags++)
        ck_assert_msg(strstr(err.msg, *frags) != NULL, "message '%s' lacks '%s'", err.msg, *frags);
}

/* Render c, expect failure located at key `at` (file:line: prefix) mentioning `key` and
 * `detail`. */
static void expect_fail_at(cfg *c, const char *at, const char *key, const char *detail)
{
    cfg_render(c);
    char where[64];
    snprintf(where, sizeof where, "t.yaml:%zu: ", cfg_line(c, at));
    const char *frags[] = {where, key, detail, NULL};
    expect_fail_text(c->text, ODPU_E_CONFIG, frags);
}

/* One key set to a bad value: the message names the file, the key's line and the key. */
static void expect_bad_value(const char *path, const char *value, const char *detail)
{
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, path, value);
    expect_fail_at(&c, path, path, detail);
}

static uint64_t fingerprint_of(cfg *c)
{
    odpu_arch a;
    odpu_err err;
    odpu_status st = parse(cfg_render(c), &a, &err);
    ck_assert_msg(st == ODPU_OK, "%s\n%s", err.msg, c->text);
    return a.fingerprint;
}

/* ---- Shipped configs ------------------------------------------------------------------- */

static uint32_t expected_word_bytes(odpu_buf_id b, uint32_t rows, uint32_t cols)
{
    switch (b) {
    case ODPU_BUF_IBUF:
    case ODPU_BUF_OBUF: return rows;
    case ODPU_BUF_WBUF: return rows * cols;
    case ODPU_BUF_PBUF: return cols * ODPU_PARAM_ENTRY_BYTES;
    case ODPU_BUF_ABUF: return cols * ODPU_ACC_BYTES;
    default: return 0;
    }
}

START_TEST(test_shipped_configs)
{
    static const char *const buf_keys[ODPU_BUF_COUNT] = {"ibuf:", "obuf:", "wbuf:", "pbuf:", "abuf:"};
    for (int i = 0; i < N_SHIPPED; i++) {
        odpu_arch a = load_ok(shipped[i]);
        const char *text = test_read_text(test_arch_path(shipped[i]));
        ck_assert_str_eq(a.name, shipped[i]);
        ck_assert_uint_eq(a.rows, yaml_number(text, NULL, "rows:"));
        ck_assert_uint_eq(a.cols, yaml_number(text, NULL, "cols:"));
        ck_assert_uint_eq(a.weight_load_cycles, yaml_number(text, NULL, "weight_load_cycles:"));
        ck_assert_uint_eq(a.axi_data_bits, yaml_number(text, NULL, "data_bits:"));
        ck_assert_uint_eq(a.ddr_bytes_per_cycle, yaml_number(text, NULL, "bytes_per_cycle:"));
        ck_assert_uint_eq(a.ddr_latency_cycles, yaml_number(text, NULL, "latency_cycles:"));
        ck_assert_uint_eq(a.clock_mhz, yaml_number(text, NULL, "clock_mhz:"));
        ck_assert_uint_eq(a.insn_queue_depth, yaml_number(text, NULL, "insn_depth:"));
        ck_assert_uint_eq(a.dep_queue_depth, yaml_number(text, NULL, "dep_depth:"));
        ck_assert_uint_eq(odpu_arch_macs(&a), a.rows * a.cols);
        /* bNNN configs are named by peak ops per clock, like the DPU's. */
        if (shipped[i][0] == 'b')
            ck_assert_uint_eq(2 * odpu_arch_macs(&a), strtoul(shipped[i] + 1, NULL, 10));
        odpu_isa_limits lim;
        odpu_arch_limits(&a, &lim);
        ck_assert_uint_eq(lim.rows, a.rows);
        ck_assert_uint_eq(lim.cols, a.cols);
        ck_assert_uint_eq(lim.dep_queue_depth, a.dep_queue_depth);
        for (int b = 0; b < ODPU_BUF_COUNT; b++) {
            const odpu_arch_buffer *buf = &a.buf[b];
            ck_assert_uint_eq(buf->kib, yaml_number(text, buf_keys[b], "kib:"));
            ck_assert_uint_eq(buf->banks, yaml_number(text, buf_keys[b], "banks:"));
            ck_assert_uint_eq(buf->word_bytes, expected_word_bytes((odpu_buf_id)b, a.rows, a.cols));
            ck_assert_uint_eq(buf->depth_words, buf->kib * 1024 / buf->word_bytes);
            ck_assert_uint_eq((uint64_t)buf->depth_words * buf->word_bytes, buf->kib * 1024ull);
            ck_assert_uint_eq(lim.buf_words[b], buf->depth_words);
        }
        ck_assert_uint_eq(a.fingerprint, odpu_arch_fingerprint(&a));
    }
}
END_TEST

/* The rendered test config is the same as arch/tiny.yaml. */
START_TEST(test_rendered_equals_tiny)
{
    odpu_arch file = load_ok("tiny"), text;
    cfg c;
    cfg_tiny(&c);
    odpu_err err;
    ck_assert_int_eq(parse(cfg_render(&c), &text, &err), ODPU_OK);
    ck_assert_int_eq(memcmp(&file, &text, sizeof file), 0);
}
END_TEST

/* The table of shipped configs in docs/arch.md matches the files. */
START_TEST(test_docs_table)
{
    char doc[1 << 15];
    snprintf(doc, sizeof doc, "%s", test_read_text("docs/arch.md"));
    for (int i = 0; i < N_SHIPPED; i++) {
        odpu_arch a = load_ok(shipped[i]);
        uint32_t macs = odpu_arch_macs(&a);
        char row[256];
        snprintf(row, sizeof row, "| %s | %u | %u | %u | %u | %u / %u / %u / %u / %u | %u | %.1f |",
                 a.name, a.rows, a.cols, macs, 2 * macs, a.buf[ODPU_BUF_IBUF].kib,
                 a.buf[ODPU_BUF_OBUF].kib, a.buf[ODPU_BUF_WBUF].kib, a.buf[ODPU_BUF_PBUF].kib,
                 a.buf[ODPU_BUF_ABUF].kib, a.clock_mhz, 2.0 * macs * a.clock_mhz / 1000);
        ck_assert_msg(strstr(doc, row), "docs/arch.md lacks the row\n%s", row);
    }
}
END_TEST

/* ---- Fingerprint ----------------------------------------------------------------------- */

START_TEST(test_fingerprints_differ)
{
    uint64_t fp[N_SHIPPED];
    for (int i = 0; i < N_SHIPPED; i++) {
        fp[i] = load_ok(shipped[i]).fingerprint;
        for (int j = 0; j < i; j++)
            ck_assert_msg(fp[i] != fp[j], "%s and %s share a fingerprint", shipped[i], shipped[j]);
    }
}
END_TEST

/* The canonical form is part of the model-file contract: pin it. */
START_TEST(test_fingerprint_canonical_form)
{
    odpu_arch a = load_ok("b4096");
    char canon[256];
    snprintf(canon, sizeof canon,
             "odpu-arch;isa=%u;rows=%u;cols=%u;ibuf=%u;obuf=%u;wbuf=%u;pbuf=%u;abuf=%u;dep=%u",
             (unsigned)ODPU_ISA_VERSION, a.rows, a.cols, a.buf[ODPU_BUF_IBUF].depth_words,
             a.buf[ODPU_BUF_OBUF].depth_words, a.buf[ODPU_BUF_WBUF].depth_words,
             a.buf[ODPU_BUF_PBUF].depth_words, a.buf[ODPU_BUF_ABUF].depth_words, a.dep_queue_depth);
    ck_assert_uint_eq(a.fingerprint, odpu_fnv64(ODPU_FNV64_INIT, canon, strlen(canon)));
}
END_TEST

/* Same values, other layout: flow style, keys reordered, other comments, another name. */
START_TEST(test_fingerprint_ignores_layout)
{
    static const char reordered[] =
        "# the same machine as tiny, written differently\n"
        "queues: {dep_depth: 4, insn_depth: 4}\n"
        "clock_mhz: 200   # MHz\n"
        "ddr: {latency_cycles: 40, bytes_per_cycle: 8}\n"
        "axi:\n"
        "    data_bits: 64\n"
        "buffers:\n"
        "    abuf: {banks: 2, kib: 32}\n"
        "    pbuf:\n"
        "        banks: 1\n"
        "        kib: 2\n"
        "    wbuf: {kib: 16, banks: 2}\n"
        "    obuf: {kib: 16, banks: 2}\n"
        "    ibuf: {kib: 16, banks: 2}\n"
        "array: {cols: 8, weight_load_cycles: 2, rows: 4}\n"
        "name: 'tiny-renamed'\n"
        "...\n";
    odpu_arch a;
    odpu_err err;
    ck_assert_msg(parse(reordered, &a, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_str_eq(a.name, "tiny-renamed");
    ck_assert_uint_eq(a.fingerprint, load_ok("tiny").fingerprint);
}
END_TEST

/* Performance-only values do not change the fingerprint; semantic ones do. */
START_TEST(test_fingerprint_semantics)
{
    static const char *const same[][2] = {
        {"name", "other"},         {"clock_mhz", "100"},           {"buffers.ibuf.banks", "1"},
        {"buffers.abuf.banks", "4"}, {"axi.data_bits", "128"},     {"ddr.bytes_per_cycle", "16"},
        {"ddr.latency_cycles", "0"}, {"queues.insn_depth", "16"},
        {"array.weight_load_cycles", "1"},
    };
    static const char *const differ[][2] = {
        {"array.rows", "8"},       {"array.cols", "16"},           {"buffers.ibuf.kib", "32"},
        {"buffers.obuf.kib", "8"}, {"buffers.wbuf.kib", "32"},     {"buffers.pbuf.kib", "4"},
        {"buffers.abuf.kib", "16"}, {"queues.dep_depth", "8"},
    };
    cfg c;
    cfg_tiny(&c);
    uint64_t base = fingerprint_of(&c);
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        cfg_tiny(&c);
        cfg_set(&c, same[i][0], same[i][1]);
        ck_assert_msg(fingerprint_of(&c) == base, "%s changed the fingerprint", same[i][0]);
    }
    for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++) {
        cfg_tiny(&c);
        cfg_set(&c, differ[i][0], differ[i][1]);
        ck_assert_msg(fingerprint_of(&c) != base, "%s did not change the fingerprint", differ[i][0]);
    }
}
END_TEST

/* ---- Errors: YAML level ---------------------------------------------------------------- */

START_TEST(test_err_syntax)
{
    /* " cols" is indented less than "rows" but more than "array": libyaml reports it on
     * the line of the stray key. */
    const char *f1[] = {"t.yaml:4:", "YAML syntax error", "did not find expected key", NULL};
    expect_fail_text("name: tiny\narray:\n  rows: 4\n cols: 8\n", ODPU_E_PARSE, f1);
    const char *f2[] = {"t.yaml:5:", "YAML syntax error", "tab", NULL};
    expect_fail_text("name: tiny\narray:\n  rows: 4\n  cols: 8\n\tx: 1\n", ODPU_E_PARSE, f2);
    const char *f3[] = {"t.yaml:3:", "YAML syntax error", NULL};
    expect_fail_text("name: tiny\narray: {rows: 4,\n]\n", ODPU_E_PARSE, f3);
}
END_TEST

START_TEST(test_err_empty)
{
    const char *f[] = {"t.yaml: empty file", NULL};
    expect_fail_text("", ODPU_E_PARSE, f);
    expect_fail_text("# nothing but a comment\n\n", ODPU_E_PARSE, f);
    const char *f2[] = {"t.yaml:1: empty document", NULL};
    expect_fail_text("---\n", ODPU_E_PARSE, f2);
    odpu_arch a;
    odpu_err err;
    ck_assert_int_eq(odpu_arch_parse(NULL, 0, "t.yaml", &a, &err), ODPU_E_PARSE);
    ck_assert_ptr_nonnull(strstr(err.msg, "t.yaml: empty file"));
}
END_TEST

START_TEST(test_err_not_mapping)
{
    const char *f1[] = {"t.yaml:1:", "must be a mapping", "sequence", NULL};
    expect_fail_text("- rows\n- cols\n", ODPU_E_PARSE, f1);
    const char *f2[] = {"t.yaml:2:", "must be a mapping", "scalar", NULL};
    expect_fail_text("\njust some words\n", ODPU_E_PARSE, f2);
}
END_TEST

START_TEST(test_err_garbage)
{
    const char *f1[] = {"t.yaml:1:", "YAML syntax error", NULL};
    static const char bin[] = "\x7f" "ELF\x02\x01\x01\x00\x00";
    odpu_arch a;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_arch_parse(bin, sizeof bin - 1, "t.yaml", &a, &err), ODPU_E_PARSE);
    for (const char *const *f = f1; *f; f++)
        ck_assert_msg(strstr(err.msg, *f), "'%s' lacks '%s'", err.msg, *f);
    /* Invalid UTF-8 on line 3: the message gives the line from libyaml's byte offset. */
    const char *f2[] = {"t.yaml:3:", "YAML syntax error", "UTF-8", NULL};
    expect_fail_text("name: tiny\narray:\n  rows: \xc3\x28\n", ODPU_E_PARSE, f2);
    /* An embedded NUL is a control character, not the end of the text. */
    static const char nul[] = "name: tiny\nar\0ray: {}\n";
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_arch_parse(nul, sizeof nul - 1, "t.yaml", &a, &err), ODPU_E_PARSE);
    ck_assert_msg(strstr(err.msg, "t.yaml:2:"), "%s", err.msg);
}
END_TEST

START_TEST(test_err_two_documents)
{
    const char *f[] = {"t.yaml:2:", "more than one YAML document", NULL}; /* the "---" */
    expect_fail_text("name: a\n---\nname: b\n", ODPU_E_PARSE, f);
}
END_TEST

START_TEST(test_err_alias)
{
    const char *f[] = {"t.yaml:3:", "aliases", NULL};
    expect_fail_text("name: tiny\narray: &a {rows: 4, cols: 8}\nbuffers: *a\n", ODPU_E_PARSE, f);
}
END_TEST

START_TEST(test_err_complex_key)
{
    const char *f[] = {"t.yaml:2:", "key must be a plain name", NULL};
    expect_fail_text("name: tiny\n? [rows]\n: 4\n", ODPU_E_PARSE, f);
}
END_TEST

/* ---- Errors: keys ---------------------------------------------------------------------- */

START_TEST(test_err_missing_key)
{
    static const char *const keys[] = {"name", "array.rows", "buffers.wbuf.kib",
                                       "buffers.abuf.banks", "ddr.latency_cycles", "queues.dep_depth",
                                       "clock_mhz"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cfg c;
        cfg_tiny(&c);
        cfg_set(&c, keys[i], NULL);
        char want[64];
        snprintf(want, sizeof want, "t.yaml: missing key %s", keys[i]);
        const char *f[] = {want, NULL};
        expect_fail_text(cfg_render(&c), ODPU_E_CONFIG, f);
    }
    /* A whole section missing is reported as the section. */
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "axi.data_bits", NULL);
    const char *f[] = {"t.yaml: missing key axi", NULL};
    expect_fail_text(cfg_render(&c), ODPU_E_CONFIG, f);
}
END_TEST

START_TEST(test_err_unknown_key)
{
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "array.depth", "4");
    expect_fail_at(&c, "array.depth", "unknown key array.depth", "");
    cfg_tiny(&c);
    cfg_set(&c, "frequency", "4");
    expect_fail_at(&c, "frequency", "unknown key frequency", "");
    cfg_tiny(&c);
    cfg_set(&c, "buffers.xbuf.kib", "4");
    cfg_render(&c);
    char where[64]; /* the unknown section, one line above its first key */
    snprintf(where, sizeof where, "t.yaml:%zu: unknown key buffers.xbuf",
             cfg_line(&c, "buffers.xbuf.kib") - 1);
    const char *fx[] = {where, NULL};
    expect_fail_text(c.text, ODPU_E_CONFIG, fx);
    /* A dotted name at the top level is not the nested key, and the message says so. */
    const char *f[] = {"t.yaml:2:", "unknown key array.rows", "nest keys", NULL};
    expect_fail_text("name: tiny\narray.rows: 4\n", ODPU_E_CONFIG, f);
}
END_TEST

START_TEST(test_err_duplicate_key)
{
    const char *f1[] = {"t.yaml:4:", "duplicate key array.rows", "first on line 3", NULL};
    expect_fail_text("name: tiny\narray:\n  rows: 4\n  rows: 8\n", ODPU_E_PARSE, f1);
    const char *f2[] = {"t.yaml:3:", "duplicate key array", "first on line 2", NULL};
    expect_fail_text("name: tiny\narray: {rows: 4}\narray: {cols: 8}\n", ODPU_E_PARSE, f2);
    const char *f3[] = {"t.yaml:2:", "duplicate key name", NULL};
    expect_fail_text("name: tiny\nname: tiny\n", ODPU_E_PARSE, f3);
}
END_TEST

/* ---- Errors: values -------------------------------------------------------------------- */

START_TEST(test_err_not_integer)
{
    expect_bad_value("array.rows", "four", "four is not a decimal integer");
    expect_bad_value("array.rows", "--4", "--4 is not a decimal integer");
    expect_bad_value("array.rows", "~", "~ is not a decimal integer"); /* YAML null */
    expect_bad_value("array.rows", "4.0", "is not a decimal integer");
    expect_bad_value("array.rows", "0x10", "is not a decimal integer");
    expect_bad_value("array.rows", "+4", "is not a decimal integer");
    expect_bad_value("clock_mhz", "200MHz", "is not a decimal integer");
    expect_bad_value("array.rows", "\"4\"", "4 is quoted (a string), not an integer");
    expect_bad_value("array.rows", "'4'", "4 is quoted (a string), not an integer");
    expect_bad_value("array.rows", "[4]", "expected an integer, got a sequence");
    expect_bad_value("array.rows", "{n: 4}", "expected an integer, got a mapping");
    expect_bad_value("array.rows", "", "missing value");
    expect_bad_value("array.rows", "010", "leading zero");
    expect_bad_value("name", "[a]", "expected a string");
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "array.rows", NULL);
    cfg_set(&c, "array.cols", NULL);
    cfg_set(&c, "array.weight_load_cycles", NULL);
    cfg_set(&c, "array", "4");
    expect_fail_at(&c, "array", "array", "expected a mapping, got a scalar");
}
END_TEST

START_TEST(test_err_negative)
{
    expect_bad_value("array.rows", "-4", "-4 is negative");
    expect_bad_value("ddr.latency_cycles", "-1", "-1 is negative");
    expect_bad_value("buffers.ibuf.kib", "-16", "-16 is negative");
}
END_TEST

START_TEST(test_err_overflow)
{
    expect_bad_value("clock_mhz", "4294967296", "too large");
    expect_bad_value("clock_mhz", "99999999999999999999999999", "too large");
    /* UINT32_MAX itself parses and is then out of range. */
    expect_bad_value("clock_mhz", "4294967295", "4294967295 is not in [1, 2000]");
}
END_TEST

START_TEST(test_err_name)
{
    expect_bad_value("name", "Tiny", "is not 1 to 31 characters of [a-z0-9_-]");
    expect_bad_value("name", "'a b'", "[a-z0-9_-]");
    expect_bad_value("name", "''", "[a-z0-9_-]");
    expect_bad_value("name", "abcdefghijklmnopqrstuvwxyz012345", "[a-z0-9_-]"); /* 32 chars */
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "name", "abcdefghijklmnopqrstuvwxyz01234"); /* 31 chars: the longest allowed */
    fingerprint_of(&c);
}
END_TEST

/* Every range rule, with a value on each side of each bound. */
START_TEST(test_err_ranges)
{
    static const struct {
        const char *path, *value, *detail;
    } bad[] = {
        {"array.rows", "48", "48 is not a power of two in [1, 256]"},
        {"array.rows", "0", "0 is not a power of two in [1, 256]"},
        {"array.rows", "512", "512 is not a power of two in [1, 256]"},
        {"array.cols", "12", "12 is not a power of two in [1, 1024]"},
        {"array.cols", "2048", "2048 is not a power of two in [1, 1024]"},
        {"array.weight_load_cycles", "3", "3 is not a power of two in [1, 1024]"},
        {"array.weight_load_cycles", "0", "0 is not a power of two in [1, 1024]"},
        {"buffers.ibuf.kib", "0", "0 is not in [1, 65536]"},
        {"buffers.obuf.kib", "65537", "65537 is not in [1, 65536]"},
        {"buffers.wbuf.banks", "3", "3 is not a power of two in [1, 64]"},
        {"buffers.pbuf.banks", "0", "0 is not a power of two in [1, 64]"},
        {"buffers.abuf.banks", "128", "128 is not a power of two in [1, 64]"},
        {"axi.data_bits", "48", "48 is not a power of two in [32, 512]"},
        {"axi.data_bits", "16", "16 is not a power of two in [32, 512]"},
        {"axi.data_bits", "1024", "1024 is not a power of two in [32, 512]"},
        {"ddr.bytes_per_cycle", "0", "0 is not in [1, 1024]"},
        {"ddr.bytes_per_cycle", "1025", "1025 is not in [1, 1024]"},
        {"ddr.latency_cycles", "100001", "100001 is not in [0, 100000]"},
        {"clock_mhz", "0", "0 is not in [1, 2000]"},
        {"clock_mhz", "2001", "2001 is not in [1, 2000]"},
        {"queues.insn_depth", "0", "0 is not in [1, 1024]"},
        {"queues.insn_depth", "1025", "1025 is not in [1, 1024]"},
        {"queues.dep_depth", "0", "0 is not in [1, 255]"},
        {"queues.dep_depth", "256", "256 is not in [1, 255]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_bad_value(bad[i].path, bad[i].value, bad[i].detail);
    static const char *const good[][2] = {
        {"axi.data_bits", "32"}, {"axi.data_bits", "128"}, {"ddr.bytes_per_cycle", "1024"},
        {"ddr.latency_cycles", "0"}, {"ddr.latency_cycles", "100000"}, {"clock_mhz", "1"},
        {"clock_mhz", "2000"}, {"queues.insn_depth", "1024"}, {"queues.dep_depth", "255"},
        {"buffers.pbuf.banks", "16"},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        cfg c;
        cfg_tiny(&c);
        cfg_set(&c, good[i][0], good[i][1]);
        fingerprint_of(&c);
    }
}
END_TEST

START_TEST(test_err_cols_multiple_of_rows)
{
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "array.rows", "16");
    expect_fail_at(&c, "array.cols", "array.cols", "8 is not a multiple of array.rows (16)");
    /* cols == rows is a multiple. */
    cfg_set(&c, "array.rows", "8");
    fingerprint_of(&c);
}
END_TEST

/* A WBUF word enters the array in pieces of whole columns, each at least an AXI beat. */
START_TEST(test_err_weight_load)
{
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "array.weight_load_cycles", "16");
    expect_fail_at(&c, "array.weight_load_cycles", "array.weight_load_cycles",
                   "16 is more than array.cols (8): a piece is whole columns");
    cfg_set(&c, "array.weight_load_cycles", "8"); /* one column (4 bytes) a cycle */
    cfg_set(&c, "axi.data_bits", "32");
    fingerprint_of(&c);
    /* tiny's 32-byte WBUF word in 2 pieces is a 16-byte port: too narrow for 256-bit beats. */
    cfg_tiny(&c);
    cfg_set(&c, "axi.data_bits", "256");
    expect_fail_at(&c, "array.weight_load_cycles", "array.weight_load_cycles",
                   "2 makes the WBUF port 16 bytes, narrower than an AXI beat (32 bytes)");
    cfg_set(&c, "array.weight_load_cycles", "1");
    fingerprint_of(&c);
    /* The widest AXI port with a WBUF piece exactly one beat wide. */
    cfg_tiny(&c);
    cfg_set(&c, "array.rows", "8");
    cfg_set(&c, "array.cols", "16");
    cfg_set(&c, "axi.data_bits", "512");
    fingerprint_of(&c);
}
END_TEST

/* A buffer must hold whole words in each bank. */
START_TEST(test_err_whole_words)
{
    cfg c;
    cfg_tiny(&c);
    /* WBUF words are rows*cols = 32 bytes; 64 banks of them need 2 KiB. */
    cfg_set(&c, "buffers.wbuf.kib", "1");
    cfg_set(&c, "buffers.wbuf.banks", "64");
    expect_fail_at(&c, "buffers.wbuf.kib", "buffers.wbuf.kib",
                   "1 KiB is not a whole number of 32-byte words in each of 64 banks");
    cfg_set(&c, "buffers.wbuf.kib", "2");
    fingerprint_of(&c);
    /* A single word larger than the buffer. */
    cfg_tiny(&c);
    cfg_set(&c, "array.rows", "64");
    cfg_set(&c, "array.cols", "64");
    cfg_set(&c, "buffers.wbuf.kib", "2");
    cfg_set(&c, "buffers.wbuf.banks", "1");
    expect_fail_at(&c, "buffers.wbuf.kib", "buffers.wbuf.kib", "4096-byte words");
}
END_TEST

/* Depth limits come from the address fields: 2^18 words, 2^12 for PBUF. */
START_TEST(test_err_too_deep)
{
    cfg c;
    cfg_tiny(&c);
    /* IBUF words are rows = 4 bytes: 1024 KiB is exactly 2^18 words, 2048 KiB too many. */
    cfg_set(&c, "buffers.ibuf.kib", "1024");
    fingerprint_of(&c);
    cfg_set(&c, "buffers.ibuf.kib", "2048");
    expect_fail_at(&c, "buffers.ibuf.kib", "buffers.ibuf.kib", "524288 words");
    expect_fail_at(&c, "buffers.ibuf.kib", "buffers.ibuf.kib", "at most 262144 (LOAD.buf_addr)");
    /* PBUF words are cols * 16 = 128 bytes: 512 KiB is 2^12 words, 1024 KiB too many. */
    cfg_tiny(&c);
    cfg_set(&c, "buffers.pbuf.kib", "512");
    odpu_arch a;
    odpu_err err;
    ck_assert_int_eq(parse(cfg_render(&c), &a, &err), ODPU_OK);
    ck_assert_uint_eq(a.buf[ODPU_BUF_PBUF].depth_words, 4096);
    cfg_set(&c, "buffers.pbuf.kib", "1024");
    expect_fail_at(&c, "buffers.pbuf.kib", "buffers.pbuf.kib", "at most 4096 (CONV.pbuf_addr)");
}
END_TEST

START_TEST(test_err_io)
{
    odpu_arch a;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_arch_load("arch/no-such-config.yaml", &a, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "arch/no-such-config.yaml: cannot open"));
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_arch_load("arch", &a, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "arch: cannot read"));
    ck_assert_int_eq(odpu_arch_load(NULL, &a, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_arch_parse("x", 1, "t", NULL, &err), ODPU_E_ARG);
    /* err may be NULL. */
    ck_assert_int_eq(odpu_arch_parse("x: 1", 4, "t", &a, NULL), ODPU_E_CONFIG);
}
END_TEST

/* A failed parse leaves *out untouched. */
START_TEST(test_err_output_untouched)
{
    odpu_arch a;
    memset(&a, 0xA5, sizeof a);
    odpu_arch before = a;
    cfg c;
    cfg_tiny(&c);
    cfg_set(&c, "queues.dep_depth", "0");
    odpu_err err;
    ck_assert_int_ne(parse(cfg_render(&c), &a, &err), ODPU_OK);
    ck_assert_int_eq(memcmp(&a, &before, sizeof a), 0);
}
END_TEST

/* ---- Fuzz ------------------------------------------------------------------------------ */

/* Whatever the input: no crash (run under ASan by `make SANITIZE=1 test`), and either a
 * valid arch or a message naming the source. */
static void check_any(const char *text, size_t len)
{
    odpu_arch a;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_arch_parse(text, len, "fuzz.yaml", &a, &err);
    if (st == ODPU_OK) {
        ck_assert(a.rows >= 1 && a.cols % a.rows == 0);
        ck_assert_uint_eq(a.fingerprint, odpu_arch_fingerprint(&a));
        return;
    }
    ck_assert_msg(strncmp(err.msg, "fuzz.yaml", 9) == 0, "message '%s'", err.msg);
}

START_TEST(test_fuzz_truncations)
{
    const char *text = test_read_text(test_arch_path("b4096"));
    size_t len = strlen(text);
    for (size_t n = 0; n <= len; n++)
        check_any(text, n);
}
END_TEST

START_TEST(test_fuzz_mutations)
{
    static const char specials[] = "{}[]:,-?&*!|>'\"#%@`\t\n \\\0\xff\xc3";
    char orig[4096];
    snprintf(orig, sizeof orig, "%s", test_read_text(test_arch_path("tiny")));
    size_t len = strlen(orig);
    test_rng r;
    test_rng_seed(&r, 20240601);
    char buf[8192];
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, orig, len);
        size_t n = len;
        int edits = test_rng_range(&r, 1, 8);
        for (int e = 0; e < edits; e++) {
            size_t pos = (size_t)test_rng_range(&r, 0, (int32_t)n - 1);
            char ch = specials[test_rng_range(&r, 0, (int32_t)sizeof specials - 1)];
            switch (test_rng_range(&r, 0, 3)) {
            case 0: buf[pos] = ch; break;                                  /* replace */
            case 1: buf[pos] = (char)test_rng_range(&r, 0, 255); break;    /* random byte */
            case 2:                                                        /* insert */
                memmove(buf + pos + 1, buf + pos, n - pos);
                buf[pos] = ch;
                n++;
                break;
            default:                                                       /* delete */
                memmove(buf + pos, buf + pos + 1, n - pos - 1);
                n--;
                break;
            }
        }
        check_any(buf, n);
    }
    /* Pure noise. */
    for (int iter = 0; iter < 500; iter++) {
        size_t n = (size_t)test_rng_range(&r, 0, 512);
        test_rng_bytes(&r, buf, n);
        check_any(buf, n);
    }
}
END_TEST

/* Deep nesting must not recurse: the schema bounds the parser's depth. */
START_TEST(test_fuzz_deep_nesting)
{
    enum { DEPTH = 100000 };
    char *s = malloc(2 * DEPTH + 16);
    ck_assert_ptr_nonnull(s);
    size_t n = 0;
    memcpy(s, "array: ", 7);
    n = 7;
    for (int i = 0; i < DEPTH; i++)
        s[n++] = '[';
    for (int i = 0; i < DEPTH; i++)
        s[n++] = ']';
    check_any(s, n);
    memcpy(s, "name: ", 6);
    check_any(s, n);
    free(s);
}
END_TEST

/* ---- Generated files ------------------------------------------------------------------- */

/* Write one generated file for `name` into dir; returns its path (static buffer). */
static const char *write_generated(const char *dir, const char *name, int verilog)
{
    static char path[512];
    char sub[400];
    snprintf(sub, sizeof sub, "%s/%s", dir, name);
    mkdir(sub, 0777);
    snprintf(path, sizeof path, "%s/odpu_arch_params.%s", sub, verilog ? "vh" : "h");
    odpu_arch a = load_ok(name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    odpu_err err;
    odpu_status st = verilog ? odpu_arch_write_verilog(&a, f, &err)
                             : odpu_arch_write_c_header(&a, f, &err);
    ck_assert_msg(st == ODPU_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

START_TEST(test_c_header_text)
{
    char *dir = test_tmpdir("test_arch");
    const char *path = write_generated(dir, "b1024", 0);
    const char *text = test_read_text(path);
    odpu_arch a = load_ok("b1024");
    char fp[64];
    snprintf(fp, sizeof fp, "#define ODPU_ARCH_FINGERPRINT 0x%016llxULL",
             (unsigned long long)a.fingerprint);
    const char *want[] = {"generated from arch/b1024.yaml by opendpu archgen; do not edit",
                          "#ifndef ODPU_ARCH_PARAMS_H", "#define ODPU_ARCH_NAME \"b1024\"",
                          "#define ODPU_ARCH_WBUF_DEPTH", fp, "#endif"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(text, want[i]), "C header lacks '%s'", want[i]);
    test_remove_tree(dir);
}
END_TEST

/* A stream that cannot be written makes the writers fail with ODPU_E_IO. */
START_TEST(test_writer_io_error)
{
    odpu_arch a = load_ok("tiny");
    odpu_err err;
    FILE *f = fopen(test_arch_path("tiny"), "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(odpu_arch_write_c_header(&a, f, &err), ODPU_E_IO);
    clearerr(f);
    ck_assert_int_eq(odpu_arch_write_verilog(&a, f, &err), ODPU_E_IO);
    fclose(f);
}
END_TEST

/* A wrapper that includes the Verilog params twice (the guard must make that harmless) and
 * uses arch values and the fingerprint (the ISA and registers are in the package that
 * tests/test_isagen.c checks). */
static const char wrapper_sv[] =
    "`default_nettype none\n"
    "`include \"odpu_arch_params.vh\"\n"
    "`include \"odpu_arch_params.vh\"\n"
    "module odpu_params_wrap (\n"
    "  input  wire [AxiDataBits-1:0] beat_i,\n"
    "  output wire                   lane_o,\n"
    "  output wire [63:0]            fp_o,\n"
    "  output wire [31:0]            words_o\n"
    ");\n"
    "  assign lane_o = ^beat_i;\n"
    "  assign fp_o = ArchFingerprint;\n"
    "  assign words_o = 32'(IbufDepth + Rows * Cols + WbufPortDepth + DepDepth);\n"
    "endmodule\n"
    "`default_nettype wire\n";

static void write_wrapper(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/odpu_params_wrap.sv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(wrapper_sv, f);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_verilog_verilator_lint)
{
    char *dir = test_tmpdir("test_arch");
    write_wrapper(dir);
    for (int i = 0; i < N_SHIPPED; i++) {
        write_generated(dir, shipped[i], 1);
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "verilator --lint-only -Wall -I%s/%s %s/odpu_params_wrap.sv", dir, shipped[i], dir);
        ck_assert_msg(test_system(cmd) == 0, "verilator rejects the %s params: %s", shipped[i], cmd);
    }
    test_remove_tree(dir);
}
END_TEST

START_TEST(test_verilog_yosys)
{
    char *dir = test_tmpdir("test_arch");
    write_wrapper(dir);
    write_generated(dir, "b4096", 1);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "yosys -q -p 'read_verilog -sv -I%s/b4096 %s/odpu_params_wrap.sv; "
             "hierarchy -check -top odpu_params_wrap' >/dev/null",
             dir, dir);
    ck_assert_msg(test_system(cmd) == 0, "yosys rejects the params: %s", cmd);
    test_remove_tree(dir);
}
END_TEST

/* ---- opendpu archgen ------------------------------------------------------------------- */

static const char *cli_path(void)
{
    const char *cli = getenv("ODPU_CLI");
    return cli && *cli ? cli : "build/opendpu";
}

/* Run the CLI with args, capture stdout+stderr into out; returns the exit status. */
static int run_cli(const char *args, char *out, size_t size, const char *dir)
{
    char cmd[1024];
    /* A cross build's CLI runs through the emulator its tests run under (make CROSS=...). */
    const char *target_run = getenv("ODPU_TARGET_RUN");
    snprintf(cmd, sizeof cmd, "%s %s archgen %s >%s/out.txt 2>&1", target_run ? target_run : "", cli_path(), args, dir);
    int rc = test_system(cmd);
    char path[512];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    snprintf(out, size, "%s", test_read_text(path));
    return rc;
}

START_TEST(test_cli_print)
{
    char *dir = test_tmpdir("test_arch");
    char out[8192];
    ck_assert_int_eq(run_cli("arch/b4096.yaml --print", out, sizeof out, dir), 0);
    odpu_arch a = load_ok("b4096");
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)a.fingerprint);
    ck_assert_msg(strstr(out, fp), "no fingerprint in:\n%s", out);
    ck_assert_msg(strstr(out, "32 x 64 = 2048 MACs, 4096 ops/clock"), "%s", out);
    ck_assert_msg(strstr(out, "peak 1228.8 GOPS"), "%s", out);
    test_remove_tree(dir);
}
END_TEST

START_TEST(test_cli_errors)
{
    char *dir = test_tmpdir("test_arch");
    char out[8192], args[600];
    ck_assert_int_eq(run_cli("", out, sizeof out, dir), 2);
    ck_assert_ptr_nonnull(strstr(out, "usage: opendpu archgen"));
    ck_assert_int_eq(run_cli("--help", out, sizeof out, dir), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: opendpu archgen"));
    ck_assert_int_eq(run_cli("arch/tiny.yaml --bogus", out, sizeof out, dir), 2);
    ck_assert_int_eq(run_cli("arch/tiny.yaml --c-header", out, sizeof out, dir), 2);
    ck_assert_int_eq(run_cli("arch/tiny.yaml arch/b512.yaml", out, sizeof out, dir), 2);
    ck_assert_int_eq(run_cli("arch/missing.yaml", out, sizeof out, dir), 1);
    ck_assert_msg(strncmp(out, "opendpu archgen: arch/missing.yaml: cannot open", 47) == 0, "%s", out);
    snprintf(args, sizeof args, "arch/tiny.yaml --verilog %s/no/such/dir/x.vh", dir);
    ck_assert_int_eq(run_cli(args, out, sizeof out, dir), 1);
    ck_assert_msg(strstr(out, "opendpu archgen: ") == out && strstr(out, "x.vh"), "%s", out);
    test_remove_tree(dir);
}
END_TEST

/* Outputs equal the library's, and no temporary file is left behind. */
START_TEST(test_cli_outputs)
{
    char *dir = test_tmpdir("test_arch");
    char out[8192], args[600];
    snprintf(args, sizeof args, "arch/b512.yaml --c-header %s/p.h --verilog %s/p.vh", dir, dir);
    ck_assert_int_eq(run_cli(args, out, sizeof out, dir), 0);
    ck_assert_str_eq(out, ""); /* nothing printed without --print */
    const char *lib_h = write_generated(dir, "b512", 0);
    char expect[1 << 15];
    snprintf(expect, sizeof expect, "%s", test_read_text(lib_h));
    char path[512];
    snprintf(path, sizeof path, "%s/p.h", dir);
    ck_assert_str_eq(test_read_text(path), expect);
    snprintf(path, sizeof path, "%s/p.vh", dir);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    mode_t mask = umask(0);
    umask(mask);
    ck_assert_uint_eq(sb.st_mode & 0777, 0666 & ~mask); /* as a plain create, not mkstemp's 0600 */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
    ck_assert_msg(test_system(cmd) != 0, "a temporary file was left in %s", dir);
    test_remove_tree(dir);
}
END_TEST

static Suite *arch_suite(void)
{
    Suite *s = suite_create("arch");
    TCase *load = tcase_create("load");
    tcase_add_test(load, test_shipped_configs);
    tcase_add_test(load, test_rendered_equals_tiny);
    tcase_add_test(load, test_docs_table);
    suite_add_tcase(s, load);

    TCase *fp = tcase_create("fingerprint");
    tcase_add_test(fp, test_fingerprints_differ);
    tcase_add_test(fp, test_fingerprint_canonical_form);
    tcase_add_test(fp, test_fingerprint_ignores_layout);
    tcase_add_test(fp, test_fingerprint_semantics);
    suite_add_tcase(s, fp);

    TCase *err = tcase_create("errors");
    tcase_add_test(err, test_err_syntax);
    tcase_add_test(err, test_err_empty);
    tcase_add_test(err, test_err_not_mapping);
    tcase_add_test(err, test_err_garbage);
    tcase_add_test(err, test_err_two_documents);
    tcase_add_test(err, test_err_alias);
    tcase_add_test(err, test_err_complex_key);
    tcase_add_test(err, test_err_missing_key);
    tcase_add_test(err, test_err_unknown_key);
    tcase_add_test(err, test_err_duplicate_key);
    tcase_add_test(err, test_err_not_integer);
    tcase_add_test(err, test_err_negative);
    tcase_add_test(err, test_err_overflow);
    tcase_add_test(err, test_err_name);
    tcase_add_test(err, test_err_ranges);
    tcase_add_test(err, test_err_cols_multiple_of_rows);
    tcase_add_test(err, test_err_weight_load);
    tcase_add_test(err, test_err_whole_words);
    tcase_add_test(err, test_err_too_deep);
    tcase_add_test(err, test_err_io);
    tcase_add_test(err, test_err_output_untouched);
    suite_add_tcase(s, err);

    TCase *fuzz = tcase_create("fuzz");
    tcase_set_timeout(fuzz, 120); /* slow under ASan */
    tcase_add_test(fuzz, test_fuzz_truncations);
    tcase_add_test(fuzz, test_fuzz_mutations);
    tcase_add_test(fuzz, test_fuzz_deep_nesting);
    suite_add_tcase(s, fuzz);

    TCase *gen = tcase_create("generated");
    tcase_set_timeout(gen, 120); /* verilator and yosys start-up */
    tcase_add_test(gen, test_c_header_text);
    tcase_add_test(gen, test_writer_io_error);
    tcase_add_test(gen, test_verilog_verilator_lint);
    tcase_add_test(gen, test_verilog_yosys);
    suite_add_tcase(s, gen);

    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 60);
    tcase_add_test(cli, test_cli_print);
    tcase_add_test(cli, test_cli_errors);
    tcase_add_test(cli, test_cli_outputs);
    suite_add_tcase(s, cli);
    return s;
}

ODPU_TEST_MAIN(arch_suite)
