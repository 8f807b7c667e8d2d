/* model_load.h - how `opendpu eval` and `opendpu run` get a model to run: a compiled .odpu
 * file as it is, or an .onnx compiled in memory (import, calibrate, quantize, compile), with
 * the preprocessing and labels and, when asked, the float graph for the FP32 column. */
#ifndef ODPU_CLI_MODEL_LOAD_H
#define ODPU_CLI_MODEL_LOAD_H

#include "arch/arch.h"
#include "common/err.h"
#include "data/meta.h"
#include "host/hal.h"
#include "host/runtime.h"
#include "host/model.h"
#include "quantizer/graph.h"
#include "quantizer/pipeline.h"

/* The arch an .onnx is compiled for when --arch is not given. */
#define CLI_DEFAULT_ARCH "arch/b4096.yaml"

enum { CLI_DESC_MAX = 512 };

typedef struct cli_model_options {
    const char *model_path;   /* .onnx or .odpu */
    const char *arch_path;    /* NULL: .onnx -> CLI_DEFAULT_ARCH; .odpu -> arch/<its arch>.yaml */
    const char *onnx_path;    /* .odpu: the float model for the FP32 column (optional) */
    /* .onnx: calibration and PTQ (cli/quant_args.h); a NULL calib_spec means the training
     * split of model.yaml's dataset, a NULL meta_path the model.yaml next to the ONNX file. */
    odpu_pipeline_options quant;
    int want_fp32;            /* produce the canonical float graph (needs an .onnx) */
} cli_model_options;

/* Defaults: no paths, the pipeline's default options. */
void cli_model_default_options(cli_model_options *o);

typedef struct cli_model {
    odpu_model model;         /* the INT8 model the engine runs */
    odpu_arch arch;           /* the engine's config */
    odpu_model_meta meta;     /* preprocessing and labels (model.yaml or the model's META) */
    odpu_graph fp32;          /* canonical float graph, when has_fp32 */
    int has_model, has_meta, has_fp32;
    const odpu_tensor_desc *input, *output; /* the model's one input and one output tensor */
    char desc[CLI_DESC_MAX];  /* where the model came from, for the report header */
} cli_model;

/* Load or build the model, check that it is a classifier this tool can drive (one input of
 * the preprocessing's shape, one output of one score per label). Errors name the file. */
odpu_status cli_model_load(const cli_model_options *o, cli_model *m, odpu_err *err);
void cli_model_free(cli_model *m);

/* One engine instance running a cli_model: the HAL backend, the runtime and the buffers of
 * one classification (shared by eval's workers and run). */
typedef struct cli_engine {
    odpu_hal *hal;
    odpu_runtime *rt;
    int8_t *qin, *qout;       /* engine input / output tensors */
    float *scores;            /* dequantized output, meta.n_labels values */
    odpu_run_stats stats;     /* the last run's engine counters (cycles 0 on an untimed engine) */
    uint32_t timeout_ms;      /* host wall time one inference may take (CLI_ENGINE_TIMEOUT_MS) */
    uint64_t run_wall_ns;     /* host wall time of the last odpu_runtime_run: input in, run, output out */
} cli_engine;

/* One inference of a zoo model on the golden model takes milliseconds; a minute means the
 * engine hangs. */
enum { CLI_ENGINE_TIMEOUT_MS = 60000 };

/* device: the backend's device options (docs/hal.md), NULL for its defaults; trace_path: a
 * waveform of the whole session (sim backend, docs/sim.md), NULL for none. */
odpu_status cli_engine_open(cli_engine *e, const cli_model *m, const char *backend, const char *device,
                            const char *trace_path, odpu_err *err);

/* Which backend a --device argument is for. "NAME:OPTIONS" (NAME a backend of this build) is
 * for NAME only; plain OPTIONS are for the engine under test (--backend, or the second of
 * --backends), never for a reference engine a command checks it against. Returns the options
 * for `backend`, or NULL. */
const char *cli_device_for(const char *device_arg, const char *backend, int under_test);
void cli_engine_close(cli_engine *e);
/* Quantize one preprocessed NCHW float input, run it, dequantize into e->scores. */
odpu_status cli_engine_classify(cli_engine *e, const cli_model *m, const float *input, odpu_err *err);

/* The labelled test split of the model's dataset (model.yaml `dataset`), for reports that
 * measure accuracy without being told where the data is; an error names the dataset. */
odpu_status cli_default_test_data(const cli_model *m, const char **spec, odpu_err *err);

/* Does the path end in ext (".onnx", ".odpu")? */
int cli_has_ext(const char *path, const char *ext);

#endif
