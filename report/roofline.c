/* roofline.c - SVG roofline of a run's layers (see roofline.h). */
#include "report/roofline.h"

#include <inttypes.h>
#include <math.h>

/* Plot geometry in SVG user units. */
enum { SVG_W = 760, SVG_H = 530, MARGIN_L = 80, MARGIN_R = 30, MARGIN_T = 70, MARGIN_B = 60, POINT_R = 5 };

typedef struct axes {
    double x_lo, x_hi, y_lo, y_hi; /* decades: powers of ten */
} axes;

double odpu_roofline_peak_gops(const odpu_arch *a)
{
    return 2.0 * odpu_arch_macs(a) * a->clock_mhz / 1e3;
}

double odpu_roofline_ddr_gbps(const odpu_arch *a)
{
    return (double)a->ddr_bytes_per_cycle * a->clock_mhz / 1e3;
}

double odpu_roofline_attainable_gops(const odpu_arch *a, double ops_per_byte)
{
    double mem = odpu_roofline_ddr_gbps(a) * ops_per_byte, peak = odpu_roofline_peak_gops(a);
    return mem < peak ? mem : peak;
}

static int plottable(const odpu_roofline_point *p)
{
    return p->macs && p->ddr_bytes && p->cycles;
}

static double intensity(const odpu_roofline_point *p)
{
    return 2.0 * (double)p->macs / (double)p->ddr_bytes;
}

static double achieved_gops(const odpu_arch *a, const odpu_roofline_point *p)
{
    return 2.0 * (double)p->macs * a->clock_mhz / (double)p->cycles / 1e3;
}

/* Decades that hold every point, the ridge and the peak, with a decade to spare. */
static axes fit_axes(const odpu_arch *a, const odpu_roofline_point *pts, size_t n)
{
    double ridge = odpu_roofline_peak_gops(a) / odpu_roofline_ddr_gbps(a);
    double x_lo = ridge, x_hi = ridge, y_lo = odpu_roofline_peak_gops(a), y_hi = y_lo;
    for (size_t i = 0; i < n; i++) {
        if (!plottable(&pts[i]))
            continue;
        double x = intensity(&pts[i]), y = achieved_gops(a, &pts[i]);
        x_lo = fmin(x_lo, x);
        x_hi = fmax(x_hi, x);
        y_lo = fmin(y_lo, y);
        y_hi = fmax(y_hi, y);
    }
    axes ax = {pow(10, floor(log10(x_lo))), pow(10, ceil(log10(x_hi)) + (x_hi == ridge)),
               pow(10, floor(log10(y_lo))), pow(10, ceil(log10(y_hi * 1.0001)))};
    if (ax.x_hi <= ax.x_lo)
        ax.x_hi = ax.x_lo * 10;
    if (ax.y_hi <= ax.y_lo)
        ax.y_hi = ax.y_lo * 10;
    return ax;
}

static double px(const axes *ax, double x)
{
    return MARGIN_L + (SVG_W - MARGIN_L - MARGIN_R) * log10(x / ax->x_lo) / log10(ax->x_hi / ax->x_lo);
}

static double py(const axes *ax, double y)
{
    return SVG_H - MARGIN_B - (SVG_H - MARGIN_T - MARGIN_B) * log10(y / ax->y_lo) / log10(ax->y_hi / ax->y_lo);
}

/* XML text: the five characters with a meaning escaped. */
static void put_xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(*s, out);
        }
    }
}

static void put_grid(FILE *out, const axes *ax, odpu_timing timing)
{
    fputs("<g stroke=\"#ddd\" font-size=\"11\" fill=\"#444\">\n", out);
    for (double x = ax->x_lo; x <= ax->x_hi * 1.0001; x *= 10)
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/><text stroke=\"none\" x=\"%.1f\" y=\"%d\" "
                     "text-anchor=\"middle\">%g</text>\n",
                px(ax, x), MARGIN_T, px(ax, x), SVG_H - MARGIN_B, px(ax, x), SVG_H - MARGIN_B + 16, x);
    for (double y = ax->y_lo; y <= ax->y_hi * 1.0001; y *= 10)
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/><text stroke=\"none\" x=\"%d\" y=\"%.1f\" "
                     "text-anchor=\"end\">%g</text>\n",
                MARGIN_L, py(ax, y), SVG_W - MARGIN_R, py(ax, y), MARGIN_L - 6, py(ax, y) + 4, y);
    fputs("</g>\n", out);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">operational intensity (ops per DDR "
                 "byte)</text>\n",
            (SVG_W + MARGIN_L - MARGIN_R) / 2, SVG_H - 14);
    fprintf(out, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 %d)\">"
                 "GOPS (%s)</text>\n",
            (SVG_H + MARGIN_T - MARGIN_B) / 2, (SVG_H + MARGIN_T - MARGIN_B) / 2, odpu_timing_name(timing));
}

