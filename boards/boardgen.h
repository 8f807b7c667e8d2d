/* boardgen.h - the board files that need no Vivado, generated from a board description and an
 * arch config (docs/boards.md, "Generated files"): the values the Vivado Tcl flow reads, the
 * device-tree overlay, the KV260 app's shell.json, bootgen's .bif, the xclbin and a note of
 * what remains. tools/odpu_board writes them into build/board/<board>-<arch>/. */
#ifndef ODPU_BOARDS_BOARDGEN_H
#define ODPU_BOARDS_BOARDGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/arch.h"
#include "boards/board.h"
#include "common/err.h"

enum { ODPU_BOARD_APP_MAX = ODPU_BOARD_NAME_MAX + ODPU_ARCH_NAME_MAX + 2 };

/* Everything one generation run reads. Paths are written into params.tcl as given, so the
 * caller passes absolute ones (Vivado runs in the output directory). */
typedef struct odpu_board_gen {
    const odpu_board *board;
    const char *board_path;
    const odpu_arch *arch;
    const char *arch_path;
    const char *ip;       /* engine IP: "rtl" (rtl/ packaged) or "hls" (the Vitis HLS export) */
    const char *repo;     /* repository root */
    const char *gen_dir;  /* the gen tree (build/gen) */
    const char *out_dir;  /* build/board/<board>-<arch> */
    char app[ODPU_BOARD_APP_MAX]; /* <app_prefix>-<arch>: KV260 app, firmware and file names */
} odpu_board_gen;

/* Fill g->app; ODPU_E_CONFIG if the ip is neither rtl nor hls. */
odpu_status odpu_board_gen_init(odpu_board_gen *g, odpu_err *err);

odpu_status odpu_board_write_params_tcl(const odpu_board_gen *g, FILE *out, odpu_err *err);
odpu_status odpu_board_write_dtso(const odpu_board_gen *g, FILE *out, odpu_err *err);
odpu_status odpu_board_write_shell_json(const odpu_board_gen *g, FILE *out, odpu_err *err);
odpu_status odpu_board_write_bif(const odpu_board_gen *g, FILE *out, odpu_err *err);
odpu_status odpu_board_write_next_steps(const odpu_board_gen *g, FILE *out, odpu_err *err);

/* The xclbin (axlf container, <xrt/xclbin.h>) without a bitstream: EMBEDDED_METADATA is the
 * kernel of kernel_xml (build/gen/<arch>/kernel.xml, NUL-terminated) in the project layout XRT
 * reads, with its compute unit at the control address; IP_LAYOUT that compute unit
 * at the control address, MEM_TOPOLOGY the PS DDR behind the memory port, CONNECTIVITY every
 * pointer argument to it. */
odpu_status odpu_board_write_xclbin(const odpu_board_gen *g, const char *kernel_xml, FILE *out,
                                    odpu_err *err);

#endif
