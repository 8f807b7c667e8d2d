/* sysfs.c - attribute files under a root directory (see sysfs.h). */
#include "boards/drv/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

odpu_status odpu_sysfs_path(char *out, size_t size, const char *root, const char *rel, odpu_err *err)
{
    int n = snprintf(out, size, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= size)
        return odpu_fail(err, ODPU_E_ARG, "path %s/%s is longer than %zu bytes", root, rel, size - 1);
    return ODPU_OK;
}

odpu_status odpu_sysfs_read(const char *path, char *out, size_t size, odpu_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: %s", path, strerror(errno));
    ssize_t n = read(fd, out, size - 1);
    int saved = errno;
    close(fd);
    if (n < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: %s", path, strerror(saved));
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
    return ODPU_OK;
}

odpu_status odpu_sysfs_read_u64(const char *path, uint64_t *out, odpu_err *err)
{
    char text[ODPU_SYSFS_VALUE_MAX];
    odpu_status st = odpu_sysfs_read(path, text, sizeof text, err);
    if (st != ODPU_OK)
        return st;
    char *end = NULL;
    errno = 0;
    unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 0) : 0;
    if (!end || end == text || *end || errno)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: expected a number, found '%s'", path, text);
    *out = v;
    return ODPU_OK;
}

odpu_status odpu_sysfs_write(const char *path, const char *text, odpu_err *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: %s", path, strerror(errno));
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (n < 0 || (size_t)n != len)
        return odpu_fail(err, ODPU_E_IO, "%s: writing '%s': %s", path, text, n < 0 ? strerror(saved) : "short write");
    return ODPU_OK;
}
