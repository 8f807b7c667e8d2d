/* board.c - parse and validate a board description (boards/<board>/board.yaml, docs/boards.md).
 * The file is one flat mapping: scalars and one list of scalars (archs). libyaml's event API is
 * walked against a small key table, so unknown, duplicate and missing keys, aliases and values
 * of the wrong type are reported with their line. */
#include "boards/board.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/file.h"

enum {
    BOARD_FILE_MAX = 1 << 16, /* a description is a few hundred bytes */
    QUOTE_MAX = 40,           /* how much of an offending value a message quotes */
    PAGE_BYTES = 4096,        /* UIO maps whole pages: the control window is at least one */
    UDMABUF_MIB_MAX = 2048,   /* the PS DDR's low 2 GiB window holds every CMA pool */
};

/* M_AXI_HPM0_FPD's 256 MiB window in the PS address map (UG1085, "System Addresses"):
 * the control registers must lie inside it. */
static const uint64_t HPM0_FPD_BASE = 0xA0000000ull;
static const uint64_t HPM0_FPD_SIZE = 0x10000000ull;
/* pl_ps_irq0[0] is GIC SPI 89 (interrupt ID 121, UG1085 "Interrupts"); the block design wires
 * the engine's interrupt to that line, so the description must say the same. */
static const uint32_t PL_PS_IRQ0_SPI = 89;

typedef enum key_kind { KIND_TEXT, KIND_UINT, KIND_LIST } key_kind;

typedef enum key_id {
    K_NAME, K_PART, K_BOARD_PART, K_BOARD_CONNECTIONS, K_ARCHS, K_DEFAULT_ARCH, K_MEMORY_PORT,
    K_CONTROL_BASE, K_CONTROL_SIZE, K_IRQ_SPI, K_UDMABUF_MIB, K_FPGA_REGION, K_APP_PREFIX,
    K_COUNT
} key_id;

typedef struct key_spec {
    const char *name;
    key_kind kind;
    int optional;
} key_spec;

static const key_spec keys[K_COUNT] = {
    [K_NAME] = {"name", KIND_TEXT, 0},
    [K_PART] = {"part", KIND_TEXT, 0},
    [K_BOARD_PART] = {"board_part", KIND_TEXT, 0},
    [K_BOARD_CONNECTIONS] = {"board_connections", KIND_TEXT, 1},
    [K_ARCHS] = {"archs", KIND_LIST, 0},
    [K_DEFAULT_ARCH] = {"default_arch", KIND_TEXT, 0},
    [K_MEMORY_PORT] = {"memory_port", KIND_TEXT, 0},
    [K_CONTROL_BASE] = {"control_base", KIND_UINT, 0},
    [K_CONTROL_SIZE] = {"control_size", KIND_UINT, 0},
    [K_IRQ_SPI] = {"irq_spi", KIND_UINT, 0},
    [K_UDMABUF_MIB] = {"udmabuf_mib", KIND_UINT, 0},
    [K_FPGA_REGION] = {"fpga_region", KIND_TEXT, 0},
    [K_APP_PREFIX] = {"app_prefix", KIND_TEXT, 0},
};

typedef struct parse_ctx {
    yaml_parser_t yaml;
    const char *src;
    odpu_err *err;
    odpu_board *out;
    size_t line[K_COUNT]; /* 1-based line of each key seen, 0 if not seen */
} parse_ctx;

const char *odpu_board_port_name(odpu_board_port port)
{
    return port == ODPU_BOARD_PORT_HPC0 ? "hpc0" : "hp0";
}

/* Untrusted text for a message: at most QUOTE_MAX printable ASCII bytes. */
static void quote(const char *s, size_t len, char out[QUOTE_MAX + 4])
{
    size_t n = len < QUOTE_MAX ? len : QUOTE_MAX;
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (n < len) {
        memcpy(out + n, "...", 4);
        return;
    }
    out[n] = '\0';
}

static size_t event_line(const yaml_event_t *ev) { return ev->start_mark.line + 1; }

static odpu_status next_event(parse_ctx *c, yaml_event_t *ev)
{
    if (yaml_parser_parse(&c->yaml, ev))
        return ODPU_OK;
    return odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: YAML syntax error: %s", c->src,
                     c->yaml.problem_mark.line + 1, c->yaml.problem ? c->yaml.problem : "unknown");
}

