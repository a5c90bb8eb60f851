#include "ckernels.h"
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>

int jm_crc32c_hardware_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_SSE4_2) != 0;
}

__attribute__((target("sse4.2")))
uint32_t jm_crc32c_hardware(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = ~crc;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = __builtin_ia32_crc32qi(c32, *p);
        p++;
        n--;
    }
    return ~c32;
}
#else
int jm_crc32c_hardware_available(void) { return 0; }
uint32_t jm_crc32c_hardware(uint32_t crc, const uint8_t *p, size_t n) { (void)p; (void)n; return crc; }
#endif
