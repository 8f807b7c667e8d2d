/* regfile.c - the register file of software-modelled devices (see regfile.h). Which word is
 * what comes from the tables of isa/regs.def, so this file names no register it need not. */
#include "emu/regfile.h"

#include <string.h>

/* What a word of the map is. */
typedef enum word_kind {
    WK_NONE = 0, /* reserved, or beyond the map: reads 0, ignores writes */
    WK_CTRL,     /* AP_CTRL */
    WK_RW,       /* GIE, IER: the bits of their mask */
    WK_TOW,      /* ISR */
    WK_IN,       /* an input argument word: read/write */
    WK_OUT       /* an output argument word: read-only, set by the device */
} word_kind;

#define W(offset) ((offset) / ODPU_REG_BYTES)
#define KIND_OF_HI_PTR(NAME, dir) [ODPU_ARGW_##NAME##_HI] = WK_##dir,
#define KIND_OF_HI_U64(NAME, dir) KIND_OF_HI_PTR(NAME, dir)
#define KIND_OF_HI_U32(NAME, dir)
#define X_CTRL_KIND(NAME, offset, access, desc) [W(offset)] = WK_##access,
#define X_ARG_KIND(NAME, dir, kind, desc) [ODPU_ARGW_##NAME] = WK_##dir, KIND_OF_HI_##kind(NAME, dir)
static const uint8_t word_kinds[ODPU_ARGW_END] = {ODPU_CTRL_REGS(X_CTRL_KIND) ODPU_ARGS(X_ARG_KIND)};
#undef X_CTRL_KIND
#undef X_ARG_KIND

/* The bits GIE, IER and ISR hold. */
static uint32_t rw_mask(uint32_t offset)
{
    return offset == ODPU_REG_GIE ? ODPU_GIE_ENABLE : ODPU_IRQ_DONE | ODPU_IRQ_READY;
}

static word_kind kind_at(uint32_t offset)
{
    if (offset % ODPU_REG_BYTES || offset >= ODPU_REG_MAP_BYTES)
        return WK_NONE;
    return (word_kind)word_kinds[W(offset)];
}

static void set64(odpu_regfile *rf, uint32_t lo, uint32_t hi, uint64_t v)
{
    rf->word[W(lo)] = (uint32_t)v;
    rf->word[W(hi)] = (uint32_t)(v >> 32);
}

static uint64_t get64(const odpu_regfile *rf, uint32_t lo, uint32_t hi)
{
    return (uint64_t)rf->word[W(lo)] | (uint64_t)rf->word[W(hi)] << 32;
}

static void write_identity(odpu_regfile *rf)
{
    rf->word[W(ODPU_REG_MAGIC)] = ODPU_MAGIC;
    rf->word[W(ODPU_REG_VERSION)] = ODPU_ISA_VERSION;
    set64(rf, ODPU_REG_FINGERPRINT_LO, ODPU_REG_FINGERPRINT_HI, rf->fingerprint);
}

void odpu_regfile_reset(odpu_regfile *rf, uint64_t fingerprint, int identity_from_reset)
{
    memset(rf, 0, sizeof *rf);
    rf->fingerprint = fingerprint;
    if (identity_from_reset)
        write_identity(rf);
}

int odpu_regfile_irq(const odpu_regfile *rf)
{
    return (rf->word[W(ODPU_REG_GIE)] & ODPU_GIE_ENABLE) && rf->word[W(ODPU_REG_ISR)] != 0;
}

static uint32_t ap_ctrl(const odpu_regfile *rf)
{
    return (rf->ap_start ? ODPU_AP_START : 0) | (rf->ap_done ? ODPU_AP_DONE : 0) |
           (!rf->running ? ODPU_AP_IDLE : 0) | (rf->ap_ready ? ODPU_AP_READY : 0) |
           (rf->auto_restart ? ODPU_AP_AUTO_RESTART : 0) | (odpu_regfile_irq(rf) ? ODPU_AP_INTERRUPT : 0);
}

