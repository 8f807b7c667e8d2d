/* validate.c - the validity rules of docs/isa.md section 7 (see isa.h).
 *
 * Per-instruction rules are what every engine re-checks before it executes an instruction;
 * the whole-stream rules (END placement, read-only DDR, token flow, races between engines,
 * uninitialised reads) can only be seen by this static pass over the stream.
 *
 * Why dep-underflow and dep-overflow, checked in stream order, rule out deadlock for an
 * engine whose fetch unit dispatches in stream order and whose engines execute their own
 * instructions in order (pop before, push after): take any moment of a run and let i be the
 * earliest instruction in stream order that has not completed. Every instruction before i
 * has completed, so
 *   - i has been dispatched: if fetch stalled at some j <= i on a full instruction queue,
 *     that queue would hold unfinished instructions before j, hence before i;
 *   - i is at the head of its engine's queue (the earlier ones of its engine are done);
 *   - for a queue i pops, its engine has popped exactly the tokens of instructions before i
 *     and the producer has pushed at least those, so the hardware count is at least the
 *     stream-order count just before i, which dep-underflow makes >= 1;
 *   - for a queue i pushes, its engine pushed exactly the tokens of instructions before i and
 *     the consumer popped at least those, so the hardware count is at most the stream-order
 *     count just before i, and dep-overflow makes that count + 1 <= dep_depth.
 * So i can start and finish; by induction every instruction completes and END is reached.
 * (dep-leftover is not needed for this: it keeps stale tokens out of the next run.) */
#include "isa/isa.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "isa/arith.h"

enum {
    ELEW_LEFT_SHIFT_MAX = 22, /* docs/isa.md section 6: (a - a_zp) << left_shift fits in int32 */
    /* No arch config comes near this many lanes; above it word-count arithmetic could wrap. */
    LIMIT_LANES_MAX = 1 << 16,
    BITMAP_WORD_BITS = 64,
    ACCESS_KINDS = 2, /* index of access lists: 0 read, 1 write */
    RESOURCE_COUNT = ODPU_RES_DDR + 1,
    QUEUE_INITIAL_CAPACITY = 8,
    BOX_DIMS = 3,  /* channel, pixel, row */
    LIST_INITIAL_CAPACITY = 16,
};

/* Width of the opcode field, from the one table of field positions. */
#define X_HDR_WIDTH(OP, field, word, lsb, width, sign, bias) HDR_WIDTH_##field = width,
enum { ODPU_HEADER_FIELDS(X_HDR_WIDTH) };
#undef X_HDR_WIDTH
#define OPCODE_MASK ((1u << HDR_WIDTH_opcode) - 1u)

/* ---- Names ----------------------------------------------------------------------------- */

const char *odpu_rule_name(odpu_rule rule)
{
    static const char *const names[ODPU_RULE_COUNT] = {
        [ODPU_RULE_NONE] = "none",
        [ODPU_RULE_OPCODE] = "opcode",
        [ODPU_RULE_RESERVED] = "reserved",
        [ODPU_RULE_FIELD] = "field",
        [ODPU_RULE_GROUPS] = "groups",
        [ODPU_RULE_WINDOW] = "window",
        [ODPU_RULE_OVERLAP] = "overlap",
        [ODPU_RULE_DEP_ENGINE] = "dep-engine",
        [ODPU_RULE_BUF_BOUNDS] = "buf-bounds",
        [ODPU_RULE_DDR_BOUNDS] = "ddr-bounds",
        [ODPU_RULE_DEP_UNDERFLOW] = "dep-underflow",
        [ODPU_RULE_END] = "end",
        [ODPU_RULE_DDR_READONLY] = "ddr-readonly",
        [ODPU_RULE_DEP_OVERFLOW] = "dep-overflow",
        [ODPU_RULE_DEP_LEFTOVER] = "dep-leftover",
        [ODPU_RULE_RACE] = "race",
        [ODPU_RULE_UNINIT] = "uninit",
    };
    return (unsigned)rule < ODPU_RULE_COUNT ? names[rule] : "?";
}

/* docs/isa.md section 8. */
odpu_hw_error odpu_rule_hw_error(odpu_rule rule)
{
    switch (rule) {
    case ODPU_RULE_OPCODE:
    case ODPU_RULE_RESERVED:
    case ODPU_RULE_FIELD:
    case ODPU_RULE_GROUPS:
    case ODPU_RULE_WINDOW:
    case ODPU_RULE_OVERLAP:
    case ODPU_RULE_DEP_ENGINE: return ODPU_HW_ILLEGAL_INSN;
    case ODPU_RULE_BUF_BOUNDS: return ODPU_HW_BUF_BOUNDS;
    case ODPU_RULE_DDR_BOUNDS: return ODPU_HW_DDR_BOUNDS;
    case ODPU_RULE_DEP_UNDERFLOW: return ODPU_HW_WATCHDOG;
    case ODPU_RULE_END: return ODPU_HW_NO_END;
    case ODPU_RULE_NONE:
    case ODPU_RULE_DDR_READONLY:
    case ODPU_RULE_DEP_OVERFLOW:
    case ODPU_RULE_DEP_LEFTOVER:
    case ODPU_RULE_RACE:
    case ODPU_RULE_UNINIT:
    case ODPU_RULE_COUNT: break;
    }
    return ODPU_HW_OK;
}

/* Record the detail of a broken rule (err may be NULL) and return the rule. */
static odpu_rule broken(odpu_err *err, odpu_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static odpu_rule broken(odpu_err *err, odpu_rule rule, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = ODPU_E_INVALID;
    }
    return rule;
}

static int is_class(unsigned opcode)
{
    switch (opcode) {
#define X_CASE(OP, code, name, FIELDS) case code:
        ODPU_OPCODES(X_CASE)
#undef X_CASE
        return 1;
    default: return 0;
    }
}

/* ---- Footprints (docs/isa.md sections 2 and 5) ------------------------------------------ */

/* The accesses of one instruction with a short description of each for messages. */
typedef struct access_set {
    odpu_access a[ODPU_MAX_ACCESSES];
    const char *what[ODPU_MAX_ACCESSES];
    int n;
} access_set;

static void add_access(access_set *s, int resource, int write, uint64_t lo, uint64_t count,
                       const char *what)
{
    /* A buffer id no field can hold (hand-built structs) has no footprint to speak of. */
    if (resource < 0 || resource > ODPU_RES_DDR || s->n >= ODPU_MAX_ACCESSES)
        return;
    s->a[s->n] = (odpu_access){.resource = resource, .write = write, .lo = lo, .hi = lo + count};
    s->what[s->n] = what;
    s->n++;
}

/* Limits are checked before use; this only keeps bad ones from dividing by zero. */
static uint32_t lanes(uint32_t count) { return count ? count : 1; }

/* Words of an activation tile of c channels, h x w pixels: ceil(c/R) * h * w. */
static uint64_t tile_words(uint32_t c, uint32_t h, uint32_t w, const odpu_isa_limits *lim)
{
    return (uint64_t)odpu_ceil_div(c, lanes(lim->rows)) * h * w;
}

/* Bounding byte range of an h x w x c box: (h-1)*row_stride + (w-1)*pixel_stride + c. */
static uint64_t box_bytes(uint32_t h, uint32_t w, uint32_t c, uint32_t pixel_stride,
                          uint32_t row_stride)
{
    if (!h || !w || !c)
        return 0;
    return (uint64_t)(h - 1) * row_stride + (uint64_t)(w - 1) * pixel_stride + c;
}

