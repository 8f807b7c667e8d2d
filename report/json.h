/* json.h - the small pieces of JSON the reports write by hand: string literals and numbers
 * checked against the JSON grammar. */
#ifndef ODPU_REPORT_JSON_H
#define ODPU_REPORT_JSON_H

#include <stdio.h>

/* s as a JSON string literal: quotes, backslashes and control characters escaped. */
void odpu_json_put_string(FILE *out, const char *s);

/* Is s, whole, a JSON number (-?int frac? exp?)? */
int odpu_json_is_number(const char *s);

#endif
