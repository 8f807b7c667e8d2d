/* test_runtime.c - the host runtime and the HAL, driven on the ref backend only through
 * host/hal.h and host/runtime.h, as an application would drive a board. */
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "host/hal.h"
#include "host/model.h"
#include "host/runtime.h"
#include "isa/regs.h"
#include "isa/stream.h"
#include "tests/testutil.h"

enum {
    RUN_TIMEOUT_MS = 1000,
    PAGE = 4096,
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

static void load_arch(const char *name, odpu_arch *arch)
{
    odpu_err err;
    ck_assert_msg(odpu_arch_load(test_arch_path(name), arch, &err) == ODPU_OK, "%s", err.msg);
}

static void fixture_open(fixture *f, const char *arch_name)
{
    load_arch(arch_name, &f->arch);
    odpu_hal_options opt = {.arch = &f->arch};
    odpu_err err;
    ck_assert_msg(odpu_hal_open("ref", &opt, &f->hal, &err) == ODPU_OK, "%s", err.msg);
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

START_TEST(copy_model_runs_byte_exact)
{
    fixture f;
    fixture_open(&f, "tiny");
    copy_model cm;
    copy_model_build(&cm, &f.arch);

    /* Through the file format too, as a deployed model would arrive. */
    uint8_t *bytes;
    size_t len;
    odpu_model loaded;
    odpu_err err;
    ck_assert_msg(odpu_model_serialize(&cm.m, &bytes, &len, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_model_parse(bytes, len, "copy.odpu", &loaded, &err) == ODPU_OK, "%s", err.msg);
    free(bytes);

    odpu_runtime *rt;
    ck_assert_msg(odpu_runtime_open(f.hal, &loaded, &rt, &err) == ODPU_OK, "%s", err.msg);
    test_rng rng;
    test_rng_seed(&rng, 42);
    for (int run = 0; run < 3; run++) {
        int8_t in[IMG_H * IMG_W * IMG_C], out[IMG_H * IMG_W * IMG_C], ct[CT_H * CT_W * CT_C];
        test_rng_bytes(&rng, in, sizeof in);
        memset(out, 0x55, sizeof out);
        memset(ct, 0x55, sizeof ct);
        const int8_t *inputs[] = {in};
        int8_t *outputs[] = {out, ct};
        odpu_run_stats stats;
        ck_assert_msg(odpu_runtime_run(rt, inputs, outputs, RUN_TIMEOUT_MS, &stats, &err) == ODPU_OK,
                      "run %d: %s", run, err.msg);
        ck_assert_mem_eq(out, in, sizeof in);
        ck_assert_mem_eq(ct, cm.consts, sizeof ct);
        ck_assert_uint_eq(stats.insns_done, cm.s.n_insns);
        ck_assert_uint_eq(stats.cycles, 0); /* ref has no clock */
    }
    /* A missing output buffer is the caller's error, not a crash. */
    int8_t in[IMG_H * IMG_W * IMG_C] = {0};
    const int8_t *inputs[] = {in};
    ck_assert_int_eq(odpu_runtime_run(rt, inputs, NULL, RUN_TIMEOUT_MS, NULL, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_runtime_run(rt, NULL, NULL, RUN_TIMEOUT_MS, NULL, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "image"));

    odpu_runtime_close(rt);
    odpu_model_free(&loaded);
    odpu_stream_free(&cm.s);
    odpu_hal_close(f.hal);
}
END_TEST

START_TEST(fingerprint_mismatch_is_refused)
{
    fixture f;
    fixture_open(&f, "tiny");
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
END_TEST

START_TEST(invalid_stream_is_refused_at_open)
{
    fixture f;
    fixture_open(&f, "tiny");
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
END_TEST

/* ---- The HAL as a device ----------------------------------------------------------- */

START_TEST(identity_registers)
{
    fixture f;
    fixture_open(&f, "tiny");
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_MAGIC), ODPU_MAGIC);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_VERSION), ODPU_ISA_VERSION);
    uint64_t fp = (uint64_t)odpu_hal_reg_read(f.hal, ODPU_REG_FP_LO) |
                  ((uint64_t)odpu_hal_reg_read(f.hal, ODPU_REG_FP_HI) << 32);
    ck_assert_uint_eq(fp, odpu_arch_fingerprint(&f.arch));
    ck_assert_uint_eq(fp, f.arch.fingerprint);
    /* Read-only registers ignore writes; CTRL keeps IRQ_EN, START reads back 0. */
    odpu_hal_reg_write(f.hal, ODPU_REG_MAGIC, 0);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_MAGIC), ODPU_MAGIC);
    odpu_hal_reg_write(f.hal, ODPU_REG_CTRL, ODPU_CTRL_IRQ_EN);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_CTRL), ODPU_CTRL_IRQ_EN);
    odpu_hal_reg_write(f.hal, ODPU_REG_WATCHDOG, 1234);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_WATCHDOG), 1234);
    ck_assert_str_eq(odpu_hal_backend_name(f.hal), "ref");
    ck_assert_str_eq(odpu_hal_arch(f.hal)->name, "tiny");
    odpu_hal_close(f.hal);
}
END_TEST

