/* test_model.c - the .odpu model file: round trips, and a loader that rejects every corruption.
 * The byte offsets below are docs/model-format.md's; the test checks the document as much as
 * the code. Corruptions that the CRCs would catch anyway are re-CRC'd by patch_field so that
 * the structural check under test is the one that must catch them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "host/model.h"
#include "isa/isa.h"
#include "tests/testutil.h"

/* Layout from docs/model-format.md. */
enum {
    HDR_VERSION_MAJOR = 8,
    HDR_VERSION_MINOR = 10,
    HDR_HEADER_SIZE = 12,
    HDR_FILE_SIZE = 16,
    HDR_SECTION_COUNT = 24,
    HDR_RESERVED = 28,
    HDR_ARCH_NAME = 32,
    HDR_DDR_SIZE = 72,
    HDR_CONST_OFFSET = 80,
    HDR_BYTES = 88,
    SEC_TYPE = 0,
    SEC_CRC = 4,
    SEC_OFFSET = 8,
    SEC_SIZE = 16,
    SEC_ENTRY_BYTES = 24,
    TENSORS_HEADER_BYTES = 4,
    TEN_NAME = 0,
    TEN_ROLE = 64,
    TEN_H = 68,
    TEN_W = 72,
    TEN_C = 76,
    TEN_DDR_OFFSET = 80,
    TEN_PIXEL_STRIDE = 88,
    TEN_ROW_STRIDE = 92,
    TEN_SCALE = 96,
    TEN_ZERO_POINT = 100,
    TEN_PAD_TOP = 104,
    TEN_PAD_LEFT = 108,
    TEN_FOLD_ROWS = 112,
    TEN_FOLD_STEP = 114,
    TEN_ENTRY_BYTES = 116,
    LAYERS_HEADER_BYTES = 4,
    LAY_NAME = 0,
    LAY_OP = 64,
    LAY_IN_C = 96,
    LAY_MACS = 112,
    LAY_PLAN = 128,
    LAY_PLAN_BYTES = 96,
    LAY_FIRST_INSN = 224,
    LAY_N_INSNS = 228,
    LAY_DDR_WRITTEN = 240,
    LAY_ENTRY_BYTES = 248,
    TRAILER_BYTES = 4,
    /* Section order the writer uses for the sample model: all four present. */
    SEC_INDEX_INSNS = 0,
    SEC_INDEX_CONSTS = 1,
    SEC_INDEX_TENSORS = 2,
    SEC_INDEX_META = 3,
    SEC_INDEX_LAYERS = 4,
    SECTION_TYPE_INSNS = 1,
    SECTION_TYPE_META = 4,
    SECTION_TYPE_LAYERS = 5,
};

#define SAMPLE_FP 0x0123456789abcdefULL
#define SAMPLE_DDR 4096u
#define SAMPLE_CONST_OFFSET 2048u
#define SAMPLE_CONSTS 64u
#define SAMPLE_INSNS 3u

/* ---- A sample model ------------------------------------------------------------------- */

typedef struct sample {
    odpu_model m;
    uint8_t insns[SAMPLE_INSNS * ODPU_INSN_BYTES];
    uint8_t consts[SAMPLE_CONSTS];
    odpu_tensor_desc tensors[3];
    char meta[64];
    odpu_layer_info layers[2];
} sample;

static void set_tensor(odpu_tensor_desc *t, const char *name, odpu_tensor_role role, uint32_t h,
                       uint32_t w, uint32_t c, uint64_t off, uint32_t ps, uint32_t rs)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->role = role;
    t->h = h;
    t->w = w;
    t->c = c;
    t->ddr_offset = off;
    t->pixel_stride = ps;
    t->row_stride = rs;
    t->scale = 0.0078125f;
    t->zero_point = -3;
}

static void encode(const odpu_insn *in, uint8_t *out)
{
    odpu_err err;
    ck_assert_msg(odpu_insn_encode(in, out, &err) == ODPU_OK, "%s", err.msg);
}

