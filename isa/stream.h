/* stream.h - build an encoded instruction stream one instruction at a time.
 * Used by the compiler, the tests and the demo; the first encode error sticks. */
#ifndef ODPU_ISA_STREAM_H
#define ODPU_ISA_STREAM_H

#include "isa/isa.h"

typedef struct odpu_stream {
    uint8_t *bytes;   /* n_insns * ODPU_INSN_BYTES encoded instructions */
    size_t n_insns;
    size_t capacity;  /* in instructions */
    odpu_err err;     /* first failure, reported by odpu_stream_status */
} odpu_stream;

void odpu_stream_init(odpu_stream *s);
void odpu_stream_free(odpu_stream *s);
/* Encode and append; on failure records the error (with the instruction index) and
 * ignores later appends. */
void odpu_stream_append(odpu_stream *s, const odpu_insn *insn);
/* ODPU_OK if every append succeeded, else the first error copied into err. */
odpu_status odpu_stream_status(const odpu_stream *s, odpu_err *err);

#endif
