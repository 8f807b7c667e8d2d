/* cmd_validate.c - `opendpu validate MODEL.odpu --arch ARCH.yaml`: would an engine of this
 * arch accept the model? The same checks the runtime makes before a run, without an engine:
 * file integrity, arch fingerprint, then every rule of docs/isa.md on the stream. */
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"
#include "cli/commands.h"
#include "host/model.h"
#include "isa/isa.h"

enum { EXIT_INVALID = 1, EXIT_USAGE = 2 };

static const char validate_usage[] = "usage: opendpu validate MODEL.odpu --arch ARCH.yaml\n";

static int usage_error(const char *what)
{
    fprintf(stderr, "opendpu validate: %s\n%s", what, validate_usage);
    return EXIT_USAGE;
}

static odpu_status validate(const char *model_path, const char *arch_path, size_t *n_insns, odpu_err *err)
{
    odpu_arch arch;
    odpu_model model;
    odpu_status st = odpu_arch_load(arch_path, &arch, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_model_load(model_path, &model, err);
    if (st != ODPU_OK)
        return st;
    st = odpu_model_check_fingerprint(&model, arch.name, arch.fingerprint, err);
    if (st == ODPU_OK) {
        odpu_isa_limits lim;
        odpu_ddr_layout layout;
        odpu_arch_limits(&arch, &lim);
        odpu_model_ddr_layout(&model, &layout);
        st = odpu_stream_validate(model.insns, model.n_insns, &lim, &layout, NULL, NULL, err);
    }
    if (st != ODPU_OK)
        odpu_err_prefix(err, "%s: ", model_path);
    *n_insns = model.n_insns;
    odpu_model_free(&model);
    return st;
}

int cmd_validate(int argc, char **argv)
{
    const char *model_path = NULL, *arch_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(validate_usage, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--arch")) {
            if (++i == argc)
                return usage_error("--arch needs a file");
            arch_path = argv[i];
        } else if (argv[i][0] == '-') {
            return usage_error("unknown option");
        } else if (model_path) {
            return usage_error("more than one model file given");
        } else {
            model_path = argv[i];
        }
    }
    if (!model_path || !arch_path)
        return usage_error(!model_path ? "no model file given" : "--arch ARCH.yaml is required");

    odpu_err err;
    odpu_err_clear(&err);
    size_t n_insns = 0;
    if (validate(model_path, arch_path, &n_insns, &err) != ODPU_OK) {
        fprintf(stderr, "opendpu validate: %s\n", err.msg);
        return EXIT_INVALID;
    }
    printf("%s: valid, %zu instructions\n", model_path, n_insns);
    return 0;
}