static void sample_init(sample *s)
{
    memset(s, 0, sizeof *s);
    odpu_insn nop = {.opcode = ODPU_OP_NOP}, end = {.opcode = ODPU_OP_END};
    nop.u.nop.engine = ODPU_ENGINE_LOAD;
    encode(&nop, s->insns);
    nop.u.nop.engine = ODPU_ENGINE_STORE;
    encode(&nop, s->insns + ODPU_INSN_BYTES);
    encode(&end, s->insns + 2 * ODPU_INSN_BYTES);
    for (unsigned i = 0; i < SAMPLE_CONSTS; i++)
        s->consts[i] = (uint8_t)(i * 7 + 1);
    set_tensor(&s->tensors[0], "image", ODPU_TENSOR_INPUT, 4, 4, 3, 0, 4, 16);
    set_tensor(&s->tensors[1], "logits", ODPU_TENSOR_OUTPUT, 1, 1, 10, 1024, 10, 10);
    set_tensor(&s->tensors[2], "features", ODPU_TENSOR_OUTPUT, 2, 3, 8, 1100, 16, 64);
    snprintf(s->meta, sizeof s->meta, "name=tinynet\nproducer=test_model\n");

    odpu_model *m = &s->m;
    snprintf(m->arch_name, sizeof m->arch_name, "b4096");
    m->arch_fingerprint = SAMPLE_FP;
    m->ddr_size = SAMPLE_DDR;
    m->const_offset = SAMPLE_CONST_OFFSET;
    m->consts = s->consts;
    m->consts_size = SAMPLE_CONSTS;
    m->insns = s->insns;
    m->n_insns = SAMPLE_INSNS;
    m->tensors = s->tensors;
    m->n_tensors = 3;
    m->meta = s->meta;
    /* A compiler's layer table: a layer of two instructions and one without any. */
    s->layers[0] = (odpu_layer_info){.name = "conv1", .op = "Conv", .in_h = 4, .in_w = 4, .in_c = 3,
                                     .out_h = 4, .out_w = 4, .out_c = 8, .macs = 3456, .weight_bytes = 216,
                                     .plan = "rows 2x2, oc 1x8, ic 1x3", .first_insn = 0, .n_insns = 2,
                                     .ddr_read = 1000, .ddr_written = 128};
    s->layers[1] = (odpu_layer_info){.name = "cat", .op = "Concat", .in_h = 4, .in_w = 4, .in_c = 8,
                                     .out_h = 4, .out_w = 4, .out_c = 16, .first_insn = 2};
    m->layers = s->layers;
    m->n_layers = 2;
}

static uint8_t *sample_bytes(size_t *len)
{
    sample s;
    sample_init(&s);
    uint8_t *data;
    odpu_err err;
    ck_assert_msg(odpu_model_serialize(&s.m, &data, len, &err) == ODPU_OK, "%s", err.msg);
    return data;
}

/* ---- Helpers -------------------------------------------------------------------------- */

/* Parse expecting failure with `code`; returns the message (static buffer). */
static const char *expect_fail(const uint8_t *data, size_t len, odpu_status code)
{
    static odpu_err err;
    odpu_model m;
    odpu_err_clear(&err);
    odpu_status st = odpu_model_parse(data, len, "t.odpu", &m, &err);
    ck_assert_msg(st == code, "expected %s, got %s (%s)", odpu_status_name(code),
                  odpu_status_name(st), err.msg);
    ck_assert_ptr_null(m.insns);
    ck_assert_ptr_null(m.tensors);
    return err.msg;
}

static void expect_format_error(const uint8_t *data, size_t len, const char *needle)
{
    const char *msg = expect_fail(data, len, ODPU_E_FORMAT);
    ck_assert_msg(strncmp(msg, "t.odpu: ", 8) == 0, "message does not name the file: %s", msg);
    ck_assert_msg(strstr(msg, "(at byte "), "message does not say where: %s", msg);
    if (needle)
        ck_assert_msg(strstr(msg, needle), "message lacks '%s': %s", needle, msg);
}

static uint64_t table_entry(uint32_t index)
{
    return HDR_BYTES + (uint64_t)index * SEC_ENTRY_BYTES;
}

/* Recompute every section CRC whose range is inside the file, then the file CRC: after
 * this, only structural checks can tell that something was changed. */
static void recrc(uint8_t *buf, size_t len)
{
    uint32_t header_size = odpu_rd32(buf + HDR_HEADER_SIZE);
    uint32_t count = odpu_rd32(buf + HDR_SECTION_COUNT);
    for (uint32_t i = 0; i < count; i++) {
        uint64_t at = (uint64_t)header_size + (uint64_t)i * SEC_ENTRY_BYTES;
        if (at > len - TRAILER_BYTES || len - TRAILER_BYTES - at < SEC_ENTRY_BYTES)
            break;
        uint64_t off = odpu_rd64(buf + at + SEC_OFFSET), size = odpu_rd64(buf + at + SEC_SIZE);
        if (off <= len && size <= len - off)
            odpu_wr32(buf + at + SEC_CRC, odpu_crc32(0, buf + off, (size_t)size));
    }
    odpu_wr32(buf + len - TRAILER_BYTES, odpu_crc32(0, buf, len - TRAILER_BYTES));
}

