/* timeline.h - a run's engine activity as a Chrome trace (JSON Trace Event Format): one track
 * per engine, one slice per retired instruction; opens in Perfetto or chrome://tracing. */
#ifndef ODPU_REPORT_TIMELINE_H
#define ODPU_REPORT_TIMELINE_H

#include <stddef.h>
#include <stdio.h>

#include "arch/arch.h"
#include "common/err.h"
#include "host/hal.h"
#include "host/model.h"

/* Write the events of one run of model m on arch a to out. Times are microseconds at the
 * arch's clock (cycles / clock_mhz), labelled with how the cycles were obtained (the
 * backend's timing: simulated or measured); each slice names its opcode, instruction index
 * and layer, and carries its cycles, dependency wait and DDR stall. ODPU_E_ARG for an event
 * that does not belong to the model (index out of range, bad engine, end before start) or a
 * timing without cycles, ODPU_E_IO when writing fails. */
odpu_status odpu_timeline_write(FILE *out, const odpu_model *m, const odpu_arch *a, odpu_timing timing,
                                const odpu_hal_event *ev, size_t n_ev, odpu_err *err);

#endif
