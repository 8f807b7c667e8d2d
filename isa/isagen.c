/* isagen.c - the generated artefacts of the instruction set (docs/isa.md, "Generated
 * artefacts"): the header-only C codec and the SystemVerilog package, both expanded from
 * isa_fields.def and isa_defs.h, so that no field position or limit is typed twice. */
#include "isa/isagen.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "common/text.h"
#include "isa/regs.h"

/* ---- The tables, as data ----------------------------------------------------------------- */

typedef struct gen_field {
    const char *name;
    unsigned word, lsb, width;
    int is_signed;
    int bias;
} gen_field;

typedef struct gen_class {
    const char *op;     /* "CONV": the row prefix of isa_fields.def */
    const char *c_type; /* "odpu_conv" */
    const char *sv_type;/* "insn_conv_t" */
    int opcode;         /* -1 for the header and the PBUF entry */
    unsigned words;     /* 32-bit words the class spans */
    int has_unused;     /* leading `uint32_t unused_` member (instruction classes: END has no field) */
    const gen_field *fields;
    size_t n_fields;
} gen_class;

#define SIGNED_U 0
#define SIGNED_S 1
#define X_FIELD(OP, field, word, lsb, width, sign, bias) {#field, word, lsb, width, SIGNED_##sign, bias},
static const gen_field header_fields[] = {ODPU_HEADER_FIELDS(X_FIELD)};
static const gen_field param_fields[] = {ODPU_PARAM_FIELDS(X_FIELD)};
#define X_CLASS_FIELDS(OP, code, name, FIELDS) static const gen_field name##_fields[] = {FIELDS(X_FIELD){NULL, 0, 0, 0, 0, 0}};
ODPU_OPCODES(X_CLASS_FIELDS)
#undef X_CLASS_FIELDS
#undef X_FIELD

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Instruction classes end their field arrays with a NULL row (END has no field). */
#define X_CLASS(OP, code, name, FIELDS) \
    {#OP, "odpu_" #name, "insn_" #name "_t", code, ODPU_INSN_WORDS, 1, name##_fields, COUNT_OF(name##_fields) - 1},
static const gen_class insn_classes[] = {ODPU_OPCODES(X_CLASS)};
#undef X_CLASS

static const gen_class header_class = {"HDR",   "odpu_insn_header", "insn_hdr_t", -1, ODPU_INSN_WORDS, 0,
                                       header_fields, COUNT_OF(header_fields)};
static const gen_class param_class = {"PARAM", "odpu_chan_params", "chan_params_t", -1, ODPU_PARAM_ENTRY_WORDS, 0,
                                      param_fields, COUNT_OF(param_fields)};

enum { WORD_BITS = 32, NAME_MAX_LEN = 64, OPCODE_SPACE_MAX = 256 };

static uint32_t field_mask(const gen_field *f)
{
    return f->width >= WORD_BITS ? 0xFFFFFFFFu : (1u << f->width) - 1u;
}

/* Semantic range of a field: the encoded range plus the bias. */
static int64_t field_min(const gen_field *f)
{
    return (f->is_signed ? -(INT64_C(1) << (f->width - 1)) : 0) + f->bias;
}

static int64_t field_max(const gen_field *f)
{
    return (f->is_signed ? (INT64_C(1) << (f->width - 1)) - 1 : (INT64_C(1) << f->width) - 1) + f->bias;
}

static unsigned header_width(const char *name)
{
    for (size_t i = 0; i < COUNT_OF(header_fields); i++)
        if (!strcmp(header_fields[i].name, name))
            return header_fields[i].width;
    return 0;
}

/* Every row must lie inside its class's words and no two rows may share a bit; instruction
 * fields must also stay clear of the header byte. A broken table is a build error. */
static odpu_status check_class(const gen_class *c, odpu_err *err)
{
    uint32_t used[ODPU_INSN_WORDS] = {0};
    if (c->opcode >= 0)
        for (size_t i = 0; i < COUNT_OF(header_fields); i++)
            used[header_fields[i].word] |= field_mask(&header_fields[i]) << header_fields[i].lsb;
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        if (f->width == 0 || f->width > WORD_BITS || f->lsb + f->width > WORD_BITS || f->word >= c->words)
            return odpu_fail(err, ODPU_E_CONFIG, "isa_fields.def: %s.%s (word %u, bits %u+%u) does not fit a word of its %u",
                             c->op, f->name, f->word, f->lsb, f->width, c->words);
        uint32_t bits = field_mask(f) << f->lsb;
        if (used[f->word] & bits)
            return odpu_fail(err, ODPU_E_CONFIG, "isa_fields.def: %s.%s overlaps another field in word %u",
                             c->op, f->name, f->word);
        used[f->word] |= bits;
    }
    if (c == &param_class)
        for (size_t i = 0; i < c->n_fields; i++)
            if (c->fields[i].width != WORD_BITS || c->fields[i].word != i)
                return odpu_fail(err, ODPU_E_CONFIG, "isa_fields.def: PARAM.%s must fill word %zu (isa_defs.h counts "
                                 "one word per row)", c->fields[i].name, i);
    return ODPU_OK;
}

