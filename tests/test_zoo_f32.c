/* test_zoo_f32.c - every zoo model (models/NAME/NAME.onnx) through the C front end: imported,
 * run by the FP32 executor on the reference inputs the training script saved, and compared
 * with PyTorch's outputs; then optimized (canonical operators only) and compared again with
 * the unoptimized graph. A model folder without its reference files fails the test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "quantizer/graph.h"
#include "tests/graph_run.h"
#include "tests/testutil.h"

#define MODELS_DIR "models"
#define TOL_PYTORCH 1e-4  /* max |C - PyTorch| over every output of every reference image */
/* max |optimized - imported| relative to the largest output magnitude: folding BatchNorm
 * only reorders float roundings, whose size scales with the values. */
#define TOL_OPTIMIZED_REL 1e-5

enum { MAX_MODELS = 64, NAME_MAX_LEN = 128, PATH_LEN = 1024 };

typedef struct zoo_list {
    int n;
    char name[MAX_MODELS][NAME_MAX_LEN];
} zoo_list;

static zoo_list zoo; /* filled by the suite builder */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_names(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

/* Model folders: models/NAME/ holding NAME.onnx. Sorted, for a stable report. */
static void find_models(void)
{
    zoo.n = 0;
    DIR *d = opendir(MODELS_DIR);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) && zoo.n < MAX_MODELS) {
        char path[PATH_LEN];
        if (e->d_name[0] == '.' || strlen(e->d_name) >= NAME_MAX_LEN)
            continue;
        snprintf(path, sizeof path, MODELS_DIR "/%s/%s.onnx", e->d_name, e->d_name);
        if (is_file(path))
            snprintf(zoo.name[zoo.n++], NAME_MAX_LEN, "%s", e->d_name);
    }
    closedir(d);
    qsort(zoo.name, (size_t)zoo.n, sizeof zoo.name[0], cmp_names);
}

/* Every model folder (a folder with an .onnx file) is a zoo model; none may lack its file. */
START_TEST(zoo_is_present)
{
    ck_assert_msg(is_dir(MODELS_DIR), "no %s/ folder (run from the repository root)", MODELS_DIR);
    ck_assert_msg(zoo.n > 0, "no models/NAME/NAME.onnx: the zoo has landed, so this must not be empty");
    DIR *d = opendir(MODELS_DIR);
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[PATH_LEN];
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, MODELS_DIR "/%s", e->d_name);
        if (!is_dir(path))
            continue;
        DIR *sub = opendir(path);
        struct dirent *f;
        int has_onnx = 0;
        while (sub && (f = readdir(sub)))
            has_onnx |= strlen(f->d_name) > 5 && strcmp(f->d_name + strlen(f->d_name) - 5, ".onnx") == 0;
        if (sub)
            closedir(sub);
        if (has_onnx) {
            snprintf(path, sizeof path, MODELS_DIR "/%s/%s.onnx", e->d_name, e->d_name);
            ck_assert_msg(is_file(path), "%s: the folder has an ONNX file but not %s", e->d_name, path);
        }
    }
    closedir(d);
    printf("zoo models checked:");
    for (int i = 0; i < zoo.n; i++)
        printf(" %s", zoo.name[i]);
    printf("\n");
}
END_TEST

static float *read_ref(const char *model, const char *file, int64_t *count)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, MODELS_DIR "/%s/%s", model, file);
    float *f = graph_run_read_f32(path, count);
    ck_assert_msg(f != NULL, "%s: cannot read %s (raw float32)", model, path);
    return f;
}