static uint64_t weight_words(const odpu_conv *cv, const odpu_isa_limits *lim)
{
    uint64_t out_blocks = odpu_ceil_div(cv->out_c, lanes(lim->cols));
    uint64_t taps = (uint64_t)cv->kh * cv->kw;
    if (cv->mode == ODPU_CONV_DEPTHWISE)
        return out_blocks * odpu_ceil_div((uint32_t)taps, lanes(lim->rows));
    uint32_t per_group = cv->groups ? cv->in_c / cv->groups : cv->in_c;
    return out_blocks * odpu_ceil_div(per_group, lanes(lim->rows)) * taps;
}

static uint64_t linear_word_bytes(uint32_t buf, const odpu_isa_limits *lim)
{
    return buf == ODPU_BUF_WBUF ? (uint64_t)lim->rows * lim->cols
                                : (uint64_t)lim->cols * ODPU_PARAM_ENTRY_BYTES;
}

static void load_accesses(const odpu_load *l, const odpu_isa_limits *lim, access_set *s)
{
    if (l->buf == ODPU_BUF_IBUF || l->buf == ODPU_BUF_OBUF) {
        add_access(s, ODPU_RES_DDR, 0, l->ddr_addr,
                   box_bytes(l->h, l->w, l->c, l->pixel_stride, l->row_stride), "source box (ddr_addr)");
        add_access(s, (int)l->buf, 1, l->buf_addr, tile_words(l->c, l->h, l->w, lim),
                   "destination tile (buf_addr)");
    } else if (l->buf == ODPU_BUF_WBUF || l->buf == ODPU_BUF_PBUF) {
        add_access(s, ODPU_RES_DDR, 0, l->ddr_addr, (uint64_t)l->len * linear_word_bytes(l->buf, lim),
                   "source (ddr_addr, len)");
        add_access(s, (int)l->buf, 1, l->buf_addr, l->len, "destination (buf_addr, len)");
    }
}

static void save_accesses(const odpu_save *v, const odpu_isa_limits *lim, access_set *s)
{
    if (v->buf < ODPU_BUF_COUNT)
        add_access(s, (int)v->buf, 0, v->buf_addr, tile_words(v->c, v->h, v->w, lim),
                   "source tile (buf_addr)");
    add_access(s, ODPU_RES_DDR, 1, v->ddr_addr,
               box_bytes(v->h, v->w, v->c, v->pixel_stride, v->row_stride), "destination box (ddr_addr)");
}

static void conv_accesses(const odpu_conv *cv, const odpu_isa_limits *lim, access_set *s)
{
    uint64_t acc_words = (uint64_t)odpu_ceil_div(cv->out_c, lanes(lim->cols)) * cv->out_h * cv->out_w;
    add_access(s, ODPU_BUF_IBUF, 0, cv->ibuf_addr, tile_words(cv->in_c, cv->in_h, cv->in_w, lim),
               "input tile (ibuf_addr)");
    add_access(s, ODPU_BUF_WBUF, 0, cv->wbuf_addr, weight_words(cv, lim), "weights (wbuf_addr)");
    if (cv->acc_init || cv->acc_out) /* bias and output-stage parameters */
        add_access(s, ODPU_BUF_PBUF, 0, cv->pbuf_addr, odpu_ceil_div(cv->out_c, lanes(lim->cols)),
                   "parameters (pbuf_addr)");
    if (!cv->acc_init) /* accumulates onto the previous partial sums */
        add_access(s, ODPU_BUF_ABUF, 0, cv->abuf_addr, acc_words, "accumulators (abuf_addr)");
    add_access(s, ODPU_BUF_ABUF, 1, cv->abuf_addr, acc_words, "accumulators (abuf_addr)");
    if (cv->acc_out) /* a pooled CONV writes the pooled tile (fields checked: pool_h, pool_w >= 1) */
        add_access(s, ODPU_BUF_OBUF, 1, cv->obuf_addr,
                   tile_words(cv->out_c, cv->out_h / cv->pool_h, cv->out_w / cv->pool_w, lim),
                   "output tile (obuf_addr)");
}

static void pool_accesses(const odpu_pool *p, const odpu_isa_limits *lim, access_set *s)
{
    add_access(s, (int)p->src_buf, 0, p->src_addr, tile_words(p->c, p->in_h, p->in_w, lim),
               "input tile (src_addr)");
    add_access(s, ODPU_BUF_OBUF, 1, p->dst_addr, tile_words(p->c, p->out_h, p->out_w, lim),
               "output tile (dst_addr)");
}

static void elew_accesses(const odpu_elew *el, access_set *s)
{
    add_access(s, (int)el->a_buf, 0, el->a_addr, el->len, "input a (a_addr, len)");
    add_access(s, (int)el->b_buf, 0, el->b_addr, el->len, "input b (b_addr, len)");
    add_access(s, ODPU_BUF_OBUF, 1, el->out_addr, el->len, "output (out_addr, len)");
}

static void collect_accesses(const odpu_insn *insn, const odpu_isa_limits *lim, access_set *s)
{
    s->n = 0;
    switch (insn->opcode) {
    case ODPU_OP_LOAD: load_accesses(&insn->u.load, lim, s); break;
    case ODPU_OP_SAVE: save_accesses(&insn->u.save, lim, s); break;
    case ODPU_OP_CONV: conv_accesses(&insn->u.conv, lim, s); break;
    case ODPU_OP_POOL: pool_accesses(&insn->u.pool, lim, s); break;
    case ODPU_OP_ELEW: elew_accesses(&insn->u.elew, s); break;
    case ODPU_OP_NOP:
    case ODPU_OP_END:
    case ODPU_OP_ILLEGAL: break;
    }
}

int odpu_insn_accesses(const odpu_insn *insn, const odpu_isa_limits *lim,
                       odpu_access out[ODPU_MAX_ACCESSES])
{
    if (!insn || !lim || !out)
        return 0;
    access_set s;
    collect_accesses(insn, lim, &s);
    memcpy(out, s.a, (size_t)s.n * sizeof s.a[0]);
    return s.n;
}

/* ---- Rule field ------------------------------------------------------------------------ */

static int shift_ok(int32_t shift) { return shift >= -ODPU_SHIFT_MAX && shift <= ODPU_SHIFT_MAX; }

static odpu_rule check_load_fields(const odpu_load *l, odpu_err *err)
{
    const char *buf = odpu_buf_name((odpu_buf_id)l->buf);
    if (l->buf == ODPU_BUF_IBUF || l->buf == ODPU_BUF_OBUF) {
        if (!l->h || !l->w || !l->c)
            return broken(err, ODPU_RULE_FIELD, "activation form (buf %s) needs h, w, c >= 1: h %u, w %u, c %u",
                          buf, l->h, l->w, l->c);
        if (l->len)
            return broken(err, ODPU_RULE_FIELD, "activation form (buf %s) needs len 0: len %u", buf, l->len);
        return ODPU_RULE_NONE;
    }
    if (l->buf != ODPU_BUF_WBUF && l->buf != ODPU_BUF_PBUF)
        return broken(err, ODPU_RULE_FIELD, "buf %u is not a buffer LOAD writes", l->buf);
    if (!l->len)
        return broken(err, ODPU_RULE_FIELD, "linear form (buf %s) needs len >= 1: len 0", buf);
    if (l->h || l->w || l->c || l->pixel_stride || l->row_stride)
        return broken(err, ODPU_RULE_FIELD,
                      "linear form (buf %s) needs h, w, c, pixel_stride, row_stride 0: "
                      "h %u, w %u, c %u, pixel_stride %u, row_stride %u",
                      buf, l->h, l->w, l->c, l->pixel_stride, l->row_stride);
    return ODPU_RULE_NONE;
}

