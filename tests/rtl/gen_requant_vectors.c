/* gen_requant_vectors.c - vectors for tests/rtl/tb_requant.sv: inputs of odpu_requant and the
 * outputs isa/arith.h defines for them (odpu_conv_output and the MBQM/POT value before the
 * zero point), random and at the edges (INT32_MIN/MAX, every shift, rounding ties).
 *
 * Usage: gen_requant_vectors SEED COUNT OUT_FILE
 * One vector per line, a 176-bit hex word for $readmemh, most significant field first:
 *   x[32] mult[32] shift[8] leaky_mult[32] flags[8] (bit 0 leaky, bit 1 pot) zp[8] min[8]
 *   max[8] want_r32[32] want_r8[8] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "isa/arith.h"
#include "tests/testutil.h"

static const int32_t EDGES[] = {
    0, 1, -1, 2, -2, 3, INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1, 1 << 30, -(1 << 30),
    (1 << 30) + 1, (1 << 16), -(1 << 16), 12345, -12345, 0x55555555, (int32_t)0xAAAAAAAA,
};
enum { N_EDGES = (int)(sizeof EDGES / sizeof EDGES[0]) };

static int32_t pick(test_rng *r)
{
    switch (test_rng_range(r, 0, 5)) {
    case 0: return EDGES[test_rng_range(r, 0, N_EDGES - 1)];
    case 1: return test_rng_range(r, -(1 << 20), 1 << 20);
    /* Rounding ties: multiples of a power of two plus or minus half of it. */
    case 2: {
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
    if (count < 1 || !out) {
        fprintf(stderr, "gen_requant_vectors: COUNT must be >= 1 and %s writable\n", argv[3]);
        return 2;
    }
    for (long i = 0; i < count; i++) {
        int32_t x = pick(&r), mult = pick_mult(&r), leaky_mult = pick_mult(&r);
        int shift = (int)(i % (2 * ODPU_SHIFT_MAX + 1)) - ODPU_SHIFT_MAX; /* every shift */
        int leaky = test_rng_range(&r, 0, 1), pot = test_rng_range(&r, 0, 3) == 0;
        int32_t zp = test_rng_range(&r, -128, 127);
        int32_t lo = test_rng_range(&r, -128, 127), hi = test_rng_range(&r, -128, 127);
        if (test_rng_range(&r, 0, 2) == 0) {
            lo = -128;
            hi = 127;
        }
        if (lo > hi) {
            int32_t t = lo;
            lo = hi;
            hi = t;
        }
        if (i < N_EDGES * N_EDGES) { /* every pair of edge values as (x, mult) and (x, leaky) */
            x = EDGES[i / N_EDGES];
            mult = leaky_mult = EDGES[i % N_EDGES];
        }
        odpu_chan_params p = {0, mult, shift, leaky_mult};
        int32_t a = leaky && x < 0 ? odpu_srdhm(x, leaky_mult) : x;
        int32_t r32 = pot ? odpu_pot_scale(a, shift) : odpu_mbqm(a, mult, shift);
        int8_t r8 = odpu_conv_output(x, &p, leaky, pot, zp, (int8_t)lo, (int8_t)hi);
        fprintf(out, "%08x%08x%02x%08x%02x%02x%02x%02x%08x%02x\n", (uint32_t)x, (uint32_t)mult,
                (uint8_t)shift, (uint32_t)leaky_mult, (unsigned)(leaky | pot << 1), (uint8_t)zp,
                (uint8_t)lo, (uint8_t)hi, (uint32_t)r32, (uint8_t)r8);
    }
    return fclose(out) == 0 ? 0 : 1;
}
