/* cmd_compare.c - `opendpu compare MODEL --data DATA --backends ref,sim`: run the same INT8
 * model on two engines image by image and check that their outputs are equal byte for byte.
 *
 * The golden model defines the result (docs/isa.md), so any difference is a bug in the other
 * engine. For the first differing image the command narrows it down: it reruns the stream cut
 * after each layer (plus an END) on both engines and compares the whole DDR window, which
 * names the first layer whose output differs, the byte, the SAVE that wrote it and both values. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/model_load.h"
#include "cli/quant_args.h"
#include "cli/usage.h"
#include "data/dataset.h"
#include "host/runtime.h"
#include "isa/isa.h"

enum {
    EXIT_FAIL = 1,
    EXIT_USAGE = 2,
    EXIT_MISMATCH = 3,
    N_ENGINES = 2,
    BACKEND_NAME_MAX = 32,
    /* One prefix run of a zoo model on a cycle-accurate engine takes seconds at most. */
    PREFIX_TIMEOUT_MS = 600000,
};

static const char compare_usage[] =
    "usage: opendpu compare MODEL.onnx|MODEL.odpu --data DATA [--backends A,B] [--arch ARCH.yaml]\n"
    "                       [--limit N] [--device [NAME:]OPTS] [calibration options for an .onnx: opendpu eval --help]\n"
    "  Runs every image on engines A and B (default ref,sim) and compares their int8 outputs byte\n"
    "  for byte. Exit status 0 when all are equal, 3 when any differ (the first difference is\n"
    "  narrowed down to a layer and a byte), 1 on errors, 2 on usage errors.\n"
    "  --device: device options (docs/hal.md) for B, or for NAME with NAME:OPTS (e.g. --device /tmp/vb\n"
    "  with --backends ref,uio: the uio backend's root directory).\n";

typedef struct compare_opts {
    cli_model_options model;
    const char *data;
    const char *device; /* --device: for B, or "NAME:OPTIONS" for one of them */
    char backends[N_ENGINES][BACKEND_NAME_MAX];
    long limit;
} compare_opts;

/* ---- Narrowing a difference down to a layer ------------------------------------------------ */

/* Tokens a stream leaves in each dependency queue, counted in stream order (docs/isa.md §3).
 * A layer boundary need not be a token boundary: the store engine may already have released
 * a buffer the next layer's compute instruction would pop. */
/* Tokens each queue holds after the first n instructions. */
static void count_tokens(const uint8_t *insns, size_t n, int tokens[ODPU_QUEUE_COUNT])
{
    memset(tokens, 0, ODPU_QUEUE_COUNT * sizeof tokens[0]);
    for (size_t k = 0; k < n; k++) {
        odpu_insn in;
        odpu_err err;
        if (odpu_insn_decode(insns + k * ODPU_INSN_BYTES, &in, &err) != ODPU_OK)
            continue;
        for (int f = 0; f < ODPU_DEP_FLAG_COUNT; f++) {
            odpu_queue q = odpu_insn_flag_queue(&in, (odpu_dep_flag)f);
            if (q != ODPU_QUEUE_NONE)
                tokens[q] += odpu_dep_flag_is_push((odpu_dep_flag)f) ? 1 : -1;
        }
    }
}

/* Append `count` NOPs on the engine that pops q, each popping one of its leftover tokens (so
 * the cut stream passes the dep-leftover rule). */
