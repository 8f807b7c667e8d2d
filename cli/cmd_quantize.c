/* cmd_quantize.c - `opendpu quantize MODEL.onnx --calib DATA [...] -o MODEL_qdq.onnx`: INT8
 * post-training quantization of a float ONNX model, written as a standard QDQ ONNX file that
 * ONNX Runtime and `opendpu compile` read (docs/ptq.md). */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/quant_args.h"
#include "quantizer/pipeline.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, DESCRIPTION_MAX = 512 };

static const char quantize_usage[] = "usage: opendpu quantize MODEL.onnx --calib DATA [options] -o OUT.onnx\n";

static int usage_error(const char *what)
{
    fprintf(stderr, "opendpu quantize: %s\n%s", what, quantize_usage);
    return EXIT_USAGE;
}

/* 0 to go on, EXIT_USAGE after a usage error, -1 after --help. */
static int parse_args(int argc, char **argv, const char **model, const char **out, odpu_pipeline_options *o)
{
    for (int i = 1; i < argc; i++) {
        int shared = quant_args_parse("quantize", argc, argv, &i, o);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("%s%s", quantize_usage, quant_args_help);
            return -1;
        }
        if (!strcmp(argv[i], "-o")) {
            if (++i == argc)
                return usage_error("-o needs a file name");
            *out = argv[i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "opendpu quantize: unknown option '%s'\n%s", argv[i], quantize_usage);
            return EXIT_USAGE;
        } else if (*model) {
            return usage_error("more than one model file given");
        } else {
            *model = argv[i];
        }
    }
    if (!*model)
        return usage_error("no model file given");
    if (!*out)
        return usage_error("-o OUT.onnx is required");
    if (!o->calib_spec)
        return usage_error("--calib DATA is required");
    return 0;
}

int cmd_quantize(int argc, char **argv)
{
    const char *model = NULL, *out = NULL;
    odpu_pipeline_options o;
    odpu_pipeline_default_options(&o);
    int rc = parse_args(argc, argv, &model, &out, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_pipeline p;
    odpu_status st = odpu_pipeline_run(model, &o, &p, &err);
    if (st == ODPU_OK) {
        st = odpu_qdq_export(&p.quant, out, &err);
        char how[DESCRIPTION_MAX];
        quant_args_describe(&o, &p, how, sizeof how);
        if (st == ODPU_OK)
            printf("%s: %s -> %s\n", model, how, out);
        odpu_pipeline_free(&p);
    }
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu quantize: %s\n", err.msg);
        return EXIT_FAILED;
    }
    return 0;
}
