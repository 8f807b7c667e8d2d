/* pack.c - the constant part of the DDR window: for every CONV tile, its weights in the exact
 * WBUF word layout of docs/isa.md section 2 and its per-channel parameters in PBUF layout, so
 * that one linear LOAD puts them where the instruction reads them. */
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "compiler/internal.h"

/* Room for `bytes` more constant bytes at an aligned offset; returns that offset. The new
 * bytes and the alignment gap before them are zeroed (the file must not depend on what
 * malloc returned); the rest of the capacity is left untouched, so it costs no memory. */
static odpu_status consts_reserve(cc_ctx *cx, uint64_t bytes, uint64_t *at, odpu_err *err)
{
    uint64_t start = cc_align(cx->consts_size), end = start + bytes;
    if (end > cx->consts_cap) {
        uint64_t cap = cx->consts_cap ? cx->consts_cap : end;
        while (cap < end)
            cap *= 2;
        uint8_t *p = realloc(cx->consts, (size_t)cap);
        if (!p)
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory for %llu bytes of constants",
                             (unsigned long long)cap);
        cx->consts = p;
        cx->consts_cap = cap;
    }
    memset(cx->consts + cx->consts_size, 0, (size_t)(end - cx->consts_size));
    cx->consts_size = end;
    *at = start;
    return ODPU_OK;
}

/* Instruction shape of tile t, part q. */
static int part_in_c(const cc_octile *t, const cc_part *q) { return q->ic_len < 0 ? t->c1 - t->c0 : q->ic_len; }

/* Weights of tile t, part q into dst (its WBUF image). The loops run in destination order, one
 * word after the other: words are R*C bytes apart, and writing one byte per word across many
 * words (the source order) thrashes the cache on the large arrays. */
static odpu_status pack_weights(const cc_ctx *cx, const cc_layer *L, const cc_octile *t, const cc_part *q,
                                uint8_t *dst, odpu_err *err)
{
    const cc_convdef *cv = &L->conv;
    int in_c = part_in_c(t, q), out_c = t->o1 - t->o0, groups = t->groups;
    int cg_inst = in_c / groups, mg_inst = out_c / groups;
    int cg = cv->in_c / cv->groups, mg = cv->out_c / cv->groups, kw = cv->win.k[1];
    int ktaps = cv->win.k[0] * kw, taps = q->kh * q->kw;
    int dw = cc_conv_mode(in_c, groups) == ODPU_CONV_DEPTHWISE;
    int R = (int)cx->R, C = (int)cx->C;
    size_t wb = cx->word_bytes[ODPU_BUF_WBUF];
    int cb_n = (int)odpu_ceil_div((uint32_t)cg_inst, cx->R), tw = (int)odpu_ceil_div((uint32_t)taps, cx->R);
    /* Where output channel oi's weights for this part start: its row, first input of its group. */
    const int8_t **row = malloc((size_t)out_c * sizeof *row);
    if (!row)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory packing weights");
    for (int oi = 0; oi < out_c; oi++) {
        int o = t->o0 + oi, cw0 = t->c0 + q->ic_off + (oi / mg_inst) * cg_inst - (o / mg) * cg;
        row[oi] = cv->w + ((size_t)o * cg + cw0) * ktaps;
    }
    for (int blk = 0; blk * C < out_c; blk++) {
        int o_hi = out_c < (blk + 1) * C ? out_c : (blk + 1) * C;
        for (int cb = 0; cb < (dw ? 1 : cb_n); cb++) {
            int c_lo = cb * R, c_hi = cg_inst < (cb + 1) * R ? cg_inst : (cb + 1) * R;
            for (int tap = 0; tap < taps; tap++) {
                int ktap = (q->ky0 + tap / q->kw) * kw + q->kx0 + tap % q->kw; /* tap of the kernel */
                size_t word = dw ? (size_t)blk * tw + (size_t)(tap / R) : ((size_t)blk * cb_n + cb) * taps + tap;
                uint8_t *w = dst + word * wb;
                for (int oi = blk * C; oi < o_hi; oi++) {
                    uint8_t *lane = w + (size_t)(oi % C) * R;
                    const int8_t *src = row[oi] + ktap;
                    if (dw)
                        lane[tap % R] = (uint8_t)src[0];
                    else
                        for (int c = c_lo; c < c_hi; c++)
                            lane[c - c_lo] = (uint8_t)src[(size_t)c * ktaps];
                }
            }
        }
    }
    free(row);
    return ODPU_OK;
}

