/* archgen.c - the generated artefacts of an arch config (docs/arch.md, "Generated files"):
 * a C header for host/ and hls/ and a Verilog include for rtl/. The instruction set and the
 * register map are arch-independent and live in the package isa/isagen.c writes. */
#include "arch/arch.h"

#include <string.h>

#include "common/text.h"

/* ---- Arch values ----------------------------------------------------------------------
 * The values both generators emit, in order, as UPPER_SNAKE suffixes: the C macro is
 * ODPU_ARCH_<SUFFIX>, the Verilog localparam its UpperCamel form. */
#define ARCH_SCALARS_HEAD(X)                                                   \
    X(ROWS, a->rows, "input-channel parallelism (ICP)")                        \
    X(COLS, a->cols, "output-channel parallelism (OCP)")                       \
    X(MACS, odpu_arch_macs(a), "multiply-accumulate units (rows * cols)")     \
    X(OPS_PER_CLOCK, 2 * odpu_arch_macs(a), "peak ops per clock (2 per MAC)")   \
    X(WEIGHT_LOAD_CYCLES, a->weight_load_cycles, "cycles to move a WBUF word into the array")

#define ARCH_BUFFER_VALUES(X)                                                  \
    X(KIB, kib, "capacity in KiB")                                             \
    X(BANKS, banks, "independent banks")                                       \
    X(WORD_BYTES, word_bytes, "bytes per word")                                \
    X(DEPTH, depth_words, "depth in words")

#define ARCH_SCALARS_TAIL(X)                                                   \
    X(AXI_DATA_BITS, a->axi_data_bits, "AXI4 master data width")              \
    X(DDR_BYTES_PER_CYCLE, a->ddr_bytes_per_cycle, "DDR model: bytes per cycle") \
    X(DDR_LATENCY, a->ddr_latency_cycles, "DDR model: read latency in cycles") \
    X(CLOCK_MHZ, a->clock_mhz, "engine clock in MHz")                         \
    X(INSN_DEPTH, a->insn_queue_depth, "instructions queued per engine")      \
    X(DEP_DEPTH, a->dep_queue_depth, "tokens per dependency queue")           \
    X(WBUF_PORT_BYTES, a->buf[ODPU_BUF_WBUF].word_bytes / a->weight_load_cycles, \
      "WBUF port width in bytes: a word is weight_load_cycles pieces")        \
    X(WBUF_PORT_DEPTH, a->buf[ODPU_BUF_WBUF].depth_words * a->weight_load_cycles, \
      "WBUF depth in port-wide pieces")

enum { PARAM_NAME_MAX = 48, PARAM_COUNT_MAX = 64 };

typedef struct arch_param {
    char name[PARAM_NAME_MAX]; /* UPPER_SNAKE, without the ODPU_ARCH_ prefix */
    uint32_t value;
    const char *comment;
} arch_param;

static void add_param(arch_param *p, size_t *n, const char *name, uint32_t value, const char *comment)
{
    if (*n >= PARAM_COUNT_MAX)
        return;
    snprintf(p[*n].name, sizeof p[*n].name, "%s", name);
    p[*n].value = value;
    p[*n].comment = comment;
    (*n)++;
}

/* Every arch value in emission order; returns the count. */
static size_t arch_params(const odpu_arch *a, arch_param p[PARAM_COUNT_MAX])
{
    size_t n = 0;
#define X_SCALAR(NAME, expr, comment) add_param(p, &n, #NAME, expr, comment);
    ARCH_SCALARS_HEAD(X_SCALAR)
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        const odpu_arch_buffer *buf = &a->buf[b];
        const char *bname = odpu_buf_name((odpu_buf_id)b);
        char name[PARAM_NAME_MAX];
#define X_BUFFER(NAME, member, comment)                            \
        snprintf(name, sizeof name, "%s_%s", bname, #NAME);        \
        add_param(p, &n, name, buf->member, comment);
        ARCH_BUFFER_VALUES(X_BUFFER)
#undef X_BUFFER
    }
    ARCH_SCALARS_TAIL(X_SCALAR)
#undef X_SCALAR
    return n;
}

/* ---- C header -------------------------------------------------------------------------- */

odpu_status odpu_arch_write_c_header(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    arch_param p[PARAM_COUNT_MAX];
    size_t n = arch_params(arch, p);
    fprintf(out,
            "/* odpu_arch_params.h - generated from arch/%s.yaml by opendpu archgen; do not edit.\n"
            " * Regenerate with `make gen`; the meaning of every value is in docs/arch.md. */\n"
            "#ifndef ODPU_ARCH_PARAMS_H\n#define ODPU_ARCH_PARAMS_H\n\n",
            arch->name);
    fprintf(out, "#define ODPU_ARCH_NAME \"%s\"\n", arch->name);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "#define ODPU_ARCH_%-22s %-8u /* %s */\n", p[i].name, (unsigned)p[i].value,
                p[i].comment);
    }
    fprintf(out,
            "/* FNV-1a 64 of the values that decide which instruction streams are valid; the\n"
            " * model file records it and the runtime refuses a model built for another. */\n"
            "#define ODPU_ARCH_FINGERPRINT 0x%016llxULL\n\n#endif\n",
            (unsigned long long)arch->fingerprint);
    return odpu_gen_status(out, "C header", err);
}

/* ---- Verilog include ------------------------------------------------------------------- */

static void vh_arch(FILE *out, const odpu_arch *arch)
{
    arch_param p[PARAM_COUNT_MAX];
    size_t n = arch_params(arch, p);
    fprintf(out, "\n// Arch '%s'\n", arch->name);
    for (size_t i = 0; i < n; i++) {
        char name[PARAM_NAME_MAX];
        odpu_upper_camel(p[i].name, name, sizeof name);
        odpu_sv_int(out, "", name, p[i].value, p[i].comment);
    }
    odpu_sv_bits(out, "", "ArchFingerprint", 64, arch->fingerprint,
                 "read back as FINGERPRINT_HI:FINGERPRINT_LO");
    odpu_sv_bits(out, "", "ArchFingerprintLo", 32, arch->fingerprint & 0xFFFFFFFFu, NULL);
    odpu_sv_bits(out, "", "ArchFingerprintHi", 32, arch->fingerprint >> 32, NULL);
}

odpu_status odpu_arch_write_verilog(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    fprintf(out,
            "// odpu_arch_params.vh - generated from arch/%s.yaml by opendpu archgen; do not edit.\n"
            "// Regenerate with `make gen`; the values are described in docs/arch.md.\n"
            "// Include it once per compilation unit at file scope, before the modules that use\n"
            "// it: the localparams live in $unit, and the guard keeps a second include a no-op.\n"
            "// The instruction set and registers are in the package odpu_pkg (gen/isa/).\n"
            "`ifndef ODPU_ARCH_PARAMS_VH\n`define ODPU_ARCH_PARAMS_VH\n"
            "// A parameter library: any one module uses a few of these.\n"
            "/* verilator lint_off UNUSEDPARAM */\n",
            arch->name);
    vh_arch(out, arch);
    fprintf(out, "\n/* verilator lint_on UNUSEDPARAM */\n`endif // ODPU_ARCH_PARAMS_VH\n");
    return odpu_gen_status(out, "Verilog include", err);
}
