/* cmd_disasm.c - `opendpu disasm FILE`: listing of a model file's instruction stream, or of a
 * raw stream (a file of 32-byte instructions). A file that starts with the model magic is
 * parsed as a model, so a damaged model is reported as such instead of listed as garbage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/file.h"
#include "host/model.h"
#include "isa/isa.h"

/* The first bytes of every model file (the same four characters the engine's MAGIC holds). */
static const char MODEL_MAGIC[] = "ODPU";
enum { MODEL_MAGIC_LEN = sizeof MODEL_MAGIC - 1 };

static int fail(const char *path, const char *msg)
{
    /* Library messages about a file usually start with its name already. */
    if (!strncmp(msg, path, strlen(path)))
        fprintf(stderr, "opendpu disasm: %s\n", msg);
    else
        fprintf(stderr, "opendpu disasm: %s: %s\n", path, msg);
    return 1;
}

static void print_model_header(const odpu_model *m)
{
    printf("; model: arch %s, fingerprint %016llx, %zu instructions, %zu tensors, DDR window %llu bytes, "
           "read-only constants [0x%llx, 0x%llx)\n",
           m->arch_name, (unsigned long long)m->arch_fingerprint, m->n_insns, m->n_tensors,
           (unsigned long long)m->ddr_size, (unsigned long long)m->const_offset,
           (unsigned long long)(m->const_offset + m->consts_size));
    for (size_t t = 0; t < m->n_tensors; t++) {
        const odpu_tensor_desc *d = &m->tensors[t];
        printf(";   %-6s %s %ux%ux%u at DDR 0x%llx pixel_stride %u row_stride %u scale %g zero_point %d\n",
               d->role == ODPU_TENSOR_INPUT ? "input" : "output", d->name, d->h, d->w, d->c,
               (unsigned long long)d->ddr_offset, d->pixel_stride, d->row_stride, (double)d->scale,
               d->zero_point);
    }
}

static int list_model(const char *path, const uint8_t *data, size_t len)
{
    odpu_model m;
    memset(&m, 0, sizeof m);
    odpu_err err = {0};
    if (odpu_model_parse(data, len, path, &m, &err) != ODPU_OK) {
        odpu_model_free(&m);
        return fail(path, err.msg);
    }
    print_model_header(&m);
    odpu_status st = odpu_stream_disasm(m.insns, m.n_insns, stdout, &err);
    odpu_model_free(&m);
    return st == ODPU_OK ? 0 : fail(path, err.msg);
}

static int list_raw(const char *path, const uint8_t *data, size_t len)
{
    if (len % ODPU_INSN_BYTES) {
        char msg[128];
        snprintf(msg, sizeof msg, "length %zu is not a multiple of %d (the instruction size); not a raw stream",
                 len, ODPU_INSN_BYTES);
        return fail(path, msg);
    }
    odpu_err err = {0};
    if (odpu_stream_disasm(data, len / ODPU_INSN_BYTES, stdout, &err) != ODPU_OK)
        return fail(path, err.msg);
    return 0;
}

int cmd_disasm(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: opendpu disasm FILE (.odpu model or raw .bin stream)\n");
        return 2;
    }
    const char *path = argv[1];
    uint8_t *data = NULL;
    size_t len = 0;
    odpu_err err = {0};
    if (odpu_read_file(path, 0, &data, &len, &err) != ODPU_OK)
        return fail(path, err.msg);
    int is_model = len >= MODEL_MAGIC_LEN && !memcmp(data, MODEL_MAGIC, MODEL_MAGIC_LEN);
    int rc = is_model ? list_model(path, data, len) : list_raw(path, data, len);
    free(data);
    return rc;
}
