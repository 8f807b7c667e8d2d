/* cmd_archgen.c - `opendpu archgen ARCH.yaml [--c-header OUT.h] [--verilog OUT.vh] [--print]`:
 * validate an arch config and write the files generated from it (docs/arch.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "cli/commands.h"

#define USAGE "usage: opendpu archgen ARCH.yaml [--c-header OUT.h] [--verilog OUT.vh] [--print]\n"

typedef struct archgen_args {
    const char *arch_path;
    const char *c_header;
    const char *verilog;
    int print;
} archgen_args;

/* 0 to go on; 2 after a usage error; -1 after --help (exit 0). */
static int parse_args(int argc, char **argv, archgen_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **dest = !strcmp(arg, "--c-header") ? &a->c_header
                            : !strcmp(arg, "--verilog") ? &a->verilog
                                                        : NULL;
        if (dest) {
            if (i + 1 >= argc) {
                fprintf(stderr, "opendpu archgen: %s needs a file name\n" USAGE, arg);
                return 2;
            }
            *dest = argv[++i];
        } else if (!strcmp(arg, "--print")) {
            a->print = 1;
        } else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            fputs(USAGE, stdout);
            return -1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "opendpu archgen: unknown option '%s'\n" USAGE, arg);
            return 2;
        } else if (a->arch_path) {
            fprintf(stderr, "opendpu archgen: more than one ARCH.yaml ('%s')\n" USAGE, arg);
            return 2;
        } else {
            a->arch_path = arg;
        }
    }
    if (!a->arch_path) {
        fprintf(stderr, "opendpu archgen: no ARCH.yaml given\n" USAGE);
        return 2;
    }
    /* Without outputs the useful thing is to validate and show the config. */
    if (!a->c_header && !a->verilog)
        a->print = 1;
    return 0;
}

typedef odpu_status (*arch_writer)(const odpu_arch *arch, FILE *out, odpu_err *err);

/* Permissions an ordinary create would give (mkstemp uses 0600). */
static mode_t create_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Fill the open temporary file fd (always closed here); messages name the final path. */
static odpu_status write_stream(int fd, const char *path, const odpu_arch *arch, arch_writer writer,
                                odpu_err *err)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        odpu_status st = odpu_fail(err, ODPU_E_IO, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return st;
    }
    odpu_status st = ODPU_OK;
    if (fchmod(fd, create_mode()))
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot set permissions: %s", path, strerror(errno));
    else if ((st = writer(arch, f, err)) != ODPU_OK)
        odpu_err_prefix(err, "%s: ", path);
    else if (fflush(f) || fsync(fd))
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", path, strerror(errno));
    if (fclose(f) && st == ODPU_OK)
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", path, strerror(errno));
    return st;
}

/* Write through a temporary file in the same directory and rename it into place, so a
 * reader (make, a concurrent build) never sees a half-written file. */
static odpu_status write_atomic(const char *path, const odpu_arch *arch, arch_writer writer,
                                odpu_err *err)
{
    size_t n = strlen(path) + sizeof ".tmp.XXXXXX";
    char *tmp = malloc(n);
    if (!tmp)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", path);
    snprintf(tmp, n, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        odpu_status st = odpu_fail(err, ODPU_E_IO, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return st;
    }
    odpu_status st = write_stream(fd, path, arch, writer, err);
    if (st == ODPU_OK && rename(tmp, path))
        st = odpu_fail(err, ODPU_E_IO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (st != ODPU_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

static void print_summary(const odpu_arch *a, const char *path)
{
    uint32_t macs = odpu_arch_macs(a);
    uint64_t ops = 2 * (uint64_t)macs;
    printf("arch         %s (%s)\n", a->name, path);
    printf("array        %u x %u = %u MACs, %llu ops/clock\n", a->rows, a->cols, macs,
           (unsigned long long)ops);
    printf("clock        %u MHz, peak %.1f GOPS\n", a->clock_mhz, (double)ops * a->clock_mhz / 1e3);
    for (int b = 0; b < ODPU_BUF_COUNT; b++) {
        const odpu_arch_buffer *buf = &a->buf[b];
        printf("%-12s %u KiB, %u banks, %u-byte words, %u words\n",
               odpu_buf_name((odpu_buf_id)b), buf->kib, buf->banks, buf->word_bytes,
               buf->depth_words);
    }
    printf("axi          %u-bit data\n", a->axi_data_bits);
    printf("ddr          %u bytes/cycle (%.2f GB/s at the clock), latency %u cycles\n",
           a->ddr_bytes_per_cycle, (double)a->ddr_bytes_per_cycle * a->clock_mhz / 1e3,
           a->ddr_latency_cycles);
    printf("queues       %u instructions, %u dependency tokens\n", a->insn_queue_depth,
           a->dep_queue_depth);
    printf("fingerprint  %016llx\n", (unsigned long long)a->fingerprint);
}

int cmd_archgen(int argc, char **argv)
{
    archgen_args args;
    int usage_status = parse_args(argc, argv, &args);
    if (usage_status)
        return usage_status < 0 ? 0 : usage_status;
    odpu_arch arch;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_arch_load(args.arch_path, &arch, &err);
    if (st == ODPU_OK && args.c_header)
        st = write_atomic(args.c_header, &arch, odpu_arch_write_c_header, &err);
    if (st == ODPU_OK && args.verilog)
        st = write_atomic(args.verilog, &arch, odpu_arch_write_verilog, &err);
    if (st != ODPU_OK) {
        fprintf(stderr, "opendpu archgen: %s\n", err.msg);
        return 1;
    }
    if (args.print)
        print_summary(&arch, args.arch_path);
    return 0;
}
