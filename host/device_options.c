/* device_options.c - parsing of "key=value,key=value" device options (see device_options.h). */
#include "host/device_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORD_MAX = 1024, LIST_MAX = 256 };

/* "key=a|b|c, key2=TEXT" for messages. */
static void describe(const odpu_device_option *known, size_t n, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s=%s", i ? ", " : "", known[i].key,
                         known[i].values ? "" : "TEXT");
        for (size_t v = 0; w > 0 && (size_t)w < size - used && known[i].values && known[i].values[v]; v++)
            w += snprintf(out + used + w, size - used - (size_t)w, "%s%s", v ? "|" : "", known[i].values[v]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
}

static const odpu_device_option *first_free_text(const odpu_device_option *known, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!known[i].values)
            return &known[i];
    return NULL;
}

static odpu_status set_text(const char *who, const odpu_device_option *o, const char *value, odpu_err *err)
{
    size_t len = strlen(value);
    if (len == 0 || len >= o->text_size)
        return odpu_fail(err, ODPU_E_ARG, "%s: device option '%s' needs a value of 1 to %zu characters, got %zu", who,
                         o->key, o->text_size - 1, len);
    memcpy(o->text, value, len + 1);
    return ODPU_OK;
}

static odpu_status apply(const char *who, const char *word, const odpu_device_option *known, size_t n,
                         odpu_err *err)
{
    char list[LIST_MAX];
    const char *eq = strchr(word, '=');
    const odpu_device_option *bare = first_free_text(known, n);
    if (!eq && bare)
        return set_text(who, bare, word, err);
    size_t key_len = eq ? (size_t)(eq - word) : strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (strlen(known[i].key) != key_len || strncmp(known[i].key, word, key_len))
            continue;
        if (!known[i].values && eq)
            return set_text(who, &known[i], eq + 1, err);
        for (int v = 0; eq && known[i].values && known[i].values[v]; v++)
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
    for (size_t i = 0; i < n_known; i++) {
        if (known[i].values)
            *known[i].choice = 0;
        else
            known[i].text[0] = '\0';
    }
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

odpu_status odpu_device_option_number(const char *who, const char *key, const char *text, unsigned long long max,
                                      unsigned long long *out, odpu_err *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 0) : 0;
    int shift = 0;
    if (end && *end) {
        shift = end[0] == 'K' ? 10 : end[0] == 'M' ? 20 : end[0] == 'G' ? 30 : -1;
        if (shift < 0 || end[1])
            end = NULL;
    }
    if (!end || errno || (shift && v > (max >> shift)) || (v << shift) > max)
        return odpu_fail(err, ODPU_E_ARG, "%s: device option %s=%s is not a number from 0 to %llu (K/M/G suffixes allowed)",
                         who, key, text, max);
    *out = v << shift;
    return ODPU_OK;
}
