/* file.h - whole-file reading for the loaders (arch configs, model files, raw streams).
 * One implementation so every loader reports I/O failures the same way. */
#ifndef ODPU_COMMON_FILE_H
#define ODPU_COMMON_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* Read all of path into a malloc'ed buffer with one extra NUL byte after the data (so text
 * parsers may treat it as a string). max_bytes > 0 refuses larger files with ODPU_E_IO
 * ("larger than N bytes"); 0 means no limit. Messages start with the path. */
odpu_status odpu_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len,
                           odpu_err *err);

#endif
