/* regs.h - C names for the engine's registers: isa/regs.def expanded into byte offsets and
 * argument indices. Code that touches a register uses ODPU_REG_<NAME>, never a literal offset,
 * so the host, the backends, the RTL package and the kernel description cannot disagree. */
#ifndef ODPU_ISA_REGS_H
#define ODPU_ISA_REGS_H

#include <stdint.h>

#include "isa/regs.def"

enum { ODPU_REG_BYTES = 4 }; /* every register is one 32-bit word */

/* Word index of every argument register, counted by the enumeration itself: an argument's
 * data word, then its high word (PTR, U64) and its reserved word, as Vitis HLS lays them. */
#define ODPU_ARGW_TAIL_PTR(NAME) ODPU_ARGW_##NAME##_HI, ODPU_ARGW_##NAME##_RSVD,
#define ODPU_ARGW_TAIL_U64(NAME) ODPU_ARGW_TAIL_PTR(NAME)
#define ODPU_ARGW_TAIL_U32(NAME) ODPU_ARGW_##NAME##_RSVD,
#define ODPU_X_ARGW(NAME, dir, kind, desc) ODPU_ARGW_##NAME, ODPU_ARGW_TAIL_##kind(NAME)
enum odpu_arg_word {
    ODPU_ARGW_BEFORE_ = ODPU_ARGS_OFFSET / ODPU_REG_BYTES - 1,
    ODPU_ARGS(ODPU_X_ARGW)
    ODPU_ARGW_END /* one past the last word of the map */
};
#undef ODPU_X_ARGW

/* Byte offset of each register on the AXI4-Lite port: the control registers by name, a 32-bit
 * argument as ODPU_REG_<NAME>, a 64-bit one as ODPU_REG_<NAME>_LO and _HI. */
#define ODPU_REGS_OF_PTR(NAME) ODPU_REG_##NAME##_LO = ODPU_REG_BYTES * ODPU_ARGW_##NAME, \
                               ODPU_REG_##NAME##_HI = ODPU_REG_BYTES * ODPU_ARGW_##NAME##_HI,
#define ODPU_REGS_OF_U64(NAME) ODPU_REGS_OF_PTR(NAME)
#define ODPU_REGS_OF_U32(NAME) ODPU_REG_##NAME = ODPU_REG_BYTES * ODPU_ARGW_##NAME,
#define ODPU_X_CTRL_OFFSET(NAME, offset, access, desc) ODPU_REG_##NAME = offset,
#define ODPU_X_ARG_OFFSET(NAME, dir, kind, desc) ODPU_REGS_OF_##kind(NAME)
typedef enum odpu_reg {
    ODPU_CTRL_REGS(ODPU_X_CTRL_OFFSET)
    ODPU_ARGS(ODPU_X_ARG_OFFSET)
    ODPU_REG_MAP_BYTES = ODPU_REG_BYTES * ODPU_ARGW_END /* the span of the map */
} odpu_reg;
#undef ODPU_X_CTRL_OFFSET
#undef ODPU_X_ARG_OFFSET

/* Index of each argument in the top function's list: what XRT's xrtRunSetArg and an xclbin's
 * kernel description number them by. */
#define ODPU_X_ARG_INDEX(NAME, dir, kind, desc) ODPU_ARG_##NAME,
typedef enum odpu_arg {
    ODPU_ARGS(ODPU_X_ARG_INDEX)
    ODPU_ARG_COUNT
} odpu_arg;
#undef ODPU_X_ARG_INDEX

_Static_assert(ODPU_REG_ISR + ODPU_REG_BYTES == ODPU_ARGS_OFFSET, "the arguments follow ISR");

/* The register at a byte offset, for messages: "AP_CTRL", "INSN_BASE_LO", "(reserved)" for an
 * argument's reserved word, "(no register)" outside the map. Defined in isa/names.c. */
const char *odpu_reg_name(uint32_t offset);

#endif
