/* test_validate.c - the validity rules of docs/isa.md section 7 on arch/tiny.yaml: a valid
 * hand-written stream, one minimal mutation per rule, a double-buffered multi-tile stream,
 * footprints, a 100k-instruction stream, and garbage that must be rejected without harm. */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "isa/isa.h"
#include "isa/stream.h"
#include "tests/testutil.h"

/* DDR plan of the base stream: input, then the read-only weights and parameters, then output. */
enum {
    IN_H = 8, IN_W = 8, IN_C = 3, OUT_C = 8, K = 3, POOL_K = 2,
    IN_OFF = 0x0000, W_OFF = 0x1000, P_OFF = 0x1200, RO_END = 0x2000, OUT_OFF = 0x2000, DDR_SIZE = 0x3000,
    OBUF_POOL = 0x80,
    BASE_N = 7, PROG_MAX = 64,
    I_LOAD_IN = 0, I_LOAD_W = 1, I_LOAD_P = 2, I_CONV = 3, I_POOL = 4, I_SAVE = 5, I_END = 6,
};

static odpu_isa_limits tiny_limits(void)
{
    odpu_arch arch;
    odpu_err err = {0};
    ck_assert_msg(odpu_arch_load(test_arch_path("tiny"), &arch, &err) == ODPU_OK, "%s", err.msg);
    odpu_isa_limits lim;
    odpu_arch_limits(&arch, &lim);
    return lim;
}

static const odpu_ddr_layout base_ddr = {.size = DDR_SIZE, .ro_begin = W_OFF, .ro_end = RO_END};

typedef struct prog {
    odpu_insn insn[PROG_MAX];
    size_t n;
} prog;

static odpu_insn load_act(uint32_t buf, uint32_t addr, uint32_t ddr, uint32_t h, uint32_t w, uint32_t c)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = buf, .buf_addr = addr, .ddr_addr = ddr, .h = h, .w = w, .c = c,
                           .pixel_stride = c, .row_stride = w * c};
    return i;
}

static odpu_insn load_linear(uint32_t buf, uint32_t addr, uint32_t ddr, uint32_t len)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = buf, .buf_addr = addr, .ddr_addr = ddr, .len = len};
    return i;
}

static odpu_insn save_act(uint32_t addr, uint32_t ddr, uint32_t h, uint32_t w, uint32_t c)
{
    odpu_insn i = {.opcode = ODPU_OP_SAVE};
    i.u.save = (odpu_save){.buf = ODPU_BUF_OBUF, .buf_addr = addr, .ddr_addr = ddr, .h = h, .w = w, .c = c,
                           .pixel_stride = c, .row_stride = w * c};
    return i;
}

static odpu_insn conv(uint32_t ibuf, uint32_t obuf, uint32_t h, uint32_t w, uint32_t in_c, uint32_t out_c,
                      uint32_t k)
{
    odpu_insn i = {.opcode = ODPU_OP_CONV};
    uint32_t pad = k / 2;
    i.u.conv = (odpu_conv){.mode = ODPU_CONV_STANDARD, .acc_init = 1, .acc_out = 1, .ibuf_addr = ibuf,
                           .obuf_addr = obuf, .in_h = h, .in_w = w, .out_h = h, .out_w = w, .in_c = in_c,
                           .out_c = out_c, .groups = 1, .kh = k, .kw = k, .pad_top = pad, .pad_bottom = pad,
                           .pad_left = pad, .pad_right = pad, .stride_h = 1, .stride_w = 1, .dil_h = 1,
                           .dil_w = 1, .pool_h = 1, .pool_w = 1, .act_min = -128, .act_max = 127};
    return i;
}

static odpu_insn nop(odpu_engine e)
{
    odpu_insn i = {.opcode = ODPU_OP_NOP};
    i.u.nop.engine = e;
    return i;
}

/* LOAD input, weights, params (one token for all three: the load engine is in order), CONV,
 * max POOL on the compute engine, SAVE of the pooled tile, END. */
