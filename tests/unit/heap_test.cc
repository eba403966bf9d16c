#include "driver/heap.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#if defined(STACKC_WITH_JEMALLOC)
// Declared here rather than through <jemalloc/jemalloc.h>, whose own
// declarations of malloc and free would clash with the C library's.
extern "C" int mallctl(const char* name, void* old_value, size_t* old_length, void* new_value, size_t new_length);
#endif

namespace stackc {
namespace {

#if defined(STACKC_WITH_JEMALLOC)
template <typename T>
T ReadSetting(const char* name) {
  T value{};
  size_t length = sizeof value;
  EXPECT_EQ(mallctl(name, &value, &length, nullptr, 0), 0) << name;
  return value;
}

// The executables linked with the heap library get jemalloc's malloc, not
// glibc's: a link that let the C library define malloc first would still
// have compiled, run every test and been slower.
TEST(Heap, MallocIsJemallocs) {
  auto before = ReadSetting<uint64_t>("thread.allocated");
  void* volatile block = malloc(size_t{1} << 20);
  auto after = ReadSetting<uint64_t>("thread.allocated");
  free(block);
  EXPECT_GE(after - before, uint64_t{1} << 20);
}

TEST(Heap, JemallocRunsWithTheSettingsOfHeapCc) {
  EXPECT_EQ(std::string(ReadSetting<const char*>("opt.thp")), "always");
  EXPECT_EQ(ReadSetting<ssize_t>("opt.dirty_decay_ms"), -1);
  EXPECT_EQ(ReadSetting<ssize_t>("opt.muzzy_decay_ms"), -1);
  EXPECT_EQ(ReadSetting<unsigned>("opt.narenas"), 1u);
}
#else
// PrepareHeap only acts where it sees glibc; a build that quietly skipped it
// ran twice as slow on the benchmark machine (7960 page faults at 1000
// components instead of 870) while every other test passed.
TEST(Heap, PrepareHeapGrowsTheHeapInLargeSteps) {
#if defined(__GLIBC__) && defined(__linux__)
  auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  PrepareHeap();
  auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  EXPECT_GE(after - before, uintptr_t{128} << 20);
#else
  GTEST_SKIP() << "the heap is only prepared with glibc on Linux";
#endif
}
#endif

}  // namespace
}  // namespace stackc