static odpu_rule check_save_fields(const odpu_save *v, odpu_err *err)
{
    if (v->buf != ODPU_BUF_IBUF && v->buf != ODPU_BUF_OBUF)
        return broken(err, ODPU_RULE_FIELD, "buf %u (%s) is not IBUF or OBUF", v->buf,
                      odpu_buf_name((odpu_buf_id)v->buf));
    if (!v->h || !v->w || !v->c)
        return broken(err, ODPU_RULE_FIELD, "needs h, w, c >= 1: h %u, w %u, c %u", v->h, v->w, v->c);
    return ODPU_RULE_NONE;
}

static odpu_rule check_act_range(int32_t act_min, int32_t act_max, odpu_err *err)
{
    if (act_min > act_max)
        return broken(err, ODPU_RULE_FIELD, "act_min %d > act_max %d", act_min, act_max);
    return ODPU_RULE_NONE;
}

/* Fused max pooling: the pooled map goes to OBUF, so it needs acc_out, and the windows tile
 * the output exactly (the compiler computes only the rows and columns a floor-mode pool uses). */
static odpu_rule check_conv_pool(const odpu_conv *cv, odpu_err *err)
{
    if (cv->pool_h == 1 && cv->pool_w == 1)
        return ODPU_RULE_NONE;
    if (!cv->acc_out)
        return broken(err, ODPU_RULE_FIELD, "pooling %ux%u needs acc_out 1", cv->pool_h, cv->pool_w);
    if (cv->out_h % cv->pool_h || cv->out_w % cv->pool_w)
        return broken(err, ODPU_RULE_WINDOW, "pool %ux%u must divide the output %ux%u (out_h x out_w)",
                      cv->pool_h, cv->pool_w, cv->out_h, cv->out_w);
    return ODPU_RULE_NONE;
}

static odpu_rule check_conv_fields(const odpu_conv *cv, odpu_err *err)
{
    if (cv->mode > ODPU_CONV_GROUPED)
        return broken(err, ODPU_RULE_FIELD, "mode %u is not defined (0 standard, 1 depthwise, 2 grouped)",
                      cv->mode);
    if (!cv->in_h || !cv->in_w || !cv->in_c || !cv->out_h || !cv->out_w || !cv->out_c)
        return broken(err, ODPU_RULE_FIELD,
                      "sizes must be >= 1: in_h %u, in_w %u, in_c %u, out_h %u, out_w %u, out_c %u",
                      cv->in_h, cv->in_w, cv->in_c, cv->out_h, cv->out_w, cv->out_c);
    odpu_rule r = check_conv_pool(cv, err);
    return r != ODPU_RULE_NONE ? r : check_act_range(cv->act_min, cv->act_max, err);
}

static int pool_is_global(uint32_t mode) { return mode == ODPU_POOL_GLOBAL_MAX || mode == ODPU_POOL_GLOBAL_AVG; }

static odpu_rule check_pool_fields(const odpu_pool *p, odpu_err *err)
{
    if (p->mode > ODPU_POOL_GLOBAL_AVG)
        return broken(err, ODPU_RULE_FIELD, "mode %u is not defined", p->mode);
    if (p->src_buf != ODPU_BUF_IBUF && p->src_buf != ODPU_BUF_OBUF)
        return broken(err, ODPU_RULE_FIELD, "src_buf %u is not IBUF or OBUF", p->src_buf);
    if (!p->in_h || !p->in_w || !p->c || !p->out_h || !p->out_w)
        return broken(err, ODPU_RULE_FIELD, "sizes must be >= 1: in_h %u, in_w %u, c %u, out_h %u, out_w %u",
                      p->in_h, p->in_w, p->c, p->out_h, p->out_w);
    if (!shift_ok(p->shift))
        return broken(err, ODPU_RULE_FIELD, "shift %d is outside [-%d, %d]", p->shift, ODPU_SHIFT_MAX,
                      ODPU_SHIFT_MAX);
    odpu_rule r = check_act_range(p->act_min, p->act_max, err);
    if (r != ODPU_RULE_NONE)
        return r;
    int is_max = p->mode == ODPU_POOL_MAX || p->mode == ODPU_POOL_GLOBAL_MAX;
    if (is_max && (p->in_zp || p->out_zp || p->mult || p->shift))
        return broken(err, ODPU_RULE_FIELD, "max modes need in_zp, out_zp, mult, shift 0: %d, %d, %d, %d",
                      p->in_zp, p->out_zp, p->mult, p->shift);
    if (pool_is_global(p->mode) &&
        (p->kh != 1 || p->kw != 1 || p->stride_h != 1 || p->stride_w != 1 || p->pad_top || p->pad_bottom ||
         p->pad_left || p->pad_right || p->out_h != 1 || p->out_w != 1))
        return broken(err, ODPU_RULE_FIELD,
                      "global modes need kh kw stride_h stride_w 1, pads 0 and a 1x1 output: "
                      "kh %u, kw %u, stride_h %u, stride_w %u, pads t%u b%u l%u r%u, out %ux%u",
                      p->kh, p->kw, p->stride_h, p->stride_w, p->pad_top, p->pad_bottom, p->pad_left,
                      p->pad_right, p->out_h, p->out_w);
    return ODPU_RULE_NONE;
}

static odpu_rule check_elew_fields(const odpu_elew *el, odpu_err *err)
{
    if (el->op != ODPU_ELEW_ADD)
        return broken(err, ODPU_RULE_FIELD, "op %u is not defined (0 add)", el->op);
    if (el->a_buf != ODPU_BUF_IBUF && el->a_buf != ODPU_BUF_OBUF)
        return broken(err, ODPU_RULE_FIELD, "a_buf %u is not IBUF or OBUF", el->a_buf);
    if (el->b_buf != ODPU_BUF_IBUF && el->b_buf != ODPU_BUF_OBUF)
        return broken(err, ODPU_RULE_FIELD, "b_buf %u is not IBUF or OBUF", el->b_buf);
    if (!el->len)
        return broken(err, ODPU_RULE_FIELD, "len must be >= 1: len 0");
    if (el->left_shift > ELEW_LEFT_SHIFT_MAX)
        return broken(err, ODPU_RULE_FIELD, "left_shift %u > %d", el->left_shift, ELEW_LEFT_SHIFT_MAX);
    if (!shift_ok(el->a_shift) || !shift_ok(el->b_shift) || !shift_ok(el->out_shift))
        return broken(err, ODPU_RULE_FIELD, "shifts must lie in [-%d, %d]: a_shift %d, b_shift %d, out_shift %d",
                      ODPU_SHIFT_MAX, ODPU_SHIFT_MAX, el->a_shift, el->b_shift, el->out_shift);
    return check_act_range(el->act_min, el->act_max, err);
}

