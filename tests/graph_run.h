/* graph_run.h - test helper for the float graph: read raw float32 files, run a graph on
 * inputs stored back to back, and compare outputs with a relative tolerance. Used by the ONNX
 * import tests and the zoo tests. */
#ifndef ODPU_TESTS_GRAPH_RUN_H
#define ODPU_TESTS_GRAPH_RUN_H

#include <stdint.h>

#include "quantizer/graph.h"

/* Read a raw little-endian float32 file (an empty file gives count 0 and a non-NULL buffer).
 * NULL if it cannot be read or its size is not a multiple of 4. */
float *graph_run_read_f32(const char *path, int64_t *count);

/* Elements of all graph inputs (or outputs) of one run. */
int64_t graph_run_input_count(const odpu_graph *g);
int64_t graph_run_output_count(const odpu_graph *g);

/* Run g with its inputs taken back to back from in; copy all outputs back to back into out
 * (graph_run_output_count(g) floats). */
odpu_status graph_run_once(odpu_f32_exec *ex, const odpu_graph *g, const float *in, float *out, odpu_err *err);

/* max_i |a - b| / max(1, |b|): absolute for small values, relative for large ones. */
double graph_run_max_diff(const float *a, const float *b, int64_t n);

#endif