static odpu_status check_tables(odpu_err *err)
{
    odpu_status st = check_class(&header_class, err);
    if (st == ODPU_OK)
        st = check_class(&param_class, err);
    for (size_t i = 0; i < COUNT_OF(insn_classes) && st == ODPU_OK; i++)
        st = check_class(&insn_classes[i], err);
    if (st == ODPU_OK && (1u << header_width("opcode")) > OPCODE_SPACE_MAX)
        st = odpu_fail(err, ODPU_E_CONFIG, "isa_fields.def: the opcode field is wider than the generator allows");
    return st;
}

/* Bits each class uses (header included for instructions), per word. */
static void used_bits(const gen_class *c, uint32_t used[ODPU_INSN_WORDS])
{
    memset(used, 0, ODPU_INSN_WORDS * sizeof *used);
    if (c->opcode >= 0)
        for (size_t i = 0; i < COUNT_OF(header_fields); i++)
            used[header_fields[i].word] |= field_mask(&header_fields[i]) << header_fields[i].lsb;
    for (size_t i = 0; i < c->n_fields; i++)
        used[c->fields[i].word] |= field_mask(&c->fields[i]) << c->fields[i].lsb;
}

/* ---- C codec --------------------------------------------------------------------------- */

/* A C integer literal for a range bound: suffixed where int would not hold it. */
static void c_literal(int64_t v, char *out, size_t size)
{
    if (v > INT32_MAX)
        snprintf(out, size, "%" PRId64 "u", v);
    else if (v == INT32_MIN)
        snprintf(out, size, "(-2147483647 - 1)");
    else if (v < 0)
        snprintf(out, size, "(%" PRId64 ")", v);
    else
        snprintf(out, size, "%" PRId64, v);
}

static void c_struct(FILE *out, const gen_class *c)
{
    fprintf(out, "typedef struct %s {\n", c->c_type);
    if (c->has_unused)
        fprintf(out, "    uint32_t unused_; /* keeps a class without fields a valid struct */\n");
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        fprintf(out, "    %s %s; /* word %u [%u:%u]%s%s */\n", f->is_signed ? "int32_t" : "uint32_t", f->name, f->word,
                f->lsb + f->width - 1, f->lsb, f->is_signed ? ", signed" : "", f->bias ? ", encoded as value - bias" : "");
    }
    fprintf(out, "} %s;\n", c->c_type);
}

static void c_limits(FILE *out, const gen_class *c)
{
    char op[NAME_MAX_LEN], name[NAME_MAX_LEN], lo[NAME_MAX_LEN], hi[NAME_MAX_LEN];
    odpu_upper(c->op, op, sizeof op);
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        odpu_upper(f->name, name, sizeof name);
        c_literal(field_min(f), lo, sizeof lo);
        c_literal(field_max(f), hi, sizeof hi);
        fprintf(out, "#define ODPU_%s_%s_WIDTH %u\n#define ODPU_%s_%s_MIN %s\n#define ODPU_%s_%s_MAX %s\n", op, name,
                f->width, op, name, lo, op, name, hi);
    }
    fprintf(out, "enum { ODPU_%s_FIELD_COUNT = %zu };\n", op, c->n_fields);
}

static void c_pack(FILE *out, const gen_class *c, const char *words)
{
    fprintf(out, "/* OR the fields of v into w (values are assumed to fit: see %s_misfit). */\n", c->c_type);
    fprintf(out, "static inline void %s_pack(const %s *v, uint32_t w[%s])\n{\n", c->c_type, c->c_type, words);
    if (!c->n_fields)
        fprintf(out, "    (void)v;\n    (void)w;\n");
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        if (f->bias)
            fprintf(out, "    w[%u] |= (((uint32_t)v->%s - %du) & 0x%" PRIx32 "u) << %u;\n", f->word, f->name, f->bias,
                    field_mask(f), f->lsb);
        else
            fprintf(out, "    w[%u] |= ((uint32_t)v->%s & 0x%" PRIx32 "u) << %u;\n", f->word, f->name, field_mask(f),
                    f->lsb);
    }
    fprintf(out, "}\n\n");
}

