/* device_options.h - the device options of HAL backends (odpu_hal_options.device): a list of
 * key=value words separated by commas, each key with its own set of values, checked and named. */
#ifndef ODPU_HOST_DEVICE_OPTIONS_H
#define ODPU_HOST_DEVICE_OPTIONS_H

#include <stddef.h>

#include "common/err.h"

/* One option a backend knows. An enumerated option has `values` (NULL-terminated, the first
 * is the default) and gets the index of the chosen one in *choice. A free-text option (a
 * path, a number) has values NULL and gets its text in text[text_size] ("" by default); the
 * first free-text option of a list also takes a word written without "key=" (`--device DIR`
 * for the uio backend's root). */
typedef struct odpu_device_option {
    const char *key;
    const char *const *values;
    int *choice;
    char *text;
    size_t text_size;
} odpu_device_option;

/* Set every option to its default, then apply text (NULL or "" for none). ODPU_E_ARG names
 * an unknown key or value, a text too long for its option, and lists what is known, prefixed
 * with `who`. */
odpu_status odpu_device_options_parse(const char *who, const char *text, const odpu_device_option *known,
                                      size_t n_known, odpu_err *err);

/* A free-text option's value as an unsigned number (decimal or 0x hex, with an optional
 * K/M/G binary suffix): ODPU_E_ARG naming the key if it is not one or exceeds max. */
odpu_status odpu_device_option_number(const char *who, const char *key, const char *text, unsigned long long max,
                                      unsigned long long *out, odpu_err *err);

#endif