/* Write an nbytes little-endian field at offset of a copy of the file and fix the CRCs. */
static uint8_t *patch_field(const uint8_t *orig, size_t len, uint64_t offset, uint64_t value, int nbytes)
{
    uint8_t *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, orig, len);
    for (int i = 0; i < nbytes; i++)
        buf[offset + (uint64_t)i] = (uint8_t)(value >> (8 * i));
    recrc(buf, len);
    return buf;
}

static void expect_patch_rejected(const uint8_t *orig, size_t len, uint64_t offset, uint64_t value,
                                  int nbytes, const char *needle)
{
    uint8_t *buf = patch_field(orig, len, offset, value, nbytes);
    expect_format_error(buf, len, needle);
    free(buf);
}

static uint64_t section_offset(const uint8_t *data, uint32_t index)
{
    return odpu_rd64(data + table_entry(index) + SEC_OFFSET);
}

static uint64_t tensor_entry(const uint8_t *data, uint32_t tensor)
{
    return section_offset(data, SEC_INDEX_TENSORS) + TENSORS_HEADER_BYTES +
           (uint64_t)tensor * TEN_ENTRY_BYTES;
}

static void assert_same_tensor(const odpu_tensor_desc *a, const odpu_tensor_desc *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_int_eq(a->role, b->role);
    ck_assert_uint_eq(a->h, b->h);
    ck_assert_uint_eq(a->w, b->w);
    ck_assert_uint_eq(a->c, b->c);
    ck_assert_uint_eq(a->ddr_offset, b->ddr_offset);
    ck_assert_uint_eq(a->pixel_stride, b->pixel_stride);
    ck_assert_uint_eq(a->row_stride, b->row_stride);
    ck_assert(a->scale == b->scale);
    ck_assert_int_eq(a->zero_point, b->zero_point);
}

static void assert_same_model(const odpu_model *a, const odpu_model *b)
{
    ck_assert_str_eq(a->arch_name, b->arch_name);
    ck_assert_uint_eq(a->arch_fingerprint, b->arch_fingerprint);
    ck_assert_uint_eq(a->ddr_size, b->ddr_size);
    ck_assert_uint_eq(a->const_offset, b->const_offset);
    ck_assert_uint_eq(a->consts_size, b->consts_size);
    if (a->consts_size)
        ck_assert_mem_eq(a->consts, b->consts, a->consts_size);
    ck_assert_uint_eq(a->n_insns, b->n_insns);
    ck_assert_mem_eq(a->insns, b->insns, a->n_insns * ODPU_INSN_BYTES);
    ck_assert_uint_eq(a->n_tensors, b->n_tensors);
    for (size_t i = 0; i < a->n_tensors; i++)
        assert_same_tensor(&a->tensors[i], &b->tensors[i]);
    if (a->meta)
        ck_assert_str_eq(a->meta, b->meta);
    else
        ck_assert_ptr_null(b->meta);
    ck_assert_uint_eq(a->n_layers, b->n_layers);
    for (size_t i = 0; i < a->n_layers; i++)
        ck_assert_mem_eq(&a->layers[i], &b->layers[i], sizeof a->layers[i]); /* NUL-padded texts */
}

/* ---- Round trips ---------------------------------------------------------------------- */