static odpu_rule check_fields(const odpu_insn *insn, odpu_err *err)
{
    switch (insn->opcode) {
    case ODPU_OP_LOAD: return check_load_fields(&insn->u.load, err);
    case ODPU_OP_SAVE: return check_save_fields(&insn->u.save, err);
    case ODPU_OP_CONV: return check_conv_fields(&insn->u.conv, err);
    case ODPU_OP_POOL: return check_pool_fields(&insn->u.pool, err);
    case ODPU_OP_ELEW: return check_elew_fields(&insn->u.elew, err);
    case ODPU_OP_NOP:
        if (insn->u.nop.engine >= ODPU_ENGINE_COUNT)
            return broken(err, ODPU_RULE_FIELD, "engine %u is not defined (0 load, 1 compute, 2 store)",
                          insn->u.nop.engine);
        return ODPU_RULE_NONE;
    case ODPU_OP_END:
    case ODPU_OP_ILLEGAL: break;
    }
    return ODPU_RULE_NONE;
}

/* ---- Rules groups, window, overlap, dep-engine ---------------------------------------- */

static odpu_rule check_groups(const odpu_conv *cv, odpu_err *err)
{
    if (!cv->groups || cv->in_c % cv->groups || cv->out_c % cv->groups)
        return broken(err, ODPU_RULE_GROUPS, "groups %u must be >= 1 and divide in_c %u and out_c %u",
                      cv->groups, cv->in_c, cv->out_c);
    if (cv->mode == ODPU_CONV_STANDARD && cv->groups != 1)
        return broken(err, ODPU_RULE_GROUPS, "standard mode needs groups 1: groups %u", cv->groups);
    if (cv->mode == ODPU_CONV_DEPTHWISE && cv->groups != cv->in_c)
        return broken(err, ODPU_RULE_GROUPS, "depthwise mode needs groups = in_c: groups %u, in_c %u",
                      cv->groups, cv->in_c);
    if (cv->mode == ODPU_CONV_GROUPED && (cv->groups < 2 || cv->groups >= cv->in_c))
        return broken(err, ODPU_RULE_GROUPS, "grouped mode needs 2 <= groups < in_c: groups %u, in_c %u",
                      cv->groups, cv->in_c);
    return ODPU_RULE_NONE;
}

/* One spatial axis of a CONV or POOL window, with the field names for messages. */
typedef struct axis {
    const char *name, *pad_lo_name, *pad_hi_name; /* "h", "pad_top", "pad_bottom" */
    int64_t in, out, k, stride, dil, pad_lo, pad_hi;
} axis;

static odpu_rule check_conv_axis(const axis *a, odpu_err *err)
{
    int64_t need = (a->out - 1) * a->stride + (a->k - 1) * a->dil + 1;
    int64_t have = a->pad_lo + a->in + a->pad_hi;
    if (need > have)
        return broken(err, ODPU_RULE_WINDOW,
                      "(out_%s-1)*stride_%s + (k%s-1)*dil_%s + 1 = %lld > %s + in_%s + %s = %lld "
                      "(out_%s %lld, stride_%s %lld, k%s %lld, dil_%s %lld, %s %lld, in_%s %lld, %s %lld)",
                      a->name, a->name, a->name, a->name, (long long)need, a->pad_lo_name, a->name,
                      a->pad_hi_name, (long long)have, a->name, (long long)a->out, a->name,
                      (long long)a->stride, a->name, (long long)a->k, a->name, (long long)a->dil,
                      a->pad_lo_name, (long long)a->pad_lo, a->name, (long long)a->in, a->pad_hi_name,
                      (long long)a->pad_hi);
    return ODPU_RULE_NONE;
}

static odpu_rule check_pool_axis(const axis *a, odpu_err *err)
{
    int64_t need = (a->out - 1) * a->stride + a->k;
    int64_t have = a->pad_lo + a->in + a->pad_hi;
    if (need > have)
        return broken(err, ODPU_RULE_WINDOW,
                      "(out_%s-1)*stride_%s + k%s = %lld > %s + in_%s + %s = %lld "
                      "(out_%s %lld, stride_%s %lld, k%s %lld, %s %lld, in_%s %lld, %s %lld)",
                      a->name, a->name, a->name, (long long)need, a->pad_lo_name, a->name, a->pad_hi_name,
                      (long long)have, a->name, (long long)a->out, a->name, (long long)a->stride, a->name,
                      (long long)a->k, a->pad_lo_name, (long long)a->pad_lo, a->name, (long long)a->in,
                      a->pad_hi_name, (long long)a->pad_hi);
    if (a->pad_lo >= a->k || a->pad_hi >= a->k)
        return broken(err, ODPU_RULE_WINDOW, "pads must be < k%s %lld: %s %lld, %s %lld", a->name,
                      (long long)a->k, a->pad_lo_name, (long long)a->pad_lo, a->pad_hi_name,
                      (long long)a->pad_hi);
    int64_t last_start = (a->out - 1) * a->stride - a->pad_lo;
    if (last_start >= a->in)
        return broken(err, ODPU_RULE_WINDOW,
                      "the last window starts at (out_%s-1)*stride_%s - %s = %lld, outside in_%s %lld",
                      a->name, a->name, a->pad_lo_name, (long long)last_start, a->name, (long long)a->in);
    return ODPU_RULE_NONE;
}

static odpu_rule check_window(const odpu_insn *insn, odpu_err *err)
{
    if (insn->opcode == ODPU_OP_CONV) {
        const odpu_conv *c = &insn->u.conv;
        axis h = {"h", "pad_top", "pad_bottom", c->in_h, c->out_h, c->kh, c->stride_h, c->dil_h,
                  c->pad_top, c->pad_bottom};
        axis w = {"w", "pad_left", "pad_right", c->in_w, c->out_w, c->kw, c->stride_w, c->dil_w,
                  c->pad_left, c->pad_right};
        odpu_rule r = check_conv_axis(&h, err);
        return r != ODPU_RULE_NONE ? r : check_conv_axis(&w, err);
    }
    if (insn->opcode == ODPU_OP_POOL) {
        const odpu_pool *p = &insn->u.pool;
        axis h = {"h", "pad_top", "pad_bottom", p->in_h, p->out_h, p->kh, p->stride_h, 1,
                  p->pad_top, p->pad_bottom};
        axis w = {"w", "pad_left", "pad_right", p->in_w, p->out_w, p->kw, p->stride_w, 1,
                  p->pad_left, p->pad_right};
        odpu_rule r = check_pool_axis(&h, err);
        return r != ODPU_RULE_NONE ? r : check_pool_axis(&w, err);
    }
    return ODPU_RULE_NONE;
}

static int ranges_overlap(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi)
{
    return a_lo < b_hi && b_lo < a_hi;
}

/* Does an h x w x c box with strides (1, pixel_stride, row_stride) name some DDR byte twice?
 * The rule's test: take the dimensions of extent > 1 in order of stride; each stride must
 * reach past the span of the smaller ones. */
