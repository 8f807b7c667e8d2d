/* options.h - the device options of emulated backends (odpu_hal_options.device): a list of
 * key=value words separated by commas, each key with its own set of values, checked and named. */
#ifndef ODPU_EMU_OPTIONS_H
#define ODPU_EMU_OPTIONS_H

#include <stddef.h>

#include "common/err.h"

/* One option a backend knows: its key, its values (NULL-terminated, the first is the
 * default), and where the index of the chosen value goes. */
typedef struct odpu_device_option {
    const char *key;
    const char *const *values;
    int *choice;
} odpu_device_option;

/* Set every choice to its default, then apply text (NULL or "" for none). ODPU_E_ARG names an
 * unknown key or value and lists what is known, prefixed with `who`. */
odpu_status odpu_device_options_parse(const char *who, const char *text, const odpu_device_option *known,
                                      size_t n_known, odpu_err *err);

#endif