START_TEST(backend_registry)
{
    const char *const *names = odpu_hal_backends();
    ck_assert_str_eq(names[0], "ref");
    odpu_arch arch;
    load_arch("tiny", &arch);
    odpu_hal_options opt = {.arch = &arch};
    odpu_hal *hal = NULL;
    odpu_err err;
    ck_assert_int_eq(odpu_hal_open("fpga9000", &opt, &hal, &err), ODPU_E_ARG);
    ck_assert_ptr_null(hal);
    ck_assert_msg(strstr(err.msg, "fpga9000") && strstr(err.msg, "ref"), "%s", err.msg);
}
END_TEST

START_TEST(dma_buffers)
{
    fixture f;
    fixture_open(&f, "tiny");
    odpu_dma_buf a, b;
    odpu_err err;
    ck_assert_int_eq(odpu_hal_alloc(f.hal, 100, &a, &err), ODPU_OK);
    ck_assert_int_eq(odpu_hal_alloc(f.hal, 3 * PAGE, &b, &err), ODPU_OK);
    ck_assert_uint_ne(a.phys, 0);
    ck_assert_uint_eq(a.phys % PAGE, 0);
    ck_assert_uint_eq(b.phys % PAGE, 0);
    ck_assert_uint_ge(b.phys, a.phys + PAGE); /* no overlap */
    ck_assert_uint_eq(a.size, 100);
    memset(a.virt, 1, a.size); /* ASan checks the mapping is as large as promised */
    memset(b.virt, 2, b.size);
    ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 0, 100, ODPU_SYNC_TO_DEVICE, &err), ODPU_OK);
    ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 99, 1, ODPU_SYNC_FROM_DEVICE, &err), ODPU_OK);
    ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 50, 51, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 101, 0, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_hal_sync(f.hal, &a, 1, SIZE_MAX, ODPU_SYNC_TO_DEVICE, &err), ODPU_E_ARG);
    ck_assert_int_eq(odpu_hal_alloc(f.hal, 0, &a, &err), ODPU_E_ARG);
    odpu_hal_free(f.hal, &b);
    ck_assert_ptr_null(b.virt);
    odpu_hal_close(f.hal); /* frees a */
}
END_TEST

START_TEST(wait_before_start_fails)
{
    fixture f;
    fixture_open(&f, "tiny");
    odpu_err err;
    ck_assert_int_eq(odpu_hal_wait(f.hal, RUN_TIMEOUT_MS, &err), ODPU_E_ARG);
    ck_assert_ptr_nonnull(strstr(err.msg, "start"));
    odpu_hal_close(f.hal);
}
END_TEST

/* A stream and window in DMA buffers, programmed by hand as a driver would. */
typedef struct device_job {
    odpu_dma_buf insns, ddr;
    size_t n_insns;
} device_job;

