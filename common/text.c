/* text.c - naming helpers of the code generators (see text.h). */
#include "common/text.h"

#include <ctype.h>

void odpu_upper_camel(const char *snake, char *out, size_t size)
{
    size_t n = 0;
    int start = 1;
    for (const char *s = snake; *s && n + 1 < size; s++) {
        if (*s == '_') {
            start = 1;
            continue;
        }
        out[n++] = (char)(start ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
        start = 0;
    }
    out[n] = '\0';
}

void odpu_upper(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        out[n++] = (char)toupper((unsigned char)*s);
    out[n] = '\0';
}

odpu_status odpu_gen_status(FILE *out, const char *what, odpu_err *err)
{
    if (ferror(out))
        return odpu_fail(err, ODPU_E_IO, "writing the %s failed", what);
    return ODPU_OK;
}
