/* usage.h - how every opendpu subcommand reports a usage error: "opendpu CMD: what", its
 * usage text, and the usage exit status. */
#ifndef ODPU_CLI_USAGE_H
#define ODPU_CLI_USAGE_H

/* Exit status of a usage error (1 is reserved for failures of the work itself). */
#define CLI_EXIT_USAGE 2

/* Print "opendpu CMD: <formatted message>\n<usage>" to stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *usage, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A whole decimal number in [lo, hi] into *out: 1, or 0 (and *out untouched) if s is not one. */
int cli_parse_count(const char *s, long lo, long hi, long *out);

#endif
