/* udmabuf.c - the u-dma-buf device of a board (see udmabuf.h). */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "boards/drv/udmabuf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boards/drv/sysfs.h"

/* u-dma-buf's sync_direction values (the kernel's enum dma_data_direction). */
enum { SYNC_TO_DEVICE = 1, SYNC_FROM_DEVICE = 2 };

struct udmabuf {
    char dev_path[ODPU_SYSFS_PATH_MAX];
    char class_dir[ODPU_SYSFS_PATH_MAX];
    int fd;
    uint8_t *host;
    uint64_t phys, size;
    int coherent;
};

static odpu_status attr_path(const udmabuf *b, const char *attr, char *out, size_t size, odpu_err *err)
{
    return odpu_sysfs_path(out, size, b->class_dir, attr, err);
}

static odpu_status read_attrs(udmabuf *b, odpu_err *err)
{
    char path[ODPU_SYSFS_PATH_MAX];
    odpu_status st = attr_path(b, "phys_addr", path, sizeof path, err);
    if (st == ODPU_OK)
        st = odpu_sysfs_read_u64(path, &b->phys, err);
    if (st == ODPU_OK)
        st = attr_path(b, "size", path, sizeof path, err);
    if (st == ODPU_OK)
        st = odpu_sysfs_read_u64(path, &b->size, err);
    if (st != ODPU_OK)
        return st;
    if (b->size == 0 || b->size > SIZE_MAX)
        return odpu_fail(err, ODPU_E_CONFIG, "%s: a DMA buffer of %" PRIu64 " bytes cannot be mapped", path, b->size);
    /* dma_coherent exists from u-dma-buf 3.x on; without it the buffer is cached and synced. */
    uint64_t coherent = 0;
    if (attr_path(b, "dma_coherent", path, sizeof path, err) == ODPU_OK &&
        odpu_sysfs_read_u64(path, &coherent, NULL) == ODPU_OK)
        b->coherent = coherent != 0;
    return ODPU_OK;
}

/* An open-file-description lock: a second open, in this process or another, is refused; it
 * goes away with the descriptor, so a crashed owner never leaves the buffer locked. */
static odpu_status lock_exclusive(const udmabuf *b, odpu_err *err)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(b->fd, F_OFD_SETLK, &fl) == 0)
        return ODPU_OK;
    if (errno == EAGAIN || errno == EACCES)
        return odpu_fail(err, ODPU_E_BUSY,
                         "%s is in use by another opendpu process (one process drives the engine at a time; "
                         "find it with `fuser %s`)",
                         b->dev_path, b->dev_path);
    return odpu_fail(err, ODPU_E_IO, "%s: cannot lock: %s", b->dev_path, strerror(errno));
}

static odpu_status map_buffer(udmabuf *b, odpu_err *err)
{
    b->fd = open(b->dev_path, O_RDWR | O_CLOEXEC);
    if (b->fd < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: %s%s", b->dev_path, strerror(errno),
                         errno == EACCES ? " (give your user access to the device, docs/boards.md)" : "");
    odpu_status st = lock_exclusive(b, err);
    if (st != ODPU_OK)
        return st;
    void *p = mmap(NULL, (size_t)b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
    if (p == MAP_FAILED)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot map %" PRIu64 " bytes: %s", b->dev_path, b->size, strerror(errno));
    b->host = p;
    return ODPU_OK;
}

odpu_status udmabuf_open(const char *root, const char *name, udmabuf **out, odpu_err *err)
{
    *out = NULL;
    udmabuf *b = calloc(1, sizeof *b);
    if (!b)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    b->fd = -1;
    char rel[ODPU_SYSFS_PATH_MAX];
    snprintf(rel, sizeof rel, "sys/class/u-dma-buf/%s", name);
    odpu_status st = odpu_sysfs_path(b->class_dir, sizeof b->class_dir, root, rel, err);
    snprintf(rel, sizeof rel, "dev/%s", name);
    if (st == ODPU_OK)
        st = odpu_sysfs_path(b->dev_path, sizeof b->dev_path, root, rel, err);
    if (st == ODPU_OK && access(b->class_dir, F_OK) != 0)
        st = odpu_fail(err, ODPU_E_IO,
                       "no u-dma-buf named '%s' (%s: %s); is the u-dma-buf module loaded and the overlay's "
                       "u-dma-buf node applied? (docs/boards.md)",
                       name, b->class_dir, strerror(errno));
    if (st == ODPU_OK)
        st = read_attrs(b, err);
    if (st == ODPU_OK)
        st = map_buffer(b, err);
    if (st != ODPU_OK) {
        udmabuf_close(b);
        return st;
    }
    *out = b;
    return ODPU_OK;
}

void udmabuf_close(udmabuf *b)
{
    if (!b)
        return;
    if (b->host)
        munmap(b->host, (size_t)b->size);
    if (b->fd >= 0)
        close(b->fd);
    free(b);
}

uint8_t *udmabuf_host(const udmabuf *b) { return b->host; }
uint64_t udmabuf_phys(const udmabuf *b) { return b->phys; }
uint64_t udmabuf_size(const udmabuf *b) { return b->size; }
int udmabuf_coherent(const udmabuf *b) { return b->coherent; }
const char *udmabuf_path(const udmabuf *b) { return b->dev_path; }

static odpu_status write_attr(const udmabuf *b, const char *attr, uint64_t value, odpu_err *err)
{
    char path[ODPU_SYSFS_PATH_MAX], text[32];
    snprintf(text, sizeof text, "%" PRIu64, value);
    odpu_status st = attr_path(b, attr, path, sizeof path, err);
    return st == ODPU_OK ? odpu_sysfs_write(path, text, err) : st;
}

odpu_status udmabuf_sync(udmabuf *b, uint64_t offset, uint64_t len, odpu_sync_dir dir, odpu_err *err)
{
    if (offset > b->size || len > b->size - offset)
        return odpu_fail(err, ODPU_E_ARG, "%s: sync of [%" PRIu64 ", +%" PRIu64 ") is outside its %" PRIu64 " bytes",
                         b->dev_path, offset, len, b->size);
    if (b->coherent || len == 0)
        return ODPU_OK;
    int to_device = dir == ODPU_SYNC_TO_DEVICE;
    odpu_status st = write_attr(b, "sync_offset", offset, err);
    if (st == ODPU_OK)
        st = write_attr(b, "sync_size", len, err);
    if (st == ODPU_OK)
        st = write_attr(b, "sync_direction", to_device ? SYNC_TO_DEVICE : SYNC_FROM_DEVICE, err);
    if (st == ODPU_OK)
        st = write_attr(b, to_device ? "sync_for_device" : "sync_for_cpu", 1, err);
    return st;
}
