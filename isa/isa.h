/* isa.h - the opendpu instruction set: encode, decode, disassemble and validate streams.
 * docs/isa.md is normative; this library is its executable form, shared by compiler, runtime and engines. */
#ifndef ODPU_ISA_ISA_H
#define ODPU_ISA_ISA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "isa/isa_fields.def"
#include "isa/regs.def"

#define ODPU_ISA_VERSION_MAJOR 1
#define ODPU_ISA_VERSION_MINOR 1
#define ODPU_ISA_VERSION ((ODPU_ISA_VERSION_MAJOR << 16) | ODPU_ISA_VERSION_MINOR)

enum {
    ODPU_INSN_WORDS = 8,
    ODPU_INSN_BYTES = ODPU_INSN_WORDS * 4,
    ODPU_PARAM_ENTRY_BYTES = 16, /* one odpu_chan_params in PBUF: 4 x int32 */
    ODPU_ACC_BYTES = 4,          /* one int32 accumulator lane in ABUF */
};

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

/* Decoded instruction: one struct per class, members named and ordered as in
 * isa_fields.def, holding semantic values (bias removed, sign extended). */
#define ODPU_FTYPE_U uint32_t
#define ODPU_FTYPE_S int32_t
#define ODPU_X_MEMBER(OP, field, word, lsb, width, sign, bias) ODPU_FTYPE_##sign field;
#define ODPU_X_STRUCT(OP, code, name, FIELDS) \
    typedef struct odpu_##name { uint32_t unused_; FIELDS(ODPU_X_MEMBER) } odpu_##name;
ODPU_OPCODES(ODPU_X_STRUCT)
#undef ODPU_X_STRUCT
/* The same structs under their upper-case class names, for table-driven code. */
#define ODPU_X_ALIAS(OP, code, name, FIELDS) typedef odpu_##name odpu_struct_##OP;
ODPU_OPCODES(ODPU_X_ALIAS)
#undef ODPU_X_ALIAS
#undef ODPU_X_MEMBER

typedef struct odpu_deps {
    uint8_t pop_prev, pop_next, push_prev, push_next;
} odpu_deps;

typedef struct odpu_insn {
    odpu_opcode opcode;
    odpu_deps deps;
    union {
        odpu_load load;
        odpu_save save;
        odpu_conv conv;
        odpu_pool pool;
        odpu_elew elew;
        odpu_nop nop;
        odpu_end end;
    } u;
} odpu_insn;

/* Pack a decoded instruction into ODPU_INSN_BYTES little-endian bytes. Fails (ODPU_E_ARG,
 * message naming the field) if a value does not fit its field or the opcode is illegal. */
odpu_status odpu_insn_encode(const odpu_insn *insn, uint8_t out[ODPU_INSN_BYTES], odpu_err *err);

/* Unpack. Fails (ODPU_E_INVALID) on an illegal opcode or a reserved bit that is set. */
odpu_status odpu_insn_decode(const uint8_t in[ODPU_INSN_BYTES], odpu_insn *out, odpu_err *err);

const char *odpu_opcode_name(odpu_opcode op);
const char *odpu_buf_name(odpu_buf_id buf);
const char *odpu_engine_name(odpu_engine engine);

/* Which engine executes the instruction (NOP: the one it names). */
odpu_engine odpu_insn_engine(const odpu_insn *insn);

/* The dependency-token queues between neighbouring engines (docs/isa.md section 3), and the
 * four flags: pop_prev pops the queue from the engine before, push_next pushes to the one
 * after, and so on (load, compute, store in that order). */
typedef enum odpu_queue {
    ODPU_QUEUE_LOAD_TO_COMPUTE,
    ODPU_QUEUE_COMPUTE_TO_LOAD,
    ODPU_QUEUE_COMPUTE_TO_STORE,
    ODPU_QUEUE_STORE_TO_COMPUTE,
    ODPU_QUEUE_COUNT,
    ODPU_QUEUE_NONE = -1
} odpu_queue;

