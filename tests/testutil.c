/* testutil.c - helpers shared by the test binaries (see testutil.h). */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>

void test_rng_seed(test_rng *r, uint64_t seed)
{
    r->state = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

uint64_t test_rng_next(test_rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * 0x2545F4914F6CDD1DULL;
}

int32_t test_rng_range(test_rng *r, int32_t lo, int32_t hi)
{
    uint64_t span = (uint64_t)((int64_t)hi - lo + 1);
    return (int32_t)(lo + (int64_t)(test_rng_next(r) % span));
}

void test_rng_bytes(test_rng *r, void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(test_rng_next(r) >> 56);
}

const char *test_arch_path(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "arch/%s.yaml", name);
    return path;
}

int test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
