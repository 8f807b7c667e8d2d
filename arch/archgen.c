/* archgen.c - the generated artefacts of an arch config (docs/arch.md, "Generated files"):
 * a C header for host/ and hls/, and a Verilog include for rtl/ that also carries the ISA
 * encoding and register map, expanded from isa_fields.def, regs.def and the isa.h enums so
 * that no field position or constant is ever typed into the RTL by hand. */
#include "arch/arch.h"

#include <ctype.h>
#include <string.h>

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

/* "DDR_BYTES_PER_CYCLE" or "pixel_stride" -> "DdrBytesPerCycle", "PixelStride". */
static void upper_camel(const char *snake, char *out, size_t size)
{
    size_t n = 0;
    int start = 1;
    for (const char *s = snake; *s && n + 1 < size; s++) {
        if (*s == '_') {
            start = 1;
            continue;
        }
        out[n++] = (char)(start ? toupper((unsigned char)*s) : tolower((unsigned char)*s));
        start = 0;
    }
    out[n] = '\0';
}

static odpu_status write_status(FILE *out, odpu_err *err, const char *what)
{
    if (ferror(out))
        return odpu_fail(err, ODPU_E_IO, "writing the %s failed", what);
    return ODPU_OK;
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
    return write_status(out, err, "C header");
}

/* ---- Verilog include ------------------------------------------------------------------- */

/* `localparam int` rather than `int unsigned`: Icarus Verilog 11 rejects the latter, and
 * every value here is far below 2^31. Bit patterns use sized logic vectors. */
static void vh_int(FILE *out, const char *name, long long value, const char *comment)
{
    fprintf(out, "localparam int %s = %lld;", name, value);
    if (comment)
        fprintf(out, " // %s", comment);
    fputc('\n', out);
}

static void vh_bits(FILE *out, const char *name, unsigned width, unsigned long long value,
                    const char *comment)
{
    fprintf(out, "localparam logic [%u:0] %s = %u'h%llx;", width - 1, name, width, value);
    if (comment)
        fprintf(out, " // %s", comment);
    fputc('\n', out);
}

/* A C enumerator or macro with its value; the Verilog name is the C name without "ODPU_",
 * in UpperCamel, so the two sides cannot be spelled differently. */
typedef struct named_value {
    const char *c_name;
    unsigned value;
} named_value;

#define NV(e) {#e, (unsigned)(e)}
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const named_value buf_ids[] = {
    NV(ODPU_BUF_IBUF), NV(ODPU_BUF_OBUF), NV(ODPU_BUF_WBUF), NV(ODPU_BUF_PBUF), NV(ODPU_BUF_ABUF),
    NV(ODPU_BUF_COUNT)};
_Static_assert(COUNT_OF(buf_ids) == ODPU_BUF_COUNT + 1, "every odpu_buf_id");

static const named_value engines[] = {NV(ODPU_ENGINE_LOAD), NV(ODPU_ENGINE_COMPUTE),
                                      NV(ODPU_ENGINE_STORE), NV(ODPU_ENGINE_FETCH)};
_Static_assert(COUNT_OF(engines) == ODPU_ENGINE_COUNT + 1, "every odpu_engine");

static const named_value conv_modes[] = {NV(ODPU_CONV_STANDARD), NV(ODPU_CONV_DEPTHWISE),
                                         NV(ODPU_CONV_GROUPED)};
static const named_value pool_modes[] = {NV(ODPU_POOL_MAX), NV(ODPU_POOL_AVG),
                                         NV(ODPU_POOL_GLOBAL_MAX), NV(ODPU_POOL_GLOBAL_AVG)};
static const named_value elew_ops[] = {NV(ODPU_ELEW_ADD)};

static const named_value hw_errors[] = {
    NV(ODPU_HW_OK),         NV(ODPU_HW_ILLEGAL_INSN), NV(ODPU_HW_BUF_BOUNDS), NV(ODPU_HW_DDR_BOUNDS),
    NV(ODPU_HW_WATCHDOG),   NV(ODPU_HW_AXI_RESP),     NV(ODPU_HW_NO_END)};
