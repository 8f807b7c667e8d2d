/* exec_i8.h - the INT8 reference executor: runs the lowered graph (lower.h) on whole tensors
 * with plain loops over HWC int8 arrays. It defines the graph-level INT8 result independently
 * of any tiling; a compiled model must reproduce it byte for byte on every engine. */
#ifndef ODPU_COMPILER_EXEC_I8_H
#define ODPU_COMPILER_EXEC_I8_H

#include <stdint.h>

#include "common/err.h"
#include "compiler/lower.h"
#include "quantizer/graph.h"

typedef struct odpu_i8_exec odpu_i8_exec;

/* Lower g (canonical and quantized; the same errors as odpu_lower_graph) and allocate a buffer
 * for every activation. g must outlive the executor. */
odpu_status odpu_i8_exec_create(const odpu_graph *g, odpu_i8_exec **out, odpu_err *err);
void odpu_i8_exec_destroy(odpu_i8_exec *ex);

/* The lowered graph it runs: inputs, outputs and their shapes. */
const odpu_lgraph *odpu_i8_exec_lgraph(const odpu_i8_exec *ex);

/* One run. inputs[i] is graph input i as a dense HWC int8 array (lgraph->inputs order). */
odpu_status odpu_i8_exec_run(odpu_i8_exec *ex, const int8_t *const *inputs, odpu_err *err);

/* After a run: model output k (lgraph->outputs order, the order of the compiled model's
 * output tensors) or any activation tensor of the graph, dense HWC; NULL if there is none. */
const int8_t *odpu_i8_exec_output(const odpu_i8_exec *ex, int k);
const int8_t *odpu_i8_exec_tensor(const odpu_i8_exec *ex, int tensor);

#endif