static int box_self_overlaps(uint32_t h, uint32_t w, uint32_t c, uint32_t pixel_stride,
                             uint32_t row_stride)
{
    struct { uint64_t stride, extent; } d[BOX_DIMS] = {{1, c}, {pixel_stride, w}, {row_stride, h}};
    for (int i = 1; i < BOX_DIMS; i++) /* insertion sort by stride */
        for (int j = i; j > 0 && d[j].stride < d[j - 1].stride; j--) {
            uint64_t s = d[j].stride, e = d[j].extent;
            d[j] = d[j - 1];
            d[j - 1].stride = s;
            d[j - 1].extent = e;
        }
    uint64_t span = 1; /* bytes from the first to one past the last byte so far */
    for (int i = 0; i < BOX_DIMS; i++) {
        if (d[i].extent <= 1)
            continue;
        if (d[i].stride < span)
            return 1;
        span += (d[i].extent - 1) * d[i].stride;
    }
    return 0;
}

static odpu_rule check_elew_overlap(const odpu_elew *el, odpu_err *err)
{
    const struct { const char *name; uint32_t buf, addr; } in[2] = {{"a", el->a_buf, el->a_addr},
                                                                   {"b", el->b_buf, el->b_addr}};
    for (int i = 0; i < 2; i++)
        if (in[i].buf == ODPU_BUF_OBUF && in[i].addr != el->out_addr &&
            ranges_overlap(in[i].addr, (uint64_t)in[i].addr + el->len, el->out_addr,
                           (uint64_t)el->out_addr + el->len))
            return broken(err, ODPU_RULE_OVERLAP,
                          "output OBUF[0x%x, +%u) overlaps input %s OBUF[0x%x, +%u) without starting at "
                          "the same word (out_addr 0x%x, %s_addr 0x%x)",
                          el->out_addr, el->len, in[i].name, in[i].addr, el->len, el->out_addr, in[i].name,
                          in[i].addr);
    return ODPU_RULE_NONE;
}

static odpu_rule check_overlap(const odpu_insn *insn, const odpu_isa_limits *lim, odpu_err *err)
{
    if (insn->opcode == ODPU_OP_POOL && insn->u.pool.src_buf == ODPU_BUF_OBUF) {
        const odpu_pool *p = &insn->u.pool;
        uint64_t src_hi = p->src_addr + tile_words(p->c, p->in_h, p->in_w, lim);
        uint64_t dst_hi = p->dst_addr + tile_words(p->c, p->out_h, p->out_w, lim);
        if (ranges_overlap(p->src_addr, src_hi, p->dst_addr, dst_hi))
            return broken(err, ODPU_RULE_OVERLAP,
                          "source OBUF[0x%x, 0x%llx) (src_addr) and destination OBUF[0x%x, 0x%llx) "
                          "(dst_addr) overlap",
                          p->src_addr, (unsigned long long)src_hi, p->dst_addr, (unsigned long long)dst_hi);
    }
    if (insn->opcode == ODPU_OP_ELEW)
        return check_elew_overlap(&insn->u.elew, err);
    if (insn->opcode == ODPU_OP_SAVE) {
        const odpu_save *v = &insn->u.save;
        if (box_self_overlaps(v->h, v->w, v->c, v->pixel_stride, v->row_stride))
            return broken(err, ODPU_RULE_OVERLAP,
                          "the %ux%ux%u box writes some DDR bytes twice: pixel_stride %u, row_stride %u",
                          v->h, v->w, v->c, v->pixel_stride, v->row_stride);
    }
    return ODPU_RULE_NONE;
}

static odpu_rule check_dep_engine(const odpu_insn *insn, odpu_err *err)
{
    const odpu_deps *d = &insn->deps;
    odpu_engine e = odpu_insn_engine(insn);
    if (e == ODPU_ENGINE_FETCH) {
        if (d->pop_prev || d->pop_next || d->push_prev || d->push_next)
            return broken(err, ODPU_RULE_DEP_ENGINE,
                          "END carries no flags: pop_prev %u, pop_next %u, push_prev %u, push_next %u",
                          d->pop_prev, d->pop_next, d->push_prev, d->push_next);
        return ODPU_RULE_NONE;
    }
    if (odpu_dep_queue(e, ODPU_DEP_POP_PREV) == ODPU_QUEUE_NONE && (d->pop_prev || d->push_prev))
        return broken(err, ODPU_RULE_DEP_ENGINE,
                      "the %s engine has no prev neighbour: pop_prev %u, push_prev %u must be 0",
                      odpu_engine_name(e), d->pop_prev, d->push_prev);
    if (odpu_dep_queue(e, ODPU_DEP_POP_NEXT) == ODPU_QUEUE_NONE && (d->pop_next || d->push_next))
        return broken(err, ODPU_RULE_DEP_ENGINE,
                      "the %s engine has no next neighbour: pop_next %u, push_next %u must be 0",
                      odpu_engine_name(e), d->pop_next, d->push_next);
    return ODPU_RULE_NONE;
}

/* ---- Rules buf-bounds, ddr-bounds ------------------------------------------------------ */

static int limits_ok(const odpu_isa_limits *lim)
{
    return lim->rows >= 1 && lim->rows <= LIMIT_LANES_MAX && lim->cols >= 1 &&
           lim->cols <= LIMIT_LANES_MAX;
}

static odpu_rule check_bounds(const access_set *s, const odpu_isa_limits *lim,
                              const odpu_ddr_layout *ddr, odpu_err *err)
{
    for (int k = 0; k < s->n; k++) {
        const odpu_access *a = &s->a[k];
        if (a->resource == ODPU_RES_DDR)
            continue;
        uint32_t depth = lim->buf_words[a->resource];
        if (a->hi > depth || a->hi < a->lo)
            return broken(err, ODPU_RULE_BUF_BOUNDS, "%s %s[0x%llx, 0x%llx) ends beyond the buffer's %u words",
                          s->what[k], odpu_buf_name((odpu_buf_id)a->resource), (unsigned long long)a->lo,
                          (unsigned long long)a->hi, depth);
    }
    for (int k = 0; ddr && k < s->n; k++) {
        const odpu_access *a = &s->a[k];
        if (a->resource == ODPU_RES_DDR && (a->hi > ddr->size || a->hi < a->lo))
            return broken(err, ODPU_RULE_DDR_BOUNDS,
                          "%s DDR[0x%llx, 0x%llx) leaves the DDR window of 0x%llx bytes", s->what[k],
                          (unsigned long long)a->lo, (unsigned long long)a->hi, (unsigned long long)ddr->size);
    }
    return ODPU_RULE_NONE;
}

/* All per-instruction rules but the encodability of the values (decoded instructions always
 * are encodable; odpu_insn_check tests it for hand-built ones). */
static odpu_rule check_decoded(const odpu_insn *insn, const odpu_isa_limits *lim,
                               const odpu_ddr_layout *ddr, odpu_err *err)
{
    if (!is_class((unsigned)insn->opcode))
        return broken(err, ODPU_RULE_OPCODE, "opcode %d is not defined", (int)insn->opcode);
    odpu_rule r = check_fields(insn, err);
    if (r == ODPU_RULE_NONE && insn->opcode == ODPU_OP_CONV)
        r = check_groups(&insn->u.conv, err);
    if (r == ODPU_RULE_NONE)
        r = check_window(insn, err);
    if (r == ODPU_RULE_NONE)
        r = check_overlap(insn, lim, err);
    if (r == ODPU_RULE_NONE)
        r = check_dep_engine(insn, err);
    if (r != ODPU_RULE_NONE)
        return r;
    if (!limits_ok(lim))
        return broken(err, ODPU_RULE_BUF_BOUNDS, "limits rows %u, cols %u are no arch geometry", lim->rows,
                      lim->cols);
    access_set s;
    collect_accesses(insn, lim, &s);
    return check_bounds(&s, lim, ddr, err);
}