_Static_assert(COUNT_OF(hw_errors) == ODPU_HW_ERROR_COUNT, "every odpu_hw_error");

/* Single-bit masks of regs.def, emitted as bit indices (CtrlStartBit = 0). */
static const named_value reg_bits[] = {NV(ODPU_CTRL_START), NV(ODPU_CTRL_IRQ_EN),
                                       NV(ODPU_STATUS_BUSY), NV(ODPU_STATUS_DONE),
                                       NV(ODPU_STATUS_ERROR)};

static void vh_name(const char *c_name, const char *suffix, char *out, size_t size)
{
    const char *s = strncmp(c_name, "ODPU_", 5) == 0 ? c_name + 5 : c_name;
    upper_camel(s, out, size);
    strncat(out, suffix, size - strlen(out) - 1);
}

static void vh_enum(FILE *out, const char *title, const named_value *v, size_t n)
{
    fprintf(out, "\n// %s\n", title);
    for (size_t i = 0; i < n; i++) {
        char name[64];
        vh_name(v[i].c_name, "", name, sizeof name);
        vh_int(out, name, v[i].value, NULL);
    }
}

static unsigned bit_index(unsigned mask)
{
    unsigned i = 0;
    while (i < 31 && !(mask & (1u << i)))
        i++;
    return i;
}

static void vh_arch(FILE *out, const odpu_arch *arch)
{
    arch_param p[PARAM_COUNT_MAX];
    size_t n = arch_params(arch, p);
    fprintf(out, "\n// Arch '%s'\n", arch->name);
    for (size_t i = 0; i < n; i++) {
        char name[PARAM_NAME_MAX];
        upper_camel(p[i].name, name, sizeof name);
        vh_int(out, name, p[i].value, p[i].comment);
    }
    vh_bits(out, "ArchFingerprint", 64, arch->fingerprint, "read back as FP_HI:FP_LO");
    vh_bits(out, "ArchFingerprintLo", 32, arch->fingerprint & 0xFFFFFFFFu, NULL);
    vh_bits(out, "ArchFingerprintHi", 32, arch->fingerprint >> 32, NULL);
}

/* Header field widths, for the width of the opcode constants. */
#define X_WIDTH(OP, field, word, lsb, width, sign, bias) HDR_WIDTH_##field = width,
enum { ODPU_HEADER_FIELDS(X_WIDTH) };
#undef X_WIDTH

static void vh_field(FILE *out, const char *op, const char *field, unsigned word, unsigned lsb,
                     unsigned width, int is_signed, int bias)
{
    char base[64], name[80];
    upper_camel(op, base, sizeof base);
    upper_camel(field, name, sizeof name);
    strncat(base, name, sizeof base - strlen(base) - 1);
    fprintf(out, "localparam int %sLsb = %u;\n", base, word * 32 + lsb);
    fprintf(out, "localparam int %sWidth = %u;\n", base, width);
    fprintf(out, "localparam int %sBias = %d;\n", base, bias);
    fprintf(out, "localparam bit %sSigned = 1'b%d;\n", base, is_signed);
}

static void vh_opcode(FILE *out, const char *op, unsigned code)
{
    char name[64] = "Op";
    upper_camel(op, name + 2, sizeof name - 2);
    vh_bits(out, name, HDR_WIDTH_opcode, code, NULL);
}

