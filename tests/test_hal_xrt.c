/* test_hal_xrt.c - the xrt HAL backend (boards/drv/) on a machine without a board: its
 * XRT-independent half everywhere (every argument of isa/regs.def at its xrtRunSetArg index,
 * offset and width, in agreement with the generated kernel.xml; the software control block the
 * HAL sees; device options; where XRT 2.13 loads its driver from; the messages), and, in a
 * build with XRT, that opening it fails cleanly, naming the device index and what to check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "boards/drv/xrt_map.h"
#include "host/hal.h"
#include "isa/isagen.h"
#include "tests/testutil.h"

enum { LINE_MAX_LEN = 1024, PATH_LEN = 4096, XRT_MAJOR = 2 };

/* ---- Arguments --------------------------------------------------------------------------------- */

/* regs.def expanded here on its own, so the backend's table is checked against the source. */
#define EXP_OFFSET_PTR(NAME) ODPU_REG_##NAME##_LO
#define EXP_OFFSET_U64(NAME) ODPU_REG_##NAME##_LO
#define EXP_OFFSET_U32(NAME) ODPU_REG_##NAME
#define EXP_BYTES_PTR 8u
#define EXP_BYTES_U64 8u
#define EXP_BYTES_U32 4u
#define EXP_IN_IN 1
#define EXP_IN_OUT 0
typedef struct expected_arg {
    const char *name;
    uint32_t offset, bytes;
    int input;
} expected_arg;
#define X_EXP(NAME, dir, kind, desc) {#NAME, EXP_OFFSET_##kind(NAME), EXP_BYTES_##kind, EXP_IN_##dir},
static const expected_arg expected[] = {ODPU_ARGS(X_EXP)};
#undef X_EXP

START_TEST(every_argument_at_its_index_offset_and_width)
{
    ck_assert_uint_eq(sizeof expected / sizeof expected[0], ODPU_ARG_COUNT);
    const odpu_xrt_arg *a = odpu_xrt_args();
    for (size_t i = 0; i < ODPU_ARG_COUNT; i++) {
        ck_assert_int_eq(a[i].index, (int)i);
        ck_assert_str_eq(a[i].name, expected[i].name);
        ck_assert_uint_eq(a[i].offset, expected[i].offset);
        ck_assert_uint_eq(a[i].bytes, expected[i].bytes);
        ck_assert_int_eq(a[i].input, expected[i].input);
        ck_assert_int_eq(a[i].kind == ODPU_XRT_U32, expected[i].bytes == 4);
    }
    ck_assert_int_eq(a[ODPU_ARG_INSN_BASE].kind, ODPU_XRT_PTR);
    ck_assert_int_eq(a[ODPU_ARG_DDR_BASE].kind, ODPU_XRT_PTR);
    ck_assert_int_eq(a[ODPU_ARG_DDR_SIZE].kind, ODPU_XRT_U64);
}
END_TEST

/* Every word of the map: the argument it belongs to agrees with the register's name. */
START_TEST(every_word_maps_to_its_argument)
{
    unsigned word = 99;
    ck_assert_ptr_null(odpu_xrt_arg_at(ODPU_REG_AP_CTRL, &word));
    ck_assert_ptr_null(odpu_xrt_arg_at(ODPU_REG_ISR, &word));
    ck_assert_ptr_null(odpu_xrt_arg_at(ODPU_REG_MAP_BYTES, &word));
    for (uint32_t off = ODPU_ARGS_OFFSET; off < ODPU_REG_MAP_BYTES; off += ODPU_REG_BYTES) {
        const char *name = odpu_reg_name(off);
        const odpu_xrt_arg *a = odpu_xrt_arg_at(off, &word);
        if (name[0] == '(') {
            ck_assert_msg(a == NULL, "reserved 0x%02x maps to %s", off, a ? a->name : "");
            continue;
        }
        ck_assert_msg(a != NULL, "0x%02x %s maps to no argument", off, name);
        char want[ODPU_XRT_NAME_MAX];
        snprintf(want, sizeof want, "%s%s", a->name, a->bytes == 4 ? "" : word ? "_HI" : "_LO");
        ck_assert_str_eq(name, want);
    }
    ck_assert_ptr_eq(odpu_xrt_arg_at(ODPU_REG_CYCLES_HI, &word), &odpu_xrt_args()[ODPU_ARG_CYCLES]);
    ck_assert_uint_eq(word, 1);
}
END_TEST