static void base_prog(prog *p, const odpu_isa_limits *lim)
{
    uint32_t w_words = odpu_ceil_div(OUT_C, lim->cols) * odpu_ceil_div(IN_C, lim->rows) * K * K;
    memset(p, 0, sizeof *p);
    p->insn[I_LOAD_IN] = load_act(ODPU_BUF_IBUF, 0, IN_OFF, IN_H, IN_W, IN_C);
    p->insn[I_LOAD_W] = load_linear(ODPU_BUF_WBUF, 0, W_OFF, w_words);
    p->insn[I_LOAD_P] = load_linear(ODPU_BUF_PBUF, 0, P_OFF, odpu_ceil_div(OUT_C, lim->cols));
    p->insn[I_LOAD_P].deps.push_next = 1;
    p->insn[I_CONV] = conv(0, 0, IN_H, IN_W, IN_C, OUT_C, K);
    p->insn[I_CONV].deps.pop_prev = 1;
    odpu_insn pool = {.opcode = ODPU_OP_POOL, .deps = {.push_next = 1}};
    pool.u.pool = (odpu_pool){.mode = ODPU_POOL_MAX, .src_buf = ODPU_BUF_OBUF, .src_addr = 0,
                              .dst_addr = OBUF_POOL, .in_h = IN_H, .in_w = IN_W, .c = OUT_C, .kh = POOL_K,
                              .kw = POOL_K, .stride_h = POOL_K, .stride_w = POOL_K, .out_h = IN_H / POOL_K,
                              .out_w = IN_W / POOL_K, .act_min = -128, .act_max = 127};
    p->insn[I_POOL] = pool;
    p->insn[I_SAVE] = save_act(OBUF_POOL, OUT_OFF, IN_H / POOL_K, IN_W / POOL_K, OUT_C);
    p->insn[I_SAVE].deps.pop_prev = 1;
    p->insn[I_END] = (odpu_insn){.opcode = ODPU_OP_END};
    p->n = BASE_N;
}

static void insert(prog *p, size_t at, odpu_insn insn)
{
    ck_assert_uint_lt(p->n, PROG_MAX);
    memmove(&p->insn[at + 1], &p->insn[at], (p->n - at) * sizeof p->insn[0]);
    p->insn[at] = insn;
    p->n++;
}

static uint8_t *encode(const prog *p)
{
    uint8_t *bytes = malloc(p->n * ODPU_INSN_BYTES + 1);
    ck_assert_ptr_nonnull(bytes);
    for (size_t i = 0; i < p->n; i++) {
        odpu_err err = {0};
        ck_assert_msg(odpu_insn_encode(&p->insn[i], bytes + i * ODPU_INSN_BYTES, &err) == ODPU_OK,
                      "instruction %zu: %s", i, err.msg);
    }
    return bytes;
}

typedef struct verdict {
    odpu_status st;
    odpu_rule rule;
    size_t index;
    odpu_err err;
} verdict;

static verdict validate_bytes(const uint8_t *bytes, size_t n, const odpu_isa_limits *lim,
                              const odpu_ddr_layout *ddr)
{
    verdict v = {0};
    v.st = odpu_stream_validate(bytes, n, lim, ddr, &v.rule, &v.index, &v.err);
    return v;
}

static verdict validate_prog(const prog *p, const odpu_isa_limits *lim)
{
    uint8_t *bytes = encode(p);
    verdict v = validate_bytes(bytes, p->n, lim, &base_ddr);
    free(bytes);
    return v;
}

static void expect_rule(const verdict *v, odpu_rule rule, size_t index)
{
    ck_assert_msg(v->st == ODPU_E_INVALID, "expected rule %s, stream passed (status %d: %s)",
                  odpu_rule_name(rule), (int)v->st, v->err.msg);
    ck_assert_msg(v->rule == rule, "expected rule %s, got %s: %s", odpu_rule_name(rule), odpu_rule_name(v->rule),
                  v->err.msg);
    ck_assert_msg(v->index == index, "expected index %zu, got %zu: %s", index, v->index, v->err.msg);
    char want[64];
    snprintf(want, sizeof want, ": %s: ", odpu_rule_name(rule));
    ck_assert_msg(strstr(v->err.msg, want), "message does not name the rule: %s", v->err.msg);
    snprintf(want, sizeof want, "instruction %zu (", index);
    ck_assert_msg(rule == ODPU_RULE_END || strstr(v->err.msg, want), "message does not name the instruction: %s",
                  v->err.msg);
}

static void expect_valid(const verdict *v)
{
    ck_assert_msg(v->st == ODPU_OK, "rule %s at %zu: %s", odpu_rule_name(v->rule), v->index, v->err.msg);
    ck_assert_int_eq(v->rule, ODPU_RULE_NONE);
}

START_TEST(base_stream_is_valid)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    verdict v = validate_prog(&p, &lim);
    expect_valid(&v);
    for (size_t i = 0; i < p.n; i++) {
        odpu_err err = {0};
        ck_assert_msg(odpu_insn_check(&p.insn[i], &lim, &base_ddr, &err) == ODPU_RULE_NONE, "%s", err.msg);
    }
}
END_TEST

/* ---- One test per rule: a minimal mutation of the base stream ------------------------ */

START_TEST(rule_opcode)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    uint8_t *bytes = encode(&p);
    bytes[I_CONV * ODPU_INSN_BYTES] = (uint8_t)((bytes[I_CONV * ODPU_INSN_BYTES] & 0xF0) | 9);
    verdict v = validate_bytes(bytes, p.n, &lim, &base_ddr);
    free(bytes);
    expect_rule(&v, ODPU_RULE_OPCODE, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "opcode 9"));
}
END_TEST