static void put_roof(FILE *out, const odpu_arch *a, const axes *ax)
{
    double peak = odpu_roofline_peak_gops(a), ridge = peak / odpu_roofline_ddr_gbps(a);
    double x0 = fmax(ax->x_lo, ax->y_lo / odpu_roofline_ddr_gbps(a));
    fprintf(out, "<polyline id=\"roof\" fill=\"none\" stroke=\"#c33\" stroke-width=\"2\" points=\"%.1f,%.1f %.1f,%.1f "
                 "%.1f,%.1f\"/>\n",
            px(ax, x0), py(ax, odpu_roofline_attainable_gops(a, x0)), px(ax, ridge), py(ax, peak), px(ax, ax->x_hi),
            py(ax, peak));
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#c33\">peak %.0f GOPS (%u MACs at %u MHz); "
                 "DDR %.1f GB/s (%u B/cycle); ridge %.1f ops/B</text>\n",
            px(ax, ridge) + 6, py(ax, peak) - 6, peak, odpu_arch_macs(a), a->clock_mhz, odpu_roofline_ddr_gbps(a),
            a->ddr_bytes_per_cycle, ridge);
}

static void put_point(FILE *out, const odpu_arch *a, const axes *ax, const odpu_roofline_point *p, size_t index)
{
    double x = intensity(p), y = achieved_gops(a, p);
    fprintf(out, "<g class=\"layer\"><circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"#36c\"/><text x=\"%.1f\" "
                 "y=\"%.1f\" font-size=\"10\">%zu</text><title>",
            px(ax, x), py(ax, y), POINT_R, px(ax, x) + POINT_R + 2, py(ax, y) - POINT_R, index);
    put_xml_text(out, p->name ? p->name : "?");
    fprintf(out, ": %.2f ops/B, %.2f GOPS (roof %.2f), %" PRIu64 " cycles</title></g>\n", x, y,
            odpu_roofline_attainable_gops(a, x), p->cycles);
}

/* Where the plot's cycles come from, in a sentence. */
static void put_timing(FILE *out, const odpu_arch *a, odpu_timing timing)
{
    if (timing == ODPU_TIMING_SIMULATED)
        fprintf(out, "simulated: cycles at %u MHz with the DDR model (%u B/cycle, %u cycles latency)", a->clock_mhz,
                a->ddr_bytes_per_cycle, a->ddr_latency_cycles);
    else
        fprintf(out, "measured: the engine's cycle counters at %u MHz", a->clock_mhz);
}

odpu_status odpu_roofline_svg(FILE *out, const odpu_arch *a, odpu_timing timing, const char *title,
                              const odpu_roofline_point *pts, size_t n, size_t *plotted, odpu_err *err)
{
    if (timing == ODPU_TIMING_NONE)
        return odpu_fail(err, ODPU_E_ARG, "roofline: the run was timed by no clock (timing: none)");
    if (!out || !a || (n && !pts) || !a->clock_mhz || !a->ddr_bytes_per_cycle || !odpu_arch_macs(a))
        return odpu_fail(err, ODPU_E_ARG, "roofline: missing points, clock, DDR bandwidth or array size");
    axes ax = fit_axes(a, pts, n);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            SVG_W, SVG_H, SVG_W, SVG_H);
    fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"15\">", MARGIN_L);
    put_xml_text(out, title ? title : "roofline");
    fprintf(out, "</text>\n<text x=\"%d\" y=\"40\" font-size=\"11\" fill=\"#444\">", MARGIN_L);
    put_timing(out, a, timing);
    fprintf(out, "; a point is one layer, its label the layer number.</text>\n<text x=\"%d\" y=\"53\" "
                 "font-size=\"11\" fill=\"#444\">A point above the bandwidth roof moved its DDR bytes while earlier "
                 "layers still held the frame (prefetch).</text>\n",
            MARGIN_L);
    put_grid(out, &ax, timing);
    put_roof(out, a, &ax);
    size_t drawn = 0;
    for (size_t i = 0; i < n; i++)
        if (plottable(&pts[i])) {
            put_point(out, a, &ax, &pts[i], i);
            drawn++;
        }
    fputs("</svg>\n", out);
    if (plotted)
        *plotted = drawn;
    if (fflush(out) != 0 || ferror(out))
        return odpu_fail(err, ODPU_E_IO, "roofline: write failed");
    return ODPU_OK;
}