/* Run every reference image; returns all outputs back to back. */
static float *run_all(const odpu_graph *g, const char *model, const float *in, int64_t n_images)
{
    const int64_t n_in = graph_run_input_count(g), n_out = graph_run_output_count(g);
    odpu_f32_exec *ex;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_f32_exec_create(g, &ex, &err) == ODPU_OK, "%s: %s", model, err.msg);
    float *out = malloc((size_t)(n_out * n_images) * sizeof *out);
    ck_assert_ptr_nonnull(out);
    for (int64_t i = 0; i < n_images; i++)
        ck_assert_msg(graph_run_once(ex, g, in + i * n_in, out + i * n_out, &err) == ODPU_OK, "%s: image %lld: %s",
                      model, (long long)i, err.msg);
    odpu_f32_exec_destroy(ex);
    return out;
}

static double max_abs_diff(const float *a, const float *b, int64_t n)
{
    double m = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = a[i] > b[i] ? (double)a[i] - b[i] : (double)b[i] - a[i];
        if (!(d <= m))
            m = d == d ? d : 1e30; /* NaN: as bad as it gets */
    }
    return m;
}

START_TEST(model_matches_pytorch)
{
    const char *model = zoo.name[_i];
    char path[PATH_LEN];
    snprintf(path, sizeof path, MODELS_DIR "/%s/%s.onnx", model, model);
    odpu_graph g, opt;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_onnx_import(path, &g, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_onnx_import(path, &opt, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_graph_optimize(&opt, &err) == ODPU_OK, "%s: optimize: %s", model, err.msg);
    ck_assert_int_eq(g.n_inputs, 1);
    int64_t n_in_all, n_out_all;
    float *in = read_ref(model, "reference_inputs.f32", &n_in_all);
    float *ref = read_ref(model, "reference_outputs.f32", &n_out_all);
    const int64_t n_in = graph_run_input_count(&g), n_out = graph_run_output_count(&g);
    ck_assert_msg(n_in > 0 && n_in_all % n_in == 0 && n_in_all > 0, "%s: reference_inputs.f32 holds %lld floats, "
                  "not a multiple of the input's %lld", model, (long long)n_in_all, (long long)n_in);
    const int64_t n_images = n_in_all / n_in;
    ck_assert_msg(n_out_all == n_images * n_out, "%s: reference_outputs.f32 holds %lld floats, expected %lld x %lld",
                  model, (long long)n_out_all, (long long)n_images, (long long)n_out);
    ck_assert_int_eq(graph_run_output_count(&opt), n_out);

    float *y = run_all(&g, model, in, n_images);
    float *yo = run_all(&opt, model, in, n_images);
    double d_ref = max_abs_diff(y, ref, n_out_all), d_opt = max_abs_diff(yo, y, n_out_all);
    double d_opt_ref = max_abs_diff(yo, ref, n_out_all);
    printf("%s: %lld images, %d nodes -> %d canonical; max |C - PyTorch| %.3g (optimized %.3g), "
           "max |optimized - imported| %.3g\n",
           model, (long long)n_images, g.n_nodes, opt.n_nodes, d_ref, d_opt_ref, d_opt);
    ck_assert_msg(d_ref <= TOL_PYTORCH, "%s: imported graph differs from PyTorch by %g", model, d_ref);
    ck_assert_msg(d_opt_ref <= TOL_PYTORCH, "%s: optimized graph differs from PyTorch by %g", model, d_opt_ref);
    double scale = 1.0;
    for (int64_t i = 0; i < n_out_all; i++)
        scale = fabs(y[i]) > scale ? fabs(y[i]) : scale;
    ck_assert_msg(d_opt <= TOL_OPTIMIZED_REL * scale, "%s: optimized differs from imported by %g (outputs up to %g)",
                  model, d_opt, scale);
    free(y);
    free(yo);
    free(in);
    free(ref);
    odpu_graph_free(&g);
    odpu_graph_free(&opt);
}
END_TEST

static Suite *zoo_suite(void)
{
    Suite *s = suite_create("zoo_f32");
    TCase *tc = tcase_create("zoo");
    find_models();
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, zoo_is_present);
    if (zoo.n > 0)
        tcase_add_loop_test(tc, model_matches_pytorch, 0, zoo.n);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(zoo_suite)
