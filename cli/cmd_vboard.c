/* cmd_vboard.c - `opendpu vboard --arch ARCH.yaml --root DIR`: a virtual board for the uio
 * backend (sim/vboard.h): the Verilated engine behind files that look like a board's /dev and
 * /sys, served until SIGINT or SIGTERM. Needs a build with the sim backend. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "boards/board_names.h"
#include "cli/commands.h"
#include "cli/usage.h"
#include "host/device_options.h"

#ifdef ODPU_WITH_VBOARD
#include "sim/vboard.h"
#endif

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
};

/* The DMA buffer: a sparse file, so its size costs nothing until used; the zoo's largest
 * model needs a few MiB. */
#define DEFAULT_UDMABUF_SIZE "64M" /* udmabuf_mib of the shipped board descriptions */
#define MAX_UDMABUF_BYTES (UINT64_C(4) << 30)

/* Where the u-dma-buf sits in the physical map: in the PS DDR below 2 GiB, where CMA puts it. */
#define DEFAULT_UDMABUF_PHYS UINT64_C(0x70000000)

static const char vboard_usage[] =
    "usage: opendpu vboard --arch ARCH.yaml --root DIR [--name opendpu] [--udmabuf udmabuf-opendpu]\n"
    "                      [--udmabuf-size BYTES] [--phys ADDR] [--coherent] [--fault irq-lost]\n"
    "                      [--ddr-fault silent|slverr] [--trace WAVE.fst]\n"
    "  Serves the Verilated engine of ARCH behind DIR/dev and DIR/sys laid out like a board with the\n"
    "  engine's overlay loaded, until SIGINT or SIGTERM; drive it with --backend uio --device DIR.\n"
    "  --udmabuf-size: the DMA buffer's size (K/M/G suffixes; default 64M as on the boards, a sparse file); --coherent:\n"
    "  dma_coherent reads 1 (the driver skips cache syncs);\n"
    "  --fault irq-lost: the CPU never sees the interrupt; --ddr-fault: a DDR that stops answering or\n"
    "  answers SLVERR. docs/boards.md, \"The virtual board\".\n";

#ifdef ODPU_WITH_VBOARD
typedef struct vboard_args {
    const char *arch_path, *root, *name, *udmabuf, *size, *phys, *fault, *ddr_fault, *trace;
    int coherent;
} vboard_args;

static int parse_args(int argc, char **argv, vboard_args *a)
{
    *a = (vboard_args){.name = ODPU_BOARD_UIO_NAME, .udmabuf = ODPU_BOARD_UDMABUF_NAME, .size = DEFAULT_UDMABUF_SIZE};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **str = !strcmp(o, "--arch") ? &a->arch_path
                         : !strcmp(o, "--root") ? &a->root
                         : !strcmp(o, "--name") ? &a->name
                         : !strcmp(o, "--udmabuf") ? &a->udmabuf
                         : !strcmp(o, "--phys") ? &a->phys
                         : !strcmp(o, "--udmabuf-size") ? &a->size
                         : !strcmp(o, "--fault") ? &a->fault
                         : !strcmp(o, "--ddr-fault") ? &a->ddr_fault
                         : !strcmp(o, "--trace") ? &a->trace
                         : NULL;
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            printf("%s", vboard_usage);
            return -1;
        } else if (!strcmp(o, "--coherent")) {
            a->coherent = 1;
        } else if (str) {
            if (!v)
                return cli_usage_error("vboard", vboard_usage, "%s needs a value", o);
            *str = argv[++i];
        } else {
            return cli_usage_error("vboard", vboard_usage, "unknown argument '%s'", o);
        }
    }
    if (!a->arch_path || !a->root)
        return cli_usage_error("vboard", vboard_usage, "--arch and --root are required");
    return 0;
}

static int to_options(const vboard_args *a, const odpu_arch *arch, vboard_options *o)
{
    *o = (vboard_options){.arch = arch, .root = a->root, .uio_name = a->name, .udmabuf_name = a->udmabuf,
                          .udmabuf_phys = DEFAULT_UDMABUF_PHYS, .coherent = a->coherent, .trace_path = a->trace};
    odpu_err err;
    unsigned long long bytes;
    if (odpu_device_option_number("vboard", "--udmabuf-size", a->size, MAX_UDMABUF_BYTES, &bytes, &err) != ODPU_OK)
        return cli_usage_error("vboard", vboard_usage, "%s", err.msg);
    o->udmabuf_bytes = bytes;
    char *end = NULL;
    if (a->phys && ((o->udmabuf_phys = strtoull(a->phys, &end, 0)) == 0 || *end))
        return cli_usage_error("vboard", vboard_usage, "--phys wants an address such as 0x70000000, got '%s'", a->phys);
    if (a->fault && strcmp(a->fault, "irq-lost"))
        return cli_usage_error("vboard", vboard_usage, "--fault knows irq-lost, got '%s'", a->fault);
    o->fault = a->fault ? VBOARD_FAULT_IRQ_LOST : VBOARD_FAULT_NONE;
    if (a->ddr_fault && strcmp(a->ddr_fault, "silent") && strcmp(a->ddr_fault, "slverr"))
        return cli_usage_error("vboard", vboard_usage, "--ddr-fault knows silent and slverr, got '%s'", a->ddr_fault);
    o->ddr = !a->ddr_fault ? DDR_FAULT_NONE : !strcmp(a->ddr_fault, "silent") ? DDR_FAULT_SILENT : DDR_FAULT_SLVERR;
    return 0;
}

int cmd_vboard(int argc, char **argv)
{
    vboard_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_arch arch;
    odpu_err err;
    vboard_options o;
    if (odpu_arch_load(a.arch_path, &arch, &err) != ODPU_OK) {
        fprintf(stderr, "opendpu vboard: %s\n", err.msg);
        return EXIT_FAIL;
    }
    if ((rc = to_options(&a, &arch, &o)) != 0)
        return rc;
    if (vboard_serve(&o, &err) != ODPU_OK) {
        fprintf(stderr, "opendpu vboard: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return 0;
}
#else
int cmd_vboard(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "opendpu vboard: this build has no Verilator engine (built with SIM=0); %s", vboard_usage);
    return EXIT_FAIL;
}
#endif
