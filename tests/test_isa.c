/* test_isa.c - encoding, decoding and disassembly of every instruction class against the
 * field table isa/isa_fields.def: round trips over random and extreme values, range errors
 * that name the field, illegal opcodes, and every reserved bit of every class. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "isa/isa.h"
#include "isa/stream.h"
#include "tests/testutil.h"

enum { ROUND_TRIPS = 2000, INSN_BITS = ODPU_INSN_BYTES * 8, WORD_BITS = 32 };

/* The field table, expanded independently of isa.c so the test checks isa.c against it. */
typedef struct field_info {
    const char *name;
    int word, lsb, width, is_signed, bias;
    size_t offset;
} field_info;

/* The codec's structs under the class names of the table, for offsetof. */
#define X_ALIAS(OP, code, name, FIELDS) typedef odpu_##name odpu_struct_##OP;
ODPU_OPCODES(X_ALIAS)
#undef X_ALIAS

#define SIGN_U 0
#define SIGN_S 1
#define X_INFO(OP, field, word, lsb, width, sign, bias) \
    {#field, word, lsb, width, SIGN_##sign, bias, offsetof(odpu_struct_##OP, field)},
static const field_info load_info[] = {ODPU_LOAD_FIELDS(X_INFO)};
static const field_info save_info[] = {ODPU_SAVE_FIELDS(X_INFO)};
static const field_info conv_info[] = {ODPU_CONV_FIELDS(X_INFO)};
static const field_info pool_info[] = {ODPU_POOL_FIELDS(X_INFO)};
static const field_info elew_info[] = {ODPU_ELEW_FIELDS(X_INFO)};
static const field_info nop_info[] = {ODPU_NOP_FIELDS(X_INFO)};
#undef X_INFO
/* Opcode and flags: common to every class, in no struct. */
#define X_HEADER(OP, field, word, lsb, width, sign, bias) {#field, word, lsb, width, SIGN_##sign, bias, 0},
static const field_info header_info[] = {ODPU_HEADER_FIELDS(X_HEADER)};
#undef X_HEADER

typedef struct class_info {
    odpu_opcode op;
    const field_info *fields;
    size_t n;
} class_info;

#define CLASS(OP, arr) {ODPU_OP_##OP, arr, sizeof arr / sizeof arr[0]}
static const class_info classes[] = {
    CLASS(LOAD, load_info), CLASS(SAVE, save_info), CLASS(CONV, conv_info), CLASS(POOL, pool_info),
    CLASS(ELEW, elew_info), CLASS(NOP, nop_info), {ODPU_OP_END, NULL, 0},
};
#undef CLASS
enum { N_CLASSES = sizeof classes / sizeof classes[0] };

static const class_info *class_of(odpu_opcode op)
{
    for (int ci = 0; ci < N_CLASSES; ci++)
        if (classes[ci].op == op)
            return &classes[ci];
    ck_abort_msg("no class %d", (int)op);
    return NULL;
}

/* Raw (encoded) range of a field. */
static int64_t raw_min(const field_info *f) { return f->is_signed ? -(INT64_C(1) << (f->width - 1)) : 0; }
static int64_t raw_max(const field_info *f)
{
    return f->is_signed ? (INT64_C(1) << (f->width - 1)) - 1 : (INT64_C(1) << f->width) - 1;
}

static void set_value(odpu_insn *insn, const field_info *f, int64_t value)
{
    uint8_t *member = (uint8_t *)&insn->u + f->offset;
    if (f->is_signed) {
        int32_t v = (int32_t)value;
        memcpy(member, &v, sizeof v);
    } else {
        uint32_t v = (uint32_t)value;
        memcpy(member, &v, sizeof v);
    }
}

static int64_t get_value(const odpu_insn *insn, const field_info *f)
{
    const uint8_t *member = (const uint8_t *)&insn->u + f->offset;
    if (f->is_signed) {
        int32_t v;
        memcpy(&v, member, sizeof v);
        return v;
    }
    uint32_t v;
    memcpy(&v, member, sizeof v);
    return v;
}

static int64_t random_raw(test_rng *r, const field_info *f)
{
    uint64_t span = (uint64_t)(raw_max(f) - raw_min(f)) + 1;
    return raw_min(f) + (int64_t)(test_rng_next(r) % span);
}

/* mode 0: random values; 1: every field at its minimum; 2: every field at its maximum. */
static void fill(odpu_insn *insn, const class_info *c, test_rng *r, int mode)
{
    memset(insn, 0, sizeof *insn);
    insn->opcode = c->op;
    for (size_t k = 0; k < c->n; k++) {
        const field_info *f = &c->fields[k];
        int64_t raw = mode == 1 ? raw_min(f) : mode == 2 ? raw_max(f) : random_raw(r, f);
        set_value(insn, f, raw + f->bias);
    }
    uint64_t flags = mode == 1 ? 0 : mode == 2 ? ~UINT64_C(0) : test_rng_next(r);
    insn->deps = (odpu_deps){flags & 1, (flags >> 1) & 1, (flags >> 2) & 1, (flags >> 3) & 1};
}

static void assert_same(const odpu_insn *a, const odpu_insn *b, const class_info *c)
{
    ck_assert_int_eq(a->opcode, b->opcode);
    ck_assert_mem_eq(&a->deps, &b->deps, sizeof a->deps);
    for (size_t k = 0; k < c->n; k++)
        ck_assert_msg(get_value(a, &c->fields[k]) == get_value(b, &c->fields[k]), "%s.%s: %lld != %lld",
                      odpu_opcode_name(c->op), c->fields[k].name, (long long)get_value(a, &c->fields[k]),
                      (long long)get_value(b, &c->fields[k]));
}

/* Every queue links two neighbours: the pusher's push flag toward the popper and the popper's
 * pop flag toward the pusher both name it; flags toward a missing neighbour name none. */
START_TEST(dependency_queues)
{
    int seen[ODPU_QUEUE_COUNT] = {0};
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++) {
        odpu_engine pusher, popper;
        odpu_queue_engines((odpu_queue)q, &pusher, &popper);
        ck_assert_int_eq(odpu_queue_between(pusher, popper), q);
        ck_assert_int_eq(odpu_dep_queue(pusher, odpu_dep_flag_toward(pusher, popper, 1)), q);
        ck_assert_int_eq(odpu_dep_queue(popper, odpu_dep_flag_toward(popper, pusher, 0)), q);
        ck_assert_int_eq(pusher == ODPU_ENGINE_COMPUTE || popper == ODPU_ENGINE_COMPUTE, 1);
        seen[q]++;
    }
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        ck_assert_int_eq(seen[q], 1);
    ck_assert_int_eq(odpu_queue_between(ODPU_ENGINE_LOAD, ODPU_ENGINE_STORE), ODPU_QUEUE_NONE);
    ck_assert_int_eq(odpu_dep_queue(ODPU_ENGINE_LOAD, ODPU_DEP_POP_PREV), ODPU_QUEUE_NONE);
    ck_assert_int_eq(odpu_dep_queue(ODPU_ENGINE_STORE, ODPU_DEP_PUSH_NEXT), ODPU_QUEUE_NONE);
    ck_assert_str_eq(odpu_queue_name(ODPU_QUEUE_STORE_TO_COMPUTE), "store->compute");
    odpu_insn nop = {.opcode = ODPU_OP_NOP, .deps = {.pop_next = 1}};
    nop.u.nop.engine = ODPU_ENGINE_COMPUTE;
    ck_assert_int_eq(odpu_insn_flag_queue(&nop, ODPU_DEP_POP_NEXT), ODPU_QUEUE_STORE_TO_COMPUTE);
    ck_assert_int_eq(odpu_insn_flag_queue(&nop, ODPU_DEP_POP_PREV), ODPU_QUEUE_NONE);
    *odpu_dep_flag_ptr(&nop.deps, ODPU_DEP_PUSH_PREV) = 1;
    ck_assert_uint_eq(nop.deps.push_prev, 1);
    ck_assert_uint_eq(odpu_dep_flag_get(&nop.deps, ODPU_DEP_PUSH_PREV), 1);
}
END_TEST

