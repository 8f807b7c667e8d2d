/* roofline.h - the layers of a run against the arch's roofline as an SVG plot: attainable
 * GOPS = min(peak compute, DDR bandwidth x operational intensity), both axes logarithmic. */
#ifndef ODPU_REPORT_ROOFLINE_H
#define ODPU_REPORT_ROOFLINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/arch.h"
#include "common/err.h"
#include "host/hal.h"

typedef struct odpu_roofline_point {
    const char *name;   /* layer name, shown when the mouse is over its point */
    uint64_t macs;      /* multiply-accumulates (2 ops each) */
    uint64_t ddr_bytes; /* bytes the layer moved to and from DDR */
    uint64_t cycles;    /* its share of the frame */
} odpu_roofline_point;

/* Peak compute in GOPS at the arch's clock (2 ops per MAC), and DDR bandwidth in GB/s. */
double odpu_roofline_peak_gops(const odpu_arch *a);
double odpu_roofline_ddr_gbps(const odpu_arch *a);
/* What the roof allows at an intensity (ops per DDR byte). */
double odpu_roofline_attainable_gops(const odpu_arch *a, double ops_per_byte);

/* Write the plot, labelled with how its cycles were obtained (timing: simulated with the DDR
 * model, or measured). Points without MACs, cycles or DDR bytes have no place on it; *plotted
 * gets how many were drawn (may be NULL). ODPU_E_ARG for a timing without cycles, ODPU_E_IO
 * when writing fails. */
odpu_status odpu_roofline_svg(FILE *out, const odpu_arch *a, odpu_timing timing, const char *title,
                              const odpu_roofline_point *pts, size_t n, size_t *plotted, odpu_err *err);

#endif
