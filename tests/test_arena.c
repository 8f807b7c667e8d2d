/* test_arena.c - the emulation layer's physical memory (emu/arena.h): page-aligned buffers
 * with guard pages in one contiguous region, address resolution as an interconnect answers it,
 * next-fit reuse, the sync and slack checks, and exhaustion with a clear error. */
#include <string.h>

#include "emu/arena.h"
#include "tests/testutil.h"

enum { PAGE = ODPU_ARENA_PAGE, ARENA_PAGES = 16 };

static odpu_arena *make_arena(void)
{
    odpu_arena *a;
    odpu_err err;
    ck_assert_msg(odpu_arena_create(ODPU_ARENA_PHYS_BASE, ARENA_PAGES * PAGE, &a, &err) == ODPU_OK, "%s", err.msg);
    return a;
}

static odpu_dma_buf alloc_ok(odpu_arena *a, size_t size)
{
    odpu_dma_buf b;
    odpu_err err;
    ck_assert_msg(odpu_arena_alloc(a, size, &b, &err) == ODPU_OK, "%zu bytes: %s", size, err.msg);
    return b;
}

START_TEST(buffers_are_pages_with_guards)
{
    odpu_arena *a = make_arena();
    odpu_dma_buf x = alloc_ok(a, 100), y = alloc_ok(a, 2 * PAGE);
    ck_assert_uint_eq(x.phys, ODPU_ARENA_PHYS_BASE);
    ck_assert_uint_eq(x.size, 100);
    ck_assert_uint_eq(y.phys, x.phys + 2 * PAGE); /* x's page, then its guard page */
    ck_assert_ptr_eq(y.virt, odpu_arena_host_base(a) + (y.phys - odpu_arena_phys_base(a)));
    static const uint8_t zeros[100];
    ck_assert_mem_eq(x.virt, zeros, sizeof zeros);
    memset(y.virt, 0x5A, y.size);

    /* The engine sees whole pages of a buffer and nothing of a guard or an unallocated page. */
    ck_assert_ptr_eq(odpu_arena_resolve(a, x.phys, PAGE), x.virt);
    ck_assert_ptr_null(odpu_arena_resolve(a, x.phys, PAGE + 1));
    ck_assert_ptr_null(odpu_arena_resolve(a, x.phys + PAGE, 1));
    ck_assert_ptr_eq(odpu_arena_resolve(a, y.phys + PAGE, PAGE), (uint8_t *)y.virt + PAGE);
    ck_assert_ptr_null(odpu_arena_resolve(a, y.phys + PAGE, PAGE + 1));
    ck_assert_ptr_null(odpu_arena_resolve(a, 0, 1));
    ck_assert_ptr_null(odpu_arena_resolve(a, ODPU_ARENA_PHYS_BASE - 1, 2));
    ck_assert_ptr_null(odpu_arena_resolve(a, UINT64_MAX - 4, 4));
    odpu_arena_destroy(a);
}
END_TEST

START_TEST(sync_checks_and_slack)
{
    odpu_arena *a = make_arena();
    odpu_dma_buf x = alloc_ok(a, 100);
    odpu_err err;
    ck_assert_int_eq(odpu_arena_check_sync(a, "t", &x, 0, 100, &err), ODPU_OK);
    ck_assert_int_eq(odpu_arena_check_sync(a, "t", &x, 100, 0, &err), ODPU_OK);
    ck_assert_int_eq(odpu_arena_check_sync(a, "t", &x, 50, 51, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "t: sync of [50, +51)") && strstr(err.msg, "100-byte"), "%s", err.msg);
    ck_assert_int_eq(odpu_arena_check_sync(a, "t", &x, 1, SIZE_MAX, &err), ODPU_E_ARG);
    odpu_dma_buf stranger = x;
    stranger.backend = &stranger;
    ck_assert_int_eq(odpu_arena_check_sync(a, "t", &stranger, 0, 1, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "did not allocate"), "%s", err.msg);

    /* A byte past the buffer's end but inside its page: written only by a wayward engine. */
    ck_assert_int_eq(odpu_arena_check_slack(a, "t", &err), ODPU_OK);
    ((uint8_t *)x.virt)[150] = 7;
    ck_assert_int_eq(odpu_arena_check_slack(a, "t", &err), ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "byte 50 past the end of the 100-byte"), "%s", err.msg);
    odpu_arena_destroy(a);
}
END_TEST

START_TEST(freed_ranges_are_reused_after_the_rest)
{
    odpu_arena *a = make_arena();
    odpu_dma_buf x = alloc_ok(a, PAGE);
    uint64_t first = x.phys;
    memset(x.virt, 0xFF, PAGE);
    odpu_arena_free(a, &x);
    ck_assert_ptr_null(odpu_arena_resolve(a, first, 1)); /* unmapped again */
    /* Next fit: the freed range waits until the arena has gone round. */
    odpu_dma_buf y = alloc_ok(a, PAGE);
    ck_assert_uint_gt(y.phys, first);
    odpu_dma_buf big = alloc_ok(a, (ARENA_PAGES - 6) * PAGE); /* up to the end but for a few pages */
    ck_assert_uint_gt(big.phys, y.phys);
    odpu_dma_buf z = alloc_ok(a, PAGE); /* wraps round into the freed range */
    ck_assert_uint_eq(z.phys, first);
    static const uint8_t zeros[PAGE];
    ck_assert_mem_eq(z.virt, zeros, PAGE); /* a reused range starts zeroed */
    odpu_arena_destroy(a);
}
END_TEST

START_TEST(exhaustion_and_bad_requests)
{
    odpu_arena *a = make_arena();
    odpu_dma_buf b;
    odpu_err err;
    ck_assert_int_eq(odpu_arena_alloc(a, 0, &b, &err), ODPU_E_NOMEM);
    ck_assert_int_eq(odpu_arena_alloc(a, ARENA_PAGES * PAGE, &b, &err), ODPU_E_NOMEM); /* no room for its guard */
    ck_assert_msg(strstr(err.msg, "does not fit"), "%s", err.msg);
    ck_assert_int_eq(odpu_arena_alloc(a, SIZE_MAX, &b, &err), ODPU_E_NOMEM);
    ck_assert_ptr_null(b.virt);
    odpu_dma_buf held[ARENA_PAGES / 2];
    for (int i = 0; i < ARENA_PAGES / 2; i++)
        held[i] = alloc_ok(a, 1);
    ck_assert_int_eq(odpu_arena_alloc(a, 1, &b, &err), ODPU_E_NOMEM);
    ck_assert_msg(strstr(err.msg, "no free range") && strstr(err.msg, "8 buffers held"), "%s", err.msg);
    odpu_arena_free(a, &held[3]);
    odpu_dma_buf again = alloc_ok(a, 1);
    ck_assert_uint_eq(again.phys, held[3].phys);
    odpu_arena_destroy(a);

    odpu_arena *bad;
    ck_assert_int_eq(odpu_arena_create(ODPU_ARENA_PHYS_BASE + 1, PAGE, &bad, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_arena_create(ODPU_ARENA_PHYS_BASE, PAGE + 1, &bad, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_arena_create(UINT64_MAX - PAGE + 1, 2 * PAGE, &bad, &err), ODPU_E_ARG);
}
END_TEST

static Suite *arena_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");
    tcase_add_test(tc, buffers_are_pages_with_guards);
    tcase_add_test(tc, sync_checks_and_slack);
    tcase_add_test(tc, freed_ranges_are_reused_after_the_rest);
    tcase_add_test(tc, exhaustion_and_bad_requests);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(arena_suite)
