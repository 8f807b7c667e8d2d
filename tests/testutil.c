/* testutil.c - helpers shared by the test binaries (see testutil.h). */
#include "tests/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

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

enum { TEXT_MAX = 1 << 20, PATH_MAX_LEN = 256 };

char *test_tmpdir(const char *tag)
{
    static char dir[PATH_MAX_LEN];
    snprintf(dir, sizeof dir, "/tmp/odpu_%s.XXXXXX", tag);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

int test_system(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void test_remove_tree(const char *dir)
{
    char cmd[PATH_MAX_LEN + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(test_system(cmd), 0);
}

char *test_read_text(const char *path)
{
    static char buf[TEXT_MAX];
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    ck_assert_msg(feof(f), "%s is larger than %d bytes", path, TEXT_MAX - 1);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

int test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
