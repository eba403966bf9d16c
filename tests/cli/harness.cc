#include "tests/cli/harness.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace stackc::testing {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& contents) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

std::vector<std::string> ReadArgs(const fs::path& path) {
  std::vector<std::string> args;
  if (!fs::exists(path)) return args;
  std::istringstream words(ReadFile(path));
  for (std::string word; words >> word;) args.push_back(word);
  return args;
}

RunResult RunStackc(const fs::path& directory, const std::vector<std::string>& args) {
  TempDir capture;
  fs::path out = capture.path() / "out", err = capture.path() / "err";
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(directory.c_str()) != 0) _exit(127);
    FILE* o = freopen(out.c_str(), "w", stdout);
    FILE* e = freopen(err.c_str(), "w", stderr);
    if (!o || !e) _exit(127);
    std::vector<char*> argv;
    std::string binary = STACKC_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  return result;
}

std::map<std::string, std::string> ReadTree(const fs::path& root) {
  std::map<std::string, std::string> files;
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    // The manifest and the stat cache are bookkeeping of the output
    // directory, not output.
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name != ".stackc-manifest" && name != ".stackc-cache") {
      files[fs::relative(entry.path(), root).generic_string()] = ReadFile(entry.path());
    }
  }
  return files;
}

std::string CompareTrees(const std::map<std::string, std::string>& expected,
                         const std::map<std::string, std::string>& actual) {
  std::string report;
  for (const auto& [path, contents] : expected) {
    auto it = actual.find(path);
    if (it == actual.end()) {
      report += "missing: " + path + "\n";
      continue;
    }
    if (it->second == contents) continue;
    std::istringstream a(contents), b(it->second);
    std::string la, lb;
    int line = 1;
    while (true) {
      bool ha = static_cast<bool>(std::getline(a, la)), hb = static_cast<bool>(std::getline(b, lb));
      if (!ha && !hb) break;
      if (!ha || !hb || la != lb) {
        report += "changed: " + path + " at line " + std::to_string(line) + "\n  expected: " +
                  (ha ? la : "<end of file>") + "\n  actual:   " + (hb ? lb : "<end of file>") + "\n";
        break;
      }
      ++line;
    }
  }
  for (const auto& [path, contents] : actual) {
    if (!expected.count(path)) report += "extra: " + path + "\n";
  }
  return report;
}

TempDir::TempDir() {
  std::random_device random;
  path_ = fs::temp_directory_path() / ("stackc-test-" + std::to_string(getpid()) + "-" + std::to_string(random()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

bool UpdateGoldens() {
  const char* value = std::getenv("STACKC_UPDATE_GOLDEN");
  return value && std::string(value) == "1";
}

fs::path SourceDir() { return STACKC_SOURCE_DIR; }

}  // namespace stackc::testing
