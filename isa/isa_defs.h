/* isa_defs.h - the constants and enumerations of the instruction set (docs/isa.md), free of
 * the library: no allocation, no stdio, no error module, so HLS C and the generator can use it. */
#ifndef ODPU_ISA_ISA_DEFS_H
#define ODPU_ISA_ISA_DEFS_H

#include <stdint.h>

#include "isa/isa_fields.def"

#define ODPU_ISA_VERSION_MAJOR 1
#define ODPU_ISA_VERSION_MINOR 2
#define ODPU_ISA_VERSION ((ODPU_ISA_VERSION_MAJOR << 16) | ODPU_ISA_VERSION_MINOR)

/* A PBUF entry (one output channel's odpu_chan_params) is one row of ODPU_PARAM_FIELDS per
 * 32-bit word; the generator checks that every row fills its word. */
#define ODPU_X_ONE_ROW(OP, field, word, lsb, width, sign, bias) +1
enum {
    ODPU_INSN_WORDS = 8,
    ODPU_INSN_BYTES = ODPU_INSN_WORDS * 4,
    ODPU_PARAM_ENTRY_WORDS = 0 ODPU_PARAM_FIELDS(ODPU_X_ONE_ROW),
    ODPU_PARAM_ENTRY_BYTES = ODPU_PARAM_ENTRY_WORDS * 4,
    ODPU_ACC_BYTES = 4, /* one int32 accumulator lane in ABUF */
};
#undef ODPU_X_ONE_ROW

typedef enum odpu_opcode {
    ODPU_OP_ILLEGAL = 0,
#define ODPU_X_OPCODE(OP, code, name, FIELDS) ODPU_OP_##OP = code,
    ODPU_OPCODES(ODPU_X_OPCODE)
#undef ODPU_X_OPCODE
} odpu_opcode;

/* On-chip buffers. IBUF/OBUF hold int8 activations in words of `rows` bytes, WBUF holds
 * weights in words of rows*cols bytes, PBUF per-channel params in words of cols entries,
 * ABUF int32 accumulators in words of cols lanes. */
typedef enum odpu_buf_id {
    ODPU_BUF_IBUF = 0,
    ODPU_BUF_OBUF = 1,
    ODPU_BUF_WBUF = 2,
    ODPU_BUF_PBUF = 3,
    ODPU_BUF_ABUF = 4,
    ODPU_BUF_COUNT
} odpu_buf_id;

typedef enum odpu_engine {
    ODPU_ENGINE_LOAD = 0,
    ODPU_ENGINE_COMPUTE = 1,
    ODPU_ENGINE_STORE = 2,
    ODPU_ENGINE_COUNT = 3,
    ODPU_ENGINE_FETCH = 3 /* END is executed by the fetch unit itself */
} odpu_engine;

typedef enum odpu_conv_mode {
    ODPU_CONV_STANDARD = 0,
    ODPU_CONV_DEPTHWISE = 1,
    ODPU_CONV_GROUPED = 2
} odpu_conv_mode;

typedef enum odpu_pool_mode {
    ODPU_POOL_MAX = 0,
    ODPU_POOL_AVG = 1,
    ODPU_POOL_GLOBAL_MAX = 2,
    ODPU_POOL_GLOBAL_AVG = 3
} odpu_pool_mode;

typedef enum odpu_elew_op { ODPU_ELEW_ADD = 0 } odpu_elew_op;

/* Errors the engine reports in ERR_CODE (docs/isa.md section 8). */
typedef enum odpu_hw_error {
    ODPU_HW_OK = 0,
    ODPU_HW_ILLEGAL_INSN = 1,
    ODPU_HW_BUF_BOUNDS = 2,
    ODPU_HW_DDR_BOUNDS = 3,
    ODPU_HW_WATCHDOG = 4,
    ODPU_HW_AXI_RESP = 5,
    ODPU_HW_NO_END = 6,
    ODPU_HW_ABORTED = 7, /* the host's ABORT stopped the run (ISA 1.2) */
    ODPU_HW_ERROR_COUNT
} odpu_hw_error;

/* What a stream is validated against and an engine is built for: the arch's geometry (see
 * odpu_arch_limits() in arch/arch.h). */
typedef struct odpu_isa_limits {
    uint32_t rows;                        /* ICP: int8 lanes of an IBUF/OBUF word */
    uint32_t cols;                        /* OCP: output lanes of the array */
    uint32_t buf_words[ODPU_BUF_COUNT];   /* depth of each buffer in words */
    uint32_t dep_queue_depth;             /* tokens each dependency queue holds */
} odpu_isa_limits;

/* Names for messages and listings ("IBUF", "compute", "CONV", "DDR_BOUNDS"); "?" or
 * "ILLEGAL" for values outside the enumerations. Defined in isa/names.c. */
const char *odpu_opcode_name(odpu_opcode op);
const char *odpu_buf_name(odpu_buf_id buf);
const char *odpu_engine_name(odpu_engine engine);
const char *odpu_hw_error_name(odpu_hw_error code);

/* Small derived quantities of the layouts in docs/isa.md. */
static inline uint32_t odpu_ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

#endif
