#include "driver/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <tuple>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace stackc {
namespace {

namespace fs = std::filesystem;

class DiskComparerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("stackc-output-test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string Put(const std::string& name, const std::string& contents, fs::perms perms = fs::perms(0644)) {
    fs::path path = directory_ / name;
    std::ofstream(path, std::ios::binary) << contents;
    fs::permissions(path, perms);
    return path.string();
  }

  fs::path directory_;
};

// Every way a file on disk can differ from the generated one, each in a
// build small enough to be compared at Finish and in one large enough
// (several batches) to be compared on the second thread.
TEST_F(DiskComparerTest, FindsCurrentStaleAndMissingFilesWithAndWithoutItsThread) {
  // Larger than the comparison buffer, so it is compared in pieces; the
  // stale copy differs only in its last byte.
  std::string large(100 * 1024 + 7, 'a');
  std::string large_changed = large;
  large_changed.back() = 'b';

  for (size_t filler : {size_t{0}, DiskComparer::kBatch * 3}) {
    SCOPED_TRACE(filler ? "on the thread" : "at Finish");
    std::vector<std::pair<std::string, MemorySink::File>> files;
    std::vector<FileState> expected;
    auto add = [&](std::string path, std::string contents, FileMode mode, FileState state) {
      files.emplace_back(std::move(path), MemorySink::File{std::move(contents), mode});
      expected.push_back(state);
    };
    add(Put("same", "x: 1\n"), "x: 1\n", FileMode::Regular, FileState::Current);
    add(Put("script", "echo\n", fs::perms(0755)), "echo\n", FileMode::Executable, FileState::Current);
    add(Put("large", large), large, FileMode::Regular, FileState::Current);
    add(Put("large-changed", large_changed), large, FileMode::Regular, FileState::Stale);
    add(Put("edited", "x: 2\n"), "x: 1\n", FileMode::Regular, FileState::Stale);
    add(Put("longer", "x: 1\nmore\n"), "x: 1\n", FileMode::Regular, FileState::Stale);
    add(Put("shorter", "x"), "x: 1\n", FileMode::Regular, FileState::Stale);
    add(Put("not-executable", "echo\n"), "echo\n", FileMode::Executable, FileState::Stale);
    add((directory_ / "absent").string(), "x: 1\n", FileMode::Regular, FileState::Missing);
    fs::create_directories(directory_ / "a-directory");
    add((directory_ / "a-directory").string(), "x: 1\n", FileMode::Regular, FileState::Missing);
    add(Put("empty", ""), "", FileMode::Regular, FileState::Current);
    for (size_t i = 0; i < filler; ++i) {
      std::string name = "filler-" + std::to_string(i);
      add(Put(name, name), name, FileMode::Regular, FileState::Current);
    }

    DiskComparer comparer;
    for (const auto& [path, file] : files) comparer.Add(path, path, file);
    auto checks = comparer.Finish();
    ASSERT_EQ(checks.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      const FileCheck& check = checks.at(&files[i].second);
      EXPECT_EQ(check.state, expected[i]) << files[i].first;
      EXPECT_EQ(check.hash, HashContents(files[i].second.contents)) << files[i].first;
      if (check.state == FileState::Current) {
        EXPECT_EQ(check.stamp, StampOf(files[i].first.c_str())) << files[i].first;
      }
    }
  }
}

// The cache file's own time decides which entries are trusted: those that
// changed before it was written.
class StatCacheTest : public DiskComparerTest {
 protected:
  // Writes `cache` and dates the file one second after the newest change,
  // so that every entry is older than it.
  void Save(const StatCache& cache, fs::file_time_type written) {
    std::string path = Put(std::string(StatCache::kFileName), cache.Render());
    fs::last_write_time(path, written);
  }
  StatCache CacheOf(const std::vector<std::pair<std::string, std::string>>& files) {
    StatCache cache;
    for (const auto& [name, contents] : files) {
      cache.entries[name] = {*StampOf((directory_ / name).c_str()), HashContents(contents)};
    }
    return cache;
  }
  fs::file_time_type Later() { return fs::file_time_type::clock::now() + std::chrono::seconds(1); }
};

TEST_F(StatCacheTest, ReadsBackWhatItRendersIncludingPathsWithSpaces) {
  Put("a.yaml", "a: 1\n");
  Put("with space.sh", "echo\n", fs::perms(0755));
  StatCache cache = CacheOf({{"a.yaml", "a: 1\n"}, {"with space.sh", "echo\n"}});
  Save(cache, Later());
  StatCache read = StatCache::Read(directory_);
  EXPECT_EQ(read.entries, cache.entries);
  EXPECT_FALSE(read.has_racy_entries());
  ASSERT_NE(read.Trusted("with space.sh"), nullptr);
  EXPECT_EQ(read.Trusted("with space.sh")->stamp.mode & 0777, 0755u);
  EXPECT_EQ(read.Trusted("absent"), nullptr);
  EXPECT_EQ(read.Render(), cache.Render());
}

