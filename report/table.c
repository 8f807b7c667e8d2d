/* table.c - one table, four renderings (see table.h). */
#include "report/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"

/* The row index that stands for the header line in the row writers. */
#define HEADER_ROW SIZE_MAX

struct odpu_table {
    odpu_table_col *cols; /* names owned */
    size_t n_cols;
    char **cells;         /* rows * n_cols strings, row-major, owned */
    size_t n_rows, cap_rows;
};

odpu_status odpu_table_format_parse(const char *name, odpu_table_format *out, odpu_err *err)
{
    static const struct {
        const char *name;
        odpu_table_format fmt;
    } formats[] = {{"text", ODPU_TABLE_TEXT}, {"md", ODPU_TABLE_MD}, {"csv", ODPU_TABLE_CSV}, {"json", ODPU_TABLE_JSON}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (name && !strcmp(name, formats[i].name)) {
            *out = formats[i].fmt;
            return ODPU_OK;
        }
    return odpu_fail(err, ODPU_E_ARG, "format '%s' is not one of text, md, csv, json", name ? name : "(none)");
}

odpu_status odpu_table_new(const odpu_table_col *cols, size_t n_cols, odpu_table **out, odpu_err *err)
{
    *out = NULL;
    if (!cols || !n_cols)
        return odpu_fail(err, ODPU_E_ARG, "table: no columns");
    odpu_table *t = calloc(1, sizeof *t);
    if (!t || !(t->cols = calloc(n_cols, sizeof *t->cols))) {
        free(t);
        return odpu_fail(err, ODPU_E_NOMEM, "table: out of memory");
    }
    t->n_cols = n_cols;
    for (size_t c = 0; c < n_cols; c++) {
        t->cols[c].kind = cols[c].kind;
        if (!cols[c].name || !(t->cols[c].name = strdup(cols[c].name))) {
            odpu_table_free(t);
            return odpu_fail(err, cols[c].name ? ODPU_E_NOMEM : ODPU_E_ARG, "table: column %zu has no name", c);
        }
    }
    *out = t;
    return ODPU_OK;
}

static int is_no_value(const char *s)
{
    return !*s || !strcmp(s, "-");
}

odpu_status odpu_table_add_row(odpu_table *t, const char *const *cells, odpu_err *err)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!cells[c])
            return odpu_fail(err, ODPU_E_ARG, "table: row %zu, column '%s': no cell", t->n_rows, t->cols[c].name);
        if (t->cols[c].kind == ODPU_COL_NUMBER && !is_no_value(cells[c]) && !odpu_json_is_number(cells[c]))
            return odpu_fail(err, ODPU_E_ARG, "table: row %zu, column '%s': '%s' is not a number", t->n_rows,
                             t->cols[c].name, cells[c]);
    }
    if (t->n_rows == t->cap_rows) {
        size_t cap = t->cap_rows ? 2 * t->cap_rows : 16;
        char **grown = realloc(t->cells, cap * t->n_cols * sizeof *grown);
        if (!grown)
            return odpu_fail(err, ODPU_E_NOMEM, "table: out of memory at row %zu", t->n_rows);
        t->cells = grown;
        t->cap_rows = cap;
    }
    char **row = t->cells + t->n_rows * t->n_cols;
    for (size_t c = 0; c < t->n_cols; c++) {
        if (!(row[c] = strdup(cells[c]))) {
            while (c--)
                free(row[c]);
            return odpu_fail(err, ODPU_E_NOMEM, "table: out of memory at row %zu", t->n_rows);
        }
    }
    t->n_rows++;
    return ODPU_OK;
}

size_t odpu_table_rows(const odpu_table *t)
{
    return t ? t->n_rows : 0;
}

static const char *cell(const odpu_table *t, size_t r, size_t c)
{
    return t->cells[r * t->n_cols + c];
}

/* Characters on a terminal: UTF-8 continuation bytes take no column. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void put_padded(FILE *out, const char *s, size_t width, int right)
{
    size_t pad = width - display_width(s);
    if (right)
        fprintf(out, "%*s%s", (int)pad, "", s);
    else
        fprintf(out, "%s%*s", s, (int)pad, "");
}

static void write_text_row(const odpu_table *t, FILE *out, const size_t *width, size_t r)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        const char *s = r == HEADER_ROW ? t->cols[c].name : cell(t, r, c);
        int last = c + 1 == t->n_cols;
        int right = t->cols[c].kind == ODPU_COL_NUMBER;
        if (last && !right)
            fputs(s, out); /* no trailing blanks */
        else
            put_padded(out, s, width[c], right);
        fputs(last ? "\n" : "  ", out);
    }
}

