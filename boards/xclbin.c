/* xclbin.c - the board's xclbin (boards/boardgen.h): an axlf container as XRT defines it in
 * <xrt/xclbin.h> (libxrt-dev), holding the kernel's metadata and no bitstream. On the KV260
 * and ZCU104 the bitstream is loaded by the device-tree overlay (fpga-region), so XRT only needs
 * to know the compute unit: its arguments (EMBEDDED_METADATA, kernel.xml from isa/regs.def), its
 * control address and protocol (IP_LAYOUT), the memory it reaches (MEM_TOPOLOGY) and which
 * arguments point there (CONNECTIVITY). Written here because Debian 12's xclbinutil is a
 * wrapper without its program (docs/boards.md, "The xclbin"); the structs are XRT's own, so
 * no layout is typed twice. */
#include <stdlib.h>
#include <string.h>
#include <xrt/xclbin.h>

#include "boards/boardgen.h"
#include "common/text.h"
#include "isa/isagen.h"
#include "isa/regs.h"

enum {
    SECTION_COUNT = 4,
    SECTION_ALIGN = 8,    /* every section starts at a multiple of 8 bytes (xclbin.h) */
    AXLF_VERSION_MAJOR = 2, /* the xclbin format of XRT 2.13 */
    AXLF_VERSION_MINOR = 13,
    KIB = 1024,
};

/* The PS DDR's low window as every PS slave port sees it (UG1085, "System Addresses"):
 * 2 GiB from 0, which holds the CMA pool the u-dma-buf comes from. */
static const uint64_t DDR_LOW_BASE = 0;
static const uint64_t DDR_LOW_BYTES = 2ull << 30;

static const uint64_t FNV_OFFSET = 14695981039346656037ull;
static const uint64_t FNV_PRIME = 1099511628211ull;

/* Is argument NAME of kind KIND a pointer (connected to memory)? */
#define ARG_IS_PTR_PTR 1
#define ARG_IS_PTR_U64 0
#define ARG_IS_PTR_U32 0

typedef struct section {
    uint32_t kind;
    const char *name;
    const void *data;
    size_t size;
} section;

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

static size_t align_up(size_t x) { return (x + SECTION_ALIGN - 1) / SECTION_ALIGN * SECTION_ALIGN; }

/* A deterministic UUID: two FNV-1a hashes over everything the xclbin says, so the same inputs
 * give the same file and any change a new identity. */
static void make_uuid(const section *s, size_t n, unsigned char uuid[16])
{
    uint64_t a = FNV_OFFSET, b = FNV_OFFSET ^ FNV_PRIME;
    for (size_t i = 0; i < n; i++) {
        a = fnv1a(a, s[i].data, s[i].size);
        b = fnv1a(b, s[i].name, strlen(s[i].name));
        b = fnv1a(b, s[i].data, s[i].size);
    }
    memcpy(uuid, &a, sizeof a);
    memcpy(uuid + sizeof a, &b, sizeof b);
}

