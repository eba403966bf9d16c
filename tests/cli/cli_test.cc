// The command line as a user meets it: exit codes, help, output writing.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/cli/harness.h"

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

const char kGoodStack[] = R"(stack shop
app web {
  image  = "shop/web:1.0"
  port   = 8080
  health = "/health"
}
balancer front {
  route = web
  port  = 80
}
)";

const char kBadStack[] = R"(stack shop
app web {
  image = "shop/web:1.0"
  replics = 2
}
)";

TEST(Cli, VersionAndHelp) {
  TempDir dir;
  RunResult version = RunStackc(dir.path(), {"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, "stackc 0.1.0\n");
  RunResult help = RunStackc(dir.path(), {"build", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: stackc build STACK"), std::string::npos);
  EXPECT_EQ(RunStackc(dir.path(), {"check", "--help"}).exit_code, 0);
  EXPECT_EQ(RunStackc(dir.path(), {"--help"}).exit_code, 0);
}

TEST(Cli, UsageErrorsExitTwo) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  EXPECT_EQ(RunStackc(dir.path(), {}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"build", "s.stack"}).exit_code, 2);  // no -o
  EXPECT_EQ(RunStackc(dir.path(), {"build", "s.stack", "-o", "out", "-t", "helm"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"check", "s.stack", "--set", "noequals"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"check", "s.stack", "--color=sometimes"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"build", "s.stack", "-o", "out", "--check", "--depfile", "d"}).exit_code, 2);
  EXPECT_EQ(RunStackc(dir.path(), {"build", "s.stack", "--stdout", "--prune"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(dir.path() / "d"));
  RunResult unknown = RunStackc(dir.path(), {"check", "s.stack", "--frob"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown option '--frob'"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

TEST(Cli, UnknownTargetsAreAUsageError) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  RunResult run = RunStackc(dir.path(), {"build", "s.stack", "-t", "jenkins", "-o", "out", "--color=never"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("unknown target 'jenkins'; the targets are all, compose, kubernetes, ecs, ci"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

TEST(Cli, EveryAvailableTargetBuilds) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  for (const char* target : {"compose", "kubernetes", "ecs", "ci"}) {
    RunResult run = RunStackc(dir.path(), {"build", "s.stack", "-t", target, "-o", "out", "--color=never"});
    EXPECT_EQ(run.exit_code, 0) << target << ": " << run.err;
  }
  EXPECT_TRUE(fs::exists(dir.path() / "out/ecs/task-definitions/web.json"));
  EXPECT_TRUE(fs::exists(dir.path() / "out/Jenkinsfile"));
  EXPECT_TRUE(fs::exists(dir.path() / "out/.github/workflows/deploy.yml"));
  EXPECT_TRUE(fs::exists(dir.path() / "out/.gitlab-ci.yml"));
}

TEST(Cli, ErrorsWriteNothingAndKeepExistingFiles) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  ASSERT_EQ(RunStackc(dir.path(), {"build", "s.stack", "-o", "out"}).exit_code, 0);
  std::string before = ReadFile(dir.path() / "out/docker-compose.yml");
  WriteFile(dir.path() / "out/mine.txt", "not stackc's");

  WriteFile(dir.path() / "s.stack", kBadStack);
  RunResult run = RunStackc(dir.path(), {"build", "s.stack", "-o", "out", "--color=never"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("s.stack:4:3: error[E0203]: unknown property 'replics' in app 'web'"), std::string::npos)
      << run.err;
  EXPECT_EQ(ReadFile(dir.path() / "out/docker-compose.yml"), before);
  EXPECT_EQ(ReadFile(dir.path() / "out/mine.txt"), "not stackc's");
  for (const auto& entry : fs::directory_iterator(dir.path() / "out")) {
    EXPECT_EQ(entry.path().filename().string().find("tmp"), std::string::npos) << "left behind " << entry.path();
  }
}

TEST(Cli, UnchangedFilesAreNotRewritten) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  ASSERT_EQ(RunStackc(dir.path(), {"build", "s.stack", "-o", "out"}).exit_code, 0);
  fs::path file = dir.path() / "out/docker-compose.yml";
  auto old_time = fs::file_time_type::clock::now() - std::chrono::hours(1);
  fs::last_write_time(file, old_time);
  RunResult again = RunStackc(dir.path(), {"build", "s.stack", "-o", "out"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("unchanged out/docker-compose.yml"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(file), old_time);
}

TEST(Cli, CheckReportsWithoutWriting) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kGoodStack);
  RunResult ok = RunStackc(dir.path(), {"check", "s.stack"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.err, "");
  WriteFile(dir.path() / "s.stack", kBadStack);
  EXPECT_EQ(RunStackc(dir.path(), {"check", "s.stack"}).exit_code, 1);
  EXPECT_EQ(fs::directory_iterator(dir.path()) != fs::directory_iterator(), true);
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
}

TEST(Cli, JsonDiagnosticsCarryTheSameFacts) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kBadStack);
  RunResult run = RunStackc(dir.path(), {"check", "s.stack", "--diagnostics-format=json"});
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json diagnostics = nlohmann::json::parse(run.err);
  ASSERT_EQ(diagnostics.size(), 1u);
  const auto& d = diagnostics[0];
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["code"], "E0203");
  EXPECT_EQ(d["message"], "unknown property 'replics' in app 'web'");
  EXPECT_EQ(d["range"]["file"], "s.stack");
  EXPECT_EQ(d["range"]["start"]["line"], 4);
  EXPECT_EQ(d["range"]["start"]["column"], 3);
  EXPECT_EQ(d["range"]["end"]["column"], 10);
  EXPECT_EQ(d["fixits"][0]["replacement"], "replicas");
  EXPECT_EQ(d["notes"][0]["message"], "did you mean 'replicas'?");
}

TEST(Cli, ColorOnlyWhenAsked) {
  TempDir dir;
  WriteFile(dir.path() / "s.stack", kBadStack);
  EXPECT_EQ(RunStackc(dir.path(), {"check", "s.stack"}).err.find("\x1b["), std::string::npos);
  EXPECT_NE(RunStackc(dir.path(), {"check", "s.stack", "--color=always"}).err.find("\x1b[1;31m"), std::string::npos);
}

TEST(Cli, WorksFromAnyDirectoryWithTheEmbeddedStdlib) {
  TempDir dir;
  WriteFile(dir.path() / "deep/s.stack", "stack s\nimport \"std/redis\"\ndatabase cache : redis {}\n");
  RunResult run = RunStackc(dir.path(), {"build", "deep/s.stack", "-o", "out"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(ReadFile(dir.path() / "out/docker-compose.yml").find("image: redis:7.2"), std::string::npos);
}

}  // namespace
}  // namespace stackc::testing

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

// A stack whose test file can be switched off, to make a build stop
// producing a file.
std::string ShopStack(bool with_tests) {
  std::string text = "stack shop\nimport \"modules/db\"\napp web {\n  image = \"shop/web:1\"\n  port = 80\n}\n";
  if (with_tests) text += "task web-test {\n  from = web\n  role = \"test\"\n  command = [\"make\", \"test\"]\n}\n";
  return text;
}

void WriteShop(const fs::path& dir, bool with_tests) {
  WriteFile(dir / "shop.stack", ShopStack(with_tests));
  WriteFile(dir / "modules/db.stack", "import \"std/redis\"\ndatabase cache : redis {}\n");
}

TEST(BuildTool, DepfileListsOutputsAndEveryImportedFileOnDisk) {
  TempDir dir;
  WriteShop(dir.path(), true);
  RunResult run = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--depfile", "out.d", "-t", "compose"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ReadFile(dir.path() / "out.d"),
            "out.d \\\n"
            "  out/docker-compose.test.yml \\\n"
            "  out/docker-compose.yml: \\\n"
            "  shop.stack \\\n"
            "  modules/db.stack\n"
            "\n"
            "shop.stack:\n"
            "\n"
            "modules/db.stack:\n");
}

TEST(BuildTool, CheckReportsMissingStaleAndExtraFilesAndWritesNothing) {
  TempDir dir;
  WriteShop(dir.path(), true);
  RunResult missing = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--check", "-t", "compose"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out,
            "missing: out/docker-compose.test.yml\n"
            "missing: out/docker-compose.yml\n"
            "out is out of date: run stackc build without --check\n");
  EXPECT_FALSE(fs::exists(dir.path() / "out"));

  ASSERT_EQ(RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"}).exit_code, 0);
  RunResult current = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--check", "-t", "compose"});
  EXPECT_EQ(current.exit_code, 0);
  EXPECT_EQ(current.out, "out is up to date\n");

  WriteFile(dir.path() / "out/docker-compose.yml", "edited by hand\n");
  WriteShop(dir.path(), false);
  RunResult stale = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--check", "-t", "compose"});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_EQ(stale.out,
            "extra:   out/docker-compose.test.yml\n"
            "stale:   out/docker-compose.yml\n"
            "out is out of date: run stackc build without --check\n");
  EXPECT_EQ(ReadFile(dir.path() / "out/docker-compose.yml"), "edited by hand\n");
}

TEST(BuildTool, PruneRemovesOnlyFilesStackcWrote) {
  TempDir dir;
  WriteShop(dir.path(), true);
  ASSERT_EQ(RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"}).exit_code, 0);
  WriteFile(dir.path() / "out/notes.txt", "mine");
  WriteShop(dir.path(), false);

  RunResult kept = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"});
  EXPECT_EQ(kept.exit_code, 0);
  EXPECT_NE(kept.out.find("obsolete  out/docker-compose.test.yml (no longer produced; --prune removes it)"),
            std::string::npos)
      << kept.out;
  EXPECT_TRUE(fs::exists(dir.path() / "out/docker-compose.test.yml"));

  RunResult pruned = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--prune", "-t", "compose"});
  EXPECT_EQ(pruned.exit_code, 0);
  EXPECT_NE(pruned.out.find("removed   out/docker-compose.test.yml"), std::string::npos) << pruned.out;
  EXPECT_FALSE(fs::exists(dir.path() / "out/docker-compose.test.yml"));
  EXPECT_EQ(ReadFile(dir.path() / "out/notes.txt"), "mine");
  EXPECT_EQ(RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--check", "-t", "compose"}).exit_code, 0);
}

// The stat cache as a user meets it: written by a build, consulted by the
// next one (shown by planting a wrong hash, which a real cache never has),
// blind to nothing a hand edit can do, and never required.
TEST(BuildTool, StatCacheSkipsReadingUnchangedFilesButSeesEveryEdit) {
  TempDir dir;
  WriteShop(dir.path(), true);
  ASSERT_EQ(RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"}).exit_code, 0);
  fs::path cache = dir.path() / "out/.stackc-cache";
  std::string text = ReadFile(cache);
  size_t line = text.find(" docker-compose.yml\n");
  ASSERT_NE(line, std::string::npos) << text;
  line = text.rfind('\n', line) + 1;
  text[line] = text[line] == '0' ? '1' : '0';
  WriteFile(cache, text);
  // Dated after every output, so that no entry is too recent to trust.
  fs::last_write_time(cache, fs::file_time_type::clock::now() + std::chrono::seconds(2));
  RunResult trusted = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"});
  EXPECT_EQ(trusted.exit_code, 0);
  EXPECT_NE(trusted.out.find("wrote     out/docker-compose.yml"), std::string::npos) << trusted.out;
  EXPECT_NE(trusted.out.find("unchanged out/docker-compose.test.yml"), std::string::npos) << trusted.out;

  // An edit in place that keeps the size and puts the modification time back.
  fs::last_write_time(cache, fs::file_time_type::clock::now() + std::chrono::seconds(2));
  fs::path file = dir.path() / "out/docker-compose.yml";
  std::string before = ReadFile(file);
  auto modified = fs::last_write_time(file);
  {
    std::fstream edit(file, std::ios::in | std::ios::out | std::ios::binary);
    edit.seekp(static_cast<std::streamoff>(before.size() - 2));
    edit << (before[before.size() - 2] == 'x' ? 'y' : 'x');
  }
  fs::last_write_time(file, modified);
  RunResult check = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "--check", "-t", "compose"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_EQ(check.out,
            "stale:   out/docker-compose.yml\n"
            "out is out of date: run stackc build without --check\n");
  ASSERT_EQ(RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"}).exit_code, 0);
  EXPECT_EQ(ReadFile(file), before);

  fs::remove(cache);
  RunResult without = RunStackc(dir.path(), {"build", "shop.stack", "-o", "out", "-t", "compose"});
  EXPECT_EQ(without.exit_code, 0);
  EXPECT_EQ(without.out.find("wrote"), std::string::npos) << without.out;
  EXPECT_TRUE(fs::exists(cache));
}

TEST(BuildTool, StdoutFramesEveryFileAndWritesNothing) {
  TempDir dir;
  WriteShop(dir.path(), false);
  RunResult run = RunStackc(dir.path(), {"build", "shop.stack", "--stdout", "-t", "compose"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("==> docker-compose.yml <==\n# Generated by stackc from shop.stack.", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("  cache:\n    image: redis:7.2\n"), std::string::npos) << run.out;
  EXPECT_EQ(ReadTree(dir.path()).size(), 2u);  // the two stack files only
}

}  // namespace
}  // namespace stackc::testing

namespace stackc::testing {
namespace {

namespace fs = std::filesystem;

const char kGraphStack[] = R"(stack shop
database db {
  image = "postgres:16"
  port  = 5432
}
task migrate {
  image   = "shop/web:1"
  command = ["migrate"]
  env     = { DB = db.host }
  before  = [web]
}
app web {
  image = "shop/web:1"
  port  = 80
  needs = [db]
}
balancer front { route = web }
)";

TEST(Graph, TextFormListsTheDeployOrderWithReasons) {
  TempDir dir;
  WriteFile(dir.path() / "shop.stack", kGraphStack);
  RunResult run = RunStackc(dir.path(), {"graph", "shop.stack", "--format", "text"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "deploy order of shop:\n"
            "  1. database db\n"
            "  2. task migrate\n"
            "       after db (reference db.host)\n"
            "  3. app web\n"
            "       after db (needs)\n"
            "       after migrate (before)\n"
            "  4. balancer front\n"
            "       after web (route)\n");
}

// Graphviz itself reads the DOT back, so the output is real DOT, and the
// graph it describes is the stack's.
TEST(Graph, DotOutputParsesBackWithGraphviz) {
  TempDir dir;
  WriteFile(dir.path() / "shop.stack", kGraphStack);
  RunResult run = RunStackc(dir.path(), {"graph", "shop.stack"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  WriteFile(dir.path() / "graph.dot", run.out);
  std::string command = "dot -Tjson0 " + (dir.path() / "graph.dot").string() + " > " +
                        (dir.path() / "graph.json").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << "graphviz rejected:\n" << run.out;
  nlohmann::json graph = nlohmann::json::parse(ReadFile(dir.path() / "graph.json"));
  std::map<int, std::string> names;
  for (const auto& node : graph["objects"]) names[node["_gvid"]] = node["name"];
  EXPECT_EQ(names.size(), 4u);
  std::set<std::string> edges;
  for (const auto& edge : graph["edges"]) {
    edges.insert(names[edge["tail"]] + "->" + names[edge["head"]] + " " + std::string(edge["label"]));
  }
  EXPECT_EQ(edges, (std::set<std::string>{"db->migrate reference db.host", "db->web needs", "migrate->web before",
                                          "web->front route"}));
}

}  // namespace
}  // namespace stackc::testing
