/* tokens.c - dependency tokens derived from the instructions' memory footprints
 * (docs/compiler.md, "Schedule and tokens").
 *
 * The scheduler emits a stream whose meaning, executed in order, is the intended one. This pass
 * makes concurrent execution mean the same: for every instruction y it finds, for each other
 * engine f, the latest instruction x of f whose footprint (odpu_insn_accesses: on-chip words and
 * DDR byte ranges) conflicts with y's - one of them writing - and that is not yet known to happen
 * before y. Vector clocks over the three engines track "known to happen before", exactly as the
 * validator's race rule defines it. Then x pushes a token and y pops it. Load and store engines
 * share no queue, so their dependencies are relayed by a compute NOP placed just before y.
 *
 * Why the pairs always match in FIFO order: on a queue f -> e, pops are added in e's program
 * order, and a new pair's x is always later in f's order than every earlier pair's (an earlier
 * pair (x1, y1) makes everything of f up to x1 happen before y1, hence before y), so the k-th
 * push is the k-th pop's partner. Pushes precede pops in stream order, so dep-underflow cannot
 * occur; the queue occupancy along the stream is tracked and a push moves to a later
 * instruction of f when the queue would exceed its depth (dep-overflow). */
#include <stdlib.h>
#include <string.h>

#include "compiler/internal.h"

enum {
    ENGINES = ODPU_ENGINE_COUNT,
    RESOURCES = ODPU_RES_DDR + 1,
    LIST_INITIAL = 64,
};


typedef uint32_t vclock[ENGINES];

/* One access of an earlier instruction, for conflict search. */
typedef struct rec {
    uint64_t lo, hi;
    uint32_t seq;   /* instruction number within its engine, from 1 */
    uint32_t write;
    size_t pos;     /* position in the output stream */
} rec;

typedef struct rlist {
    rec *v;
    size_t head, n, cap; /* live entries are v[head .. n) */
} rlist;

typedef struct tok {
    const cc_ctx *cx;
    cc_prog *out;
    vclock *clk;          /* per output instruction: its clock once completed */
    uint16_t *occ[ODPU_QUEUE_COUNT];/* per output instruction: tokens queued after it executed */
    size_t cap;
    uint32_t seq[ENGINES];
    vclock now[ENGINES];  /* now[e][f]: instructions of f known to happen before e's next */
    rlist lists[RESOURCES][ENGINES];
    odpu_err *err;
} tok;

/* Token queue from engine `from` to engine `to`, and the flags that push into and pop it. */
static odpu_queue queue_of(int from, int to) { return odpu_queue_between((odpu_engine)from, (odpu_engine)to); }

static uint8_t *push_flag(odpu_insn *i, int from, int to)
{
    return odpu_dep_flag_ptr(&i->deps, odpu_dep_flag_toward((odpu_engine)from, (odpu_engine)to, 1));
}

static uint8_t *pop_flag(odpu_insn *i, int from, int to)
{
    return odpu_dep_flag_ptr(&i->deps, odpu_dep_flag_toward((odpu_engine)to, (odpu_engine)from, 0));
}

static int adjacent(int a, int b) { return a == ODPU_ENGINE_COMPUTE || b == ODPU_ENGINE_COMPUTE; }

static odpu_status nomem(tok *t)
{
    return odpu_fail(t->err, ODPU_E_NOMEM, "out of memory adding dependency tokens");
}

static odpu_status reserve(tok *t, size_t n)
{
    if (n <= t->cap)
        return ODPU_OK;
    size_t cap = t->cap ? t->cap * 2 : LIST_INITIAL;
    while (cap < n)
        cap *= 2;
    vclock *c = realloc(t->clk, cap * sizeof *c);
    if (!c)
        return nomem(t);
    t->clk = c;
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++) {
        uint16_t *o = realloc(t->occ[q], cap * sizeof *o);
        if (!o)
            return nomem(t);
        t->occ[q] = o;
    }
    t->cap = cap;
    return ODPU_OK;
}

static void join(vclock a, const vclock b)
{
    for (int e = 0; e < ENGINES; e++)
        if (b[e] > a[e])
            a[e] = b[e];
}

/* ---- Conflicts -------------------------------------------------------------------------------- */

/* Latest instruction of engine f that conflicts with one of y's accesses and is not known to
 * happen before e's next instruction. Returns its output position, or SIZE_MAX. */
