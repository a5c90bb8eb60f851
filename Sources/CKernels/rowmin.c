#include "ckernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int jm_avx2_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    // the OS saves the YMM registers (OSXSAVE, then XCR0 bits 1 and 2) and the CPU has AVX
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & bit_AVX2) != 0;
}

__attribute__((target("avx2")))
void jm_row_min_u32_avx2(const uint32_t *table, size_t width, const uint32_t *rows, size_t count, uint32_t *out) {
    size_t j = 0;
    // 64 columns at a time in eight registers: one pass over the rows per 64 columns
    for (; j + 64 <= width; j += 64) {
        __m256i m0 = _mm256_loadu_si256((const __m256i *)(out + j));
        __m256i m1 = _mm256_loadu_si256((const __m256i *)(out + j + 8));
        __m256i m2 = _mm256_loadu_si256((const __m256i *)(out + j + 16));
        __m256i m3 = _mm256_loadu_si256((const __m256i *)(out + j + 24));
        __m256i m4 = _mm256_loadu_si256((const __m256i *)(out + j + 32));
        __m256i m5 = _mm256_loadu_si256((const __m256i *)(out + j + 40));
        __m256i m6 = _mm256_loadu_si256((const __m256i *)(out + j + 48));
        __m256i m7 = _mm256_loadu_si256((const __m256i *)(out + j + 56));
        for (size_t r = 0; r < count; r++) {
            const uint32_t *p = table + (size_t)rows[r] * width + j;
            m0 = _mm256_min_epu32(m0, _mm256_loadu_si256((const __m256i *)p));
            m1 = _mm256_min_epu32(m1, _mm256_loadu_si256((const __m256i *)(p + 8)));
            m2 = _mm256_min_epu32(m2, _mm256_loadu_si256((const __m256i *)(p + 16)));
            m3 = _mm256_min_epu32(m3, _mm256_loadu_si256((const __m256i *)(p + 24)));
            m4 = _mm256_min_epu32(m4, _mm256_loadu_si256((const __m256i *)(p + 32)));
            m5 = _mm256_min_epu32(m5, _mm256_loadu_si256((const __m256i *)(p + 40)));
            m6 = _mm256_min_epu32(m6, _mm256_loadu_si256((const __m256i *)(p + 48)));
            m7 = _mm256_min_epu32(m7, _mm256_loadu_si256((const __m256i *)(p + 56)));
        }
        _mm256_storeu_si256((__m256i *)(out + j), m0);
        _mm256_storeu_si256((__m256i *)(out + j + 8), m1);
        _mm256_storeu_si256((__m256i *)(out + j + 16), m2);
        _mm256_storeu_si256((__m256i *)(out + j + 24), m3);
        _mm256_storeu_si256((__m256i *)(out + j + 32), m4);
        _mm256_storeu_si256((__m256i *)(out + j + 40), m5);
        _mm256_storeu_si256((__m256i *)(out + j + 48), m6);
        _mm256_storeu_si256((__m256i *)(out + j + 56), m7);
    }
    for (; j + 8 <= width; j += 8) {
        __m256i m = _mm256_loadu_si256((const __m256i *)(out + j));
        for (size_t r = 0; r < count; r++) {
            m = _mm256_min_epu32(m, _mm256_loadu_si256((const __m256i *)(table + (size_t)rows[r] * width + j)));
        }
        _mm256_storeu_si256((__m256i *)(out + j), m);
    }
    for (; j < width; j++) {
        uint32_t m = out[j];
        for (size_t r = 0; r < count; r++) {
            uint32_t v = table[(size_t)rows[r] * width + j];
            if (v < m) m = v;
        }
        out[j] = m;
    }
}
#else
int jm_avx2_available(void) { return 0; }
void jm_row_min_u32_avx2(const uint32_t *table, size_t width, const uint32_t *rows, size_t count, uint32_t *out) {
    (void)table; (void)width; (void)rows; (void)count; (void)out;
}
#endif
