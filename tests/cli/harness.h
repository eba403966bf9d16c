// Helpers for end-to-end tests: run the stackc binary, read and compare
// directory trees.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace stackc::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs stackc with `args` in `directory`; output is captured.
RunResult RunStackc(const std::filesystem::path& directory, const std::vector<std::string>& args);

/// Every regular file under `root`, by '/'-separated relative path, except
/// stackc's manifest.
std::map<std::string, std::string> ReadTree(const std::filesystem::path& root);

/// Human-readable differences ("" when equal): missing, extra and changed
/// files, with the first differing line of each changed file.
std::string CompareTrees(const std::map<std::string, std::string>& expected,
                         const std::map<std::string, std::string>& actual);

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& contents);
/// Whitespace-separated words of a file, or {} when it does not exist.
std::vector<std::string> ReadArgs(const std::filesystem::path& path);

/// A fresh empty directory, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

bool UpdateGoldens();
std::filesystem::path SourceDir();

}  // namespace stackc::testing