static odpu_status write_container(const odpu_board_gen *g, const section *s, size_t n, FILE *out, odpu_err *err)
{
    size_t header = sizeof(struct axlf) + (n - 1) * sizeof(struct axlf_section_header);
    struct axlf *top = calloc(1, header);
    if (!top)
        return odpu_fail(err, ODPU_E_NOMEM, "xclbin: out of memory");
    memcpy(top->m_magic, "xclbin2", sizeof "xclbin2");
    top->m_signature_length = -1;
    memset(top->reserved, 0xff, sizeof top->reserved);
    memset(top->m_keyBlock, 0xff, sizeof top->m_keyBlock);
    struct axlf_header *h = &top->m_header;
    h->m_versionMajor = AXLF_VERSION_MAJOR;
    h->m_versionMinor = AXLF_VERSION_MINOR;
    h->m_mode = XCLBIN_FLAT;
    /* vendor:board:name:version, each name cut to fit the 64-byte field */
    snprintf((char *)h->m_platformVBNV, sizeof h->m_platformVBNV, "opendpu:%.24s:%.24s:1.0", g->board->name,
             g->arch->name);
    make_uuid(s, n, h->uuid);
    memcpy(&top->m_uniqueId, h->uuid, sizeof top->m_uniqueId);
    h->m_numSections = (uint32_t)n;
    size_t offset = align_up(header);
    for (size_t i = 0; i < n; i++) {
        struct axlf_section_header *sh = &top->m_sections[i];
        sh->m_sectionKind = s[i].kind;
        snprintf(sh->m_sectionName, sizeof sh->m_sectionName, "%s", s[i].name);
        sh->m_sectionOffset = offset;
        sh->m_sectionSize = s[i].size;
        offset = align_up(offset + s[i].size);
    }
    h->m_length = offset;
    static const uint8_t zeros[SECTION_ALIGN];
    size_t at = header;
    fwrite(top, 1, header, out);
    for (size_t i = 0; i < n; i++) {
        fwrite(zeros, 1, top->m_sections[i].m_sectionOffset - at, out);
        fwrite(s[i].data, 1, s[i].size, out);
        at = top->m_sections[i].m_sectionOffset + s[i].size;
    }
    fwrite(zeros, 1, offset - at, out);
    free(top);
    return odpu_gen_status(out, "xclbin", err);
}

/* Copy the lines of kernel.xml that start (after indentation) with `tag`, without their
 * trailing comments; n counts them. */
static void copy_elements(const char *xml, const char *tag, const char *indent, FILE *out, int *n)
{
    size_t tag_len = strlen(tag);
    for (const char *line = xml; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *p = line;
        while (p < line + len && *p == ' ')
            p++;
        if ((size_t)(line + len - p) > tag_len && strncmp(p, tag, tag_len) == 0) {
            const char *close = strstr(p, ">");
            size_t keep = close && close < line + len ? (size_t)(close - p) + 1 : (size_t)(line + len - p);
            fprintf(out, "%s%.*s\n", indent, (int)keep, p);
            (*n)++;
        }
        line = end ? end + 1 : line + len;
    }
}

/* The metadata as XRT reads it from an xclbin (project > platform > device > core > kernel,
 * with the ports, the arguments and the instance directly under the kernel), made from
 * kernel.xml's own elements so that the argument offsets are regs.def's. */
static odpu_status write_metadata(const odpu_board_gen *g, const char *xml, char **text, size_t *len, odpu_err *err)
{
    FILE *out = open_memstream(text, len);
    if (!out)
        return odpu_fail(err, ODPU_E_NOMEM, "xclbin metadata: out of memory");
    int kernels = 0, ports = 0, args = 0;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!-- The %s kernel of %s for XRT, made by tools/odpu_board from kernel.xml. -->\n"
            "<project name=\"%s\">\n"
            "  <platform vendor=\"opendpu\" boardid=\"%s\" name=\"%s\" featureRomTime=\"0\">\n"
            "    <version major=\"1\" minor=\"0\"/>\n"
            "    <device name=\"fpga0\" fpgaDevice=\"%s\" addrWidth=\"0\">\n"
            "      <core name=\"OCL_REGION_0\" target=\"hw\" type=\"clc_region\" clockFreq=\"%uMHz\" "
            "numComputeUnits=\"1\">\n",
            ODPU_KERNEL_NAME, g->app, g->app, g->board->name, g->app, g->board->part, g->arch->clock_mhz);
    copy_elements(xml, "<kernel ", "        ", out, &kernels);
    copy_elements(xml, "<port ", "          ", out, &ports);
    copy_elements(xml, "<arg ", "          ", out, &args);
    fprintf(out,
            "          <instance name=\"%s_1\">\n"
            "            <addrRemap base=\"0x%llx\" range=\"0x%llx\" port=\"%s\"/>\n"
            "          </instance>\n"
            "        </kernel>\n      </core>\n    </device>\n  </platform>\n</project>\n",
            ODPU_KERNEL_NAME, (unsigned long long)g->board->control_base, (unsigned long long)g->board->control_size,
            ODPU_KERNEL_CONTROL_PORT);
    odpu_status st = ODPU_OK;
    if (fclose(out) != 0)
        st = odpu_fail(err, ODPU_E_NOMEM, "xclbin metadata: out of memory");
    else if (kernels != 1 || ports != 2 || args != ODPU_ARG_COUNT)
        st = odpu_fail(err, ODPU_E_FORMAT,
                       "kernel.xml: found %d kernel, %d port and %d arg elements, expected 1, 2 and %d (regenerate it "
                       "with make gen)",
                       kernels, ports, args, ODPU_ARG_COUNT);
    if (st != ODPU_OK) {
        free(*text);
        *text = NULL;
    }
    return st;
}

