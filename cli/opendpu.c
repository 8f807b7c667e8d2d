/* opendpu.c - entry point of the `opendpu` tool: dispatches to the subcommands in commands.h.
 * Every subcommand prints errors as "opendpu CMD: message" on stderr and exits non-zero. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} command;

static const command commands[] = {
    {"archgen", cmd_archgen, "archgen ARCH.yaml [--c-header OUT.h] [--verilog OUT.vh] [--print]"},
    {"disasm", cmd_disasm, "disasm FILE (.odpu model or raw .bin stream)"},
    {"validate", cmd_validate, "validate MODEL.odpu --arch ARCH.yaml"},
    {"quantize", cmd_quantize, "quantize MODEL.onnx --calib DATA [--calib-method M] [--no-cle] "
                               "[--no-bias-correction] -o OUT.onnx"},
    {"info", cmd_info, "info MODEL.odpu (per layer: shapes, MACs, weights, tile plan, instructions, DDR bytes)"},
    {"compile", cmd_compile, "compile MODEL.onnx --arch ARCH.yaml [--calib DATA] [--calib-method M] -o OUT.odpu"},
    {"demo", cmd_demo, "demo [--arch ARCH.yaml] [--backend ref] [--seed N] [--images N] [-o OUT.odpu]"},
    {"backends", cmd_backends, "backends [--format text|md|csv|json]: the engines this build drives and their "
                               "timing (none, simulated, measured)"},
    {"eval", cmd_eval, "eval MODEL.onnx|.odpu --data DATA [--backend ref] [--arch ARCH.yaml] [--calib DATA] "
                       "[--limit N] [--threads N]"},
    {"compare", cmd_compare, "compare MODEL.onnx|.odpu --data DATA [--backends ref,sim] [--arch ARCH.yaml] "
                             "[--limit N]: bit-exactness of two engines, image by image"},
    {"profile", cmd_profile, "profile MODEL.onnx|.odpu [--backend sim] [--arch ARCH.yaml] [--timeline FILE.json] "
                             "[--roofline FILE.svg] [--format text|md|csv|json]: "
                             "cycles, utilization, DDR bytes and stalls of one frame, per layer"},
    {"bench", cmd_bench, "bench MODEL.onnx... [--arch ARCH.yaml[,ARCH.yaml...]] [--sim-images N] [--limit N] "
                         "[--format text|md|csv|json]: the model table (accuracy, bit-exactness, FPS)"},
    {"run", cmd_run, "run MODEL.odpu|.onnx --input IMAGE [--backend ref] [--device OPTS] [--top N]"},
    {"vboard", cmd_vboard, "vboard --arch ARCH.yaml --root DIR: serve the Verilated engine as a virtual board "
                           "for --backend uio --device DIR"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: opendpu COMMAND [ARGS]\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  opendpu %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "opendpu: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
