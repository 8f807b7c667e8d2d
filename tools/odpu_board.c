/* odpu_board.c - the generator of a board build (docs/boards.md, "Generated files"): from a
 * board description and an arch config it writes, into OUT_DIR,
 *   params.tcl       the values boards/tcl/odpu_flow.tcl reads
 *   opendpu.dtso     the device-tree overlay source (the Makefile compiles it with dtc)
 *   shell.json       the KV260 app's shell description
 *   <app>.bif        bootgen's input for <app>.bit.bin
 *   <app>.xclbin     the kernel metadata for XRT, no bitstream
 *   NEXT_STEPS.txt   what was built and what needs Vivado
 * usage: odpu_board BOARD.yaml ARCH.yaml IP REPO_DIR GEN_DIR OUT_DIR
 * (IP: rtl or hls; GEN_DIR holds <arch>/kernel.xml, written by tools/odpu_gen). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/arch.h"
#include "boards/board.h"
#include "boards/boardgen.h"
#include "common/file.h"

enum { PATH_MAX_LEN = 4096, DIR_MODE = 0777, KERNEL_XML_MAX = 1 << 20, ARG_COUNT = 7 };

typedef odpu_status (*text_writer)(const odpu_board_gen *g, FILE *out, odpu_err *err);

static odpu_status path_in(char *out, const char *dir, const char *a, const char *b, odpu_err *err)
{
    int n = snprintf(out, PATH_MAX_LEN, "%s/%s%s", dir, a, b);
    if (n < 0 || n >= PATH_MAX_LEN)
        return odpu_fail(err, ODPU_E_ARG, "an output path under '%s' is too long", dir);
    return ODPU_OK;
}

/* Open a temporary file beside path; commit renames it over path, so no reader sees half a file. */
static FILE *open_tmp(const char *path, char *tmp, odpu_err *err)
{
    snprintf(tmp, PATH_MAX_LEN + 8, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        odpu_fail(err, ODPU_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    return f;
}

static odpu_status commit(FILE *f, odpu_status st, const char *tmp, const char *path, odpu_err *err)
{
    if (fclose(f) != 0 && st == ODPU_OK)
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
    if (st == ODPU_OK && rename(tmp, path) != 0)
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot replace: %s", path, strerror(errno));
    if (st != ODPU_OK)
        remove(tmp);
    return st;
}

static odpu_status write_text(const odpu_board_gen *g, const char *name, const char *suffix, text_writer w,
                              odpu_err *err)
{
    char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
    odpu_status st = path_in(path, g->out_dir, name, suffix, err);
    if (st != ODPU_OK)
        return st;
    FILE *f = open_tmp(path, tmp, err);
    if (!f)
        return ODPU_E_IO;
    return commit(f, w(g, f, err), tmp, path, err);
}

static odpu_status write_xclbin(const odpu_board_gen *g, const char *gen_dir, odpu_err *err)
{
    char xml_path[PATH_MAX_LEN], path[PATH_MAX_LEN], tmp[PATH_MAX_LEN + 8];
    odpu_status st = path_in(xml_path, gen_dir, g->arch->name, "/kernel.xml", err);
    if (st == ODPU_OK)
        st = path_in(path, g->out_dir, g->app, ".xclbin", err);
    if (st != ODPU_OK)
        return st;
    uint8_t *xml = NULL;
    size_t len = 0;
    if ((st = odpu_read_file(xml_path, KERNEL_XML_MAX, &xml, &len, err)) != ODPU_OK)
        return odpu_err_prefix(err, "the kernel description (run make gen): ");
    FILE *f = open_tmp(path, tmp, err);
    if (!f) {
        free(xml);
        return ODPU_E_IO;
    }
    st = commit(f, odpu_board_write_xclbin(g, (const char *)xml, f, err), tmp, path, err);
    free(xml);
    return st;
}

static odpu_status generate(char **argv, odpu_err *err)
{
    odpu_board board;
    odpu_arch arch;
    odpu_board_gen g = {.board = &board, .board_path = argv[1], .arch = &arch, .arch_path = argv[2],
                        .ip = argv[3], .repo = argv[4], .gen_dir = argv[5], .out_dir = argv[6]};
    odpu_status st = odpu_board_load(g.board_path, &board, err);
    if (st == ODPU_OK)
        st = odpu_arch_load(g.arch_path, &arch, err);
    if (st == ODPU_OK)
        st = odpu_board_check_arch(&board, g.board_path, &arch, g.arch_path, err);
    if (st == ODPU_OK)
        st = odpu_board_gen_init(&g, err);
    if (st == ODPU_OK && mkdir(g.out_dir, DIR_MODE) != 0 && errno != EEXIST)
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot create the directory: %s", g.out_dir, strerror(errno));
    if (st == ODPU_OK)
        st = write_text(&g, "params", ".tcl", odpu_board_write_params_tcl, err);
    if (st == ODPU_OK)
        st = write_text(&g, "opendpu", ".dtso", odpu_board_write_dtso, err);
    if (st == ODPU_OK)
        st = write_text(&g, "shell", ".json", odpu_board_write_shell_json, err);
    if (st == ODPU_OK)
        st = write_text(&g, g.app, ".bif", odpu_board_write_bif, err);
    if (st == ODPU_OK)
        st = write_xclbin(&g, g.gen_dir, err);
    if (st == ODPU_OK)
        st = write_text(&g, "NEXT_STEPS", ".txt", odpu_board_write_next_steps, err);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != ARG_COUNT) {
        fprintf(stderr, "usage: odpu_board BOARD.yaml ARCH.yaml rtl|hls REPO_DIR GEN_DIR OUT_DIR\n");
        return 2;
    }
    odpu_err err;
    if (generate(argv, &err) != ODPU_OK) {
        fprintf(stderr, "odpu_board: %s\n", err.msg);
        return 1;
    }
    return 0;
}