static void vh_isa(FILE *out)
{
    fprintf(out, "\n// ISA encoding (isa/isa_fields.def). Positions are bits of the whole\n"
                 "// instruction: word * 32 + lsb; the encoded value is (value - Bias).\n");
    vh_bits(out, "IsaVersion", 32, ODPU_ISA_VERSION, "major << 16 | minor");
    vh_int(out, "InsnWords", ODPU_INSN_WORDS, NULL);
    vh_int(out, "InsnBits", ODPU_INSN_WORDS * 32, NULL);
    vh_int(out, "InsnBytes", ODPU_INSN_BYTES, NULL);
    vh_int(out, "ParamEntryBytes", ODPU_PARAM_ENTRY_BYTES, "one channel's params in PBUF");
    vh_int(out, "AccBytes", ODPU_ACC_BYTES, "one accumulator lane in ABUF");
    fprintf(out, "\n// Opcodes\n");
#define X_OPCODE(OP, code, name, FIELDS) vh_opcode(out, #OP, code);
    ODPU_OPCODES(X_OPCODE)
#undef X_OPCODE
#define X_FIELD(OP, field, word, lsb, width, sign, bias) \
    vh_field(out, #OP, #field, word, lsb, width, #sign[0] == 'S', bias);
    fprintf(out, "\n// Fields common to every instruction\n");
    ODPU_HEADER_FIELDS(X_FIELD)
#define X_CLASS(OP, code, name, FIELDS) \
    fprintf(out, "\n// " #OP " fields\n");  \
    FIELDS(X_FIELD)
    ODPU_OPCODES(X_CLASS)
#undef X_CLASS
#undef X_FIELD
    vh_enum(out, "Buffer ids (odpu_buf_id)", buf_ids, COUNT_OF(buf_ids));
    vh_enum(out, "Engines (odpu_engine; NOP.engine)", engines, COUNT_OF(engines));
    vh_enum(out, "CONV.mode (odpu_conv_mode)", conv_modes, COUNT_OF(conv_modes));
    vh_enum(out, "POOL.mode (odpu_pool_mode)", pool_modes, COUNT_OF(pool_modes));
    vh_enum(out, "ELEW.op (odpu_elew_op)", elew_ops, COUNT_OF(elew_ops));
    vh_enum(out, "ERR_CODE values (odpu_hw_error)", hw_errors, COUNT_OF(hw_errors));
}

/* AXI4-Lite address bits that cover the highest register. */
static unsigned reg_addr_bits(void)
{
#define X_OFFSET(NAME, off, access, desc) off,
    static const unsigned offsets[] = {ODPU_REGS(X_OFFSET)};
#undef X_OFFSET
    unsigned top = 0, bits = 1;
    for (size_t i = 0; i < COUNT_OF(offsets); i++)
        top = offsets[i] > top ? offsets[i] : top;
    while ((1u << bits) < top + 4)
        bits++;
    return bits;
}

static void vh_regs(FILE *out)
{
    fprintf(out, "\n// Registers (isa/regs.def): byte offsets on the AXI4-Lite port\n");
    vh_int(out, "RegAddrBits", reg_addr_bits(), "address bits that cover every register");
#define X_REG(NAME, off, access, desc)                                    \
    {                                                                     \
        char name_[64];                                                   \
        vh_name("REG_" #NAME, "Offset", name_, sizeof name_);             \
        vh_int(out, name_, off, #access ": " desc);                       \
    }
    ODPU_REGS(X_REG)
#undef X_REG
    vh_bits(out, "Magic", 32, ODPU_MAGIC, "MAGIC register value");
    for (size_t i = 0; i < COUNT_OF(reg_bits); i++) {
        char name[64];
        vh_name(reg_bits[i].c_name, "Bit", name, sizeof name);
        vh_int(out, name, bit_index(reg_bits[i].value), NULL);
    }
}

odpu_status odpu_arch_write_verilog(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    fprintf(out,
            "// odpu_arch_params.vh - generated from arch/%s.yaml by opendpu archgen; do not edit.\n"
            "// Regenerate with `make gen`; the values are described in docs/arch.md.\n"
            "// Include it once per compilation unit at file scope, before the modules that use\n"
            "// it: the localparams live in $unit, and the guard keeps a second include a no-op.\n"
            "`ifndef ODPU_ARCH_PARAMS_VH\n`define ODPU_ARCH_PARAMS_VH\n"
            "// A parameter library: any one module uses a few of these.\n"
            "/* verilator lint_off UNUSEDPARAM */\n",
            arch->name);
    vh_arch(out, arch);
    vh_isa(out);
    vh_regs(out);
    fprintf(out, "\n/* verilator lint_on UNUSEDPARAM */\n`endif // ODPU_ARCH_PARAMS_VH\n");
    return write_status(out, err, "Verilog include");
}
