/* options.c - parsing of "key=value,key=value" device options (see options.h). */
#include "emu/options.h"

#include <stdio.h>
#include <string.h>

enum { WORD_MAX = 128, LIST_MAX = 256 };

/* "key=a|b|c, key2=..." for messages. */
static void describe(const odpu_device_option *known, size_t n, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s=", i ? ", " : "", known[i].key);
        for (size_t v = 0; w > 0 && (size_t)w < size - used && known[i].values[v]; v++)
            w += snprintf(out + used + w, size - used - (size_t)w, "%s%s", v ? "|" : "", known[i].values[v]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

static odpu_status apply(const char *who, const char *word, const odpu_device_option *known, size_t n,
                         odpu_err *err)
{
    char list[LIST_MAX];
    const char *eq = strchr(word, '=');
    size_t key_len = eq ? (size_t)(eq - word) : strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (strlen(known[i].key) != key_len || strncmp(known[i].key, word, key_len))
            continue;
        for (int v = 0; eq && known[i].values[v]; v++)
            if (!strcmp(eq + 1, known[i].values[v])) {
                *known[i].choice = v;
                return ODPU_OK;
            }
        describe(&known[i], 1, list, sizeof list);
        return odpu_fail(err, ODPU_E_ARG, "%s: device option '%s' needs a value: %s", who, word, list);
    }
    describe(known, n, list, sizeof list);
    return odpu_fail(err, ODPU_E_ARG, "%s: unknown device option '%s' (known: %s)", who, word,
                     n ? list : "none");
}

odpu_status odpu_device_options_parse(const char *who, const char *text, const odpu_device_option *known,
                                      size_t n_known, odpu_err *err)
{
    for (size_t i = 0; i < n_known; i++)
        *known[i].choice = 0;
    const char *p = text ? text : "";
    while (*p) {
        size_t len = strcspn(p, ",");
        char word[WORD_MAX];
        if (len == 0 || len >= sizeof word)
            return odpu_fail(err, ODPU_E_ARG, "%s: malformed device options '%s' (key=value, comma-separated)", who,
                             text);
        memcpy(word, p, len);
        word[len] = '\0';
        odpu_status st = apply(who, word, known, n_known, err);
        if (st != ODPU_OK)
            return st;
        p += len + (p[len] == ',');
    }
    return ODPU_OK;
}