START_TEST(rule_reserved)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    uint8_t *bytes = encode(&p);
    bytes[I_SAVE * ODPU_INSN_BYTES + 1] |= 1u << 6; /* w0 bit 14: above buf (CONV has no reserved bit left) */
    verdict v = validate_bytes(bytes, p.n, &lim, &base_ddr);
    free(bytes);
    expect_rule(&v, ODPU_RULE_RESERVED, I_SAVE);
    char want[64];
    snprintf(want, sizeof want, "instruction %d (SAVE): reserved: reserved bits set in word 0", I_SAVE);
    ck_assert_msg(strstr(v.err.msg, want), "%s", v.err.msg);
}
END_TEST

START_TEST(rule_field)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_SAVE].u.save.buf = ODPU_BUF_WBUF;
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_FIELD, I_SAVE);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "buf 2 (WBUF)"));
}
END_TEST

START_TEST(rule_groups)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_CONV].u.conv.mode = ODPU_CONV_DEPTHWISE; /* groups 1 != in_c 3 */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_GROUPS, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "groups 1, in_c 3"));
}
END_TEST

START_TEST(rule_window)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_CONV].u.conv.pad_top = 0; /* 8 rows out of a 3x3 kernel need 10 rows of input + pad */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_WINDOW, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "pad_top 0"));
}
END_TEST

START_TEST(rule_overlap)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_POOL].u.pool.dst_addr = OBUF_POOL / 2; /* inside the 0x80-word source tile */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_OVERLAP, I_POOL);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "dst_addr"));
}
END_TEST

START_TEST(rule_dep_engine)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_LOAD_IN].deps.push_prev = 1; /* the load engine has no prev */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DEP_ENGINE, I_LOAD_IN);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "push_prev 1"));
}
END_TEST

START_TEST(rule_buf_bounds)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_CONV].u.conv.pbuf_addr = lim.buf_words[ODPU_BUF_PBUF];
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_BUF_BOUNDS, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "pbuf_addr"));
}
END_TEST

START_TEST(rule_ddr_bounds)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_SAVE].u.save.ddr_addr = DDR_SIZE - 64; /* the 4x4x8 box is 128 bytes */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DDR_BOUNDS, I_SAVE);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "DDR[0x2fc0, 0x3040)"));
}
END_TEST

START_TEST(rule_dep_underflow)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_LOAD_P].deps.push_next = 0;
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DEP_UNDERFLOW, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "load->compute"));
    ck_assert_int_eq(odpu_rule_hw_error(v.rule), ODPU_HW_WATCHDOG);
}
END_TEST

START_TEST(rule_end)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.n--; /* no END */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_END, I_SAVE);

    base_prog(&p, &lim); /* END twice */
    insert(&p, I_SAVE, (odpu_insn){.opcode = ODPU_OP_END});
    v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_END, I_SAVE);

    v = validate_bytes(NULL, 0, &lim, &base_ddr); /* empty */
    expect_rule(&v, ODPU_RULE_END, 0);
}
END_TEST

START_TEST(rule_ddr_readonly)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_SAVE].u.save.ddr_addr = W_OFF;
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DDR_READONLY, I_SAVE);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "read-only range [0x1000, 0x2000)"));
}
END_TEST

START_TEST(rule_dep_overflow)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    /* depth + 1 tokens from the load engine before the compute engine takes any. */
    odpu_insn push = nop(ODPU_ENGINE_LOAD), pop = nop(ODPU_ENGINE_COMPUTE);
    push.deps.push_next = 1;
    pop.deps.pop_prev = 1;
    for (uint32_t k = 0; k <= lim.dep_queue_depth; k++)
        insert(&p, p.n - 1, push);
    for (uint32_t k = 0; k <= lim.dep_queue_depth; k++)
        insert(&p, p.n - 1, pop);
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DEP_OVERFLOW, BASE_N - 1 + lim.dep_queue_depth);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "load->compute"));

    lim.dep_queue_depth++; /* the same stream fits a deeper queue */
    v = validate_prog(&p, &lim);
    expect_valid(&v);
}
END_TEST

START_TEST(rule_dep_leftover)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_SAVE].deps.push_prev = 1;
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_DEP_LEFTOVER, I_END);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "store->compute"));
}
END_TEST

START_TEST(rule_race)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_LOAD_P].deps.push_next = 0; /* the CONV no longer waits for the loads */
    p.insn[I_CONV].deps.pop_prev = 0;
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_RACE, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "instruction 0 (LOAD, load engine)"));
    ck_assert_ptr_nonnull(strstr(v.err.msg, "IBUF[0x0, 0x40)"));
}
END_TEST