static void c_unpack(FILE *out, const gen_class *c, const char *words)
{
    fprintf(out, "static inline void %s_unpack(const uint32_t w[%s], %s *v)\n{\n", c->c_type, words, c->c_type);
    if (c->has_unused)
        fprintf(out, "    v->unused_ = 0;\n");
    if (!c->n_fields)
        fprintf(out, "    (void)w;\n");
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        if (f->is_signed)
            fprintf(out, "    v->%s = odpu_field_sext((w[%u] >> %u) & 0x%" PRIx32 "u, %u) + %d;\n", f->name, f->word,
                    f->lsb, field_mask(f), f->width, f->bias);
        else if (f->bias)
            fprintf(out, "    v->%s = ((w[%u] >> %u) & 0x%" PRIx32 "u) + %du;\n", f->name, f->word, f->lsb, field_mask(f),
                    f->bias);
        else
            fprintf(out, "    v->%s = (w[%u] >> %u) & 0x%" PRIx32 "u;\n", f->name, f->word, f->lsb, field_mask(f));
    }
    fprintf(out, "}\n\n");
}

/* The first field outside its range, or -1. Comparisons a field's type makes vacuous (an
 * unsigned field's lower bound 0, a whole-word field) are left out. */
static void c_misfit(FILE *out, const gen_class *c)
{
    char op[NAME_MAX_LEN], name[NAME_MAX_LEN];
    odpu_upper(c->op, op, sizeof op);
    fprintf(out, "/* Index (in %s_fields) of the first field whose value does not fit, -1 if all do. */\n", c->c_type);
    fprintf(out, "static inline int %s_misfit(const %s *v)\n{\n", c->c_type, c->c_type);
    int any = 0;
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        if (f->width >= WORD_BITS && f->bias == 0)
            continue;
        odpu_upper(f->name, name, sizeof name);
        int check_min = f->is_signed || f->bias != 0;
        if (check_min)
            fprintf(out, "    if (v->%s < ODPU_%s_%s_MIN || v->%s > ODPU_%s_%s_MAX)\n", f->name, op, name, f->name, op, name);
        else
            fprintf(out, "    if (v->%s > ODPU_%s_%s_MAX)\n", f->name, op, name);
        fprintf(out, "        return %zu;\n", i);
        any = 1;
    }
    if (!any)
        fprintf(out, "    (void)v;\n");
    fprintf(out, "    return -1;\n}\n\n");
}

/* The value of field `index` as a wide integer, for messages and generic code. */
static void c_get(FILE *out, const gen_class *c)
{
    fprintf(out, "static inline int64_t %s_get(const %s *v, int index)\n{\n", c->c_type, c->c_type);
    if (c->n_fields) {
        fprintf(out, "    switch (index) {\n");
        for (size_t i = 0; i < c->n_fields; i++)
            fprintf(out, "    case %zu: return v->%s;\n", i, c->fields[i].name);
        fprintf(out, "    default: break;\n    }\n");
    } else {
        fprintf(out, "    (void)v;\n    (void)index;\n");
    }
    fprintf(out, "    return 0;\n}\n\n");
}

static void c_descriptors(FILE *out, const gen_class *c)
{
    if (!c->n_fields) {
        /* A class without fields: generic code may still name the table (never indexing it). */
        fprintf(out, "static const odpu_field_desc *const %s_fields = 0;\n\n", c->c_type);
        return;
    }
    char op[NAME_MAX_LEN];
    odpu_upper(c->op, op, sizeof op);
    fprintf(out, "static const odpu_field_desc %s_fields[ODPU_%s_FIELD_COUNT] = {\n", c->c_type, op);
    for (size_t i = 0; i < c->n_fields; i++) {
        const gen_field *f = &c->fields[i];
        char lo[NAME_MAX_LEN], hi[NAME_MAX_LEN];
        c_literal(field_min(f), lo, sizeof lo);
        c_literal(field_max(f), hi, sizeof hi);
        fprintf(out, "    {\"%s\", %u, %u, %u, %d, %d, %s, %s},\n", f->name, f->word, f->lsb, f->width, f->is_signed,
                f->bias, lo, hi);
    }
    fprintf(out, "};\n\n");
}

