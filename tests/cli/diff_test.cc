// `stackc diff` end to end. Each folder of tests/diff holds old.stack and
// new.stack (edits of the book's example), optional arguments in `args` and
// the expected standard output in `expected.out`. STACKC_UPDATE_GOLDEN=1
// rewrites expected.out; nothing else does.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kRegenerate[] = "STACKC_UPDATE_GOLDEN=1 ctest --test-dir build -L cli -R Diff";

fs::path DiffCases() { return SourceDir() / "tests/diff"; }

fs::path BookStack() { return SourceDir() / "examples/rails-webapp/webapp.stack"; }

std::vector<std::string> CaseNames() {
  std::vector<std::string> cases;
  for (const auto& entry : fs::directory_iterator(DiffCases())) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

RunResult DiffCase(const fs::path& dir, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"diff", "old.stack", "new.stack", "--color=never"};
  for (const std::string& a : ReadArgs(dir / "args")) args.push_back(a);
  args.insert(args.end(), extra.begin(), extra.end());
  return RunStackc(dir, args);
}

// The cases are listed at run time, in one test, so that adding a folder
// needs no rebuild; each case is reported on its own when it fails.
TEST(DiffGolden, OutputMatchesExpected) {
  std::vector<std::string> cases = CaseNames();
  ASSERT_GE(cases.size(), 5u);
  for (const std::string& name : cases) {
    SCOPED_TRACE(name);
    fs::path dir = DiffCases() / name;
    RunResult run = DiffCase(dir);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_EQ(run.err, "");
    if (UpdateGoldens()) {
      WriteFile(dir / "expected.out", run.out);
      continue;
    }
    ASSERT_TRUE(fs::exists(dir / "expected.out")) << "no expected.out; create it with:\n  " << kRegenerate;
    EXPECT_EQ(run.out, ReadFile(dir / "expected.out"))
        << "diff output of " << name << " changed. If intended, regenerate and review:\n  " << kRegenerate;
  }
}

TEST(DiffGolden, OutputIsDeterministic) {
  for (const std::string& name : CaseNames()) {
    SCOPED_TRACE(name);
    RunResult a = DiffCase(DiffCases() / name), b = DiffCase(DiffCases() / name);
    EXPECT_EQ(a.out, b.out);
  }
}

