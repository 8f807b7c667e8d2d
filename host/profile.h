/* profile.h - where the cycles of one run went: per frame and per layer of a compiled model,
 * from the retired-instruction events of an engine that observes time (sim, board). */
#ifndef ODPU_HOST_PROFILE_H
#define ODPU_HOST_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "host/hal.h"
#include "host/model.h"

enum { ODPU_PROFILE_ENGINES = 3 }; /* load, compute, store (odpu_engine order) */

/* One layer. Its `cycles` are its share of the frame: from the end of the previous layer (or
 * START) to the retirement of its own last instruction, so the layers' cycles add up to the
 * frame although the engines overlap one layer's transfers with another's compute. */
typedef struct odpu_layer_profile {
    uint64_t cycles;
    uint64_t first_start, last_end;           /* span of its instructions (0, 0 for none) */
    uint64_t busy[ODPU_PROFILE_ENGINES];      /* cycles its instructions executed, per engine */
    uint64_t dep_wait[ODPU_PROFILE_ENGINES];  /* cycles they waited for tokens */
    uint64_t ddr_stall[ODPU_PROFILE_ENGINES]; /* cycles they waited for DDR while executing */
    uint32_t n_events;                        /* retired instructions seen */
} odpu_layer_profile;

typedef struct odpu_profile {
    uint64_t cycles;             /* the frame: START to the interrupt */
    uint64_t tail_cycles;        /* after the last layer's last instruction (END, drain) */
    odpu_layer_profile *layers;  /* one per model layer (model->n_layers) */
    size_t n_layers;
    uint64_t busy[ODPU_PROFILE_ENGINES], dep_wait[ODPU_PROFILE_ENGINES], ddr_stall[ODPU_PROFILE_ENGINES];
} odpu_profile;

/* Attribute a run's events to the model's layers (by instruction index). The model must have
 * its layer table (compiled models do). Events of instructions outside every layer (token
 * NOPs) count in the frame totals only. */
odpu_status odpu_profile_build(const odpu_model *m, const odpu_hal_event *ev, size_t n_ev, uint64_t cycles,
                               odpu_profile *out, odpu_err *err);
void odpu_profile_free(odpu_profile *p);

/* MACs / (cycles x array MACs): the fraction of the MAC array's peak a count of MACs used. */
double odpu_utilization(uint64_t macs, uint64_t cycles, uint32_t array_macs);

/* A frame's rates at the arch's clock, one frame at a time: what every report derives from a
 * cycle count (simulated cycles give simulated rates). */
typedef struct odpu_frame_rates {
    uint64_t cycles, macs;
    double seconds, fps, gops, util_pct;
} odpu_frame_rates;

odpu_frame_rates odpu_frame_rates_of(const odpu_arch *arch, uint64_t cycles, uint64_t macs);
/* The multiply-accumulates of one inference: the sum over the model's layer table. */
uint64_t odpu_model_macs(const odpu_model *m);

#endif