TEST_F(StatCacheTest, DoesNotTrustEntriesAsRecentAsTheCacheItself) {
  Put("old.yaml", "a: 1\n");
  Put("new.yaml", "b: 1\n");
  StatCache cache = CacheOf({{"old.yaml", "a: 1\n"}, {"new.yaml", "b: 1\n"}});
  // The cache file is dated to the very nanosecond new.yaml changed, as if
  // both happened in one tick; old.yaml changed a microsecond before.
  uint64_t tick = cache.entries["new.yaml"].stamp.ctime_ns;
  cache.entries["old.yaml"].stamp.ctime_ns = tick - 1000;
  std::string path = Put(std::string(StatCache::kFileName), cache.Render());
  struct timespec times[2] = {{0, UTIME_OMIT},
                              {static_cast<time_t>(tick / 1000000000u), static_cast<long>(tick % 1000000000u)}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  StatCache read = StatCache::Read(directory_);
  EXPECT_TRUE(read.has_racy_entries());
  EXPECT_NE(read.Trusted("old.yaml"), nullptr);
  EXPECT_EQ(read.Trusted("new.yaml"), nullptr);
}

TEST_F(StatCacheTest, IgnoresAFileOfAnotherFormatAndTornLines) {
  Put(std::string(StatCache::kFileName), "something else\n");
  EXPECT_TRUE(StatCache::Read(directory_).entries.empty());
  Put("a.yaml", "a: 1\n");
  std::string text = CacheOf({{"a.yaml", "a: 1\n"}}).Render();
  Put(std::string(StatCache::kFileName), text + "0123 4567 not numbers\n" + text.substr(text.find('\n') + 1, 20));
  fs::last_write_time(directory_ / StatCache::kFileName, Later());
  StatCache read = StatCache::Read(directory_);
  EXPECT_EQ(read.entries.size(), 1u);
  EXPECT_NE(read.Trusted("a.yaml"), nullptr);
}

// A file whose stat matches its entry is judged by the hash alone: shown
// here by entries that lie about the contents, which a real cache never
// does. Any change to the file since (even one that keeps its size and
// modification time) sends it back to a full comparison.
TEST_F(StatCacheTest, ComparerTrustsUnchangedFilesAndReadsChangedOnes) {
  Put("same.yaml", "x: 1\n");
  Put("lied-current.yaml", "different\n");  // the size of what is generated
  Put("lied-stale.yaml", "x: 1\n");
  Put("edited.yaml", "x: 1\n");
  Put("chmodded.sh", "echo\n", fs::perms(0755));
  Put("deleted.yaml", "x: 1\n");
  StatCache cache = CacheOf({{"same.yaml", "x: 1\n"},
                             {"lied-current.yaml", "generated\n"},
                             {"lied-stale.yaml", "x: 2\n"},
                             {"edited.yaml", "x: 1\n"},
                             {"chmodded.sh", "echo\n"},
                             {"deleted.yaml", "x: 1\n"}});
  Save(cache, Later());
  StatCache read = StatCache::Read(directory_);
  ASSERT_EQ(read.entries.size(), 6u);

  // In place, same size, modification time put back: only ctime tells.
  fs::path edited = directory_ / "edited.yaml";
  auto modified = fs::last_write_time(edited);
  { std::fstream(edited, std::ios::in | std::ios::out | std::ios::binary).seekp(3) << '2'; }
  fs::last_write_time(edited, modified);
  fs::permissions(directory_ / "chmodded.sh", fs::perms(0644));
  fs::remove(directory_ / "deleted.yaml");

  std::vector<std::tuple<std::string, MemorySink::File, FileState>> files = {
      {"same.yaml", {"x: 1\n", FileMode::Regular}, FileState::Current},
      {"lied-current.yaml", {"generated\n", FileMode::Regular}, FileState::Current},
      {"lied-stale.yaml", {"x: 1\n", FileMode::Regular}, FileState::Stale},
      {"edited.yaml", {"x: 1\n", FileMode::Regular}, FileState::Stale},
      {"chmodded.sh", {"echo\n", FileMode::Executable}, FileState::Stale},
      {"deleted.yaml", {"x: 1\n", FileMode::Regular}, FileState::Missing},
  };
  DiskComparer comparer(&read);
  for (const auto& [name, file, state] : files) comparer.Add((directory_ / name).string(), name, file);
  auto checks = comparer.Finish();
  for (const auto& [name, file, state] : files) EXPECT_EQ(checks.at(&file).state, state) << name;
}

TEST(MemorySink, KeepsTheFirstOfTwoWritesToOnePathAndReportsTheSecond) {
  std::vector<std::string> seen;
  MemorySink sink([&](const std::string& path, const MemorySink::File& file) { seen.push_back(path + "=" + file.contents); });
  sink.Write("a.yaml", "first", FileMode::Regular);
  sink.Write("b.yaml", "other", FileMode::Regular);
  sink.Write("a.yaml", "second", FileMode::Regular);
  EXPECT_EQ(sink.files().at("a.yaml").contents, "first");
  EXPECT_EQ(sink.duplicates(), std::vector<std::string>{"a.yaml"});
  EXPECT_EQ(seen, (std::vector<std::string>{"a.yaml=first", "b.yaml=other"}));
}

}  // namespace
}  // namespace stackc
