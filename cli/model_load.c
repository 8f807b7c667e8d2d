/* model_load.c - an INT8 model for eval/run from an .odpu file or an .onnx compiled in memory
 * (see model_load.h). */
#include "cli/model_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/quant_args.h"
#include "common/clock.h"
#include "data/classify.h"
#include "compiler/compiler.h"

enum { PATH_LEN_MAX = 4096 };

/* The META key under which `opendpu compile` says how the model was quantized. */
#define QUANT_KEY "quantization="

/* Datasets we know the splits of: model.yaml's `dataset` -> the training split (calibration
 * by default) and the test split (accuracy by default). */
static const struct {
    const char *dataset, *train_spec, *test_spec;
} known_datasets[] = {
    {"fashion-mnist", "fashion-mnist:train", "fashion-mnist:test"},
};

void cli_model_default_options(cli_model_options *o)
{
    memset(o, 0, sizeof *o);
    odpu_pipeline_default_options(&o->quant);
}

int cli_has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && !strcmp(path + n - e, ext);
}

void cli_model_free(cli_model *m)
{
    if (!m)
        return;
    if (m->has_model)
        odpu_model_free(&m->model);
    if (m->has_meta)
        odpu_meta_free(&m->meta);
    if (m->has_fp32)
        odpu_graph_free(&m->fp32);
    memset(m, 0, sizeof *m);
}

/* model.yaml next to the ONNX file. */
static void meta_path_for(const char *onnx, char *out, size_t size)
{
    const char *slash = strrchr(onnx, '/');
    int dir_len = slash ? (int)(slash - onnx) : 0;
    snprintf(out, size, "%.*s%smodel.yaml", dir_len, onnx, slash ? "/" : "");
}

/* The known dataset named name (model.yaml's `dataset`), or -1. */
static int find_dataset(const char *name)
{
    for (size_t i = 0; name && i < sizeof known_datasets / sizeof known_datasets[0]; i++)
        if (!strcmp(name, known_datasets[i].dataset))
            return (int)i;
    return -1;
}

static odpu_status default_calib(const odpu_model_meta *meta, const char *yaml, const char **spec, odpu_err *err)
{
    int k = find_dataset(meta->dataset);
    if (k < 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: no default calibration data for dataset '%s'; give --calib DATA", yaml,
                         meta->dataset ? meta->dataset : "(none)");
    *spec = known_datasets[k].train_spec;
    return ODPU_OK;
}

odpu_status cli_default_test_data(const cli_model *m, const char **spec, odpu_err *err)
{
    const char *name = m->has_meta ? m->meta.dataset : NULL;
    int k = find_dataset(name);
    if (k < 0)
        return odpu_fail(err, ODPU_E_ARG, "%s: no known test split for dataset '%s'; give --data DATA", m->desc,
                         name ? name : "(none)");
    *spec = known_datasets[k].test_spec;
    return ODPU_OK;
}

/* Import, calibrate, quantize (quantizer/pipeline.h) and compile for the arch. */
static odpu_status build_from_onnx(const cli_model_options *o, cli_model *m, odpu_err *err)
{
    char yaml[PATH_LEN_MAX];
    if (o->quant.meta_path)
        snprintf(yaml, sizeof yaml, "%s", o->quant.meta_path);
    else
        meta_path_for(o->model_path, yaml, sizeof yaml);
    odpu_status st = odpu_meta_load(yaml, &m->meta, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "%s needs its model.yaml for preprocessing and labels: ", o->model_path);
    m->has_meta = 1;
    odpu_pipeline_options po = o->quant;
    po.meta_path = yaml;
    po.keep_fp32 = o->want_fp32;
    if (!po.calib_images)
        po.calib_images = m->meta.calib_images;
    if (!po.calib_spec && (st = default_calib(&m->meta, yaml, &po.calib_spec, err)) != ODPU_OK)
        return st;
    odpu_pipeline p;
    if ((st = odpu_pipeline_run(o->model_path, &po, &p, err)) != ODPU_OK)
        return st;
    char *meta_text = NULL;
    st = odpu_meta_to_text(&m->meta, &meta_text, err);
    if (st == ODPU_OK) {
        odpu_compile_options co = {.arch = &m->arch, .meta = meta_text};
        st = odpu_compile(&p.quant, &co, &m->model, err);
        m->has_model = st == ODPU_OK;
    }
    free(meta_text);
    if (st == ODPU_OK && p.has_fp32) { /* the float graph moves to m */
        m->fp32 = p.fp32;
        m->has_fp32 = 1;
        odpu_graph_init(&p.fp32);
    }
    char how[CLI_DESC_MAX / 2];
    quant_args_describe(&po, &p, how, sizeof how);
    snprintf(m->desc, sizeof m->desc, "%s compiled in memory for %s (%s)", o->model_path, m->arch.name, how);
    odpu_pipeline_free(&p);
    return st;
}

