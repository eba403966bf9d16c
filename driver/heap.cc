#include "driver/heap.h"

// Included first: <cstdlib> is what defines __GLIBC__ for the test below.
#include <cstdint>
#include <cstdlib>

#if !defined(STACKC_WITH_JEMALLOC) && defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#if defined(STACKC_WITH_JEMALLOC)
// A build allocates about 430 blocks per component and frees most of them
// in bulk; glibc spent a fifth of all instructions in malloc and free, most
// of it consolidating its bins, and jemalloc about a third of that. Its
// settings: memory comes in transparent huge pages (a page touched for the
// first time costs the kernel far more than any allocator's bookkeeping:
// without them 1000 components took 105 ms instead of 47, though the book
// example's peak is 10 MiB instead of 5),
// and freed memory is kept for reuse rather than given back to the kernel
// during a run that ends in a fraction of a second; and one arena for all
// threads, so that the backends running beside each other on a large stack
// both reuse the memory the syntax trees left (5000 components: 260 ms
// with an arena per thread, 244 ms with one). jemalloc reads them from
// this symbol when it starts.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "thp:always,dirty_decay_ms:-1,muzzy_decay_ms:-1,narenas:1";
}
#endif

namespace stackc {

// Without jemalloc (a build that is not static), glibc's heap: a build
// touches it once, as it grows: at 1000 components about 7000 page faults
// of 4 KiB, which cost as much system time as the compiler's own work took
// user time. Growing the heap in large steps, keeping it, and asking for
// transparent huge pages on it (where the kernel gives them on request)
// turns that into about a thousand. Memory is only reserved here; pages
// still come when they are first used, so small builds stay small.
void PrepareHeap() {
#if !defined(STACKC_WITH_JEMALLOC) && defined(__GLIBC__) && defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr size_t kHugePage = size_t{2} << 20;
  constexpr size_t kStep = size_t{256} << 20;
  mallopt(M_TOP_PAD, static_cast<int>(kStep));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(kStep));
  // Output files of large stacks are megabytes: keep them on the heap.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  auto start = reinterpret_cast<uintptr_t>(sbrk(0));
  void* volatile block = malloc(kHugePage);  // grows the heap by kStep
  free(block);
  auto end = reinterpret_cast<uintptr_t>(sbrk(0));
  uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (end > aligned) madvise(reinterpret_cast<void*>(aligned), end - aligned, MADV_HUGEPAGE);
#endif
}

}  // namespace stackc