START_TEST(round_trip_in_memory)
{
    sample s;
    sample_init(&s);
    size_t len;
    uint8_t *data = sample_bytes(&len);
    odpu_model m;
    odpu_err err;
    ck_assert_msg(odpu_model_parse(data, len, "t.odpu", &m, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(m.version_major, ODPU_MODEL_VERSION_MAJOR);
    ck_assert_uint_eq(m.version_minor, ODPU_MODEL_VERSION_MINOR);
    assert_same_model(&s.m, &m);

    /* The writer is deterministic: serializing the parsed model gives the same bytes. */
    uint8_t *again;
    size_t again_len;
    ck_assert_int_eq(odpu_model_serialize(&m, &again, &again_len, &err), ODPU_OK);
    ck_assert_uint_eq(again_len, len);
    ck_assert_mem_eq(again, data, len);

    odpu_ddr_layout lay;
    odpu_model_ddr_layout(&m, &lay);
    ck_assert_uint_eq(lay.size, SAMPLE_DDR);
    ck_assert_uint_eq(lay.ro_begin, SAMPLE_CONST_OFFSET);
    ck_assert_uint_eq(lay.ro_end, SAMPLE_CONST_OFFSET + SAMPLE_CONSTS);
    odpu_model_free(&m);
    ck_assert_ptr_null(m.insns);
    free(again);
    free(data);
}
END_TEST

START_TEST(round_trip_through_a_file)
{
    sample s;
    sample_init(&s);
    char path[] = "/tmp/odpu_test_model_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    odpu_err err;
    ck_assert_msg(odpu_model_save(&s.m, path, &err) == ODPU_OK, "%s", err.msg);
    odpu_model m;
    ck_assert_msg(odpu_model_load(path, &m, &err) == ODPU_OK, "%s", err.msg);
    assert_same_model(&s.m, &m);
    odpu_model_free(&m);
    remove(path);

    ck_assert_int_eq(odpu_model_load(path, &m, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, path));
}
END_TEST

START_TEST(round_trip_minimal)
{
    /* No consts, no meta, no tensors: the optional sections are left out. */
    sample s;
    sample_init(&s);
    s.m.consts = NULL;
    s.m.consts_size = 0;
    s.m.meta = NULL;
    s.m.layers = NULL;
    s.m.n_layers = 0;
    s.m.n_tensors = 0;
    s.m.tensors = NULL;
    uint8_t *data;
    size_t len;
    odpu_err err;
    ck_assert_msg(odpu_model_serialize(&s.m, &data, &len, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(odpu_rd32(data + HDR_SECTION_COUNT), 2);
    odpu_model m;
    ck_assert_msg(odpu_model_parse(data, len, "t.odpu", &m, &err) == ODPU_OK, "%s", err.msg);
    assert_same_model(&s.m, &m);
    odpu_ddr_layout lay;
    odpu_model_ddr_layout(&m, &lay);
    ck_assert_uint_eq(lay.ro_begin, lay.ro_end);
    odpu_model_free(&m);
    free(data);
}
END_TEST

/* A later writer of the same major version may add section types this reader does not
 * know: they are skipped. Built by inserting one into a valid file. */
START_TEST(unknown_section_is_skipped)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    static const uint8_t extra[] = "profile data of a later version";
    uint32_t count = odpu_rd32(data + HDR_SECTION_COUNT);
    size_t table_end = table_entry(count);
    size_t body = len - TRAILER_BYTES - table_end;
    size_t nlen = len + SEC_ENTRY_BYTES + sizeof extra;
    uint8_t *buf = calloc(1, nlen);
    memcpy(buf, data, table_end);
    memcpy(buf + table_end + SEC_ENTRY_BYTES, data + table_end, body);
    for (uint32_t i = 0; i < count; i++)
        odpu_wr64(buf + table_entry(i) + SEC_OFFSET, section_offset(data, i) + SEC_ENTRY_BYTES);
    uint8_t *e = buf + table_entry(count);
    odpu_wr32(e + SEC_TYPE, 0x7001);
    odpu_wr64(e + SEC_OFFSET, table_end + SEC_ENTRY_BYTES + body);
    odpu_wr64(e + SEC_SIZE, sizeof extra);
    memcpy(buf + table_end + SEC_ENTRY_BYTES + body, extra, sizeof extra);
    odpu_wr32(buf + HDR_SECTION_COUNT, count + 1);
    odpu_wr64(buf + HDR_FILE_SIZE, nlen);
    recrc(buf, nlen);

    odpu_model m;
    odpu_err err;
    ck_assert_msg(odpu_model_parse(buf, nlen, "t.odpu", &m, &err) == ODPU_OK, "%s", err.msg);
    sample s;
    sample_init(&s);
    assert_same_model(&s.m, &m);
    odpu_model_free(&m);
    free(buf);
    free(data);
}
END_TEST

/* ---- Corruption ----------------------------------------------------------------------- */

START_TEST(every_truncation_is_rejected)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    for (size_t n = 0; n < len; n++) {
        /* A copy of exactly n bytes, so ASan sees any read past the prefix. */
        uint8_t *prefix = malloc(n ? n : 1);
        memcpy(prefix, data, n);
        expect_format_error(prefix, n, NULL);
        free(prefix);
    }
    free(data);
}
END_TEST

START_TEST(every_flipped_byte_is_rejected)
{
    static const uint8_t flips[] = {0x01, 0x08, 0x80, 0xFF};
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint8_t *buf = malloc(len);
    for (size_t pos = 0; pos < len; pos++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(buf, data, len);
            buf[pos] ^= flips[f];
            expect_format_error(buf, len, NULL);
        }
    free(buf);
    free(data);
}
END_TEST

START_TEST(trailing_bytes_are_rejected)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint8_t *buf = calloc(1, len + 1);
    memcpy(buf, data, len);
    expect_format_error(buf, len + 1, "trailing");
    free(buf);
    free(data);
}
END_TEST

START_TEST(wrong_magic)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    expect_patch_rejected(data, len, 0, 'X', 1, "not an opendpu model file");
    static const char png[] = "\x89PNG\r\n\x1a\n and more bytes than that";
    expect_format_error((const uint8_t *)png, sizeof png, "not an opendpu model file");
    free(data);
}
END_TEST