typedef enum odpu_dep_flag {
    ODPU_DEP_POP_PREV,
    ODPU_DEP_POP_NEXT,
    ODPU_DEP_PUSH_PREV,
    ODPU_DEP_PUSH_NEXT,
    ODPU_DEP_FLAG_COUNT
} odpu_dep_flag;

const char *odpu_queue_name(odpu_queue q);        /* "load->compute", ... */
const char *odpu_dep_flag_name(odpu_dep_flag f);  /* "pop_prev", ... */
int odpu_dep_flag_is_push(odpu_dep_flag f);
/* The queue flag f of engine e pops or pushes; ODPU_QUEUE_NONE if e has no neighbour there. */
odpu_queue odpu_dep_queue(odpu_engine e, odpu_dep_flag f);
/* The engine that pushes into q and the one that pops it. */
void odpu_queue_engines(odpu_queue q, odpu_engine *pusher, odpu_engine *popper);
/* The queue between neighbours: `from` pushes, `to` pops; ODPU_QUEUE_NONE if not neighbours. */
odpu_queue odpu_queue_between(odpu_engine from, odpu_engine to);
/* The queue insn pops or pushes with flag f: ODPU_QUEUE_NONE if f is clear or names no neighbour. */
odpu_queue odpu_insn_flag_queue(const odpu_insn *insn, odpu_dep_flag f);
/* The flag with which engine `self` pushes to (push = 1) or pops from neighbour `other`. */
odpu_dep_flag odpu_dep_flag_toward(odpu_engine self, odpu_engine other, int push);
/* Flag f of d, to read or set. */
uint8_t *odpu_dep_flag_ptr(odpu_deps *d, odpu_dep_flag f);
uint8_t odpu_dep_flag_get(const odpu_deps *d, odpu_dep_flag f);

/* One line of assembly, e.g. "CONV std 3x3 s1x1 d1x1 pad t1 b1 l1 r1 in IBUF[0x000] ... {pop_prev}". */
void odpu_insn_disasm(const odpu_insn *insn, char *buf, size_t size);

/* Readable listing of a whole stream (index, raw words, assembly) to out. Undecodable
 * instructions are listed with the reason; returns ODPU_E_INVALID if there were any. */
odpu_status odpu_stream_disasm(const uint8_t *stream, size_t n_insns, FILE *out, odpu_err *err);

/* ---- Validation --------------------------------------------------------------------- */

/* What a stream is validated against: the arch's geometry (see odpu_arch_limits() in
 * arch/arch.h) and the DDR window the model file describes. */
typedef struct odpu_isa_limits {
    uint32_t rows;                        /* ICP: int8 lanes of an IBUF/OBUF word */
    uint32_t cols;                        /* OCP: output lanes of the array */
    uint32_t buf_words[ODPU_BUF_COUNT];   /* depth of each buffer in words */
    uint32_t dep_queue_depth;             /* tokens each dependency queue holds */
} odpu_isa_limits;

typedef struct odpu_ddr_layout {
    uint64_t size;     /* the DDR window is [0, size) */
    uint64_t ro_begin; /* [ro_begin, ro_end) is read-only (weights, params); empty if equal */
    uint64_t ro_end;
} odpu_ddr_layout;

/* Every rule a stream can break. The comment names the hardware error (odpu_hw_error) an
 * engine raises for it at run time, or "static" if only the validator can see it. */