static void c_class(FILE *out, const gen_class *c)
{
    char words[NAME_MAX_LEN];
    snprintf(words, sizeof words, "%s", c == &param_class ? "ODPU_PARAM_ENTRY_WORDS" : "ODPU_INSN_WORDS");
    if (c->opcode >= 0)
        fprintf(out, "/* ---- %s: opcode %d (docs/isa.md section 5) ", c->op, c->opcode);
    else
        fprintf(out, "/* ---- %s ", c == &param_class ? "PBUF entry (docs/isa.md section 2)" : "Header of every instruction");
    fprintf(out, "---- */\n\n");
    c_struct(out, c);
    c_limits(out, c);
    fprintf(out, "\n");
    c_descriptors(out, c);
    c_pack(out, c, words);
    c_unpack(out, c, words);
    c_misfit(out, c);
    c_get(out, c);
}

static void c_used_table(FILE *out)
{
    fprintf(out, "/* The bits each opcode uses, header included; every other bit is reserved and must be 0.\n"
                 " * Opcodes without an instruction use no bit. */\n");
    fprintf(out, "static const uint32_t odpu_insn_used_bits[1u << ODPU_HDR_OPCODE_WIDTH][ODPU_INSN_WORDS] = {\n");
    for (size_t i = 0; i < COUNT_OF(insn_classes); i++) {
        uint32_t used[ODPU_INSN_WORDS];
        used_bits(&insn_classes[i], used);
        fprintf(out, "    [ODPU_OP_%s] = {", insn_classes[i].op);
        for (int w = 0; w < ODPU_INSN_WORDS; w++)
            fprintf(out, "%s0x%08" PRIx32 "u", w ? ", " : "", used[w]);
        fprintf(out, "},\n");
    }
    fprintf(out, "};\n\n");
}

odpu_status odpu_isa_write_c_codec(FILE *out, odpu_err *err)
{
    odpu_status st = check_tables(err);
    if (st != ODPU_OK)
        return st;
    fprintf(out,
            "/* odpu_isa_codec.h - generated from isa/isa_fields.def by tools/odpu_gen; do not edit.\n"
            " * The instruction codec: per class a struct of semantic values (bias removed, sign\n"
            " * extended), its field limits, and static inline pack / unpack / range check. Header\n"
            " * only, no allocation, no stdio, no error module: isa.c, ref, the compiler and hls/ share\n"
            " * it. docs/isa.md section 4 describes the encoding. */\n"
            "#ifndef ODPU_ISA_CODEC_H\n#define ODPU_ISA_CODEC_H\n\n#include <stdint.h>\n\n#include \"isa/isa_defs.h\"\n\n");
    fprintf(out, "/* One field: where it is encoded and the range of values it holds. */\n"
                 "typedef struct odpu_field_desc {\n    const char *name;\n    uint8_t word, lsb, width, is_signed;\n"
                 "    int8_t bias;\n    int64_t min, max;\n} odpu_field_desc;\n\n");
    fprintf(out, "/* Two's complement value of the low `width` bits of raw. */\n"
                 "static inline int32_t odpu_field_sext(uint32_t raw, unsigned width)\n{\n"
                 "    int64_t v = (int64_t)raw;\n    if (raw >> (width - 1) & 1u)\n        v -= (int64_t)1 << width;\n"
                 "    return (int32_t)v;\n}\n\n");
    c_class(out, &header_class);
    for (size_t i = 0; i < COUNT_OF(insn_classes); i++)
        c_class(out, &insn_classes[i]);
    c_class(out, &param_class);
    c_used_table(out);
    fprintf(out, "#endif\n");
    return odpu_gen_status(out, "C codec header", err);
}

/* ---- SystemVerilog package ------------------------------------------------------------- */

/* The SystemVerilog name of a field: the table's name, except where that is a keyword of the
 * language (LOAD.buf and SAVE.buf: `buf` is a gate primitive), which gets "_id" appended. */
static const char *sv_member_name(const gen_field *f, char *out, size_t size)
{
    static const char *const keywords[] = {"buf", "bit", "byte", "int", "wire", "reg", "logic", "type"};
    snprintf(out, size, "%s", f->name);
    for (size_t i = 0; i < COUNT_OF(keywords); i++)
        if (!strcmp(f->name, keywords[i]))
            snprintf(out, size, "%s_id", f->name);
    return out;
}

