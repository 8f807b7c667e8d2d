/* file.c - whole-file reading (see file.h). */
#include "common/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { READ_CHUNK = 1 << 16 };

/* Make room for at least one more chunk plus the trailing NUL. */
static int grow(uint8_t **buf, size_t *cap, size_t used)
{
    size_t want = used + READ_CHUNK + 1;
    if (want <= *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : want;
    if (ncap < want)
        ncap = want;
    uint8_t *nbuf = realloc(*buf, ncap);
    if (!nbuf)
        return 0;
    *buf = nbuf;
    *cap = ncap;
    return 1;
}

odpu_status odpu_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                           odpu_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t used = 0, cap = 0;
    odpu_status st = ODPU_OK;
    for (;;) {
        if (!grow(&buf, &cap, used)) {
            st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory after %zu bytes", path, used);
            break;
        }
        size_t n = fread(buf + used, 1, cap - used - 1, f);
        used += n;
        if (max_bytes && used > max_bytes) {
            st = odpu_fail(err, ODPU_E_IO, "%s: larger than %zu bytes", path, max_bytes);
            break;
        }
        if (n == 0) {
            if (ferror(f))
                st = odpu_fail(err, ODPU_E_IO, "%s: cannot read (after %zu bytes): %s", path, used,
                               strerror(errno));
            break;
        }
    }
    fclose(f);
    if (st != ODPU_OK) {
        free(buf);
        return st;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return ODPU_OK;
}