/* The float graph of an .onnx for the FP32 column of an .odpu evaluation. */
static odpu_status load_fp32(const char *onnx, cli_model *m, odpu_err *err)
{
    odpu_graph_init(&m->fp32);
    m->has_fp32 = 1;
    odpu_status st = odpu_onnx_import(onnx, &m->fp32, err);
    if (st == ODPU_OK)
        st = odpu_graph_optimize(&m->fp32, err);
    return st;
}

static odpu_status load_odpu(const cli_model_options *o, cli_model *m, odpu_err *err)
{
    odpu_status st = odpu_model_load(o->model_path, &m->model, err);
    if (st != ODPU_OK)
        return st;
    m->has_model = 1;
    char arch_path[PATH_LEN_MAX];
    if (o->arch_path)
        snprintf(arch_path, sizeof arch_path, "%s", o->arch_path);
    else
        snprintf(arch_path, sizeof arch_path, "arch/%s.yaml", m->model.arch_name);
    if ((st = odpu_arch_load(arch_path, &m->arch, err)) != ODPU_OK)
        return o->arch_path ? st
                            : odpu_err_prefix(err, "%s was built for arch '%s'; give its config with --arch: ",
                                              o->model_path, m->model.arch_name);
    if ((st = odpu_model_check_fingerprint(&m->model, m->arch.name, m->arch.fingerprint, err)) != ODPU_OK)
        return odpu_err_prefix(err, "%s: ", o->model_path);
    if ((st = odpu_meta_from_text(m->model.meta, o->model_path, &m->meta, err)) != ODPU_OK)
        return st;
    m->has_meta = 1;
    if (o->want_fp32 && o->onnx_path && (st = load_fp32(o->onnx_path, m, err)) != ODPU_OK)
        return st;
    /* `opendpu compile` records how it quantized in a "quantization=" line. */
    const char *q = m->model.meta ? strstr(m->model.meta, QUANT_KEY) : NULL;
    if (q && (q == m->model.meta || q[-1] == '\n')) {
        q += strlen(QUANT_KEY);
        snprintf(m->desc, sizeof m->desc, "%s (compiled for %s; %.*s)", o->model_path, m->arch.name,
                 (int)strcspn(q, "\n"), q);
    } else {
        snprintf(m->desc, sizeof m->desc, "%s (compiled for %s)", o->model_path, m->arch.name);
    }
    return ODPU_OK;
}

/* One input of the preprocessing's shape and one output with a score per label. */
static odpu_status check_io(const char *path, cli_model *m, odpu_err *err)
{
    int n_in = 0, n_out = 0;
    for (size_t i = 0; i < m->model.n_tensors; i++) {
        const odpu_tensor_desc *t = &m->model.tensors[i];
        if (t->role == ODPU_TENSOR_INPUT && n_in++ == 0)
            m->input = t;
        if (t->role == ODPU_TENSOR_OUTPUT && n_out++ == 0)
            m->output = t;
    }
    if (n_in != 1 || n_out != 1)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: %d inputs and %d outputs; a classifier has one of each", path,
                         n_in, n_out);
    const odpu_preprocess *p = &m->meta.pre;
    if ((int)m->input->c != p->out_c || (int)m->input->h != p->out_h || (int)m->input->w != p->out_w)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: input '%s' is %ux%ux%u (HxWxC) but the preprocessing makes "
                         "%dx%dx%d", path, m->input->name, m->input->h, m->input->w, m->input->c, p->out_h,
                         p->out_w, p->out_c);
    uint64_t scores = (uint64_t)m->output->h * m->output->w * m->output->c;
    if (m->output->h != 1 || m->output->w != 1 || scores != (uint64_t)m->meta.n_labels)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: output '%s' is %ux%ux%u (HxWxC); expected 1x1x%d, one score "
                         "per label", path, m->output->name, m->output->h, m->output->w, m->output->c,
                         m->meta.n_labels);
    if (!m->has_fp32)
        return ODPU_OK;
    const odpu_graph *g = &m->fp32;
    if (g->n_inputs != 1 || g->n_outputs < 1 ||
        odpu_tensor_numel(&g->tensors[g->inputs[0]]) != (int64_t)p->out_c * p->out_h * p->out_w ||
        odpu_tensor_numel(&g->tensors[g->outputs[0]]) != m->meta.n_labels)
        return odpu_fail(err, ODPU_E_MISMATCH, "%s: the float model's input or output does not match the "
                         "compiled model's (%dx%dx%d in, %d scores out)", g->source ? g->source : "onnx",
                         p->out_c, p->out_h, p->out_w, m->meta.n_labels);
    return ODPU_OK;
}

