/* cmd_compile.c - `opendpu compile MODEL.onnx --arch ARCH.yaml [--calib DATA ...] -o OUT.odpu`:
 * import, quantize (or take a QDQ file's parameters) and compile for one arch config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "cli/commands.h"
#include "cli/quant_args.h"
#include "compiler/compiler.h"
#include "data/meta.h"
#include "host/model.h"
#include "quantizer/pipeline.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, DESCRIPTION_MAX = 512 };

static const char compile_usage[] =
    "usage: opendpu compile MODEL.onnx --arch ARCH.yaml [--calib DATA] [options] -o OUT.odpu\n"
    "  (a QDQ ONNX file brings its own quantization: --calib is then not needed)\n"
    "  --no-fused-pool         keep every MaxPool a POOL layer (no pooling in the CONV output stage)\n";

typedef struct compile_args {
    const char *model, *arch, *out;
    int no_fused_pool;
    odpu_pipeline_options o;
} compile_args;

static int usage_error(const char *what)
{
    fprintf(stderr, "opendpu compile: %s\n%s", what, compile_usage);
    return EXIT_USAGE;
}

/* 0 to go on, EXIT_USAGE after a usage error, -1 after --help. */
static int parse_args(int argc, char **argv, compile_args *a)
{
    for (int i = 1; i < argc; i++) {
        int shared = quant_args_parse("compile", argc, argv, &i, &a->o);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        const char **dest = !strcmp(argv[i], "-o") ? &a->out : !strcmp(argv[i], "--arch") ? &a->arch : NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("%s%s", compile_usage, quant_args_help);
            return -1;
        }
        if (!strcmp(argv[i], "--no-fused-pool")) {
            a->no_fused_pool = 1;
        } else if (dest) {
            if (++i == argc)
                return usage_error("-o and --arch need a file name");
            *dest = argv[i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "opendpu compile: unknown option '%s'\n%s", argv[i], compile_usage);
            return EXIT_USAGE;
        } else if (a->model) {
            return usage_error("more than one model file given");
        } else {
            a->model = argv[i];
        }
    }
    if (!a->model)
        return usage_error("no model file given");
    if (!a->arch)
        return usage_error("--arch ARCH.yaml is required");
    if (!a->out)
        return usage_error("-o OUT.odpu is required");
    return 0;
}

/* META lines: the model.yaml's (preprocessing, labels) when there is one, then how it was
 * quantized. Malloc'ed. */
static odpu_status meta_text(const odpu_pipeline *p, const char *how, char **out, odpu_err *err)
{
    char *yaml_part = NULL;
    if (p->has_meta) {
        odpu_status st = odpu_meta_to_text(&p->meta, &yaml_part, err);
        if (st != ODPU_OK)
            return st;
    }
    size_t n = (yaml_part ? strlen(yaml_part) : 0) + strlen(how) + sizeof "quantization=\n";
    *out = malloc(n);
    if (!*out) {
        free(yaml_part);
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    }
    snprintf(*out, n, "%squantization=%s\n", yaml_part ? yaml_part : "", how);
    free(yaml_part);
    return ODPU_OK;
}

static odpu_status compile_model(const compile_args *a, const odpu_pipeline *p, const char *how, odpu_err *err)
{
    odpu_arch arch;
    odpu_status st = odpu_arch_load(a->arch, &arch, err);
    if (st != ODPU_OK)
        return st;
    char *meta = NULL;
    st = meta_text(p, how, &meta, err);
    if (st != ODPU_OK)
        return st;
    odpu_compile_options co = {.arch = &arch, .meta = meta, .no_fused_pool = a->no_fused_pool};
    odpu_model model;
    memset(&model, 0, sizeof model);
    st = odpu_compile(&p->quant, &co, &model, err);
    if (st == ODPU_OK) {
        st = odpu_model_save(&model, a->out, err);
        if (st == ODPU_OK)
            printf("%s: %s, %zu instructions for %s -> %s\n", a->model, how, model.n_insns, arch.name, a->out);
        odpu_model_free(&model);
    }
    free(meta);
    return st;
}

int cmd_compile(int argc, char **argv)
{
    compile_args a;
    memset(&a, 0, sizeof a);
    odpu_pipeline_default_options(&a.o);
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_pipeline p;
    odpu_status st = odpu_pipeline_run(a.model, &a.o, &p, &err);
    if (st == ODPU_OK) {
        char how[DESCRIPTION_MAX];
        quant_args_describe(&a.o, &p, how, sizeof how);
        if (p.qdq_input && a.o.calib_spec)
            fprintf(stderr, "opendpu compile: note: %s is already quantized (QDQ); --calib is not used\n", a.model);
        st = compile_model(&a, &p, how, &err);
        odpu_pipeline_free(&p);
    }
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu compile: %s\n", err.msg);
        return EXIT_FAILED;
    }
    return 0;
}