odpu_rule odpu_insn_check(const odpu_insn *insn, const odpu_isa_limits *lim,
                          const odpu_ddr_layout *ddr, odpu_err *err)
{
    if (!insn)
        return broken(err, ODPU_RULE_OPCODE, "no instruction");
    const char *op = odpu_opcode_name(insn->opcode);
    odpu_rule r;
    uint8_t scratch[ODPU_INSN_BYTES];
    odpu_err enc = {0};
    if (!is_class((unsigned)insn->opcode))
        r = broken(err, ODPU_RULE_OPCODE, "opcode %d is not defined", (int)insn->opcode);
    else if (odpu_insn_encode(insn, scratch, &enc) != ODPU_OK)
        r = broken(err, ODPU_RULE_FIELD, "%s", enc.msg);
    else if (!lim)
        r = broken(err, ODPU_RULE_BUF_BOUNDS, "no limits to check the buffers against");
    else
        r = check_decoded(insn, lim, ddr, err);
    if (r != ODPU_RULE_NONE)
        odpu_err_prefix(err, "%s: %s: ", op, odpu_rule_name(r));
    return r;
}

/* ---- Whole-stream validation ----------------------------------------------------------- */

/* Vector clock over the three engines: t[f] = how many instructions of engine f happen
 * before (or are) this point. An instruction of f with sequence number s (1-based) happens
 * before an instruction i iff s <= VC(i)[f]. */
typedef struct vclock {
    uint64_t t[ODPU_ENGINE_COUNT];
} vclock;

static void vclock_join(vclock *a, const vclock *b)
{
    for (int e = 0; e < ODPU_ENGINE_COUNT; e++)
        if (b->t[e] > a->t[e])
            a->t[e] = b->t[e];
}

/* FIFO of the clocks of the pushes still queued; the k-th pop joins the k-th push. */
typedef struct token_queue {
    vclock *v;
    size_t head, count, cap;
} token_queue;

/* An access recorded for race detection, sequence-numbered within its engine. */
typedef struct access_rec {
    uint64_t lo, hi, seq;
    size_t index;
    const char *what;
} access_rec;

/* Recent accesses of one engine to one resource of one kind, oldest first from head. */
typedef struct access_list {
    access_rec *v;
    size_t head, len, cap;
} access_list;

typedef struct validator {
    const odpu_isa_limits *lim;
    const odpu_ddr_layout *ddr;
    odpu_insn *insns;
    size_t n;
    odpu_err *err;
    odpu_rule *rule;
    size_t *index;
    size_t engine_end[ODPU_ENGINE_COUNT]; /* 1 + index of the engine's last instruction, 0 if none */
    uint64_t extent[ODPU_BUF_COUNT];      /* words of each buffer any access reaches */
    token_queue queue[ODPU_QUEUE_COUNT];
    vclock clock[ODPU_ENGINE_COUNT];      /* of each engine's latest instruction */
    access_list recent[ODPU_ENGINE_COUNT][RESOURCE_COUNT][ACCESS_KINDS];
    uint64_t *written[ODPU_BUF_COUNT];    /* one bit per word: written by an earlier instruction */
} validator;

static odpu_status fail_at(validator *v, size_t i, odpu_rule rule)
{
    *v->rule = rule;
    *v->index = i;
    const char *op = i < v->n ? odpu_opcode_name(v->insns[i].opcode) : "none";
    odpu_err_prefix(v->err, "instruction %zu (%s): %s: ", i, op, odpu_rule_name(rule));
    return ODPU_E_INVALID;
}

static odpu_status out_of_memory(validator *v, const char *what)
{
    return odpu_fail(v->err, ODPU_E_NOMEM, "stream validation: out of memory for %s (%zu instructions)",
                     what, v->n);
}

/* The detail of a decode failure without the class name isa.c puts in front. */
static const char *decode_detail(const odpu_err *derr, const char *op)
{
    size_t len = strlen(op);
    if (!strncmp(derr->msg, op, len) && !strncmp(derr->msg + len, ": ", 2))
        return derr->msg + len + 2;
    return derr->msg;
}

static odpu_status decode_one(validator *v, const uint8_t *bytes, size_t i)
{
    odpu_err derr = {0};
    if (odpu_insn_decode(bytes, &v->insns[i], &derr) == ODPU_OK)
        return ODPU_OK;
    unsigned opcode = odpu_rd32(bytes) & OPCODE_MASK;
    if (!is_class(opcode)) {
        v->insns[i].opcode = ODPU_OP_ILLEGAL;
        broken(v->err, ODPU_RULE_OPCODE, "opcode %u is not defined", opcode);
        return fail_at(v, i, ODPU_RULE_OPCODE);
    }
    v->insns[i].opcode = (odpu_opcode)opcode;
    broken(v->err, ODPU_RULE_RESERVED, "%s", decode_detail(&derr, odpu_opcode_name((odpu_opcode)opcode)));
    return fail_at(v, i, ODPU_RULE_RESERVED);
}

/* Pass 1: decode, per-instruction rules and END placement; notes which engines run when and
 * how far into each buffer the stream reaches. */
static odpu_status decode_all(validator *v, const uint8_t *stream)
{
    for (size_t i = 0; i < v->n; i++) {
        odpu_status st = decode_one(v, stream + i * ODPU_INSN_BYTES, i);
        if (st != ODPU_OK)
            return st;
        const odpu_insn *insn = &v->insns[i];
        odpu_rule r = check_decoded(insn, v->lim, v->ddr, v->err);
        if (r != ODPU_RULE_NONE)
            return fail_at(v, i, r);
        if (insn->opcode == ODPU_OP_END && i + 1 < v->n) {
            broken(v->err, ODPU_RULE_END, "END is not the last instruction: %zu more follow", v->n - i - 1);
            return fail_at(v, i, ODPU_RULE_END);
        }
        odpu_engine e = odpu_insn_engine(insn);
        if (e < ODPU_ENGINE_COUNT)
            v->engine_end[e] = i + 1;
        access_set s;
        collect_accesses(insn, v->lim, &s);
        for (int k = 0; k < s.n; k++)
            if (s.a[k].resource < ODPU_BUF_COUNT && s.a[k].hi > v->extent[s.a[k].resource])
                v->extent[s.a[k].resource] = s.a[k].hi;
    }
    if (v->n == 0) {
        odpu_fail(v->err, ODPU_E_INVALID, "stream: end: the stream is empty; it must end with END");
        *v->rule = ODPU_RULE_END;
        *v->index = 0;
        return ODPU_E_INVALID;
    }
    if (v->insns[v->n - 1].opcode != ODPU_OP_END) {
        broken(v->err, ODPU_RULE_END, "the stream of %zu instructions does not end with END", v->n);
        return fail_at(v, v->n - 1, ODPU_RULE_END);
    }
    return ODPU_OK;
}

