/* arena.h - physical memory sub-allocated into page-aligned DMA buffers with guard pages: the
 * memory of every software-modelled device, and the u-dma-buf of a board (odpu_arena_wrap). */
#ifndef ODPU_EMU_ARENA_H
#define ODPU_EMU_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "host/hal.h"

/* Where the simulated physical addresses start: 1 GiB, inside the low PS DDR of a ZynqMP,
 * so that address 0 (what an unprogrammed register holds) is never mapped. */
#define ODPU_ARENA_PHYS_BASE UINT64_C(0x40000000)
enum {
    ODPU_ARENA_PAGE = 4096,
    ODPU_ARENA_DEFAULT_MIB = 1024, /* address space reserved, not memory: pages are backed on use */
};

typedef struct odpu_arena odpu_arena;

/* Reserve size_bytes (a multiple of the page) of host address space behind physical
 * [phys_base, phys_base + size_bytes). No page is usable until it is allocated. */
odpu_status odpu_arena_create(uint64_t phys_base, uint64_t size_bytes, odpu_arena **out, odpu_err *err);
void odpu_arena_destroy(odpu_arena *a);
/* An arena over size_bytes the caller mapped (a u-dma-buf: MAP_SHARED, page-aligned) and
 * keeps; buffers work as in a reserved arena (the pages outside them are made inaccessible,
 * freed pages are zeroed). With whole set, all of it is one allocated buffer instead: a
 * device's view of memory that another process sub-allocates (the virtual board). */
odpu_status odpu_arena_wrap(uint64_t phys_base, void *host, uint64_t size_bytes, int whole, odpu_arena **out,
                            odpu_err *err);

/* A zeroed buffer of size bytes at a page-aligned physical address, followed by one unmapped
 * guard page; addresses are handed out round the arena (next fit), so a freed range is
 * reused only after the rest was. buf->backend identifies the buffer. ODPU_E_NOMEM when no
 * free range is large enough (the message names the sizes). */
odpu_status odpu_arena_alloc(odpu_arena *a, size_t size, odpu_dma_buf *buf, odpu_err *err);
/* Return the buffer; its pages are unmapped again (a host access is a fault). */
void odpu_arena_free(odpu_arena *a, odpu_dma_buf *buf);

/* The sync contract of docs/hal.md: buf was allocated here and [offset, offset+len) lies
 * inside it; ODPU_E_ARG otherwise, the message prefixed with `who`. */
odpu_status odpu_arena_check_sync(const odpu_arena *a, const char *who, const odpu_dma_buf *buf, size_t offset,
                                  size_t len, odpu_err *err);

/* The host bytes behind physical [phys, phys + len), or NULL unless one buffer's pages hold
 * all of it: what an interconnect answers with a decode error. A buffer's pages run to the
 * end of its last page (a DMA engine sees whole pages). */
uint8_t *odpu_arena_resolve(const odpu_arena *a, uint64_t phys, uint64_t len);

/* The first byte between a buffer's end and its last page's end that is not 0 (the device
 * wrote outside every window the host set): ODPU_E_DEVICE naming buffer and offset. */
odpu_status odpu_arena_check_slack(const odpu_arena *a, const char *who, odpu_err *err);

/* The arena as one region: host address of phys_base (host = base + (phys - phys_base) for
 * every allocated byte), for an engine that addresses memory from one base pointer (an HLS
 * m_axi interface). */
uint64_t odpu_arena_phys_base(const odpu_arena *a);
uint8_t *odpu_arena_host_base(const odpu_arena *a);

#endif
