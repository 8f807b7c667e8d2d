/* compiler.h - lower a quantized canonical graph to an opendpu model file: tile every layer to
 * the arch's buffers, schedule LOAD/CONV/SAVE with dependency tokens, plan DDR, emit. */
#ifndef ODPU_COMPILER_COMPILER_H
#define ODPU_COMPILER_COMPILER_H

#include "arch/arch.h"
#include "common/err.h"
#include "host/model.h"
#include "quantizer/graph.h"

typedef struct odpu_compile_options {
    const odpu_arch *arch;
    const char *meta;     /* extra "key=value\n" lines for the model's META (preprocessing, labels) */
    int no_fused_pool;    /* 1: keep every MaxPool a POOL layer (docs/compiler.md, "Fused pooling") */
} odpu_compile_options;

/* g must be canonical and quantized (every activation and CONV weight has q). The result
 * passes odpu_stream_validate for the arch. Layers that cannot be tiled (e.g. a kernel row
 * wider than IBUF) are an error naming the node and the buffer that is too small. */
odpu_status odpu_compile(const odpu_graph *g, const odpu_compile_options *opt, odpu_model *out,
                         odpu_err *err);

#endif