/* Pass 2: no SAVE writes into the read-only part of the window (weights, parameters). */
static odpu_status check_readonly(validator *v)
{
    if (!v->ddr || v->ddr->ro_begin >= v->ddr->ro_end)
        return ODPU_OK;
    for (size_t i = 0; i < v->n; i++) {
        if (v->insns[i].opcode != ODPU_OP_SAVE)
            continue;
        access_set s;
        collect_accesses(&v->insns[i], v->lim, &s);
        for (int k = 0; k < s.n; k++) {
            const odpu_access *a = &s.a[k];
            if (a->resource == ODPU_RES_DDR && a->write &&
                ranges_overlap(a->lo, a->hi, v->ddr->ro_begin, v->ddr->ro_end)) {
                broken(v->err, ODPU_RULE_DDR_READONLY,
                       "%s DDR[0x%llx, 0x%llx) intersects the read-only range [0x%llx, 0x%llx)", s.what[k],
                       (unsigned long long)a->lo, (unsigned long long)a->hi,
                       (unsigned long long)v->ddr->ro_begin, (unsigned long long)v->ddr->ro_end);
                return fail_at(v, i, ODPU_RULE_DDR_READONLY);
            }
        }
    }
    return ODPU_OK;
}

/* ---- Pass 3: tokens, races and uninitialised reads, in stream order ---------------------- */

static int queue_push(token_queue *q, const vclock *c)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : QUEUE_INITIAL_CAPACITY;
        vclock *nv = malloc(cap * sizeof *nv);
        if (!nv)
            return 0;
        for (size_t k = 0; k < q->count; k++)
            nv[k] = q->v[(q->head + k) % q->cap];
        free(q->v);
        q->v = nv;
        q->cap = cap;
        q->head = 0;
    }
    q->v[(q->head + q->count) % q->cap] = *c;
    q->count++;
    return 1;
}

static void queue_pop(token_queue *q, vclock *joined)
{
    vclock_join(joined, &q->v[q->head]);
    q->head = (q->head + 1) % q->cap;
    q->count--;
}

/* Pops (joining the pushers' clocks into now) and the room check for the pushes. */
static odpu_status take_tokens(validator *v, size_t i, vclock *now)
{
    const odpu_insn *insn = &v->insns[i];
    for (int f = 0; f < ODPU_DEP_FLAG_COUNT; f++) {
        odpu_queue q = odpu_insn_flag_queue(insn, (odpu_dep_flag)f);
        if (q == ODPU_QUEUE_NONE || odpu_dep_flag_is_push((odpu_dep_flag)f))
            continue;
        if (!v->queue[q].count) {
            broken(v->err, ODPU_RULE_DEP_UNDERFLOW, "%s finds the %s queue empty",
                   odpu_dep_flag_name((odpu_dep_flag)f), odpu_queue_name(q));
            return fail_at(v, i, ODPU_RULE_DEP_UNDERFLOW);
        }
        queue_pop(&v->queue[q], now);
    }
    for (int f = 0; f < ODPU_DEP_FLAG_COUNT; f++) {
        odpu_queue q = odpu_insn_flag_queue(insn, (odpu_dep_flag)f);
        if (q == ODPU_QUEUE_NONE || !odpu_dep_flag_is_push((odpu_dep_flag)f))
            continue;
        if ((uint64_t)v->queue[q].count + 1 > v->lim->dep_queue_depth) {
            broken(v->err, ODPU_RULE_DEP_OVERFLOW, "%s makes the %s queue hold %zu tokens, more than its depth %u",
                   odpu_dep_flag_name((odpu_dep_flag)f), odpu_queue_name(q), v->queue[q].count + 1,
                   v->lim->dep_queue_depth);
            return fail_at(v, i, ODPU_RULE_DEP_OVERFLOW);
        }
    }
    return ODPU_OK;
}

static odpu_status give_tokens(validator *v, size_t i, const vclock *now)
{
    for (int f = 0; f < ODPU_DEP_FLAG_COUNT; f++) {
        odpu_queue q = odpu_insn_flag_queue(&v->insns[i], (odpu_dep_flag)f);
        if (q != ODPU_QUEUE_NONE && odpu_dep_flag_is_push((odpu_dep_flag)f) && !queue_push(&v->queue[q], now))
            return out_of_memory(v, "dependency tokens");
    }
    return ODPU_OK;
}

static odpu_status check_leftover(validator *v, size_t i)
{
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        if (v->queue[q].count) {
            broken(v->err, ODPU_RULE_DEP_LEFTOVER, "%zu token(s) left in the %s queue at END",
                   v->queue[q].count, odpu_queue_name((odpu_queue)q));
            return fail_at(v, i, ODPU_RULE_DEP_LEFTOVER);
        }
    return ODPU_OK;
}

static odpu_status report_race(validator *v, size_t i, const access_set *s, int k, odpu_engine f,
                               int other_kind, const access_rec *rec, int resource)
{
    const char *res = odpu_buf_name((odpu_buf_id)resource);
    const odpu_access *a = &s->a[k];
    broken(v->err, ODPU_RULE_RACE,
           "%s %s %s[0x%llx, 0x%llx), which instruction %zu (%s, %s engine) %s at %s[0x%llx, 0x%llx) "
           "(%s), and no dependency token orders instruction %zu before %zu",
           s->what[k], a->write ? "writes" : "reads", res, (unsigned long long)a->lo,
           (unsigned long long)a->hi, rec->index, odpu_opcode_name(v->insns[rec->index].opcode),
           odpu_engine_name(f), other_kind ? "writes" : "reads", res, (unsigned long long)rec->lo,
           (unsigned long long)rec->hi, rec->what, rec->index, i);
    return fail_at(v, i, ODPU_RULE_RACE);
}

/* Every earlier conflicting access by another engine must happen before instruction i. Only
 * f's accesses with a sequence number above now[f] are unordered; they sit at the end of f's
 * lists, so the scan stops at the first ordered one. */
static odpu_status check_races(validator *v, size_t i, odpu_engine e, const vclock *now,
                               const access_set *s)
{
    for (int k = 0; k < s->n; k++) {
        const odpu_access *a = &s->a[k];
        for (int f = 0; f < ODPU_ENGINE_COUNT; f++) {
            if (f == (int)e)
                continue;
            for (int kind = 1; kind >= (a->write ? 0 : 1); kind--) { /* a read conflicts with writes only */
                const access_list *l = &v->recent[f][a->resource][kind];
                for (size_t j = l->len; j > l->head && l->v[j - 1].seq > now->t[f]; j--)
                    if (ranges_overlap(a->lo, a->hi, l->v[j - 1].lo, l->v[j - 1].hi))
                        return report_race(v, i, s, k, (odpu_engine)f, kind, &l->v[j - 1], a->resource);
            }
        }
    }
    return ODPU_OK;
}

/* First word in [lo, hi) whose bit is clear, or hi if all are set. */
static uint64_t first_unwritten(const uint64_t *bits, uint64_t lo, uint64_t hi)
{
    for (uint64_t w = lo / BITMAP_WORD_BITS; lo < hi && w <= (hi - 1) / BITMAP_WORD_BITS; w++) {
        uint64_t base = w * BITMAP_WORD_BITS;
        unsigned from = lo > base ? (unsigned)(lo - base) : 0;
        unsigned to = hi - base < BITMAP_WORD_BITS ? (unsigned)(hi - base) : BITMAP_WORD_BITS;
        uint64_t mask = (to == BITMAP_WORD_BITS ? ~UINT64_C(0) : (UINT64_C(1) << to) - 1) &
                        ~((UINT64_C(1) << from) - 1);
        uint64_t missing = ~bits[w] & mask;
        if (missing)
            return base + (uint64_t)__builtin_ctzll(missing);
    }
    return hi;
}

