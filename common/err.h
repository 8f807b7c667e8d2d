/* err.h - error reporting shared by every opendpu library.
 * Functions return an odpu_status code and fill an odpu_err with a message naming what and where. */
#ifndef ODPU_COMMON_ERR_H
#define ODPU_COMMON_ERR_H

#include <stddef.h>

typedef enum odpu_status {
    ODPU_OK = 0,
    ODPU_E_IO,        /* file could not be opened, read or written */
    ODPU_E_PARSE,     /* syntax error in a text input (YAML, arguments) */
    ODPU_E_CONFIG,    /* a value is missing or out of range */
    ODPU_E_FORMAT,    /* a binary file is truncated, corrupted or of the wrong version */
    ODPU_E_MISMATCH,  /* two parts disagree (arch fingerprint, tensor shape) */
    ODPU_E_INVALID,   /* an instruction stream breaks a rule of docs/isa.md */
    ODPU_E_DEVICE,    /* the engine reported an error */
    ODPU_E_TIMEOUT,   /* the engine did not finish in time */
    ODPU_E_NOMEM,     /* an allocation failed */
    ODPU_E_ARG,       /* the caller passed an invalid argument */
    ODPU_E_UNSUPPORTED, /* this backend or build does not offer the operation */
    ODPU_E_BUSY        /* the device is held by another process */
} odpu_status;

enum { ODPU_ERR_MSG_MAX = 512 };

typedef struct odpu_err {
    odpu_status code;
    char msg[ODPU_ERR_MSG_MAX];
} odpu_err;

/* Record an error (printf-style message) and return its code, so callers can write
 * `return odpu_fail(err, ODPU_E_IO, "%s: cannot open", path);`. err may be NULL. */
odpu_status odpu_fail(odpu_err *err, odpu_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message with context ("model.odpu: " + old message). */
odpu_status odpu_err_prefix(odpu_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void odpu_err_clear(odpu_err *err);
const char *odpu_status_name(odpu_status code);

#endif
