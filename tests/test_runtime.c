/* test_runtime.c - the host runtime (host/runtime.h) on every backend of ODPU_TEST_BACKENDS,
 * as an application drives a board: a model through the file format byte for byte, refused
 * models, an engine left busy by another run, a timed-out run, an engine that identifies
 * itself only after a run. The HAL's own contract is tests/test_hal_contract.c's. */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "host/model.h"
#include "host/runtime.h"
#include "isa/regs.h"
#include "isa/stream.h"
#include "tests/engine_runner.h"
#include "tests/streams.h"
#include "tests/testutil.h"

enum {
    RUN_TIMEOUT_MS = 60 * 1000,
    LONG_STREAM = 4000, /* compute NOPs: a run of thousands of cycles on a clocked engine */
    /* The copy model's DDR window (bytes). */
    IN_OFF = 0,
    OUT_OFF = 128,
    CONST_OFF = 256,
    CONST_BYTES = 32,
    OUT2_OFF = 320,
    WINDOW = 512,
    /* Its tensors: a 3x5x6 input, copied to an output with padded pixels and rows, and the
     * constants seen as a 1x4x8 tile, copied to a second output. */
    IMG_H = 3, IMG_W = 5, IMG_C = 6,
    OUT_PIXEL_STRIDE = 8,
    OUT_ROW_STRIDE = IMG_W * OUT_PIXEL_STRIDE + 3,
    CT_H = 1, CT_W = 4, CT_C = 8,
    /* IBUF word addresses of the two tiles. */
    TILE_IMG = 0,
    TILE_CONST = 64,
};

typedef struct fixture {
    odpu_arch arch;
    odpu_hal *hal;
} fixture;

/* The statement after it runs once per backend under test, `name` naming it. */
#define FOR_EACH_BACKEND(name)                                        \
    engine_list list_;                                                \
    engine_backends(&list_);                                          \
    for (size_t b_ = 0; b_ < list_.count; b_++)                       \
        for (const char *name = list_.names[b_]; name; name = NULL)

static void load_arch(const char *name, odpu_arch *arch)
{
    odpu_err err;
    ck_assert_msg(odpu_arch_load(test_arch_path(name), arch, &err) == ODPU_OK, "%s", err.msg);
}

static odpu_status fixture_try_open(fixture *f, const char *backend, const char *device, odpu_err *err)
{
    load_arch("tiny", &f->arch);
    odpu_hal_options opt = {.arch = &f->arch, .device = device ? device : engine_device(backend)};
    return odpu_hal_open(backend, &opt, &f->hal, err);
}

static void fixture_open(fixture *f, const char *backend)
{
    odpu_err err;
    ck_assert_msg(fixture_try_open(f, backend, NULL, &err) == ODPU_OK, "%s: %s", backend, err.msg);
}

/* ---- Instruction helpers ----------------------------------------------------------- */

static odpu_insn load_act(uint32_t ddr, uint32_t word, uint32_t h, uint32_t w, uint32_t c,
                          uint32_t ps, uint32_t rs)
{
    odpu_insn i = {.opcode = ODPU_OP_LOAD};
    i.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .ddr_addr = ddr, .buf_addr = word, .h = h, .w = w,
                           .c = c, .pixel_stride = ps, .row_stride = rs};
    i.deps.push_next = 1;
    return i;
}

static odpu_insn save_act(uint32_t ddr, uint32_t word, uint32_t h, uint32_t w, uint32_t c,
                          uint32_t ps, uint32_t rs)
{
    odpu_insn i = {.opcode = ODPU_OP_SAVE};
    i.u.save = (odpu_save){.buf = ODPU_BUF_IBUF, .ddr_addr = ddr, .buf_addr = word, .h = h, .w = w,
                           .c = c, .pixel_stride = ps, .row_stride = rs};
    i.deps.pop_prev = 1;
    return i;
}

/* A compute-engine NOP that hands a load token on to the store engine: SAVE can only pop
 * from compute, its prev neighbour. */
static odpu_insn relay(void)
{
    odpu_insn i = {.opcode = ODPU_OP_NOP};
    i.u.nop.engine = ODPU_ENGINE_COMPUTE;
    i.deps.pop_prev = 1;
    i.deps.push_next = 1;
    return i;
}

static odpu_insn plain(odpu_opcode op)
{
    odpu_insn i = {.opcode = op};
    return i;
}

static void finish_stream(odpu_stream *s)
{
    odpu_err err;
    ck_assert_msg(odpu_stream_status(s, &err) == ODPU_OK, "%s", err.msg);
}

