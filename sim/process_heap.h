#pragma once
// The process's allocator, told to keep what a run frees for the next run.
//
// A run allocates its logs, journals, histories and checker tables up front (tens of MB for a long
// one) and frees them at its end. glibc serves blocks above its mmap threshold with fresh mappings
// and gives the top of the heap back to the kernel above its trim threshold, so every run in a
// long-lived process (a sweep worker, a benchmark loop) faulted all of that memory in again, page
// by page, zeroed by the kernel: a quarter of the fault-free benchmark run's time was page faults
// (perf stat: 8,900 faults a run, sys 24 % of CPU). Keeping freed memory in the heap makes the
// second run reuse the first one's pages.
//
// Called once, by a program's main, before any run: it changes how memory is obtained, never what
// a run computes (no output may depend on an address; DESIGN.md, Determinism rules). Outside glibc
// it does nothing.

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace vsrsim::sim {

inline void RetainFreedHeap() {
#if defined(__GLIBC__)
  // The largest mmap threshold glibc accepts on 64-bit (32 MiB): every block of a run below it
  // comes from the heap. Setting it also stops glibc from adapting it.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  // Never give the heap's free top back to the kernel: the next run needs it again.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace vsrsim::sim
