/* testutil.h - shared helpers of the Check test binaries: a seeded PRNG and a main().
 * Every test binary is one file tests/test_NAME.c that defines its suite with ODPU_TEST_MAIN. */
#ifndef ODPU_TESTS_TESTUTIL_H
#define ODPU_TESTS_TESTUTIL_H

#include <check.h>
#include <stdint.h>

/* xorshift64*: deterministic across platforms, so a failing seed reproduces anywhere. */
typedef struct test_rng {
    uint64_t state;
} test_rng;

void test_rng_seed(test_rng *r, uint64_t seed);
uint64_t test_rng_next(test_rng *r);
/* Uniform integer in [lo, hi]. */
int32_t test_rng_range(test_rng *r, int32_t lo, int32_t hi);
/* Fill with uniform bytes. */
void test_rng_bytes(test_rng *r, void *buf, size_t len);

/* Path of an arch config in arch/, e.g. test_arch_path("tiny") -> "arch/tiny.yaml". Tests
 * run from the repository root (make test does). */
const char *test_arch_path(const char *name);

/* Run one suite; exit status 0 iff every test passed. */
int test_run_suite(Suite *s);

#define ODPU_TEST_MAIN(suite_fn) \
    int main(void) { return test_run_suite(suite_fn()); }

#endif
