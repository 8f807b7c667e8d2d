/* classify.h - the host's side of an INT8 classifier: float input -> the engine's int8 HWC
 * tensor, and the engine's int8 scores -> probabilities and the top classes. */
#ifndef ODPU_DATA_CLASSIFY_H
#define ODPU_DATA_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* NCHW float (N = 1) -> dense HWC int8 with the input tensor's quantization:
 * q = clamp(round(x / scale) + zp, -128, 127), rounding half to even (ONNX QuantizeLinear).
 * A scale that is not a positive finite number, or a zero point outside int8, is ODPU_E_ARG. */
odpu_status odpu_quantize_input(const float *nchw, int c, int h, int w, float scale, int32_t zero_point,
                                int8_t *hwc, odpu_err *err);

/* real = scale * (q - zp) for n values. */
void odpu_dequantize(const int8_t *q, size_t n, float scale, int32_t zero_point, float *out);

/* Numerically stable softmax (the maximum is subtracted first). */
void odpu_softmax(const float *x, int n, float *out);

/* Index of the largest value; ties go to the lowest index, so FP32 and INT8 agree on what a
 * tie means. NaNs never win. Returns -1 for n < 1. */
int odpu_argmax(const float *x, int n);

/* The k largest values' indices, largest first, ties by lower index. k is clamped to n. */
void odpu_top_k(const float *x, int n, int k, int *idx);

#endif
