/* test_arith.c - isa/arith.h against a textbook formulation written here independently:
 * exact products in __int128 and rounding written as floor() of an exact rational, applied
 * in the same two rounding steps TFLite uses (docs/isa.md section 6). Exhaustive over edge
 * values (INT32_MIN * INT32_MIN, exact ties of both signs for every exponent, saturation,
 * every shift) and millions of random values.
 *
 * A note on SRDHM ties: docs/isa.md defines SRDHM as gemmlowp's "add 2^30 (or 1 - 2^30
 * when negative), then divide by 2^31 truncating". Worked out exactly, that is
 * floor(a*b/2^31 + 1/2): ties round toward +infinity, so -0.5 -> 0 and -1.5 -> -1 (half
 * away from zero only for positive ties). RDBPOT rounds ties away from zero. The
 * textbook functions below state exactly that, and the tie tests pin it down. */
#include <stdint.h>
#include <stdlib.h>

#include "isa/arith.h"
#include "tests/testutil.h"

typedef __int128 i128;

enum {
    RANDOM_ITERS = 1000000,
    EDGE_BITS = 31,          /* powers of two 2^0 .. 2^30 and their neighbours */
};

static const uint64_t TEST_SEED = 0x5EED0A817ULL;

/* ---- The textbook ---------------------------------------------------------------------- */

/* floor(n / 2^k), any sign, k in [0, 100]. */
static i128 floor_div_pow2(i128 n, int k)
{
    i128 d = (i128)1 << k;
    i128 q = n / d;
    if (n % d != 0 && n < 0)
        q -= 1;
    return q;
}

