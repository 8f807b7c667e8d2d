/* udmabuf.h - a u-dma-buf device (ikwzm's out-of-tree driver, no kernel code of ours): one
 * physically contiguous DMA buffer that the uio backend maps, locks for one process and keeps
 * coherent with the engine through the driver's sync attributes (docs/boards.md). */
#ifndef ODPU_BOARDS_UDMABUF_H
#define ODPU_BOARDS_UDMABUF_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "host/hal.h"

typedef struct udmabuf udmabuf;

/* Find root/sys/class/u-dma-buf/<name> (phys_addr, size, dma_coherent), open root/dev/<name>,
 * take its exclusive lock (ODPU_E_BUSY when another open holds it) and map all of it. */
odpu_status udmabuf_open(const char *root, const char *name, udmabuf **out, odpu_err *err);
void udmabuf_close(udmabuf *b);

uint8_t *udmabuf_host(const udmabuf *b);
uint64_t udmabuf_phys(const udmabuf *b);
uint64_t udmabuf_size(const udmabuf *b);
int udmabuf_coherent(const udmabuf *b); /* the engine's port snoops the CPU caches (HPC + CCI) */
const char *udmabuf_path(const udmabuf *b);

/* Make [offset, offset + len) of the buffer agree between CPU and engine in direction dir:
 * nothing on a coherent buffer, else the driver's sync_offset, sync_size, sync_direction and
 * sync_for_device / sync_for_cpu attributes. */
odpu_status udmabuf_sync(udmabuf *b, uint64_t offset, uint64_t len, odpu_sync_dir dir, odpu_err *err);

#endif
