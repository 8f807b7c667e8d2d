/* test_sim_ddr.c - the sim backend's DDR model (sim/ddr_model.h) driven as an AXI4 master
 * would: read latency and bandwidth to the cycle, several bursts in flight in order,
 * writes with strobes, DECERR outside the arena's buffers, protocol checks, fault injection
 * and the byte counters. */
#include <string.h>

#include "sim/ddr_model.h"
#include "tests/testutil.h"

enum {
    BEAT = 16,            /* a 128-bit port, as on b1024 / b4096 */
    LATENCY = 30,
    REGION_BYTES = 8192,  /* two 4 KiB pages */
    BURST_BEATS = 16,
    AXI_SIZE_16 = 4,      /* AxSIZE of a 16-byte beat */
    AXI_INCR = 1,
    AXI_FIXED = 0,
    LONG_WAIT = 1000,     /* cycles after which an answer that should come is missing */
};

static const uint64_t BASE = ODPU_ARENA_PHYS_BASE; /* a fresh arena's first buffer */
enum { ARENA_BYTES = 1 << 20 };

typedef struct bench {
    ddr_model *m;
    odpu_arena *arena;
    odpu_dma_buf buf; /* REGION_BYTES at BASE */
    uint8_t *mem;     /* its host bytes */
    ddr_axi_in in;
    uint64_t edges; /* ddr_clock calls so far */
} bench;

static ddr_model *make_model(const bench *b, uint32_t bytes_per_cycle, uint32_t max_outstanding)
{
    ddr_config cfg = {.beat_bytes = BEAT, .bytes_per_cycle = bytes_per_cycle, .latency_cycles = LATENCY,
                      .max_outstanding = max_outstanding, .memory = b->arena};
    ddr_model *m;
    odpu_err err;
    ck_assert_msg(ddr_create(&cfg, &m, &err) == ODPU_OK, "%s", err.msg);
    return m;
}