static void pack_params(const cc_ctx *cx, const cc_layer *L, const cc_octile *t, uint8_t *dst)
{
    uint32_t pb = cx->word_bytes[ODPU_BUF_PBUF];
    for (int oi = 0; oi < t->o1 - t->o0; oi++) {
        const odpu_chan_params *p = &L->conv.p[t->o0 + oi];
        uint8_t *e = dst + (size_t)((uint32_t)oi / cx->C) * pb + (size_t)((uint32_t)oi % cx->C) * ODPU_PARAM_ENTRY_BYTES;
        odpu_param_entry_encode(p, e);
    }
}

odpu_status cc_pack_layer(cc_ctx *cx, cc_layer *L, odpu_err *err)
{
    cc_conv_plan *p = &L->cp;
    size_t n_blobs = (size_t)p->n_oc * p->n_parts;
    p->w_word = calloc(n_blobs, sizeof *p->w_word);
    p->w_len = calloc(n_blobs, sizeof *p->w_len);
    p->p_word = calloc((size_t)p->n_oc, sizeof *p->p_word);
    p->p_len = calloc((size_t)p->n_oc, sizeof *p->p_len);
    if (!p->w_word || !p->w_len || !p->p_word || !p->p_len)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for the tile plan");
    uint64_t w_total = 0, p_total = 0;
    for (int o = 0; o < p->n_oc; o++) {
        const cc_octile *t = &p->oc[o];
        for (int q = 0; q < p->n_parts; q++) {
            const cc_part *part = &p->parts[q];
            size_t i = (size_t)o * p->n_parts + q;
            p->w_word[i] = (uint32_t)w_total;
            p->w_len[i] = cc_weight_words(cx, part_in_c(t, part), t->o1 - t->o0, t->groups, part->kh, part->kw);
            w_total += p->w_len[i];
        }
        p->p_word[o] = (uint32_t)p_total;
        p->p_len[o] = odpu_ceil_div((uint32_t)(t->o1 - t->o0), cx->C);
        p_total += p->p_len[o];
    }
    if (w_total > UINT32_MAX || p_total > UINT32_MAX)
        return odpu_fail(err, ODPU_E_ARG, "node '%s': too many weight words", L->name);
    p->w_total = (uint32_t)w_total;
    p->p_total = (uint32_t)p_total;
    p->w_all = w_total <= cx->slot_words[ODPU_BUF_WBUF];
    p->p_all = p_total <= cx->slot_words[ODPU_BUF_PBUF];
    odpu_status st = consts_reserve(cx, w_total * cx->word_bytes[ODPU_BUF_WBUF], &p->w_base, err);
    if (st == ODPU_OK)
        st = consts_reserve(cx, p_total * cx->word_bytes[ODPU_BUF_PBUF], &p->p_base, err);
    if (st != ODPU_OK)
        return st;
    for (int o = 0; o < p->n_oc; o++) {
        for (int q = 0; q < p->n_parts && st == ODPU_OK; q++) {
            size_t i = (size_t)o * p->n_parts + q;
            st = pack_weights(cx, L, &p->oc[o], &p->parts[q],
                              cx->consts + p->w_base + (uint64_t)p->w_word[i] * cx->word_bytes[ODPU_BUF_WBUF], err);
        }
        pack_params(cx, L, &p->oc[o], cx->consts + p->p_base + (uint64_t)p->p_word[o] * cx->word_bytes[ODPU_BUF_PBUF]);
    }
    return st;
}
