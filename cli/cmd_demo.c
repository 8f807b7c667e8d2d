/* cmd_demo.c - `opendpu demo`: a float CNN with random weights from --seed, through PTQ, the compiler
 * and runtime -> HAL -> engine; every output must equal the INT8 graph reference byte for byte. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/arch.h"
#include "cli/commands.h"
#include "compiler/compiler.h"
#include "compiler/exec_i8.h"
#include "data/classify.h"
#include "host/hal.h"
#include "host/model.h"
#include "host/runtime.h"
#include "quantizer/graph.h"
#include "quantizer/ptq.h"

enum {
    IN_H = 16, IN_W = 16, IN_C = 3,
    C1 = 8, C2 = 16, N_CLASSES = 10,
    CONV_K = 3, CONV_PAD = 1, POOL_K = 2,
    IMAGE_NUMEL = IN_C * IN_H * IN_W,
    CALIB_IMAGES = 16, /* per-tensor ranges of a network this small settle within a few images */
    DEFAULT_IMAGES = 1000,
    RUN_TIMEOUT_MS = 10000,
    NAME_MAX_LEN = 64,
    TEXT_MAX_LEN = 512,
    META_MAX_LEN = 2 * TEXT_MAX_LEN, /* a few fixed lines around one text */
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
};

/* He-uniform weights (bound sqrt(6 / fan_in)), as a trained ReLU network's roughly are: the
 * activations neither die out nor blow up through the layers, so every layer's range matters. */
#define HE_UNIFORM_GAIN 6.0
#define BIAS_RANGE 0.1 /* biases uniform in [-0.1, 0.1] */
/* Test and calibration images: uniform in [0, 1), like pixels scaled by 1/255. */
#define PIXEL_MIN 0.0
#define PIXEL_MAX 1.0
/* 53 random bits make a double in [0, 1) with every value equally likely. */
#define RANDOM_BITS_SHIFT 11
#define RANDOM_UNIT (1.0 / 9007199254740992.0) /* 2^-53 */
/* One seed, independent random streams: weights, calibration images, test images. */
#define STREAM_WEIGHTS 0x9E3779B97F4A7C15ULL
#define STREAM_CALIB 0xBF58476D1CE4E5B9ULL
#define STREAM_IMAGES 0xD1B54A32D192ED03ULL

/* The network is the demo's only own part: canonicalizing and quantizing it (quantizer/),
 * compiling (compiler/compiler.h) and the INT8 reference (compiler/exec_i8.h) are the
 * library's, as for `opendpu compile`. A layer_spec is one node in ONNX form, Relu a node of its
 * own as exporters write it (odpu_graph_optimize fuses it into the Conv); k and pad apply to
 * CONV and MAXPOOL. */
typedef struct layer_spec {
    odpu_node_op op;
    const char *name;
    int out_c, k, pad;
} layer_spec;

static const layer_spec demo_layers[] = {
    {ODPU_NODE_CONV, "conv1", C1, CONV_K, CONV_PAD},
    {ODPU_NODE_RELU, "relu1", 0, 0, 0},
    {ODPU_NODE_MAXPOOL, "pool1", 0, POOL_K, 0},
    {ODPU_NODE_CONV, "conv2", C2, CONV_K, CONV_PAD},
    {ODPU_NODE_RELU, "relu2", 0, 0, 0},
    {ODPU_NODE_GLOBAL_AVGPOOL, "gap", 0, 0, 0},
    {ODPU_NODE_CONV, "classifier", N_CLASSES, 1, 0},
};
enum { N_DEMO_LAYERS = sizeof demo_layers / sizeof demo_layers[0] };

typedef struct demo_opts {
    const char *arch_path, *backend, *out_path;
    unsigned long seed;
    long images;
} demo_opts;

/* What a run over the test images found. */
typedef struct demo_result {
    long matches;
    double engine_seconds;
    odpu_run_stats stats;
    int8_t scores[N_CLASSES]; /* the engine's output for the last image */
} demo_result;

/* ---- Random numbers: xorshift64, so a seed means the same network on any machine -------- */

