/* sysfs.h - small readers and writers of the Linux attribute files the board backends use
 * (/sys/class/uio, /sys/class/u-dma-buf), every path taken under a root directory so that a
 * virtual board or a test can stand in for / (docs/boards.md). */
#ifndef ODPU_BOARDS_SYSFS_H
#define ODPU_BOARDS_SYSFS_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

enum { ODPU_SYSFS_PATH_MAX = 1024, ODPU_SYSFS_VALUE_MAX = 256 };

/* root + "/" + the formatted relative path into out; ODPU_E_ARG if it does not fit. */
odpu_status odpu_sysfs_path(char *out, size_t size, const char *root, const char *rel, odpu_err *err);

/* The attribute's first line, trailing newline removed; ODPU_E_IO naming the path. */
odpu_status odpu_sysfs_read(const char *path, char *out, size_t size, odpu_err *err);

/* The attribute as an unsigned number, decimal or 0x-hex as the kernel writes it (u-dma-buf's
 * phys_addr is hex, its size decimal); ODPU_E_IO for a missing file, ODPU_E_FORMAT for text
 * that is not one number. */
odpu_status odpu_sysfs_read_u64(const char *path, uint64_t *out, odpu_err *err);

/* Write text to the attribute in one write(), as sysfs wants; ODPU_E_IO naming the path. */
odpu_status odpu_sysfs_write(const char *path, const char *text, odpu_err *err);

#endif