uint32_t odpu_regfile_peek(const odpu_regfile *rf, uint32_t offset)
{
    switch (kind_at(offset)) {
    case WK_CTRL: return ap_ctrl(rf);
    case WK_RW:
    case WK_TOW:
    case WK_IN:
    case WK_OUT: return rf->word[W(offset)];
    case WK_NONE: break;
    }
    return 0;
}

uint32_t odpu_regfile_read(odpu_regfile *rf, uint32_t offset)
{
    uint32_t v = odpu_regfile_peek(rf, offset);
    if (kind_at(offset) == WK_CTRL) {
        rf->ap_done = 0; /* clear on read */
        rf->ap_ready = 0;
    }
    return v;
}

void odpu_regfile_write(odpu_regfile *rf, uint32_t offset, uint32_t value)
{
    uint32_t *w = &rf->word[offset < ODPU_REG_MAP_BYTES ? W(offset) : 0];
    switch (kind_at(offset)) {
    case WK_CTRL:
        if (value & ODPU_AP_START)
            rf->ap_start = 1; /* a written 0 does not stop a run: only ABORT does */
        rf->auto_restart = (value & ODPU_AP_AUTO_RESTART) != 0;
        return;
    case WK_RW: *w = value & rw_mask(offset); return;
    case WK_TOW: *w ^= value & rw_mask(offset); return;
    case WK_IN: *w = value; return;
    case WK_OUT:
    case WK_NONE: return;
    }
}

int odpu_regfile_start_pending(const odpu_regfile *rf)
{
    return rf->ap_start && !rf->running;
}

void odpu_regfile_begin(odpu_regfile *rf, odpu_run_args *args)
{
    rf->running = 1;
    args->insn_base = get64(rf, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI);
    args->insn_count = rf->word[W(ODPU_REG_INSN_COUNT)];
    args->ddr_base = get64(rf, ODPU_REG_DDR_BASE_LO, ODPU_REG_DDR_BASE_HI);
    args->ddr_size = get64(rf, ODPU_REG_DDR_SIZE_LO, ODPU_REG_DDR_SIZE_HI);
    args->watchdog = rf->word[W(ODPU_REG_WATCHDOG)];
}

int odpu_regfile_abort_requested(const odpu_regfile *rf)
{
    return (rf->word[W(ODPU_REG_ABORT)] & ODPU_ABORT_REQUEST) != 0;
}

void odpu_regfile_finish(odpu_regfile *rf, const odpu_run_outputs *out)
{
    write_identity(rf);
    rf->word[W(ODPU_REG_ERR_CODE)] = (uint32_t)out->err_code;
    rf->word[W(ODPU_REG_ERR_INDEX)] = out->err_index;
    rf->word[W(ODPU_REG_INSN_DONE)] = out->insn_done;
    set64(rf, ODPU_REG_CYCLES_LO, ODPU_REG_CYCLES_HI, out->cycles);
    rf->word[W(ODPU_REG_BUSY_LOAD)] = out->busy[ODPU_ENGINE_LOAD];
    rf->word[W(ODPU_REG_BUSY_COMPUTE)] = out->busy[ODPU_ENGINE_COMPUTE];
    rf->word[W(ODPU_REG_BUSY_STORE)] = out->busy[ODPU_ENGINE_STORE];
    rf->word[W(ODPU_REG_STALL_DEP)] = out->stall_dep;
    rf->word[W(ODPU_REG_STALL_DDR)] = out->stall_ddr;
    rf->running = 0;
    rf->ap_done = 1;
    rf->ap_ready = 1;
    rf->ap_start = rf->auto_restart;
    uint32_t ier = rf->word[W(ODPU_REG_IER)];
    rf->word[W(ODPU_REG_ISR)] |= ier & (ODPU_IRQ_DONE | ODPU_IRQ_READY);
}
