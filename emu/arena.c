/* arena.c - the simulated physical memory (see arena.h): one reserved host mapping; buffers
 * are made accessible when allocated and inaccessible again when freed, so the guard page
 * after each one, and any freed range, faults on a host access as well. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE, MADV_DONTNEED */
#include "emu/arena.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* One allocated buffer: bytes [off, off + span) of the arena, span whole pages, the first
 * `size` of them the host's; the page after it is its guard. */
typedef struct region {
    uint64_t off, span;
    size_t size;
} region;

struct odpu_arena {
    uint64_t phys_base, bytes;
    uint8_t *host;
    region **list; /* sorted by off; each a separate allocation so buf->backend stays valid */
    size_t n, cap;
    uint64_t cursor; /* next fit starts here */
    int owned;       /* host is our reservation (anonymous, private), not the caller's mapping */
};

static int grow_list(odpu_arena *a);

static uint64_t round_page(uint64_t v)
{
    return (v + ODPU_ARENA_PAGE - 1) / ODPU_ARENA_PAGE * ODPU_ARENA_PAGE;
}

static odpu_status check_range(uint64_t phys_base, uint64_t size_bytes, odpu_err *err)
{
    if (size_bytes == 0 || size_bytes % ODPU_ARENA_PAGE || phys_base % ODPU_ARENA_PAGE || size_bytes > SIZE_MAX ||
        phys_base > UINT64_MAX - size_bytes)
        return odpu_fail(err, ODPU_E_ARG, "arena: %" PRIu64 " bytes at phys 0x%" PRIx64 " is not a page-aligned range",
                         size_bytes, phys_base);
    return ODPU_OK;
}

odpu_status odpu_arena_create(uint64_t phys_base, uint64_t size_bytes, odpu_arena **out, odpu_err *err)
{
    *out = NULL;
    odpu_status st = check_range(phys_base, size_bytes, err);
    if (st != ODPU_OK)
        return st;
    odpu_arena *a = calloc(1, sizeof *a);
    if (!a)
        return odpu_fail(err, ODPU_E_NOMEM, "arena: out of memory");
    void *host = mmap(NULL, (size_t)size_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        free(a);
        return odpu_fail(err, ODPU_E_NOMEM, "arena: cannot reserve %" PRIu64 " MiB of address space: %s",
                         size_bytes >> 20, strerror(errno));
    }
    a->phys_base = phys_base;
    a->bytes = size_bytes;
    a->host = host;
    a->owned = 1;
    *out = a;
    return ODPU_OK;
}

odpu_status odpu_arena_wrap(uint64_t phys_base, void *host, uint64_t size_bytes, int whole, odpu_arena **out,
                            odpu_err *err)
{
    *out = NULL;
    odpu_status st = check_range(phys_base, size_bytes, err);
    if (st != ODPU_OK)
        return st;
    odpu_arena *a = calloc(1, sizeof *a);
    region *all = whole ? malloc(sizeof *all) : NULL;
    if (!a || (whole && (!all || !grow_list(a)))) {
        free(all);
        odpu_arena_destroy(a);
        return odpu_fail(err, ODPU_E_NOMEM, "arena: out of memory");
    }
    *a = (odpu_arena){.phys_base = phys_base, .bytes = size_bytes, .host = host, .list = a->list, .cap = a->cap};
    if (whole) {
        *all = (region){0, size_bytes, (size_t)size_bytes};
        a->list[a->n++] = all;
    } else if (mprotect(host, (size_t)size_bytes, PROT_NONE) != 0) {
        odpu_arena_destroy(a);
        return odpu_fail(err, ODPU_E_IO, "arena: cannot protect the %" PRIu64 "-byte mapping: %s", size_bytes,
                         strerror(errno));
    }
    *out = a;
    return ODPU_OK;
}

void odpu_arena_destroy(odpu_arena *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        free(a->list[i]);
    free(a->list);
    if (a->owned)
        munmap(a->host, (size_t)a->bytes);
    else if (a->host)
        mprotect(a->host, (size_t)a->bytes, PROT_READ | PROT_WRITE); /* the caller's mapping, as it was */
    free(a);
}

/* The first gap of `need` bytes at or after `from` between the regions (a region's guard
 * page belongs to it); UINT64_MAX if none. *at gets the list position to insert at. */
static uint64_t find_gap(const odpu_arena *a, uint64_t from, uint64_t need, size_t *at)
{
    uint64_t start = from;
    for (size_t i = 0; i <= a->n; i++) {
        uint64_t end = i < a->n ? a->list[i]->off : a->bytes;
        if (i < a->n && a->list[i]->off + a->list[i]->span + ODPU_ARENA_PAGE <= start)
            continue; /* entirely before the search start */
        if (end >= start && end - start >= need) {
            *at = i;
            return start;
        }
        if (i < a->n)
            start = a->list[i]->off + a->list[i]->span + ODPU_ARENA_PAGE;
        if (start > a->bytes)
            break;
    }
    return UINT64_MAX;
}

