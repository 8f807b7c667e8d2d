/* bytes.h - little-endian load/store and CRC-32 for the binary formats (model file, ISA).
 * Explicit byte order so files and instruction words never depend on the host's struct layout. */
#ifndef ODPU_COMMON_BYTES_H
#define ODPU_COMMON_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t odpu_rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t odpu_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t odpu_rd64(const uint8_t *p)
{
    return (uint64_t)odpu_rd32(p) | ((uint64_t)odpu_rd32(p + 4) << 32);
}
static inline void odpu_wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void odpu_wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void odpu_wr64(uint8_t *p, uint64_t v)
{
    odpu_wr32(p, (uint32_t)v);
    odpu_wr32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-32 (IEEE 802.3 polynomial, reflected, as used by zlib/PNG). Chainable:
 * crc = odpu_crc32(0, a, n); crc = odpu_crc32(crc, b, m); */
uint32_t odpu_crc32(uint32_t crc, const void *data, size_t len);

/* 64-bit FNV-1a, used for the arch fingerprint. Chainable from ODPU_FNV64_INIT. */
#define ODPU_FNV64_INIT 0xcbf29ce484222325ULL
uint64_t odpu_fnv64(uint64_t hash, const void *data, size_t len);

#endif
