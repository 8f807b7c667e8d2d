/* table.h - a report table written as aligned text, Markdown, CSV or JSON from one set of
 * rows, so every report prints the same numbers in whichever form its reader wants. */
#ifndef ODPU_REPORT_TABLE_H
#define ODPU_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"

typedef enum odpu_table_format {
    ODPU_TABLE_TEXT, /* aligned columns for a terminal: numbers right, text left */
    ODPU_TABLE_MD,   /* GitHub Markdown table */
    ODPU_TABLE_CSV,  /* RFC 4180: a header line, quotes where a cell needs them */
    ODPU_TABLE_JSON  /* an array of objects keyed by the column names */
} odpu_table_format;

/* A column's kind decides its alignment and its JSON type. A number cell holds the text
 * of a JSON number; "-" or "" in a number column is no value (JSON null). */
typedef enum odpu_table_kind {
    ODPU_COL_TEXT,
    ODPU_COL_NUMBER
} odpu_table_kind;

typedef struct odpu_table_col {
    const char *name;  /* header, and the JSON key */
    odpu_table_kind kind;
} odpu_table_col;

typedef struct odpu_table odpu_table;

/* "text", "md", "csv" or "json"; anything else is ODPU_E_ARG naming the choices. */
odpu_status odpu_table_format_parse(const char *name, odpu_table_format *out, odpu_err *err);

odpu_status odpu_table_new(const odpu_table_col *cols, size_t n_cols, odpu_table **out, odpu_err *err);
/* Append a row of n_cols cells (copied). A number cell that is not a JSON number (or "-",
 * "") is ODPU_E_ARG naming the row and column. */
odpu_status odpu_table_add_row(odpu_table *t, const char *const *cells, odpu_err *err);
size_t odpu_table_rows(const odpu_table *t);
/* Write the whole table; ODPU_E_IO when the stream fails. */
odpu_status odpu_table_write(const odpu_table *t, odpu_table_format fmt, FILE *out, odpu_err *err);
/* Several tables as one JSON object, {"name": [rows...], ...}, in the order given; a NULL
 * table is left out (a report whose parts depend on the run). ODPU_E_IO when the stream fails. */
odpu_status odpu_table_write_json_object(const char *const *names, const odpu_table *const *tables, size_t n,
                                         FILE *out, odpu_err *err);
void odpu_table_free(odpu_table *t);

#endif