static int grow_list(odpu_arena *a)
{
    if (a->n < a->cap)
        return 1;
    size_t cap = a->cap ? 2 * a->cap : 16;
    region **grown = realloc(a->list, cap * sizeof *grown);
    if (!grown)
        return 0;
    a->list = grown;
    a->cap = cap;
    return 1;
}

odpu_status odpu_arena_alloc(odpu_arena *a, size_t size, odpu_dma_buf *buf, odpu_err *err)
{
    memset(buf, 0, sizeof *buf);
    uint64_t span = round_page(size);
    if (size == 0 || span < size || span > a->bytes - ODPU_ARENA_PAGE)
        return odpu_fail(err, ODPU_E_NOMEM, "a DMA buffer of %zu bytes does not fit the %" PRIu64 " MiB arena", size,
                         a->bytes >> 20);
    uint64_t need = span + ODPU_ARENA_PAGE;
    size_t at = 0;
    uint64_t off = find_gap(a, a->cursor, need, &at);
    if (off == UINT64_MAX)
        off = find_gap(a, 0, need, &at); /* wrap round */
    region *r = off == UINT64_MAX ? NULL : malloc(sizeof *r);
    if (!r || !grow_list(a)) {
        free(r);
        return odpu_fail(err, ODPU_E_NOMEM, "no free range of %zu bytes left in the %" PRIu64 " MiB arena (%zu buffers held)",
                         size, a->bytes >> 20, a->n);
    }
    if (mprotect(a->host + off, (size_t)span, PROT_READ | PROT_WRITE) != 0) {
        free(r);
        return odpu_fail(err, ODPU_E_NOMEM, "cannot map %zu bytes of the arena: %s", size, strerror(errno));
    }
    if (!a->owned)
        memset(a->host + off, 0, (size_t)span); /* a u-dma-buf holds what its last user left */
    *r = (region){off, span, size};
    memmove(&a->list[at + 1], &a->list[at], (a->n - at) * sizeof *a->list);
    a->list[at] = r;
    a->n++;
    a->cursor = off + need;
    *buf = (odpu_dma_buf){a->host + off, a->phys_base + off, size, r};
    return ODPU_OK;
}

static size_t index_of(const odpu_arena *a, const void *backend)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->list[i] == backend)
            return i;
    return SIZE_MAX;
}

void odpu_arena_free(odpu_arena *a, odpu_dma_buf *buf)
{
    size_t i = index_of(a, buf->backend);
    if (i == SIZE_MAX)
        return;
    region *r = a->list[i];
    /* Drop the pages (they read as zeros when mapped again), then make them fault. A shared
     * mapping keeps its content, so it is cleared by hand. */
    if (a->owned)
        madvise(a->host + r->off, (size_t)r->span, MADV_DONTNEED);
    else
        memset(a->host + r->off, 0, (size_t)r->span);
    mprotect(a->host + r->off, (size_t)r->span, PROT_NONE);
    memmove(&a->list[i], &a->list[i + 1], (a->n - i - 1) * sizeof *a->list);
    a->n--;
    free(r);
}

odpu_status odpu_arena_check_sync(const odpu_arena *a, const char *who, const odpu_dma_buf *buf, size_t offset,
                                  size_t len, odpu_err *err)
{
    size_t i = index_of(a, buf->backend);
    if (i == SIZE_MAX || buf->virt != a->host + a->list[i]->off)
        return odpu_fail(err, ODPU_E_ARG, "%s: sync of a buffer this device did not allocate (phys 0x%" PRIx64 ")", who,
                         buf->phys);
    const region *r = a->list[i];
    if (offset > r->size || len > r->size - offset)
        return odpu_fail(err, ODPU_E_ARG, "%s: sync of [%zu, +%zu) is outside the %zu-byte buffer at phys 0x%" PRIx64, who,
                         offset, len, r->size, a->phys_base + r->off);
    return ODPU_OK;
}

uint8_t *odpu_arena_resolve(const odpu_arena *a, uint64_t phys, uint64_t len)
{
    if (phys < a->phys_base)
        return NULL;
    uint64_t off = phys - a->phys_base;
    for (size_t i = 0; i < a->n; i++) {
        const region *r = a->list[i];
        if (off >= r->off && off - r->off <= r->span && len <= r->span - (off - r->off))
            return a->host + off;
    }
    return NULL;
}

odpu_status odpu_arena_check_slack(const odpu_arena *a, const char *who, odpu_err *err)
{
    for (size_t i = 0; i < a->n; i++) {
        const region *r = a->list[i];
        const uint8_t *p = a->host + r->off;
        for (uint64_t k = r->size; k < r->span; k++)
            if (p[k])
                return odpu_fail(err, ODPU_E_DEVICE,
                                 "%s: the engine wrote byte %" PRIu64 " past the end of the %zu-byte DMA buffer at phys "
                                 "0x%" PRIx64 " (0x%02x at phys 0x%" PRIx64 ")",
                                 who, k - r->size, r->size, a->phys_base + r->off, p[k], a->phys_base + r->off + k);
    }
    return ODPU_OK;
}

uint64_t odpu_arena_phys_base(const odpu_arena *a)
{
    return a->phys_base;
}

uint8_t *odpu_arena_host_base(const odpu_arena *a)
{
    return a->host;
}
