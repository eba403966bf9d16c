#include "driver/output.h"

#include <sys/stat.h>
#include <unistd.h>

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
    for (const auto& [path, file] : files) comparer.Add(path, file);
    auto states = comparer.Finish();
    ASSERT_EQ(states.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      EXPECT_EQ(states.at(&files[i].second), expected[i]) << files[i].first;
    }
  }
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
