/* isa.h - the opendpu instruction set: encode, decode, disassemble and validate streams.
 * docs/isa.md is normative; this library is its executable form, shared by compiler, runtime and engines. */
#ifndef ODPU_ISA_ISA_H
#define ODPU_ISA_ISA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "isa/isa_defs.h"
#include "isa/odpu_isa_codec.h" /* generated from isa_fields.def: the structs odpu_load, ... */

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

/* One PBUF entry (docs/isa.md section 2) as ODPU_PARAM_ENTRY_BYTES little-endian bytes. */
void odpu_param_entry_encode(const odpu_chan_params *p, uint8_t out[ODPU_PARAM_ENTRY_BYTES]);
void odpu_param_entry_decode(const uint8_t in[ODPU_PARAM_ENTRY_BYTES], odpu_chan_params *p);

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

#endif
