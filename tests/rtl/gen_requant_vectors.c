/* gen_requant_vectors.c - vectors for tests/rtl/tb_requant.sv: items for one odpu_requant
 * lane as the CONV output stage (LeakyReLU, MBQM or POT), POOL (average, max) and ELEW (an a
 * item and a b item) feed it, with the result isa/arith.h defines (odpu_conv_output,
 * odpu_avg_output, odpu_add_output), random and at the edges (INT32_MIN/MAX, every shift,
 * rounding ties, extreme multipliers).
 *
 * Usage: gen_requant_vectors SEED COUNT OUT_FILE   (COUNT items; an ELEW case is two)
 * One item per line, a 176-bit hex word for $readmemh, most significant field first:
 *   x[32] apply1[8] m1[32] s1[8] comb[8] m2[32] s2[8] pot[8] zp[8] min[8] max[8]
 *   write[8] want_r8[8]          (comb: 0 pass, 1 hold (ELEW a), 2 add (ELEW b)) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/arith.h"
#include "tests/testutil.h"

enum { COMB_PASS = 0, COMB_HOLD = 1, COMB_ADD = 2, ELEW_LEFT_SHIFT_MAX = 22 };

static const int32_t EDGES[] = {
    0, 1, -1, 2, -2, 3, INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 1 << 30, -(1 << 30),
    (1 << 30) + 1, (1 << 16), -(1 << 16), 12345, -12345, 0x55555555, (int32_t)0xAAAAAAAA,
};
enum { N_EDGES = (int)(sizeof EDGES / sizeof EDGES[0]) };

typedef struct item {
    int32_t x, m1, m2;
    int apply1, s1, comb, s2, pot, zp, lo, hi, write, r8;
} item;

static int32_t pick(test_rng *r)
{
    switch (test_rng_range(r, 0, 5)) {
    case 0: return EDGES[test_rng_range(r, 0, N_EDGES - 1)];
    case 1: return test_rng_range(r, -(1 << 20), 1 << 20);
    case 2: { /* rounding ties: an odd multiple of half a power of two */
        int e = test_rng_range(r, 1, 30);
        int64_t v = (int64_t)test_rng_range(r, -1000, 1000) * (INT64_C(1) << e) + (INT64_C(1) << (e - 1));
        return (int32_t)(uint32_t)v;
    }
    default: return (int32_t)(uint32_t)test_rng_next(r);
    }
}

static int32_t pick_mult(test_rng *r)
{
    return test_rng_range(r, 0, 3) ? test_rng_range(r, 1 << 30, INT32_MAX) : pick(r);
}

static void pick_range(test_rng *r, int *lo, int *hi)
{
    *lo = test_rng_range(r, -128, 127);
    *hi = test_rng_range(r, -128, 127);
    if (test_rng_range(r, 0, 2) == 0) {
        *lo = -128;
        *hi = 127;
    }
    if (*lo > *hi) {
        int t = *lo;
        *lo = *hi;
        *hi = t;
    }
}

static void put(FILE *out, const item *it)
{
    fprintf(out, "%08x%02x%08x%02x%02x%08x%02x%02x%02x%02x%02x%02x%02x\n", (uint32_t)it->x,
            (unsigned)it->apply1, (uint32_t)it->m1, (uint8_t)it->s1, (unsigned)it->comb, (uint32_t)it->m2,
            (uint8_t)it->s2, (unsigned)it->pot, (uint8_t)it->zp, (uint8_t)it->lo, (uint8_t)it->hi,
            (unsigned)it->write, (uint8_t)it->r8);
}

/* CONV output stage: LeakyReLU as MBQM1 by leaky_mult with shift 0, then MBQM2 or POT.
 * The first N_EDGES^2 items pair every edge accumulator with every edge multiplier. */
