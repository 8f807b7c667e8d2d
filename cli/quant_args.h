/* quant_args.h - the calibration and PTQ options `opendpu quantize` and `opendpu compile`
 * share (--calib, --calib-method, ...), parsed into pipeline options. */
#ifndef ODPU_CLI_QUANT_ARGS_H
#define ODPU_CLI_QUANT_ARGS_H

#include "quantizer/pipeline.h"

/* Help text for the shared options, one per line. */
extern const char quant_args_help[];

/* If argv[*i] is a shared option, consume it (and its value), store it in o and return 1;
 * return 0 if it is not one; on a bad value print "opendpu CMD: ..." and return -1. */
int quant_args_parse(const char *cmd, int argc, char **argv, int *i, odpu_pipeline_options *o);

/* "mse calibration over 300 images of SPEC, CLE, bias correction" for reports. */
void quant_args_describe(const odpu_pipeline_options *o, const odpu_pipeline *p, char *buf, size_t size);

#endif