static void job_setup(fixture *f, device_job *j, odpu_stream *s, size_t ddr_bytes)
{
    odpu_err err;
    finish_stream(s);
    j->n_insns = s->n_insns;
    ck_assert_int_eq(odpu_hal_alloc(f->hal, s->n_insns * ODPU_INSN_BYTES, &j->insns, &err), ODPU_OK);
    ck_assert_int_eq(odpu_hal_alloc(f->hal, ddr_bytes, &j->ddr, &err), ODPU_OK);
    memcpy(j->insns.virt, s->bytes, s->n_insns * ODPU_INSN_BYTES);
    ck_assert_int_eq(odpu_hal_sync(f->hal, &j->insns, 0, j->insns.size, ODPU_SYNC_TO_DEVICE, &err),
                     ODPU_OK);
}

static void program(odpu_hal *hal, uint64_t insn_base, uint32_t count, uint64_t ddr_base,
                    uint64_t ddr_size)
{
    odpu_hal_reg_write(hal, ODPU_REG_INSN_BASE_LO, (uint32_t)insn_base);
    odpu_hal_reg_write(hal, ODPU_REG_INSN_BASE_HI, (uint32_t)(insn_base >> 32));
    odpu_hal_reg_write(hal, ODPU_REG_INSN_COUNT, count);
    odpu_hal_reg_write(hal, ODPU_REG_DDR_BASE_LO, (uint32_t)ddr_base);
    odpu_hal_reg_write(hal, ODPU_REG_DDR_BASE_HI, (uint32_t)(ddr_base >> 32));
    odpu_hal_reg_write(hal, ODPU_REG_DDR_SIZE_LO, (uint32_t)ddr_size);
    odpu_hal_reg_write(hal, ODPU_REG_DDR_SIZE_HI, (uint32_t)(ddr_size >> 32));
    odpu_hal_reg_write(hal, ODPU_REG_STATUS, ODPU_STATUS_DONE | ODPU_STATUS_ERROR);
}

/* Start with the CTRL bit, as a board driver does, and wait. */
static void start_by_register(odpu_hal *hal)
{
    odpu_err err;
    odpu_hal_reg_write(hal, ODPU_REG_CTRL, ODPU_CTRL_START | ODPU_CTRL_IRQ_EN);
    ck_assert_msg(odpu_hal_wait(hal, RUN_TIMEOUT_MS, &err) == ODPU_OK, "%s", err.msg);
}

static void expect_hw_error(odpu_hal *hal, odpu_hw_error code, uint32_t index)
{
    uint32_t status = odpu_hal_reg_read(hal, ODPU_REG_STATUS);
    ck_assert_msg(status & ODPU_STATUS_ERROR, "STATUS 0x%x lacks ERROR", status);
    ck_assert_uint_eq(status & ODPU_STATUS_DONE, 0);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_ERR_CODE), code);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_ERR_INDEX), index);
    /* W1C: writing ERROR clears it. */
    odpu_hal_reg_write(hal, ODPU_REG_STATUS, ODPU_STATUS_ERROR);
    ck_assert_uint_eq(odpu_hal_reg_read(hal, ODPU_REG_STATUS) & ODPU_STATUS_ERROR, 0);
}

enum { SMALL_WINDOW = 256, OUTSIDE = 200, OUTSIDE_C = 100 };

