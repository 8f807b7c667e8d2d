/* test_isagen.c - the generated instruction-set artefacts against their source tables: the
 * SystemVerilog package's packed structs and used-bit masks bit for bit against
 * isa_fields.def (expanded here independently of isa/isagen.c), the package through
 * Verilator's lint and Yosys, and the C codec as a standalone HLS-ready header. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isa/isa.h"
#include "isa/isagen.h"
#include "isa/regs.h"
#include "tests/testutil.h"

enum { INSN_BITS = ODPU_INSN_WORDS * 32, MEMBERS_MAX = 96, NAME_LEN = 64, CMD_MAX = 2048 };

/* ---- The table, expanded here ------------------------------------------------------------ */

typedef struct row {
    const char *name;
    int word, lsb, width, is_signed;
} row;

#define SIGN_U 0
#define SIGN_S 1
#define X_ROW(OP, field, word, lsb, width, sign, bias) {#field, word, lsb, width, SIGN_##sign},
static const row header_rows[] = {ODPU_HEADER_FIELDS(X_ROW)};
#define X_CLASS_ROWS(OP, code, name, FIELDS) static const row name##_rows[] = {FIELDS(X_ROW){NULL, 0, 0, 0, 0}};
ODPU_OPCODES(X_CLASS_ROWS)
#undef X_CLASS_ROWS
#undef X_ROW

typedef struct table_class {
    const char *op;      /* "CONV" */
    const char *sv_type; /* "insn_conv_t" */
    const row *rows;     /* NULL-terminated */
} table_class;

#define X_TABLE(OP, code, name, FIELDS) {#OP, "insn_" #name "_t", name##_rows},
static const table_class classes[] = {ODPU_OPCODES(X_TABLE)};
#undef X_TABLE
enum { N_CLASSES = sizeof classes / sizeof classes[0], N_HEADER = sizeof header_rows / sizeof header_rows[0] };

/* ---- The package, parsed here ------------------------------------------------------------ */

typedef struct member {
    char name[NAME_LEN];
    int lsb, width, is_signed;
} member;

/* The members of `typedef struct packed { ... } type;` in text, with bit positions from the
 * bottom (the last member is the LSB). Returns the count; *total gets the struct's width. */
static int parse_struct(const char *text, const char *type, member out[MEMBERS_MAX], int *total)
{
    char end[NAME_LEN + 8];
    snprintf(end, sizeof end, "} %s;", type);
    const char *close = strstr(text, end);
    ck_assert_msg(close != NULL, "the package has no struct %s", type);
    const char *open = close;
    while (open > text && strncmp(open, "typedef struct packed {", 23) != 0)
        open--;
    ck_assert_msg(open > text, "no typedef opens %s", type);
    int n = 0;
    for (const char *line = strchr(open, '\n') + 1; line < close; line = strchr(line, '\n') + 1) {
        member m = {0};
        char name[NAME_LEN] = "";
        int hi = 0;
        const char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '}')
            break;
        ck_assert_msg(!strncmp(p, "logic ", 6), "%s: unexpected member line '%.40s'", type, p);
        p += 6;
        if (!strncmp(p, "signed ", 7)) {
            m.is_signed = 1;
            p += 7;
        }
        if (sscanf(p, "[%d:0] %63[a-z0-9_]", &hi, name) == 2)
            m.width = hi + 1;
        else if (sscanf(p, "%63[a-z0-9_]", name) == 1)
            m.width = 1;
        else
            ck_abort_msg("%s: cannot read member line '%.40s'", type, line);
        snprintf(m.name, sizeof m.name, "%s", name);
        ck_assert_int_lt(n, MEMBERS_MAX);
        out[n++] = m;
    }
    int pos = 0;
    for (int i = n - 1; i >= 0; i--) {
        out[i].lsb = pos;
        pos += out[i].width;
    }
    *total = pos;
    return n;
}

/* The SystemVerilog member of a table row: its name, or name_id where that is a keyword. */
static const member *find_member(const member *m, int n, const char *field)
{
    char alt[NAME_LEN];
    snprintf(alt, sizeof alt, "%s_id", field);
    for (int i = 0; i < n; i++)
        if (!strcmp(m[i].name, field) || !strcmp(m[i].name, alt))
            return &m[i];
    return NULL;
}