/* The class's fields (and the header's, for instructions), each with its bit position. */
static size_t class_bits(const gen_class *c, const gen_field *out[], unsigned pos[], size_t cap)
{
    size_t n = 0;
    if (c->opcode >= 0)
        for (size_t i = 0; i < COUNT_OF(header_fields) && n < cap; i++, n++) {
            out[n] = &header_fields[i];
            pos[n] = header_fields[i].word * WORD_BITS + header_fields[i].lsb;
        }
    for (size_t i = 0; i < c->n_fields && n < cap; i++, n++) {
        out[n] = &c->fields[i];
        pos[n] = c->fields[i].word * WORD_BITS + c->fields[i].lsb;
    }
    return n;
}

enum { SV_MEMBERS_MAX = 96 };

static void sv_struct(FILE *out, const gen_class *c)
{
    const gen_field *fs[SV_MEMBERS_MAX];
    unsigned pos[SV_MEMBERS_MAX];
    size_t n = class_bits(c, fs, pos, SV_MEMBERS_MAX);
    unsigned total = c->words * WORD_BITS;
    fprintf(out, "  typedef struct packed {\n");
    /* Walk from the top bit down: the first member of a packed struct is its MSB. */
    unsigned top = total;
    while (top > 0) {
        const gen_field *best = NULL;
        unsigned best_lsb = 0;
        for (size_t i = 0; i < n; i++)
            if (pos[i] + fs[i]->width <= top && (!best || pos[i] > best_lsb)) {
                best = fs[i];
                best_lsb = pos[i];
            }
        unsigned field_top = best ? best_lsb + best->width : 0;
        if (field_top < top) {
            fprintf(out, "    logic [%u:0] rsvd_%u;  // reserved, must be 0\n", top - field_top - 1, field_top);
            top = field_top;
            continue;
        }
        char member[NAME_MAX_LEN];
        sv_member_name(best, member, sizeof member);
        if (best->width == 1 && !best->is_signed)
            fprintf(out, "    logic %s;", member);
        else
            fprintf(out, "    logic %s[%u:0] %s;", best->is_signed ? "signed " : "", best->width - 1, member);
        fprintf(out, "  // bits %u..%u%s\n", best_lsb + best->width - 1, best_lsb, best->bias ? ", value - bias" : "");
        top = best_lsb;
    }
    fprintf(out, "  } %s;\n", c->sv_type);
}

static void sv_field_consts(FILE *out, const gen_class *c)
{
    char op[NAME_MAX_LEN], name[NAME_MAX_LEN], full[2 * NAME_MAX_LEN + 8];
    odpu_upper_camel(c->op, op, sizeof op);
    for (size_t i = 0; i < c->n_fields; i++) {
        odpu_upper_camel(c->fields[i].name, name, sizeof name);
        snprintf(full, sizeof full, "%s%sWidth", op, name);
        odpu_sv_int(out, "  ", full, c->fields[i].width, NULL);
        if (c->fields[i].bias) {
            snprintf(full, sizeof full, "%s%sBias", op, name);
            odpu_sv_int(out, "  ", full, c->fields[i].bias, "encoded as value - bias");
        }
    }
}

static void sv_used_hex(FILE *out, const gen_class *c)
{
    uint32_t used[ODPU_INSN_WORDS];
    used_bits(c, used);
    fprintf(out, "%u'h", c->words * WORD_BITS);
    for (int w = (int)c->words - 1; w >= 0; w--)
        fprintf(out, "%08" PRIx32 "%s", used[w], w ? "_" : "");
}

static void sv_classes(FILE *out)
{
    fprintf(out, "\n  // ---- Instruction header (bits 7..0 of every instruction) ----\n");
    sv_struct(out, &header_class);
    sv_field_consts(out, &header_class);
    for (size_t i = 0; i < COUNT_OF(insn_classes); i++) {
        const gen_class *c = &insn_classes[i];
        char op[NAME_MAX_LEN], name[NAME_MAX_LEN + 8];
        odpu_upper_camel(c->op, op, sizeof op);
        fprintf(out, "\n  // ---- %s (opcode %d) ----\n", c->op, c->opcode);
        sv_struct(out, c);
        sv_field_consts(out, c);
        snprintf(name, sizeof name, "%sUsedBits", op);
        fprintf(out, "  localparam logic [InsnBits-1:0] %s = ", name);
        sv_used_hex(out, c);
        fprintf(out, ";  // header included\n");
    }
    fprintf(out, "\n  // ---- PBUF entry: one output channel's parameters ----\n");
    sv_struct(out, &param_class);
    fprintf(out, "\n  // The bits an opcode uses; 0 for an opcode without an instruction.\n"
                 "  function automatic logic [InsnBits-1:0] insn_used_bits(logic [HdrOpcodeWidth-1:0] opcode);\n"
                 "    unique case (opcode)\n");
    for (size_t i = 0; i < COUNT_OF(insn_classes); i++) {
        char op[NAME_MAX_LEN];
        odpu_upper_camel(insn_classes[i].op, op, sizeof op);
        fprintf(out, "      Op%s: insn_used_bits = %sUsedBits;\n", op, op);
    }
    fprintf(out, "      default: insn_used_bits = '0;\n    endcase\n  endfunction\n");
}

