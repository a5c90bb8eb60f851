#ifndef CKERNELS_H
#define CKERNELS_H
// Small C kernels used only by JobMatchKernels (which wraps them safely).
#include <stddef.h>
#include <stdint.h>

/// 1 when the CPU has a CRC-32C instruction (x86-64 SSE4.2), else 0.
int jm_crc32c_hardware_available(void);

/// CRC-32C of n bytes at p continuing from crc (the finished value of the preceding bytes),
/// with the CPU's instruction. Only call when jm_crc32c_hardware_available() returns 1.
uint32_t jm_crc32c_hardware(uint32_t crc, const uint8_t *p, size_t n);

/// Hands the C allocator's free pages back to the system (glibc's malloc_trim(0)); 1 when
/// memory was released, 0 otherwise (and always 0 without glibc).
int jm_release_free_pages(void);

/// 1 when the CPU has AVX2 and the OS saves its registers (x86-64), else 0.
int jm_avx2_available(void);

/// out[j] = min(out[j], table[rows[r] * width + j]) for every r < count and j < width, with AVX2.
/// Every rows[r] must be a row of the table; out holds width values. Only call when
/// jm_avx2_available() returns 1.
void jm_row_min_u32_avx2(const uint32_t *table, size_t width, const uint32_t *rows, size_t count, uint32_t *out);

/// snprintf(out, size, "%.9g", x): called from C, so the caller builds no va_list (Swift's
/// withVaList boxes each argument and casts it at run time).
int jm_format_g9(double x, char *out, size_t size);
#endif
