/* cmd_backends.c - `opendpu backends [--format text|md|csv|json]`: the HAL backends this build
 * has and what each is (host/hal.h capabilities): its timing kind, whether it writes a
 * waveform, records per-instruction events, and must be held by one process at a time. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/usage.h"
#include "host/hal.h"
#include "report/table.h"

enum { EXIT_FAIL = 1, N_COLS = 6 };

static const char backends_usage[] =
    "usage: opendpu backends [--format text|md|csv|json]\n"
    "  The engines this build can drive (--backend NAME) and their capabilities: timing (none: no\n"
    "  clock; simulated: cycles of a simulation at the arch's clock with its DDR model; measured:\n"
    "  counted on a board), waveform, per-instruction events, exclusive (one process at a time).\n";

static const odpu_table_col cols[N_COLS] = {
    {"backend", ODPU_COL_TEXT}, {"timing", ODPU_COL_TEXT},    {"waveform", ODPU_COL_TEXT},
    {"events", ODPU_COL_TEXT},  {"exclusive", ODPU_COL_TEXT}, {"what", ODPU_COL_TEXT},
};

static const char *yes_no(int v)
{
    return v ? "yes" : "no";
}

static odpu_status build_table(odpu_table **t, odpu_err *err)
{
    odpu_status st = odpu_table_new(cols, N_COLS, t, err);
    for (const char *const *name = odpu_hal_backends(); st == ODPU_OK && *name; name++) {
        const odpu_hal_caps *c = odpu_hal_backend_capabilities(*name);
        const char *cells[N_COLS] = {*name,           odpu_timing_name(c->timing), yes_no(c->trace),
                                     yes_no(c->events), yes_no(c->exclusive),     c->what};
        st = odpu_table_add_row(*t, cells, err);
    }
    return st;
}

int cmd_backends(int argc, char **argv)
{
    odpu_table_format fmt = ODPU_TABLE_TEXT;
    for (int i = 1; i < argc; i++) {
        odpu_err ferr;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(backends_usage, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (odpu_table_format_parse(argv[++i], &fmt, &ferr) != ODPU_OK)
                return cli_usage_error("backends", backends_usage, "%s", ferr.msg);
        } else {
            return cli_usage_error("backends", backends_usage, "unknown argument '%s'", argv[i]);
        }
    }
    odpu_table *t = NULL;
    odpu_err err;
    odpu_status st = build_table(&t, &err);
    if (st == ODPU_OK)
        st = odpu_table_write(t, fmt, stdout, &err);
    odpu_table_free(t);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu backends: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