START_TEST(rule_uninit)
{
    odpu_isa_limits lim = tiny_limits();
    prog p;
    base_prog(&p, &lim);
    p.insn[I_CONV].u.conv.acc_init = 0; /* accumulates onto ABUF words nobody wrote */
    verdict v = validate_prog(&p, &lim);
    expect_rule(&v, ODPU_RULE_UNINIT, I_CONV);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "ABUF word 0x0"));
}
END_TEST

/* ---- Multi-tile, double-buffered ---------------------------------------------------- */

enum { TILE_H = 2, TILE_W = 8, TILE_C = 4, TILE_OUT_C = 8, HALF = 0x100, TILE_DDR_REUSE = 16 };

/* Weights and params, then per tile: LOAD into IBUF half t%2, 1x1 CONV into OBUF half t%2,
 * SAVE. Tokens: the load engine waits for the CONV two tiles back to release its IBUF half,
 * the CONV waits for the SAVE two tiles back to release its OBUF half. */
static void emit_tiles(odpu_stream *s, size_t tiles, size_t drop_pop_at_tile)
{
    uint32_t in_bytes = TILE_H * TILE_W * TILE_C, out_bytes = TILE_H * TILE_W * TILE_OUT_C;
    uint32_t in_base = 0, w_base = 0x1000, p_base = 0x1100, out_base = 0x2000;
    odpu_insn i = load_linear(ODPU_BUF_WBUF, 0, w_base, 1);
    odpu_stream_append(s, &i);
    i = load_linear(ODPU_BUF_PBUF, 0, p_base, 1);
    odpu_stream_append(s, &i);
    for (size_t t = 0; t < tiles; t++) {
        uint32_t half = (uint32_t)(t % 2) * HALF, slot = (uint32_t)(t % TILE_DDR_REUSE);
        int reuse = t >= 2, released = t + 2 < tiles;
        i = load_act(ODPU_BUF_IBUF, half, in_base + slot * in_bytes, TILE_H, TILE_W, TILE_C);
        i.deps = (odpu_deps){.pop_next = (uint8_t)(reuse && t != drop_pop_at_tile), .push_next = 1};
        odpu_stream_append(s, &i);
        i = conv(half, half, TILE_H, TILE_W, TILE_C, TILE_OUT_C, 1);
        i.deps = (odpu_deps){.pop_prev = 1, .pop_next = (uint8_t)reuse, .push_prev = (uint8_t)released,
                             .push_next = 1};
        odpu_stream_append(s, &i);
        i = save_act(half, out_base + slot * out_bytes, TILE_H, TILE_W, TILE_OUT_C);
        i.deps = (odpu_deps){.pop_prev = 1, .push_prev = (uint8_t)released};
        odpu_stream_append(s, &i);
    }
    i = (odpu_insn){.opcode = ODPU_OP_END};
    odpu_stream_append(s, &i);
    ck_assert_int_eq(odpu_stream_status(s, NULL), ODPU_OK);
}

static const odpu_ddr_layout tile_ddr = {.size = 0x4000, .ro_begin = 0x1000, .ro_end = 0x2000};

START_TEST(double_buffered_tiles)
{
    odpu_isa_limits lim = tiny_limits();
    odpu_stream s;
    odpu_stream_init(&s);
    emit_tiles(&s, 6, SIZE_MAX);
    verdict v = validate_bytes(s.bytes, s.n_insns, &lim, &tile_ddr);
    expect_valid(&v);
    odpu_stream_free(&s);

    /* Without its pop, the LOAD of tile 2 overwrites IBUF half 0 while CONV 0 may read it. */
    odpu_stream_init(&s);
    emit_tiles(&s, 6, 2);
    v = validate_bytes(s.bytes, s.n_insns, &lim, &tile_ddr);
    expect_rule(&v, ODPU_RULE_RACE, 2 + 3 * 2);
    ck_assert_ptr_nonnull(strstr(v.err.msg, "instruction 3 (CONV, compute engine)"));
    odpu_stream_free(&s);
}
END_TEST

START_TEST(stress_100k_instructions)
{
    odpu_isa_limits lim = tiny_limits();
    odpu_stream s;
    odpu_stream_init(&s);
    emit_tiles(&s, 33333, SIZE_MAX);
    ck_assert_uint_ge(s.n_insns, 100000);
    verdict v = validate_bytes(s.bytes, s.n_insns, &lim, &tile_ddr);
    expect_valid(&v);
    odpu_stream_free(&s);
}
END_TEST

/* ---- Details of single rules --------------------------------------------------------- */

static odpu_rule check(const odpu_insn *i, odpu_err *err)
{
    odpu_isa_limits lim = tiny_limits();
    return odpu_insn_check(i, &lim, &base_ddr, err);
}

