/* graph_run.c - float graph test helpers (see graph_run.h). */
#include "tests/graph_run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"

enum { MAX_GRAPH_INPUTS = 64 }; /* more than any test graph has */

float *graph_run_read_f32(const char *path, int64_t *count)
{
    uint8_t *raw;
    size_t len;
    odpu_err err;
    if (odpu_read_file(path, 0, &raw, &len, &err) != ODPU_OK)
        return NULL;
    if (len % sizeof(float)) {
        free(raw);
        return NULL;
    }
    float *f = malloc(len ? len : 1);
    if (f)
        memcpy(f, raw, len); /* files are little endian, as the test hosts */
    free(raw);
    *count = (int64_t)(len / sizeof(float));
    return f;
}

int64_t graph_run_input_count(const odpu_graph *g)
{
    int64_t n = 0;
    for (int i = 0; i < g->n_inputs; i++)
        n += odpu_tensor_numel(&g->tensors[g->inputs[i]]);
    return n;
}

int64_t graph_run_output_count(const odpu_graph *g)
{
    int64_t n = 0;
    for (int i = 0; i < g->n_outputs; i++)
        n += odpu_tensor_numel(&g->tensors[g->outputs[i]]);
    return n;
}

odpu_status graph_run_once(odpu_f32_exec *ex, const odpu_graph *g, const float *in, float *out, odpu_err *err)
{
    const float *ins[MAX_GRAPH_INPUTS];
    if (g->n_inputs > MAX_GRAPH_INPUTS)
        return odpu_fail(err, ODPU_E_ARG, "too many inputs");
    for (int i = 0; i < g->n_inputs; i++) {
        ins[i] = in;
        in += odpu_tensor_numel(&g->tensors[g->inputs[i]]);
    }
    odpu_status st = odpu_f32_exec_run_inputs(ex, ins, g->n_inputs, NULL, NULL, err);
    for (int k = 0; k < g->n_outputs && !st; k++) {
        int64_t cnt;
        const float *y = odpu_f32_exec_output(ex, k, &cnt);
        memcpy(out, y, (size_t)cnt * sizeof *out);
        out += cnt;
    }
    return st;
}

double graph_run_max_diff(const float *a, const float *b, int64_t n)
{
    double m = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]) / fmax(1.0, fabs((double)b[i]));
        if (!(d <= m)) /* NaN counts as the largest difference */
            m = isnan(d) ? INFINITY : d;
    }
    return m;
}
