/* disasm.c - readable assembly for instructions and listings of whole streams (see isa.h).
 * One line per instruction showing every field that matters for its class, so a listing is
 * enough to follow what a stream does without the bit table. */
#include "isa/isa.h"

#include <stdarg.h>
#include <string.h>

#include "common/bytes.h"

/* A bounded line under construction; output past the end is cut, never overrun. */
typedef struct line {
    char *buf;
    size_t size, len;
} line;

static void put(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(line *l, const char *fmt, ...)
{
    if (l->len + 1 >= l->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, l->size - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len = (size_t)n < l->size - l->len ? l->len + (size_t)n : l->size - 1;
}

static void put_mode(line *l, uint32_t mode, const char *const names[], uint32_t count)
{
    if (mode < count)
        put(l, " %s", names[mode]);
    else
        put(l, " mode%u", mode);
}

static void put_buf(line *l, uint32_t buf, uint32_t addr)
{
    put(l, "%s[0x%03x]", odpu_buf_name((odpu_buf_id)buf), addr);
}

static void put_deps(line *l, const odpu_deps *d)
{
    if (!d->pop_prev && !d->pop_next && !d->push_prev && !d->push_next)
        return;
    const char *sep = "";
    put(l, " {");
    const struct { uint8_t set; const char *name; } flags[] = {
        {d->pop_prev, "pop_prev"}, {d->pop_next, "pop_next"}, {d->push_prev, "push_prev"},
        {d->push_next, "push_next"}};
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
        if (flags[k].set) {
            put(l, "%s%s", sep, flags[k].name);
            sep = " ";
        }
    put(l, "}");
}

static void put_load(line *l, const odpu_load *v)
{
    put(l, "LOAD ");
    put_buf(l, v->buf, v->buf_addr);
    put(l, " <- DDR[0x%08x]", v->ddr_addr);
    if (v->buf == ODPU_BUF_IBUF || v->buf == ODPU_BUF_OBUF)
        put(l, " %ux%ux%u px %u row %u", v->h, v->w, v->c, v->pixel_stride, v->row_stride);
    else
        put(l, " len %u", v->len);
}

static void put_save(line *l, const odpu_save *v)
{
    put(l, "SAVE ");
    put_buf(l, v->buf, v->buf_addr);
    put(l, " -> DDR[0x%08x] %ux%ux%u px %u row %u", v->ddr_addr, v->h, v->w, v->c, v->pixel_stride,
        v->row_stride);
}

static void put_conv(line *l, const odpu_conv *c)
{
    static const char *const modes[] = {"std", "dw", "grp"};
    put(l, "CONV");
    put_mode(l, c->mode, modes, sizeof modes / sizeof modes[0]);
    put(l, " %ux%u s%ux%u d%ux%u pad t%u b%u l%u r%u in IBUF[0x%03x] %ux%ux%u -> ABUF[0x%03x]", c->kh, c->kw,
        c->stride_h, c->stride_w, c->dil_h, c->dil_w, c->pad_top, c->pad_bottom, c->pad_left, c->pad_right,
        c->ibuf_addr, c->in_h, c->in_w, c->in_c, c->abuf_addr);
    if (c->acc_out)
        put(l, " OBUF[0x%03x]", c->obuf_addr);
    put(l, " %ux%ux%u W[0x%02x]", c->out_h, c->out_w, c->out_c, c->wbuf_addr);
    if (c->acc_init || c->acc_out)
        put(l, " P[0x%x]", c->pbuf_addr);
    put(l, " groups %u zp in %d", c->groups, c->in_zp);
    if (c->acc_out)
        put(l, " out %d act [%d,%d]", c->out_zp, c->act_min, c->act_max);
    put(l, " %s", c->acc_init ? "init" : "accum");
    if (c->acc_out)
        put(l, " out");
    if (c->leaky)
        put(l, " leaky");
    if (c->pot)
        put(l, " pot");
    if (c->pool_h > 1 || c->pool_w > 1)
        put(l, " maxpool %ux%u", c->pool_h, c->pool_w);
}

static void put_pool(line *l, const odpu_pool *p)
{
    static const char *const modes[] = {"max", "avg", "gmax", "gavg"};
    put(l, "POOL");
    put_mode(l, p->mode, modes, sizeof modes / sizeof modes[0]);
    put(l, " %ux%u s%ux%u pad t%u b%u l%u r%u in ", p->kh, p->kw, p->stride_h, p->stride_w, p->pad_top,
        p->pad_bottom, p->pad_left, p->pad_right);
    put_buf(l, p->src_buf, p->src_addr);
    put(l, " %ux%ux%u -> OBUF[0x%03x] %ux%u", p->in_h, p->in_w, p->c, p->dst_addr, p->out_h, p->out_w);
    if (p->mode == ODPU_POOL_AVG || p->mode == ODPU_POOL_GLOBAL_AVG)
        put(l, " zp in %d out %d mult %d shift %d", p->in_zp, p->out_zp, p->mult, p->shift);
    put(l, " act [%d,%d]", p->act_min, p->act_max);
}

static void put_elew(line *l, const odpu_elew *e)
{
    static const char *const ops[] = {"add"};
    put(l, "ELEW");
    put_mode(l, e->op, ops, sizeof ops / sizeof ops[0]);
    put(l, " len %u a ", e->len);
    put_buf(l, e->a_buf, e->a_addr);
    put(l, " zp %d mult %d shift %d + b ", e->a_zp, e->a_mult, e->a_shift);
    put_buf(l, e->b_buf, e->b_addr);
    put(l, " zp %d mult %d shift %d -> OBUF[0x%03x] zp %d mult %d shift %d lshift %u act [%d,%d]", e->b_zp,
        e->b_mult, e->b_shift, e->out_addr, e->out_zp, e->out_mult, e->out_shift, e->left_shift, e->act_min,
        e->act_max);
}

void odpu_insn_disasm(const odpu_insn *insn, char *buf, size_t size)
{
    if (!buf || !size)
        return;
    line l = {buf, size, 0};
    buf[0] = '\0';
    switch (insn->opcode) {
    case ODPU_OP_LOAD: put_load(&l, &insn->u.load); break;
    case ODPU_OP_SAVE: put_save(&l, &insn->u.save); break;
    case ODPU_OP_CONV: put_conv(&l, &insn->u.conv); break;
    case ODPU_OP_POOL: put_pool(&l, &insn->u.pool); break;
    case ODPU_OP_ELEW: put_elew(&l, &insn->u.elew); break;
    case ODPU_OP_NOP: put(&l, "NOP %s", odpu_engine_name((odpu_engine)insn->u.nop.engine)); break;
    case ODPU_OP_END: put(&l, "END"); break;
    case ODPU_OP_ILLEGAL:
    default: put(&l, "ILLEGAL opcode %d", (int)insn->opcode); return;
    }
    put_deps(&l, &insn->deps);
}

enum { DISASM_LINE_MAX = 512 };

odpu_status odpu_stream_disasm(const uint8_t *stream, size_t n_insns, FILE *out, odpu_err *err)
{
    if (!out || (n_insns && !stream))
        return odpu_fail(err, ODPU_E_ARG, "disassembly: %s is NULL", out ? "the stream" : "the output");
    fprintf(out, "; %zu instructions (%zu bytes)\n", n_insns, n_insns * ODPU_INSN_BYTES);
    size_t bad = 0, first_bad = 0;
    odpu_err first = {0};
    for (size_t i = 0; i < n_insns; i++) {
        const uint8_t *p = stream + i * ODPU_INSN_BYTES;
        fprintf(out, "%6zu ", i);
        for (int w = 0; w < ODPU_INSN_WORDS; w++)
            fprintf(out, " %08x", odpu_rd32(p + 4 * w));
        odpu_insn insn;
        odpu_err derr = {0};
        char text[DISASM_LINE_MAX];
        if (odpu_insn_decode(p, &insn, &derr) == ODPU_OK) {
            odpu_insn_disasm(&insn, text, sizeof text);
            fprintf(out, "  %s\n", text);
            continue;
        }
        fprintf(out, "  <undecodable: %s>\n", derr.msg);
        if (!bad++) {
            first_bad = i;
            first = derr;
        }
    }
    if (fflush(out) != 0 || ferror(out))
        return odpu_fail(err, ODPU_E_IO, "disassembly: cannot write the listing");
    if (bad)
        return odpu_fail(err, ODPU_E_INVALID, "%zu of %zu instructions cannot be decoded; first: instruction %zu: %s",
                         bad, n_insns, first_bad, first.msg);
    return ODPU_OK;
}
