/* isa.c - encoding, decoding and names of the opendpu instructions (see isa.h).
 * All field positions come from isa_fields.def. */
#include "isa/isa.h"

#include <string.h>

#include "common/bytes.h"

typedef struct field_desc {
    const char *name;
    uint8_t word, lsb, width, is_signed;
    int8_t bias;
    size_t offset; /* of the member inside the per-class struct */
} field_desc;

#define SIGNED_U 0
#define SIGNED_S 1
#define X_DESC(OP, field, word, lsb, width, sign, bias) \
    {#field, word, lsb, width, SIGNED_##sign, bias, offsetof(odpu_struct_##OP, field)},

/* One descriptor table per class. OPNAME is redefined for each so offsetof finds the struct. */
static const field_desc load_fields[] = {ODPU_LOAD_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc save_fields[] = {ODPU_SAVE_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc conv_fields[] = {ODPU_CONV_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc pool_fields[] = {ODPU_POOL_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc elew_fields[] = {ODPU_ELEW_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc nop_fields[] = {ODPU_NOP_FIELDS(X_DESC){NULL, 0, 0, 0, 0, 0, 0}};
static const field_desc end_fields[] = {{NULL, 0, 0, 0, 0, 0, 0}};
#undef X_DESC

/* Bits 0..7 of word 0: opcode and the four dependency flags. */
enum { HEADER_BITS = 8, OPCODE_MASK = 0xF, DEP_POP_PREV = 4, DEP_POP_NEXT, DEP_PUSH_PREV, DEP_PUSH_NEXT };

static const field_desc *class_fields(odpu_opcode op)
{
    switch (op) {
    case ODPU_OP_LOAD: return load_fields;
    case ODPU_OP_SAVE: return save_fields;
    case ODPU_OP_CONV: return conv_fields;
    case ODPU_OP_POOL: return pool_fields;
    case ODPU_OP_ELEW: return elew_fields;
    case ODPU_OP_NOP: return nop_fields;
    case ODPU_OP_END: return end_fields;
    case ODPU_OP_ILLEGAL: break;
    }
    return NULL;
}

const char *odpu_opcode_name(odpu_opcode op)
{
    switch (op) {
#define X_NAME(OP, code, name, FIELDS) \
    case ODPU_OP_##OP: return #OP;
        ODPU_OPCODES(X_NAME)
#undef X_NAME
    case ODPU_OP_ILLEGAL: break;
    }
    return "ILLEGAL";
}

const char *odpu_buf_name(odpu_buf_id buf)
{
    static const char *const names[ODPU_BUF_COUNT] = {"IBUF", "OBUF", "WBUF", "PBUF", "ABUF"};
    return (unsigned)buf < ODPU_BUF_COUNT ? names[buf] : "DDR";
}

const char *odpu_engine_name(odpu_engine engine)
{
    switch (engine) {
    case ODPU_ENGINE_LOAD: return "load";
    case ODPU_ENGINE_COMPUTE: return "compute";
    case ODPU_ENGINE_STORE: return "store";
    case ODPU_ENGINE_FETCH: return "fetch";
    }
    return "?";
}

odpu_engine odpu_insn_engine(const odpu_insn *insn)
{
    switch (insn->opcode) {
    case ODPU_OP_LOAD: return ODPU_ENGINE_LOAD;
    case ODPU_OP_SAVE: return ODPU_ENGINE_STORE;
    case ODPU_OP_CONV:
    case ODPU_OP_POOL:
    case ODPU_OP_ELEW: return ODPU_ENGINE_COMPUTE;
    case ODPU_OP_NOP:
        return insn->u.nop.engine < ODPU_ENGINE_COUNT ? (odpu_engine)insn->u.nop.engine
                                                      : ODPU_ENGINE_FETCH;
    case ODPU_OP_END:
    case ODPU_OP_ILLEGAL: break;
    }
    return ODPU_ENGINE_FETCH;
}

const char *odpu_queue_name(odpu_queue q)
{
    static const char *const names[ODPU_QUEUE_COUNT] = {"load->compute", "compute->load", "compute->store",
                                                        "store->compute"};
    return (unsigned)q < ODPU_QUEUE_COUNT ? names[q] : "none";
}

const char *odpu_dep_flag_name(odpu_dep_flag f)
{
    static const char *const names[ODPU_DEP_FLAG_COUNT] = {"pop_prev", "pop_next", "push_prev", "push_next"};
    return (unsigned)f < ODPU_DEP_FLAG_COUNT ? names[f] : "?";
}

int odpu_dep_flag_is_push(odpu_dep_flag f) { return f == ODPU_DEP_PUSH_PREV || f == ODPU_DEP_PUSH_NEXT; }

odpu_queue odpu_dep_queue(odpu_engine e, odpu_dep_flag f)
{
    static const odpu_queue queues[ODPU_ENGINE_COUNT][ODPU_DEP_FLAG_COUNT] = {
        [ODPU_ENGINE_LOAD] = {ODPU_QUEUE_NONE, ODPU_QUEUE_COMPUTE_TO_LOAD, ODPU_QUEUE_NONE,
                              ODPU_QUEUE_LOAD_TO_COMPUTE},
        [ODPU_ENGINE_COMPUTE] = {ODPU_QUEUE_LOAD_TO_COMPUTE, ODPU_QUEUE_STORE_TO_COMPUTE,
                                 ODPU_QUEUE_COMPUTE_TO_LOAD, ODPU_QUEUE_COMPUTE_TO_STORE},
        [ODPU_ENGINE_STORE] = {ODPU_QUEUE_COMPUTE_TO_STORE, ODPU_QUEUE_NONE, ODPU_QUEUE_STORE_TO_COMPUTE,
                               ODPU_QUEUE_NONE},
    };
    return (unsigned)e < ODPU_ENGINE_COUNT && (unsigned)f < ODPU_DEP_FLAG_COUNT ? queues[e][f] : ODPU_QUEUE_NONE;
}

void odpu_queue_engines(odpu_queue q, odpu_engine *pusher, odpu_engine *popper)
{
    int from_compute = q == ODPU_QUEUE_COMPUTE_TO_LOAD || q == ODPU_QUEUE_COMPUTE_TO_STORE;
    odpu_engine edge = q == ODPU_QUEUE_LOAD_TO_COMPUTE || q == ODPU_QUEUE_COMPUTE_TO_LOAD ? ODPU_ENGINE_LOAD
                                                                                         : ODPU_ENGINE_STORE;
    *pusher = from_compute ? ODPU_ENGINE_COMPUTE : edge;
    *popper = from_compute ? edge : ODPU_ENGINE_COMPUTE;
}

odpu_queue odpu_queue_between(odpu_engine from, odpu_engine to)
{
    int adjacent = from == to + 1 || to == from + 1; /* only neighbours in pipeline order share a queue */
    if ((unsigned)from >= ODPU_ENGINE_COUNT || (unsigned)to >= ODPU_ENGINE_COUNT || !adjacent)
        return ODPU_QUEUE_NONE;
    return odpu_dep_queue(from, odpu_dep_flag_toward(from, to, 1));
}

odpu_queue odpu_insn_flag_queue(const odpu_insn *insn, odpu_dep_flag f)
{
    return odpu_dep_flag_get(&insn->deps, f) ? odpu_dep_queue(odpu_insn_engine(insn), f) : ODPU_QUEUE_NONE;
}

odpu_dep_flag odpu_dep_flag_toward(odpu_engine self, odpu_engine other, int push)
{
    int next = other > self; /* engines are numbered in pipeline order */
    if (push)
        return next ? ODPU_DEP_PUSH_NEXT : ODPU_DEP_PUSH_PREV;
    return next ? ODPU_DEP_POP_NEXT : ODPU_DEP_POP_PREV;
}

uint8_t *odpu_dep_flag_ptr(odpu_deps *d, odpu_dep_flag f)
{
    switch (f) {
    case ODPU_DEP_POP_PREV: return &d->pop_prev;
    case ODPU_DEP_POP_NEXT: return &d->pop_next;
    case ODPU_DEP_PUSH_PREV: return &d->push_prev;
    case ODPU_DEP_PUSH_NEXT:
    case ODPU_DEP_FLAG_COUNT: break;
    }
    return &d->push_next;
}

uint8_t odpu_dep_flag_get(const odpu_deps *d, odpu_dep_flag f)
{
    odpu_deps copy = *d;
    return *odpu_dep_flag_ptr(&copy, f);
}

static uint32_t field_mask(const field_desc *f)
{
    return f->width == 32 ? 0xFFFFFFFFu : ((1u << f->width) - 1u);
}

static odpu_status encode_field(const field_desc *f, const void *cls, uint32_t words[],
                                const char *opname, odpu_err *err)
{
    const uint8_t *member = (const uint8_t *)cls + f->offset;
    int64_t value;
    if (f->is_signed) {
        int32_t v;
        memcpy(&v, member, sizeof v);
        value = v;
    } else {
        uint32_t v;
        memcpy(&v, member, sizeof v);
        value = v;
    }
    int64_t raw = value - f->bias;
    int64_t lo = f->is_signed ? -(INT64_C(1) << (f->width - 1)) : 0;
    int64_t hi = f->is_signed ? (INT64_C(1) << (f->width - 1)) - 1 : (INT64_C(1) << f->width) - 1;
    if (raw < lo || raw > hi)
        return odpu_fail(err, ODPU_E_ARG, "%s.%s = %lld does not fit its %u-bit field (range %lld..%lld)",
                         opname, f->name, (long long)value, f->width, (long long)(lo + f->bias),
                         (long long)(hi + f->bias));
    words[f->word] |= ((uint32_t)raw & field_mask(f)) << f->lsb;
    return ODPU_OK;
}

odpu_status odpu_insn_encode(const odpu_insn *insn, uint8_t out[ODPU_INSN_BYTES], odpu_err *err)
{
    const field_desc *fields = class_fields(insn->opcode);
    if (!fields)
        return odpu_fail(err, ODPU_E_ARG, "cannot encode illegal opcode %d", (int)insn->opcode);
    uint32_t words[ODPU_INSN_WORDS] = {0};
    words[0] = (uint32_t)insn->opcode & OPCODE_MASK;
    words[0] |= (uint32_t)(insn->deps.pop_prev != 0) << DEP_POP_PREV;
    words[0] |= (uint32_t)(insn->deps.pop_next != 0) << DEP_POP_NEXT;
    words[0] |= (uint32_t)(insn->deps.push_prev != 0) << DEP_PUSH_PREV;
    words[0] |= (uint32_t)(insn->deps.push_next != 0) << DEP_PUSH_NEXT;
    for (const field_desc *f = fields; f->name; f++) {
        odpu_status st = encode_field(f, &insn->u, words, odpu_opcode_name(insn->opcode), err);
        if (st != ODPU_OK)
            return st;
    }
    for (int i = 0; i < ODPU_INSN_WORDS; i++)
        odpu_wr32(out + 4 * i, words[i]);
    return ODPU_OK;
}

static void decode_field(const field_desc *f, const uint32_t words[], void *cls)
{
    uint32_t raw = (words[f->word] >> f->lsb) & field_mask(f);
    uint8_t *member = (uint8_t *)cls + f->offset;
    if (f->is_signed) {
        int64_t v = raw;
        if (f->width < 32 && (raw >> (f->width - 1)) & 1u)
            v -= INT64_C(1) << f->width;
        else if (f->width == 32)
            v = (int32_t)raw;
        int32_t s = (int32_t)(v + f->bias);
        memcpy(member, &s, sizeof s);
    } else {
        uint32_t u = raw + (uint32_t)f->bias;
        memcpy(member, &u, sizeof u);
    }
}

odpu_status odpu_insn_decode(const uint8_t in[ODPU_INSN_BYTES], odpu_insn *out, odpu_err *err)
{
    uint32_t words[ODPU_INSN_WORDS];
    for (int i = 0; i < ODPU_INSN_WORDS; i++)
        words[i] = odpu_rd32(in + 4 * i);
    memset(out, 0, sizeof *out);
    out->opcode = (odpu_opcode)(words[0] & OPCODE_MASK);
    const field_desc *fields = class_fields(out->opcode);
    if (!fields)
        return odpu_fail(err, ODPU_E_INVALID, "illegal opcode %u", (unsigned)(words[0] & OPCODE_MASK));
    out->deps.pop_prev = (words[0] >> DEP_POP_PREV) & 1u;
    out->deps.pop_next = (words[0] >> DEP_POP_NEXT) & 1u;
    out->deps.push_prev = (words[0] >> DEP_PUSH_PREV) & 1u;
    out->deps.push_next = (words[0] >> DEP_PUSH_NEXT) & 1u;

    uint32_t used[ODPU_INSN_WORDS] = {(1u << HEADER_BITS) - 1u};
    for (const field_desc *f = fields; f->name; f++) {
        decode_field(f, words, &out->u);
        used[f->word] |= field_mask(f) << f->lsb;
    }
    for (int i = 0; i < ODPU_INSN_WORDS; i++) {
        uint32_t stray = words[i] & ~used[i];
        if (stray)
            return odpu_fail(err, ODPU_E_INVALID, "%s: reserved bits set in word %d (mask 0x%08x)",
                             odpu_opcode_name(out->opcode), i, stray);
    }
    return ODPU_OK;
}