static void mark_written(uint64_t *bits, uint64_t lo, uint64_t hi)
{
    for (uint64_t w = lo / BITMAP_WORD_BITS; lo < hi && w <= (hi - 1) / BITMAP_WORD_BITS; w++) {
        uint64_t base = w * BITMAP_WORD_BITS;
        unsigned from = lo > base ? (unsigned)(lo - base) : 0;
        unsigned to = hi - base < BITMAP_WORD_BITS ? (unsigned)(hi - base) : BITMAP_WORD_BITS;
        bits[w] |= (to == BITMAP_WORD_BITS ? ~UINT64_C(0) : (UINT64_C(1) << to) - 1) &
                   ~((UINT64_C(1) << from) - 1);
    }
}

/* Reads see the buffer as it was before the instruction (an accumulating CONV reads the ABUF
 * words it then writes), so all reads are checked before any write is marked. */
static odpu_status check_uninit(validator *v, size_t i, const access_set *s)
{
    for (int k = 0; k < s->n; k++) {
        const odpu_access *a = &s->a[k];
        if (a->write || a->resource == ODPU_RES_DDR)
            continue;
        uint64_t word = first_unwritten(v->written[a->resource], a->lo, a->hi);
        if (word < a->hi) {
            broken(v->err, ODPU_RULE_UNINIT,
                   "%s reads %s word 0x%llx (of [0x%llx, 0x%llx)), which no earlier instruction wrote",
                   s->what[k], odpu_buf_name((odpu_buf_id)a->resource), (unsigned long long)word,
                   (unsigned long long)a->lo, (unsigned long long)a->hi);
            return fail_at(v, i, ODPU_RULE_UNINIT);
        }
    }
    for (int k = 0; k < s->n; k++)
        if (s->a[k].write && s->a[k].resource != ODPU_RES_DDR)
            mark_written(v->written[s->a[k].resource], s->a[k].lo, s->a[k].hi);
    return ODPU_OK;
}

static int list_append(access_list *l, const access_rec *rec)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : LIST_INITIAL_CAPACITY;
        access_rec *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return 0;
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->len++] = *rec;
    return 1;
}

static odpu_status record_accesses(validator *v, size_t i, odpu_engine e, uint64_t seq,
                                   const access_set *s)
{
    for (int k = 0; k < s->n; k++) {
        const odpu_access *a = &s->a[k];
        access_rec rec = {.lo = a->lo, .hi = a->hi, .seq = seq, .index = i, .what = s->what[k]};
        if (!list_append(&v->recent[e][a->resource][a->write ? 1 : 0], &rec))
            return out_of_memory(v, "the race detector");
    }
    return ODPU_OK;
}

/* Drop the accesses every engine that still has instructions after i is already ordered
 * after: no later instruction can race with them. Keeps the lists at the in-flight window. */
static void prune(validator *v, size_t i)
{
    for (int f = 0; f < ODPU_ENGINE_COUNT; f++) {
        uint64_t ordered = UINT64_MAX;
        for (int g = 0; g < ODPU_ENGINE_COUNT; g++)
            if (g != f && v->engine_end[g] > i + 1 && v->clock[g].t[f] < ordered)
                ordered = v->clock[g].t[f];
        for (int r = 0; r < RESOURCE_COUNT; r++)
            for (int kind = 0; kind < ACCESS_KINDS; kind++) {
                access_list *l = &v->recent[f][r][kind];
                while (l->head < l->len && l->v[l->head].seq <= ordered)
                    l->head++;
                if (l->head == l->len) {
                    l->head = l->len = 0;
                } else if (l->head >= LIST_INITIAL_CAPACITY && l->head * 2 >= l->len) {
                    memmove(l->v, l->v + l->head, (l->len - l->head) * sizeof *l->v);
                    l->len -= l->head;
                    l->head = 0;
                }
            }
    }
}

static odpu_status simulate_one(validator *v, size_t i)
{
    const odpu_insn *insn = &v->insns[i];
    if (insn->opcode == ODPU_OP_END)
        return check_leftover(v, i);
    odpu_engine e = odpu_insn_engine(insn);
    vclock now = v->clock[e];
    odpu_status st = take_tokens(v, i, &now);
    if (st != ODPU_OK)
        return st;
    now.t[e]++;
    access_set s;
    collect_accesses(insn, v->lim, &s);
    if ((st = check_races(v, i, e, &now, &s)) != ODPU_OK || (st = check_uninit(v, i, &s)) != ODPU_OK ||
        (st = record_accesses(v, i, e, now.t[e], &s)) != ODPU_OK || (st = give_tokens(v, i, &now)) != ODPU_OK)
        return st;
    v->clock[e] = now;
    prune(v, i);
    return ODPU_OK;
}

static odpu_status simulate(validator *v)
{
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        size_t words = (size_t)((v->extent[b] + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS);
        v->written[b] = calloc(words ? words : 1, sizeof *v->written[b]);
        if (!v->written[b])
            return out_of_memory(v, "buffer bitmaps");
    }
    for (size_t i = 0; i < v->n; i++) {
        odpu_status st = simulate_one(v, i);
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}

static void validator_free(validator *v)
{
    free(v->insns);
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        free(v->queue[q].v);
    for (int e = 0; e < ODPU_ENGINE_COUNT; e++)
        for (int r = 0; r < RESOURCE_COUNT; r++)
            for (int kind = 0; kind < ACCESS_KINDS; kind++)
                free(v->recent[e][r][kind].v);
    for (int b = 0; b < ODPU_BUF_COUNT; b++)
        free(v->written[b]);
}

odpu_status odpu_stream_validate(const uint8_t *stream, size_t n_insns, const odpu_isa_limits *lim,
                                 const odpu_ddr_layout *ddr, odpu_rule *rule, size_t *index,
                                 odpu_err *err)
{
    odpu_rule rule_sink = ODPU_RULE_NONE;
    size_t index_sink = 0;
    rule = rule ? rule : &rule_sink;
    index = index ? index : &index_sink;
    *rule = ODPU_RULE_NONE;
    *index = 0;
    if (!lim || (n_insns && !stream))
        return odpu_fail(err, ODPU_E_ARG, "stream validation: %s is NULL", lim ? "the stream" : "the limits");
    if (!limits_ok(lim))
        return odpu_fail(err, ODPU_E_ARG, "stream validation: limits rows %u, cols %u are no arch geometry",
                         lim->rows, lim->cols);
    validator *v = calloc(1, sizeof *v);
    if (!v)
        return odpu_fail(err, ODPU_E_NOMEM, "stream validation: out of memory");
    *v = (validator){.lim = lim, .ddr = ddr, .n = n_insns, .err = err, .rule = rule, .index = index};
    odpu_status st = ODPU_OK;
    if (n_insns > SIZE_MAX / sizeof *v->insns ||
        !(v->insns = malloc((n_insns ? n_insns : 1) * sizeof *v->insns)))
        st = out_of_memory(v, "decoded instructions");
    if (st == ODPU_OK)
        st = decode_all(v, stream);
    if (st == ODPU_OK)
        st = check_readonly(v);
    if (st == ODPU_OK)
        st = simulate(v);
    validator_free(v);
    free(v);
    return st;
}