static odpu_status write_text(const odpu_table *t, FILE *out, odpu_err *err)
{
    size_t *width = calloc(t->n_cols, sizeof *width);
    if (!width)
        return odpu_fail(err, ODPU_E_NOMEM, "table: out of memory");
    for (size_t c = 0; c < t->n_cols; c++) {
        width[c] = display_width(t->cols[c].name);
        for (size_t r = 0; r < t->n_rows; r++) {
            size_t w = display_width(cell(t, r, c));
            width[c] = w > width[c] ? w : width[c];
        }
    }
    write_text_row(t, out, width, HEADER_ROW);
    for (size_t r = 0; r < t->n_rows; r++)
        write_text_row(t, out, width, r);
    free(width);
    return ODPU_OK;
}

static void put_md_cell(FILE *out, const char *s)
{
    fputc(' ', out);
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s == '\n' ? ' ' : *s, out);
    }
    fputs(" |", out);
}

static void write_md(const odpu_table *t, FILE *out)
{
    fputc('|', out);
    for (size_t c = 0; c < t->n_cols; c++)
        put_md_cell(out, t->cols[c].name);
    fputs("\n|", out);
    for (size_t c = 0; c < t->n_cols; c++)
        fputs(t->cols[c].kind == ODPU_COL_NUMBER ? "---:|" : "---|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputc('|', out);
        for (size_t c = 0; c < t->n_cols; c++)
            put_md_cell(out, cell(t, r, c));
        fputc('\n', out);
    }
}

static void put_csv_cell(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void write_csv_line(const odpu_table *t, FILE *out, size_t r)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        if (c)
            fputc(',', out);
        put_csv_cell(out, r == HEADER_ROW ? t->cols[c].name : cell(t, r, c));
    }
    fputs("\r\n", out);
}

static void write_csv(const odpu_table *t, FILE *out)
{
    write_csv_line(t, out, HEADER_ROW);
    for (size_t r = 0; r < t->n_rows; r++)
        write_csv_line(t, out, r);
}

static void write_json(const odpu_table *t, FILE *out)
{
    fputc('[', out);
    for (size_t r = 0; r < t->n_rows; r++) {
        fputs(r ? ",\n  {" : "\n  {", out);
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = cell(t, r, c);
            if (c)
                fputs(", ", out);
            odpu_json_put_string(out, t->cols[c].name);
            fputs(": ", out);
            if (t->cols[c].kind == ODPU_COL_NUMBER)
                fputs(is_no_value(s) ? "null" : s, out);
            else
                odpu_json_put_string(out, s);
        }
        fputc('}', out);
    }
    fputs(t->n_rows ? "\n]\n" : "]\n", out);
}

odpu_status odpu_table_write(const odpu_table *t, odpu_table_format fmt, FILE *out, odpu_err *err)
{
    odpu_status st = ODPU_OK;
    switch (fmt) {
    case ODPU_TABLE_TEXT: st = write_text(t, out, err); break;
    case ODPU_TABLE_MD: write_md(t, out); break;
    case ODPU_TABLE_CSV: write_csv(t, out); break;
    case ODPU_TABLE_JSON: write_json(t, out); break;
    default: return odpu_fail(err, ODPU_E_ARG, "table: unknown format %d", (int)fmt);
    }
    if (st == ODPU_OK && (fflush(out) != 0 || ferror(out)))
        st = odpu_fail(err, ODPU_E_IO, "table: write failed");
    return st;
}

odpu_status odpu_table_write_json_object(const char *const *names, const odpu_table *const *tables, size_t n,
                                         FILE *out, odpu_err *err)
{
    odpu_status st = ODPU_OK;
    int first = 1;
    fputc('{', out);
    for (size_t k = 0; k < n && st == ODPU_OK; k++) {
        if (!tables[k])
            continue;
        fputs(first ? "" : ", ", out);
        first = 0;
        odpu_json_put_string(out, names[k]);
        fputs(": ", out);
        st = odpu_table_write(tables[k], ODPU_TABLE_JSON, out, err);
    }
    fputs("}\n", out);
    if (st == ODPU_OK && (fflush(out) != 0 || ferror(out)))
        st = odpu_fail(err, ODPU_E_IO, "table: write failed");
    return st;
}

void odpu_table_free(odpu_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
    for (size_t c = 0; c < t->n_cols; c++)
        free((char *)t->cols[c].name);
    free(t->cols);
    free(t);
}
