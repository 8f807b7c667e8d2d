/* stream.c - growable encoded instruction stream (see stream.h). */
#include "isa/stream.h"

#include <stdlib.h>
#include <string.h>

enum { STREAM_INITIAL_CAPACITY = 64 };

void odpu_stream_init(odpu_stream *s)
{
    memset(s, 0, sizeof *s);
}

void odpu_stream_free(odpu_stream *s)
{
    free(s->bytes);
    odpu_stream_init(s);
}

static int grow(odpu_stream *s)
{
    size_t cap = s->capacity ? s->capacity * 2 : STREAM_INITIAL_CAPACITY;
    uint8_t *p = realloc(s->bytes, cap * ODPU_INSN_BYTES);
    if (!p) {
        odpu_fail(&s->err, ODPU_E_NOMEM, "instruction stream: out of memory at %zu instructions",
                  s->n_insns);
        return 0;
    }
    s->bytes = p;
    s->capacity = cap;
    return 1;
}

void odpu_stream_append(odpu_stream *s, const odpu_insn *insn)
{
    if (s->err.code != ODPU_OK)
        return;
    if (s->n_insns == s->capacity && !grow(s))
        return;
    if (odpu_insn_encode(insn, s->bytes + s->n_insns * ODPU_INSN_BYTES, &s->err) != ODPU_OK) {
        odpu_err_prefix(&s->err, "instruction %zu: ", s->n_insns);
        return;
    }
    s->n_insns++;
}

odpu_status odpu_stream_status(const odpu_stream *s, odpu_err *err)
{
    if (s->err.code != ODPU_OK && err)
        *err = s->err;
    return s->err.code;
}