static int32_t tb_clamp32(i128 v)
{
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/* a*b*2/2^32 rounded to nearest, ties toward +infinity: floor(a*b/2^31 + 1/2). The one
 * result that does not fit, (-2^31)^2 / 2^31 = 2^31, saturates. */
static int32_t tb_srdhm(int32_t a, int32_t b)
{
    i128 exact_twice = 2 * (i128)a * b; /* a*b/2^31 = exact_twice / 2^32 */
    return tb_clamp32(floor_div_pow2(exact_twice + ((i128)1 << 31), 32));
}

/* x / 2^e rounded to nearest, ties away from zero: sign(x) * floor(|x|/2^e + 1/2). */
static int32_t tb_rdbpot(int32_t x, int e)
{
    i128 mag = x < 0 ? -(i128)x : (i128)x;
    i128 q = floor_div_pow2(2 * mag + ((i128)1 << e), e + 1);
    return (int32_t)(x < 0 ? -q : q);
}

static int32_t tb_sat_shl(int32_t x, int s)
{
    return tb_clamp32((i128)x * ((i128)1 << s)); /* a multiply: << of a negative is undefined */
}

/* TFLite's two rounding steps: x * 2^left saturated, SRDHM by m, RDBPOT by right. */
static int32_t tb_mbqm(int32_t x, int32_t m, int s)
{
    int left = s > 0 ? s : 0, right = s < 0 ? -s : 0;
    return tb_rdbpot(tb_srdhm(tb_sat_shl(x, left), m), right);
}

static int32_t tb_pot(int32_t x, int s)
{
    return s > 0 ? tb_sat_shl(x, s) : tb_rdbpot(x, -s);
}

static int8_t tb_clamp8(i128 v, int lo, int hi)
{
    return (int8_t)(v < lo ? lo : v > hi ? hi : v);
}

static int8_t tb_conv_output(int32_t acc, const odpu_chan_params *p, int leaky, int pot, int32_t zp,
                             int lo, int hi)
{
    int32_t a = leaky && acc < 0 ? tb_srdhm(acc, p->leaky_mult) : acc;
    int32_t r = pot ? tb_pot(a, p->shift) : tb_mbqm(a, p->mult, p->shift);
    return tb_clamp8((i128)r + zp, lo, hi);
}

static int8_t tb_add_output(int a, int b, const odpu_add_params *p)
{
    i128 scale = (i128)1 << p->left_shift;
    int32_t as = tb_mbqm((int32_t)((a - p->a_zp) * scale), p->a_mult, p->a_shift);
    int32_t bs = tb_mbqm((int32_t)((b - p->b_zp) * scale), p->b_mult, p->b_shift);
    int32_t sum = tb_clamp32((i128)as + bs);
    return tb_clamp8((i128)tb_mbqm(sum, p->out_mult, p->out_shift) + p->out_zp, p->act_min,
                     p->act_max);
}

/* The exact real value x*m*2^(s-31), rounded once (half away from zero). */
static i128 exact_scaled(int32_t x, int32_t m, int s)
{
    i128 num = (i128)x * m; /* value = num * 2^(s-31) */
    if (s >= 31)
        return num * ((i128)1 << (s - 31));
    i128 mag = num < 0 ? -num : num;
    int e = 31 - s;
    i128 q = floor_div_pow2(2 * mag + ((i128)1 << e), e + 1);
    return num < 0 ? -q : q;
}

/* ---- Edge values ---------------------------------------------------------------------- */

typedef struct edge_set {
    int32_t v[8 * EDGE_BITS + 16];
    size_t n;
} edge_set;

/* 0, +-1, the extremes, and +-2^k, +-(2^k +- 1) for every k. */
static void edge_values(edge_set *s)
{
    s->n = 0;
    static const int32_t fixed[] = {0, 1, -1, INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1,
                                    (1 << 30) + 1, -(1 << 30) - 1};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        s->v[s->n++] = fixed[i];
    for (int k = 1; k < EDGE_BITS; k++) {
        int32_t p = (int32_t)1 << k;
        int32_t list[] = {p, -p, p + 1, -p - 1, p - 1, -p + 1};
        for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
            s->v[s->n++] = list[i];
    }
}

/* Random int32 with a random magnitude, so small and large values are both common. */
static int32_t random_i32(test_rng *r)
{
    uint32_t bits = (uint32_t)test_rng_next(r);
    int width = test_rng_range(r, 1, 32);
    return (int32_t)(width == 32 ? bits : (uint32_t)((int32_t)(bits << (32 - width)) >> (32 - width)));
}

/* ---- SRDHM ---------------------------------------------------------------------------- */

START_TEST(srdhm_edges_exhaustive)
{
    edge_set s;
    edge_values(&s);
    for (size_t i = 0; i < s.n; i++)
        for (size_t j = 0; j < s.n; j++) {
            int32_t a = s.v[i], b = s.v[j];
            ck_assert_msg(odpu_srdhm(a, b) == tb_srdhm(a, b), "SRDHM(%d, %d) = %d, textbook %d", a,
                          b, odpu_srdhm(a, b), tb_srdhm(a, b));
        }
    ck_assert_int_eq(odpu_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
    ck_assert_int_eq(odpu_srdhm(INT32_MIN, INT32_MAX), -INT32_MAX);
    ck_assert_int_eq(odpu_srdhm(INT32_MAX, INT32_MAX), INT32_MAX - 1);
}
END_TEST

/* a*b = (2q+1) * 2^30 exactly, for every split of the power of two between a and b. */
START_TEST(srdhm_exact_ties)
{
    for (int j = 0; j <= 30; j++) {
        int32_t odd_max = (int32_t)((INT64_C(1) << (31 - (30 - j))) - 1); /* b = odd << (30-j) fits */
        int32_t odds[] = {1, 3, 5, odd_max, odd_max - 2 > 0 ? odd_max - 2 : 1};
        for (size_t k = 0; k < sizeof odds / sizeof odds[0]; k++) {
            int32_t odd = odds[k];
            if (odd % 2 == 0 || odd > odd_max)
                continue;
            int32_t a = (int32_t)1 << j;
            int32_t b = (int32_t)((int64_t)odd << (30 - j));
            int32_t q = (odd - 1) / 2; /* exact value q + 1/2 */
            ck_assert_msg(odpu_srdhm(a, b) == q + 1, "SRDHM(%d, %d): tie %d.5 -> %d, want %d", a, b,
                          q, odpu_srdhm(a, b), q + 1);
            /* negative tie -(q + 1/2) rounds toward +infinity, to -q */
            ck_assert_msg(odpu_srdhm(-a, b) == -q, "SRDHM(%d, %d): tie -%d.5 -> %d, want %d", -a, b,
                          q, odpu_srdhm(-a, b), -q);
            ck_assert_int_eq(odpu_srdhm(-a, b), tb_srdhm(-a, b));
        }
    }
}
END_TEST

START_TEST(srdhm_random)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED);
    for (int i = 0; i < 4 * RANDOM_ITERS; i++) {
        int32_t a = random_i32(&r), b = random_i32(&r);
        if (odpu_srdhm(a, b) != tb_srdhm(a, b))
            ck_abort_msg("SRDHM(%d, %d) = %d, textbook %d (iteration %d)", a, b, odpu_srdhm(a, b),
                         tb_srdhm(a, b), i);
    }
}
END_TEST