START_TEST(wrong_major_version)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    const char *needles[] = {"2.1", "1.1"};
    uint8_t *buf = patch_field(data, len, HDR_VERSION_MAJOR, ODPU_MODEL_VERSION_MAJOR + 1, 2);
    const char *msg = expect_fail(buf, len, ODPU_E_FORMAT);
    for (size_t i = 0; i < 2; i++)
        ck_assert_msg(strstr(msg, needles[i]), "message lacks '%s': %s", needles[i], msg);
    free(buf);
    expect_patch_rejected(data, len, HDR_VERSION_MAJOR, 0, 2, "0.1");
    free(data);
}
END_TEST

START_TEST(newer_minor_version)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint8_t *buf = patch_field(data, len, HDR_VERSION_MINOR, ODPU_MODEL_VERSION_MINOR + 1, 2);
    const char *msg = expect_fail(buf, len, ODPU_E_FORMAT);
    ck_assert_msg(strstr(msg, "1.2") && strstr(msg, "1.1") && strstr(msg, "newer"), "%s", msg);
    free(buf);
    expect_patch_rejected(data, len, HDR_VERSION_MINOR, 0, 2, "recompile");
    free(data);
}
END_TEST

START_TEST(fingerprint_mismatch_says_how_to_fix)
{
    sample s;
    sample_init(&s);
    odpu_err err;
    ck_assert_int_eq(odpu_model_check_fingerprint(&s.m, "b4096", SAMPLE_FP, &err), ODPU_OK);
    ck_assert_int_eq(odpu_model_check_fingerprint(&s.m, "tiny", 0xfedcba9876543210ULL, &err),
                     ODPU_E_MISMATCH);
    const char *needles[] = {"'b4096'", "0123456789abcdef", "'tiny'", "fedcba9876543210",
                             "opendpu compile", "--arch arch/tiny.yaml", "tinynet"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        ck_assert_msg(strstr(err.msg, needles[i]), "message lacks '%s': %s", needles[i], err.msg);
    /* Same name, other parameters: the message says the config changed. */
    ck_assert_int_eq(odpu_model_check_fingerprint(&s.m, "b4096", 1, &err), ODPU_E_MISMATCH);
    ck_assert_ptr_nonnull(strstr(err.msg, "changed"));
}
END_TEST

START_TEST(bad_section_table)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint64_t insns = table_entry(SEC_INDEX_INSNS), tens = table_entry(SEC_INDEX_TENSORS);
    uint64_t meta = table_entry(SEC_INDEX_META);
    /* Offsets: inside the header, inside the table, past the end, wrapping. */
    expect_patch_rejected(data, len, insns + SEC_OFFSET, 0, 8, "section 0");
    expect_patch_rejected(data, len, insns + SEC_OFFSET, HDR_BYTES, 8, "section 0");
    expect_patch_rejected(data, len, insns + SEC_OFFSET, len, 8, "section 0");
    expect_patch_rejected(data, len, insns + SEC_OFFSET, UINT64_MAX - 8, 8, "section 0");
    /* Sizes: reaching into the trailer, huge, making offset + size wrap around. */
    expect_patch_rejected(data, len, meta + SEC_SIZE, len - section_offset(data, SEC_INDEX_META), 8,
                          "section 3");
    expect_patch_rejected(data, len, insns + SEC_SIZE, UINT64_MAX, 8, "section 0");
    expect_patch_rejected(data, len, insns + SEC_SIZE, UINT64_MAX - section_offset(data, 0) + 2, 8,
                          "section 0");
    /* Overlapping the previous section (out of order). */
    expect_patch_rejected(data, len, tens + SEC_OFFSET, section_offset(data, SEC_INDEX_CONSTS), 8,
                          "section 2");
    /* Size not a whole number of instructions, zero instructions. */
    expect_patch_rejected(data, len, insns + SEC_SIZE, ODPU_INSN_BYTES + 1, 8, "multiple");
    expect_patch_rejected(data, len, insns + SEC_SIZE, 0, 8, "empty");
    /* Types: invalid 0, duplicated, a required one missing (renamed to an unknown type). */
    expect_patch_rejected(data, len, insns + SEC_TYPE, 0, 4, "type 0");
    expect_patch_rejected(data, len, meta + SEC_TYPE, SECTION_TYPE_INSNS, 4, "twice");
    expect_patch_rejected(data, len, insns + SEC_TYPE, 0x7001, 4, "no INSNS");
    /* Header fields that locate the table. */
    expect_patch_rejected(data, len, HDR_SECTION_COUNT, 0xFFFFFFFFu, 4, "section count");
    expect_patch_rejected(data, len, HDR_SECTION_COUNT, 0, 4, "no INSNS");
    expect_patch_rejected(data, len, HDR_HEADER_SIZE, 0xFFFFFFFFu, 4, "header size");
    expect_patch_rejected(data, len, HDR_HEADER_SIZE, HDR_BYTES - 1, 4, "header size");
    expect_patch_rejected(data, len, HDR_HEADER_SIZE, HDR_BYTES + SEC_ENTRY_BYTES, 4, NULL);
    expect_patch_rejected(data, len, HDR_FILE_SIZE, len + 1, 8, "truncated");
    expect_patch_rejected(data, len, HDR_RESERVED, 1, 4, "reserved");
    /* Tensor count disagreeing with the section size. */
    expect_patch_rejected(data, len, section_offset(data, SEC_INDEX_TENSORS), 4, 4, "tensors need");
    expect_patch_rejected(data, len, section_offset(data, SEC_INDEX_TENSORS), 0xFFFFFFFFu, 4,
                          "tensors need");
    free(data);
}
END_TEST