static odpu_status expect(parse_ctx *c, yaml_event_type_t type, const char *what)
{
    yaml_event_t ev;
    odpu_status st = next_event(c, &ev);
    if (st != ODPU_OK)
        return st;
    if (ev.type != type)
        st = odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: expected %s", c->src, event_line(&ev), what);
    yaml_event_delete(&ev);
    return st;
}

/* Names, parts and labels: letters, digits and . _ - : only, so that every generated file
 * (Tcl, device tree, JSON, shell) may quote them without escaping. */
static int is_word(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._-:", *s))
            return 0;
    return 1;
}

/* Free text (board_connections): printable ASCII without Tcl or shell metacharacters. */
static int is_plain_text(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s >= 0x7f || strchr("\"'\\{}[]$;`", *s))
            return 0;
    return 1;
}

static odpu_status copy_text(parse_ctx *c, key_id k, const char *v, size_t len, size_t line, char *dst,
                             size_t size)
{
    char q[QUOTE_MAX + 4];
    quote(v, len, q);
    if (len >= size)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: '%s' is longer than %zu characters", c->src, line,
                         keys[k].name, q, size - 1);
    memcpy(dst, v, len);
    dst[len] = '\0';
    int ok = k == K_BOARD_CONNECTIONS ? is_plain_text(dst) : is_word(dst);
    if (!ok)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: '%s' has characters outside %s", c->src, line,
                         keys[k].name, q, k == K_BOARD_CONNECTIONS ? "plain text" : "letters, digits and ._-:");
    return ODPU_OK;
}

static odpu_status parse_uint(parse_ctx *c, key_id k, const char *v, size_t line, uint64_t *out)
{
    char q[QUOTE_MAX + 4];
    quote(v, strlen(v), q);
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (!isdigit((unsigned char)v[0]) || errno != 0 || *end != '\0')
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: '%s' is not an unsigned number", c->src, line,
                         keys[k].name, q);
    *out = x;
    return ODPU_OK;
}

static odpu_status set_scalar(parse_ctx *c, key_id k, const char *v, size_t len, size_t line)
{
    odpu_board *b = c->out;
    char word[ODPU_BOARD_NAME_MAX];
    uint64_t x = 0;
    odpu_status st = ODPU_OK;
    switch (k) {
    case K_NAME: return copy_text(c, k, v, len, line, b->name, sizeof b->name);
    case K_PART: return copy_text(c, k, v, len, line, b->part, sizeof b->part);
    case K_BOARD_PART: return copy_text(c, k, v, len, line, b->board_part, sizeof b->board_part);
    case K_BOARD_CONNECTIONS:
        return copy_text(c, k, v, len, line, b->board_connections, sizeof b->board_connections);
    case K_DEFAULT_ARCH: return copy_text(c, k, v, len, line, b->default_arch, sizeof b->default_arch);
    case K_FPGA_REGION: return copy_text(c, k, v, len, line, b->fpga_region, sizeof b->fpga_region);
    case K_APP_PREFIX: return copy_text(c, k, v, len, line, b->app_prefix, sizeof b->app_prefix);
    case K_MEMORY_PORT:
        st = copy_text(c, k, v, len, line, word, sizeof word);
        if (st == ODPU_OK && strcmp(word, "hp0") == 0)
            b->memory_port = ODPU_BOARD_PORT_HP0;
        else if (st == ODPU_OK && strcmp(word, "hpc0") == 0)
            b->memory_port = ODPU_BOARD_PORT_HPC0;
        else if (st == ODPU_OK)
            st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: memory_port: '%s' is not one of hp0, hpc0", c->src,
                           line, word);
        return st;
    case K_CONTROL_BASE: return parse_uint(c, k, v, line, &b->control_base);
    case K_CONTROL_SIZE: return parse_uint(c, k, v, line, &b->control_size);
    case K_IRQ_SPI:
    case K_UDMABUF_MIB:
        st = parse_uint(c, k, v, line, &x);
        if (st == ODPU_OK && x > UINT32_MAX)
            st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: %llu is too large", c->src, line, keys[k].name,
                           (unsigned long long)x);
        if (st == ODPU_OK)
            *(k == K_IRQ_SPI ? &b->irq_spi : &b->udmabuf_mib) = (uint32_t)x;
        return st;
    default: return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s is not a scalar", c->src, line, keys[k].name);
    }
}