START_TEST(engine_reports_ddr_bounds)
{
    fixture f;
    fixture_open(&f, "tiny");
    odpu_stream s;
    odpu_stream_init(&s);
    odpu_insn nop = plain(ODPU_OP_NOP);
    nop.u.nop.engine = ODPU_ENGINE_LOAD;
    /* [200, 300) of a 256-byte window: the validator would refuse this stream. */
    odpu_insn bad = load_act(OUTSIDE, 0, 1, 1, OUTSIDE_C, OUTSIDE_C, OUTSIDE_C);
    bad.deps.push_next = 0;
    odpu_insn end = plain(ODPU_OP_END);
    odpu_stream_append(&s, &nop);
    odpu_stream_append(&s, &bad);
    odpu_stream_append(&s, &end);
    device_job j;
    job_setup(&f, &j, &s, SMALL_WINDOW);

    program(f.hal, j.insns.phys, (uint32_t)j.n_insns, j.ddr.phys, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_DDR_BOUNDS, 1);

    /* The same through odpu_hal_start. */
    odpu_err err;
    program(f.hal, j.insns.phys, (uint32_t)j.n_insns, j.ddr.phys, SMALL_WINDOW);
    ck_assert_int_eq(odpu_hal_start(f.hal, &err), ODPU_OK);
    ck_assert_int_eq(odpu_hal_wait(f.hal, RUN_TIMEOUT_MS, &err), ODPU_OK);
    expect_hw_error(f.hal, ODPU_HW_DDR_BOUNDS, 1);

    /* A window large enough makes the same stream run to END. */
    program(f.hal, j.insns.phys, (uint32_t)j.n_insns, j.ddr.phys, SMALL_WINDOW);
    odpu_dma_buf big;
    ck_assert_int_eq(odpu_hal_alloc(f.hal, OUTSIDE + OUTSIDE_C, &big, &err), ODPU_OK);
    odpu_hal_reg_write(f.hal, ODPU_REG_DDR_BASE_LO, (uint32_t)big.phys);
    odpu_hal_reg_write(f.hal, ODPU_REG_DDR_BASE_HI, (uint32_t)(big.phys >> 32));
    odpu_hal_reg_write(f.hal, ODPU_REG_DDR_SIZE_LO, OUTSIDE + OUTSIDE_C);
    start_by_register(f.hal);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_STATUS), ODPU_STATUS_DONE);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_ERR_CODE), ODPU_HW_OK);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_INSN_DONE), j.n_insns);
    odpu_stream_free(&s);
    odpu_hal_close(f.hal);
}
END_TEST

START_TEST(unmapped_addresses_are_bus_errors)
{
    fixture f;
    fixture_open(&f, "tiny");
    odpu_stream s;
    odpu_stream_init(&s);
    odpu_insn end = plain(ODPU_OP_END);
    odpu_stream_append(&s, &end);
    device_job j;
    job_setup(&f, &j, &s, SMALL_WINDOW);
    uint64_t ddr = j.ddr.phys;

    /* Sanity: mapped, it runs. */
    program(f.hal, j.insns.phys, 1, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    ck_assert_uint_eq(odpu_hal_reg_read(f.hal, ODPU_REG_STATUS), ODPU_STATUS_DONE);

    /* Instruction base nowhere, at 0, and a stream running past its buffer. */
    program(f.hal, j.insns.phys + PAGE, 1, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    program(f.hal, 0, 1, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    program(f.hal, j.insns.phys, 2, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    /* The DDR window unmapped or larger than its buffer. */
    program(f.hal, j.insns.phys, 1, ddr + 2 * PAGE, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    program(f.hal, j.insns.phys, 1, ddr, SMALL_WINDOW + 1);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    /* A freed buffer is no longer mapped. */
    uint64_t old = j.insns.phys;
    odpu_hal_free(f.hal, &j.insns);
    program(f.hal, old, 1, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_AXI_RESP, 0);
    /* No instructions at all: nothing to fetch, no END. */
    program(f.hal, old, 0, ddr, SMALL_WINDOW);
    start_by_register(f.hal);
    expect_hw_error(f.hal, ODPU_HW_NO_END, 0);
    odpu_stream_free(&s);
    odpu_hal_close(f.hal);
}
END_TEST

static Suite *runtime_suite(void)
{
    Suite *s = suite_create("runtime");
    TCase *rt = tcase_create("runtime");
    tcase_add_test(rt, copy_model_runs_byte_exact);
    tcase_add_test(rt, fingerprint_mismatch_is_refused);
    tcase_add_test(rt, invalid_stream_is_refused_at_open);
    suite_add_tcase(s, rt);
    TCase *hal = tcase_create("hal_ref");
    tcase_add_test(hal, identity_registers);
    tcase_add_test(hal, backend_registry);
    tcase_add_test(hal, dma_buffers);
    tcase_add_test(hal, wait_before_start_fails);
    tcase_add_test(hal, engine_reports_ddr_bounds);
    tcase_add_test(hal, unmapped_addresses_are_bus_errors);
    suite_add_tcase(s, hal);
    return s;
}

ODPU_TEST_MAIN(runtime_suite)
