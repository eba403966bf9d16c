// Compilation::EmitAll's contract with the backends: the profiles they list
// in ProfilesUsed are lowered before generation, so that a build can free
// the syntax trees; a profile asked for without being listed, or a file
// written twice, is a reported bug rather than a silent difference.
#include "driver/compilation.h"

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

}  // namespace
}  // namespace stackc