static uint64_t stream_seed(unsigned long seed, uint64_t stream)
{
    uint64_t s = (uint64_t)seed ^ stream;
    return s ? s : stream; /* xorshift stays at 0 forever */
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fill_uniform(uint64_t *rng, float *v, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(lo + (hi - lo) * (double)(next_random(rng) >> RANDOM_BITS_SHIFT) * RANDOM_UNIT);
}

/* ---- The float network as a graph ------------------------------------------------------ */

/* A graph call's index, or the error it recorded. */
static odpu_status index_status(int index, const odpu_err *err)
{
    return index >= 0 ? ODPU_OK : err->code;
}

/* Node s->name reading ins and writing a new activation "<name>_out", left without a shape for
 * shape inference to fill in, as it does for an imported model's intermediate tensors. */
static odpu_status add_node(odpu_graph *g, const layer_spec *s, const int *ins, int n_ins, int *node, int *out,
                            odpu_err *err)
{
    char name[NAME_MAX_LEN];
    snprintf(name, sizeof name, "%s_out", s->name);
    *out = odpu_graph_add_tensor(g, name, 0, NULL, NULL, err);
    if (*out < 0)
        return err->code;
    *node = odpu_graph_add_node(g, s->op, s->name, ins, n_ins, out, 1, err);
    return index_status(*node, err);
}

/* Random float weights [out_c, in_c, k, k] and bias [out_c], as initializers named like
 * PyTorch's. ins[1], ins[2] get their tensor indices. */
static odpu_status add_conv_params(odpu_graph *g, const layer_spec *s, int in_c, uint64_t *rng, int ins[3],
                                   odpu_err *err)
{
    size_t n = (size_t)s->out_c * (size_t)in_c * (size_t)(s->k * s->k);
    float *w = malloc(n * sizeof *w), *b = malloc((size_t)s->out_c * sizeof *b);
    if (!w || !b) {
        free(w);
        free(b);
        return odpu_fail(err, ODPU_E_NOMEM, "demo: out of memory for the weights of %s", s->name);
    }
    double bound = sqrt(HE_UNIFORM_GAIN / (double)(in_c * s->k * s->k));
    fill_uniform(rng, w, n, -bound, bound);
    fill_uniform(rng, b, (size_t)s->out_c, -BIAS_RANGE, BIAS_RANGE);
    char name[NAME_MAX_LEN];
    int64_t wdims[4] = {s->out_c, in_c, s->k, s->k}, bdims[1] = {s->out_c};
    snprintf(name, sizeof name, "%s.weight", s->name);
    ins[1] = odpu_graph_add_tensor(g, name, 4, wdims, w, err);
    snprintf(name, sizeof name, "%s.bias", s->name);
    ins[2] = ins[1] < 0 ? -1 : odpu_graph_add_tensor(g, name, 1, bdims, b, err);
    free(w);
    free(b);
    return index_status(ins[2], err);
}

/* Append layer s after tensor *t (with *c channels); *t and *c become the layer's output. */
static odpu_status add_layer(odpu_graph *g, const layer_spec *s, uint64_t *rng, int *t, int *c, odpu_err *err)
{
    int ins[3] = {*t, -1, -1}, n_ins = 1, node = -1;
    odpu_status st = ODPU_OK;
    if (s->op == ODPU_NODE_CONV) {
        st = add_conv_params(g, s, *c, rng, ins, err);
        n_ins = 3;
    }
    if (st == ODPU_OK)
        st = add_node(g, s, ins, n_ins, &node, t, err);
    if (st != ODPU_OK)
        return st;
    odpu_node_attrs *a = &g->nodes[node].a;
    if (s->op == ODPU_NODE_CONV || s->op == ODPU_NODE_MAXPOOL) {
        a->kernel[0] = a->kernel[1] = s->k;
        for (int i = 0; i < 4; i++)
            a->pads[i] = s->pad;
    }
    if (s->op == ODPU_NODE_MAXPOOL) /* non-overlapping windows */
        a->stride[0] = a->stride[1] = s->k;
    if (s->op == ODPU_NODE_CONV)
        *c = s->out_c;
    return ODPU_OK;
}

/* The float network of demo_layers with weights from the seed, input "image" [1, 3, 16, 16]. */
static odpu_status build_float_net(odpu_graph *g, unsigned long seed, odpu_err *err)
{
    uint64_t rng = stream_seed(seed, STREAM_WEIGHTS);
    int64_t dims[4] = {1, IN_C, IN_H, IN_W};
    int input = odpu_graph_add_tensor(g, "image", 4, dims, NULL, err);
    odpu_status st = index_status(input, err);
    int t = input, c = IN_C;
    for (int i = 0; i < N_DEMO_LAYERS && st == ODPU_OK; i++)
        st = add_layer(g, &demo_layers[i], &rng, &t, &c, err);
    return st == ODPU_OK ? odpu_graph_set_io(g, &input, 1, &t, 1, err) : st;
}

/* "16x16x3 -> Conv 3x3 (8) -> Relu -> ...", from the same table the graph is built from. */
static void describe_net(char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%dx%dx%d", IN_H, IN_W, IN_C);
    for (int i = 0; i < N_DEMO_LAYERS && n < size; i++) {
        const layer_spec *s = &demo_layers[i];
        n += (size_t)snprintf(buf + n, size - n, " -> %s", odpu_node_op_name(s->op));
        if (n < size && s->k)
            n += (size_t)snprintf(buf + n, size - n, " %dx%d", s->k, s->k);
        if (n < size && s->out_c)
            n += (size_t)snprintf(buf + n, size - n, " (%d)", s->out_c);
    }
}

/* ---- Quantize, compile ------------------------------------------------------------------ */

/* Canonicalize (the ReLUs fuse into their Convs) and quantize with the PTQ defaults of
 * `opendpu compile`, calibrated on random images from the seed. */
static odpu_status quantize_net(odpu_graph *g, unsigned long seed, const odpu_ptq_options *o, odpu_err *err)
{
    odpu_status st = odpu_graph_optimize(g, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "demo network: ");
    float *calib = malloc((size_t)CALIB_IMAGES * IMAGE_NUMEL * sizeof *calib);
    if (!calib)
        return odpu_fail(err, ODPU_E_NOMEM, "demo: out of memory for %d calibration images", CALIB_IMAGES);
    uint64_t rng = stream_seed(seed, STREAM_CALIB);
    fill_uniform(&rng, calib, (size_t)CALIB_IMAGES * IMAGE_NUMEL, PIXEL_MIN, PIXEL_MAX);
    st = odpu_ptq_quantize(g, calib, CALIB_IMAGES, o, err);
    free(calib);
    return st;
}

static void describe_ptq(const odpu_ptq_options *o, char *buf, size_t size)
{
    snprintf(buf, size, "%s calibration over %d random images%s%s", odpu_calib_method_name(o->method),
             CALIB_IMAGES, o->cross_layer_equalization ? ", CLE" : "", o->bias_correction ? ", bias correction" : "");
}

/* The model's first tensor with this role, or NULL. */
static const odpu_tensor_desc *model_tensor(const odpu_model *m, odpu_tensor_role role)
{
    for (size_t i = 0; i < m->n_tensors; i++)
        if (m->tensors[i].role == role)
            return &m->tensors[i];
    return NULL;
}

/* The image and score buffers are sized by the network; the compiled model and the INT8
 * reference must agree with them, or the copies below would overrun. */
static odpu_status check_io(const odpu_model *m, const odpu_i8_exec *ix, odpu_err *err)
{
    const odpu_tensor_desc *in = model_tensor(m, ODPU_TENSOR_INPUT), *out = model_tensor(m, ODPU_TENSOR_OUTPUT);
    const odpu_lgraph *lg = odpu_i8_exec_lgraph(ix);
    const odpu_lshape *ref_out = lg->n_outputs == 1 ? &lg->shapes[lg->outputs[0]] : NULL;
    if (!in || !out || m->n_tensors != 2 || in->h * in->w * in->c != IMAGE_NUMEL ||
        out->h * out->w * out->c != N_CLASSES || !ref_out || ref_out->h * ref_out->w * ref_out->c != N_CLASSES)
        return odpu_fail(err, ODPU_E_MISMATCH, "demo: the compiled model does not take one %dx%dx%d image and "
                         "give %d scores", IN_H, IN_W, IN_C, N_CLASSES);
    return ODPU_OK;
}

/* ---- Running the images ------------------------------------------------------------------ */

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Index of the first byte where a and b differ, or -1. */
static int first_difference(const int8_t *a, const int8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return i;
    return -1;
}

/* Run the images on the engine and on the INT8 graph reference; count the outputs that are
 * equal byte for byte and name the first difference. */
static odpu_status run_images(odpu_runtime *rt, odpu_i8_exec *ix, const odpu_tensor_desc *in,
                              const demo_opts *o, demo_result *r, odpu_err *err)
{
    uint64_t rng = stream_seed(o->seed, STREAM_IMAGES);
    float image[IMAGE_NUMEL];
    int8_t qimage[IMAGE_NUMEL];
    const int8_t *inputs[1] = {qimage};
    int8_t *outputs[1] = {r->scores};
    for (long n = 0; n < o->images; n++) {
        fill_uniform(&rng, image, IMAGE_NUMEL, PIXEL_MIN, PIXEL_MAX);
        odpu_status st = odpu_quantize_input(image, IN_C, IN_H, IN_W, in->scale, in->zero_point, qimage, err);
        double t0 = seconds_now();
        if (st == ODPU_OK)
            st = odpu_runtime_run(rt, inputs, outputs, RUN_TIMEOUT_MS, &r->stats, err);
        r->engine_seconds += seconds_now() - t0;
        if (st == ODPU_OK)
            st = odpu_i8_exec_run(ix, inputs, err);
        if (st != ODPU_OK)
            return odpu_err_prefix(err, "image %ld: ", n);
        const int8_t *expect = odpu_i8_exec_output(ix, 0);
        int byte = first_difference(r->scores, expect, N_CLASSES);
        if (byte < 0)
            r->matches++;
        else if (r->matches == n) /* name the first difference only */
            fprintf(stderr, "opendpu demo: image %ld differs first at output byte %d: engine %d, INT8 graph "
                            "reference %d\n", n, byte, r->scores[byte], expect[byte]);
    }
    return ODPU_OK;
}

/* The engine's output for the last image, as real numbers via the output tensor's scale. */
static void print_scores(const odpu_tensor_desc *out, const int8_t *scores)
{
    float real[N_CLASSES];
    odpu_dequantize(scores, N_CLASSES, out->scale, out->zero_point, real);
    printf("  engine scores of the last image (dequantized):");
    for (int c = 0; c < N_CLASSES; c++)
        printf(" %.2f", real[c]);
    printf("\n");
}

static void print_result(const demo_opts *o, const odpu_arch *arch, const odpu_model *m, const demo_result *r)
{
    printf("ran %ld random images on backend '%s': %ld/%ld outputs equal the INT8 graph reference byte for byte\n",
           o->images, o->backend, r->matches, o->images);
    printf("  host wall time on the %s engine: %.3f s, %.0f images/s (%u instructions per image)\n", o->backend,
           r->engine_seconds, (double)o->images / r->engine_seconds, r->stats.insns_done);
    const odpu_hal_caps *caps = odpu_hal_backend_capabilities(o->backend);
    if (caps && caps->timing != ODPU_TIMING_NONE)
        printf("  %s: %llu cycles per image at %u MHz\n", odpu_timing_name(caps->timing),
               (unsigned long long)r->stats.cycles, arch->clock_mhz);
    else
        printf("  the '%s' engine is functional only: it counts no cycles (timing: none)\n", o->backend);
    print_scores(model_tensor(m, ODPU_TENSOR_OUTPUT), r->scores);
}

static int demo_fail(const odpu_err *err)
{
    fprintf(stderr, "opendpu demo: %s\n", err->msg);
    return EXIT_FAILED;
}

/* Open the engine and the INT8 reference, run every image, print what was found. */
static int demo_on_engine(const demo_opts *o, const odpu_arch *arch, const odpu_graph *q, const odpu_model *m)
{
    odpu_err err;
    odpu_err_clear(&err);
    odpu_hal *hal = NULL;
    odpu_runtime *rt = NULL;
    odpu_i8_exec *ix = NULL;
    odpu_hal_options hopt = {.arch = arch};
    demo_result r;
    memset(&r, 0, sizeof r);
    odpu_status st = odpu_i8_exec_create(q, &ix, &err);
    if (st == ODPU_OK)
        st = check_io(m, ix, &err);
    if (st == ODPU_OK)
        st = odpu_hal_open(o->backend, &hopt, &hal, &err);
    if (st == ODPU_OK)
        st = odpu_runtime_open(hal, m, &rt, &err);
    if (st == ODPU_OK)
        st = run_images(rt, ix, model_tensor(m, ODPU_TENSOR_INPUT), o, &r, &err);
    if (st == ODPU_OK)
        print_result(o, arch, m, &r);
    odpu_runtime_close(rt);
    odpu_hal_close(hal);
    odpu_i8_exec_destroy(ix);
    if (st != ODPU_OK)
        return demo_fail(&err);
    return r.matches == o->images ? 0 : EXIT_FAILED;
}

/* ---- Command line ------------------------------------------------------------------------- */

static void print_usage(FILE *f)
{
    fprintf(f,
            "usage: opendpu demo [--arch ARCH.yaml] [--backend NAME] [--images N] [--seed N] [-o MODEL.odpu]\n"
            "  Builds a small float CNN with random weights from --seed, quantizes it with the PTQ passes of\n"
            "  `opendpu compile` (calibrated on %d random images), compiles it for ARCH, runs N random images\n"
            "  through runtime -> HAL -> engine NAME and checks every output byte against the INT8 graph\n"
            "  reference. Exit status 1 if any differs. -o writes the compiled model file.\n"
            "  Defaults: --arch arch/tiny.yaml --backend ref --images %d --seed 1\n",
            CALIB_IMAGES, DEFAULT_IMAGES);
}

/* 0 to go on, EXIT_USAGE after a usage error, -1 after --help. */
static int parse_opts(int argc, char **argv, demo_opts *o)
{
    *o = (demo_opts){.arch_path = "arch/tiny.yaml", .backend = "ref", .out_path = NULL, .seed = 1,
                     .images = DEFAULT_IMAGES};
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            print_usage(stdout);
            return -1;
        } else if (!strcmp(argv[i], "--arch") && next) {
            o->arch_path = argv[++i];
        } else if (!strcmp(argv[i], "--backend") && next) {
            o->backend = argv[++i];
        } else if (!strcmp(argv[i], "-o") && next) {
            o->out_path = argv[++i];
        } else if (!strcmp(argv[i], "--seed") && next) {
            o->seed = strtoul(argv[++i], &end, 10);
            if (!end || *end)
                return fprintf(stderr, "opendpu demo: --seed wants a number, got '%s'\n", argv[i]), EXIT_USAGE;
        } else if (!strcmp(argv[i], "--images") && next) {
            o->images = strtol(argv[++i], &end, 10);
            if (!end || *end || o->images < 1)
                return fprintf(stderr, "opendpu demo: --images wants a positive number, got '%s'\n", argv[i]),
                       EXIT_USAGE;
        } else {
            fprintf(stderr, "opendpu demo: unknown or incomplete option '%s'\n", argv[i]);
            print_usage(stderr);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Quantize and compile the seed's network; q keeps the quantized graph for the reference. */
static odpu_status make_model(const demo_opts *o, const odpu_arch *arch, odpu_graph *q, odpu_model *m,
                              char *how, size_t how_size, odpu_err *err)
{
    odpu_ptq_options ptq;
    odpu_ptq_default_options(&ptq);
    describe_ptq(&ptq, how, how_size);
    char meta[META_MAX_LEN];
    snprintf(meta, sizeof meta, "name=demo_cnn\nproducer=opendpu demo --seed %lu\nquantization=%s\n", o->seed,
             how);
    odpu_compile_options co = {.arch = arch, .meta = meta};
    odpu_status st = build_float_net(q, o->seed, err);
    if (st == ODPU_OK)
        st = quantize_net(q, o->seed, &ptq, err);
    if (st == ODPU_OK)
        st = odpu_compile(q, &co, m, err);
    return st;
}

int cmd_demo(int argc, char **argv)
{
    demo_opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_arch arch;
    if (odpu_arch_load(o.arch_path, &arch, &err) != ODPU_OK)
        return demo_fail(&err);
    odpu_graph q;
    odpu_graph_init(&q);
    odpu_model m;
    memset(&m, 0, sizeof m);
    char how[TEXT_MAX_LEN], net[TEXT_MAX_LEN];
    odpu_status st = make_model(&o, &arch, &q, &m, how, sizeof how, &err);
    if (st == ODPU_OK) {
        describe_net(net, sizeof net);
        printf("opendpu demo: a CNN with random weights (seed %lu) quantized and compiled for arch '%s' "
               "(%u x %u array, fingerprint %016llx)\n",
               o.seed, arch.name, arch.rows, arch.cols, (unsigned long long)arch.fingerprint);
        printf("  network: %s\n  quantization: %s\n", net, how);
        printf("  %zu layers, %zu instructions, %zu constant bytes, DDR window %llu bytes\n", m.n_layers,
               m.n_insns, m.consts_size, (unsigned long long)m.ddr_size);
    }
    if (st == ODPU_OK && o.out_path && (st = odpu_model_save(&m, o.out_path, &err)) == ODPU_OK)
        printf("  model written to %s (inspect it with: opendpu info %s, opendpu disasm %s)\n", o.out_path,
               o.out_path, o.out_path);
    rc = st == ODPU_OK ? demo_on_engine(&o, &arch, &q, &m) : demo_fail(&err);
    odpu_model_free(&m);
    odpu_graph_free(&q);
    return rc;
}