/* ---- RDBPOT --------------------------------------------------------------------------- */

START_TEST(rdbpot_edges_every_exponent)
{
    edge_set s;
    edge_values(&s);
    for (int e = 0; e <= 31; e++)
        for (size_t i = 0; i < s.n; i++)
            ck_assert_msg(odpu_rdbpot(s.v[i], e) == tb_rdbpot(s.v[i], e), "RDBPOT(%d, %d) = %d, textbook %d",
                          s.v[i], e, odpu_rdbpot(s.v[i], e), tb_rdbpot(s.v[i], e));
    static const struct { int32_t x; int e; int32_t want; } known[] = {
        {INT32_MIN, 31, -1}, {INT32_MAX, 31, 1}, {INT32_MIN, 0, INT32_MIN}, {-(1 << 30), 31, -1},
        {(1 << 30) - 1, 31, 0},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ck_assert_msg(odpu_rdbpot(known[i].x, known[i].e) == known[i].want, "RDBPOT(%d, %d) = %d, want %d",
                      known[i].x, known[i].e, odpu_rdbpot(known[i].x, known[i].e), known[i].want);
}
END_TEST

/* x = (2q+1) * 2^(e-1): exactly q + 1/2, which rounds away from zero to q+1 (and -(q+1)). */
START_TEST(rdbpot_exact_ties_every_exponent)
{
    for (int e = 1; e <= 31; e++) {
        int64_t half = INT64_C(1) << (e - 1);
        int64_t q_max = (INT32_MAX / half - 1) / 2; /* largest q with (2q+1)*half <= INT32_MAX */
        int64_t qs[] = {0, 1, 2, q_max, q_max > 0 ? q_max - 1 : 0};
        for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
            int64_t q = qs[k];
            if (q > q_max)
                continue;
            int32_t x = (int32_t)((2 * q + 1) * half);
            ck_assert_msg(odpu_rdbpot(x, e) == q + 1, "RDBPOT(%d, %d) = %d, want %lld", x, e,
                          odpu_rdbpot(x, e), (long long)(q + 1));
            ck_assert_msg(odpu_rdbpot(-x, e) == -(q + 1), "RDBPOT(%d, %d) = %d, want %lld", -x, e,
                          odpu_rdbpot(-x, e), (long long)-(q + 1));
            /* one below / above a tie rounds to the nearer neighbour */
            ck_assert_int_eq(odpu_rdbpot(x - 1, e), q);
            ck_assert_int_eq(odpu_rdbpot(-x + 1, e), -q);
        }
    }
}
END_TEST