typedef enum odpu_rule {
    ODPU_RULE_NONE = 0,
    ODPU_RULE_OPCODE,        /* illegal opcode                         -> ILLEGAL_INSN */
    ODPU_RULE_RESERVED,      /* a reserved bit is set                  -> ILLEGAL_INSN */
    ODPU_RULE_FIELD,         /* a field value is out of its range      -> ILLEGAL_INSN */
    ODPU_RULE_GROUPS,        /* CONV mode, groups and channels disagree -> ILLEGAL_INSN */
    ODPU_RULE_WINDOW,        /* output size not covered by input+pad   -> ILLEGAL_INSN */
    ODPU_RULE_OVERLAP,       /* source and destination overlap          -> ILLEGAL_INSN */
    ODPU_RULE_DEP_ENGINE,    /* flag names a neighbour the engine lacks -> ILLEGAL_INSN */
    ODPU_RULE_BUF_BOUNDS,    /* on-chip access outside its buffer       -> BUF_BOUNDS */
    ODPU_RULE_DDR_BOUNDS,    /* DDR access outside the window           -> DDR_BOUNDS */
    ODPU_RULE_DEP_UNDERFLOW, /* pop with no token pushed before it      -> WATCHDOG */
    ODPU_RULE_END,           /* no END, END not last, or empty stream   -> NO_END */
    ODPU_RULE_DDR_READONLY,  /* write into the read-only DDR region     static */
    ODPU_RULE_DEP_OVERFLOW,  /* more tokens queued than the queue holds static */
    ODPU_RULE_DEP_LEFTOVER,  /* tokens still queued at END              static */
    ODPU_RULE_RACE,          /* conflicting accesses not ordered        static */
    ODPU_RULE_UNINIT,        /* reads on-chip words never written       static */
    ODPU_RULE_COUNT
} odpu_rule;

const char *odpu_rule_name(odpu_rule rule);

/* Errors the engine reports in ERR_CODE. */
typedef enum odpu_hw_error {
    ODPU_HW_OK = 0,
    ODPU_HW_ILLEGAL_INSN = 1,
    ODPU_HW_BUF_BOUNDS = 2,
    ODPU_HW_DDR_BOUNDS = 3,
    ODPU_HW_WATCHDOG = 4,
    ODPU_HW_AXI_RESP = 5,
    ODPU_HW_NO_END = 6,
    ODPU_HW_ERROR_COUNT
} odpu_hw_error;

const char *odpu_hw_error_name(odpu_hw_error code);
/* The hardware error for a rule, ODPU_HW_OK for static-only rules. */
odpu_hw_error odpu_rule_hw_error(odpu_rule rule);

/* One memory footprint of an instruction: words [lo, hi) of an on-chip buffer, or bytes
 * [lo, hi) of the DDR window (the bounding range of a strided box). */
enum { ODPU_RES_DDR = ODPU_BUF_COUNT, ODPU_MAX_ACCESSES = 6 };
typedef struct odpu_access {
    int resource; /* odpu_buf_id or ODPU_RES_DDR */
    int write;
    uint64_t lo, hi;
} odpu_access;

/* The accesses of one instruction (fields assumed in range: call odpu_insn_check first).
 * Returns the count, at most ODPU_MAX_ACCESSES. */
int odpu_insn_accesses(const odpu_insn *insn, const odpu_isa_limits *lim,
                       odpu_access out[ODPU_MAX_ACCESSES]);

/* Rules that one instruction can break on its own: field ranges, groups, window, overlap,
 * dependency-flag engines, buffer and DDR bounds (ddr may be NULL to skip DDR checks).
 * Returns the first broken rule (ODPU_RULE_NONE if none) and a message in err. This is
 * what every engine checks before executing an instruction. */
odpu_rule odpu_insn_check(const odpu_insn *insn, const odpu_isa_limits *lim,
                          const odpu_ddr_layout *ddr, odpu_err *err);

/* Whole-stream validation: decode + odpu_insn_check for each instruction, END placement,
 * dependency token flow, read-only DDR, races between engines and uninitialised reads.
 * On failure returns ODPU_E_INVALID with *rule and *index set and a message
 * "instruction N (OP): rule: detail". rule/index may be NULL. */
odpu_status odpu_stream_validate(const uint8_t *stream, size_t n_insns, const odpu_isa_limits *lim,
                                 const odpu_ddr_layout *ddr, odpu_rule *rule, size_t *index,
                                 odpu_err *err);

/* Small derived quantities of the layouts in docs/isa.md. */
static inline uint32_t odpu_ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

#endif
