/* vl_gen.c - build tool of sim/sim.mk: writes the Verilog include and the C header of one
 * arch config for its verilated model, touching each file only when its content changes
 * so that an unchanged config never re-verilates. A separate program rather than
 * `opendpu archgen` because the opendpu CLI links the verilated models it would feed.
 * usage: vl_gen ARCH.yaml OUT.vh OUT.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "common/file.h"

typedef odpu_status (*writer)(const odpu_arch *arch, FILE *out, odpu_err *err);

/* Render into memory, compare with the file on disk, replace it only if they differ. */
static odpu_status write_if_changed(const odpu_arch *arch, writer fn, const char *path, odpu_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    odpu_status st = fn(arch, mem, err);
    fclose(mem);
    if (st != ODPU_OK) {
        free(text);
        return st;
    }
    uint8_t *old = NULL;
    size_t old_len = 0;
    odpu_err ignore;
    int same = odpu_read_file(path, 0, &old, &old_len, &ignore) == ODPU_OK && old_len == len &&
               memcmp(old, text, len) == 0;
    free(old);
    if (!same) {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(text, 1, len, f) != len)
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot write", path);
        if (f && fclose(f) != 0)
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot write", path);
    }
    free(text);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: vl_gen ARCH.yaml OUT.vh OUT.h\n");
        return 2;
    }
    odpu_arch arch;
    odpu_err err;
    odpu_status st = odpu_arch_load(argv[1], &arch, &err);
    if (st == ODPU_OK)
        st = write_if_changed(&arch, odpu_arch_write_verilog, argv[2], &err);
    if (st == ODPU_OK)
        st = write_if_changed(&arch, odpu_arch_write_c_header, argv[3], &err);
    if (st != ODPU_OK) {
        fprintf(stderr, "vl_gen: %s\n", err.msg);
        return 1;
    }
    return 0;
}