/* A C enumerator with its value; the SystemVerilog name is the C name without "ODPU_", in
 * UpperCamel, so the two sides cannot be spelled differently. */
typedef struct named_value {
    const char *c_name;
    unsigned value;
} named_value;

#define NV(e) {#e, (unsigned)(e)}

static const named_value buf_ids[] = {NV(ODPU_BUF_IBUF), NV(ODPU_BUF_OBUF), NV(ODPU_BUF_WBUF), NV(ODPU_BUF_PBUF),
                                      NV(ODPU_BUF_ABUF), NV(ODPU_BUF_COUNT)};
_Static_assert(COUNT_OF(buf_ids) == ODPU_BUF_COUNT + 1, "every odpu_buf_id");

static const named_value engines[] = {NV(ODPU_ENGINE_LOAD), NV(ODPU_ENGINE_COMPUTE), NV(ODPU_ENGINE_STORE),
                                      NV(ODPU_ENGINE_FETCH)};
_Static_assert(COUNT_OF(engines) == ODPU_ENGINE_COUNT + 1, "every odpu_engine");

static const named_value conv_modes[] = {NV(ODPU_CONV_STANDARD), NV(ODPU_CONV_DEPTHWISE), NV(ODPU_CONV_GROUPED)};
static const named_value pool_modes[] = {NV(ODPU_POOL_MAX), NV(ODPU_POOL_AVG), NV(ODPU_POOL_GLOBAL_MAX),
                                         NV(ODPU_POOL_GLOBAL_AVG)};
static const named_value elew_ops[] = {NV(ODPU_ELEW_ADD)};

static const named_value hw_errors[] = {NV(ODPU_HW_OK),        NV(ODPU_HW_ILLEGAL_INSN), NV(ODPU_HW_BUF_BOUNDS),
                                        NV(ODPU_HW_DDR_BOUNDS), NV(ODPU_HW_WATCHDOG),     NV(ODPU_HW_AXI_RESP),
                                        NV(ODPU_HW_NO_END),    NV(ODPU_HW_ABORTED)};
_Static_assert(COUNT_OF(hw_errors) == ODPU_HW_ERROR_COUNT, "every odpu_hw_error");

static void sv_name(const char *c_name, const char *suffix, char *out, size_t size)
{
    const char *s = strncmp(c_name, "ODPU_", 5) == 0 ? c_name + 5 : c_name;
    odpu_upper_camel(s, out, size);
    strncat(out, suffix, size - strlen(out) - 1);
}

static void sv_enum(FILE *out, const char *title, const named_value *v, size_t n)
{
    fprintf(out, "\n  // %s\n", title);
    for (size_t i = 0; i < n; i++) {
        char name[NAME_MAX_LEN];
        sv_name(v[i].c_name, "", name, sizeof name);
        odpu_sv_int(out, "  ", name, v[i].value, NULL);
    }
}

static void sv_isa(FILE *out)
{
    odpu_sv_bits(out, "  ", "IsaVersion", WORD_BITS, ODPU_ISA_VERSION, "major << 16 | minor");
    odpu_sv_int(out, "  ", "InsnWords", ODPU_INSN_WORDS, NULL);
    odpu_sv_int(out, "  ", "InsnBits", ODPU_INSN_WORDS * WORD_BITS, NULL);
    odpu_sv_int(out, "  ", "InsnBytes", ODPU_INSN_BYTES, NULL);
    odpu_sv_int(out, "  ", "ParamEntryBytes", ODPU_PARAM_ENTRY_BYTES, "one channel's parameters in PBUF");
    odpu_sv_int(out, "  ", "AccBytes", ODPU_ACC_BYTES, "one accumulator lane in ABUF");
    fprintf(out, "\n  // Opcodes\n");
    for (size_t i = 0; i < COUNT_OF(insn_classes); i++) {
        char name[NAME_MAX_LEN] = "Op";
        odpu_upper_camel(insn_classes[i].op, name + 2, sizeof name - 2);
        odpu_sv_bits(out, "  ", name, header_width("opcode"), (unsigned)insn_classes[i].opcode, NULL);
    }
    sv_enum(out, "Buffer ids (odpu_buf_id)", buf_ids, COUNT_OF(buf_ids));
    sv_enum(out, "Engines (odpu_engine; NOP.engine)", engines, COUNT_OF(engines));
    sv_enum(out, "CONV.mode (odpu_conv_mode)", conv_modes, COUNT_OF(conv_modes));
    sv_enum(out, "POOL.mode (odpu_pool_mode)", pool_modes, COUNT_OF(pool_modes));
    sv_enum(out, "ELEW.op (odpu_elew_op)", elew_ops, COUNT_OF(elew_ops));
    sv_enum(out, "ERR_CODE values (odpu_hw_error)", hw_errors, COUNT_OF(hw_errors));
}

