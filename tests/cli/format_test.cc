// `stackc fmt`: golden layouts (tests/format/NAME.stack formats to
// NAME.formatted; STACKC_UPDATE_GOLDEN=1 rewrites those), idempotence and
// token preservation over every stack file of the repository, and the
// command line (rewriting, leaving formatted files alone, --check).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "tests/cli/harness.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] = "STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -L cli -R Format";

// The tokens of a stack file as written, found independently of the lexer:
// comments (without their trailing blanks) count, whitespace and commas do
// not (commas are optional separators the formatter may add or drop).
std::vector<std::string> Tokens(const std::string& text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  const size_t n = text.size();
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (i < n) {
    char c = text[i];
    if (is_space(c) || c == ',') {
      ++i;
    } else if (c == '#') {
      size_t end = std::min(text.find('\n', i), n);
      std::string comment = text.substr(i, end - i);
      while (!comment.empty() && is_space(comment.back())) comment.pop_back();
      tokens.push_back(comment);
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      while (j < n && text[j] != '"' && text[j] != '\n') j += text[j] == '\\' ? 2 : 1;
      tokens.push_back(text.substr(i, j + 1 - i));
      i = j + 1;
    } else if (std::strchr("{}[]()=.:", c)) {
      tokens.emplace_back(1, c);
      ++i;
    } else {
      // A word; a number keeps its '.' (0.5, 1.5Gi).
      bool number = std::isdigit(static_cast<unsigned char>(c)) || c == '-';
      size_t j = i;
      while (j < n && !is_space(text[j]) && !std::strchr("{}[]():=,#\"", text[j]) && (number || text[j] != '.')) ++j;
      tokens.push_back(text.substr(i, j - i));
      i = j;
    }
  }
  return tokens;
}

std::string Joined(const std::vector<std::string>& tokens) {
  std::string text;
  for (const std::string& t : tokens) text += t + "\n";
  return text;
}

// Formats `path` (relative to the source directory) through the binary.
RunResult FormatToStdout(const fs::path& path) { return RunStackc(SourceDir(), {"fmt", "--stdout", path.string()}); }

