/* xclbin_read.c - reads a board xclbin back for tests/test_board_files.sh: first through XRT's
 * own parser (libxrt_coreutil's xrtXclbinAllocFilename, which also parses the kernel XML), then
 * section by section with the structs of <xrt/xclbin.h>, printing one line per fact:
 *   xrt kernels=N cus=N xsa=NAME
 *   ip NAME base=0x... control=ap_ctrl_hs interrupt=1
 *   mem TAG type=N used=N base=0x... size_kb=N
 *   conn arg=N ip=N mem=N
 * and writing the EMBEDDED_METADATA section to METADATA_OUT.
 * usage: xclbin_read FILE.xclbin METADATA_OUT */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xrt/experimental/xrt_xclbin.h>
#include <xrt/xclbin.h>

#include "common/err.h"
#include "common/file.h"

enum { XCLBIN_MAX = 1 << 24, NAME_MAX_LEN = 256 };

static int read_with_xrt(const char *path)
{
    xrtXclbinHandle h = xrtXclbinAllocFilename(path);
    if (!h) {
        fprintf(stderr, "%s: XRT cannot parse it\n", path);
        return 1;
    }
    char xsa[NAME_MAX_LEN] = "";
    int len = 0;
    int bad = xrtXclbinGetXSAName(h, xsa, (int)sizeof xsa, &len) != 0;
    printf("xrt kernels=%zu cus=%zu xsa=%s\n", xrtXclbinGetNumKernels(h), xrtXclbinGetNumKernelComputeUnits(h), xsa);
    xrtXclbinFreeHandle(h);
    return bad;
}

/* The section of a kind, bounds-checked against the file; NULL if absent or out of bounds. */
static const uint8_t *find_section(const uint8_t *data, size_t size, uint32_t kind, uint64_t *len)
{
    const struct axlf *top = (const struct axlf *)data;
    size_t headers = sizeof(struct axlf) + (top->m_header.m_numSections - 1) * sizeof(struct axlf_section_header);
    if (top->m_header.m_numSections == 0 || headers > size)
        return NULL;
    for (uint32_t i = 0; i < top->m_header.m_numSections; i++) {
        const struct axlf_section_header *s = &top->m_sections[i];
        if (s->m_sectionKind != kind)
            continue;
        if (s->m_sectionOffset > size || s->m_sectionSize > size - s->m_sectionOffset)
            return NULL;
        *len = s->m_sectionSize;
        return data + s->m_sectionOffset;
    }
    return NULL;
}

static int print_sections(const uint8_t *data, size_t size, const char *meta_out)
{
    uint64_t len = 0;
    const uint8_t *p;
    if (size < sizeof(struct axlf) || memcmp(data, "xclbin2", sizeof "xclbin2") != 0) {
        fprintf(stderr, "not an xclbin2 file\n");
        return 1;
    }
    if (!(p = find_section(data, size, EMBEDDED_METADATA, &len))) {
        fprintf(stderr, "no EMBEDDED_METADATA section\n");
        return 1;
    }
    FILE *f = fopen(meta_out, "wb");
    if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "%s: cannot write\n", meta_out);
        return 1;
    }
    uint64_t ips_len = 0, mem_len = 0, conn_len = 0;
    const struct ip_layout *ips = (const void *)find_section(data, size, IP_LAYOUT, &ips_len);
    const struct mem_topology *mem = (const void *)find_section(data, size, MEM_TOPOLOGY, &mem_len);
    const struct connectivity *conn = (const void *)find_section(data, size, CONNECTIVITY, &conn_len);
    if (!ips || !mem || !conn) {
        fprintf(stderr, "IP_LAYOUT, MEM_TOPOLOGY or CONNECTIVITY missing\n");
        return 1;
    }
    /* Each section is a count and that many records; the count must fit the section. */
    if (ips->m_count < 0 || offsetof(struct ip_layout, m_ip_data) + (uint64_t)ips->m_count * sizeof(struct ip_data) > ips_len ||
        mem->m_count < 0 || offsetof(struct mem_topology, m_mem_data) + (uint64_t)mem->m_count * sizeof(struct mem_data) > mem_len ||
        conn->m_count < 0 ||
        offsetof(struct connectivity, m_connection) + (uint64_t)conn->m_count * sizeof(struct connection) > conn_len) {
        fprintf(stderr, "a section's count exceeds its size\n");
        return 1;
    }
    for (int i = 0; i < ips->m_count; i++) {
        const struct ip_data *d = &ips->m_ip_data[i];
        unsigned control = (d->properties & IP_CONTROL_MASK) >> IP_CONTROL_SHIFT;
        printf("ip %.64s base=0x%llx control=%s interrupt=%u\n", (const char *)d->m_name,
               (unsigned long long)d->m_base_address, control == AP_CTRL_HS ? "ap_ctrl_hs" : "other",
               d->properties & IP_INT_ENABLE_MASK);
    }
    for (int i = 0; i < mem->m_count; i++) {
        const struct mem_data *m = &mem->m_mem_data[i];
        printf("mem %.16s type=%u used=%u base=0x%llx size_kb=%llu\n", (const char *)m->m_tag, m->m_type, m->m_used,
               (unsigned long long)m->m_base_address, (unsigned long long)m->m_size);
    }
    for (int i = 0; i < conn->m_count; i++)
        printf("conn arg=%d ip=%d mem=%d\n", conn->m_connection[i].arg_index, conn->m_connection[i].m_ip_layout_index,
               conn->m_connection[i].mem_data_index);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: xclbin_read FILE.xclbin METADATA_OUT\n");
        return 2;
    }
    uint8_t *data = NULL;
    size_t size = 0;
    odpu_err err;
    if (odpu_read_file(argv[1], XCLBIN_MAX, &data, &size, &err) != ODPU_OK) {
        fprintf(stderr, "xclbin_read: %s\n", err.msg);
        return 1;
    }
    int bad = read_with_xrt(argv[1]);
    bad |= print_sections(data, size, argv[2]);
    free(data);
    return bad;
}