/* The kernel description an xclbin is built from numbers the arguments as the backend does. */
START_TEST(kernel_xml_agrees)
{
    const char *gen = getenv("ODPU_GEN");
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/b1024/kernel.xml", gen && *gen ? gen : "build/gen");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (make gen writes it)", path);
    char line[LINE_MAX_LEN];
    size_t seen = 0;
    int kernel_named = 0;
    while (fgets(line, sizeof line, f)) {
        char want[ODPU_XRT_NAME_MAX];
        snprintf(want, sizeof want, "<kernel name=\"%s\"", ODPU_KERNEL_NAME);
        kernel_named |= strstr(line, want) != NULL;
        const char *p = strstr(line, "<arg name=\"");
        if (!p)
            continue;
        char name[ODPU_XRT_NAME_MAX];
        int id;
        unsigned size, offset;
        const char *q = strstr(p, " id=\"");
        const char *s = strstr(p, " size=\"");
        ck_assert(q && s && sscanf(p, "<arg name=\"%63[^\"]\"", name) == 1 && sscanf(q, " id=\"%d\"", &id) == 1 &&
                  sscanf(s, " size=\"0x%x\" offset=\"0x%x\"", &size, &offset) == 2);
        ck_assert_int_lt(id, ODPU_ARG_COUNT);
        const odpu_xrt_arg *a = &odpu_xrt_args()[id];
        ck_assert_int_eq(strcasecmp(name, a->name), 0);
        ck_assert_uint_eq(offset, a->offset);
        ck_assert_uint_eq(size, a->bytes);
        ck_assert_int_eq(strstr(p, "addressQualifier=\"1\"") != NULL, a->kind == ODPU_XRT_PTR);
        seen++;
    }
    fclose(f);
    ck_assert_int_eq(kernel_named, 1);
    ck_assert_uint_eq(seen, ODPU_ARG_COUNT);
}
END_TEST

/* ---- The control block ------------------------------------------------------------------------- */

static uint32_t read_reg(odpu_xrt_regs *r, uint32_t off)
{
    uint32_t v = 0xDEADBEEFu;
    ck_assert_int_eq(odpu_xrt_regs_read(r, off, &v), ODPU_XRT_NOTHING);
    return v;
}

