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

static void end_line(FILE *out, const char *comment)
{
    if (comment)
        fprintf(out, "  // %s", comment);
    fputc('\n', out);
}

/* `localparam int` rather than `int unsigned`: Icarus Verilog 11 rejects the latter, and every
 * value the generators emit is far below 2^31. */
void odpu_sv_int(FILE *out, const char *indent, const char *name, long long value, const char *comment)
{
    fprintf(out, "%slocalparam int %s = %lld;", indent, name, value);
    end_line(out, comment);
}

void odpu_sv_bits(FILE *out, const char *indent, const char *name, unsigned width, unsigned long long value,
                  const char *comment)
{
    fprintf(out, "%slocalparam logic [%u:0] %s = %u'h%llx;", indent, width - 1, name, width, value);
    end_line(out, comment);
}

odpu_status odpu_gen_status(FILE *out, const char *what, odpu_err *err)
{
    if (ferror(out))
        return odpu_fail(err, ODPU_E_IO, "writing the %s failed", what);
    return ODPU_OK;
}