TEST(Format, Goldens) {
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(SourceDir() / "tests/format")) {
    if (entry.path().extension() == ".stack") inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  ASSERT_GE(inputs.size(), 3u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    fs::path relative = fs::relative(input, SourceDir());
    RunResult result = FormatToStdout(relative);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    fs::path golden = input;
    golden.replace_extension(".formatted");
    if (UpdateGoldens()) {
      WriteFile(golden, result.out);
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << "missing " << golden.filename() << "; create it with " << kRegenerate;
    EXPECT_EQ(result.out, ReadFile(golden)) << "the layout differs; if intended, regenerate with " << kRegenerate;
    EXPECT_EQ(Tokens(ReadFile(input)), Tokens(result.out));
    // The golden is itself in the canonical layout.
    TempDir dir;
    WriteFile(dir.path() / "g.stack", result.out);
    RunResult check = RunStackc(dir.path(), {"fmt", "--check", "g.stack"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }
}

// Every stack file in the repository: the ones that parse format to a fixed
// point with the same tokens; the others are refused with a syntax error.
TEST(Format, IdempotentOnEveryStackFileOfTheRepository) {
  std::vector<fs::path> files;
  for (const char* root : {"examples", "stdlib", "tests"}) {
    for (const auto& entry : fs::recursive_directory_iterator(SourceDir() / root)) {
      if (entry.is_regular_file() && entry.path().extension() == ".stack") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  size_t formatted = 0;
  size_t refused = 0;
  TempDir dir;
  for (const fs::path& file : files) {
    fs::path relative = fs::relative(file, SourceDir());
    SCOPED_TRACE(relative.string());
    std::string original = ReadFile(file);
    RunResult first = FormatToStdout(relative);
    if (first.exit_code != 0) {
      EXPECT_EQ(first.exit_code, 1);
      EXPECT_TRUE(first.err.find("error[E0101]") != std::string::npos ||
                  first.err.find("error[E0102]") != std::string::npos ||
                  first.err.find("error[E0103]") != std::string::npos)
          << "refused without a syntax error:\n" << first.err;
      EXPECT_TRUE(relative.string().starts_with("tests/diagnostics/fail_")) << "a valid file was refused";
      EXPECT_EQ(first.out, "");
      ++refused;
      continue;
    }
    ++formatted;
    EXPECT_EQ(Joined(Tokens(original)), Joined(Tokens(first.out))) << "formatting changed the tokens";
    // The repository keeps its own stack files formatted, except the inputs
    // of the formatter's goldens, which are unformatted on purpose.
    if (!relative.string().starts_with("tests/format/")) {
      EXPECT_EQ(original, first.out) << "not formatted: run stackc fmt " << relative.string();
    }
    WriteFile(dir.path() / "once.stack", first.out);
    RunResult second = RunStackc(dir.path(), {"fmt", "--stdout", "once.stack"});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(first.out, second.out) << "not idempotent";
  }
  EXPECT_GE(formatted, 100u);
  EXPECT_GE(refused, 5u);  // the syntax-error diagnostics cases
}

constexpr char kUnformatted[] = "stack shop\napp web {\nimage=\"shop/web\"\n  port =   8080 # the port\n}\n";
constexpr char kFormatted[] = "stack shop\napp web {\n  image = \"shop/web\"\n  port  = 8080 # the port\n}\n";

TEST(Format, RewritesAnUnformattedFileAndLeavesAFormattedOneAlone) {
  TempDir dir;
  WriteFile(dir.path() / "messy.stack", kUnformatted);
  WriteFile(dir.path() / "tidy.stack", kFormatted);
  auto old_time = fs::last_write_time(dir.path() / "tidy.stack") - std::chrono::hours(1);
  fs::last_write_time(dir.path() / "tidy.stack", old_time);

  RunResult result = RunStackc(dir.path(), {"fmt", "messy.stack", "tidy.stack"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "formatted messy.stack\n");
  EXPECT_EQ(ReadFile(dir.path() / "messy.stack"), kFormatted);
  EXPECT_EQ(ReadFile(dir.path() / "tidy.stack"), kFormatted);
  EXPECT_EQ(fs::last_write_time(dir.path() / "tidy.stack"), old_time);
  EXPECT_FALSE(fs::exists(dir.path() / "messy.stack.stackc-tmp"));

  // A second run changes nothing.
  auto formatted_time = fs::last_write_time(dir.path() / "messy.stack");
  result = RunStackc(dir.path(), {"fmt", "messy.stack", "tidy.stack"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(fs::last_write_time(dir.path() / "messy.stack"), formatted_time);
}

TEST(Format, CheckListsUnformattedFilesAndWritesNothing) {
  TempDir dir;
  WriteFile(dir.path() / "messy.stack", kUnformatted);
  WriteFile(dir.path() / "tidy.stack", kFormatted);
  RunResult result = RunStackc(dir.path(), {"fmt", "--check", "tidy.stack", "messy.stack"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "messy.stack\n");
  EXPECT_NE(result.err.find("not formatted"), std::string::npos);
  EXPECT_EQ(ReadFile(dir.path() / "messy.stack"), kUnformatted);

  result = RunStackc(dir.path(), {"fmt", "--check", "tidy.stack"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "");

  result = RunStackc(dir.path(), {"fmt", "--stdout", "messy.stack"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, kFormatted);
  EXPECT_EQ(ReadFile(dir.path() / "messy.stack"), kUnformatted);
}

TEST(Format, SyntaxErrorsAndUsageErrors) {
  TempDir dir;
  const std::string broken = "stack shop\napp web {\n  image = \n}\n";
  WriteFile(dir.path() / "broken.stack", broken);
  WriteFile(dir.path() / "tidy.stack", kFormatted);
  for (const char* mode : {"--check", "--stdout", "--color=never"}) {
    SCOPED_TRACE(mode);
    RunResult result = RunStackc(dir.path(), {"fmt", mode, "broken.stack"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("broken.stack:4:1: error[E0101]"), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(ReadFile(dir.path() / "broken.stack"), broken);
  }
  RunResult missing = RunStackc(dir.path(), {"fmt", "--check", "tidy.stack", "missing.stack"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read stack file 'missing.stack'"), std::string::npos) << missing.err;

  EXPECT_EQ(RunStackc(dir.path(), {"fmt"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"fmt", "--frob", "tidy.stack"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"fmt", "--check", "--stdout", "tidy.stack"}).exit_code, 2);
  RunResult help = RunStackc(dir.path(), {"fmt", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: stackc fmt"), std::string::npos);
  EXPECT_NE(RunStackc(dir.path(), {"--help"}).out.find("fmt"), std::string::npos);
}

}  // namespace
}  // namespace stackc::testing