START_TEST(control_block_of_a_run)
{
    odpu_xrt_regs r;
    odpu_xrt_regs_init(&r);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_ISR), 0);
    /* Inputs are captured whole (both words), outputs and reserved words take nothing. */
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_INSN_BASE_LO, 0x40001000u), ODPU_XRT_NOTHING);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_INSN_BASE_HI, 0x8u), ODPU_XRT_NOTHING);
    ck_assert_uint_eq(r.in[ODPU_ARG_INSN_BASE], 0x840001000ull);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_INSN_COUNT, 40), ODPU_XRT_NOTHING);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_INSN_BASE_HI), 0x8u);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_INSN_COUNT), 40);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_ERR_CODE, 5), ODPU_XRT_NOTHING);
    uint32_t v;
    ck_assert_int_eq(odpu_xrt_regs_read(&r, ODPU_REG_ERR_CODE, &v), ODPU_XRT_READ_ENGINE);
    ck_assert_int_eq(odpu_xrt_regs_read(&r, ODPU_REG_CYCLES_HI, &v), ODPU_XRT_READ_ENGINE);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_INSN_BASE_HI + ODPU_REG_BYTES, ~0u), ODPU_XRT_NOTHING);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_INSN_BASE_HI + ODPU_REG_BYTES), 0);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_MAP_BYTES), 0);
    /* GIE and IER hold their bits only. */
    odpu_xrt_regs_write(&r, ODPU_REG_GIE, ~0u);
    odpu_xrt_regs_write(&r, ODPU_REG_IER, ~0u);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_GIE), ODPU_GIE_ENABLE);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_IER), ODPU_IRQ_DONE | ODPU_IRQ_READY);
    odpu_xrt_regs_write(&r, ODPU_REG_IER, ODPU_IRQ_DONE);

    /* ap_start: the backend starts; a 0 stops nothing. */
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, ODPU_AP_START), ODPU_XRT_START);
    odpu_xrt_regs_started(&r);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_START);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, 0), ODPU_XRT_NOTHING);
    ck_assert_int_eq(r.running, 1);
    /* During a run the inputs wait for the next start, except ABORT. */
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_INSN_COUNT, 41), ODPU_XRT_NOTHING);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_ABORT, ODPU_ABORT_REQUEST), ODPU_XRT_WRITE_THROUGH);
    ck_assert_int_eq(odpu_xrt_regs_irq(&r), 0);

    /* The end: done and ready until read, ISR as IER enables, the line with GIE. */
    ck_assert_int_eq(odpu_xrt_regs_ended(&r), 0);
    ck_assert_int_eq(odpu_xrt_regs_irq(&r), 1);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL),
                      ODPU_AP_DONE | ODPU_AP_READY | ODPU_AP_IDLE | ODPU_AP_INTERRUPT);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_IDLE | ODPU_AP_INTERRUPT);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_ISR), ODPU_IRQ_DONE);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_ABORT, 0), ODPU_XRT_NOTHING); /* idle: no write-through */
    odpu_xrt_regs_write(&r, ODPU_REG_ISR, ODPU_IRQ_DONE); /* toggles it off */
    ck_assert_int_eq(odpu_xrt_regs_irq(&r), 0);
    odpu_xrt_regs_write(&r, ODPU_REG_ISR, ODPU_IRQ_DONE); /* and on */
    odpu_xrt_regs_write(&r, ODPU_REG_GIE, 0);
    ck_assert_int_eq(odpu_xrt_regs_irq(&r), 0);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
}
END_TEST