START_TEST(bad_header_values)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint8_t *buf = patch_field(data, len, HDR_ARCH_NAME, 0, 0);
    memset(buf + HDR_ARCH_NAME, 'a', ODPU_ARCH_NAME_MAX);
    recrc(buf, len);
    expect_format_error(buf, len, "NUL-terminated");
    free(buf);
    expect_patch_rejected(data, len, HDR_ARCH_NAME, 0, 1, "arch name is empty");
    expect_patch_rejected(data, len, HDR_DDR_SIZE, 0, 8, "ddr_size");
    expect_patch_rejected(data, len, HDR_DDR_SIZE, (UINT64_C(1) << 32) + 1, 8, "ddr_size");
    /* The constant region must fit the window: shrink the window, or move the region out. */
    expect_patch_rejected(data, len, HDR_DDR_SIZE, SAMPLE_CONST_OFFSET + SAMPLE_CONSTS - 1, 8,
                          "constant region");
    expect_patch_rejected(data, len, HDR_CONST_OFFSET, SAMPLE_DDR - SAMPLE_CONSTS + 1, 8,
                          "constant region");
    expect_patch_rejected(data, len, HDR_CONST_OFFSET, UINT64_MAX - 1, 8, "constant region");
    free(data);
}
END_TEST

START_TEST(bad_tensors)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint64_t t0 = tensor_entry(data, 0), t2 = tensor_entry(data, 2);
    expect_patch_rejected(data, len, t0 + TEN_NAME, 0, 1, "name is empty");
    expect_patch_rejected(data, len, t0 + TEN_ROLE, 2, 4, "role");
    expect_patch_rejected(data, len, t0 + TEN_H, 0, 4, "zero dimension");
    expect_patch_rejected(data, len, t0 + TEN_W, 0, 4, "zero dimension");
    expect_patch_rejected(data, len, t0 + TEN_C, 0, 4, "zero dimension");
    expect_patch_rejected(data, len, t0 + TEN_C, 5, 4, "pixel_stride");
    expect_patch_rejected(data, len, t0 + TEN_ROW_STRIDE, 15, 4, "row_stride");
    /* Outside the window: past its end, straddling it, and strides that would wrap. */
    expect_patch_rejected(data, len, t2 + TEN_DDR_OFFSET, SAMPLE_DDR, 8, "leaves the DDR window");
    expect_patch_rejected(data, len, t2 + TEN_DDR_OFFSET, SAMPLE_DDR - 100, 8, "leaves the DDR window");
    expect_patch_rejected(data, len, t2 + TEN_DDR_OFFSET, UINT64_MAX - 8, 8, "leaves the DDR window");
    expect_patch_rejected(data, len, t2 + TEN_H, 0xFFFFFFFFu, 4, "leaves the DDR window");
    uint8_t *buf = patch_field(data, len, t2 + TEN_ROW_STRIDE, 0xFFFFFFFFu, 4);
    odpu_wr32(buf + t2 + TEN_PIXEL_STRIDE, 0xFFFFFFFFu / 3);
    odpu_wr32(buf + t2 + TEN_H, 0xFFFFFFFFu);
    recrc(buf, len);
    expect_format_error(buf, len, "leaves the DDR window");
    free(buf);
    /* Input and output boxes overlapping the constants. */
    expect_patch_rejected(data, len, t0 + TEN_DDR_OFFSET, SAMPLE_CONST_OFFSET + 8, 8,
                          "input box");
    expect_patch_rejected(data, len, t0 + TEN_DDR_OFFSET, SAMPLE_CONST_OFFSET - 60, 8,
                          "overlaps the constant region");
    expect_patch_rejected(data, len, t2 + TEN_DDR_OFFSET, SAMPLE_CONST_OFFSET - 64, 8, "output box");
    /* Quantization. */
    float nan = NAN;
    uint32_t nan_bits;
    memcpy(&nan_bits, &nan, sizeof nan_bits);
    expect_patch_rejected(data, len, t0 + TEN_SCALE, nan_bits, 4, "scale");
    expect_patch_rejected(data, len, t0 + TEN_SCALE, 0, 4, "scale");
    expect_patch_rejected(data, len, t0 + TEN_ZERO_POINT, 200, 4, "zero_point");
    /* Padding and folding: inputs only, fold_rows and fold_step set, strides that cover the
     * folded pixel. */
    expect_patch_rejected(data, len, t2 + TEN_PAD_TOP, 1, 2, "inputs only");
    expect_patch_rejected(data, len, t0 + TEN_PAD_LEFT, 1, 2, "fold_rows");
    expect_patch_rejected(data, len, t0 + TEN_FOLD_ROWS, 1, 2, "fold_step");
    buf = patch_field(data, len, t0 + TEN_FOLD_ROWS, 2, 2);
    odpu_wr16(buf + t0 + TEN_FOLD_STEP, 1);
    recrc(buf, len);
    expect_format_error(buf, len, "pixel_stride");
    free(buf);
    /* A name that fills its field without a terminator. */
    buf = patch_field(data, len, t0, 0, 0);
    memset(buf + t0 + TEN_NAME, 'n', ODPU_TENSOR_NAME_MAX);
    recrc(buf, len);
    expect_format_error(buf, len, "NUL-terminated");
    free(buf);
    free(data);
}
END_TEST

