/* bench_f32.c - throughput of the FP32 executor (images/s) on every zoo model file
 * (models/NAME/ *.onnx), imported and optimized. `make bench` builds and runs it from the
 * repository root. Inputs are the model's reference images when they fit, else zeros (the
 * float executor's cost does not depend on the values). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/file.h"
#include "quantizer/graph.h"

#define MODELS_DIR "models"
/* Each graph runs for at least this long so the timer's resolution does not matter. */
static const double BENCH_MIN_SECONDS = 1.0;
enum { PATH_LEN = 1024 };

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int64_t macs(const odpu_graph *g)
{
    int64_t total = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const odpu_gnode *n = &g->nodes[i];
        if (n->dead || n->op != ODPU_NODE_CONV)
            continue;
        const odpu_gtensor *w = &g->tensors[n->inputs[1]];
        total += odpu_tensor_numel(&g->tensors[n->outputs[0]]) * w->dims[1] * w->dims[2] * w->dims[3];
    }
    return total;
}

/* Images per second of g on input (one image). */
static double images_per_second(const odpu_graph *g, const float *input, odpu_err *err)
{
    odpu_f32_exec *ex;
    if (odpu_f32_exec_create(g, &ex, err))
        return -1.0;
    double t0 = now_seconds(), t = t0;
    long runs = 0;
    while (t - t0 < BENCH_MIN_SECONDS) {
        if (odpu_f32_exec_run(ex, input, NULL, NULL, err)) {
            odpu_f32_exec_destroy(ex);
            return -1.0;
        }
        runs++;
        t = now_seconds();
    }
    odpu_f32_exec_destroy(ex);
    return (double)runs / (t - t0);
}

static void bench_file(const char *dir, const char *file)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, MODELS_DIR "/%s/%s", dir, file);
    odpu_graph g, opt;
    odpu_err err;
    if (odpu_onnx_import(path, &g, &err) || odpu_onnx_import(path, &opt, &err) || odpu_graph_optimize(&opt, &err)) {
        printf("%-40s error: %s\n", path, err.msg);
        return;
    }
    int64_t n_in = odpu_tensor_numel(&g.tensors[g.inputs[0]]);
    float *input = calloc((size_t)n_in, sizeof *input);
    char ref[PATH_LEN];
    snprintf(ref, sizeof ref, MODELS_DIR "/%s/reference_inputs.f32", dir);
    uint8_t *raw;
    size_t len;
    if (input && odpu_read_file(ref, 0, &raw, &len, &err) == ODPU_OK) {
        if (len >= (size_t)n_in * sizeof(float))
            memcpy(input, raw, (size_t)n_in * sizeof(float));
        free(raw);
    }
    double ips = input ? images_per_second(&g, input, &err) : -1.0;
    double ips_opt = input ? images_per_second(&opt, input, &err) : -1.0;
    if (ips < 0 || ips_opt < 0)
        printf("%-40s error: %s\n", path, err.msg);
    else
        printf("%-40s %8.2f MMAC  imported %9.1f img/s  optimized %9.1f img/s (%.2f GMAC/s)\n", path,
               (double)macs(&opt) * 1e-6, ips, ips_opt, (double)macs(&opt) * ips_opt * 1e-9);
    free(input);
    odpu_graph_free(&g);
    odpu_graph_free(&opt);
}

int main(void)
{
    DIR *d = opendir(MODELS_DIR);
    if (!d) {
        fprintf(stderr, "bench_f32: no %s/ (run from the repository root)\n", MODELS_DIR);
        return 1;
    }
    printf("FP32 executor, one image per run, single thread\n");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[PATH_LEN];
        snprintf(sub, sizeof sub, MODELS_DIR "/%s", e->d_name);
        DIR *m = opendir(sub);
        struct dirent *f;
        while (m && (f = readdir(m))) {
            size_t l = strlen(f->d_name);
            if (l > 5 && strcmp(f->d_name + l - 5, ".onnx") == 0)
                bench_file(e->d_name, f->d_name);
        }
        if (m)
            closedir(m);
    }
    closedir(d);
    return 0;
}
