/* xrt_map.c - the XRT-independent half of the xrt HAL backend (see xrt_map.h): the argument
 * table expanded from isa/regs.def, the software control block, options, the driver-library
 * check and the messages. */
#include "boards/drv/xrt_map.h"

#include "boards/board_names.h"

#include <stdio.h>
#include <string.h>

#include "host/device_options.h"
#include "isa/isagen.h"

/* ---- Arguments ------------------------------------------------------------------------------ */

#define XRT_OFFSET_PTR(NAME) ODPU_REG_##NAME##_LO
#define XRT_OFFSET_U64(NAME) ODPU_REG_##NAME##_LO
#define XRT_OFFSET_U32(NAME) ODPU_REG_##NAME
#define XRT_BYTES_PTR 8u
#define XRT_BYTES_U64 8u
#define XRT_BYTES_U32 4u
#define XRT_INPUT_IN 1
#define XRT_INPUT_OUT 0
#define X_ARG(NAME, dir, kind, desc) \
    {#NAME, ODPU_ARG_##NAME, XRT_OFFSET_##kind(NAME), XRT_BYTES_##kind, XRT_INPUT_##dir, ODPU_XRT_##kind},
static const odpu_xrt_arg args[ODPU_ARG_COUNT] = {ODPU_ARGS(X_ARG)};
#undef X_ARG

const odpu_xrt_arg *odpu_xrt_args(void)
{
    return args;
}

const odpu_xrt_arg *odpu_xrt_arg_at(uint32_t offset, unsigned *word)
{
    for (size_t i = 0; i < ODPU_ARG_COUNT; i++) {
        if (offset < args[i].offset || offset >= args[i].offset + args[i].bytes)
            continue;
        *word = (offset - args[i].offset) / ODPU_REG_BYTES;
        return &args[i];
    }
    return NULL;
}

/* ---- The control block ---------------------------------------------------------------------- */

enum { IRQ_BITS = ODPU_IRQ_DONE | ODPU_IRQ_READY, WORD_BITS = 32 };
static const uint64_t LOW_WORD = 0xFFFFFFFFull;

void odpu_xrt_regs_init(odpu_xrt_regs *r)
{
    memset(r, 0, sizeof *r);
}

int odpu_xrt_regs_irq(const odpu_xrt_regs *r)
{
    return (r->gie & ODPU_GIE_ENABLE) && r->isr;
}

static uint32_t ap_ctrl(odpu_xrt_regs *r)
{
    uint32_t v = 0;
    if (r->running || r->start_pending)
        v |= ODPU_AP_START;
    if (!r->running)
        v |= ODPU_AP_IDLE;
    if (r->done)
        v |= ODPU_AP_DONE | ODPU_AP_READY;
    if (r->auto_restart)
        v |= ODPU_AP_AUTO_RESTART;
    if (odpu_xrt_regs_irq(r))
        v |= ODPU_AP_INTERRUPT;
    r->done = 0; /* clear on read */
    return v;
}

/* AP_CTRL: a 1 in bit 0 starts (or, during a run, queues the next run); bit 7 is auto_restart. */
static odpu_xrt_action write_ap_ctrl(odpu_xrt_regs *r, uint32_t value)
{
    r->auto_restart = (value & ODPU_AP_AUTO_RESTART) != 0;
    if (!(value & ODPU_AP_START))
        return ODPU_XRT_NOTHING;
    if (r->running) {
        r->start_pending = 1;
        return ODPU_XRT_NOTHING;
    }
    return ODPU_XRT_START;
}

static odpu_xrt_action write_arg(odpu_xrt_regs *r, const odpu_xrt_arg *a, unsigned word, uint32_t value)
{
    if (!a->input)
        return ODPU_XRT_NOTHING; /* outputs ignore writes */
    uint64_t *v = &r->in[a->index];
    unsigned shift = word * WORD_BITS;
    *v = (*v & ~(LOW_WORD << shift)) | (uint64_t)value << shift;
    /* Inputs are latched at ap_start; ABORT alone is watched during the run. */
    return r->running && a->index == ODPU_ARG_ABORT ? ODPU_XRT_WRITE_THROUGH : ODPU_XRT_NOTHING;
}

odpu_xrt_action odpu_xrt_regs_write(odpu_xrt_regs *r, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case ODPU_REG_AP_CTRL: return write_ap_ctrl(r, value);
    case ODPU_REG_GIE: r->gie = value & ODPU_GIE_ENABLE; return ODPU_XRT_NOTHING;
    case ODPU_REG_IER: r->ier = value & IRQ_BITS; return ODPU_XRT_NOTHING;
    case ODPU_REG_ISR: r->isr ^= value & IRQ_BITS; return ODPU_XRT_NOTHING;
    default: break;
    }
    unsigned word;
    const odpu_xrt_arg *a = odpu_xrt_arg_at(offset, &word);
    return a ? write_arg(r, a, word, value) : ODPU_XRT_NOTHING;
}