/* ---- Register map ------------------------------------------------------------------------ */

/* AXI4-Lite address bits that cover the whole map. */
static unsigned reg_addr_bits(void)
{
    unsigned bits = 1;
    while ((1u << bits) < ODPU_REG_MAP_BYTES)
        bits++;
    return bits;
}

/* Single-bit masks of regs.def, emitted as bit indices (ApStartBit = 0). */
static const named_value reg_bits[] = {
    NV(ODPU_AP_START), NV(ODPU_AP_DONE),     NV(ODPU_AP_IDLE),  NV(ODPU_AP_READY),      NV(ODPU_AP_AUTO_RESTART),
    NV(ODPU_AP_INTERRUPT), NV(ODPU_GIE_ENABLE), NV(ODPU_IRQ_DONE), NV(ODPU_IRQ_READY), NV(ODPU_ABORT_REQUEST)};

static unsigned bit_index(unsigned mask)
{
    unsigned i = 0;
    while (i < WORD_BITS - 1 && !(mask & (1u << i)))
        i++;
    return i;
}

static void sv_reg(FILE *out, const char *c_name, unsigned offset, const char *comment)
{
    char name[NAME_MAX_LEN];
    sv_name(c_name, "Offset", name, sizeof name);
    odpu_sv_int(out, "  ", name, offset, comment);
}