START_TEST(round_trip_every_class)
{
    test_rng r;
    test_rng_seed(&r, 0x15A15A);
    for (int ci = 0; ci < N_CLASSES; ci++)
        for (int it = 0; it < ROUND_TRIPS; it++) {
            const class_info *c = &classes[ci];
            odpu_insn in, out;
            fill(&in, c, &r, it < 3 ? it : 0);
            uint8_t bytes[ODPU_INSN_BYTES];
            odpu_err err = {0};
            ck_assert_msg(odpu_insn_encode(&in, bytes, &err) == ODPU_OK, "%s", err.msg);
            ck_assert_msg(odpu_insn_decode(bytes, &out, &err) == ODPU_OK, "%s", err.msg);
            assert_same(&in, &out, c);
            ck_assert_int_eq(odpu_rd32(bytes) & ((1u << header_info[0].width) - 1), c->op);
        }
}
END_TEST

/* Biased fields (kernel, stride, dilation): 1 is encoded as 0 and the largest value uses
 * every code; signed fields reach both extremes. */
START_TEST(round_trip_extremes)
{
    odpu_insn in = {.opcode = ODPU_OP_CONV}, out;
    in.u.conv = (odpu_conv){.kh = 16, .kw = 1, .stride_h = 8, .stride_w = 1, .dil_h = 1, .dil_w = 8,
                            .pool_h = 4, .pool_w = 1, .in_zp = -128, .out_zp = 127, .act_min = -128,
                            .act_max = 127};
    uint8_t bytes[ODPU_INSN_BYTES];
    odpu_err err = {0};
    ck_assert_msg(odpu_insn_encode(&in, bytes, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(odpu_rd32(bytes + 4) >> 28, 15);      /* kh 16 -> 15 */
    ck_assert_uint_eq(odpu_rd32(bytes + 8) >> 28, 0);       /* kw 1 -> 0 */
    ck_assert_uint_eq(odpu_rd32(bytes + 28) & 7, 7);        /* stride_h 8 -> 7 */
    ck_assert_uint_eq((odpu_rd32(bytes) >> 14) & 3, 3);     /* pool_h 4 -> 3 */
    ck_assert_uint_eq((odpu_rd32(bytes + 24) >> 14) & 3, 0); /* pool_w 1 -> 0 */
    ck_assert_uint_eq((odpu_rd32(bytes) >> 16) & 0xFF, 0x80); /* in_zp -128 */
    ck_assert_int_eq(odpu_insn_decode(bytes, &out, &err), ODPU_OK);
    assert_same(&in, &out, class_of(ODPU_OP_CONV));

    odpu_insn e = {.opcode = ODPU_OP_ELEW};
    e.u.elew = (odpu_elew){.a_mult = INT32_MIN, .b_mult = INT32_MAX, .out_mult = -1, .a_shift = -32,
                           .b_shift = 31, .len = (1u << 20) - 1};
    ck_assert_int_eq(odpu_insn_encode(&e, bytes, &err), ODPU_OK);
    ck_assert_int_eq(odpu_insn_decode(bytes, &out, &err), ODPU_OK);
    assert_same(&e, &out, class_of(ODPU_OP_ELEW));
}
END_TEST

static void expect_rejected(const class_info *c, const field_info *f, int64_t value)
{
    odpu_insn in;
    fill(&in, c, NULL, 1);
    set_value(&in, f, value);
    uint8_t bytes[ODPU_INSN_BYTES];
    odpu_err err = {0};
    ck_assert_msg(odpu_insn_encode(&in, bytes, &err) == ODPU_E_ARG, "%s.%s = %lld accepted",
                  odpu_opcode_name(c->op), f->name, (long long)value);
    char want[64];
    snprintf(want, sizeof want, "%s.%s", odpu_opcode_name(c->op), f->name);
    ck_assert_msg(strstr(err.msg, want), "message '%s' does not name %s", err.msg, want);
}

START_TEST(encode_rejects_out_of_range)
{
    int checked = 0;
    for (int ci = 0; ci < N_CLASSES; ci++)
        for (size_t k = 0; k < classes[ci].n; k++) {
            const field_info *f = &classes[ci].fields[k];
            if (f->width == WORD_BITS) /* every value of the C member fits */
                continue;
            expect_rejected(&classes[ci], f, raw_max(f) + f->bias + 1);
            if (f->is_signed || f->bias)
                expect_rejected(&classes[ci], f, raw_min(f) + f->bias - 1);
            checked++;
        }
    ck_assert_int_gt(checked, 60);
    odpu_insn bad = {.opcode = ODPU_OP_ILLEGAL};
    uint8_t bytes[ODPU_INSN_BYTES];
    ck_assert_int_eq(odpu_insn_encode(&bad, bytes, NULL), ODPU_E_ARG);
    bad.opcode = (odpu_opcode)9;
    ck_assert_int_eq(odpu_insn_encode(&bad, bytes, NULL), ODPU_E_ARG);
}
END_TEST

START_TEST(decode_rejects_illegal_opcodes)
{
    for (unsigned op = 0; op < 16; op++) {
        uint8_t bytes[ODPU_INSN_BYTES] = {0};
        bytes[0] = (uint8_t)op;
        odpu_insn out;
        odpu_err err = {0};
        odpu_status st = odpu_insn_decode(bytes, &out, &err);
        if (op >= ODPU_OP_LOAD && op <= ODPU_OP_END) {
            ck_assert_msg(st == ODPU_OK, "opcode %u: %s", op, err.msg);
        } else {
            ck_assert_msg(st == ODPU_E_INVALID, "opcode %u decoded", op);
            ck_assert_ptr_nonnull(strstr(err.msg, "opcode"));
        }
    }
}
END_TEST

static int bit_covered(const class_info *c, int word, int bit)
{
    for (size_t k = 0; k < sizeof header_info / sizeof header_info[0]; k++)
        if (word == header_info[k].word && bit >= header_info[k].lsb &&
            bit < header_info[k].lsb + header_info[k].width)
            return 1;
    for (size_t k = 0; k < c->n; k++)
        if (word == c->fields[k].word && bit >= c->fields[k].lsb && bit < c->fields[k].lsb + c->fields[k].width)
            return 1;
    return 0;
}

/* Flip each of the 256 bits of a valid encoding: a bit of a listed field must change what
 * decodes (re-encoding gives the flipped bytes back); any other bit must be rejected. An
 * opcode bit turns the instruction into another class or an illegal one; both are fine. */
START_TEST(no_bit_is_silently_ignored)
{
    test_rng r;
    test_rng_seed(&r, 77);
    int reserved = 0;
    for (int ci = 0; ci < N_CLASSES; ci++)
        for (int base_mode = 0; base_mode < 3; base_mode++) {
            const class_info *c = &classes[ci];
            odpu_insn in;
            fill(&in, c, &r, base_mode);
            uint8_t base[ODPU_INSN_BYTES];
            ck_assert_int_eq(odpu_insn_encode(&in, base, NULL), ODPU_OK);
            for (int bit = 0; bit < INSN_BITS; bit++) {
                int word = bit / WORD_BITS, pos = bit % WORD_BITS;
                uint8_t flipped[ODPU_INSN_BYTES], again[ODPU_INSN_BYTES];
                memcpy(flipped, base, sizeof flipped);
                flipped[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                odpu_insn out;
                odpu_err err = {0};
                odpu_status st = odpu_insn_decode(flipped, &out, &err);
                int opcode_bit = word == 0 && pos < header_info[0].width;
                if (opcode_bit)
                    continue; /* another class or illegal: covered by the other tests */
                if (bit_covered(c, word, pos)) {
                    ck_assert_msg(st == ODPU_OK, "%s bit %d of word %d rejected: %s", odpu_opcode_name(c->op), pos,
                                  word, err.msg);
                    ck_assert_int_eq(odpu_insn_encode(&out, again, NULL), ODPU_OK);
                    ck_assert_msg(!memcmp(again, flipped, sizeof again), "%s bit %d of word %d ignored",
                                  odpu_opcode_name(c->op), pos, word);
                } else {
                    ck_assert_msg(st == ODPU_E_INVALID, "%s reserved bit %d of word %d accepted",
                                  odpu_opcode_name(c->op), pos, word);
                    ck_assert_ptr_nonnull(strstr(err.msg, "reserved"));
                    reserved++;
                }
            }
        }
    ck_assert_int_gt(reserved, 0);
}
END_TEST

/* The example line of the brief, field for field. */
START_TEST(disasm_conv_line)
{
    odpu_insn i = {.opcode = ODPU_OP_CONV, .deps = {.pop_prev = 1, .push_next = 1}};
    i.u.conv = (odpu_conv){.mode = ODPU_CONV_STANDARD, .kh = 3, .kw = 3, .stride_h = 1, .stride_w = 1,
                           .dil_h = 1, .dil_w = 1, .pad_top = 1, .pad_bottom = 1, .pad_left = 1,
                           .pad_right = 1, .in_h = 28, .in_w = 28, .in_c = 3, .out_h = 28, .out_w = 28,
                           .out_c = 16, .obuf_addr = 0x100, .groups = 1, .in_zp = -3, .out_zp = 5,
                           .act_min = -128, .act_max = 127, .acc_init = 1, .acc_out = 1};
    char line[256];
    odpu_insn_disasm(&i, line, sizeof line);
    ck_assert_str_eq(line, "CONV std 3x3 s1x1 d1x1 pad t1 b1 l1 r1 in IBUF[0x000] 28x28x3 -> ABUF[0x000] "
                           "OBUF[0x100] 28x28x16 W[0x00] P[0x0] groups 1 zp in -3 out 5 act [-128,127] "
                           "init out {pop_prev push_next}");
    char tiny[8];
    odpu_insn_disasm(&i, tiny, sizeof tiny);
    ck_assert_str_eq(tiny, "CONV st");
}
END_TEST

static char *listing(const uint8_t *bytes, size_t n, odpu_status *st, odpu_err *err)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(f);
    *st = odpu_stream_disasm(bytes, n, f, err);
    fclose(f);
    return text;
}

START_TEST(disasm_stream)
{
    odpu_stream s;
    odpu_stream_init(&s);
    odpu_insn i = {.opcode = ODPU_OP_LOAD, .deps = {.push_next = 1}};
    i.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .ddr_addr = 0x40, .h = 8, .w = 8, .c = 3, .pixel_stride = 3,
                           .row_stride = 24};
    odpu_stream_append(&s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = ODPU_BUF_WBUF, .ddr_addr = 0x1000, .buf_addr = 2, .len = 9};
    odpu_stream_append(&s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_POOL, .deps = {.pop_prev = 1}};
    i.u.pool = (odpu_pool){.mode = ODPU_POOL_MAX, .src_buf = ODPU_BUF_IBUF, .in_h = 8, .in_w = 8, .c = 3,
                           .kh = 2, .kw = 2, .stride_h = 2, .stride_w = 2, .out_h = 4, .out_w = 4,
                           .dst_addr = 0x80, .act_min = -128, .act_max = 127};
    odpu_stream_append(&s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_NOP, .deps = {.pop_next = 1, .push_prev = 1}};
    i.u.nop.engine = ODPU_ENGINE_COMPUTE;
    odpu_stream_append(&s, &i);
    i = (odpu_insn){.opcode = ODPU_OP_END};
    odpu_stream_append(&s, &i);
    ck_assert_int_eq(odpu_stream_status(&s, NULL), ODPU_OK);

    odpu_status st;
    odpu_err err = {0};
    char *text = listing(s.bytes, s.n_insns, &st, &err);
    ck_assert_int_eq(st, ODPU_OK);
    const char *want[] = {"; 5 instructions",
                          "     0  00000081 00000040",
                          "LOAD IBUF[0x000] <- DDR[0x00000040] 8x8x3 px 3 row 24 {push_next}",
                          "LOAD WBUF[0x002] <- DDR[0x00001000] len 9\n",
                          "POOL max 2x2 s2x2 pad t0 b0 l0 r0 in IBUF[0x000] 8x8x3 -> OBUF[0x080] 4x4 act [-128,127] {pop_prev}",
                          "NOP compute {pop_next push_prev}",
                          "     4  00000007 00000000",
                          "END\n"};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        ck_assert_msg(strstr(text, want[k]), "listing lacks '%s':\n%s", want[k], text);
    free(text);

    /* A reserved bit in instruction 1 and a zeroed instruction 3: listed with the reason. */
    s.bytes[1 * ODPU_INSN_BYTES + 2] |= 0x80;
    memset(s.bytes + 3 * ODPU_INSN_BYTES, 0, ODPU_INSN_BYTES);
    text = listing(s.bytes, s.n_insns, &st, &err);
    ck_assert_int_eq(st, ODPU_E_INVALID);
    ck_assert_ptr_nonnull(strstr(text, "<undecodable: LOAD: reserved bits set in word 0"));
    ck_assert_ptr_nonnull(strstr(text, "<undecodable: illegal opcode 0"));
    ck_assert_ptr_nonnull(strstr(text, "END\n"));
    ck_assert_ptr_nonnull(strstr(err.msg, "2 of 5"));
    ck_assert_ptr_nonnull(strstr(err.msg, "instruction 1"));
    free(text);

    text = listing(NULL, 0, &st, &err);
    ck_assert_int_eq(st, ODPU_OK);
    ck_assert_ptr_nonnull(strstr(text, "; 0 instructions"));
    free(text);
    odpu_stream_free(&s);
}
END_TEST

START_TEST(disasm_every_class_and_names)
{
    test_rng r;
    test_rng_seed(&r, 5);
    for (int ci = 0; ci < N_CLASSES; ci++) {
        odpu_insn in;
        fill(&in, &classes[ci], &r, 0);
        char line[512];
        odpu_insn_disasm(&in, line, sizeof line);
        ck_assert_msg(!strncmp(line, odpu_opcode_name(classes[ci].op), strlen(odpu_opcode_name(classes[ci].op))),
                      "'%s'", line);
    }
    odpu_insn bad = {.opcode = (odpu_opcode)12};
    char line[64];
    odpu_insn_disasm(&bad, line, sizeof line);
    ck_assert_str_eq(line, "ILLEGAL opcode 12");
    ck_assert_str_eq(odpu_buf_name(ODPU_BUF_ABUF), "ABUF");
    ck_assert_str_eq(odpu_buf_name((odpu_buf_id)ODPU_RES_DDR), "DDR");
    ck_assert_str_eq(odpu_engine_name(ODPU_ENGINE_STORE), "store");
}
END_TEST

static Suite *isa_suite(void)
{
    Suite *s = suite_create("isa");
    TCase *tc = tcase_create("encoding");
    tcase_add_test(tc, round_trip_every_class);
    tcase_add_test(tc, dependency_queues);
    tcase_add_test(tc, round_trip_extremes);
    tcase_add_test(tc, encode_rejects_out_of_range);
    tcase_add_test(tc, decode_rejects_illegal_opcodes);
    tcase_add_test(tc, no_bit_is_silently_ignored);
    suite_add_tcase(s, tc);
    TCase *td = tcase_create("disasm");
    tcase_add_test(td, disasm_conv_line);
    tcase_add_test(td, disasm_stream);
    tcase_add_test(td, disasm_every_class_and_names);
    suite_add_tcase(s, td);
    return s;
}

ODPU_TEST_MAIN(isa_suite)