odpu_xrt_action odpu_xrt_regs_read(odpu_xrt_regs *r, uint32_t offset, uint32_t *value)
{
    *value = 0;
    switch (offset) {
    case ODPU_REG_AP_CTRL: *value = ap_ctrl(r); return ODPU_XRT_NOTHING;
    case ODPU_REG_GIE: *value = r->gie; return ODPU_XRT_NOTHING;
    case ODPU_REG_IER: *value = r->ier; return ODPU_XRT_NOTHING;
    case ODPU_REG_ISR: *value = r->isr; return ODPU_XRT_NOTHING;
    default: break;
    }
    unsigned word;
    const odpu_xrt_arg *a = odpu_xrt_arg_at(offset, &word);
    if (!a)
        return ODPU_XRT_NOTHING; /* reserved or past the map: 0 */
    if (!a->input)
        return ODPU_XRT_READ_ENGINE;
    *value = (uint32_t)(r->in[a->index] >> (word * WORD_BITS));
    return ODPU_XRT_NOTHING;
}

void odpu_xrt_regs_started(odpu_xrt_regs *r)
{
    r->running = 1;
    r->start_pending = 0;
}

int odpu_xrt_regs_ended(odpu_xrt_regs *r)
{
    r->running = 0;
    r->done = 1;
    r->isr |= r->ier & IRQ_BITS;
    int again = r->auto_restart || r->start_pending;
    r->start_pending = 0;
    return again;
}

void odpu_xrt_regs_lost(odpu_xrt_regs *r)
{
    r->running = 0;
    r->start_pending = 0;
    r->auto_restart = 0;
}

/* ---- Options, the driver library, messages ---------------------------------------------------- */

static const char *const buffer_values[] = {"cacheable", "uncached", NULL};

odpu_status odpu_xrt_options_parse(const char *text, const char *arch_name, odpu_xrt_options *out, odpu_err *err)
{
    char index[ODPU_XRT_NAME_MAX] = "";
    memset(out, 0, sizeof *out);
    const odpu_device_option known[] = {
        {.key = "index", .text = index, .text_size = sizeof index},
        {.key = "xclbin", .text = out->xclbin, .text_size = sizeof out->xclbin},
        {.key = "kernel", .text = out->kernel, .text_size = sizeof out->kernel},
        {.key = "buffers", .values = buffer_values, .choice = &out->uncached},
    };
    odpu_status st = odpu_device_options_parse("xrt", text, known, sizeof known / sizeof known[0], err);
    if (st != ODPU_OK)
        return st;
    if (!out->xclbin[0])
        snprintf(out->xclbin, sizeof out->xclbin, "%s/" ODPU_BOARD_APP_PREFIX "-%s/" ODPU_BOARD_APP_PREFIX "-%s.xclbin",
                 ODPU_XRT_FIRMWARE_DIR, arch_name, arch_name);
    if (!out->kernel[0])
        snprintf(out->kernel, sizeof out->kernel, "%s", ODPU_KERNEL_NAME);
    unsigned long long n = 0;
    if (index[0])
        st = odpu_device_option_number("xrt", "index", index, UINT32_MAX, &n, err);
    out->index = (unsigned)n;
    return st;
}

odpu_status odpu_xrt_shim_path(unsigned index, const char *xilinx_xrt, const char *emulation, int arm,
                               unsigned major, char *out, size_t size, odpu_err *err)
{
    if (emulation && *emulation)
        return odpu_fail(err, ODPU_E_DEVICE,
                         "device %u: XCL_EMULATION_MODE=%s is set, but there is no emulation model of this engine "
                         "for XRT; unset it to use a board (the sim backend simulates the RTL)",
                         index, emulation);
    const char *root = xilinx_xrt && *xilinx_xrt ? xilinx_xrt : arm ? "/usr" : NULL;
    if (!root)
        return odpu_fail(err, ODPU_E_DEVICE,
                         "device %u: XILINX_XRT is not set; XRT 2.13 loads its driver library from "
                         "$XILINX_XRT/lib/libxrt_core.so.%u and aborts the process without it: point XILINX_XRT at "
                         "a directory whose lib/ holds it (Debian installs it in /usr/lib/<multiarch>/; docs/hal.md)",
                         index, major);
    int n = snprintf(out, size, "%s/lib/libxrt_core.so.%u", root, major);
    if (n < 0 || (size_t)n >= size)
        return odpu_fail(err, ODPU_E_DEVICE, "device %u: XILINX_XRT=%s is too long a path", index, root);
    return ODPU_OK;
}

odpu_status odpu_xrt_no_device(unsigned index, int errnum, odpu_err *err)
{
    return odpu_fail(err, ODPU_E_DEVICE,
                     "no XRT device at index %u (xrtDeviceOpen: %s); check that the zocl driver is loaded "
                     "(lsmod | grep zocl), that /dev/dri/renderD* exists and that `xbutil examine` lists the device",
                     index, errnum ? strerror(errnum) : "no reason given");
}