START_TEST(insn_check_messages)
{
    odpu_err err = {0};
    odpu_insn c = conv(0, 0, IN_H, IN_W, IN_C, OUT_C, K);
    c.u.conv.kh = 0; /* not encodable: kh is 1..16 */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
    ck_assert_ptr_nonnull(strstr(err.msg, "CONV: field: "));
    ck_assert_ptr_nonnull(strstr(err.msg, "kh"));

    c = conv(0, 0, IN_H, IN_W, IN_C, OUT_C, K);
    c.u.conv.act_min = 10;
    c.u.conv.act_max = 9;
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
    ck_assert_str_eq(err.msg, "CONV: field: act_min 10 > act_max 9");

    odpu_insn bad = {.opcode = (odpu_opcode)11};
    ck_assert_int_eq(check(&bad, &err), ODPU_RULE_OPCODE);

    odpu_insn end = {.opcode = ODPU_OP_END, .deps = {.pop_next = 1}};
    ck_assert_int_eq(check(&end, &err), ODPU_RULE_DEP_ENGINE);
    ck_assert_ptr_nonnull(strstr(err.msg, "END: dep-engine: "));

    odpu_insn n = nop(ODPU_ENGINE_STORE);
    n.deps.push_next = 1;
    ck_assert_int_eq(check(&n, &err), ODPU_RULE_DEP_ENGINE);

    odpu_insn l = load_linear(ODPU_BUF_WBUF, 0, 0, 1);
    l.u.load.h = 1;
    ck_assert_int_eq(check(&l, &err), ODPU_RULE_FIELD);
    l = load_act(ODPU_BUF_IBUF, 0, 0, 1, 1, 1);
    l.u.load.len = 1;
    ck_assert_int_eq(check(&l, &err), ODPU_RULE_FIELD);
}
END_TEST

/* With in_c = 1 a CONV is both standard (groups 1) and depthwise (groups = in_c). */
START_TEST(groups_modes)
{
    odpu_err err = {0};
    odpu_insn c = conv(0, 0, IN_H, IN_W, 1, OUT_C, K);
    ck_assert_msg(check(&c, &err) == ODPU_RULE_NONE, "%s", err.msg);
    c.u.conv.mode = ODPU_CONV_DEPTHWISE;
    ck_assert_msg(check(&c, &err) == ODPU_RULE_NONE, "%s", err.msg);
    c = conv(0, 0, IN_H, IN_W, 8, 16, K);
    c.u.conv.mode = ODPU_CONV_GROUPED;
    c.u.conv.groups = 4;
    ck_assert_msg(check(&c, &err) == ODPU_RULE_NONE, "%s", err.msg);
    c.u.conv.groups = 8; /* = in_c: depthwise, not grouped */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_GROUPS);
    c.u.conv.groups = 3; /* does not divide */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_GROUPS);
    c.u.conv.groups = 0;
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_GROUPS);
}
END_TEST

/* Fused max pooling: acc_out needed, windows tile the output, OBUF footprint is the pooled tile,
 * the 2-bit window fields hold 1..4 and groups is 14 bits wide. */
START_TEST(conv_fused_pool)
{
    odpu_isa_limits lim = tiny_limits(); /* R 4, C 8 */
    odpu_err err = {0};
    odpu_access a[ODPU_MAX_ACCESSES];
    odpu_insn c = conv(0x10, 0x20, 6, 8, 12, 20, 3); /* 3x3 pad 1: output 6 x 8 */
    c.u.conv.pool_h = 3;
    c.u.conv.pool_w = 4;
    ck_assert_msg(check(&c, &err) == ODPU_RULE_NONE, "%s", err.msg);
    ck_assert_int_eq(odpu_insn_accesses(&c, &lim, a), 5);
    ck_assert_int_eq(a[3].resource, ODPU_BUF_ABUF);
    ck_assert_uint_eq(a[3].hi - a[3].lo, 3 * 6 * 8); /* accumulators stay full size */
    ck_assert_int_eq(a[4].resource, ODPU_BUF_OBUF);
    ck_assert_uint_eq(a[4].hi - a[4].lo, 5 * 2 * 2); /* ceil(20/4) blocks of a 2 x 2 pooled tile */

    uint8_t bytes[ODPU_INSN_BYTES];
    odpu_insn back;
    ck_assert_int_eq(odpu_insn_encode(&c, bytes, &err), ODPU_OK);
    ck_assert_int_eq(odpu_insn_decode(bytes, &back, &err), ODPU_OK);
    ck_assert_uint_eq(back.u.conv.pool_h, 3);
    ck_assert_uint_eq(back.u.conv.pool_w, 4);

    c.u.conv.pool_w = 3; /* 8 columns are no whole number of 3-wide windows */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_WINDOW);
    ck_assert_ptr_nonnull(strstr(err.msg, "pool 3x3 must divide the output 6x8"));
    c.u.conv.pool_w = 5; /* not encodable: 1..4 */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
    c.u.conv.pool_w = 0;
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
    c.u.conv.pool_w = 2;
    c.u.conv.acc_out = 0; /* the pooled map goes to OBUF */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
    ck_assert_ptr_nonnull(strstr(err.msg, "needs acc_out 1"));

    c = conv(0x10, 0x20, 6, 8, 12, 20, 3);
    c.u.conv.groups = 1u << 14; /* groups is w6[13:0] */
    ck_assert_int_eq(check(&c, &err), ODPU_RULE_FIELD);
}
END_TEST

