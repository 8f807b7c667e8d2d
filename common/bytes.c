/* bytes.c - CRC-32 and FNV-1a (see bytes.h). */
#include "common/bytes.h"

enum { CRC32_POLY_REFLECTED = 0xEDB88320u };
#define FNV64_PRIME 0x100000001b3ULL

uint32_t odpu_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    crc = ~crc;
    /* Bitwise: the model file is checked once at load, so a table buys nothing worth its code. */
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (CRC32_POLY_REFLECTED & (0u - (crc & 1u)));
    }
    return ~crc;
}

uint64_t odpu_fnv64(uint64_t hash, const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        hash ^= p[i];
        hash *= FNV64_PRIME;
    }
    return hash;
}
