// Golden tests: each folder of tests/golden is a stack (input.stack, or the
// repository path named in `source`), optional build arguments in `args`,
// the expected output tree in `expected/` and the expected diagnostics in
// `expected.stderr`. STACKC_UPDATE_GOLDEN=1 rewrites them; nothing else does.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "tests/cli/harness.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] = "STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -L cli -R Golden";

std::vector<std::string> GoldenCases() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "tests/golden")) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

struct Build {
  RunResult run;
  std::map<std::string, std::string> tree;
};

Build BuildCase(const fs::path& dir, const fs::path& out) {
  fs::path stack = dir / "input.stack";
  if (fs::exists(dir / "source")) {
    std::vector<std::string> source = ReadArgs(dir / "source");
    stack = SourceDir() / source.at(0);
  }
  std::vector<std::string> args = {"build", stack.filename().string(), "-o", out.string(), "--color=never"};
  std::vector<std::string> extra = ReadArgs(dir / "args");
  if (extra.empty()) extra = {"-t", "compose"};
  args.insert(args.end(), extra.begin(), extra.end());
  Build build;
  build.run = RunStackc(stack.parent_path(), args);
  build.tree = ReadTree(out);
  return build;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, OutputMatchesExpectedTree) {
  fs::path dir = SourceDir() / "tests/golden" / GetParam();
  TempDir temp;
  Build build = BuildCase(dir, temp.path() / "out");
  ASSERT_EQ(build.run.exit_code, 0) << build.run.err;

  if (UpdateGoldens()) {
    fs::remove_all(dir / "expected");
    for (const auto& [path, contents] : build.tree) WriteFile(dir / "expected" / path, contents);
    if (build.run.err.empty()) {
      fs::remove(dir / "expected.stderr");
    } else {
      WriteFile(dir / "expected.stderr", build.run.err);
    }
    GTEST_SKIP() << "rewrote the goldens of " << GetParam() << "; review them with git diff";
  }
  std::string differences = CompareTrees(ReadTree(dir / "expected"), build.tree);
  EXPECT_EQ(differences, "") << "the output of " << GetParam() << " differs from its golden tree.\n"
                             << "If the change is intended, regenerate and review the diff:\n  " << kRegenerate;
  std::string expected_err = fs::exists(dir / "expected.stderr") ? ReadFile(dir / "expected.stderr") : "";
  EXPECT_EQ(build.run.err, expected_err) << "diagnostics of " << GetParam() << " changed; regenerate with:\n  "
                                         << kRegenerate;
}

// Same input, same bytes: twice in a row and in another directory.
TEST_P(GoldenTest, OutputIsByteIdenticalAcrossRuns) {
  fs::path dir = SourceDir() / "tests/golden" / GetParam();
  TempDir first, second;
  Build a = BuildCase(dir, first.path() / "out");
  Build b = BuildCase(dir, second.path() / "elsewhere" / "out");
  ASSERT_EQ(a.run.exit_code, 0) << a.run.err;
  EXPECT_FALSE(a.tree.empty());
  EXPECT_EQ(CompareTrees(a.tree, b.tree), "");
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace stackc::testing