/* archs: a sequence of arch names. */
static odpu_status parse_list(parse_ctx *c, key_id k, size_t line)
{
    odpu_board *b = c->out;
    for (;;) {
        yaml_event_t ev;
        odpu_status st = next_event(c, &ev);
        if (st != ODPU_OK)
            return st;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            if (b->arch_count == 0)
                return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: the list is empty", c->src, line, keys[k].name);
            return ODPU_OK;
        }
        if (ev.type != YAML_SCALAR_EVENT)
            st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: expected an arch name", c->src, event_line(&ev),
                           keys[k].name);
        else if (b->arch_count >= ODPU_BOARD_ARCHS_MAX)
            st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: more than %d archs", c->src, event_line(&ev),
                           keys[k].name, ODPU_BOARD_ARCHS_MAX);
        else
            st = copy_text(c, k, (const char *)ev.data.scalar.value, ev.data.scalar.length, event_line(&ev),
                           b->archs[b->arch_count++], ODPU_ARCH_NAME_MAX);
        yaml_event_delete(&ev);
        if (st != ODPU_OK)
            return st;
    }
}

static odpu_status find_key(parse_ctx *c, const yaml_event_t *ev, key_id *out)
{
    const char *name = (const char *)ev->data.scalar.value;
    for (int k = 0; k < K_COUNT; k++) {
        if (strlen(keys[k].name) != ev->data.scalar.length || memcmp(keys[k].name, name, ev->data.scalar.length) != 0)
            continue;
        if (c->line[k])
            return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: duplicate key (first on line %zu)", c->src,
                             event_line(ev), keys[k].name, c->line[k]);
        c->line[k] = event_line(ev);
        *out = (key_id)k;
        return ODPU_OK;
    }
    char q[QUOTE_MAX + 4];
    quote(name, ev->data.scalar.length, q);
    return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: unknown key '%s'", c->src, event_line(ev), q);
}

/* One "key: value" pair; *done is set at the end of the mapping. */
static odpu_status parse_pair(parse_ctx *c, int *done)
{
    yaml_event_t ev;
    odpu_status st = next_event(c, &ev);
    if (st != ODPU_OK)
        return st;
    if (ev.type == YAML_MAPPING_END_EVENT) {
        *done = 1;
        yaml_event_delete(&ev);
        return ODPU_OK;
    }
    key_id k = K_COUNT;
    if (ev.type != YAML_SCALAR_EVENT)
        st = odpu_fail(c->err, ODPU_E_PARSE, "%s:%zu: expected a key", c->src, event_line(&ev));
    else
        st = find_key(c, &ev, &k);
    yaml_event_delete(&ev);
    if (st != ODPU_OK)
        return st;
    size_t line = c->line[k];
    if ((st = next_event(c, &ev)) != ODPU_OK)
        return st;
    if (keys[k].kind == KIND_LIST && ev.type == YAML_SEQUENCE_START_EVENT)
        st = parse_list(c, k, line);
    else if (keys[k].kind != KIND_LIST && ev.type == YAML_SCALAR_EVENT)
        st = set_scalar(c, k, (const char *)ev.data.scalar.value, ev.data.scalar.length, line);
    else
        st = odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: %s: expected %s", c->src, line, keys[k].name,
                       keys[k].kind == KIND_LIST ? "a list such as [b512, b1024]" : "a single value");
    yaml_event_delete(&ev);
    return st;
}

static odpu_status parse_document(parse_ctx *c)
{
    odpu_status st = expect(c, YAML_STREAM_START_EVENT, "a YAML stream");
    if (st == ODPU_OK)
        st = expect(c, YAML_DOCUMENT_START_EVENT, "a document");
    if (st == ODPU_OK)
        st = expect(c, YAML_MAPPING_START_EVENT, "a mapping of board keys");
    for (int done = 0; st == ODPU_OK && !done;)
        st = parse_pair(c, &done);
    if (st == ODPU_OK)
        st = expect(c, YAML_DOCUMENT_END_EVENT, "the end of the document");
    if (st == ODPU_OK)
        st = expect(c, YAML_STREAM_END_EVENT, "one document only");
    return st;
}

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static int lists_arch(const odpu_board *b, const char *name)
{
    for (uint32_t i = 0; i < b->arch_count; i++)
        if (strcmp(b->archs[i], name) == 0)
            return 1;
    return 0;
}

