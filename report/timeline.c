/* timeline.c - Chrome trace JSON of a run's retired instructions (see timeline.h). */
#include "report/timeline.h"

#include <inttypes.h>

#include "isa/isa.h"
#include "report/json.h"

/* The trace's process: one per run. Its tracks (tids) are the engines in odpu_engine order. */
enum { TRACE_PID = 1 };

static const odpu_layer_info *layer_of(const odpu_model *m, uint32_t insn)
{
    for (size_t l = 0; l < m->n_layers; l++) {
        const odpu_layer_info *li = &m->layers[l];
        if (insn >= li->first_insn && insn - li->first_insn < li->n_insns)
            return li;
    }
    return NULL;
}

static odpu_status check_event(const odpu_model *m, const odpu_hal_event *e, size_t k, odpu_err *err)
{
    if (e->index >= m->n_insns)
        return odpu_fail(err, ODPU_E_ARG, "timeline: event %zu names instruction %" PRIu32 " of a %zu-instruction stream",
                         k, e->index, m->n_insns);
    if (e->engine >= ODPU_ENGINE_COUNT)
        return odpu_fail(err, ODPU_E_ARG, "timeline: event %zu: engine %u is not an engine", k, (unsigned)e->engine);
    if (e->end < e->start)
        return odpu_fail(err, ODPU_E_ARG, "timeline: event %zu ends (cycle %" PRIu64 ") before it starts (%" PRIu64 ")",
                         k, e->end, e->start);
    return ODPU_OK;
}

static void put_track_names(FILE *out, const odpu_arch *a, odpu_timing timing)
{
    fprintf(out, "{\"ph\":\"M\",\"pid\":%d,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":", TRACE_PID);
    char title[128];
    snprintf(title, sizeof title, "opendpu %s, %s at %u MHz", a->name, odpu_timing_name(timing), a->clock_mhz);
    odpu_json_put_string(out, title);
    fputs("}}", out);
    for (int t = 0; t < ODPU_ENGINE_COUNT; t++) {
        fprintf(out, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\",\"args\":{\"name\":", TRACE_PID, t);
        odpu_json_put_string(out, odpu_engine_name((odpu_engine)t));
        fprintf(out, "}},\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
                TRACE_PID, t, t);
    }
}

/* One complete ("X") slice: its instruction, when it ran and what it waited for. */
static void put_slice(FILE *out, const odpu_model *m, const odpu_hal_event *e, double us_per_cycle)
{
    odpu_insn insn;
    const char *op = odpu_insn_decode(m->insns + (size_t)e->index * ODPU_INSN_BYTES, &insn, NULL) == ODPU_OK
                         ? odpu_opcode_name(insn.opcode)
                         : "?";
    const odpu_layer_info *li = layer_of(m, e->index);
    char name[64];
    snprintf(name, sizeof name, "%s #%" PRIu32, op, e->index);
    fputs(",\n{\"ph\":\"X\",\"name\":", out);
    odpu_json_put_string(out, name);
    fputs(",\"cat\":", out);
    odpu_json_put_string(out, li ? li->op : "stream");
    fprintf(out, ",\"pid\":%d,\"tid\":%d,\"ts\":%.6f,\"dur\":%.6f,\"args\":{\"layer\":", TRACE_PID, (int)e->engine,
            (double)e->start * us_per_cycle, (double)(e->end - e->start) * us_per_cycle);
    odpu_json_put_string(out, li ? li->name : "(between layers)");
    fprintf(out,
            ",\"insn\":%" PRIu32 ",\"start_cycle\":%" PRIu64 ",\"end_cycle\":%" PRIu64 ",\"dep_wait_cycles\":%" PRIu32
            ",\"ddr_stall_cycles\":%" PRIu32 "}}",
            e->index, e->start, e->end, e->dep_wait, e->ddr_stall);
}

odpu_status odpu_timeline_write(FILE *out, const odpu_model *m, const odpu_arch *a, odpu_timing timing,
                                const odpu_hal_event *ev, size_t n_ev, odpu_err *err)
{
    if (timing == ODPU_TIMING_NONE)
        return odpu_fail(err, ODPU_E_ARG, "timeline: the run was timed by no clock (timing: none)");
    if (!out || !m || !a || (n_ev && !ev) || !a->clock_mhz)
        return odpu_fail(err, ODPU_E_ARG, "timeline: missing stream, model, events or clock");
    for (size_t k = 0; k < n_ev; k++) {
        odpu_status st = check_event(m, &ev[k], k, err);
        if (st != ODPU_OK)
            return st;
    }
    double us_per_cycle = 1.0 / (double)a->clock_mhz;
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"timing\":", out);
    odpu_json_put_string(out, odpu_timing_name(timing));
    fputs(",\"arch\":", out);
    odpu_json_put_string(out, a->name);
    fprintf(out, ",\"clock_mhz\":%u,\"ddr_bytes_per_cycle\":%u,\"ddr_latency_cycles\":%u},\n\"traceEvents\":[\n",
            a->clock_mhz, a->ddr_bytes_per_cycle, a->ddr_latency_cycles);
    put_track_names(out, a, timing);
    for (size_t k = 0; k < n_ev; k++)
        put_slice(out, m, &ev[k], us_per_cycle);
    fputs("\n]}\n", out);
    if (fflush(out) != 0 || ferror(out))
        return odpu_fail(err, ODPU_E_IO, "timeline: write failed");
    return ODPU_OK;
}