START_TEST(meta_with_nul_is_rejected)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    expect_patch_rejected(data, len, section_offset(data, SEC_INDEX_META) + 2, 0, 1, "NUL");
    ck_assert_uint_eq(odpu_rd32(data + table_entry(SEC_INDEX_META) + SEC_TYPE), SECTION_TYPE_META);
    free(data);
}
END_TEST


static uint64_t layer_entry(const uint8_t *data, uint32_t layer)
{
    return section_offset(data, SEC_INDEX_LAYERS) + LAYERS_HEADER_BYTES + (uint64_t)layer * LAY_ENTRY_BYTES;
}

START_TEST(layers_section_is_optional_and_typed)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    ck_assert_uint_eq(odpu_rd32(data + HDR_SECTION_COUNT), 5);
    ck_assert_uint_eq(odpu_rd32(data + table_entry(SEC_INDEX_LAYERS) + SEC_TYPE), SECTION_TYPE_LAYERS);
    ck_assert_uint_eq(odpu_rd64(data + table_entry(SEC_INDEX_LAYERS) + SEC_SIZE),
                      LAYERS_HEADER_BYTES + 2 * LAY_ENTRY_BYTES);
    /* Field positions of docs/model-format.md. */
    uint64_t l0 = layer_entry(data, 0);
    ck_assert_str_eq((const char *)data + l0 + LAY_NAME, "conv1");
    ck_assert_str_eq((const char *)data + l0 + LAY_OP, "Conv");
    ck_assert_uint_eq(odpu_rd32(data + l0 + LAY_IN_C), 3);
    ck_assert_uint_eq(odpu_rd64(data + l0 + LAY_MACS), 3456);
    ck_assert_str_eq((const char *)data + l0 + LAY_PLAN, "rows 2x2, oc 1x8, ic 1x3");
    ck_assert_uint_eq(odpu_rd32(data + l0 + LAY_N_INSNS), 2);
    ck_assert_uint_eq(odpu_rd64(data + l0 + LAY_DDR_WRITTEN), 128);
    free(data);
}
END_TEST

START_TEST(bad_layers)
{
    size_t len;
    uint8_t *data = sample_bytes(&len);
    uint64_t l0 = layer_entry(data, 0), l1 = layer_entry(data, 1);
    uint64_t count = section_offset(data, SEC_INDEX_LAYERS);
    expect_patch_rejected(data, len, count, 3, 4, "layers need");
    expect_patch_rejected(data, len, count, 0xFFFFFFFFu, 4, "layers need");
    expect_patch_rejected(data, len, l0 + LAY_NAME, 0, 1, "name is empty");
    expect_patch_rejected(data, len, l1 + LAY_OP, 0, 1, "op is empty");
    expect_patch_rejected(data, len, l0 + LAY_FIRST_INSN, SAMPLE_INSNS, 4, "not inside the stream");
    expect_patch_rejected(data, len, l0 + LAY_N_INSNS, SAMPLE_INSNS + 1, 4, "not inside the stream");
    expect_patch_rejected(data, len, l0 + LAY_FIRST_INSN, 0xFFFFFFFFu, 4, "not inside the stream");
    /* Texts that fill their field without a terminator. */
    uint8_t *buf = patch_field(data, len, l0, 0, 0);
    memset(buf + l0 + LAY_PLAN, 'p', LAY_PLAN_BYTES);
    recrc(buf, len);
    expect_format_error(buf, len, "plan is not NUL-terminated");
    free(buf);
    buf = patch_field(data, len, l1, 0, 0);
    memset(buf + l1 + LAY_NAME, 'n', ODPU_LAYER_NAME_MAX);
    recrc(buf, len);
    expect_format_error(buf, len, "layer 1");
    free(buf);
    /* The size too short for its count. */
    expect_patch_rejected(data, len, table_entry(SEC_INDEX_LAYERS) + SEC_SIZE, 2, 8, "no count");
    free(data);
}
END_TEST