START_TEST(control_block_restarts)
{
    odpu_xrt_regs r;
    odpu_xrt_regs_init(&r);
    /* auto_restart: every end starts the next run, until an AP_CTRL write clears it. */
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, ODPU_AP_START | ODPU_AP_AUTO_RESTART), ODPU_XRT_START);
    odpu_xrt_regs_started(&r);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_START | ODPU_AP_AUTO_RESTART);
    ck_assert_int_eq(odpu_xrt_regs_ended(&r), 1);
    odpu_xrt_regs_started(&r);
    odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, 0);
    ck_assert_int_eq(odpu_xrt_regs_ended(&r), 0);
    /* ap_start written during a run: one more run follows it. */
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, ODPU_AP_START), ODPU_XRT_START);
    odpu_xrt_regs_started(&r);
    ck_assert_int_eq(odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, ODPU_AP_START), ODPU_XRT_NOTHING);
    ck_assert_int_eq(odpu_xrt_regs_ended(&r), 1);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL) & ODPU_AP_START, 0); /* until the backend starts it */
    odpu_xrt_regs_started(&r);
    ck_assert_int_eq(odpu_xrt_regs_ended(&r), 0);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_DONE | ODPU_AP_READY | ODPU_AP_IDLE);
    /* A run XRT lost: idle, nothing pending, no restart. */
    odpu_xrt_regs_write(&r, ODPU_REG_AP_CTRL, ODPU_AP_START | ODPU_AP_AUTO_RESTART);
    odpu_xrt_regs_started(&r);
    odpu_xrt_regs_lost(&r);
    ck_assert_uint_eq(read_reg(&r, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
}
END_TEST

/* ---- Options, the driver library, messages --------------------------------------------------- */

START_TEST(device_options)
{
    odpu_xrt_options o;
    odpu_err err;
    ck_assert_int_eq(odpu_xrt_options_parse(NULL, "b1024", &o, &err), ODPU_OK);
    ck_assert_uint_eq(o.index, 0);
    ck_assert_str_eq(o.xclbin, "/lib/firmware/xilinx/opendpu-b1024/opendpu-b1024.xclbin"); /* the app package's */
    ck_assert_str_eq(o.kernel, ODPU_KERNEL_NAME);
    ck_assert_int_eq(o.uncached, 0);
    ck_assert_int_eq(odpu_xrt_options_parse("3", "tiny", &o, &err), ODPU_OK); /* the bare word is the index */
    ck_assert_uint_eq(o.index, 3);
    ck_assert_int_eq(odpu_xrt_options_parse("index=1,xclbin=/tmp/a.xclbin,kernel=k2,buffers=uncached", "tiny", &o, &err),
                     ODPU_OK);
    ck_assert_uint_eq(o.index, 1);
    ck_assert_str_eq(o.xclbin, "/tmp/a.xclbin");
    ck_assert_str_eq(o.kernel, "k2");
    ck_assert_int_eq(o.uncached, 1);

    ck_assert_int_eq(odpu_xrt_options_parse("index=first", "tiny", &o, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "index=first") && strstr(err.msg, "xrt"), "%s", err.msg);
    ck_assert_int_eq(odpu_xrt_options_parse("index=99999999999", "tiny", &o, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_xrt_options_parse("colour=red", "tiny", &o, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "colour") && strstr(err.msg, "xclbin") && strstr(err.msg, "kernel"), "%s", err.msg);
    ck_assert_int_eq(odpu_xrt_options_parse("buffers=maybe", "tiny", &o, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "cacheable|uncached"), "%s", err.msg);
    ck_assert_int_eq(odpu_xrt_options_parse("xclbin=", "tiny", &o, &err), ODPU_E_ARG);
}
END_TEST

START_TEST(driver_library_path)
{
    char path[PATH_LEN];
    odpu_err err;
    ck_assert_int_eq(odpu_xrt_shim_path(4, NULL, NULL, 0, XRT_MAJOR, path, sizeof path, &err), ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "device 4") && strstr(err.msg, "XILINX_XRT") && strstr(err.msg, "libxrt_core.so.2"),
                  "%s", err.msg);
    ck_assert_int_eq(odpu_xrt_shim_path(0, "", NULL, 0, XRT_MAJOR, path, sizeof path, &err), ODPU_E_DEVICE);
    ck_assert_int_eq(odpu_xrt_shim_path(0, NULL, NULL, 1, XRT_MAJOR, path, sizeof path, &err), ODPU_OK);
    ck_assert_str_eq(path, "/usr/lib/libxrt_core.so.2"); /* Arm: XRT's default root */
    ck_assert_int_eq(odpu_xrt_shim_path(0, "/opt/xilinx/xrt", NULL, 0, XRT_MAJOR, path, sizeof path, &err), ODPU_OK);
    ck_assert_str_eq(path, "/opt/xilinx/xrt/lib/libxrt_core.so.2");
    ck_assert_int_eq(odpu_xrt_shim_path(2, "/opt/xilinx/xrt", "hw_emu", 1, XRT_MAJOR, path, sizeof path, &err),
                     ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "device 2") && strstr(err.msg, "XCL_EMULATION_MODE=hw_emu"), "%s", err.msg);
    char tiny[8];
    ck_assert_int_eq(odpu_xrt_shim_path(0, "/opt/xilinx/xrt", NULL, 0, XRT_MAJOR, tiny, sizeof tiny, &err),
                     ODPU_E_DEVICE);
}
END_TEST

