/* streams.h - small valid instruction streams for the tests that drive an engine through the
 * HAL (test_hal_contract, test_sim_hal, test_runtime): built with isa/stream.h, checked. */
#ifndef ODPU_TESTS_STREAMS_H
#define ODPU_TESTS_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "isa/stream.h"

/* n NOPs on `engine`, then END. On one engine the stream retires in order. */
void test_nop_stream(odpu_stream *s, size_t n, odpu_engine engine);

/* LOAD of a 2x2 box of `rows` channels (one IBUF word a pixel) from window byte src, a
 * compute NOP that hands the token on, SAVE of it to dst, END. */
void test_copy_stream(odpu_stream *s, uint32_t rows, uint32_t src, uint32_t dst);

#endif