static odpu_status append_drain(uint8_t *insns, size_t *n, int count, odpu_queue q, odpu_err *err)
{
    odpu_engine pusher, popper;
    odpu_queue_engines(q, &pusher, &popper);
    for (int i = 0; i < count; i++) {
        odpu_insn nop = {.opcode = ODPU_OP_NOP};
        nop.u.nop.engine = popper;
        *odpu_dep_flag_ptr(&nop.deps, odpu_dep_flag_toward(popper, pusher, 0)) = 1;
        odpu_status st = odpu_insn_encode(&nop, insns + (*n)++ * ODPU_INSN_BYTES, err);
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}

/* The model's stream cut after instruction `end` (exclusive), drained of leftover tokens,
 * with an END; everything else (constants, tensors, DDR layout) is shared with the model. */
static odpu_status prefix_model(const odpu_model *full, size_t end, odpu_model *out, uint8_t **insns,
                                odpu_err *err)
{
    int tokens[ODPU_QUEUE_COUNT];
    count_tokens(full->insns, end, tokens);
    size_t extra = 0;
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        extra += (size_t)tokens[q];
    *out = *full;
    *insns = malloc((end + extra + 1) * ODPU_INSN_BYTES);
    if (!*insns)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for a stream of %zu instructions", end + extra + 1);
    memcpy(*insns, full->insns, end * ODPU_INSN_BYTES);
    size_t n = end;
    odpu_status st = ODPU_OK;
    for (int q = 0; q < ODPU_QUEUE_COUNT && st == ODPU_OK; q++)
        st = append_drain(*insns, &n, tokens[q], (odpu_queue)q, err);
    odpu_insn stop = {.opcode = ODPU_OP_END};
    if (st == ODPU_OK)
        st = odpu_insn_encode(&stop, *insns + n++ * ODPU_INSN_BYTES, err);
    out->insns = *insns;
    out->n_insns = n;
    out->layers = NULL;
    out->n_layers = 0;
    return st;
}

/* Run a prefix model on one engine's HAL and copy the DDR window it leaves. */
static odpu_status run_prefix(cli_engine *e, const odpu_model *model, uint8_t *window, odpu_err *err)
{
    odpu_runtime *rt = NULL;
    odpu_status st = odpu_runtime_open(e->hal, model, &rt, err);
    const int8_t *inputs[1] = {e->qin};
    int8_t *outputs[1] = {e->qout};
    if (st == ODPU_OK)
        st = odpu_runtime_run(rt, inputs, outputs, PREFIX_TIMEOUT_MS, NULL, err);
    const uint8_t *bytes = NULL;
    size_t size = 0;
    if (st == ODPU_OK)
        st = odpu_runtime_window(rt, &bytes, &size, err);
    if (st == ODPU_OK)
        memcpy(window, bytes, size);
    odpu_runtime_close(rt);
    return st;
}

/* Which SAVE of layer `li` wrote DDR byte `off`, and as which pixel and channel of its box. */
static void describe_byte(const odpu_model *m, const odpu_layer_info *li, uint64_t off)
{
    for (uint32_t k = li->first_insn; k < li->first_insn + li->n_insns; k++) {
        odpu_insn insn;
        odpu_err err;
        if (odpu_insn_decode(m->insns + (size_t)k * ODPU_INSN_BYTES, &insn, &err) != ODPU_OK ||
            insn.opcode != ODPU_OP_SAVE)
            continue;
        const odpu_save *s = &insn.u.save;
        for (uint32_t y = 0; y < s->h; y++)
            for (uint32_t x = 0; x < s->w; x++) {
                uint64_t px = (uint64_t)s->ddr_addr + (uint64_t)y * s->row_stride + (uint64_t)x * s->pixel_stride;
                if (off >= px && off < px + s->c) {
                    printf("  written by SAVE #%u: pixel (y %u, x %u), channel %" PRIu64 " of its %ux%ux%u box\n",
                           k, y, x, off - px, s->h, s->w, s->c);
                    return;
                }
            }
    }
    printf("  no SAVE of this layer covers that byte (a LOAD-side or out-of-footprint write)\n");
}

/* Compare the windows two engines leave after each layer; report the first layer that differs. */
static odpu_status locate(const compare_opts *o, const cli_model *m, cli_engine *eng, odpu_err *err)
{
    const odpu_model *full = &m->model;
    size_t size = (size_t)full->ddr_size;
    uint8_t *win[N_ENGINES] = {malloc(size), malloc(size)};
    odpu_status st = win[0] && win[1] ? ODPU_OK : odpu_fail(err, ODPU_E_NOMEM, "out of memory for two DDR windows");
    if (st == ODPU_OK && full->n_layers == 0)
        printf("  the model has no layer table; cannot narrow the difference down\n");
    int found = 0;
    for (size_t l = 0; st == ODPU_OK && !found && l < full->n_layers; l++) {
        const odpu_layer_info *li = &full->layers[l];
        odpu_model pm;
        uint8_t *insns = NULL;
        st = prefix_model(full, (size_t)li->first_insn + li->n_insns, &pm, &insns, err);
        for (int e = 0; e < N_ENGINES && st == ODPU_OK; e++) {
            st = run_prefix(&eng[e], &pm, win[e], err);
            if (st != ODPU_OK)
                odpu_err_prefix(err, "cutting the stream after layer %zu ('%s') on %s: ", l, li->name,
                                o->backends[e]);
        }
        free(insns);
        for (size_t b = 0; st == ODPU_OK && b < size; b++) {
            if (win[0][b] == win[1][b])
                continue;
            printf("  first differing layer: %zu '%s' (%s, %ux%ux%u -> %ux%ux%u)\n", l, li->name, li->op, li->in_h,
                   li->in_w, li->in_c, li->out_h, li->out_w, li->out_c);
            printf("  DDR byte %zu: %s %d, %s %d\n", b, o->backends[0], (int8_t)win[0][b], o->backends[1],
                   (int8_t)win[1][b]);
            describe_byte(full, li, b);
            found = 1;
            break;
        }
    }
    if (st == ODPU_OK && !found && full->n_layers)
        printf("  every layer's DDR window agrees when the stream is cut after it; the difference needs the "
               "whole stream (an overlap between layers)\n");
    free(win[0]);
    free(win[1]);
    return st;
}

/* ---- The image loop -------------------------------------------------------------------------- */

static odpu_status compare_image(const cli_model *m, const odpu_dataset *ds, int i, cli_engine *eng, float *input,
                                 int *equal, odpu_err *err)
{
    odpu_status st = odpu_preprocess_image(&m->meta.pre, ds->pixels[i], ds->heights[i], ds->widths[i],
                                           ds->channels[i], input, err);
    for (int e = 0; e < N_ENGINES && st == ODPU_OK; e++)
        st = cli_engine_classify(&eng[e], m, input, err);
    if (st != ODPU_OK)
        return odpu_err_prefix(err, "%s: image %d: ", ds->source, i);
    *equal = !memcmp(eng[0].qout, eng[1].qout, m->output->c);
    return ODPU_OK;
}

static void print_first_difference(const compare_opts *o, const cli_model *m, const cli_engine *eng, int image)
{
    for (uint32_t k = 0; k < m->output->c; k++)
        if (eng[0].qout[k] != eng[1].qout[k]) {
            printf("image %d: output '%s' element %u: %s %d, %s %d\n", image, m->output->name, k, o->backends[0],
                   eng[0].qout[k], o->backends[1], eng[1].qout[k]);
            return;
        }
}

static odpu_status compare(const compare_opts *o, const cli_model *m, const odpu_dataset *ds, int *mismatches,
                           odpu_err *err)
{
    int n = o->limit > 0 && o->limit < ds->count ? (int)o->limit : ds->count;
    cli_engine eng[N_ENGINES];
    memset(eng, 0, sizeof eng);
    float *input = malloc((size_t)m->input->h * m->input->w * m->input->c * sizeof *input);
    odpu_status st = input ? ODPU_OK : odpu_fail(err, ODPU_E_NOMEM, "out of memory for the input");
    for (int e = 0; e < N_ENGINES && st == ODPU_OK; e++)
        st = cli_engine_open(&eng[e], m, o->backends[e], cli_device_for(o->device, o->backends[e], e == 1), NULL, err);
    int first_bad = -1;
    *mismatches = 0;
    for (int i = 0; i < n && st == ODPU_OK; i++) {
        int equal = 0;
        st = compare_image(m, ds, i, eng, input, &equal, err);
        if (st != ODPU_OK || equal)
            continue;
        if (first_bad < 0) {
            first_bad = i;
            print_first_difference(o, m, eng, i);
            st = locate(o, m, eng, err);
        }
        ++*mismatches;
    }
    if (st == ODPU_OK)
        printf("%s vs %s on %s (%s): outputs equal byte for byte on %d of %d images of %s (%.2f%%)\n",
               o->backends[0], o->backends[1], m->arch.name, m->desc, n - *mismatches, n, ds->source,
               100.0 * (n - *mismatches) / n);
    for (int e = 0; e < N_ENGINES; e++)
        cli_engine_close(&eng[e]);
    free(input);
    return st;
}

/* ---- Arguments ------------------------------------------------------------------------------- */

static int parse_backends(const char *v, compare_opts *o)
{
    const char *comma = strchr(v, ',');
    if (!comma || strchr(comma + 1, ','))
        return cli_usage_error("compare", compare_usage, "--backends wants two names separated by a comma, got '%s'", v);
    size_t a = (size_t)(comma - v), b = strlen(comma + 1);
    if (!a || !b || a >= BACKEND_NAME_MAX || b >= BACKEND_NAME_MAX)
        return cli_usage_error("compare", compare_usage, "--backends: bad backend names in '%s'", v);
    memcpy(o->backends[0], v, a);
    o->backends[0][a] = '\0';
    memcpy(o->backends[1], comma + 1, b + 1);
    return 0;
}

/* Returns 0 on success, -1 after --help, else the exit status. */
static int parse_args(int argc, char **argv, compare_opts *o)
{
    memset(o, 0, sizeof *o);
    cli_model_default_options(&o->model);
    strcpy(o->backends[0], "ref");
    strcpy(o->backends[1], "sim");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int shared = quant_args_parse("compare", argc, argv, &i, &o->model.quant);
        if (shared < 0)
            return EXIT_USAGE;
        if (shared)
            continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", compare_usage, quant_args_help);
            return -1;
        }
        if (!strcmp(a, "--data") || !strcmp(a, "--arch") || !strcmp(a, "--backends") || !strcmp(a, "--limit") ||
            !strcmp(a, "--device")) {
            if (!v)
                return cli_usage_error("compare", compare_usage, "%s needs a value", a);
            i++;
            char *end;
            if (!strcmp(a, "--data"))
                o->data = v;
            else if (!strcmp(a, "--arch"))
                o->model.arch_path = v;
            else if (!strcmp(a, "--device"))
                o->device = v;
            else if (!strcmp(a, "--backends") && parse_backends(v, o))
                return EXIT_USAGE;
            else if (!strcmp(a, "--limit") && ((o->limit = strtol(v, &end, 10)) < 1 || *end || o->limit > INT_MAX))
                return cli_usage_error("compare", compare_usage, "--limit wants a positive number, got '%s'", v);
        } else if (a[0] == '-') {
            return cli_usage_error("compare", compare_usage, "unknown option '%s'", a);
        } else if (o->model.model_path) {
            return cli_usage_error("compare", compare_usage, "more than one model given ('%s')", a);
        } else {
            o->model.model_path = a;
        }
    }
    if (!o->model.model_path)
        return cli_usage_error("compare", compare_usage, "no model given");
    if (!o->data)
        return cli_usage_error("compare", compare_usage, "--data DATA is required");
    return 0;
}

int cmd_compare(int argc, char **argv)
{
    compare_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_dataset ds;
    memset(&ds, 0, sizeof ds);
    cli_model m;
    memset(&m, 0, sizeof m);
    int mismatches = 0;
    odpu_status st = odpu_dataset_open(o.data, &ds, &err);
    if (st == ODPU_OK)
        st = cli_model_load(&o.model, &m, &err);
    if (st == ODPU_OK)
        st = compare(&o, &m, &ds, &mismatches, &err);
    cli_model_free(&m);
    odpu_dataset_free(&ds);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu compare: %s\n", err.msg);
        return EXIT_FAIL;
    }
    return mismatches ? EXIT_MISMATCH : 0;
}
