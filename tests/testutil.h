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

/* Files and commands for tests of generated files and tools. test_tmpdir makes a fresh
 * directory under /tmp named after `tag` (a static buffer, valid until the next call);
 * test_system runs a shell command and returns its exit status (-1 if it did not exit);
 * test_remove_tree deletes a directory; test_read_text returns a file's whole text (NUL
 * terminated, a static buffer of up to 1 MiB, valid until the next call). */
char *test_tmpdir(const char *tag);
int test_system(const char *cmd);
void test_remove_tree(const char *dir);
char *test_read_text(const char *path);

/* Run one suite; exit status 0 iff every test passed. */
int test_run_suite(Suite *s);

#define ODPU_TEST_MAIN(suite_fn) \
    int main(void) { return test_run_suite(suite_fn()); }

#endif
