/* cmd_info.c - `opendpu info MODEL.odpu`: what a compiled model is made of. The header (arch,
 * instructions, DDR), the I/O tensors, and the compiler's per-layer table (LAYERS section):
 * shapes, MACs, weight bytes, tile plan, instruction count and DDR traffic, with totals. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "host/model.h"
#include "isa/isa.h"

enum { SHAPE_TEXT = 32, COUNT_TEXT = 16 };

#define KILO 1e3
#define MEGA 1e6
#define GIGA 1e9

static int info_fail(const odpu_err *err)
{
    fprintf(stderr, "opendpu info: %s\n", err->msg);
    return 1;
}

/* 1234 -> "1234", 12345678 -> "12.3M": table columns stay narrow. */
static const char *human(uint64_t v, char *buf, size_t size)
{
    if (v < 100 * KILO)
        snprintf(buf, size, "%" PRIu64, v);
    else if (v < 100 * MEGA)
        snprintf(buf, size, "%.1fk", (double)v / KILO);
    else if (v < 100 * GIGA)
        snprintf(buf, size, "%.1fM", (double)v / MEGA);
    else
        snprintf(buf, size, "%.1fG", (double)v / GIGA);
    return buf;
}

static const char *shape(uint32_t h, uint32_t w, uint32_t c, char *buf, size_t size)
{
    if (!c)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%ux%ux%u", h, w, c);
    return buf;
}

static void print_header(const odpu_model *m, const char *path)
{
    printf("%s: model file %u.%u for arch '%s' (fingerprint %016" PRIx64 ")\n", path, m->version_major,
           m->version_minor, m->arch_name, m->arch_fingerprint);
    printf("  %zu instructions, %zu constant bytes, DDR window %" PRIu64 " bytes\n", m->n_insns, m->consts_size,
           m->ddr_size);
    for (size_t i = 0; i < m->n_tensors; i++) {
        const odpu_tensor_desc *t = &m->tensors[i];
        char s[SHAPE_TEXT];
        printf("  %-6s %-24s %-14s at %" PRIu64 " (pixel stride %u)  scale %g zero point %d\n",
               t->role == ODPU_TENSOR_INPUT ? "input" : "output", t->name, shape(t->h, t->w, t->c, s, sizeof s),
               t->ddr_offset, t->pixel_stride, (double)t->scale, (int)t->zero_point);
    }
    if (m->meta && *m->meta) {
        printf("  meta:");
        for (const char *p = m->meta; *p; p++)
            fputs(*p == '\n' ? (p[1] ? "; " : "") : (char[2]){*p, 0}, stdout);
        printf("\n");
    }
}

static void print_layers(const odpu_model *m)
{
    if (!m->n_layers) {
        printf("  no per-layer table in this file (it was not written by the compiler)\n");
        return;
    }
    printf("\n%-3s %-24s %-17s %-13s %-13s %7s %7s %6s %7s %7s  %s\n", "#", "layer", "op", "input", "output", "MACs",
           "weights", "insns", "read", "written", "tile plan");
    uint64_t macs = 0, weights = 0, read = 0, written = 0, insns = 0;
    for (size_t i = 0; i < m->n_layers; i++) {
        const odpu_layer_info *l = &m->layers[i];
        char in[SHAPE_TEXT], out[SHAPE_TEXT], a[COUNT_TEXT], w[COUNT_TEXT], r[COUNT_TEXT], wr[COUNT_TEXT];
        printf("%-3zu %-24.24s %-17.17s %-13s %-13s %7s %7s %6u %7s %7s  %s\n", i, l->name, l->op,
               shape(l->in_h, l->in_w, l->in_c, in, sizeof in), shape(l->out_h, l->out_w, l->out_c, out, sizeof out),
               human(l->macs, a, sizeof a), human(l->weight_bytes, w, sizeof w), l->n_insns,
               human(l->ddr_read, r, sizeof r), human(l->ddr_written, wr, sizeof wr), l->plan);
        macs += l->macs;
        weights += l->weight_bytes;
        read += l->ddr_read;
        written += l->ddr_written;
        insns += l->n_insns;
    }
    char a[COUNT_TEXT], w[COUNT_TEXT], r[COUNT_TEXT], wr[COUNT_TEXT];
    printf("%-3s %-24s %-17s %-13s %-13s %7s %7s %6" PRIu64 " %7s %7s  (+%" PRIu64 " END/NOP outside layers)\n", "",
           "total", "", "", "", human(macs, a, sizeof a), human(weights, w, sizeof w), insns, human(read, r, sizeof r),
           human(written, wr, sizeof wr), (uint64_t)m->n_insns - insns);
}

int cmd_info(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: opendpu info MODEL.odpu\n");
        return 2;
    }
    odpu_model m;
    odpu_err err = {0};
    if (odpu_model_load(argv[1], &m, &err) != ODPU_OK)
        return info_fail(&err);
    print_header(&m, argv[1]);
    print_layers(&m);
    odpu_model_free(&m);
    return 0;
}
