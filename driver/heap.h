// How the process's heap grows; the stackc binary and the benchmark call it
// first thing, so that they measure the same allocator.
#pragma once

namespace stackc {

/// Grows the heap in large steps with transparent huge pages and keeps it
/// (see heap.cc for why). Call once, before anything large is allocated.
void PrepareHeap();

}  // namespace stackc