odpu_status odpu_board_write_xclbin(const odpu_board_gen *g, const char *kernel_xml, FILE *out,
                                    odpu_err *err)
{
    struct ip_layout ips = {.m_count = 1};
    struct ip_data *ip = &ips.m_ip_data[0];
    ip->m_type = IP_KERNEL;
    ip->properties = IP_INT_ENABLE_MASK | ((uint32_t)AP_CTRL_HS << IP_CONTROL_SHIFT); /* interrupt id 0 */
    ip->m_base_address = g->board->control_base;
    snprintf((char *)ip->m_name, sizeof ip->m_name, "%s:%s_1", ODPU_KERNEL_NAME, ODPU_KERNEL_NAME);

    struct mem_topology mem = {.m_count = 1};
    struct mem_data *bank = &mem.m_mem_data[0];
    bank->m_type = MEM_DDR4;
    bank->m_used = 1;
    bank->m_size = DDR_LOW_BYTES / KIB;
    bank->m_base_address = DDR_LOW_BASE;
    snprintf((char *)bank->m_tag, sizeof bank->m_tag, "%s", g->board->memory_port == ODPU_BOARD_PORT_HPC0 ? "HPC0" : "HP0");

    /* One connection per pointer argument, all to bank 0. */
    enum {
#define X_COUNT(NAME, dir, kind, desc) +ARG_IS_PTR_##kind
        PTR_ARGS = 0 ODPU_ARGS(X_COUNT)
#undef X_COUNT
    };
    _Static_assert(PTR_ARGS >= 1, "the engine has pointer arguments");
    size_t conn_size = sizeof(struct connectivity) + (PTR_ARGS - 1) * sizeof(struct connection);
    struct connectivity *conn = calloc(1, conn_size);
    if (!conn)
        return odpu_fail(err, ODPU_E_NOMEM, "xclbin: out of memory");
#define X_CONNECT(NAME, dir, kind, desc)                                                        \
    if (ARG_IS_PTR_##kind)                                                                      \
        conn->m_connection[conn->m_count++] = (struct connection){ODPU_ARG_##NAME, 0, 0};
    ODPU_ARGS(X_CONNECT)
#undef X_CONNECT

    char *meta = NULL;
    size_t meta_len = 0;
    odpu_status st = write_metadata(g, kernel_xml, &meta, &meta_len, err);
    if (st != ODPU_OK) {
        free(conn);
        return st;
    }
    const section s[SECTION_COUNT] = {
        {EMBEDDED_METADATA, "metadata", meta, meta_len},
        {MEM_TOPOLOGY, "mem_topology", &mem, sizeof mem},
        {IP_LAYOUT, "ip_layout", &ips, sizeof ips},
        {CONNECTIVITY, "connectivity", conn, conn_size},
    };
    st = write_container(g, s, SECTION_COUNT, out, err);
    free(meta);
    free(conn);
    return st;
}