static size_t latest_conflict(const tok *t, int e, int f, const odpu_access *acc, int n_acc, uint32_t *seq)
{
    size_t best = SIZE_MAX;
    *seq = 0;
    for (int k = 0; k < n_acc; k++) {
        const rlist *l = &t->lists[acc[k].resource][f];
        for (size_t j = l->n; j > l->head; j--) {
            const rec *r = &l->v[j - 1];
            if (r->seq <= t->now[e][f] || r->seq <= *seq)
                break; /* ordered already, and so is everything older */
            if ((r->write || acc[k].write) && r->lo < acc[k].hi && acc[k].lo < r->hi) {
                *seq = r->seq;
                best = r->pos;
                break;
            }
        }
    }
    return best;
}

static odpu_status record(tok *t, int e, const odpu_access *acc, int n_acc, size_t pos)
{
    for (int k = 0; k < n_acc; k++) {
        rlist *l = &t->lists[acc[k].resource][e];
        if (l->n == l->cap) {
            if (l->head > l->n / 2) { /* reuse the pruned front */
                memmove(l->v, l->v + l->head, (l->n - l->head) * sizeof *l->v);
                l->n -= l->head;
                l->head = 0;
            } else {
                size_t cap = l->cap ? l->cap * 2 : LIST_INITIAL;
                rec *v = realloc(l->v, cap * sizeof *v);
                if (!v)
                    return nomem(t);
                l->v = v;
                l->cap = cap;
            }
        }
        l->v[l->n++] = (rec){acc[k].lo, acc[k].hi, t->seq[e], (uint32_t)acc[k].write, pos};
    }
    return ODPU_OK;
}

/* Accesses of engine f that every other engine is ordered after can never conflict again. */
static void prune(tok *t)
{
    for (int f = 0; f < ENGINES; f++) {
        uint32_t floor = UINT32_MAX;
        for (int e = 0; e < ENGINES; e++)
            if (e != f && t->now[e][f] < floor)
                floor = t->now[e][f];
        for (int r = 0; r < RESOURCES; r++) {
            rlist *l = &t->lists[r][f];
            while (l->head < l->n && l->v[l->head].seq <= floor)
                l->head++;
        }
    }
}

/* ---- Emitting ------------------------------------------------------------------------------------ */

/* Append insn (engine e, flags already set for its pops) and complete its clock. */
static odpu_status append(tok *t, const odpu_insn *insn, int e, int layer, const vclock popped, size_t *pos)
{
    size_t p = t->out->n;
    odpu_status st = reserve(t, p + 1);
    if (st == ODPU_OK)
        st = cc_prog_append(t->out, insn, layer, t->err);
    if (st != ODPU_OK)
        return st;
    join(t->now[e], popped);
    t->now[e][e] = ++t->seq[e];
    memcpy(t->clk[p], t->now[e], sizeof(vclock));
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        t->occ[q][p] = p ? t->occ[q][p - 1] : 0;
    *pos = p;
    return ODPU_OK;
}

static uint16_t max_occ(const tok *t, odpu_queue q, size_t lo, size_t hi)
{
    uint16_t m = 0;
    for (size_t p = lo; p < hi; p++)
        if (t->occ[q][p] > m)
            m = t->occ[q][p];
    return m;
}

/* Make instruction at px (engine f) or a later one of f push a token on f -> e for the next
 * instruction, which will be appended at position py = out->n. Returns the pusher's position,
 * or SIZE_MAX if no instruction of f before py can take it without overflowing the queue. */
static size_t place_push(tok *t, size_t px, int f, int e)
{
    odpu_queue q = queue_of(f, e);
    size_t py = t->out->n;
    uint16_t depth = (uint16_t)t->cx->arch->dep_queue_depth;
    for (size_t p = px; p < py; p++) {
        odpu_insn *i = &t->out->insn[p];
        if (odpu_insn_engine(i) != (odpu_engine)f || *push_flag(i, f, e))
            continue;
        if (max_occ(t, q, p, py) + 1 > depth)
            continue;
        *push_flag(i, f, e) = 1;
        for (size_t k = p; k < py; k++)
            t->occ[q][k]++;
        return p;
    }
    return SIZE_MAX;
}

/* A NOP of engine f that only pushes a token on f -> e (used when no existing instruction can). */
static odpu_status push_nop(tok *t, int f, int e, int layer, size_t *pos)
{
    odpu_insn nop = {.opcode = ODPU_OP_NOP};
    nop.u.nop.engine = (uint32_t)f;
    vclock none = {0};
    odpu_status st = append(t, &nop, f, layer, none, pos);
    if (st != ODPU_OK)
        return st;
    *pos = place_push(t, *pos, f, e);
    if (*pos == SIZE_MAX)
        return odpu_fail(t->err, ODPU_E_INVALID, "internal: %s->%s token queue (depth %u) is full at "
                         "instruction %zu", odpu_engine_name((odpu_engine)f), odpu_engine_name((odpu_engine)e),
                         t->cx->arch->dep_queue_depth, t->out->n);
    return ODPU_OK;
}

