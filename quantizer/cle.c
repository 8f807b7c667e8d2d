/* cle.c - cross-layer equalization (see cle.h). */
#include "quantizer/cle.h"

#include <math.h>
#include <stdlib.h>

enum {
    CLE_MAX_SWEEPS = 32, /* chains converge geometrically; this bounds a pathological one */
    WEIGHT_RANK = 4      /* canonical CONV weights are [O, I/group, kh, kw] */
};
/* Stop sweeping once no channel scale differs from 1 by more than this (relative). */
#define CLE_TOLERANCE 1e-4

typedef struct cle_pair {
    int first, second; /* CONV node indices */
    int64_t offset;    /* channel i of first's output is input channel offset + i of second */
} cle_pair;

static int commutes_with_scale(odpu_act act)
{
    return act == ODPU_ACT_NONE || act == ODPU_ACT_RELU || act == ODPU_ACT_LEAKY;
}

/* The only node reading t, or -1 if t has several readers or leaves the graph. */
static int sole_consumer(const odpu_graph *g, int t)
{
    int c;
    if (odpu_graph_is_output(g, t) || odpu_graph_consumers(g, t, &c, 1) != 1)
        return -1;
    return c;
}

/* A constant used by this node only, so rescaling it changes nothing else. */
static int private_constant(const odpu_graph *g, int t)
{
    return t >= 0 && g->tensors[t].data && odpu_graph_consumers(g, t, NULL, 0) == 1;
}

static int scalable_conv(const odpu_graph *g, const odpu_gnode *n)
{
    if (n->op != ODPU_NODE_CONV || n->n_inputs < 2 || !private_constant(g, n->inputs[1]))
        return 0;
    const odpu_gtensor *w = &g->tensors[n->inputs[1]];
    if (w->rank != WEIGHT_RANK || n->a.group < 1)
        return 0;
    return n->n_inputs < 3 || n->inputs[2] < 0 || private_constant(g, n->inputs[2]);
}

/* Channels of the CONCAT inputs before input t (t must appear exactly once), or -1. */
static int64_t concat_offset(const odpu_graph *g, const odpu_gnode *cat, int t)
{
    int64_t offset = 0, found = -1;
    for (int k = 0; k < cat->n_inputs; k++) {
        if (cat->inputs[k] == t) {
            if (found >= 0)
                return -1;
            found = offset;
        }
        offset += g->tensors[cat->inputs[k]].dims[1];
    }
    return found;
}

/* The CONV that node first's output channels reach through operators that act per channel
 * (pools, and CONCAT, which only shifts them by *offset), or -1. */
static int paired_conv(const odpu_graph *g, int first, int64_t *offset)
{
    const odpu_gnode *n = &g->nodes[first];
    if (!scalable_conv(g, n) || !commutes_with_scale(n->act))
        return -1;
    int t = n->outputs[0];
    *offset = 0;
    for (;;) {
        int c = sole_consumer(g, t);
        if (c < 0)
            return -1;
        const odpu_gnode *m = &g->nodes[c];
        if (m->op == ODPU_NODE_CONV)
            return m->inputs[0] == t && scalable_conv(g, m) ? c : -1;
        if (m->op == ODPU_NODE_CONCAT) {
            int64_t at = concat_offset(g, m, t);
            if (at < 0 || m->a.axis != 1)
                return -1;
            *offset += at;
        } else if (m->op != ODPU_NODE_MAXPOOL && m->op != ODPU_NODE_AVGPOOL && m->op != ODPU_NODE_GLOBAL_AVGPOOL) {
            return -1;
        }
        if (!commutes_with_scale(m->act))
            return -1;
        t = m->outputs[0];
    }
}

/* Channel i of the first CONV's output is input channel offset + i of the second. */
static int channels_match(const odpu_graph *g, const cle_pair *p)
{
    const odpu_gnode *a = &g->nodes[p->first], *b = &g->nodes[p->second];
    const odpu_gtensor *wa = &g->tensors[a->inputs[1]], *wb = &g->tensors[b->inputs[1]];
    return wb->dims[0] % b->a.group == 0 && p->offset + wa->dims[0] <= wb->dims[1] * b->a.group;
}

/* Equalize one pair; returns the largest |s[i] - 1|. */
static double equalize_pair(odpu_graph *g, const cle_pair *p)
{
    odpu_gnode *a = &g->nodes[p->first], *b = &g->nodes[p->second];
    odpu_gtensor *wa = &g->tensors[a->inputs[1]], *wb = &g->tensors[b->inputs[1]];
    float *bias = a->n_inputs > 2 && a->inputs[2] >= 0 ? g->tensors[a->inputs[2]].data : NULL;
    int64_t channels = wa->dims[0];
    int64_t per_out_a = wa->dims[1] * wa->dims[2] * wa->dims[3];
    int64_t cin_g = wb->dims[1], taps = wb->dims[2] * wb->dims[3];
    int64_t cout_g = wb->dims[0] / b->a.group;
    double moved = 0;
    for (int64_t i = 0; i < channels; i++) {
        float *w1 = wa->data + i * per_out_a;
        double r1 = 0, r2 = 0;
        for (int64_t k = 0; k < per_out_a; k++)
            r1 = fmax(r1, fabs(w1[k]));
        int64_t grp = (p->offset + i) / cin_g, c = (p->offset + i) % cin_g;
        for (int64_t o = grp * cout_g; o < (grp + 1) * cout_g; o++)
            for (int64_t k = 0; k < taps; k++)
                r2 = fmax(r2, fabs(wb->data[(o * cin_g + c) * taps + k]));
        if (r1 == 0 || r2 == 0)
            continue; /* a dead channel: nothing to balance */
        double s = sqrt(r1 / r2);
        for (int64_t k = 0; k < per_out_a; k++)
            w1[k] = (float)(w1[k] / s);
        if (bias)
            bias[i] = (float)(bias[i] / s);
        for (int64_t o = grp * cout_g; o < (grp + 1) * cout_g; o++)
            for (int64_t k = 0; k < taps; k++)
                wb->data[(o * cin_g + c) * taps + k] = (float)(wb->data[(o * cin_g + c) * taps + k] * s);
        moved = fmax(moved, fabs(s - 1));
    }
    return moved;
}

odpu_status odpu_cle_apply(odpu_graph *g, int *n_pairs, odpu_err *err)
{
    cle_pair *pairs = malloc((size_t)(g->n_nodes > 0 ? g->n_nodes : 1) * sizeof *pairs);
    if (!pairs)
        return odpu_fail(err, ODPU_E_NOMEM, "cross-layer equalization: out of memory");
    int n = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].dead)
            continue;
        cle_pair p = {i, -1, 0};
        p.second = paired_conv(g, i, &p.offset);
        if (p.second >= 0 && channels_match(g, &p))
            pairs[n++] = p;
    }
    for (int sweep = 0; sweep < CLE_MAX_SWEEPS && n > 0; sweep++) {
        double moved = 0;
        for (int k = 0; k < n; k++)
            moved = fmax(moved, equalize_pair(g, &pairs[k]));
        if (moved < CLE_TOLERANCE)
            break;
    }
    free(pairs);
    if (n_pairs)
        *n_pairs = n;
    return ODPU_OK;
}
