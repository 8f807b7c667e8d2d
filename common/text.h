/* text.h - small helpers of the code generators (arch/archgen.c, isa/isagen.c): names in the
 * spellings C and SystemVerilog want, and the check that a generated stream was written. */
#ifndef ODPU_COMMON_TEXT_H
#define ODPU_COMMON_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"

/* "DDR_BYTES_PER_CYCLE" or "pixel_stride" -> "DdrBytesPerCycle", "PixelStride" (truncated
 * to size - 1 characters). */
void odpu_upper_camel(const char *snake, char *out, size_t size);

/* "pixel_stride" -> "PIXEL_STRIDE". */
void odpu_upper(const char *s, char *out, size_t size);

/* A SystemVerilog parameter line, after `indent`: "localparam int NAME = VALUE;" or, for bit
 * patterns, "localparam logic [W-1:0] NAME = W'hVALUE;", with "  // comment" if comment. */
void odpu_sv_int(FILE *out, const char *indent, const char *name, long long value, const char *comment);
void odpu_sv_bits(FILE *out, const char *indent, const char *name, unsigned width, unsigned long long value,
                  const char *comment);

/* ODPU_E_IO naming `what` if writing to out failed. */
odpu_status odpu_gen_status(FILE *out, const char *what, odpu_err *err);

#endif
