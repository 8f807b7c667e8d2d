/* ref.h - the golden model: executes an opendpu instruction stream exactly as docs/isa.md says.
 * Its output defines the INT8 result; every other engine must equal it byte for byte. */
#ifndef ODPU_REF_REF_H
#define ODPU_REF_REF_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "isa/isa.h"

typedef struct odpu_ref odpu_ref; /* the on-chip state: five buffers and the token queues */

/* Allocate the buffers for an arch (zero-filled). */
odpu_status odpu_ref_create(const odpu_isa_limits *lim, odpu_ref **out, odpu_err *err);
void odpu_ref_destroy(odpu_ref *ref);

/* What a run ended with, as the engine's status registers would report it. */
typedef struct odpu_ref_result {
    odpu_hw_error hw_error;  /* ODPU_HW_OK when END was reached */
    size_t err_index;        /* instruction that raised hw_error */
    odpu_rule rule;          /* the broken rule behind hw_error */
    size_t insns_done;       /* instructions retired, END included */
    uint64_t macs;           /* multiply-accumulates performed by CONV */
    char msg[ODPU_ERR_MSG_MAX];
} odpu_ref_result;

/* Execute n_insns encoded instructions in stream order on the DDR window ddr[0, ddr_size).
 * Every instruction is checked (odpu_insn_check) before it runs; a broken rule stops the run
 * with the hardware error code, never with undefined behaviour. Token queues are reset at
 * the start; buffers keep their contents between runs, as on-chip RAM does.
 * Returns ODPU_OK if the run was carried out (result->hw_error says how it ended). */
odpu_status odpu_ref_run(odpu_ref *ref, const uint8_t *stream, size_t n_insns, uint8_t *ddr,
                         uint64_t ddr_size, odpu_ref_result *result, odpu_err *err);

/* Execute one decoded instruction (no token bookkeeping); for unit tests of single
 * instructions. Returns ODPU_E_INVALID with the broken rule in the message. */
odpu_status odpu_ref_exec(odpu_ref *ref, const odpu_insn *insn, uint8_t *ddr, uint64_t ddr_size,
                          odpu_err *err);

/* Direct access to an on-chip buffer (bytes = depth * word size), for tests and debugging. */
uint8_t *odpu_ref_buffer(odpu_ref *ref, odpu_buf_id buf, size_t *bytes);

#endif
