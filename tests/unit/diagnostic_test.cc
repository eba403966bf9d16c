#include <gtest/gtest.h>

#include "frontend/diag/diagnostic.h"
#include "frontend/diag/render.h"

namespace stackc {
namespace {

TEST(Diagnostic, RendersClangStyleWithCaretAndFixIt) {
  SourceManager sources;
  FileId file = sources.AddFile("web.stack", "stack s\napp web {\n  replics = 3\n}\n", true);
  DiagnosticEngine diags;
  diags.Report(DiagKind::UnknownProperty, {file, 20, 27}, "unknown property 'replics' in app 'web'")
      .Note({}, "did you mean 'replicas'?")
      .Fix({file, 20, 27}, "replicas");
  EXPECT_EQ(RenderText(diags.diagnostics(), sources, false),
            "web.stack:3:3: error[E0203]: unknown property 'replics' in app 'web'\n"
            "    3 |   replics = 3\n"
            "      |   ^~~~~~~\n"
            "      |   replicas\n"
            "note: did you mean 'replicas'?\n");
  EXPECT_TRUE(diags.HasErrors());
}

TEST(Diagnostic, CommandLineDiagnosticsHaveNoLocation) {
  SourceManager sources;
  DiagnosticEngine diags;
  diags.Report(DiagKind::UnknownSetName, {}, "--set x=1: the stack declares no param 'x'");
  EXPECT_EQ(RenderText(diags.diagnostics(), sources, false),
            "stackc: error[E0223]: --set x=1: the stack declares no param 'x'\n");
}

TEST(Diagnostic, SortedDropsRepeatsAndOrdersByPosition) {
  SourceManager sources;
  FileId file = sources.AddFile("a.stack", "0123456789", true);
  DiagnosticEngine diags;
  diags.Report(DiagKind::LiteralPassword, {file, 5, 6}, "b");
  diags.Report(DiagKind::LiteralPassword, {file, 1, 2}, "a");
  diags.Report(DiagKind::LiteralPassword, {file, 5, 6}, "b");
  std::vector<Diagnostic> sorted = diags.Sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0].message, "a");
  EXPECT_FALSE(diags.HasErrors());
}

TEST(Diagnostic, ClosestMatchFindsTyposOnly) {
  EXPECT_EQ(ClosestMatch("replics", {"replicas", "port", "image"}), "replicas");
  EXPECT_EQ(ClosestMatch("imgae", {"replicas", "port", "image"}), "image");
  EXPECT_EQ(ClosestMatch("zzz", {"replicas", "port", "image"}), "");
}

TEST(Diagnostic, EveryKindHasAUniqueCode) {
  std::set<std::string_view> codes;
  for (const DiagKindInfo& info : AllDiagKinds()) {
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_EQ(info.code[0], info.severity == Severity::Warning ? 'W' : 'E') << info.code;
  }
}

}  // namespace
}  // namespace stackc