START_TEST(pool_window_and_global)
{
    odpu_err err = {0};
    odpu_insn p = {.opcode = ODPU_OP_POOL};
    p.u.pool = (odpu_pool){.mode = ODPU_POOL_AVG, .src_buf = ODPU_BUF_IBUF, .in_h = 5, .in_w = 5, .c = 4,
                           .kh = 3, .kw = 3, .stride_h = 2, .stride_w = 2, .out_h = 3, .out_w = 3,
                           .pad_top = 1, .pad_bottom = 1, .pad_left = 1, .pad_right = 1, .dst_addr = 0,
                           .mult = 1 << 30, .act_min = -128, .act_max = 127};
    ck_assert_msg(check(&p, &err) == ODPU_RULE_NONE, "%s", err.msg);
    p.u.pool.pad_left = 3; /* a pad as large as the kernel */
    ck_assert_int_eq(check(&p, &err), ODPU_RULE_WINDOW);
    p.u.pool.pad_left = 1;
    p.u.pool.out_h = 4;
    ck_assert_int_eq(check(&p, &err), ODPU_RULE_WINDOW);
    p.u.pool.out_h = 3;
    p.u.pool.mode = ODPU_POOL_MAX; /* max needs mult 0 */
    ck_assert_int_eq(check(&p, &err), ODPU_RULE_FIELD);
    p.u.pool = (odpu_pool){.mode = ODPU_POOL_GLOBAL_AVG, .src_buf = ODPU_BUF_OBUF, .in_h = 7, .in_w = 7, .c = 4,
                           .kh = 1, .kw = 1, .stride_h = 1, .stride_w = 1, .out_h = 1, .out_w = 1,
                           .dst_addr = 49, .act_min = -128, .act_max = 127};
    ck_assert_msg(check(&p, &err) == ODPU_RULE_NONE, "%s", err.msg);
    p.u.pool.dst_addr = 48; /* last word of the 49-word OBUF source */
    ck_assert_int_eq(check(&p, &err), ODPU_RULE_OVERLAP);
    p.u.pool.dst_addr = 49;
    p.u.pool.kh = 2;
    ck_assert_int_eq(check(&p, &err), ODPU_RULE_FIELD);
}
END_TEST

START_TEST(elew_in_place_and_save_overlap)
{
    odpu_err err = {0};
    odpu_insn e = {.opcode = ODPU_OP_ELEW};
    e.u.elew = (odpu_elew){.op = ODPU_ELEW_ADD, .a_buf = ODPU_BUF_OBUF, .a_addr = 0x10, .b_buf = ODPU_BUF_IBUF,
                           .b_addr = 0x10, .out_addr = 0x10, .len = 32, .act_min = -128, .act_max = 127};
    ck_assert_msg(check(&e, &err) == ODPU_RULE_NONE, "%s", err.msg);
    e.u.elew.out_addr = 0x11;
    ck_assert_int_eq(check(&e, &err), ODPU_RULE_OVERLAP);
    e.u.elew.out_addr = 0x30; /* right after a */
    ck_assert_msg(check(&e, &err) == ODPU_RULE_NONE, "%s", err.msg);
    e.u.elew.left_shift = 23;
    ck_assert_int_eq(check(&e, &err), ODPU_RULE_FIELD);

    odpu_insn s = save_act(0, OUT_OFF, 4, 4, 8);
    s.u.save.pixel_stride = 16; /* a Concat slice: fine */
    s.u.save.row_stride = 64;
    ck_assert_msg(check(&s, &err) == ODPU_RULE_NONE, "%s", err.msg);
    s.u.save.pixel_stride = 4 * 16; /* transposed: columns apart, rows adjacent */
    s.u.save.row_stride = 16;
    ck_assert_msg(check(&s, &err) == ODPU_RULE_NONE, "%s", err.msg);
    s.u.save.row_stride = 4; /* rows land on each other's bytes */
    ck_assert_int_eq(check(&s, &err), ODPU_RULE_OVERLAP);
}
END_TEST

