// Completion contexts of `stackc lsp` that the end-to-end client does not
// reach: target blocks inside a component, the stack's settings, profiles,
// comments, and text that does not parse.
#include "lsp/completion.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace stackc::lsp {
namespace {

// The labels offered where `|` stands in `text` (the bar is removed).
std::vector<std::string> LabelsAt(std::string text) {
  size_t cursor = text.find('|');
  text.erase(cursor, 1);
  testing::MemoryReader reader;
  SourceManager sources;
  DiagnosticEngine diags;
  LoadedModules modules = LoadStackText("s.stack", text, reader, sources, diags);
  std::vector<std::string> labels;
  for (const auto& item : Complete(text, static_cast<uint32_t>(cursor), modules)) labels.push_back(item["label"]);
  return labels;
}

bool Has(const std::vector<std::string>& labels, const std::string& label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

constexpr std::string_view kStack = R"(stack s
param tag = "1"
database db {
  engine = "postgres"
}
app web {
  image = "web:${tag}"
  |
}
)";

TEST(LspCompletion, MembersOfAComponentAndOfItsTargetBlocks) {
  std::vector<std::string> app = LabelsAt(std::string(kStack));
  EXPECT_TRUE(Has(app, "image") && Has(app, "replicas") && Has(app, "compose")) << app.size();
  EXPECT_FALSE(Has(app, "engine"));
  std::string in_block = std::string(kStack);
  in_block.replace(in_block.find('|'), 1, "compose {\n    |\n  }");
  std::vector<std::string> compose = LabelsAt(in_block);
  EXPECT_FALSE(compose.empty());
  EXPECT_FALSE(Has(compose, "image")) << "the block's own properties, not the app's";
  std::string database = std::string(kStack);
  database.replace(database.find("engine"), 0, "|");
  EXPECT_TRUE(Has(LabelsAt(database), "engine"));
}

TEST(LspCompletion, ProfilesOverrideComponentsAndTheTopLevelDeclares) {
  std::string text = std::string(kStack);
  text.erase(text.find('|'), 1);
  std::vector<std::string> profile = LabelsAt(text + "profile test {\n  |\n}\n");
  EXPECT_TRUE(Has(profile, "web") && Has(profile, "db") && Has(profile, "tag"));
  std::vector<std::string> top = LabelsAt(text + "|\n");
  EXPECT_TRUE(Has(top, "app") && Has(top, "import") && Has(top, "ecs"));
  std::vector<std::string> settings = LabelsAt(text + "ecs {\n  |\n}\n");
  EXPECT_TRUE(Has(settings, "cluster"));
}

TEST(LspCompletion, NothingInCommentsAndStringsAndStillSomethingInBrokenText) {
  std::string text = std::string(kStack);
  text.erase(text.find('|'), 1);
  EXPECT_TRUE(LabelsAt(text + "# app |\n").empty());
  EXPECT_TRUE(LabelsAt("stack s\napp web {\n  image = \"we|b\"\n}\n").empty());
  // An unfinished line above does not stop completion below it.
  std::vector<std::string> broken = LabelsAt("stack s\napp web {\n  image =\n  rep|\n}\n");
  EXPECT_TRUE(Has(broken, "replicas"));
  std::vector<std::string> attributes = LabelsAt(text + "app api {\n  env = { URL = db.| }\n}\n");
  EXPECT_TRUE(Has(attributes, "url") && Has(attributes, "host"));
}

}  // namespace
}  // namespace stackc::lsp