TEST(DiffExitCode, NoChangeIsZero) {
  fs::path stack = BookStack();
  RunResult run = RunStackc(stack.parent_path(), {"diff", stack.string(), stack.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "compose: no changes\nkubernetes: no changes\necs: no changes\nci: no changes\nno changes\n");
}

TEST(DiffExitCode, SameStackUnderTwoNamesIsZero) {
  // Both sides are generated with NEW's name, so provenance comments and the
  // scripts that carry them do not differ.
  TempDir temp;
  WriteFile(temp.path() / "a.stack", ReadFile(BookStack()));
  WriteFile(temp.path() / "b.stack", ReadFile(BookStack()));
  RunResult run = RunStackc(temp.path(), {"diff", "a.stack", "b.stack", "--profile", "production"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST(DiffExitCode, ChangeIsOne) {
  RunResult run = DiffCase(DiffCases() / "replica-count");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.out.find("spec.replicas: 1 -> 2"), std::string::npos) << run.out;
}

TEST(DiffExitCode, StackErrorIsTwoWithDiagnostics) {
  TempDir temp;
  WriteFile(temp.path() / "old.stack", ReadFile(BookStack()));
  WriteFile(temp.path() / "new.stack", "stack broken\n\napp web {\n  image = nope\n}\n");
  RunResult run = RunStackc(temp.path(), {"diff", "old.stack", "new.stack", "--color=never"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("new.stack"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("error"), std::string::npos) << run.err;
}

TEST(DiffExitCode, UsageErrorsAreTwo) {
  fs::path stack = BookStack();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"diff"},
           {"diff", stack.string()},
           {"diff", stack.string(), stack.string(), stack.string()},
           {"diff", stack.string(), stack.string(), "--format", "xml"},
           {"diff", stack.string(), stack.string(), "-t", "nowhere"},
           {"diff", stack.string(), stack.string(), "--bogus"},
           {"diff", stack.string(), "--against", (stack.parent_path() / "no-such-dir").string()},
       }) {
    RunResult run = RunStackc(stack.parent_path(), args);
    EXPECT_EQ(run.exit_code, 2) << fmt::format("{}", args.size());
    EXPECT_NE(run.err.find("stackc diff"), std::string::npos) << run.err;
  }
}

TEST(DiffAgainst, BuiltDirectoryIsCurrentThenChanged) {
  TempDir temp;
  fs::path stack = temp.path() / "webapp.stack";
  WriteFile(stack, ReadFile(BookStack()));
  RunResult build = RunStackc(temp.path(), {"build", "webapp.stack", "-o", "out"});
  ASSERT_EQ(build.exit_code, 0) << build.err;

  RunResult same = RunStackc(temp.path(), {"diff", "webapp.stack", "--against", "out"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_EQ(same.out, "compose: no changes\nkubernetes: no changes\necs: no changes\nci: no changes\nno changes\n");

  std::string text = ReadFile(stack);
  text.replace(text.find("param tag  = \"latest\""), 21, "param tag  = \"2.0.0\"");
  WriteFile(stack, text);
  RunResult changed = RunStackc(temp.path(), {"diff", "webapp.stack", "--against", "out", "-t", "kubernetes"});
  EXPECT_EQ(changed.exit_code, 1) << changed.err;
  EXPECT_NE(changed.out.find("image: \"pacuna/webapp:latest\" -> \"pacuna/webapp:2.0.0\""), std::string::npos)
      << changed.out;

  // A file the build wrote and that went missing shows as added; an edited
  // script as a unified diff.
  fs::remove(temp.path() / "out/kube/jobs/setup-job.yaml");
  std::string apply = ReadFile(temp.path() / "out/kube/deploy/apply.sh");
  WriteFile(temp.path() / "out/kube/deploy/apply.sh", apply + "echo hand-edited\n");
  RunResult edited = RunStackc(temp.path(), {"diff", "webapp.stack", "--against", "out", "-t", "kubernetes"});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.out.find("added   Job/setup"), std::string::npos) << edited.out;
  EXPECT_NE(edited.out.find("-echo hand-edited"), std::string::npos) << edited.out;
}

TEST(DiffJson, ParsesAndNamesTheFieldChanges) {
  RunResult run = DiffCase(DiffCases() / "replica-count", {"--format", "json"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  nlohmann::json doc = nlohmann::json::parse(run.out);
  EXPECT_EQ(doc["changes"], 1);
  ASSERT_EQ(doc["targets"].size(), 1u);
  const nlohmann::json& target = doc["targets"][0];
  EXPECT_EQ(target["target"], "kubernetes");
  EXPECT_EQ(target["changed"], 1);
  const nlohmann::json& object = target["objects"][0];
  EXPECT_EQ(object["change"], "changed");
  EXPECT_EQ(object["key"], "Deployment/webapp");
  EXPECT_EQ(object["file"], "kube/deployments/webapp-deployment.yaml");
  ASSERT_EQ(object["fields"].size(), 1u);
  EXPECT_EQ(object["fields"][0]["path"], "spec.replicas");
  EXPECT_EQ(object["fields"][0]["old"], 1);
  EXPECT_EQ(object["fields"][0]["new"], 2);
}

TEST(DiffColor, OnlyWhenAskedFor) {
  fs::path dir = DiffCases() / "new-app";
  EXPECT_EQ(DiffCase(dir).out.find('\x1b'), std::string::npos);
  RunResult colored = RunStackc(dir, {"diff", "old.stack", "new.stack", "--color=always"});
  EXPECT_NE(colored.out.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace stackc::testing
