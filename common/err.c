/* err.c - error message formatting (see err.h). */
#include "common/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

odpu_status odpu_fail(odpu_err *err, odpu_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

odpu_status odpu_err_prefix(odpu_err *err, const char *fmt, ...)
{
    if (!err)
        return ODPU_OK;
    char prefix[ODPU_ERR_MSG_MAX];
    char old[ODPU_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t plen = strlen(prefix);
    size_t olen = strlen(old);
    if (plen > sizeof err->msg - 1)
        plen = sizeof err->msg - 1;
    if (olen > sizeof err->msg - 1 - plen)
        olen = sizeof err->msg - 1 - plen;
    memcpy(err->msg, prefix, plen);
    memcpy(err->msg + plen, old, olen);
    err->msg[plen + olen] = '\0';
    return err->code;
}

void odpu_err_clear(odpu_err *err)
{
    if (err) {
        err->code = ODPU_OK;
        err->msg[0] = '\0';
    }
}

const char *odpu_status_name(odpu_status code)
{
    switch (code) {
    case ODPU_OK: return "ok";
    case ODPU_E_IO: return "io";
    case ODPU_E_PARSE: return "parse";
    case ODPU_E_CONFIG: return "config";
    case ODPU_E_FORMAT: return "format";
    case ODPU_E_MISMATCH: return "mismatch";
    case ODPU_E_INVALID: return "invalid";
    case ODPU_E_DEVICE: return "device";
    case ODPU_E_TIMEOUT: return "timeout";
    case ODPU_E_NOMEM: return "nomem";
    case ODPU_E_ARG: return "argument";
    case ODPU_E_UNSUPPORTED: return "unsupported";
    case ODPU_E_BUSY: return "busy";
    }
    return "unknown";
}
