/* bench_sim.c - the speed of the sim backend: one frame of a model through the verilated
 * RTL, reported as simulated cycles per wall second, beside the frame's cycles, MAC-array
 * utilization and DDR traffic. Default: customnet224 compiled for b4096 (calibrated on a few
 * Fashion-MNIST images: the speed does not depend on the scales), the target being
 * one frame in under 10 s of wall time on a 2-core machine.
 * usage: bench_sim [MODEL.onnx [ARCH.yaml]]    (run from the repo root; `make bench` runs it) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "compiler/compiler.h"
#include "host/hal.h"
#include "host/model.h"
#include "host/runtime.h"
#include "quantizer/pipeline.h"

#define DEFAULT_MODEL "models/customnet224/customnet224.onnx"
#define DEFAULT_ARCH "arch/b4096.yaml"
#define CALIB_SPEC "fashion-mnist:train"

enum {
    CALIB_IMAGES = 4,           /* scales do not change the cycle count; a few images do */
    TIMEOUT_MS = 10 * 60 * 1000, /* simulated time: far more than a frame needs */
    TARGET_WALL_S = 10,         /* issue 4: one 224x224 customnet frame in under 10 s */
    MAX_IO = 8,
};

static int fail(const odpu_err *err)
{
    fprintf(stderr, "bench_sim: %s\n", err->msg);
    return 1;
}

static odpu_status compile_model(const char *onnx, const odpu_arch *arch, odpu_model *model, odpu_err *err)
{
    odpu_pipeline_options po;
    odpu_pipeline_default_options(&po);
    po.calib_spec = CALIB_SPEC;
    po.calib_images = CALIB_IMAGES;
    odpu_pipeline p;
    odpu_status st = odpu_pipeline_run(onnx, &po, &p, err);
    if (st != ODPU_OK)
        return st;
    odpu_compile_options co = {.arch = arch, .meta = NULL};
    st = odpu_compile(&p.quant, &co, model, err);
    odpu_pipeline_free(&p);
    return st;
}

/* Zero-point inputs (a black image after normalization is as good as any for timing). */
static odpu_status run_frame(odpu_runtime *rt, const odpu_model *m, odpu_run_stats *rs, odpu_err *err)
{
    int8_t *in[MAX_IO] = {0}, *out[MAX_IO] = {0};
    size_t n_in = 0, n_out = 0;
    odpu_status st = ODPU_OK;
    for (size_t i = 0; i < m->n_tensors && st == ODPU_OK; i++) {
        const odpu_tensor_desc *t = &m->tensors[i];
        size_t bytes = (size_t)t->h * t->w * t->c;
        int8_t **slot = t->role == ODPU_TENSOR_INPUT ? (n_in < MAX_IO ? &in[n_in++] : NULL)
                                                     : (n_out < MAX_IO ? &out[n_out++] : NULL);
        if (!slot || !(*slot = calloc(1, bytes ? bytes : 1)))
            st = odpu_fail(err, ODPU_E_NOMEM, "tensor '%s': no buffer", t->name);
        else if (t->role == ODPU_TENSOR_INPUT)
            memset(*slot, (int8_t)t->zero_point, bytes);
    }
    if (st == ODPU_OK)
        st = odpu_runtime_run(rt, (const int8_t *const *)in, out, TIMEOUT_MS, rs, err);
    for (size_t i = 0; i < MAX_IO; i++) {
        free(in[i]);
        free(out[i]);
    }
    return st;
}

static void report(const char *onnx, const odpu_arch *arch, const odpu_model *m, const odpu_run_stats *rs,
                   const odpu_hal_stats *hs, size_t n_events)
{
    double wall = (double)hs->wall_ns / 1e9;
    uint64_t macs = 0;
    for (size_t i = 0; i < m->n_layers; i++)
        macs += m->layers[i].macs;
    double util = rs->cycles ? (double)macs / ((double)rs->cycles * odpu_arch_macs(arch)) : 0;
    printf("bench_sim: %s on %s (sim backend, simulated at %" PRIu32 " MHz, DDR model %" PRIu32
           " B/cycle, %" PRIu32 " cycles latency)\n",
           onnx, arch->name, arch->clock_mhz, arch->ddr_bytes_per_cycle, arch->ddr_latency_cycles);
    printf("  %zu instructions, %zu retired on the engines; %" PRIu64 " cycles = %.3f ms simulated, "
           "MAC utilization %.1f %%\n",
           m->n_insns, n_events, rs->cycles, (double)rs->cycles / arch->clock_mhz / 1e3, 100 * util);
    printf("  DDR: %" PRIu64 " bytes read (%" PRIu64 " of them instructions), %" PRIu64 " written\n",
           hs->ddr_rd_bytes, hs->ddr_fetch_bytes, hs->ddr_wr_bytes);
    double cpu = (double)hs->cpu_ns / 1e9;
    printf("  run: %.2f s wall, %.2f s CPU: %.0f simulated cycles per wall second, %.0f per CPU second\n", wall,
           cpu, wall > 0 ? (double)hs->cycles / wall : 0, cpu > 0 ? (double)hs->cycles / cpu : 0);
    printf("  target (one frame in < %d s of wall time): %s\n", TARGET_WALL_S,
           wall < TARGET_WALL_S ? "met" : "MISSED");
}

static int have_sim(void)
{
    for (const char *const *n = odpu_hal_backends(); *n; n++)
        if (!strcmp(*n, "sim"))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (!have_sim()) { /* a build without Verilator or without the whole rtl/ */
        printf("bench_sim: this build has no sim backend (docs/sim.md, SIM in sim/sim.mk): nothing to measure\n");
        return 0;
    }
    const char *onnx = argc > 1 ? argv[1] : DEFAULT_MODEL;
    const char *arch_path = argc > 2 ? argv[2] : DEFAULT_ARCH;
    odpu_err err;
    odpu_arch arch;
    odpu_model model;
    if (odpu_arch_load(arch_path, &arch, &err) != ODPU_OK || compile_model(onnx, &arch, &model, &err) != ODPU_OK)
        return fail(&err);
    odpu_hal_options opt = {.arch = &arch};
    odpu_hal *hal = NULL;
    odpu_runtime *rt = NULL;
    odpu_run_stats rs;
    odpu_hal_stats hs;
    const odpu_hal_event *ev;
    size_t n_events = 0;
    odpu_status st = odpu_hal_open("sim", &opt, &hal, &err);
    if (st == ODPU_OK)
        st = odpu_runtime_open(hal, &model, &rt, &err);
    if (st == ODPU_OK)
        st = run_frame(rt, &model, &rs, &err);
    if (st == ODPU_OK)
        st = odpu_hal_read_stats(hal, &hs, &err);
    if (st == ODPU_OK)
        st = odpu_hal_events(hal, &ev, &n_events, &err);
    if (st == ODPU_OK)
        report(onnx, &arch, &model, &rs, &hs, n_events);
    odpu_runtime_close(rt);
    odpu_hal_close(hal);
    odpu_model_free(&model);
    return st == ODPU_OK ? 0 : fail(&err);
}
