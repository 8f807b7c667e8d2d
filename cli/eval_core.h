/* eval_core.h - top-1 accuracy of a model over a labelled set, on worker threads: the float
 * model, the INT8 model on one engine, and optionally a second engine whose every output is
 * checked byte for byte against the first (shared by `opendpu eval` and `opendpu bench`).
 *
 * Images are split into contiguous ranges, one per worker, each with its own engines and
 * float executor. Predictions are stored by image index and counted after the workers join,
 * so the result does not depend on the number of threads. */
#ifndef ODPU_CLI_EVAL_CORE_H
#define ODPU_CLI_EVAL_CORE_H

#include <stdint.h>

#include "cli/model_load.h"
#include "data/dataset.h"

/* More workers than this only adds engine instances: the host has a few cores. */
enum { CLI_EVAL_MAX_THREADS = 64 };

typedef struct cli_eval_request {
    const cli_model *m;
    const odpu_dataset *ds;
    int n_images;              /* the first n_images of ds (1 .. ds->count) */
    int threads;               /* 1 .. CLI_EVAL_MAX_THREADS; fewer if there are fewer images, 1 on an
                                  exclusive backend (host/hal.h caps) */
    int fp32;                  /* also run the float model (needs m->has_fp32) */
    const char *backend;       /* the INT8 engine */
    const char *device;        /* the --device argument (cli_device_for), or NULL */
    const char *check_backend; /* NULL, or an engine whose outputs must equal backend's */
    const char *trace;         /* waveform of the INT8 engine's session (threads 1), or NULL */
    const char *label;         /* prefix of the progress line (e.g. the model), or NULL */
} cli_eval_request;

typedef struct cli_eval_result {
    int n;                          /* images evaluated */
    int threads;                    /* workers used */
    int correct_fp32, correct_int8; /* top-1 hits of the float model and of backend */
    int agree;                      /* images where FP32 and INT8 predict the same class */
    int correct_check, equal;       /* check_backend's hits; images whose outputs are equal */
    double sec_fp32, sec_int8;      /* host wall time of each phase */
    uint64_t cycles_min, cycles_max; /* backend's cycles per image (0 on an untimed engine) */
    odpu_timing timing;             /* how backend's cycles come about (its handle's capabilities) */
    uint64_t run_wall_ns;           /* host wall time of backend's runs (cli_engine.run_wall_ns), summed */
    const char *mapping;            /* how dataset classes were matched to the model's */
    int *labels;                    /* by image: the model class of the image's label */
    int *pred_fp32, *pred_int8;     /* by image: predicted classes (pred_fp32 all 0 without fp32) */
} cli_eval_result;

/* Run the request. Errors name the image (the lowest failing one, whatever the timing). */
odpu_status cli_eval_run(const cli_eval_request *rq, cli_eval_result *r, odpu_err *err);
void cli_eval_result_free(cli_eval_result *r);

#endif
