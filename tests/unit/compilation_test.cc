// Compilation::EmitAll's contract with the backends: the profiles they list
// in ProfilesUsed are lowered before generation, so that a build can free
// the syntax trees; a profile asked for without being listed, or a file
// written twice, is a reported bug rather than a silent difference.
#include "driver/compilation.h"

#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace stackc {
namespace {

constexpr std::string_view kStack = R"(stack shop
app web {
  image = "shop/web:1"
  replicas = 2
}
profile test {
  web.replicas = 1
}
)";

// Writes the replica count of web in the profile it asks for, or of the
// stack it was given when `profile` is empty.
class ProfileReader : public Backend {
 public:
  ProfileReader(std::string profile, bool lists_it) : profile_(std::move(profile)), lists_it_(lists_it) {}
  void Emit(const ir::Stack& stack, const EmitOptions& options, OutputSink& out, DiagnosticEngine&) const override {
    const ir::Stack* read = profile_.empty() ? &stack : options.stack_for_profile(profile_);
    std::string replicas = read ? std::to_string(*read->Find("web")->Int("replicas")) : "none";
    out.Write("replicas.txt", replicas, FileMode::Regular);
    out.Write("replicas.txt", "again", FileMode::Regular);
  }
  std::vector<std::string> ProfilesUsed(const ir::Stack&) const override {
    return lists_it_ ? std::vector<std::string>{profile_} : std::vector<std::string>{};
  }

 private:
  std::string profile_;
  bool lists_it_;
};

std::unique_ptr<Backend> ListsTest() { return std::make_unique<ProfileReader>("test", true); }
std::unique_ptr<Backend> DoesNotListTest() { return std::make_unique<ProfileReader>("test", false); }

struct Built {
  GeneratedFiles files;
  std::string diagnostics;
};

Built Build(std::unique_ptr<Backend> (*create)(), bool free_syntax) {
  testing::MemoryReader reader{{"shop.stack", std::string(kStack)}};
  Compilation compilation;
  EXPECT_TRUE(compilation.Load("shop.stack", reader));
  EXPECT_NE(compilation.StackFor("", {}), nullptr);
  BackendEntry entry{"reader", "", create};
  EmitAllOptions options;
  options.free_syntax = free_syntax;
  Built built;
  built.files = compilation.EmitAll({&entry}, "", {}, "shop.stack", options);
  built.diagnostics = compilation.RenderDiagnostics("text", false);
  return built;
}

TEST(EmitAll, LowersTheListedProfilesBeforeFreeingTheSyntaxTrees) {
  Built built = Build(&ListsTest, /*free_syntax=*/true);
  EXPECT_EQ(built.files.at("reader").at("replicas.txt").contents, "1");
}

TEST(EmitAll, ReportsAProfileAskedForAfterTheSyntaxTreesWereFreed) {
  Built built = Build(&DoesNotListTest, /*free_syntax=*/true);
  EXPECT_EQ(built.files.at("reader").at("replicas.txt").contents, "none");
  EXPECT_NE(built.diagnostics.find("error[E0221]: profile 'test' was asked for after the syntax trees were freed"),
            std::string::npos)
      << built.diagnostics;
}

TEST(EmitAll, LowersAnUnlistedProfileOnDemandWhileTheSyntaxTreesAreKept) {
  Built built = Build(&DoesNotListTest, /*free_syntax=*/false);
  EXPECT_EQ(built.files.at("reader").at("replicas.txt").contents, "1");
}

TEST(EmitAll, ReportsAFileWrittenTwiceAndKeepsTheFirst) {
  Built built = Build(&ListsTest, /*free_syntax=*/false);
  EXPECT_EQ(built.files.at("reader").at("replicas.txt").contents, "1");
  EXPECT_NE(built.diagnostics.find("error[E0601]: the reader target wrote 'replicas.txt' twice"), std::string::npos)
      << built.diagnostics;
}

// Every real backend on the book's example, once on one thread and once on
// two: the same files and the same diagnostics in the same order, and each
// file seen once by an observer called from both threads.
TEST(EmitAll, TwoThreadsGiveWhatOneGives) {
  std::ifstream in(std::string(STACKC_SOURCE_DIR) + "/examples/rails-webapp/webapp.stack", std::ios::binary);
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(source.empty());
  std::vector<const BackendEntry*> backends;
  for (const BackendEntry& entry : Backends()) backends.push_back(&entry);
  ASSERT_GE(backends.size(), 2u);
  auto build = [&](size_t components_for_two_threads, std::multiset<std::string>& seen) {
    testing::MemoryReader reader{{"webapp.stack", source}};
    Compilation compilation;
    compilation.set_primary_profile("production");
    EXPECT_TRUE(compilation.Load("webapp.stack", reader));
    EXPECT_NE(compilation.StackFor("production", {}), nullptr);
    std::mutex mutex;
    EmitAllOptions options;
    options.free_syntax = true;
    options.components_for_two_threads = components_for_two_threads;
    options.on_generated = [&](const std::string& target, const std::string& path, const MemorySink::File&) {
      std::lock_guard lock(mutex);
      seen.insert(target + " " + path);
    };
    Built built;
    built.files = compilation.EmitAll(backends, "production", {}, "webapp.stack", options);
    built.diagnostics = compilation.RenderDiagnostics("text", false);
    return built;
  };
  std::multiset<std::string> seen_by_one, seen_by_two;
  Built one = build(std::numeric_limits<size_t>::max(), seen_by_one);
  Built two = build(0, seen_by_two);
  EXPECT_EQ(two.diagnostics, one.diagnostics);
  ASSERT_EQ(two.files.size(), one.files.size());
  size_t files = 0;
  for (const auto& [target, generated] : one.files) {
    ASSERT_TRUE(two.files.count(target)) << target;
    ASSERT_EQ(two.files.at(target).size(), generated.size()) << target;
    for (const auto& [path, file] : generated) {
      EXPECT_EQ(two.files.at(target).at(path).contents, file.contents) << target << " " << path;
      EXPECT_EQ(seen_by_two.count(target + " " + path), 1u) << target << " " << path;
      ++files;
    }
  }
  EXPECT_EQ(seen_by_two.size(), files);
  EXPECT_EQ(seen_by_two, seen_by_one);
}

}  // namespace
}  // namespace stackc