START_TEST(footprints)
{
    odpu_isa_limits lim = tiny_limits(); /* R 4, C 8 */
    odpu_access a[ODPU_MAX_ACCESSES];
    odpu_insn c = conv(0x10, 0x20, 5, 6, 12, 20, 3);
    c.u.conv.abuf_addr = 0x30;
    c.u.conv.wbuf_addr = 0x40;
    c.u.conv.pbuf_addr = 2;
    ck_assert_int_eq(odpu_insn_accesses(&c, &lim, a), 5);
    ck_assert_int_eq(a[0].resource, ODPU_BUF_IBUF);
    ck_assert_uint_eq(a[0].hi - a[0].lo, 3 * 5 * 6);          /* ceil(12/4) blocks */
    ck_assert_uint_eq(a[1].hi - a[1].lo, 3 * 3 * 3 * 3);      /* ceil(20/8) x ceil(12/4) x 9 */
    ck_assert_int_eq(a[2].resource, ODPU_BUF_PBUF);
    ck_assert_uint_eq(a[2].hi - a[2].lo, 3);
    ck_assert_int_eq(a[3].resource, ODPU_BUF_ABUF);
    ck_assert_int_eq(a[3].write, 1);
    ck_assert_uint_eq(a[3].hi - a[3].lo, 3 * 5 * 6);
    ck_assert_int_eq(a[4].resource, ODPU_BUF_OBUF);
    ck_assert_uint_eq(a[4].lo, 0x20);
    ck_assert_uint_eq(a[4].hi - a[4].lo, 5 * 5 * 6);          /* ceil(20/4) */

    c.u.conv.acc_init = 0; /* accumulate, no output: no OBUF, ABUF read and written */
    c.u.conv.acc_out = 0;
    ck_assert_int_eq(odpu_insn_accesses(&c, &lim, a), 4);
    ck_assert_int_eq(a[2].resource, ODPU_BUF_ABUF);
    ck_assert_int_eq(a[2].write, 0);

    c.u.conv.mode = ODPU_CONV_GROUPED; /* Cg = 3: one block of R */
    c.u.conv.groups = 4;
    odpu_insn_accesses(&c, &lim, a);
    ck_assert_uint_eq(a[1].hi - a[1].lo, 3 * 1 * 9);
    c.u.conv.mode = ODPU_CONV_DEPTHWISE; /* 9 taps: ceil(9/4) words per block */
    c.u.conv.groups = 12;
    c.u.conv.out_c = 24;
    odpu_insn_accesses(&c, &lim, a);
    ck_assert_uint_eq(a[1].hi - a[1].lo, 3 * 3);

    odpu_insn l = load_linear(ODPU_BUF_PBUF, 1, 0x100, 2);
    ck_assert_int_eq(odpu_insn_accesses(&l, &lim, a), 2);
    ck_assert_int_eq(a[0].resource, ODPU_RES_DDR);
    ck_assert_uint_eq(a[0].hi, 0x100 + 2 * 8 * ODPU_PARAM_ENTRY_BYTES);
    l = load_act(ODPU_BUF_IBUF, 0, 0x10, 3, 4, 5);
    l.u.load.pixel_stride = 8;
    l.u.load.row_stride = 100;
    odpu_insn_accesses(&l, &lim, a);
    ck_assert_uint_eq(a[0].hi, 0x10 + 2 * 100 + 3 * 8 + 5);
    ck_assert_uint_eq(a[1].hi - a[1].lo, 2 * 3 * 4);

    /* Extreme fields stay within uint64. */
    l.u.load = (odpu_load){.buf = ODPU_BUF_OBUF, .ddr_addr = UINT32_MAX, .h = 4095, .w = 4095, .c = 65535,
                           .pixel_stride = (1u << 24) - 1, .row_stride = UINT32_MAX};
    odpu_insn_accesses(&l, &lim, a);
    ck_assert_uint_eq(a[0].hi, (uint64_t)UINT32_MAX + 4094ull * UINT32_MAX + 4094ull * ((1u << 24) - 1) + 65535);
    ck_assert_int_eq(check(&l, NULL), ODPU_RULE_BUF_BOUNDS);
}
END_TEST

START_TEST(names_and_hw_errors)
{
    const char *want[ODPU_RULE_COUNT] = {"none", "opcode", "reserved", "field", "groups", "window", "overlap",
                                         "dep-engine", "buf-bounds", "ddr-bounds", "dep-underflow", "end",
                                         "ddr-readonly", "dep-overflow", "dep-leftover", "race", "uninit"};
    for (int r = 0; r < ODPU_RULE_COUNT; r++)
        ck_assert_str_eq(odpu_rule_name((odpu_rule)r), want[r]);
    ck_assert_str_eq(odpu_rule_name(ODPU_RULE_COUNT), "?");
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_RESERVED), ODPU_HW_ILLEGAL_INSN);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_DEP_ENGINE), ODPU_HW_ILLEGAL_INSN);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_BUF_BOUNDS), ODPU_HW_BUF_BOUNDS);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_DDR_BOUNDS), ODPU_HW_DDR_BOUNDS);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_END), ODPU_HW_NO_END);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_RACE), ODPU_HW_OK);
    ck_assert_int_eq(odpu_rule_hw_error(ODPU_RULE_UNINIT), ODPU_HW_OK);
    ck_assert_str_eq(odpu_hw_error_name(ODPU_HW_WATCHDOG), "WATCHDOG");
    ck_assert_str_eq(odpu_hw_error_name(ODPU_HW_NO_END), "NO_END");
    ck_assert_str_eq(odpu_hw_error_name(ODPU_HW_ERROR_COUNT), "?");
}
END_TEST