/* Rules between keys and against the PS, each naming the key's line. */
static odpu_status validate(parse_ctx *c)
{
    const odpu_board *b = c->out;
    for (int k = 0; k < K_COUNT; k++)
        if (!c->line[k] && !keys[k].optional)
            return odpu_fail(c->err, ODPU_E_CONFIG, "%s: missing key '%s'", c->src, keys[k].name);
    if (!lists_arch(b, b->default_arch))
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: default_arch: %s is not in archs", c->src,
                         c->line[K_DEFAULT_ARCH], b->default_arch);
    if (!is_pow2(b->control_size) || b->control_size < PAGE_BYTES)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: control_size: 0x%llx is not a power of two of at least 0x%x",
                         c->src, c->line[K_CONTROL_SIZE], (unsigned long long)b->control_size, PAGE_BYTES);
    if (b->control_base % b->control_size != 0 || b->control_base < HPM0_FPD_BASE ||
        b->control_base + b->control_size > HPM0_FPD_BASE + HPM0_FPD_SIZE)
        return odpu_fail(c->err, ODPU_E_CONFIG,
                         "%s:%zu: control_base: 0x%llx is not aligned to control_size inside M_AXI_HPM0_FPD's window "
                         "0x%llx..0x%llx",
                         c->src, c->line[K_CONTROL_BASE], (unsigned long long)b->control_base,
                         (unsigned long long)HPM0_FPD_BASE, (unsigned long long)(HPM0_FPD_BASE + HPM0_FPD_SIZE - 1));
    if (b->irq_spi != PL_PS_IRQ0_SPI)
        return odpu_fail(c->err, ODPU_E_CONFIG,
                         "%s:%zu: irq_spi: %u is not %u, the GIC SPI of pl_ps_irq0[0] that the block design wires",
                         c->src, c->line[K_IRQ_SPI], b->irq_spi, PL_PS_IRQ0_SPI);
    if (b->udmabuf_mib == 0 || b->udmabuf_mib > UDMABUF_MIB_MAX)
        return odpu_fail(c->err, ODPU_E_CONFIG, "%s:%zu: udmabuf_mib: %u is not in [1, %d]", c->src,
                         c->line[K_UDMABUF_MIB], b->udmabuf_mib, UDMABUF_MIB_MAX);
    return ODPU_OK;
}

odpu_status odpu_board_load(const char *path, odpu_board *out, odpu_err *err)
{
    uint8_t *text = NULL;
    size_t len = 0;
    odpu_status st = odpu_read_file(path, BOARD_FILE_MAX, &text, &len, err);
    if (st != ODPU_OK)
        return st;
    parse_ctx c = {.src = path, .err = err, .out = out};
    memset(out, 0, sizeof *out);
    if (!yaml_parser_initialize(&c.yaml)) {
        free(text);
        return odpu_fail(err, ODPU_E_NOMEM, "%s: cannot initialize the YAML parser", path);
    }
    yaml_parser_set_input_string(&c.yaml, text, len);
    st = parse_document(&c);
    yaml_parser_delete(&c.yaml);
    free(text);
    if (st == ODPU_OK)
        st = validate(&c);
    return st;
}

odpu_status odpu_board_check_arch(const odpu_board *board, const char *board_path, const odpu_arch *arch,
                                  const char *arch_path, odpu_err *err)
{
    if (lists_arch(board, arch->name))
        return ODPU_OK;
    char fits[ODPU_BOARD_ARCHS_MAX * (ODPU_ARCH_NAME_MAX + 2)] = "";
    for (uint32_t i = 0; i < board->arch_count; i++) {
        size_t n = strlen(fits);
        snprintf(fits + n, sizeof fits - n, "%s%s", i ? ", " : "", board->archs[i]);
    }
    return odpu_fail(err, ODPU_E_CONFIG,
                     "%s: arch '%s' does not fit the %s (%s lists %s; docs/resources.md has the figures): "
                     "pick one of those with ARCH=arch/NAME.yaml",
                     arch_path, arch->name, board->name, board_path, fits);
}
