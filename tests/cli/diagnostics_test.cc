// Diagnostic tests: tests/diagnostics/fail_NAME.stack must fail and
// warn_NAME.stack must succeed, each printing exactly NAME.stderr. An
// optional NAME.args holds the command line (default "check"); the stack
// file goes after its first word and @OUT@ stands for a fresh directory.
// A word containing @STACK@ places the stack file there instead, so that a
// case can name a file that does not exist, e.g. "check missing/@STACK@".
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "tests/cli/harness.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] = "STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -L cli -R Diagnostic";

fs::path DiagnosticsDir() { return SourceDir() / "tests/diagnostics"; }

std::vector<std::string> DiagnosticCases() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(DiagnosticsDir())) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".stack" && (name.starts_with("fail_") || name.starts_with("warn_"))) {
      cases.push_back(entry.path().stem().string());
    }
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class DiagnosticTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiagnosticTest, PrintsExactlyTheExpectedDiagnostics) {
  const std::string& name = GetParam();
  TempDir out;
  std::vector<std::string> args = ReadArgs(DiagnosticsDir() / (name + ".args"));
  if (args.empty()) args = {"check"};
  bool placed = false;
  for (std::string& arg : args) {
    for (size_t at = arg.find("@STACK@"); at != std::string::npos; at = arg.find("@STACK@")) {
      arg.replace(at, std::string_view("@STACK@").size(), name + ".stack");
      placed = true;
    }
  }
  if (!placed) args.insert(args.begin() + 1, name + ".stack");
  for (std::string& arg : args) {
    if (arg == "@OUT@") arg = out.path().string();
  }
  args.push_back("--color=never");
  RunResult run = RunStackc(DiagnosticsDir(), args);

  if (name.starts_with("fail_")) {
    EXPECT_NE(run.exit_code, 0) << "fail_ cases must fail";
  } else {
    EXPECT_EQ(run.exit_code, 0) << "warn_ cases must succeed";
  }
  EXPECT_NE(run.exit_code, -1) << "stackc crashed";
  fs::path expected = DiagnosticsDir() / (name + ".stderr");
  if (UpdateGoldens()) {
    WriteFile(expected, run.err);
    GTEST_SKIP() << "rewrote " << expected.filename();
  }
  ASSERT_TRUE(fs::exists(expected)) << "missing " << expected.filename() << "; create it with:\n  " << kRegenerate;
  EXPECT_EQ(run.err, ReadFile(expected)) << "regenerate with:\n  " << kRegenerate;
}

INSTANTIATE_TEST_SUITE_P(Cases, DiagnosticTest, ::testing::ValuesIn(DiagnosticCases()),
                         [](const auto& param_info) { return param_info.param; });

// Every code in the registry must be exercised by some pinned diagnostic.
TEST(DiagnosticCoverage, EveryDiagnosticCodeIsTested) {
  std::string registry = ReadFile(SourceDir() / "frontend/diag/diagnostic_kinds.def");
  // Entries start a line; the format comment at the top of the file does not.
  std::regex entry(R"((?:^|\n)STACKC_DIAG\((\w+),)");
  std::set<std::string> codes;
  for (auto it = std::sregex_iterator(registry.begin(), registry.end(), entry); it != std::sregex_iterator(); ++it) {
    codes.insert((*it)[1]);
  }
  ASSERT_GT(codes.size(), 20u);
  std::string all;
  for (const auto& file : fs::directory_iterator(DiagnosticsDir())) {
    if (file.path().extension() == ".stderr") all += ReadFile(file.path());
  }
  std::vector<std::string> untested;
  for (const std::string& code : codes) {
    if (all.find("[" + code + "]") == std::string::npos) untested.push_back(code);
  }
  EXPECT_TRUE(untested.empty()) << "diagnostic codes no test exercises: " << ::testing::PrintToString(untested);
}

}  // namespace
}  // namespace stackc::testing