START_TEST(no_device_message)
{
    odpu_err err;
    ck_assert_int_eq(odpu_xrt_no_device(5, 0, &err), ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "index 5") && strstr(err.msg, "zocl") && strstr(err.msg, "/dev/dri/renderD") &&
                      strstr(err.msg, "xbutil examine"),
                  "%s", err.msg);
}
END_TEST

/* ---- The backend, in a build with XRT ------------------------------------------------------------ */

static odpu_status open_xrt(const char *device, const char *trace, odpu_hal **hal, odpu_err *err)
{
    odpu_arch arch;
    ck_assert_msg(odpu_arch_load(test_arch_path("tiny"), &arch, err) == ODPU_OK, "%s", err->msg);
    odpu_hal_options opt = {.arch = &arch, .device = device, .trace_path = trace};
    return odpu_hal_open("xrt", &opt, hal, err);
}

START_TEST(capabilities)
{
    const odpu_hal_caps *c = odpu_hal_backend_capabilities("xrt");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->timing, ODPU_TIMING_MEASURED);
    ck_assert_int_eq(c->exclusive, 1);
    ck_assert_int_eq(c->trace, 0);
    ck_assert_int_eq(c->events, 0);
    ck_assert_msg(c->what && strstr(c->what, "XRT"), "%s", c->what);
}
END_TEST

/* Refused before XRT is called: a bad option, a waveform. */
START_TEST(bad_options_are_refused_by_name)
{
    odpu_hal *hal = NULL;
    odpu_err err;
    ck_assert_int_eq(open_xrt("no-such-option=1", NULL, &hal, &err), ODPU_E_ARG);
    ck_assert_ptr_null(hal);
    ck_assert_msg(strstr(err.msg, "no-such-option") && strstr(err.msg, "index"), "%s", err.msg);
    ck_assert_int_eq(open_xrt("index=-1", NULL, &hal, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "index=-1"), "%s", err.msg);
    ck_assert_int_eq(open_xrt(NULL, "wave.fst", &hal, &err), ODPU_E_UNSUPPORTED);
    ck_assert_msg(strstr(err.msg, "wave.fst") && strstr(err.msg, "xrt"), "%s", err.msg);
}
END_TEST

/* Without XILINX_XRT (x86) XRT 2.13 would abort the process: the backend says so instead. */
START_TEST(open_without_xrt_root_fails_cleanly)
{
    unsetenv("XILINX_XRT");
    unsetenv("XCL_EMULATION_MODE");
    odpu_hal *hal = NULL;
    odpu_err err;
    odpu_status st = open_xrt("index=7", NULL, &hal, &err);
    ck_assert_ptr_null(hal);
    ck_assert_int_eq(st, ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "xrt") && strstr(err.msg, "device 7"), "%s", err.msg);
    /* On Arm the default root is /usr; elsewhere XILINX_XRT is named. */
    ck_assert_msg(strstr(err.msg, "XILINX_XRT") || strstr(err.msg, "no XRT device at index 7"), "%s", err.msg);
    setenv("XCL_EMULATION_MODE", "sw_emu", 1);
    ck_assert_int_eq(open_xrt(NULL, NULL, &hal, &err), ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "device 0") && strstr(err.msg, "XCL_EMULATION_MODE"), "%s", err.msg);
    unsetenv("XCL_EMULATION_MODE");
}
END_TEST

/* The directory of the loaded libxrt_coreutil: its driver library lies beside it. */
static int xrt_lib_dir(char *out, size_t size)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[LINE_MAX_LEN];
    int found = 0;
    while (maps && !found && fgets(line, sizeof line, maps)) {
        char *p = strstr(line, "/libxrt_coreutil.so");
        char *start = strchr(line, '/');
        if (!p || !start || (size_t)(p - start) >= size)
            continue;
        memcpy(out, start, (size_t)(p - start));
        out[p - start] = '\0';
        found = 1;
    }
    if (maps)
        fclose(maps);
    return found;
}