/* ---- The copy model ---------------------------------------------------------------- */

typedef struct copy_model {
    odpu_model m;
    odpu_stream s;
    odpu_tensor_desc tensors[3];
    uint8_t consts[CONST_BYTES];
} copy_model;

static void tensor(odpu_tensor_desc *t, const char *name, odpu_tensor_role role, uint32_t h,
                   uint32_t w, uint32_t c, uint64_t off, uint32_t ps, uint32_t rs)
{
    *t = (odpu_tensor_desc){.role = role, .h = h, .w = w, .c = c, .ddr_offset = off,
                            .pixel_stride = ps, .row_stride = rs, .scale = 1.0f};
    strncpy(t->name, name, sizeof t->name - 1);
}

static void copy_model_build(copy_model *cm, const odpu_arch *arch)
{
    memset(cm, 0, sizeof *cm);
    odpu_stream_init(&cm->s);
    odpu_insn ins[] = {
        load_act(IN_OFF, TILE_IMG, IMG_H, IMG_W, IMG_C, IMG_C, IMG_W * IMG_C),
        load_act(CONST_OFF, TILE_CONST, CT_H, CT_W, CT_C, CT_C, CT_W * CT_C),
        relay(),
        relay(),
        save_act(OUT_OFF, TILE_IMG, IMG_H, IMG_W, IMG_C, OUT_PIXEL_STRIDE, OUT_ROW_STRIDE),
        save_act(OUT2_OFF, TILE_CONST, CT_H, CT_W, CT_C, CT_C, CT_W * CT_C),
        plain(ODPU_OP_END),
    };
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
        odpu_stream_append(&cm->s, &ins[i]);
    finish_stream(&cm->s);

    for (int i = 0; i < CONST_BYTES; i++)
        cm->consts[i] = (uint8_t)(0xA0 + i);
    tensor(&cm->tensors[0], "image", ODPU_TENSOR_INPUT, IMG_H, IMG_W, IMG_C, IN_OFF, IMG_C, IMG_W * IMG_C);
    tensor(&cm->tensors[1], "copy", ODPU_TENSOR_OUTPUT, IMG_H, IMG_W, IMG_C, OUT_OFF, OUT_PIXEL_STRIDE,
           OUT_ROW_STRIDE);
    tensor(&cm->tensors[2], "consts", ODPU_TENSOR_OUTPUT, CT_H, CT_W, CT_C, OUT2_OFF, CT_C, CT_W * CT_C);

    odpu_model *m = &cm->m;
    m->version_major = ODPU_MODEL_VERSION_MAJOR;
    m->version_minor = ODPU_MODEL_VERSION_MINOR;
    memcpy(m->arch_name, arch->name, sizeof m->arch_name);
    m->arch_fingerprint = odpu_arch_fingerprint(arch);
    m->ddr_size = WINDOW;
    m->const_offset = CONST_OFF;
    m->consts = cm->consts;
    m->consts_size = CONST_BYTES;
    m->insns = cm->s.bytes;
    m->n_insns = cm->s.n_insns;
    m->tensors = cm->tensors;
    m->n_tensors = 3;
}