START_TEST(rdbpot_random)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 1);
    for (int i = 0; i < 2 * RANDOM_ITERS; i++) {
        int32_t x = random_i32(&r);
        int e = test_rng_range(&r, 0, 31);
        if (odpu_rdbpot(x, e) != tb_rdbpot(x, e))
            ck_abort_msg("RDBPOT(%d, %d) = %d, textbook %d", x, e, odpu_rdbpot(x, e), tb_rdbpot(x, e));
    }
}
END_TEST

/* ---- Saturating shift, MBQM, POT --------------------------------------------------------- */

START_TEST(left_shift_saturation)
{
    for (int s = 0; s <= ODPU_SHIFT_MAX; s++) {
        int64_t limit = INT64_C(1) << (31 - s); /* x * 2^s fits iff -limit <= x < limit */
        int32_t fits_hi = (int32_t)(limit - 1), fits_lo = (int32_t)-limit;
        ck_assert_int_eq(odpu_sat_shl(fits_hi, s), (int32_t)((int64_t)fits_hi << s));
        ck_assert_int_eq(odpu_sat_shl(fits_lo, s), (int32_t)(-(limit << s)));
        if (limit <= INT32_MAX) {
            ck_assert_int_eq(odpu_sat_shl((int32_t)limit, s), INT32_MAX);
            ck_assert_int_eq(odpu_sat_shl(INT32_MAX, s), INT32_MAX);
        }
        if (-limit - 1 >= INT32_MIN)
            ck_assert_int_eq(odpu_sat_shl((int32_t)(-limit - 1), s), INT32_MIN);
        ck_assert_int_eq(odpu_sat_shl(INT32_MIN, s), INT32_MIN);
        ck_assert_int_eq(odpu_sat_shl(0, s), 0);
    }
}
END_TEST

START_TEST(mbqm_edges_every_shift)
{
    edge_set s;
    edge_values(&s);
    for (int sh = -ODPU_SHIFT_MAX; sh <= ODPU_SHIFT_MAX; sh++)
        for (size_t i = 0; i < s.n; i++)
            for (size_t j = 0; j < s.n; j++) {
                int32_t x = s.v[i], m = s.v[j];
                int32_t got = odpu_mbqm(x, m, sh), want = tb_mbqm(x, m, sh);
                if (got != want)
                    ck_abort_msg("MBQM(%d, %d, %d) = %d, textbook %d", x, m, sh, got, want);
            }
}
END_TEST

START_TEST(mbqm_random)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 2);
    for (int i = 0; i < 4 * RANDOM_ITERS; i++) {
        int32_t x = random_i32(&r), m = random_i32(&r);
        int sh = test_rng_range(&r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
        int32_t got = odpu_mbqm(x, m, sh), want = tb_mbqm(x, m, sh);
        if (got != want)
            ck_abort_msg("MBQM(%d, %d, %d) = %d, textbook %d (iteration %d)", x, m, sh, got, want, i);
    }
}
END_TEST

/* Two roundings are within one unit of the exact real value rounded once, whenever the
 * left shift does not saturate: the sanity check that the textbook is the right one. */
START_TEST(mbqm_close_to_exact_value)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 3);
    for (int i = 0; i < RANDOM_ITERS; i++) {
        int32_t x = random_i32(&r), m = random_i32(&r);
        int sh = test_rng_range(&r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
        int left = sh > 0 ? sh : 0;
        if ((i128)x * ((i128)1 << left) != odpu_sat_shl(x, left) || (x == INT32_MIN && m == INT32_MIN))
            continue; /* saturated: the exact value is not the target */
        i128 exact = exact_scaled(x, m, sh);
        if (exact > INT32_MAX || exact < INT32_MIN)
            continue;
        i128 diff = (i128)odpu_mbqm(x, m, sh) - exact;
        if (diff > 1 || diff < -1)
            ck_abort_msg("MBQM(%d, %d, %d) = %d is %d away from the exact value", x, m, sh,
                         odpu_mbqm(x, m, sh), (int)diff);
    }
}
END_TEST