/* Order the instruction at px (engine f) before the instruction about to be appended (engine e):
 * set the push, the pop on *y, and join the pusher's clock into popped. */
static odpu_status pair(tok *t, size_t px, int f, int e, odpu_insn *y, int layer, vclock popped)
{
    size_t p = place_push(t, px, f, e);
    if (p == SIZE_MAX) {
        odpu_status st = push_nop(t, f, e, layer, &p);
        if (st != ODPU_OK)
            return st;
    }
    *pop_flag(y, f, e) = 1;
    join(popped, t->clk[p]);
    return ODPU_OK; /* the token leaves the queue when y executes: popped_one */
}

/* After y (at pos) popped a token on q, its occupancy drops by one. */
static void popped_one(tok *t, odpu_queue q, size_t pos)
{
    t->occ[q][pos]--;
}

/* Emit a compute NOP that waits for instruction px of engine f (load or store) and will push
 * to engine e for the instruction appended right after it. */
static odpu_status relay(tok *t, size_t px, int f, int layer, size_t *nop_pos)
{
    odpu_insn nop = {.opcode = ODPU_OP_NOP};
    nop.u.nop.engine = ODPU_ENGINE_COMPUTE;
    vclock popped = {0};
    int need = t->clk[px][f] > t->now[ODPU_ENGINE_COMPUTE][f];
    if (need) {
        odpu_status st = pair(t, px, f, ODPU_ENGINE_COMPUTE, &nop, layer, popped);
        if (st != ODPU_OK)
            return st;
    }
    odpu_status st = append(t, &nop, ODPU_ENGINE_COMPUTE, layer, popped, nop_pos);
    if (st == ODPU_OK && need)
        popped_one(t, queue_of(f, ODPU_ENGINE_COMPUTE), *nop_pos);
    return st;
}

static odpu_status one(tok *t, const odpu_insn *raw, int layer)
{
    odpu_insn y = *raw;
    y.deps = (odpu_deps){0, 0, 0, 0};
    int e = (int)odpu_insn_engine(&y);
    odpu_access acc[ODPU_MAX_ACCESSES];
    int n_acc = odpu_insn_accesses(&y, &t->cx->lim, acc);
    size_t x[ENGINES];
    uint32_t xs[ENGINES];
    for (int f = 0; f < ENGINES; f++)
        x[f] = f == e ? SIZE_MAX : latest_conflict(t, e, f, acc, n_acc, &xs[f]);
    odpu_status st = ODPU_OK;
    for (int f = 0; f < ENGINES && st == ODPU_OK; f++) {
        if (x[f] == SIZE_MAX || adjacent(e, f))
            continue;
        /* Load <-> store: a compute NOP waits for x and hands the order on to y; being the
         * newest compute instruction, it also covers y's own dependency on compute. */
        size_t nop = SIZE_MAX;
        st = relay(t, x[f], f, layer, &nop);
        x[f] = SIZE_MAX;
        x[ODPU_ENGINE_COMPUTE] = nop;
    }
    vclock popped = {0};
    int pops[ENGINES] = {0};
    for (int f = 0; f < ENGINES && st == ODPU_OK; f++) {
        if (x[f] == SIZE_MAX || t->clk[x[f]][f] <= t->now[e][f])
            continue;
        st = pair(t, x[f], f, e, &y, layer, popped);
        pops[f] = 1;
    }
    size_t pos;
    if (st == ODPU_OK)
        st = append(t, &y, e, layer, popped, &pos);
    for (int f = 0; f < ENGINES && st == ODPU_OK; f++)
        if (pops[f])
            popped_one(t, queue_of(f, e), pos);
    if (st == ODPU_OK)
        st = record(t, e, acc, n_acc, pos);
    prune(t);
    return st;
}

static void tok_free(tok *t)
{
    free(t->clk);
    for (int q = 0; q < ODPU_QUEUE_COUNT; q++)
        free(t->occ[q]);
    for (int r = 0; r < RESOURCES; r++)
        for (int e = 0; e < ENGINES; e++)
            free(t->lists[r][e].v);
}

odpu_status cc_add_tokens(const cc_ctx *cx, const cc_prog *raw, cc_prog *out, odpu_err *err)
{
    tok t;
    memset(&t, 0, sizeof t);
    t.cx = cx;
    t.out = out;
    t.err = err;
    odpu_status st = ODPU_OK;
    for (size_t i = 0; i < raw->n && st == ODPU_OK; i++)
        st = one(&t, &raw->insn[i], raw->layer[i]);
    if (st == ODPU_OK) {
        odpu_insn end = {.opcode = ODPU_OP_END};
        st = cc_prog_append(out, &end, -1, err);
    }
    tok_free(&t);
    return st;
}