static const char *package_text(const char *dir)
{
    char path[CMD_MAX];
    snprintf(path, sizeof path, "%s/odpu_pkg.sv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    odpu_err err;
    ck_assert_msg(odpu_isa_write_sv_package(f, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    return test_read_text(path);
}

static void check_row(const table_class *c, const member *m, int n, const row *r)
{
    const member *got = find_member(m, n, r->name);
    ck_assert_msg(got != NULL, "%s: no member for field %s", c->sv_type, r->name);
    ck_assert_msg(got->lsb == r->word * 32 + r->lsb && got->width == r->width && got->is_signed == r->is_signed,
                  "%s.%s: bits %d+%d%s in the package, %d+%d%s in isa_fields.def", c->sv_type, r->name, got->lsb,
                  got->width, got->is_signed ? " signed" : "", r->word * 32 + r->lsb, r->width,
                  r->is_signed ? " signed" : "");
}

START_TEST(sv_structs_match_the_table)
{
    char *dir = test_tmpdir("test_isagen");
    const char *text = package_text(dir);
    for (int ci = 0; ci < N_CLASSES; ci++) {
        const table_class *c = &classes[ci];
        member m[MEMBERS_MAX];
        int total = 0, n = parse_struct(text, c->sv_type, m, &total);
        ck_assert_msg(total == INSN_BITS, "%s is %d bits wide", c->sv_type, total);
        int n_rows = N_HEADER;
        for (int h = 0; h < N_HEADER; h++)
            check_row(c, m, n, &header_rows[h]);
        for (const row *r = c->rows; r->name; r++, n_rows++)
            check_row(c, m, n, r);
        /* Everything else is reserved and says so. */
        int reserved = 0;
        for (int i = 0; i < n; i++)
            reserved += !strncmp(m[i].name, "rsvd_", 5);
        ck_assert_msg(n - reserved == n_rows, "%s: %d named members for %d fields", c->sv_type, n - reserved, n_rows);
    }
    test_remove_tree(dir);
}
END_TEST

/* <Op>UsedBits = 256'h... equals the union of the class's and the header's fields. */
START_TEST(used_bits_match_the_table)
{
    char *dir = test_tmpdir("test_isagen");
    const char *text = package_text(dir);
    for (int ci = 0; ci < N_CLASSES; ci++) {
        const table_class *c = &classes[ci];
        uint32_t want[ODPU_INSN_WORDS] = {0};
        for (int h = 0; h < N_HEADER; h++)
            want[header_rows[h].word] |= (uint32_t)(((1ull << header_rows[h].width) - 1) << header_rows[h].lsb);
        for (const row *r = c->rows; r->name; r++)
            want[r->word] |= (uint32_t)(((1ull << r->width) - 1) << r->lsb);
        /* "ConvUsedBits": the op in UpperCamel. */
        char key[NAME_LEN], camel[NAME_LEN];
        snprintf(camel, sizeof camel, "%c", c->op[0]);
        for (const char *s = c->op + 1; *s; s++)
            snprintf(camel + strlen(camel), sizeof camel - strlen(camel), "%c", tolower((unsigned char)*s));
        snprintf(key, sizeof key, "%sUsedBits = %d'h", camel, INSN_BITS);
        const char *p = strstr(text, key);
        ck_assert_msg(p != NULL, "no '%s' in the package", key);
        p += strlen(key);
        for (int w = ODPU_INSN_WORDS - 1; w >= 0; w--) {
            unsigned got = 0;
            ck_assert_int_eq(sscanf(p, "%8x", &got), 1);
            ck_assert_msg(got == want[w], "%s word %d: 0x%08x in the package, 0x%08x from the table", c->op, w, got,
                          want[w]);
            p += 9; /* eight digits and an underscore */
        }
    }
    test_remove_tree(dir);
}
END_TEST

/* A module that decodes with the package, as the RTL does: Verilator's full lint and Yosys
 * (the synthesis front end of rtl/synth/resources.sh) must both accept it. */
static const char wrapper_sv[] =
    "`default_nettype none\n"
    "module odpu_pkg_wrap (\n"
    "  input  logic [odpu_pkg::InsnBits-1:0] insn_i,\n"
    "  output logic                          is_conv_o,\n"
    "  output logic [odpu_pkg::ConvKhWidth-1:0] kh_o,\n"
    "  output logic signed [7:0]             in_zp_o,\n"
    "  output logic                          reserved_o,\n"
    "  output logic [31:0]                   magic_o\n"
    ");\n"
    "  odpu_pkg::insn_conv_t conv;\n"
    "  odpu_pkg::insn_hdr_t  hdr;\n"
    "  assign conv = insn_i;\n"
    "  assign hdr  = insn_i;\n"
    "  assign is_conv_o  = (hdr.opcode == odpu_pkg::OpConv);\n"
    "  assign kh_o       = conv.kh;\n"
    "  assign in_zp_o    = conv.in_zp;\n"
    "  assign reserved_o = |(insn_i & ~odpu_pkg::insn_used_bits(hdr.opcode));\n"
    "  assign magic_o    = odpu_pkg::Magic;\n"
    "endmodule\n"
    "`default_nettype wire\n";

START_TEST(package_passes_lint_and_yosys)
{
    char *dir = test_tmpdir("test_isagen");
    package_text(dir);
    char path[CMD_MAX], cmd[CMD_MAX * 2];
    snprintf(path, sizeof path, "%s/odpu_pkg_wrap.sv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(wrapper_sv, f);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(cmd, sizeof cmd,
             "verilator --lint-only -Wall -Wno-UNUSEDSIGNAL %s/odpu_pkg.sv %s >%s/lint.log 2>&1", dir, path, dir);
    ck_assert_msg(test_system(cmd) == 0, "verilator rejects the package: %s", cmd);
    snprintf(cmd, sizeof cmd,
             "yosys -q -p 'read_verilog -sv %s/odpu_pkg.sv %s; hierarchy -check -top odpu_pkg_wrap; proc' "
             ">%s/yosys.log 2>&1",
             dir, path, dir);
    ck_assert_msg(test_system(cmd) == 0, "yosys rejects the package: %s", cmd);
    test_remove_tree(dir);
}
END_TEST

/* The codec is what hls/ will include: plain C99, warning-free, and it pulls in nothing
 * but <stdint.h> and the ISA's own tables (no stdio, no allocation, no error module). */
START_TEST(codec_stands_alone)
{
    char *dir = test_tmpdir("test_isagen");
    char path[CMD_MAX], cmd[CMD_MAX * 2];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/isa", dir);
    ck_assert_int_eq(test_system(cmd), 0);
    snprintf(path, sizeof path, "%s/isa/odpu_isa_codec.h", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    odpu_err err;
    ck_assert_msg(odpu_isa_write_c_codec(f, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(path, sizeof path, "%s/use.c", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("#include \"isa/odpu_isa_codec.h\"\n"
          "int use(const uint32_t w[ODPU_INSN_WORDS]);\n"
          "int use(const uint32_t w[ODPU_INSN_WORDS])\n"
          "{\n    odpu_conv c;\n    odpu_conv_unpack(w, &c);\n    return odpu_conv_misfit(&c) + (int)c.kh;\n}\n",
          f);
    ck_assert_int_eq(fclose(f), 0);
    snprintf(cmd, sizeof cmd,
             "cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -H -I%s -I. %s 2>%s/includes.txt", dir, path,
             dir);
    ck_assert_msg(test_system(cmd) == 0, "the codec does not compile alone: %s", cmd);
    snprintf(path, sizeof path, "%s/includes.txt", dir);
    const char *includes = test_read_text(path);
    static const char *const banned[] = {"stdio.h", "stdlib.h", "common/err.h", "isa/isa.h", "string.h"};
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        ck_assert_msg(strstr(includes, banned[i]) == NULL, "the codec pulls in %s:\n%s", banned[i], includes);
    ck_assert_ptr_nonnull(strstr(includes, "isa/isa_fields.def"));
    test_remove_tree(dir);
}
END_TEST

/* A PBUF entry is ODPU_PARAM_FIELDS in order, one little-endian word each. */
START_TEST(param_entry_layout)
{
    const odpu_chan_params p = {.bias = -123456, .mult = 0x5A5A5A5A, .shift = -7, .leaky_mult = 0x0FEDCBA9};
    uint8_t bytes[ODPU_PARAM_ENTRY_BYTES];
    odpu_param_entry_encode(&p, bytes);
    const int32_t want[] = {p.bias, p.mult, p.shift, p.leaky_mult};
    ck_assert_int_eq(sizeof want, ODPU_PARAM_ENTRY_BYTES);
    for (int w = 0; w < ODPU_PARAM_ENTRY_WORDS; w++) {
        uint32_t u = (uint32_t)want[w];
        for (int b = 0; b < 4; b++)
            ck_assert_uint_eq(bytes[4 * w + b], (u >> (8 * b)) & 0xFFu);
    }
    odpu_chan_params back;
    odpu_param_entry_decode(bytes, &back);
    ck_assert_mem_eq(&back, &p, sizeof p);
}
END_TEST

static Suite *isagen_suite(void)
{
    Suite *s = suite_create("isagen");
    TCase *tc = tcase_create("generated");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sv_structs_match_the_table);
    tcase_add_test(tc, used_bits_match_the_table);
    tcase_add_test(tc, package_passes_lint_and_yosys);
    tcase_add_test(tc, codec_stands_alone);
    tcase_add_test(tc, param_entry_layout);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(isagen_suite)
