#include <isa-l/igzip_lib.h>

/// Clears the upper halves of the vector registers (`vzeroupper`) where the processor has AVX;
/// does nothing elsewhere.
///
/// ISA-L's inflate (its AVX-512 code path) returns with them in use. The SHA-256 that hashes the
/// inflated bytes next is BoringSSL's SHA-NI code, encoded as legacy SSE, and it then ran about
/// 35% slower on AMD Zen 4 (perf, gzip copy of the 1 GB benchmark trace, two jobs: 1,737 samples
/// in SHA-256 on the reading thread, 1,277 with this call after each inflate). See
/// docs/formats.md, "Compressed input".
static inline void slac_clear_upper_vector_state(void) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx")) {
        __asm__ volatile("vzeroupper" ::: "memory");
    }
#endif
}
