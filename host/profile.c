/* profile.c - attribute a run's retired-instruction events to the layers of a compiled model
 * (see profile.h). */
#include "host/profile.h"

#include <stdlib.h>
#include <string.h>

/* Layer of each instruction index, -1 for none. */
static int *layer_of_insn(const odpu_model *m)
{
    int *map = malloc((m->n_insns ? m->n_insns : 1) * sizeof *map);
    if (!map)
        return NULL;
    for (size_t i = 0; i < m->n_insns; i++)
        map[i] = -1;
    for (size_t l = 0; l < m->n_layers; l++)
        for (uint32_t k = 0; k < m->layers[l].n_insns; k++)
            map[m->layers[l].first_insn + k] = (int)l;
    return map;
}

static void add_event(odpu_layer_profile *lp, const odpu_hal_event *e)
{
    if (!lp->n_events || e->start < lp->first_start)
        lp->first_start = e->start;
    if (e->end > lp->last_end)
        lp->last_end = e->end;
    lp->busy[e->engine] += e->end - e->start;
    lp->dep_wait[e->engine] += e->dep_wait;
    lp->ddr_stall[e->engine] += e->ddr_stall;
    lp->n_events++;
}

/* Each layer's share: from the latest end so far to its own end. */
static void share_cycles(odpu_profile *p)
{
    uint64_t done = 0;
    for (size_t l = 0; l < p->n_layers; l++) {
        odpu_layer_profile *lp = &p->layers[l];
        uint64_t end = lp->n_events && lp->last_end > done ? lp->last_end : done;
        lp->cycles = end - done;
        done = end;
    }
    p->tail_cycles = p->cycles > done ? p->cycles - done : 0;
}

odpu_status odpu_profile_build(const odpu_model *m, const odpu_hal_event *ev, size_t n_ev, uint64_t cycles,
                               odpu_profile *out, odpu_err *err)
{
    memset(out, 0, sizeof *out);
    if (!m->n_layers)
        return odpu_fail(err, ODPU_E_ARG, "profile: the model has no layer table (a hand-built stream?)");
    int *map = layer_of_insn(m);
    out->layers = calloc(m->n_layers, sizeof *out->layers);
    if (!map || !out->layers) {
        free(map);
        odpu_profile_free(out);
        return odpu_fail(err, ODPU_E_NOMEM, "profile: out of memory for %zu layers", m->n_layers);
    }
    out->n_layers = m->n_layers;
    out->cycles = cycles;
    for (size_t i = 0; i < n_ev; i++) {
        const odpu_hal_event *e = &ev[i];
        if (e->index >= m->n_insns || e->engine >= ODPU_PROFILE_ENGINES || e->end < e->start) {
            free(map);
            odpu_profile_free(out);
            return odpu_fail(err, ODPU_E_ARG,
                             "profile: event %zu names instruction %u of engine %u over cycles [%llu, %llu]; "
                             "the stream has %zu instructions",
                             i, e->index, e->engine, (unsigned long long)e->start, (unsigned long long)e->end,
                             m->n_insns);
        }
        out->busy[e->engine] += e->end - e->start;
        out->dep_wait[e->engine] += e->dep_wait;
        out->ddr_stall[e->engine] += e->ddr_stall;
        if (map[e->index] >= 0)
            add_event(&out->layers[map[e->index]], e);
    }
    free(map);
    share_cycles(out);
    return ODPU_OK;
}

void odpu_profile_free(odpu_profile *p)
{
    free(p->layers);
    memset(p, 0, sizeof *p);
}

double odpu_utilization(uint64_t macs, uint64_t cycles, uint32_t array_macs)
{
    return cycles && array_macs ? (double)macs / ((double)cycles * array_macs) : 0.0;
}

odpu_frame_rates odpu_frame_rates_of(const odpu_arch *arch, uint64_t cycles, uint64_t macs)
{
    odpu_frame_rates r = {.cycles = cycles, .macs = macs};
    r.seconds = (double)cycles / (arch->clock_mhz * 1e6);
    r.fps = r.seconds > 0 ? 1.0 / r.seconds : 0.0;
    r.gops = r.seconds > 0 ? 2.0 * (double)macs / r.seconds / 1e9 : 0.0;
    r.util_pct = 100.0 * odpu_utilization(macs, cycles, odpu_arch_macs(arch));
    return r;
}

uint64_t odpu_model_macs(const odpu_model *m)
{
    uint64_t macs = 0;
    for (size_t l = 0; l < m->n_layers; l++)
        macs += m->layers[l].macs;
    return macs;
}