START_TEST(pot_every_shift)
{
    edge_set s;
    edge_values(&s);
    for (int sh = -ODPU_SHIFT_MAX; sh <= ODPU_SHIFT_MAX; sh++)
        for (size_t i = 0; i < s.n; i++)
            ck_assert_msg(odpu_pot_scale(s.v[i], sh) == tb_pot(s.v[i], sh), "POT(%d, %d) = %d, textbook %d",
                          s.v[i], sh, odpu_pot_scale(s.v[i], sh), tb_pot(s.v[i], sh));
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 4);
    for (int i = 0; i < RANDOM_ITERS; i++) {
        int32_t x = random_i32(&r);
        int sh = test_rng_range(&r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
        if (odpu_pot_scale(x, sh) != tb_pot(x, sh))
            ck_abort_msg("POT(%d, %d) = %d, textbook %d", x, sh, odpu_pot_scale(x, sh), tb_pot(x, sh));
    }
}
END_TEST

/* ---- Output stages -------------------------------------------------------------------- */

static void random_chan_params(test_rng *r, odpu_chan_params *p)
{
    p->bias = random_i32(r);
    p->mult = test_rng_range(r, 0, 3) ? test_rng_range(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->shift = test_rng_range(r, 0, 3) ? test_rng_range(r, -20, 2)
                                       : test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p->leaky_mult = test_rng_range(r, 0, 3) ? test_rng_range(r, 0, INT32_MAX) : random_i32(r);
}

START_TEST(conv_output_random)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 5);
    for (int i = 0; i < RANDOM_ITERS; i++) {
        odpu_chan_params p;
        random_chan_params(&r, &p);
        int32_t acc = random_i32(&r);
        int leaky = test_rng_range(&r, 0, 1), pot = test_rng_range(&r, 0, 1);
        int32_t zp = test_rng_range(&r, INT8_MIN, INT8_MAX);
        int lo = test_rng_range(&r, INT8_MIN, INT8_MAX), hi = test_rng_range(&r, lo, INT8_MAX);
        int8_t got = odpu_conv_output(acc, &p, leaky, pot, zp, (int8_t)lo, (int8_t)hi);
        int8_t want = tb_conv_output(acc, &p, leaky, pot, zp, lo, hi);
        if (got != want)
            ck_abort_msg("conv_output(acc %d, mult %d, shift %d, leaky %d/%d, pot %d, zp %d, [%d, %d]) "
                         "= %d, textbook %d",
                         acc, p.mult, p.shift, leaky, p.leaky_mult, pot, zp, lo, hi, got, want);
    }
}
END_TEST

/* Extreme accumulators and zero points hit both clamp bounds; equal bounds force one value. */
START_TEST(conv_output_clamp_bounds)
{
    edge_set s;
    edge_values(&s);
    static const int zps[] = {INT8_MIN, -1, 0, 1, INT8_MAX};
    static const int32_t shifts[] = {-ODPU_SHIFT_MAX, -8, 0, 8, ODPU_SHIFT_MAX};
    for (size_t i = 0; i < s.n; i++)
        for (size_t z = 0; z < sizeof zps / sizeof zps[0]; z++)
            for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++)
                for (int pot = 0; pot <= 1; pot++) {
                    odpu_chan_params p = {0, INT32_MAX, shifts[k], 1 << 29};
                    int8_t full = odpu_conv_output(s.v[i], &p, 1, pot, zps[z], INT8_MIN, INT8_MAX);
                    ck_assert_int_eq(full, tb_conv_output(s.v[i], &p, 1, pot, zps[z], INT8_MIN, INT8_MAX));
                    ck_assert_int_eq(odpu_conv_output(s.v[i], &p, 1, pot, zps[z], 7, 7), 7);
                    int8_t relu = odpu_conv_output(s.v[i], &p, 0, pot, zps[z], (int8_t)zps[z], INT8_MAX);
                    ck_assert_int_ge(relu, zps[z]);
                    ck_assert_int_eq(relu, tb_conv_output(s.v[i], &p, 0, pot, zps[z], zps[z], INT8_MAX));
                }
    odpu_chan_params big = {0, INT32_MAX, ODPU_SHIFT_MAX, 0};
    ck_assert_int_eq(odpu_conv_output(INT32_MAX, &big, 0, 0, INT8_MAX, INT8_MIN, INT8_MAX), INT8_MAX);
    ck_assert_int_eq(odpu_conv_output(INT32_MIN, &big, 0, 0, INT8_MIN, INT8_MIN, INT8_MAX), INT8_MIN);
}
END_TEST