/* A buffer of `bytes` at BASE, filled with a pattern. */
static void map_buffer(bench *b, size_t bytes)
{
    odpu_err err;
    ck_assert_msg(odpu_arena_alloc(b->arena, bytes, &b->buf, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_uint_eq(b->buf.phys, BASE);
    b->mem = b->buf.virt;
    for (size_t i = 0; i < bytes; i++)
        b->mem[i] = (uint8_t)(i * 7 + 3);
}

static void bench_open(bench *b, uint32_t bytes_per_cycle)
{
    memset(b, 0, sizeof *b);
    odpu_err err;
    ck_assert_msg(odpu_arena_create(BASE, ARENA_BYTES, &b->arena, &err) == ODPU_OK, "%s", err.msg);
    map_buffer(b, REGION_BYTES);
    b->m = make_model(b, bytes_per_cycle, 0);
}

/* The model and its arena, whatever the model saw. */
static void bench_discard(bench *b)
{
    ddr_destroy(b->m);
    odpu_arena_destroy(b->arena);
}

static void bench_close(bench *b)
{
    ck_assert_msg(ddr_protocol_error(b->m) == NULL, "unexpected: %s", ddr_protocol_error(b->m));
    bench_discard(b);
}

static const ddr_axi_out *out(const bench *b)
{
    return ddr_outputs(b->m);
}

static void edge(bench *b)
{
    ddr_clock(b->m, &b->in);
    b->edges++;
}

/* Present a read address until it is accepted; returns the edge of the handshake. */
static uint64_t send_ar(bench *b, uint32_t id, uint64_t addr, uint32_t beats, uint32_t burst)
{
    b->in.arvalid = 1;
    b->in.arid = id;
    b->in.araddr = addr;
    b->in.arlen = beats - 1;
    b->in.arsize = AXI_SIZE_16;
    b->in.arburst = burst;
    for (int i = 0; i < LONG_WAIT && !out(b)->arready; i++)
        edge(b);
    ck_assert_msg(out(b)->arready, "AR at 0x%llx never accepted", (unsigned long long)addr);
    uint64_t at = b->edges;
    edge(b);
    b->in.arvalid = 0;
    return at;
}

static uint64_t send_aw(bench *b, uint32_t id, uint64_t addr, uint32_t beats)
{
    b->in.awvalid = 1;
    b->in.awid = id;
    b->in.awaddr = addr;
    b->in.awlen = beats - 1;
    b->in.awsize = AXI_SIZE_16;
    b->in.awburst = AXI_INCR;
    for (int i = 0; i < LONG_WAIT && !out(b)->awready; i++)
        edge(b);
    ck_assert_msg(out(b)->awready, "AW never accepted");
    uint64_t at = b->edges;
    edge(b);
    b->in.awvalid = 0;
    return at;
}

/* Take one R beat (rready held high); returns the edge of its handshake. */
static uint64_t take_r(bench *b, uint8_t *data, uint32_t *id, uint32_t *resp, int *last)
{
    b->in.rready = 1;
    for (int i = 0; i < LONG_WAIT && !out(b)->rvalid; i++)
        edge(b);
    ck_assert_msg(out(b)->rvalid, "no read data after %d cycles", LONG_WAIT);
    memcpy(data, out(b)->rdata, BEAT);
    *id = out(b)->rid;
    *resp = out(b)->rresp;
    *last = out(b)->rlast;
    uint64_t at = b->edges;
    edge(b);
    return at;
}

static uint64_t send_w(bench *b, const uint8_t *data, uint64_t strb, int last)
{
    b->in.wvalid = 1;
    memcpy(b->in.wdata, data, BEAT);
    b->in.wstrb = strb;
    b->in.wlast = last;
    for (int i = 0; i < LONG_WAIT && !out(b)->wready; i++)
        edge(b);
    ck_assert_msg(out(b)->wready, "W beat never accepted");
    uint64_t at = b->edges;
    edge(b);
    b->in.wvalid = 0;
    return at;
}

static uint64_t take_b(bench *b, uint32_t *id, uint32_t *resp)
{
    b->in.bready = 1;
    for (int i = 0; i < LONG_WAIT && !out(b)->bvalid; i++)
        edge(b);
    ck_assert_msg(out(b)->bvalid, "no write response after %d cycles", LONG_WAIT);
    *id = out(b)->bid;
    *resp = out(b)->bresp;
    uint64_t at = b->edges;
    edge(b);
    b->in.bready = 0;
    return at;
}

START_TEST(read_latency_and_one_beat_per_cycle)
{
    bench b;
    bench_open(&b, BEAT);
    uint64_t ar = send_ar(&b, 1, BASE + 0x100, BURST_BEATS, AXI_INCR);
    for (uint32_t i = 0; i < BURST_BEATS; i++) {
        uint8_t data[BEAT];
        uint32_t id, resp;
        int last;
        uint64_t at = take_r(&b, data, &id, &resp, &last);
        /* The first beat moves latency_cycles edges after the address, then one per edge. */
        ck_assert_uint_eq(at, ar + LATENCY + i);
        ck_assert_uint_eq(id, 1);
        ck_assert_uint_eq(resp, DDR_RESP_OKAY);
        ck_assert_int_eq(last, i == BURST_BEATS - 1);
        ck_assert_mem_eq(data, b.mem + 0x100 + i * BEAT, BEAT);
    }
    const ddr_stats *s = ddr_get_stats(b.m);
    ck_assert_uint_eq(s->rd_bytes, BURST_BEATS * BEAT);
    ck_assert_uint_eq(s->rd_bytes_by_id[1], BURST_BEATS * BEAT);
    ck_assert_uint_eq(s->rd_bursts, 1);
    ck_assert_uint_eq(ddr_pending(b.m), 0);
    bench_close(&b);
}
END_TEST

START_TEST(bandwidth_below_a_beat_per_cycle)
{
    bench b;
    bench_open(&b, BEAT / 4); /* a quarter of the port's width */
    send_ar(&b, 0, BASE, BURST_BEATS, AXI_INCR);
    uint64_t first = 0, at = 0;
    for (uint32_t i = 0; i < BURST_BEATS; i++) {
        uint8_t data[BEAT];
        uint32_t id, resp;
        int last;
        at = take_r(&b, data, &id, &resp, &last);
        if (i == 0)
            first = at;
    }
    /* 15 more beats at 4 bytes a cycle: 4 edges each, give or take the banked budget. */
    uint64_t span = at - first;
    ck_assert_msg(span >= (BURST_BEATS - 1) * 4 - 2 && span <= (BURST_BEATS - 1) * 4 + 1,
                  "16 beats at a quarter beat per cycle took %llu edges after the first",
                  (unsigned long long)span);
    bench_close(&b);
}
END_TEST

START_TEST(outstanding_bursts_pipeline_in_order)
{
    bench b;
    bench_open(&b, BEAT);
    enum { N = 4 };
    uint64_t first_ar = send_ar(&b, 0, BASE, BURST_BEATS, AXI_INCR);
    for (uint32_t k = 1; k < N; k++)
        send_ar(&b, k % 2, BASE + k * BURST_BEATS * BEAT, BURST_BEATS, AXI_INCR);
    uint64_t at = 0;
    for (uint32_t k = 0; k < N; k++)
        for (uint32_t i = 0; i < BURST_BEATS; i++) {
            uint8_t data[BEAT];
            uint32_t id, resp;
            int last;
            at = take_r(&b, data, &id, &resp, &last);
            ck_assert_uint_eq(id, k % 2);
            ck_assert_mem_eq(data, b.mem + (k * BURST_BEATS + i) * BEAT, BEAT);
        }
    /* One latency for all four bursts: the later ones waited in the queue, not in series. */
    ck_assert_uint_eq(at, first_ar + LATENCY + N * BURST_BEATS - 1);
    bench_close(&b);
}
END_TEST

START_TEST(address_queue_fills)
{
    bench b;
    bench_open(&b, BEAT);
    ddr_destroy(b.m);
    b.m = make_model(&b, BEAT, 3);
    for (int k = 0; k < 3; k++)
        send_ar(&b, 0, BASE, 1, AXI_INCR);
    ck_assert_int_eq(out(&b)->arready, 0); /* rready low: nothing drains */
    ck_assert_uint_eq(ddr_pending(b.m), 3);
    uint8_t data[BEAT];
    uint32_t id, resp;
    int last;
    take_r(&b, data, &id, &resp, &last);
    ck_assert_int_eq(out(&b)->arready, 1);
    bench_close(&b);
}
END_TEST

START_TEST(write_with_strobes_and_response_latency)
{
    bench b;
    bench_open(&b, BEAT);
    uint8_t before[REGION_BYTES];
    memcpy(before, b.mem, sizeof before);
    send_aw(&b, 2, BASE + 0x200, 2);
    uint8_t d0[BEAT], d1[BEAT];
    memset(d0, 0xA5, BEAT);
    memset(d1, 0x5A, BEAT);
    send_w(&b, d0, 0xFFFF, 0);
    uint64_t last_w = send_w(&b, d1, 0x00F0, 1); /* only bytes 4..7 of the second beat */
    uint32_t id, resp;
    uint64_t at = take_b(&b, &id, &resp);
    ck_assert_uint_eq(at, last_w + LATENCY);
    ck_assert_uint_eq(id, 2);
    ck_assert_uint_eq(resp, DDR_RESP_OKAY);
    for (size_t i = 0; i < REGION_BYTES; i++) {
        uint8_t want = before[i];
        if (i >= 0x200 && i < 0x210)
            want = 0xA5;
        else if (i >= 0x214 && i < 0x218)
            want = 0x5A;
        ck_assert_msg(b.mem[i] == want, "byte 0x%zx is 0x%02x, expected 0x%02x", i, b.mem[i], want);
    }
    const ddr_stats *s = ddr_get_stats(b.m);
    ck_assert_uint_eq(s->wr_bytes, 2 * BEAT);
    ck_assert_uint_eq(s->wr_bursts, 1);
    bench_close(&b);
}
END_TEST

START_TEST(reads_and_writes_share_the_bandwidth)
{
    bench b;
    bench_open(&b, BEAT);
    send_ar(&b, 0, BASE, BURST_BEATS, AXI_INCR);
    send_aw(&b, 0, BASE + 0x1000, BURST_BEATS);
    b.in.rready = 1;
    b.in.bready = 1;
    uint8_t d[BEAT] = {0};
    uint32_t wsent = 0, rgot = 0;
    uint64_t start = b.edges;
    for (int i = 0; i < LONG_WAIT && (rgot < BURST_BEATS || wsent < BURST_BEATS); i++) {
        b.in.wvalid = wsent < BURST_BEATS;
        memcpy(b.in.wdata, d, BEAT);
        b.in.wstrb = 0xFFFF;
        b.in.wlast = wsent == BURST_BEATS - 1;
        int r = out(&b)->rvalid, w = out(&b)->wready && b.in.wvalid;
        /* One beat's worth of budget per cycle: never a read and a write beat together. */
        ck_assert_msg(!(r && w), "a read and a write beat in one cycle at BEAT bytes per cycle");
        edge(&b);
        rgot += (uint32_t)r;
        wsent += (uint32_t)w;
    }
    ck_assert_uint_eq(rgot, BURST_BEATS);
    ck_assert_uint_eq(wsent, BURST_BEATS);
    ck_assert_msg(b.edges - start >= 2 * BURST_BEATS, "32 beats in %llu cycles", (unsigned long long)(b.edges - start));
    bench_close(&b);
}
END_TEST

START_TEST(unmapped_addresses_decerr)
{
    bench b;
    bench_open(&b, BEAT);
    uint8_t before[REGION_BYTES];
    memcpy(before, b.mem, sizeof before);
    uint8_t data[BEAT];
    uint32_t id, resp;
    int last;
    /* Wholly outside the arena's buffers, and in the guard page after the buffer (a legal
     * burst never crosses 4 KiB, so it cannot run from a buffer's last page into its guard). */
    send_ar(&b, 1, BASE + 0x100000, 1, AXI_INCR);
    take_r(&b, data, &id, &resp, &last);
    ck_assert_uint_eq(resp, DDR_RESP_DECERR);
    static const uint8_t zeros[BEAT];
    ck_assert_mem_eq(data, zeros, BEAT);
    send_ar(&b, 1, BASE + REGION_BYTES, 2, AXI_INCR);
    take_r(&b, data, &id, &resp, &last);
    ck_assert_uint_eq(resp, DDR_RESP_DECERR);
    take_r(&b, data, &id, &resp, &last);
    ck_assert_int_eq(last, 1);

    send_aw(&b, 0, BASE + REGION_BYTES, 2); /* into the guard page */
    uint8_t d[BEAT];
    memset(d, 0xEE, BEAT);
    send_w(&b, d, 0xFFFF, 0);
    send_w(&b, d, 0xFFFF, 1);
    take_b(&b, &id, &resp);
    ck_assert_uint_eq(resp, DDR_RESP_DECERR);
    ck_assert_mem_eq(b.mem, before, REGION_BYTES); /* nothing was written */
    ck_assert_uint_eq(ddr_get_stats(b.m)->err_bursts, 3);
    bench_close(&b);
}
END_TEST

START_TEST(protocol_violations_are_reported)
{
    bench b;
    bench_open(&b, BEAT);
    uint8_t data[BEAT];
    uint32_t id, resp;
    int last;
    send_ar(&b, 0, BASE, 1, AXI_FIXED);
    take_r(&b, data, &id, &resp, &last);
    ck_assert_uint_eq(resp, DDR_RESP_SLVERR);
    const char *msg = ddr_protocol_error(b.m);
    ck_assert_msg(msg && strstr(msg, "INCR") && strstr(msg, "0x40000000"), "%s", msg ? msg : "(none)");
    bench_discard(&b);

    bench_open(&b, BEAT);
    send_ar(&b, 0, BASE + 0x1000 - BEAT, 2, AXI_INCR); /* crosses the 4 KiB page */
    take_r(&b, data, &id, &resp, &last);
    ck_assert_uint_eq(resp, DDR_RESP_SLVERR);
    msg = ddr_protocol_error(b.m);
    ck_assert_msg(msg && strstr(msg, "4 KiB"), "%s", msg ? msg : "(none)");
    bench_discard(&b);

    bench_open(&b, BEAT);
    send_aw(&b, 0, BASE, 2);
    memset(data, 1, BEAT);
    send_w(&b, data, 0xFFFF, 1); /* WLAST on the first of two beats */
    msg = ddr_protocol_error(b.m);
    ck_assert_msg(msg && strstr(msg, "WLAST"), "%s", msg ? msg : "(none)");
    bench_discard(&b);
}
END_TEST

START_TEST(fault_silent_and_slverr)
{
    bench b;
    bench_open(&b, BEAT);
    ddr_set_fault(b.m, DDR_FAULT_SILENT);
    b.in.arvalid = 1;
    b.in.araddr = BASE;
    b.in.arsize = AXI_SIZE_16;
    b.in.arburst = AXI_INCR;
    b.in.awvalid = 1;
    b.in.awaddr = BASE;
    b.in.awsize = AXI_SIZE_16;
    b.in.awburst = AXI_INCR;
    for (int i = 0; i < LONG_WAIT; i++) {
        edge(&b);
        ck_assert(!out(&b)->arready && !out(&b)->awready && !out(&b)->rvalid && !out(&b)->bvalid);
    }
    b.in.arvalid = b.in.awvalid = 0;
    ddr_set_fault(b.m, DDR_FAULT_SLVERR);
    ddr_reset(b.m);
    uint8_t data[BEAT];
    uint32_t id, resp;
    int last;
    send_ar(&b, 0, BASE, 1, AXI_INCR);
    take_r(&b, data, &id, &resp, &last);
    ck_assert_uint_eq(resp, DDR_RESP_SLVERR);
    bench_close(&b);
}
END_TEST

START_TEST(bad_configs)
{
    ddr_model *m;
    odpu_err err;
    odpu_arena *arena;
    ck_assert_msg(odpu_arena_create(BASE, ARENA_BYTES, &arena, &err) == ODPU_OK, "%s", err.msg);
    ddr_config cfg = {.beat_bytes = 12, .bytes_per_cycle = 8, .latency_cycles = 1, .memory = arena};
    ck_assert_int_eq(ddr_create(&cfg, &m, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "12"), "%s", err.msg);
    cfg.beat_bytes = 8;
    cfg.bytes_per_cycle = 0;
    ck_assert_int_eq(ddr_create(&cfg, &m, &err), ODPU_E_ARG);
    cfg.bytes_per_cycle = 8;
    cfg.memory = NULL; /* a model needs memory to serve */
    ck_assert_int_eq(ddr_create(&cfg, &m, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "memory"), "%s", err.msg);
    cfg.memory = arena;
    ck_assert(ddr_create(&cfg, &m, &err) == ODPU_OK);
    ddr_destroy(m);
    odpu_arena_destroy(arena);
}
END_TEST

static Suite *sim_ddr_suite(void)
{
    Suite *s = suite_create("sim_ddr");
    TCase *tc = tcase_create("ddr");
    tcase_add_test(tc, read_latency_and_one_beat_per_cycle);
    tcase_add_test(tc, bandwidth_below_a_beat_per_cycle);
    tcase_add_test(tc, outstanding_bursts_pipeline_in_order);
    tcase_add_test(tc, address_queue_fills);
    tcase_add_test(tc, write_with_strobes_and_response_latency);
    tcase_add_test(tc, reads_and_writes_share_the_bandwidth);
    tcase_add_test(tc, unmapped_addresses_decerr);
    tcase_add_test(tc, protocol_violations_are_reported);
    tcase_add_test(tc, fault_silent_and_slverr);
    tcase_add_test(tc, bad_configs);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(sim_ddr_suite)