static void path_of(char *out, size_t size, const char *dir, const char *file)
{
    int n = snprintf(out, size, "%s/%s", dir, file);
    ck_assert_msg(n > 0 && (size_t)n < size, "path %s/%s too long", dir, file);
}

/* With the driver library found, XRT itself looks for device 0 and finds none; its log goes
 * to the null sink of an xrt.ini (docs/hal.md), so nothing is printed. */
START_TEST(open_without_a_device_fails_cleanly)
{
    char libdir[PATH_LEN], shim[PATH_LEN], link[PATH_LEN], ini[PATH_LEN], name[ODPU_XRT_NAME_MAX];
    ck_assert_msg(xrt_lib_dir(libdir, sizeof libdir), "libxrt_coreutil is not mapped into this process");
    snprintf(name, sizeof name, "libxrt_core.so.%d", XRT_MAJOR);
    path_of(shim, sizeof shim, libdir, name);
    ck_assert_msg(access(shim, R_OK) == 0, "%s: no driver library beside libxrt_coreutil", shim);
    char *root = test_tmpdir("xrt_root");
    path_of(link, sizeof link, root, "lib");
    ck_assert_int_eq(mkdir(link, 0700), 0);
    char libsub[PATH_LEN];
    path_of(libsub, sizeof libsub, root, "lib");
    path_of(link, sizeof link, libsub, name);
    ck_assert_int_eq(symlink(shim, link), 0);
    path_of(ini, sizeof ini, root, "xrt.ini");
    FILE *f = fopen(ini, "w");
    ck_assert_ptr_nonnull(f);
    fputs("[Runtime]\nruntime_log = null\n", f);
    fclose(f);
    setenv("XILINX_XRT", root, 1);
    setenv("XRT_INI_PATH", ini, 1);
    unsetenv("XCL_EMULATION_MODE");

    odpu_hal *hal = NULL;
    odpu_err err;
    ck_assert_int_eq(open_xrt(NULL, NULL, &hal, &err), ODPU_E_DEVICE);
    ck_assert_ptr_null(hal);
    ck_assert_msg(strstr(err.msg, "HAL backend 'xrt'") && strstr(err.msg, "no XRT device at index 0") &&
                      strstr(err.msg, "zocl"),
                  "%s", err.msg);
    ck_assert_int_eq(open_xrt("3", NULL, &hal, &err), ODPU_E_DEVICE);
    ck_assert_msg(strstr(err.msg, "index 3"), "%s", err.msg);
    unsetenv("XILINX_XRT");
    unsetenv("XRT_INI_PATH");
    test_remove_tree(root);
}
END_TEST

static Suite *hal_xrt_suite(void)
{
    Suite *s = suite_create("hal_xrt");
    TCase *tc = tcase_create("map");
    tcase_add_test(tc, every_argument_at_its_index_offset_and_width);
    tcase_add_test(tc, every_word_maps_to_its_argument);
    tcase_add_test(tc, kernel_xml_agrees);
    tcase_add_test(tc, control_block_of_a_run);
    tcase_add_test(tc, control_block_restarts);
    tcase_add_test(tc, device_options);
    tcase_add_test(tc, driver_library_path);
    tcase_add_test(tc, no_device_message);
    suite_add_tcase(s, tc);
    if (!odpu_hal_backend_capabilities("xrt")) {
        fprintf(stderr, "test_hal_xrt: this build has no xrt backend (XRT=0): only its XRT-independent half is tested\n");
        return s;
    }
    TCase *dev = tcase_create("backend");
    tcase_add_test(dev, capabilities);
    tcase_add_test(dev, bad_options_are_refused_by_name);
    tcase_add_test(dev, open_without_xrt_root_fails_cleanly);
    tcase_add_test(dev, open_without_a_device_fails_cleanly);
    suite_add_tcase(s, dev);
    return s;
}

ODPU_TEST_MAIN(hal_xrt_suite)