static void random_add_params(test_rng *r, odpu_add_params *p, int realistic)
{
    p->a_zp = test_rng_range(r, INT8_MIN, INT8_MAX);
    p->b_zp = test_rng_range(r, INT8_MIN, INT8_MAX);
    p->out_zp = test_rng_range(r, INT8_MIN, INT8_MAX);
    p->left_shift = realistic ? 20 : test_rng_range(r, 0, 22);
    p->a_mult = realistic ? test_rng_range(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->b_mult = realistic ? test_rng_range(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->out_mult = realistic ? test_rng_range(r, 1 << 30, INT32_MAX) : random_i32(r);
    p->a_shift = realistic ? test_rng_range(r, -3, 0) : test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p->b_shift = realistic ? test_rng_range(r, -3, 0) : test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    p->out_shift = realistic ? test_rng_range(r, -22, -17)
                             : test_rng_range(r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
    int lo = test_rng_range(r, INT8_MIN, INT8_MAX);
    p->act_min = (int8_t)(realistic ? INT8_MIN : lo);
    p->act_max = (int8_t)(realistic ? INT8_MAX : test_rng_range(r, lo, INT8_MAX));
}

/* Every pair of int8 inputs, for realistic and for arbitrary parameter sets. */
START_TEST(add_output_all_inputs)
{
    enum { PARAM_SETS = 24 };
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 6);
    for (int set = 0; set < PARAM_SETS; set++) {
        odpu_add_params p;
        random_add_params(&r, &p, set % 2);
        for (int a = INT8_MIN; a <= INT8_MAX; a++)
            for (int b = INT8_MIN; b <= INT8_MAX; b++) {
                int8_t got = odpu_add_output((int8_t)a, (int8_t)b, &p), want = tb_add_output(a, b, &p);
                if (got != want)
                    ck_abort_msg("add_output(%d, %d) = %d, textbook %d (parameter set %d: zp %d/%d/%d, "
                                 "L %d, mult %d/%d/%d, shift %d/%d/%d)",
                                 a, b, got, want, set, p.a_zp, p.b_zp, p.out_zp, p.left_shift, p.a_mult,
                                 p.b_mult, p.out_mult, p.a_shift, p.b_shift, p.out_shift);
            }
    }
}
END_TEST

START_TEST(avg_output_random)
{
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 7);
    for (int i = 0; i < RANDOM_ITERS; i++) {
        int32_t sum = random_i32(&r);
        int32_t mult = test_rng_range(&r, 0, 3) ? test_rng_range(&r, 1 << 30, INT32_MAX) : random_i32(&r);
        int sh = test_rng_range(&r, -ODPU_SHIFT_MAX, ODPU_SHIFT_MAX);
        int32_t zp = test_rng_range(&r, INT8_MIN, INT8_MAX);
        int lo = test_rng_range(&r, INT8_MIN, INT8_MAX), hi = test_rng_range(&r, lo, INT8_MAX);
        int8_t got = odpu_avg_output(sum, mult, sh, zp, (int8_t)lo, (int8_t)hi);
        int8_t want = tb_clamp8((i128)tb_mbqm(sum, mult, sh) + zp, lo, hi);
        if (got != want)
            ck_abort_msg("avg_output(%d, %d, %d, zp %d, [%d, %d]) = %d, textbook %d", sum, mult, sh, zp,
                         lo, hi, got, want);
    }
}
END_TEST

START_TEST(wrap_add_and_saturation_helpers)
{
    ck_assert_int_eq(odpu_wrap_add32(INT32_MAX, 1), INT32_MIN);
    ck_assert_int_eq(odpu_wrap_add32(INT32_MIN, -1), INT32_MAX);
    ck_assert_int_eq(odpu_wrap_add32(INT32_MIN, INT32_MIN), 0);
    ck_assert_int_eq(odpu_sat32(INT64_C(1) << 40), INT32_MAX);
    ck_assert_int_eq(odpu_sat32(-(INT64_C(1) << 40)), INT32_MIN);
    ck_assert_int_eq(odpu_clamp8(INT64_MAX, -5, 9), 9);
    ck_assert_int_eq(odpu_clamp8(INT64_MIN, -5, 9), -5);
    test_rng r;
    test_rng_seed(&r, TEST_SEED + 8);
    for (int i = 0; i < RANDOM_ITERS; i++) {
        int32_t a = random_i32(&r), b = random_i32(&r);
        int64_t exact = (int64_t)a + b;
        int64_t wrapped = exact > INT32_MAX ? exact - (INT64_C(1) << 32)
                          : exact < INT32_MIN ? exact + (INT64_C(1) << 32) : exact;
        if (odpu_wrap_add32(a, b) != wrapped)
            ck_abort_msg("wrap_add32(%d, %d) = %d, want %lld", a, b, odpu_wrap_add32(a, b),
                         (long long)wrapped);
    }
}
END_TEST

static Suite *arith_suite(void)
{
    enum { SLOW_TIMEOUT_S = 300 }; /* millions of cases under ASan/UBSan */
    Suite *s = suite_create("arith");
    TCase *srdhm = tcase_create("srdhm");
    tcase_set_timeout(srdhm, SLOW_TIMEOUT_S);
    tcase_add_test(srdhm, srdhm_edges_exhaustive);
    tcase_add_test(srdhm, srdhm_exact_ties);
    tcase_add_test(srdhm, srdhm_random);
    suite_add_tcase(s, srdhm);
    TCase *rdbpot = tcase_create("rdbpot");
    tcase_set_timeout(rdbpot, SLOW_TIMEOUT_S);
    tcase_add_test(rdbpot, rdbpot_edges_every_exponent);
    tcase_add_test(rdbpot, rdbpot_exact_ties_every_exponent);
    tcase_add_test(rdbpot, rdbpot_random);
    suite_add_tcase(s, rdbpot);
    TCase *mbqm = tcase_create("mbqm");
    tcase_set_timeout(mbqm, SLOW_TIMEOUT_S);
    tcase_add_test(mbqm, left_shift_saturation);
    tcase_add_test(mbqm, mbqm_edges_every_shift);
    tcase_add_test(mbqm, mbqm_random);
    tcase_add_test(mbqm, mbqm_close_to_exact_value);
    tcase_add_test(mbqm, pot_every_shift);
    suite_add_tcase(s, mbqm);
    TCase *stages = tcase_create("output_stages");
    tcase_set_timeout(stages, SLOW_TIMEOUT_S);
    tcase_add_test(stages, conv_output_random);
    tcase_add_test(stages, conv_output_clamp_bounds);
    tcase_add_test(stages, add_output_all_inputs);
    tcase_add_test(stages, avg_output_random);
    tcase_add_test(stages, wrap_add_and_saturation_helpers);
    suite_add_tcase(s, stages);
    return s;
}

ODPU_TEST_MAIN(arith_suite)
