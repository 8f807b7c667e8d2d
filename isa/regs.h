/* regs.h - C names for the engine's registers: isa/regs.def expanded into byte offsets.
 * Code that touches a register uses ODPU_REG_<NAME>, never a literal offset, so the host,
 * the backends and the generated Verilog include cannot disagree about the map. */
#ifndef ODPU_ISA_REGS_H
#define ODPU_ISA_REGS_H

#include "isa/regs.def"

/* Byte offset of each register on the AXI4-Lite control port. */
typedef enum odpu_reg {
#define ODPU_X_REG_OFFSET(NAME, offset, access, desc) ODPU_REG_##NAME = offset,
    ODPU_REGS(ODPU_X_REG_OFFSET)
#undef ODPU_X_REG_OFFSET
} odpu_reg;

enum { ODPU_REG_BYTES = 4 }; /* every register is one 32-bit word */

#endif