START_TEST(writer_refuses_bad_layers)
{
    sample s;
    sample_init(&s);
    uint8_t *data;
    size_t len;
    odpu_err err;
    s.layers[1].n_insns = SAMPLE_INSNS;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "layer 1 'cat'") && strstr(err.msg, "stream"), "%s", err.msg);
    sample_init(&s);
    s.layers[0].op[0] = '\0';
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "op is empty"), "%s", err.msg);
    sample_init(&s);
    s.m.layers = NULL;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
}
END_TEST

START_TEST(garbage_is_rejected)
{
    test_rng rng;
    test_rng_seed(&rng, 0x6f647075);
    size_t len;
    uint8_t *valid = sample_bytes(&len);
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)test_rng_range(&rng, 0, (int32_t)len * 2);
        uint8_t *buf = malloc(n ? n : 1);
        test_rng_bytes(&rng, buf, n);
        /* Half of them get a valid preamble (magic, version) so that the later checks
         * see random data too, and a third of those a valid size and CRC. */
        if (i % 2 && n >= 12)
            memcpy(buf, valid, 12);
        if (i % 6 == 1 && n >= HDR_BYTES + TRAILER_BYTES) {
            odpu_wr64(buf + HDR_FILE_SIZE, n);
            recrc(buf, n);
        }
        odpu_model m;
        odpu_err err;
        odpu_status st = odpu_model_parse(buf, n, "garbage", &m, &err);
        ck_assert_msg(st == ODPU_E_FORMAT, "random file %d of %zu bytes: %s", i, n,
                      odpu_status_name(st));
        free(buf);
    }
    free(valid);
}
END_TEST

/* ---- The writer refuses what the reader would refuse ---------------------------------- */

START_TEST(writer_refuses_invalid_models)
{
    sample s;
    uint8_t *data;
    size_t len;
    odpu_err err;

    sample_init(&s);
    s.m.n_insns = 0;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
    ck_assert_ptr_null(data);

    sample_init(&s);
    s.tensors[1].ddr_offset = SAMPLE_DDR - 5;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "logits") && strstr(err.msg, "DDR window"), "%s", err.msg);

    sample_init(&s);
    s.tensors[0].ddr_offset = SAMPLE_CONST_OFFSET;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "constant region"));

    sample_init(&s);
    s.m.const_offset = SAMPLE_DDR;
    ck_assert_int_eq(odpu_model_serialize(&s.m, &data, &len, &err), ODPU_E_ARG);

    sample_init(&s);
    ck_assert_int_eq(odpu_model_save(&s.m, "/nonexistent-dir/x.odpu", &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent-dir/x.odpu"));
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *rt = tcase_create("round_trip");
    tcase_add_test(rt, round_trip_in_memory);
    tcase_add_test(rt, round_trip_through_a_file);
    tcase_add_test(rt, round_trip_minimal);
    tcase_add_test(rt, unknown_section_is_skipped);
    suite_add_tcase(s, rt);

    TCase *bad = tcase_create("corruption");
    tcase_set_timeout(bad, 60);
    tcase_add_test(bad, every_truncation_is_rejected);
    tcase_add_test(bad, every_flipped_byte_is_rejected);
    tcase_add_test(bad, trailing_bytes_are_rejected);
    tcase_add_test(bad, wrong_magic);
    tcase_add_test(bad, wrong_major_version);
    tcase_add_test(bad, newer_minor_version);
    tcase_add_test(bad, fingerprint_mismatch_says_how_to_fix);
    tcase_add_test(bad, bad_section_table);
    tcase_add_test(bad, bad_header_values);
    tcase_add_test(bad, bad_tensors);
    tcase_add_test(bad, meta_with_nul_is_rejected);
    tcase_add_test(bad, garbage_is_rejected);
    tcase_add_test(bad, writer_refuses_invalid_models);
    tcase_add_test(bad, layers_section_is_optional_and_typed);
    tcase_add_test(bad, bad_layers);
    tcase_add_test(bad, writer_refuses_bad_layers);
    suite_add_tcase(s, bad);
    return s;
}

ODPU_TEST_MAIN(model_suite)
