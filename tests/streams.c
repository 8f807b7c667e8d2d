/* streams.c - small instruction streams for HAL-level tests (see streams.h). */
#include "tests/streams.h"

#include <check.h>

static void finish(odpu_stream *s)
{
    odpu_err err;
    ck_assert_msg(odpu_stream_status(s, &err) == ODPU_OK, "%s", err.msg);
}

void test_nop_stream(odpu_stream *s, size_t n, odpu_engine engine)
{
    odpu_stream_init(s);
    for (size_t i = 0; i < n; i++) {
        odpu_insn nop = {.opcode = ODPU_OP_NOP};
        nop.u.nop.engine = (uint32_t)engine;
        odpu_stream_append(s, &nop);
    }
    odpu_insn end = {.opcode = ODPU_OP_END};
    odpu_stream_append(s, &end);
    finish(s);
}

void test_copy_stream(odpu_stream *s, uint32_t rows, uint32_t src, uint32_t dst)
{
    odpu_stream_init(s);
    odpu_insn load = {.opcode = ODPU_OP_LOAD, .deps = {.push_next = 1}};
    load.u.load = (odpu_load){.buf = ODPU_BUF_IBUF, .ddr_addr = src, .h = 2, .w = 2, .c = rows,
                              .pixel_stride = rows, .row_stride = 2 * rows};
    odpu_insn nop = {.opcode = ODPU_OP_NOP, .deps = {.pop_prev = 1, .push_next = 1}};
    nop.u.nop.engine = ODPU_ENGINE_COMPUTE;
    odpu_insn save = {.opcode = ODPU_OP_SAVE, .deps = {.pop_prev = 1}};
    save.u.save = (odpu_save){.buf = ODPU_BUF_IBUF, .ddr_addr = dst, .h = 2, .w = 2, .c = rows,
                              .pixel_stride = rows, .row_stride = 2 * rows};
    odpu_insn end = {.opcode = ODPU_OP_END};
    odpu_stream_append(s, &load);
    odpu_stream_append(s, &nop);
    odpu_stream_append(s, &save);
    odpu_stream_append(s, &end);
    finish(s);
}