static void sv_regs(FILE *out)
{
    fprintf(out, "\n  // Registers (isa/regs.def): byte offsets on the AXI4-Lite port. The control registers of\n"
                 "  // ap_ctrl_hs, then the arguments (a 64-bit one as Lo and Hi words), as Vitis HLS lays them.\n");
    odpu_sv_int(out, "  ", "RegAddrBits", reg_addr_bits(), "address bits that cover every register");
    odpu_sv_int(out, "  ", "RegMapBytes", ODPU_REG_MAP_BYTES, "the span of the map");
#define X_CTRL(NAME, off, access, desc) sv_reg(out, "REG_" #NAME, off, #access ": " desc);
    ODPU_CTRL_REGS(X_CTRL)
#undef X_CTRL
#define SV_ARG_PTR(NAME, dir, desc)                                                   \
    sv_reg(out, "REG_" #NAME "_LO", ODPU_REG_##NAME##_LO, #dir ", low word: " desc); \
    sv_reg(out, "REG_" #NAME "_HI", ODPU_REG_##NAME##_HI, #dir ", high word");
#define SV_ARG_U64(NAME, dir, desc) SV_ARG_PTR(NAME, dir, desc)
#define SV_ARG_U32(NAME, dir, desc) sv_reg(out, "REG_" #NAME, ODPU_REG_##NAME, #dir ": " desc);
#define X_ARG(NAME, dir, kind, desc) SV_ARG_##kind(NAME, dir, desc)
    ODPU_ARGS(X_ARG)
#undef X_ARG
#undef SV_ARG_PTR
#undef SV_ARG_U64
#undef SV_ARG_U32
    odpu_sv_bits(out, "  ", "Magic", WORD_BITS, ODPU_MAGIC, "MAGIC register value");
    for (size_t i = 0; i < COUNT_OF(reg_bits); i++) {
        char name[NAME_MAX_LEN];
        sv_name(reg_bits[i].c_name, "Bit", name, sizeof name);
        odpu_sv_int(out, "  ", name, bit_index(reg_bits[i].value), NULL);
    }
}

/* ---- Kernel description (kernel.xml) ------------------------------------------------------ */

static void lower(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

enum { ARG_PTR, ARG_U64, ARG_U32 };
#define ARG_BYTES(kind) ((kind) == ARG_U32 ? 4u : 8u)

static void xml_arg(FILE *out, const char *name, int id, int kind, unsigned offset, const char *dir)
{
    char lname[NAME_MAX_LEN];
    lower(name, lname, sizeof lname);
    static const char *const types[] = {"void*", "unsigned long long", "unsigned int"};
    fprintf(out,
            "      <arg name=\"%s\" addressQualifier=\"%d\" id=\"%d\" port=\"%s\" size=\"0x%x\" offset=\"0x%x\" "
            "type=\"%s\" hostOffset=\"0x0\" hostSize=\"0x%x\"/>",
            lname, kind == ARG_PTR ? 1 : 0, id, kind == ARG_PTR ? ODPU_KERNEL_MEMORY_PORT : ODPU_KERNEL_CONTROL_PORT,
            ARG_BYTES(kind), offset, types[kind], ARG_BYTES(kind));
    fprintf(out, "%s\n", strcmp(dir, "OUT") ? "" : "  <!-- output: read it, never set it -->");
}

odpu_status odpu_isa_write_kernel_xml(const char *kernel_name, unsigned axi_data_bits, FILE *out, odpu_err *err)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!-- kernel.xml - generated from isa/regs.def by tools/odpu_gen; do not edit. The engine as a\n"
            "     Vitis kernel: the ap_ctrl_hs control port, the AXI4 master to DDR, and the arguments of\n"
            "     the top function with their index, offset and size (docs/hal.md), for an xclbin's\n"
            "     metadata and the XRT backend. -->\n"
            "<root versionMajor=\"1\" versionMinor=\"6\">\n"
            "  <kernel name=\"%s\" language=\"ip_c\" vlnv=\"opendpu.org:kernel:%s:%d.%d\" attributes=\"\" "
            "preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" interrupt=\"true\" hwControlProtocol=\"ap_ctrl_hs\">\n"
            "    <ports>\n"
            "      <port name=\"%s\" mode=\"slave\" range=\"0x%x\" dataWidth=\"32\" portType=\"addressable\" base=\"0x0\"/>\n"
            "      <port name=\"%s\" mode=\"master\" range=\"0xFFFFFFFFFFFFFFFF\" dataWidth=\"%u\" portType=\"addressable\" "
            "base=\"0x0\"/>\n"
            "    </ports>\n"
            "    <args>\n",
            kernel_name, kernel_name, ODPU_ISA_VERSION_MAJOR, ODPU_ISA_VERSION_MINOR, ODPU_KERNEL_CONTROL_PORT,
            1u << reg_addr_bits(), ODPU_KERNEL_MEMORY_PORT, axi_data_bits);
#define XML_OFFSET_PTR(NAME) ODPU_REG_##NAME##_LO
#define XML_OFFSET_U64(NAME) ODPU_REG_##NAME##_LO
#define XML_OFFSET_U32(NAME) ODPU_REG_##NAME
#define X_ARG(NAME, dir, kind, desc) xml_arg(out, #NAME, ODPU_ARG_##NAME, ARG_##kind, XML_OFFSET_##kind(NAME), #dir);
    ODPU_ARGS(X_ARG)
#undef X_ARG
#undef XML_OFFSET_PTR
#undef XML_OFFSET_U64
#undef XML_OFFSET_U32
    fprintf(out, "    </args>\n"
                 "    <compileWorkGroupSize x=\"1\" y=\"1\" z=\"1\"/>\n"
                 "    <maxWorkGroupSize x=\"1\" y=\"1\" z=\"1\"/>\n"
                 "  </kernel>\n"
                 "</root>\n");
    return odpu_gen_status(out, "kernel description", err);
}

odpu_status odpu_isa_write_sv_package(FILE *out, odpu_err *err)
{
    odpu_status st = check_tables(err);
    if (st != ODPU_OK)
        return st;
    fprintf(out,
            "// odpu_pkg.sv - generated from isa/isa_fields.def, isa/isa_defs.h and isa/regs.def by\n"
            "// tools/odpu_gen; do not edit. The instruction set and register map for rtl/: a packed\n"
            "// struct per instruction class (cast the 256-bit instruction to it to read a field), the\n"
            "// bits each opcode uses, the enumerations and the register offsets (docs/isa.md).\n"
            "`default_nettype none\n"
            "package odpu_pkg;\n"
            "  // A definition library: any one module uses a few of these.\n"
            "  /* verilator lint_off UNUSEDPARAM */\n");
    sv_isa(out);
    sv_classes(out);
    sv_regs(out);
    fprintf(out, "  /* verilator lint_on UNUSEDPARAM */\nendpackage\n`default_nettype wire\n");
    return odpu_gen_status(out, "SystemVerilog package", err);
}
