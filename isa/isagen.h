/* isagen.h - writers of the instruction set's generated artefacts (docs/isa.md, "Generated
 * artefacts"); tools/odpu_gen puts their output in the one gen tree every build uses. */
#ifndef ODPU_ISA_ISAGEN_H
#define ODPU_ISA_ISAGEN_H

#include <stdio.h>

#include "common/err.h"
#include "isa/isa_defs.h"

/* odpu_isa_codec.h: per class a struct, field limits, static inline pack/unpack/range check,
 * the used-bit table (isa_fields.def). ODPU_E_CONFIG if the table itself is inconsistent. */
odpu_status odpu_isa_write_c_codec(FILE *out, odpu_err *err);

/* odpu_pkg.sv: the same encoding as packed structs and used-bit masks, the enumerations
 * and the register map for rtl/. */
odpu_status odpu_isa_write_sv_package(FILE *out, odpu_err *err);

/* The engine's ports as a Vitis kernel (Vivado IP packaging and xclbin metadata name them so). */
#define ODPU_KERNEL_NAME "odpu_engine"
#define ODPU_KERNEL_CONTROL_PORT "s_axi_control"
#define ODPU_KERNEL_MEMORY_PORT "m_axi_gmem"

/* kernel.xml: the kernel's argument description (name, index, offset, size, pointer or
 * scalar) in the format of a Vitis RTL kernel, for an engine whose AXI4 master is
 * axi_data_bits wide. */
odpu_status odpu_isa_write_kernel_xml(const char *kernel_name, unsigned axi_data_bits, FILE *out, odpu_err *err);

#endif
