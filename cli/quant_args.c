/* quant_args.c - shared calibration options of quantize and compile (see quant_args.h). */
#include "cli/quant_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char quant_args_help[] =
    "  --calib DATA            calibration images: fashion-mnist:train|test, idx:IMAGES,LABELS or an\n"
    "                          image folder, optionally @N (default: the first 300 images)\n"
    "  --calib-method M        minmax | percentile | entropy | mse (default mse)\n"
    "  --percentile P          clip point of the percentile method (default 99.99)\n"
    "  --meta MODEL.yaml       preprocessing and labels (default: model.yaml next to the ONNX file)\n"
    "  --no-cle                skip cross-layer equalization\n"
    "  --no-bias-correction    skip bias correction\n";

static int bad_value(const char *cmd, const char *opt, const char *value, const char *why)
{
    fprintf(stderr, "opendpu %s: %s '%s': %s\n", cmd, opt, value ? value : "", why);
    return -1;
}

int quant_args_parse(const char *cmd, int argc, char **argv, int *i, odpu_pipeline_options *o)
{
    const char *arg = argv[*i];
    if (!strcmp(arg, "--no-cle")) {
        o->ptq.cross_layer_equalization = 0;
        return 1;
    }
    if (!strcmp(arg, "--no-bias-correction")) {
        o->ptq.bias_correction = 0;
        return 1;
    }
    int takes_value = !strcmp(arg, "--calib") || !strcmp(arg, "--calib-method") || !strcmp(arg, "--percentile") ||
                      !strcmp(arg, "--meta");
    if (!takes_value)
        return 0;
    if (*i + 1 >= argc)
        return bad_value(cmd, arg, NULL, "needs a value");
    const char *v = argv[++*i];
    if (!strcmp(arg, "--calib")) {
        o->calib_spec = v;
    } else if (!strcmp(arg, "--meta")) {
        o->meta_path = v;
    } else if (!strcmp(arg, "--calib-method")) {
        odpu_err err;
        odpu_err_clear(&err);
        if (odpu_calib_method_parse(v, &o->ptq.method, &err) != ODPU_OK)
            return bad_value(cmd, arg, v, err.msg);
    } else {
        char *end;
        errno = 0;
        double p = strtod(v, &end);
        if (errno || end == v || *end || !(p > 0 && p <= 100))
            return bad_value(cmd, arg, v, "must be a number in (0, 100]");
        o->ptq.percentile = p;
    }
    return 1;
}

void quant_args_describe(const odpu_pipeline_options *o, const odpu_pipeline *p, char *buf, size_t size)
{
    if (p->qdq_input) {
        snprintf(buf, size, "parameters from the QDQ file");
        return;
    }
    char method[64];
    if (o->ptq.method == ODPU_CALIB_PERCENTILE)
        snprintf(method, sizeof method, "percentile %g", o->ptq.percentile);
    else
        snprintf(method, sizeof method, "%s", odpu_calib_method_name(o->ptq.method));
    snprintf(buf, size, "%s calibration over %d images of %s%s%s", method, p->calib_count, o->calib_spec,
             o->ptq.cross_layer_equalization ? ", CLE" : "", o->ptq.bias_correction ? ", bias correction" : "");
}
