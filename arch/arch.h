/* arch.h - the accelerator's architecture configuration (arch/NAME.yaml, docs/arch.md).
 * Parsed with libyaml; fingerprinted; the source of the generated C header and Verilog include. */
#ifndef ODPU_ARCH_ARCH_H
#define ODPU_ARCH_ARCH_H

#include <stdint.h>
#include <stdio.h>

#include "common/err.h"
#include "isa/isa_defs.h"

enum { ODPU_ARCH_NAME_MAX = 32 };

typedef struct odpu_arch_buffer {
    uint32_t kib;         /* capacity in KiB (from the YAML) */
    uint32_t banks;       /* independent banks (from the YAML) */
    uint32_t word_bytes;  /* derived: bytes per word of this buffer (docs/isa.md) */
    uint32_t depth_words; /* derived: kib * 1024 / word_bytes */
} odpu_arch_buffer;

typedef struct odpu_arch {
    char name[ODPU_ARCH_NAME_MAX];
    uint32_t rows;                              /* input-channel parallelism (ICP) */
    uint32_t cols;                              /* output-channel parallelism (OCP) */
    uint32_t weight_load_cycles;                /* cycles to move a WBUF word into the array */
    odpu_arch_buffer buf[ODPU_BUF_COUNT];       /* indexed by odpu_buf_id */
    uint32_t axi_data_bits;                     /* AXI4 master data width */
    uint32_t ddr_bytes_per_cycle;               /* DDR model: sustained bandwidth */
    uint32_t ddr_latency_cycles;                /* DDR model: read latency */
    uint32_t clock_mhz;                         /* engine clock */
    uint32_t insn_queue_depth;                  /* instructions queued per engine */
    uint32_t dep_queue_depth;                   /* tokens per dependency queue */
    uint64_t fingerprint;                       /* derived, see odpu_arch_fingerprint */
} odpu_arch;

/* Parse and validate a config file. Errors name the file, line and key, e.g.
 * "arch/b4096.yaml:7: array.rows: 48 is not a power of two in [1, 256]". */
odpu_status odpu_arch_load(const char *path, odpu_arch *out, odpu_err *err);

/* The same from memory; source_name is used in messages. */
odpu_status odpu_arch_parse(const char *text, size_t len, const char *source_name, odpu_arch *out,
                            odpu_err *err);

/* FNV-1a 64 over the canonical form of every value that changes which instruction streams
 * are valid or what they compute (ISA version, rows, cols, buffer depths, queue depths).
 * Performance-only values (banks, weight load cycles, AXI width, DDR model, clock) are
 * excluded. */
uint64_t odpu_arch_fingerprint(const odpu_arch *arch);

/* Multiply-accumulate units (rows * cols) and peak ops per clock (2 * MACs). */
uint32_t odpu_arch_macs(const odpu_arch *arch);

/* The view of the arch the ISA validator needs. */
void odpu_arch_limits(const odpu_arch *arch, odpu_isa_limits *lim);

/* Generated artefacts: a C header (#define ODPU_ARCH_ROWS ...) for hls/ and a Verilog
 * include (localparams, plus the ISA field positions and register map) for rtl/. */
odpu_status odpu_arch_write_c_header(const odpu_arch *arch, FILE *out, odpu_err *err);
odpu_status odpu_arch_write_verilog(const odpu_arch *arch, FILE *out, odpu_err *err);

#endif