odpu_status cli_model_load(const cli_model_options *o, cli_model *m, odpu_err *err)
{
    memset(m, 0, sizeof *m);
    odpu_status st;
    int onnx = cli_has_ext(o->model_path, ".onnx");
    if (!onnx && !cli_has_ext(o->model_path, ".odpu"))
        st = odpu_fail(err, ODPU_E_ARG, "%s: expected an .onnx or .odpu model file", o->model_path);
    else if (onnx)
        st = odpu_arch_load(o->arch_path ? o->arch_path : CLI_DEFAULT_ARCH, &m->arch, err);
    else
        st = ODPU_OK;
    if (st == ODPU_OK)
        st = onnx ? build_from_onnx(o, m, err) : load_odpu(o, m, err);
    if (st == ODPU_OK)
        st = check_io(o->model_path, m, err);
    if (st != ODPU_OK)
        cli_model_free(m);
    return st;
}

const char *cli_device_for(const char *device_arg, const char *backend, int under_test)
{
    if (!device_arg)
        return NULL;
    const char *colon = strchr(device_arg, ':');
    if (colon) {
        char name[64];
        size_t len = (size_t)(colon - device_arg);
        if (len < sizeof name) {
            memcpy(name, device_arg, len);
            name[len] = '\0';
            if (odpu_hal_backend_capabilities(name))
                return strcmp(name, backend) ? NULL : colon + 1;
        }
    }
    return under_test ? device_arg : NULL;
}

odpu_status cli_engine_open(cli_engine *e, const cli_model *m, const char *backend, const char *device,
                            const char *trace_path, odpu_err *err)
{
    memset(e, 0, sizeof *e);
    e->timeout_ms = CLI_ENGINE_TIMEOUT_MS;
    const odpu_tensor_desc *in = m->input, *out = m->output;
    e->qin = malloc((size_t)in->h * in->w * in->c);
    e->qout = malloc(out->c);
    e->scores = malloc((size_t)out->c * sizeof *e->scores);
    if (!e->qin || !e->qout || !e->scores)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the engine's buffers");
    odpu_hal_options hopt = {.arch = &m->arch, .trace_path = trace_path, .device = device};
    odpu_status st = odpu_hal_open(backend, &hopt, &e->hal, err);
    if (st == ODPU_OK)
        st = odpu_runtime_open(e->hal, &m->model, &e->rt, err);
    return st;
}

void cli_engine_close(cli_engine *e)
{
    odpu_runtime_close(e->rt);
    odpu_hal_close(e->hal);
    free(e->qin);
    free(e->qout);
    free(e->scores);
    memset(e, 0, sizeof *e);
}

odpu_status cli_engine_classify(cli_engine *e, const cli_model *m, const float *input, odpu_err *err)
{
    const odpu_tensor_desc *in = m->input, *out = m->output;
    odpu_status st = odpu_quantize_input(input, (int)in->c, (int)in->h, (int)in->w, in->scale, in->zero_point,
                                         e->qin, err);
    const int8_t *inputs[1] = {e->qin};
    int8_t *outputs[1] = {e->qout};
    uint64_t start = odpu_now_ns();
    if (st == ODPU_OK)
        st = odpu_runtime_run(e->rt, inputs, outputs, e->timeout_ms, &e->stats, err);
    e->run_wall_ns = odpu_now_ns() - start;
    if (st == ODPU_OK)
        odpu_dequantize(e->qout, out->c, out->scale, out->zero_point, e->scores);
    return st;
}