static void conv_item(test_rng *r, long i, item *it)
{
    int leaky = test_rng_range(r, 0, 1);
    it->x = pick(r);
    it->m1 = pick_mult(r);
    it->m2 = pick_mult(r);
    if (i < N_EDGES * N_EDGES) {
        it->x = EDGES[i / N_EDGES];
        it->m1 = it->m2 = EDGES[i % N_EDGES];
    }
    it->apply1 = leaky && it->x < 0;
    it->s1 = 0;
    it->comb = COMB_PASS;
    it->s2 = (int)(i % (2 * ODPU_SHIFT_MAX + 1)) - ODPU_SHIFT_MAX; /* every shift */
    it->pot = test_rng_range(r, 0, 3) == 0;
    it->zp = test_rng_range(r, -128, 127);
    pick_range(r, &it->lo, &it->hi);
    it->write = 1;
    odpu_chan_params p = {0, it->m2, it->s2, it->m1};
    it->r8 = odpu_conv_output(it->x, &p, leaky, it->pot, it->zp, (int8_t)it->lo, (int8_t)it->hi);
}

/* POOL: average (MBQM2 + zp, clamp) or max (POT by 0: the clamp only). */
static void pool_item(test_rng *r, item *it)
{
    int is_max = test_rng_range(r, 0, 1);
    it->x = is_max ? test_rng_range(r, -128, 127) : pick(r);
    it->apply1 = 0;
    it->m1 = 0;
    it->s1 = 0;
    it->comb = COMB_PASS;
    it->m2 = pick_mult(r);
    it->s2 = is_max ? 0 : test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    it->pot = is_max;
    it->zp = is_max ? 0 : test_rng_range(r, -128, 127);
    pick_range(r, &it->lo, &it->hi);
    it->write = 1;
    it->r8 = is_max ? odpu_clamp8(it->x, (int8_t)it->lo, (int8_t)it->hi)
                    : odpu_avg_output(it->x, it->m2, it->s2, it->zp, (int8_t)it->lo, (int8_t)it->hi);
}

/* ELEW: the a item (MBQM1 with the a parameters, kept) and the b item (MBQM1 with the b
 * parameters, saturating add, MBQM2, zp, clamp). */
static void elew_items(test_rng *r, item *a, item *b)
{
    odpu_add_params p;
    int8_t va = (int8_t)test_rng_range(r, -128, 127), vb = (int8_t)test_rng_range(r, -128, 127);
    p.a_zp = test_rng_range(r, -128, 127);
    p.b_zp = test_rng_range(r, -128, 127);
    p.out_zp = test_rng_range(r, -128, 127);
    p.left_shift = test_rng_range(r, 0, 3) ? 20 : test_rng_range(r, 0, ELEW_LEFT_SHIFT_MAX);
    p.a_mult = pick_mult(r);
    p.b_mult = pick_mult(r);
    p.out_mult = pick_mult(r);
    p.a_shift = test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p.b_shift = test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p.out_shift = test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    int lo, hi;
    pick_range(r, &lo, &hi);
    p.act_min = (int8_t)lo;
    p.act_max = (int8_t)hi;
    *a = (item){(va - p.a_zp) * (1 << p.left_shift), p.a_mult, p.out_mult, 1, p.a_shift, COMB_HOLD,
                p.out_shift, 0, p.out_zp, lo, hi, 0, 0};
    *b = (item){(vb - p.b_zp) * (1 << p.left_shift), p.b_mult, p.out_mult, 1, p.b_shift, COMB_ADD,
                p.out_shift, 0, p.out_zp, lo, hi, 1, odpu_add_output(va, vb, &p)};
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SEED COUNT OUT_FILE\n", argv[0]);
        return 2;
    }
    test_rng r;
    test_rng_seed(&r, strtoull(argv[1], NULL, 0));
    long count = atol(argv[2]);
    FILE *out = fopen(argv[3], "w");
    if (count < 2 || !out) {
        fprintf(stderr, "gen_requant_vectors: COUNT must be >= 2 and %s writable\n", argv[3]);
        return 2;
    }
    long i = 0, n = 0;
    while (n < count) {
        item a, b;
        int kind = i < N_EDGES * N_EDGES ? 0 : test_rng_range(&r, 0, 2);
        if (kind == 2 && n + 2 > count)
            kind = 0;
        if (kind == 0) {
            conv_item(&r, i, &a);
            put(out, &a);
            n++;
        } else if (kind == 1) {
            pool_item(&r, &a);
            put(out, &a);
            n++;
        } else {
            elew_items(&r, &a, &b);
            put(out, &a);
            put(out, &b);
            n += 2;
        }
        i++;
    }
    return fclose(out) == 0 ? 0 : 1;
}