static odpu_model *parsed_copy_model(const copy_model *cm)
{
    /* Through the file format too, as a deployed model would arrive. */
    uint8_t *bytes;
    size_t len;
    odpu_model *loaded = calloc(1, sizeof *loaded);
    ck_assert_ptr_nonnull(loaded);
    odpu_err err;
    ck_assert_msg(odpu_model_serialize(&cm->m, &bytes, &len, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_model_parse(bytes, len, "copy.odpu", loaded, &err) == ODPU_OK, "%s", err.msg);
    free(bytes);
    return loaded;
}

static void free_model(odpu_model *m)
{
    odpu_model_free(m);
    free(m);
}

/* One run of the copy model with random input; its outputs checked. */
static void run_copy(odpu_runtime *rt, const copy_model *cm, test_rng *rng, const char *backend,
                     odpu_run_stats *stats)
{
    int8_t in[IMG_H * IMG_W * IMG_C], out[IMG_H * IMG_W * IMG_C], ct[CT_H * CT_W * CT_C];
    test_rng_bytes(rng, in, sizeof in);
    memset(out, 0x55, sizeof out);
    memset(ct, 0x55, sizeof ct);
    const int8_t *inputs[] = {in};
    int8_t *outputs[] = {out, ct};
    odpu_err err;
    ck_assert_msg(odpu_runtime_run(rt, inputs, outputs, RUN_TIMEOUT_MS, stats, &err) == ODPU_OK, "%s: %s",
                  backend, err.msg);
    ck_assert_mem_eq(out, in, sizeof in);
    ck_assert_mem_eq(ct, cm->consts, sizeof ct);
    ck_assert_uint_eq(stats->insns_done, cm->s.n_insns);
}

START_TEST(copy_model_runs_byte_exact)
{
    FOR_EACH_BACKEND(backend) {
        fixture f;
        fixture_open(&f, backend);
        copy_model cm;
        copy_model_build(&cm, &f.arch);
        odpu_model *loaded = parsed_copy_model(&cm);
        odpu_runtime *rt;
        odpu_err err;
        ck_assert_msg(odpu_runtime_open(f.hal, loaded, &rt, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        test_rng rng;
        test_rng_seed(&rng, 42);
        for (int run = 0; run < 3; run++) {
            odpu_run_stats stats;
            run_copy(rt, &cm, &rng, backend, &stats);
            if (odpu_hal_capabilities(f.hal)->timing == ODPU_TIMING_NONE)
                ck_assert_uint_eq(stats.cycles, 0);
            else
                ck_assert_uint_gt(stats.cycles, 0);
        }
        /* A missing output buffer is the caller's error, not a crash. */
        int8_t in[IMG_H * IMG_W * IMG_C] = {0};
        const int8_t *inputs[] = {in};
        ck_assert_int_eq(odpu_runtime_run(rt, inputs, NULL, RUN_TIMEOUT_MS, NULL, &err), ODPU_E_ARG);
        ck_assert_int_eq(odpu_runtime_run(rt, NULL, NULL, RUN_TIMEOUT_MS, NULL, &err), ODPU_E_ARG);
        ck_assert_ptr_nonnull(strstr(err.msg, "image"));
        odpu_runtime_close(rt);
        free_model(loaded);
        odpu_stream_free(&cm.s);
        odpu_hal_close(f.hal);
    }
}
END_TEST

/* A run that does not end in time is aborted by the runtime, and the next run works. */
START_TEST(timed_out_run_is_aborted)
{
    FOR_EACH_BACKEND(backend) {
        fixture f;
        fixture_open(&f, backend);
        copy_model cm;
        copy_model_build(&cm, &f.arch);
        odpu_runtime *rt;
        odpu_err err;
        ck_assert_msg(odpu_runtime_open(f.hal, &cm.m, &rt, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        int8_t in[IMG_H * IMG_W * IMG_C] = {0}, out[IMG_H * IMG_W * IMG_C], ct[CT_H * CT_W * CT_C];
        const int8_t *inputs[] = {in};
        int8_t *outputs[] = {out, ct};
        odpu_status st = odpu_runtime_run(rt, inputs, outputs, 0, NULL, &err);
        const odpu_hal_caps *caps = odpu_hal_capabilities(f.hal);
        if (caps->timing == ODPU_TIMING_NONE) {
            ck_assert_msg(st == ODPU_OK, "%s: %s", backend, err.msg); /* ended inside the start */
        } else if (caps->exclusive && st == ODPU_OK) {
            /* A board's engine runs by itself, not only while the host waits: a short run may
             * end before even a 0 ms wait looks (the contract suite covers its aborts). */
        } else {
            ck_assert_msg(st == ODPU_E_TIMEOUT && strstr(err.msg, "aborted"), "%s: %s", backend, err.msg);
            ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_AP_CTRL), ODPU_AP_IDLE);
        }
        test_rng rng;
        test_rng_seed(&rng, 9);
        odpu_run_stats stats;
        run_copy(rt, &cm, &rng, backend, &stats);
        odpu_runtime_close(rt);
        odpu_stream_free(&cm.s);
        odpu_hal_close(f.hal);
    }
}
END_TEST

/* A run another process left going (here: started by hand and never waited for) is aborted
 * by odpu_runtime_open, whose model then runs; an engine that identifies itself only after a
 * run is identified by an empty one. */
START_TEST(busy_or_unidentified_engine_is_made_ready)
{
    FOR_EACH_BACKEND(backend) {
        fixture f;
        fixture_open(&f, backend);
        copy_model cm;
        copy_model_build(&cm, &f.arch);
        odpu_stream loop;
        test_nop_stream(&loop, LONG_STREAM, ODPU_ENGINE_COMPUTE);
        odpu_dma_buf insns;
        odpu_err err;
        ck_assert(odpu_hal_alloc(f.hal, loop.n_insns * ODPU_INSN_BYTES, &insns, &err) == ODPU_OK);
        memcpy(insns.virt, loop.bytes, loop.n_insns * ODPU_INSN_BYTES);
        ck_assert(odpu_hal_sync(f.hal, &insns, 0, insns.size, ODPU_SYNC_TO_DEVICE, &err) == ODPU_OK);
        odpu_hal_reg_write64(f.hal, ODPU_REG_INSN_BASE_LO, ODPU_REG_INSN_BASE_HI, insns.phys);
        odpu_hal_reg_write(f.hal, ODPU_REG_INSN_COUNT, (uint32_t)loop.n_insns);
        odpu_hal_reg_write(f.hal, ODPU_REG_AP_CTRL, ODPU_AP_START | ODPU_AP_AUTO_RESTART);
        odpu_runtime *rt;
        ck_assert_msg(odpu_runtime_open(f.hal, &cm.m, &rt, &err) == ODPU_OK, "%s: %s", backend, err.msg);
        test_rng rng;
        test_rng_seed(&rng, 7);
        odpu_run_stats stats;
        run_copy(rt, &cm, &rng, backend, &stats);
        odpu_runtime_close(rt);
        odpu_hal_free(f.hal, &insns);
        odpu_hal_close(f.hal);

        /* Where the backend can model an engine that reads 0 until it has run. */
        if (fixture_try_open(&f, backend, "identity=after-run", &err) == ODPU_OK) {
            ck_assert_msg(odpu_runtime_open(f.hal, &cm.m, &rt, &err) == ODPU_OK, "%s: %s", backend, err.msg);
            run_copy(rt, &cm, &rng, backend, &stats);
            odpu_runtime_close(rt);
            odpu_hal_close(f.hal);
        }
        odpu_stream_free(&loop);
        odpu_stream_free(&cm.s);
    }
}
END_TEST

START_TEST(fingerprint_mismatch_is_refused)
{
    FOR_EACH_BACKEND(backend) {
    fixture f;
    fixture_open(&f, backend);
    odpu_arch big;
    load_arch("b4096", &big);
    copy_model cm;
    copy_model_build(&cm, &big); /* the model claims b4096; the engine is tiny */
    odpu_runtime *rt = NULL;
    odpu_err err;
    ck_assert_int_eq(odpu_runtime_open(f.hal, &cm.m, &rt, &err), ODPU_E_MISMATCH);
    ck_assert_ptr_null(rt);
    const char *needles[] = {"'b4096'", "'tiny'", "opendpu compile", "arch/tiny.yaml"};
    for (size_t i = 0; i < sizeof needles / sizeof needles[0]; i++)
        ck_assert_msg(strstr(err.msg, needles[i]), "message lacks %s: %s", needles[i], err.msg);
    odpu_stream_free(&cm.s);
    odpu_hal_close(f.hal);
    }
}
END_TEST

START_TEST(invalid_stream_is_refused_at_open)
{
    FOR_EACH_BACKEND(backend) {
    fixture f;
    fixture_open(&f, backend);
    copy_model cm;
    copy_model_build(&cm, &f.arch);
    /* Move the second SAVE into the read-only constants: only the validator sees that. */
    odpu_stream_free(&cm.s);
    odpu_insn ins[] = {
        load_act(IN_OFF, TILE_IMG, IMG_H, IMG_W, IMG_C, IMG_C, IMG_W * IMG_C),
        relay(),
        save_act(CONST_OFF, TILE_IMG, 1, 1, IMG_C, IMG_C, IMG_C),
        plain(ODPU_OP_END),
    };
    for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
        odpu_stream_append(&cm.s, &ins[i]);
    finish_stream(&cm.s);
    cm.m.insns = cm.s.bytes;
    cm.m.n_insns = cm.s.n_insns;
    odpu_runtime *rt = NULL;
    odpu_err err;
    ck_assert_int_eq(odpu_runtime_open(f.hal, &cm.m, &rt, &err), ODPU_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "instruction 2"));
    odpu_stream_free(&cm.s);
    odpu_hal_close(f.hal);
    }
}
END_TEST

static Suite *runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *rt = tcase_create("runtime");
    tcase_set_timeout(rt, 120);
    tcase_add_test(rt, copy_model_runs_byte_exact);
    tcase_add_test(rt, fingerprint_mismatch_is_refused);
    tcase_add_test(rt, invalid_stream_is_refused_at_open);
    tcase_add_test(rt, timed_out_run_is_aborted);
    tcase_add_test(rt, busy_or_unidentified_engine_is_made_ready);
    suite_add_tcase(s, rt);
    return s;
}

ODPU_TEST_MAIN(runtime_suite)
