/* odpu_gen.c - the one generator of the build (docs/arch.md, "Generated files"): writes the
 * gen tree that the C build, Verilator, lint, synthesis, hls/ and boards/ all read.
 *   OUT/isa/odpu_isa_codec.h        C codec of the instruction set (isa_fields.def)
 *   OUT/isa/odpu_pkg.sv         SystemVerilog package: encoding, enums, register map
 *   OUT/<arch>/odpu_arch_params.h   one arch config as C macros
 *   OUT/<arch>/odpu_arch_params.vh  and as Verilog localparams
 *   OUT/<arch>/kernel.xml           the engine as a Vitis kernel: ports and arguments (regs.def)
 * A file is rewritten only when its content changes, so an unchanged config never causes a
 * re-verilation. <arch> is the config file's name without .yaml.
 * usage: odpu_gen OUT_DIR ARCH.yaml... */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arch/arch.h"
#include "common/file.h"
#include "isa/isagen.h"

enum { PATH_MAX_LEN = 4096, DIR_MODE = 0777 };

/* One generated file: a writer and what it writes from (an arch, or nothing). */
typedef struct render {
    odpu_status (*write)(const odpu_arch *arch, FILE *out, odpu_err *err);
    const odpu_arch *arch;
} render;

static odpu_status write_codec(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    (void)arch;
    return odpu_isa_write_c_codec(out, err);
}

static odpu_status write_package(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    (void)arch;
    return odpu_isa_write_sv_package(out, err);
}

static odpu_status write_kernel(const odpu_arch *arch, FILE *out, odpu_err *err)
{
    return odpu_isa_write_kernel_xml(ODPU_KERNEL_NAME, arch->axi_data_bits, out, err);
}

static odpu_status make_dir(const char *path, odpu_err *err)
{
    if (mkdir(path, DIR_MODE) != 0 && errno != EEXIST)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot create the directory: %s", path, strerror(errno));
    return ODPU_OK;
}

/* Render into memory, compare with the file on disk, replace it only if they differ. */
static odpu_status write_if_changed(const render *r, const char *path, odpu_err *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    odpu_status st = r->write(r->arch, mem, err);
    if (fclose(mem) != 0 && st == ODPU_OK)
        st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    if (st != ODPU_OK) {
        free(text);
        return odpu_err_prefix(err, "%s: ", path);
    }
    uint8_t *old = NULL;
    size_t old_len = 0;
    odpu_err ignore;
    int same = odpu_read_file(path, 0, &old, &old_len, &ignore) == ODPU_OK && old_len == len &&
               memcmp(old, text, len) == 0;
    free(old);
    if (!same) {
        /* Through a temporary file and a rename, so no reader ever sees half a file. */
        char tmp[PATH_MAX_LEN + 8];
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        FILE *f = fopen(tmp, "wb");
        if (!f || fwrite(text, 1, len, f) != len)
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
        if (f && fclose(f) != 0 && st == ODPU_OK)
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", tmp, strerror(errno));
        if (st == ODPU_OK && rename(tmp, path) != 0)
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot replace: %s", path, strerror(errno));
        if (st != ODPU_OK)
            remove(tmp);
    }
    free(text);
    return st;
}

static odpu_status join(char *out, const char *dir, const char *sub, const char *file, odpu_err *err)
{
    int n = file ? snprintf(out, PATH_MAX_LEN, "%s/%s/%s", dir, sub, file) : snprintf(out, PATH_MAX_LEN, "%s/%s", dir, sub);
    if (n < 0 || n >= PATH_MAX_LEN)
        return odpu_fail(err, ODPU_E_ARG, "output path under '%s' is too long", dir);
    return ODPU_OK;
}

static odpu_status write_isa(const char *dir, odpu_err *err)
{
    char path[PATH_MAX_LEN];
    odpu_status st = join(path, dir, "isa", NULL, err);
    if (st == ODPU_OK)
        st = make_dir(path, err);
    if (st == ODPU_OK)
        st = join(path, dir, "isa", "odpu_isa_codec.h", err);
    if (st == ODPU_OK)
        st = write_if_changed(&(render){write_codec, NULL}, path, err);
    if (st == ODPU_OK)
        st = join(path, dir, "isa", "odpu_pkg.sv", err);
    if (st == ODPU_OK)
        st = write_if_changed(&(render){write_package, NULL}, path, err);
    return st;
}

/* "arch/b4096.yaml" -> "b4096". */
static odpu_status arch_dir_name(const char *yaml, char *out, size_t size, odpu_err *err)
{
    const char *base = strrchr(yaml, '/');
    base = base ? base + 1 : yaml;
    size_t n = strlen(base);
    const char *ext = ".yaml";
    size_t e = strlen(ext);
    if (n <= e || strcmp(base + n - e, ext) != 0 || n - e >= size)
        return odpu_fail(err, ODPU_E_ARG, "%s: an arch config is a NAME.yaml file", yaml);
    memcpy(out, base, n - e);
    out[n - e] = '\0';
    return ODPU_OK;
}

static odpu_status write_arch(const char *dir, const char *yaml, odpu_err *err)
{
    odpu_arch arch;
    char name[ODPU_ARCH_NAME_MAX + 1], path[PATH_MAX_LEN];
    odpu_status st = arch_dir_name(yaml, name, sizeof name, err);
    if (st == ODPU_OK)
        st = odpu_arch_load(yaml, &arch, err);
    if (st == ODPU_OK)
        st = join(path, dir, name, NULL, err);
    if (st == ODPU_OK)
        st = make_dir(path, err);
    if (st == ODPU_OK)
        st = join(path, dir, name, "odpu_arch_params.h", err);
    if (st == ODPU_OK)
        st = write_if_changed(&(render){odpu_arch_write_c_header, &arch}, path, err);
    if (st == ODPU_OK)
        st = join(path, dir, name, "odpu_arch_params.vh", err);
    if (st == ODPU_OK)
        st = write_if_changed(&(render){odpu_arch_write_verilog, &arch}, path, err);
    if (st == ODPU_OK)
        st = join(path, dir, name, "kernel.xml", err);
    if (st == ODPU_OK)
        st = write_if_changed(&(render){write_kernel, &arch}, path, err);
    return st;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: odpu_gen OUT_DIR ARCH.yaml...\n");
        return 2;
    }
    odpu_err err;
    odpu_status st = make_dir(argv[1], &err);
    if (st == ODPU_OK)
        st = write_isa(argv[1], &err);
    for (int i = 2; i < argc && st == ODPU_OK; i++)
        st = write_arch(argv[1], argv[i], &err);
    if (st != ODPU_OK) {
        fprintf(stderr, "odpu_gen: %s\n", err.msg);
        return 1;
    }
    return 0;
}
