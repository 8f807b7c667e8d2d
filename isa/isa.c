/* isa.c - encoding and decoding of whole instructions and the dependency-queue topology (see
 * isa.h). Field positions and limits come from the generated codec (odpu_isa_codec.h). */
#include "isa/isa.h"

#include <string.h>

#include "common/bytes.h"

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

/* The decoded header of an instruction, as the codec packs it. */
static odpu_insn_header header_of(const odpu_insn *insn)
{
    return (odpu_insn_header){.opcode = (uint32_t)insn->opcode,
                              .pop_prev = insn->deps.pop_prev != 0,
                              .pop_next = insn->deps.pop_next != 0,
                              .push_prev = insn->deps.push_prev != 0,
                              .push_next = insn->deps.push_next != 0};
}

/* The class's fields into words; on a value that does not fit, ODPU_E_ARG naming it. */
#define FIELD_MISFIT(OPNAME, TYPE, v, err)                                                                     \
    do {                                                                                                       \
        int bad_ = TYPE##_misfit(v);                                                                           \
        if (bad_ >= 0) {                                                                                       \
            const odpu_field_desc *f_ = &TYPE##_fields[bad_];                                                  \
            return odpu_fail(err, ODPU_E_ARG, "%s.%s = %lld does not fit its %u-bit field (range %lld..%lld)", \
                             OPNAME, f_->name, (long long)TYPE##_get(v, bad_), f_->width, (long long)f_->min,  \
                             (long long)f_->max);                                                              \
        }                                                                                                      \
    } while (0)

static odpu_status pack_class(const odpu_insn *insn, uint32_t words[ODPU_INSN_WORDS], odpu_err *err)
{
    switch (insn->opcode) {
#define X_PACK(OP, code, name, FIELDS)                                  \
    case ODPU_OP_##OP:                                                  \
        FIELD_MISFIT(#OP, odpu_##name, &insn->u.name, err);             \
        odpu_##name##_pack(&insn->u.name, words);                       \
        return ODPU_OK;
        ODPU_OPCODES(X_PACK)
#undef X_PACK
    case ODPU_OP_ILLEGAL: break;
    }
    return odpu_fail(err, ODPU_E_ARG, "cannot encode illegal opcode %d", (int)insn->opcode);
}

odpu_status odpu_insn_encode(const odpu_insn *insn, uint8_t out[ODPU_INSN_BYTES], odpu_err *err)
{
    uint32_t words[ODPU_INSN_WORDS] = {0};
    odpu_status st = pack_class(insn, words, err);
    if (st != ODPU_OK)
        return st;
    odpu_insn_header h = header_of(insn);
    odpu_insn_header_pack(&h, words);
    for (int i = 0; i < ODPU_INSN_WORDS; i++)
        odpu_wr32(out + 4 * i, words[i]);
    return ODPU_OK;
}

odpu_status odpu_insn_decode(const uint8_t in[ODPU_INSN_BYTES], odpu_insn *out, odpu_err *err)
{
    uint32_t words[ODPU_INSN_WORDS];
    for (int i = 0; i < ODPU_INSN_WORDS; i++)
        words[i] = odpu_rd32(in + 4 * i);
    memset(out, 0, sizeof *out);
    odpu_insn_header h;
    odpu_insn_header_unpack(words, &h);
    out->opcode = (odpu_opcode)h.opcode;
    switch (out->opcode) {
#define X_UNPACK(OP, code, name, FIELDS) \
    case ODPU_OP_##OP: odpu_##name##_unpack(words, &out->u.name); break;
        ODPU_OPCODES(X_UNPACK)
#undef X_UNPACK
    case ODPU_OP_ILLEGAL:
    default: return odpu_fail(err, ODPU_E_INVALID, "illegal opcode %u", (unsigned)h.opcode);
    }
    out->deps = (odpu_deps){(uint8_t)h.pop_prev, (uint8_t)h.pop_next, (uint8_t)h.push_prev, (uint8_t)h.push_next};
    for (int i = 0; i < ODPU_INSN_WORDS; i++) {
        uint32_t stray = words[i] & ~odpu_insn_used_bits[h.opcode][i];
        if (stray)
            return odpu_fail(err, ODPU_E_INVALID, "%s: reserved bits set in word %d (mask 0x%08x)",
                             odpu_opcode_name(out->opcode), i, stray);
    }
    return ODPU_OK;
}

void odpu_param_entry_encode(const odpu_chan_params *p, uint8_t out[ODPU_PARAM_ENTRY_BYTES])
{
    uint32_t words[ODPU_PARAM_ENTRY_WORDS] = {0};
    odpu_chan_params_pack(p, words);
    for (int i = 0; i < ODPU_PARAM_ENTRY_WORDS; i++)
        odpu_wr32(out + 4 * i, words[i]);
}

void odpu_param_entry_decode(const uint8_t in[ODPU_PARAM_ENTRY_BYTES], odpu_chan_params *p)
{
    uint32_t words[ODPU_PARAM_ENTRY_WORDS];
    for (int i = 0; i < ODPU_PARAM_ENTRY_WORDS; i++)
        words[i] = odpu_rd32(in + 4 * i);
    odpu_chan_params_unpack(words, p);
}