/* Random bytes and random bit flips of a valid stream: always a verdict, never a crash
 * (the sanitizer build checks the "never UB" part). */
START_TEST(garbage_is_rejected_safely)
{
    odpu_isa_limits lim = tiny_limits();
    test_rng r;
    test_rng_seed(&r, 2024);
    uint8_t buf[16 * ODPU_INSN_BYTES];
    for (int it = 0; it < 2000; it++) {
        size_t n = (size_t)test_rng_range(&r, 1, 16);
        test_rng_bytes(&r, buf, sizeof buf);
        verdict v = validate_bytes(buf, n, &lim, &base_ddr);
        ck_assert_int_eq(v.st, ODPU_E_INVALID);
        ck_assert_int_ne(v.rule, ODPU_RULE_NONE);
        ck_assert_uint_lt(v.index, n);
    }
    prog p;
    base_prog(&p, &lim);
    uint8_t *valid = encode(&p);
    for (int it = 0; it < 5000; it++) {
        memcpy(buf, valid, p.n * ODPU_INSN_BYTES);
        int flips = test_rng_range(&r, 1, 3);
        for (int f = 0; f < flips; f++) {
            int bit = test_rng_range(&r, 0, (int)(p.n * ODPU_INSN_BYTES * 8) - 1);
            buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        verdict v = validate_bytes(buf, p.n, &lim, it % 2 ? &base_ddr : NULL);
        ck_assert(v.st == ODPU_OK || v.st == ODPU_E_INVALID);
        ck_assert(v.st == ODPU_OK || v.rule != ODPU_RULE_NONE);
    }
    free(valid);

    verdict v = validate_bytes(NULL, 3, &lim, &base_ddr);
    ck_assert_int_eq(v.st, ODPU_E_ARG);
    odpu_isa_limits zero = {0};
    v = validate_bytes(buf, 1, &zero, &base_ddr);
    ck_assert_int_eq(v.st, ODPU_E_ARG);
    ck_assert_int_eq(odpu_stream_validate(NULL, 0, &lim, NULL, NULL, NULL, NULL), ODPU_E_INVALID);
}
END_TEST

static Suite *validate_suite(void)
{
    Suite *s = suite_create("validate");
    TCase *rules = tcase_create("rules");
    tcase_add_test(rules, base_stream_is_valid);
    tcase_add_test(rules, rule_opcode);
    tcase_add_test(rules, rule_reserved);
    tcase_add_test(rules, rule_field);
    tcase_add_test(rules, rule_groups);
    tcase_add_test(rules, rule_window);
    tcase_add_test(rules, rule_overlap);
    tcase_add_test(rules, rule_dep_engine);
    tcase_add_test(rules, rule_buf_bounds);
    tcase_add_test(rules, rule_ddr_bounds);
    tcase_add_test(rules, rule_dep_underflow);
    tcase_add_test(rules, rule_end);
    tcase_add_test(rules, rule_ddr_readonly);
    tcase_add_test(rules, rule_dep_overflow);
    tcase_add_test(rules, rule_dep_leftover);
    tcase_add_test(rules, rule_race);
    tcase_add_test(rules, rule_uninit);
    suite_add_tcase(s, rules);
    TCase *streams = tcase_create("streams");
    tcase_add_test(streams, double_buffered_tiles);
    tcase_add_test(streams, stress_100k_instructions);
    tcase_add_test(streams, garbage_is_rejected_safely);
    tcase_set_timeout(streams, 60); /* sanitizer builds are several times slower */
    suite_add_tcase(s, streams);
    TCase *details = tcase_create("details");
    tcase_add_test(details, insn_check_messages);
    tcase_add_test(details, groups_modes);
    tcase_add_test(details, conv_fused_pool);
    tcase_add_test(details, pool_window_and_global);
    tcase_add_test(details, elew_in_place_and_save_overlap);
    tcase_add_test(details, footprints);
    tcase_add_test(details, names_and_hw_errors);
    suite_add_tcase(s, details);
    return s;
}

ODPU_TEST_MAIN(validate_suite)
