// The parser: AST shape and exact byte ranges of every construct, string
// decoding, and error recovery.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace stackc {
namespace {

using ast::ComponentKind;
using ast::ExprKind;
using testing::Parse;

// The value of the only property of the only component in `parsed`.
const ast::Expr& OnlyValue(const testing::Parsed& parsed) {
  EXPECT_EQ(parsed.module.components.size(), 1u);
  EXPECT_EQ(parsed.module.components.at(0).body.members.size(), 1u);
  return *parsed.module.components.at(0).body.members.at(0).value;
}

// Parses `app a { v = VALUE }` and checks that it parsed cleanly.
std::unique_ptr<testing::Parsed> ParseValue(const std::string& value) {
  auto parsed = Parse("app a { v = " + value + " }");
  EXPECT_EQ(parsed->Rendered(), "");
  return parsed;
}

TEST(Parser, StackImportsAndComments) {
  auto p = Parse("stack shop\nimport \"std/postgres\"\nimport \"lib/common\"\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.stacks.size(), 1u);
  const ast::StackDecl& stack = p->module.stacks[0];
  EXPECT_EQ(stack.name.name, "shop");
  EXPECT_EQ(stack.name.range, (SourceRange{p->file, 6, 10}));
  EXPECT_EQ(stack.range, (SourceRange{p->file, 0, 10}));

  ASSERT_EQ(p->module.imports.size(), 2u);
  EXPECT_EQ(p->module.imports[0].target, "std/postgres");
  // The range of an import is that of its string literal, quotes included.
  EXPECT_EQ(p->module.imports[0].range, (SourceRange{p->file, 18, 32}));
  EXPECT_EQ(p->At(p->module.imports[0].range), "\"std/postgres\"");
  EXPECT_EQ(p->module.imports[1].target, "lib/common");
  EXPECT_EQ(p->At(p->module.imports[1].range), "\"lib/common\"");
  EXPECT_EQ(p->module.file, p->file);

  // Comments are ignored wherever they are.
  auto commented = Parse("# header\nstack s # trailing\n# app nope {}\napp web {} # end");
  ASSERT_EQ(commented->Rendered(), "");
  EXPECT_EQ(commented->module.stacks.size(), 1u);
  ASSERT_EQ(commented->module.components.size(), 1u);
  EXPECT_EQ(commented->module.components[0].name.name, "web");
}

TEST(Parser, ParamsWithAndWithoutTypeAndDefault) {
  auto p = Parse(
      "param tag = \"latest\"\n"
      "param replicas: int\n"
      "param size: quantity = 10Gi\n"
      "param bare\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.params.size(), 4u);

  const ast::ParamDecl& tag = p->module.params[0];
  EXPECT_EQ(tag.name.name, "tag");
  EXPECT_EQ(tag.name.range, (SourceRange{p->file, 6, 9}));
  EXPECT_FALSE(tag.type.has_value());
  ASSERT_NE(tag.default_value, nullptr);
  EXPECT_EQ(tag.default_value->kind, ExprKind::String);
  EXPECT_EQ(tag.default_value->PlainString(), "latest");
  EXPECT_EQ(tag.default_value->range, (SourceRange{p->file, 12, 20}));
  EXPECT_EQ(tag.range, (SourceRange{p->file, 0, 20}));

  const ast::ParamDecl& replicas = p->module.params[1];
  EXPECT_EQ(replicas.name.name, "replicas");
  ASSERT_TRUE(replicas.type.has_value());
  EXPECT_EQ(replicas.type->name, "int");
  EXPECT_EQ(p->At(replicas.type->range), "int");
  EXPECT_EQ(replicas.type->range.begin, 37u);
  EXPECT_EQ(replicas.default_value, nullptr);
  EXPECT_EQ(p->At(replicas.range), "param replicas: int");

  const ast::ParamDecl& size = p->module.params[2];
  ASSERT_TRUE(size.type.has_value());
  EXPECT_EQ(size.type->name, "quantity");
  ASSERT_NE(size.default_value, nullptr);
  EXPECT_EQ(size.default_value->kind, ExprKind::Unit);
  EXPECT_EQ(size.default_value->unit_text, "10Gi");
  EXPECT_EQ(p->At(size.range), "param size: quantity = 10Gi");

  const ast::ParamDecl& bare = p->module.params[3];
  EXPECT_EQ(bare.name.name, "bare");
  EXPECT_FALSE(bare.type.has_value());
  EXPECT_EQ(bare.default_value, nullptr);
  EXPECT_EQ(p->At(bare.range), "param bare");
}

TEST(Parser, TemplateWithKindOrTemplateBase) {
  auto p = Parse("template web : app {\n  port = 80\n}\ntemplate api : web {}\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.templates.size(), 2u);
  const ast::TemplateDecl& web = p->module.templates[0];
  EXPECT_EQ(web.name.name, "web");
  EXPECT_EQ(web.name.range, (SourceRange{p->file, 9, 12}));
  EXPECT_EQ(web.base.name, "app");
  EXPECT_EQ(web.base.range, (SourceRange{p->file, 15, 18}));
  EXPECT_EQ(web.body.range, (SourceRange{p->file, 19, 34}));
  EXPECT_EQ(web.range, (SourceRange{p->file, 0, 34}));
  ASSERT_EQ(web.body.members.size(), 1u);
  EXPECT_EQ(web.body.members[0].name.name, "port");

  const ast::TemplateDecl& api = p->module.templates[1];
  EXPECT_EQ(api.base.name, "web");
  EXPECT_EQ(p->At(api.base.range), "web");
  EXPECT_TRUE(api.body.members.empty());
  EXPECT_EQ(p->At(api.body.range), "{}");
}

TEST(Parser, ComponentsOfEveryKindWithAndWithoutBase) {
  auto p = Parse(
      "app web : rails_app {}\n"
      "database db : postgres {}\n"
      "task setup {}\n"
      "balancer front : balancer {}\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.components.size(), 4u);
  const auto& c = p->module.components;
  EXPECT_EQ(c[0].kind, ComponentKind::App);
  EXPECT_EQ(c[1].kind, ComponentKind::Database);
  EXPECT_EQ(c[2].kind, ComponentKind::Task);
  EXPECT_EQ(c[3].kind, ComponentKind::Balancer);

  EXPECT_EQ(c[0].name.name, "web");
  EXPECT_EQ(c[0].name.range, (SourceRange{p->file, 4, 7}));
  ASSERT_TRUE(c[0].base.has_value());
  EXPECT_EQ(c[0].base->name, "rails_app");
  EXPECT_EQ(c[0].base->range, (SourceRange{p->file, 10, 19}));
  EXPECT_EQ(c[0].body.range, (SourceRange{p->file, 20, 22}));
  EXPECT_EQ(c[0].range, (SourceRange{p->file, 0, 22}));

  EXPECT_EQ(c[1].base->name, "postgres");
  EXPECT_FALSE(c[2].base.has_value());
  EXPECT_EQ(p->At(c[2].range), "task setup {}");
  // A kind keyword is a valid base name.
  ASSERT_TRUE(c[3].base.has_value());
  EXPECT_EQ(c[3].base->name, "balancer");
  EXPECT_EQ(p->At(c[3].base->range), "balancer");
}

TEST(Parser, BodyMembersAndNestedBlocks) {
  const std::string text =
      "app web {\n"
      "  image = \"x\"\n"
      "  compose {\n"
      "    source_mount = \"/app\"\n"
      "    inner { deep = 1 }\n"
      "  }\n"
      "}\n";
  auto p = Parse(text);
  ASSERT_EQ(p->Rendered(), "");
  const ast::Block& body = p->module.components.at(0).body;
  EXPECT_EQ(body.range, (SourceRange{p->file, 8, static_cast<uint32_t>(text.size() - 1)}));
  ASSERT_EQ(body.members.size(), 2u);

  const ast::Member& image = body.members[0];
  EXPECT_EQ(image.name.name, "image");
  EXPECT_EQ(image.name.range, (SourceRange{p->file, 12, 17}));
  EXPECT_EQ(image.range, (SourceRange{p->file, 12, 23}));
  ASSERT_NE(image.value, nullptr);
  EXPECT_EQ(image.block, nullptr);

  const ast::Member& compose = body.members[1];
  EXPECT_EQ(compose.name.name, "compose");
  EXPECT_EQ(compose.value, nullptr);
  ASSERT_NE(compose.block, nullptr);
  EXPECT_EQ(p->At(compose.block->range).front(), '{');
  EXPECT_EQ(p->At(compose.block->range).back(), '}');
  EXPECT_EQ(compose.range.begin, 26u);
  EXPECT_EQ(compose.range.end, compose.block->range.end);
  ASSERT_EQ(compose.block->members.size(), 2u);
  EXPECT_EQ(p->At(compose.block->members[0].range), "source_mount = \"/app\"");
  const ast::Member& inner = compose.block->members[1];
  EXPECT_EQ(inner.name.name, "inner");
  ASSERT_NE(inner.block, nullptr);
  EXPECT_EQ(p->At(inner.block->range), "{ deep = 1 }");
  ASSERT_EQ(inner.block->members.size(), 1u);
  EXPECT_EQ(inner.block->members[0].value->int_value, 1);
}

TEST(Parser, ProfileOverridesWithPaths) {
  auto p = Parse(
      "profile production {\n"
      "  mode = \"production\"\n"
      "  web.replicas = 3\n"
      "  web.compose.source_mount = \"/srv\"\n"
      "}\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.profiles.size(), 1u);
  const ast::ProfileDecl& profile = p->module.profiles[0];
  EXPECT_EQ(profile.name.name, "production");
  EXPECT_EQ(profile.name.range, (SourceRange{p->file, 8, 18}));
  EXPECT_EQ(profile.range.begin, 0u);
  EXPECT_EQ(profile.range.end, static_cast<uint32_t>(p->text().size() - 1));
  ASSERT_EQ(profile.overrides.size(), 3u);

  const ast::Override& mode = profile.overrides[0];
  ASSERT_EQ(mode.path.size(), 1u);
  EXPECT_EQ(mode.path[0].name, "mode");
  EXPECT_EQ(mode.path[0].range, (SourceRange{p->file, 23, 27}));
  EXPECT_EQ(mode.range, (SourceRange{p->file, 23, 42}));
  EXPECT_EQ(mode.value->PlainString(), "production");

  const ast::Override& replicas = profile.overrides[1];
  ASSERT_EQ(replicas.path.size(), 2u);
  EXPECT_EQ(replicas.path[0].name, "web");
  EXPECT_EQ(replicas.path[1].name, "replicas");
  EXPECT_EQ(replicas.path[0].range, (SourceRange{p->file, 45, 48}));
  EXPECT_EQ(replicas.path[1].range, (SourceRange{p->file, 49, 57}));
  EXPECT_EQ(replicas.value->kind, ExprKind::Int);
  EXPECT_EQ(replicas.value->int_value, 3);
  EXPECT_EQ(p->At(replicas.range), "web.replicas = 3");

  const ast::Override& mount = profile.overrides[2];
  ASSERT_EQ(mount.path.size(), 3u);
  EXPECT_EQ(mount.path[1].name, "compose");
  EXPECT_EQ(mount.path[2].name, "source_mount");
  EXPECT_EQ(p->At(mount.path[2].range), "source_mount");
}

TEST(Parser, StringWithInterpolationParts) {
  // 0         1         2
  // 0123456789012345678901234567
  // app a { v = "db-${pg.url}/x" }
  auto p = ParseValue("\"db-${pg.url}/x\"");
  const ast::Expr& e = OnlyValue(*p);
  ASSERT_EQ(e.kind, ExprKind::String);
  EXPECT_EQ(e.range, (SourceRange{p->file, 12, 28}));
  EXPECT_FALSE(e.IsPlainString());
  ASSERT_EQ(e.parts.size(), 3u);

  EXPECT_FALSE(e.parts[0].is_interpolation);
  EXPECT_EQ(e.parts[0].text, "db-");
  EXPECT_EQ(e.parts[0].range, (SourceRange{p->file, 13, 16}));

  EXPECT_TRUE(e.parts[1].is_interpolation);
  EXPECT_EQ(e.parts[1].range, (SourceRange{p->file, 16, 25}));
  EXPECT_EQ(p->At(e.parts[1].range), "${pg.url}");
  ASSERT_EQ(e.parts[1].path.size(), 2u);
  EXPECT_EQ(e.parts[1].path[0].name, "pg");
  EXPECT_EQ(e.parts[1].path[0].range, (SourceRange{p->file, 18, 20}));
  EXPECT_EQ(e.parts[1].path[1].name, "url");
  EXPECT_EQ(e.parts[1].path[1].range, (SourceRange{p->file, 21, 24}));

  EXPECT_FALSE(e.parts[2].is_interpolation);
  EXPECT_EQ(e.parts[2].text, "/x");
  EXPECT_EQ(e.parts[2].range, (SourceRange{p->file, 25, 27}));
}

TEST(Parser, AdjacentInterpolationsAndBlanksInsideBraces) {
  auto p = ParseValue("\"${a}${ b.c }\"");
  const ast::Expr& e = OnlyValue(*p);
  ASSERT_EQ(e.parts.size(), 2u);
  EXPECT_TRUE(e.parts[0].is_interpolation);
  EXPECT_EQ(p->At(e.parts[0].range), "${a}");
  ASSERT_EQ(e.parts[0].path.size(), 1u);
  EXPECT_EQ(e.parts[0].path[0].name, "a");
  EXPECT_TRUE(e.parts[1].is_interpolation);
  EXPECT_EQ(p->At(e.parts[1].range), "${ b.c }");
  ASSERT_EQ(e.parts[1].path.size(), 2u);
  // The names' ranges leave out the blanks.
  EXPECT_EQ(p->At(e.parts[1].path[0].range), "b");
  EXPECT_EQ(p->At(e.parts[1].path[1].range), "c");
}

TEST(Parser, StringEscapesAndTheEmptyString) {
  auto p = ParseValue(R"("q\"b\\s\$d\nt\tx")");
  const ast::Expr& e = OnlyValue(*p);
  ASSERT_TRUE(e.IsPlainString());
  EXPECT_EQ(e.PlainString(), "q\"b\\s$d\nt\tx");
  ASSERT_EQ(e.parts.size(), 1u);
  // A literal part covers the escapes as written.
  EXPECT_EQ(p->At(e.parts[0].range), R"(q\"b\\s\$d\nt\tx)");

  // \$ keeps a ${ from starting an interpolation.
  auto dollar = ParseValue(R"("\${HOME}")");
  const ast::Expr& d = OnlyValue(*dollar);
  EXPECT_TRUE(d.IsPlainString());
  EXPECT_EQ(d.PlainString(), "${HOME}");

  auto empty = ParseValue("\"\"");
  const ast::Expr& z = OnlyValue(*empty);
  EXPECT_EQ(z.kind, ExprKind::String);
  EXPECT_TRUE(z.parts.empty());
  EXPECT_TRUE(z.IsPlainString());
  EXPECT_EQ(z.PlainString(), "");
}

TEST(Parser, BadEscapesAndInterpolations) {
  // app a { v = "a\qb" }
  auto p = Parse(R"(app a { v = "a\qb" })");
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0104"});
  Diagnostic d = p->Sorted()[0];
  EXPECT_EQ(d.message, "unknown escape sequence '\\q'");
  EXPECT_EQ(d.range, (SourceRange{p->file, 14, 16}));
  EXPECT_EQ(p->At(d.range), R"(\q)");
  // The component is still built.
  EXPECT_EQ(p->module.components.size(), 1u);

  auto bad = Parse("app a {\n  v = \"${1x}\"\n  w = \"${open\"\n  z = \"${}\"\n}\n");
  ASSERT_EQ(bad->Codes(), (std::vector<std::string>{"E0105", "E0105", "E0105"}));
  std::vector<Diagnostic> sorted = bad->Sorted();
  EXPECT_EQ(bad->At(sorted[0].range), "${1x}");
  EXPECT_EQ(sorted[0].message, "'${1x}' is not a reference; expected a name such as ${tag} or ${postgres.host}");
  EXPECT_EQ(bad->At(sorted[1].range), "${open");
  EXPECT_EQ(sorted[1].message, "unterminated interpolation: missing '}'");
  EXPECT_EQ(bad->At(sorted[2].range), "${}");
}

TEST(Parser, IntegersUnitNumbersAndBooleans) {
  auto p = Parse("app a {\n  x = 42\n  y = -7\n  z = 99999999999999999999\n}\n");
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0106"});
  EXPECT_EQ(p->Sorted()[0].message, "integer '99999999999999999999' does not fit in 64 bits");
  EXPECT_EQ(p->At(p->Sorted()[0].range), "99999999999999999999");
  const auto& members = p->module.components.at(0).body.members;
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].value->kind, ExprKind::Int);
  EXPECT_EQ(members[0].value->int_value, 42);
  EXPECT_EQ(p->At(members[0].value->range), "42");
  EXPECT_EQ(members[1].value->int_value, -7);
  EXPECT_EQ(p->At(members[1].value->range), "-7");

  auto units = Parse("app a {\n  x = 10Gi\n  y = 1.5s\n  z = 250m\n}\n");
  ASSERT_EQ(units->Rendered(), "");
  const auto& unit_members = units->module.components.at(0).body.members;
  ASSERT_EQ(unit_members.size(), 3u);
  EXPECT_EQ(unit_members[0].value->kind, ExprKind::Unit);
  EXPECT_EQ(unit_members[0].value->unit_text, "10Gi");
  EXPECT_EQ(units->At(unit_members[0].value->range), "10Gi");
  EXPECT_EQ(unit_members[1].value->unit_text, "1.5s");
  EXPECT_EQ(unit_members[2].value->unit_text, "250m");

  auto bools = Parse("app a { x = true y = false }");
  ASSERT_EQ(bools->Rendered(), "");
  const auto& bool_members = bools->module.components.at(0).body.members;
  ASSERT_EQ(bool_members.size(), 2u);
  EXPECT_EQ(bool_members[0].value->kind, ExprKind::Bool);
  EXPECT_TRUE(bool_members[0].value->bool_value);
  EXPECT_EQ(bools->At(bool_members[0].value->range), "true");
  EXPECT_EQ(bool_members[1].value->kind, ExprKind::Bool);
  EXPECT_FALSE(bool_members[1].value->bool_value);
}

TEST(Parser, ListsWithTrailingCommaNestingAndEmpty) {
  auto p = Parse("app a { x = [\"a\", 2, [web],] y = [] }");
  ASSERT_EQ(p->Rendered(), "");
  const auto& members = p->module.components.at(0).body.members;
  const ast::Expr& x = *members[0].value;
  EXPECT_EQ(x.kind, ExprKind::List);
  EXPECT_EQ(p->At(x.range), "[\"a\", 2, [web],]");
  ASSERT_EQ(x.items.size(), 3u);
  EXPECT_EQ(x.items[0]->kind, ExprKind::String);
  EXPECT_EQ(x.items[1]->kind, ExprKind::Int);
  EXPECT_EQ(x.items[2]->kind, ExprKind::List);
  ASSERT_EQ(x.items[2]->items.size(), 1u);
  EXPECT_EQ(x.items[2]->items[0]->kind, ExprKind::Path);
  EXPECT_EQ(x.items[2]->items[0]->PathText(), "web");
  const ast::Expr& y = *members[1].value;
  EXPECT_EQ(y.kind, ExprKind::List);
  EXPECT_TRUE(y.items.empty());
  EXPECT_EQ(p->At(y.range), "[]");
}

TEST(Parser, MapsWithNameAndStringKeys) {
  // Entries may be separated by commas, newlines or nothing.
  auto p = Parse("app a { env = { A = \"1\", \"B-x\" = 2\n C = true } }");
  ASSERT_EQ(p->Rendered(), "");
  const ast::Expr& e = *p->module.components.at(0).body.members.at(0).value;
  ASSERT_EQ(e.kind, ExprKind::Map);
  ASSERT_EQ(e.entries.size(), 3u);
  EXPECT_EQ(e.entries[0].key.name, "A");
  EXPECT_EQ(p->At(e.entries[0].key.range), "A");
  EXPECT_EQ(e.entries[0].value->PlainString(), "1");
  // A string key is decoded; its range keeps the quotes.
  EXPECT_EQ(e.entries[1].key.name, "B-x");
  EXPECT_EQ(p->At(e.entries[1].key.range), "\"B-x\"");
  EXPECT_EQ(e.entries[1].value->int_value, 2);
  EXPECT_EQ(e.entries[2].key.name, "C");
  EXPECT_TRUE(e.entries[2].value->bool_value);
  EXPECT_EQ(p->At(e.range).front(), '{');
  EXPECT_EQ(p->At(e.range).back(), '}');
}

TEST(Parser, CallsAndPaths) {
  // app a { v = secret("db-password") }
  auto p = ParseValue("secret(\"db-password\")");
  const ast::Expr& e = OnlyValue(*p);
  ASSERT_EQ(e.kind, ExprKind::Call);
  EXPECT_EQ(e.callee.name, "secret");
  EXPECT_EQ(e.callee.range, (SourceRange{p->file, 12, 18}));
  EXPECT_EQ(e.range, (SourceRange{p->file, 12, 33}));
  ASSERT_EQ(e.items.size(), 1u);
  EXPECT_EQ(e.items[0]->PlainString(), "db-password");
  EXPECT_EQ(e.items[0]->range, (SourceRange{p->file, 19, 32}));

  auto paths = Parse("app a { x = postgres.url y = self.user z = mode }");
  ASSERT_EQ(paths->Rendered(), "");
  const auto& members = paths->module.components.at(0).body.members;
  ASSERT_EQ(members.size(), 3u);
  const ast::Expr& x = *members[0].value;
  ASSERT_EQ(x.kind, ExprKind::Path);
  ASSERT_EQ(x.path.size(), 2u);
  EXPECT_EQ(x.PathText(), "postgres.url");
  EXPECT_EQ(paths->At(x.range), "postgres.url");
  EXPECT_EQ(paths->At(x.path[0].range), "postgres");
  EXPECT_EQ(paths->At(x.path[1].range), "url");
  EXPECT_EQ(members[1].value->PathText(), "self.user");
  EXPECT_EQ(members[2].value->path.size(), 1u);
  EXPECT_EQ(members[2].value->PathText(), "mode");
}

TEST(Parser, ReportsEverySyntaxErrorAndKeepsGoodDeclarations) {
  const std::string text =
      "stack s\n"
      "app web {\n"
      "  image = \"x\"\n"
      "  port 80\n"
      "}\n"
      "database db {\n"
      "  port = 5432\n"
      "}\n"
      "task t {\n"
      "  command = [\"a\" \"b\"]\n"
      "}\n"
      "template t app {}\n"
      "balancer front { route = web }\n";
  auto p = Parse(text);
  std::vector<Diagnostic> sorted = p->Sorted();
  ASSERT_EQ(p->Codes(), (std::vector<std::string>{"E0101", "E0101", "E0101"})) << p->Rendered();
  EXPECT_EQ(sorted[0].message, "expected '=' or '{' after 'port', found '80'");
  EXPECT_EQ(p->sources.Position(p->file, sorted[0].range.begin).line, 4u);
  EXPECT_EQ(p->sources.Position(p->file, sorted[0].range.begin).column, 8u);
  EXPECT_EQ(p->At(sorted[0].range), "80");
  EXPECT_EQ(p->sources.Position(p->file, sorted[1].range.begin).line, 10u);
  EXPECT_EQ(p->At(sorted[1].range), "\"b\"");
  EXPECT_EQ(p->sources.Position(p->file, sorted[2].range.begin).line, 12u);
  EXPECT_EQ(sorted[2].message, "expected ':', found 'app'");
  EXPECT_EQ(p->At(sorted[2].range), "app");

  // Declarations without errors come through whole.
  ASSERT_EQ(p->module.stacks.size(), 1u);
  std::vector<std::string> names;
  for (const auto& c : p->module.components) names.push_back(c.name.name);
  EXPECT_NE(std::find(names.begin(), names.end(), "db"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "front"), names.end());
  for (const auto& c : p->module.components) {
    if (c.name.name == "db") {
      ASSERT_EQ(c.body.members.size(), 1u);
      EXPECT_EQ(c.body.members[0].value->int_value, 5432);
    }
    if (c.name.name == "front") {
      ASSERT_EQ(c.body.members.size(), 1u);
      EXPECT_EQ(c.body.members[0].value->PathText(), "web");
    }
  }
}

TEST(Parser, MissingValueNotesTheSwallowedName) {
  auto p = Parse("app web {\n  port =\n  image = \"x\"\n}\n");
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0101"});
  Diagnostic d = p->Sorted()[0];
  EXPECT_EQ(p->At(d.range), "=");
  EXPECT_EQ(p->sources.Position(p->file, d.range.begin).line, 3u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(p->At(d.notes[0].range), "image");
  EXPECT_EQ(d.notes[0].message, "'image' was read as the value of the property before it; is that value missing?");
}

TEST(Parser, NonAsciiTextBeforeAnErrorGivesExactOffsetsAndColumns) {
  // "é", "ü" and "ï" are two bytes each and "→" three. ANTLR counts code
  // points; ranges must still be byte offsets, and columns count characters.
  const std::string text =
      "# café → über\n"
      "app web { image = \"naïve→\" port 80 }\n";
  auto p = Parse(text);
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0101"});
  Diagnostic d = p->Sorted()[0];
  size_t expected_begin = text.find(" 80 ") + 1;
  EXPECT_EQ(d.range.begin, expected_begin);
  EXPECT_EQ(d.range.end, expected_begin + 2);
  EXPECT_EQ(p->At(d.range), "80");
  LineColumn position = p->sources.Position(p->file, d.range.begin);
  EXPECT_EQ(position.line, 2u);
  EXPECT_EQ(position.column, 33u);  // 32 characters (35 bytes) precede it on its line
  EXPECT_TRUE(
      p->Rendered().starts_with("test.stack:2:33: error[E0101]: expected '=' or '{' after 'port', found '80'\n"))
      << p->Rendered();
  // Ranges of nodes after non-ASCII text are byte-exact too.
  const ast::Expr& image = *p->module.components.at(0).body.members.at(0).value;
  EXPECT_EQ(p->At(image.range), "\"naïve→\"");
  EXPECT_EQ(image.PlainString(), "naïve→");
  EXPECT_EQ(p->At(image.parts.at(0).range), "naïve→");
}

TEST(Parser, UnterminatedStringIsReportedOnceAndRecovered) {
  auto p = Parse("stack s\napp web {\n  image = \"abc\n  port = 80\n}\n");
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0102"}) << p->Rendered();
  Diagnostic d = p->Sorted()[0];
  EXPECT_EQ(d.message, "missing closing '\"' at the end of the string");
  EXPECT_EQ(p->At(d.range), "\"abc");
  // The string is closed at the end of its line and parsing goes on.
  ASSERT_EQ(p->module.components.size(), 1u);
  const auto& members = p->module.components[0].body.members;
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].value->PlainString(), "abc");
  EXPECT_EQ(p->At(members[0].value->range), "\"abc");
  EXPECT_EQ(members[1].value->int_value, 80);
}

TEST(Parser, UnexpectedCharactersAreSkipped) {
  auto p = Parse("stack s\napp web { port = 80 @ }\ntask t {}\n");
  ASSERT_EQ(p->Codes(), std::vector<std::string>{"E0103"}) << p->Rendered();
  Diagnostic d = p->Sorted()[0];
  EXPECT_EQ(d.message, "unexpected character '@'");
  EXPECT_EQ(d.range, (SourceRange{p->file, 28, 29}));
  ASSERT_EQ(p->module.components.size(), 2u);
  EXPECT_EQ(p->module.components[0].body.members.size(), 1u);
  EXPECT_EQ(p->module.components[1].name.name, "t");

  // A character outside ASCII is one character, not one per byte.
  auto wide = Parse("stack s\napp wéb {}\n");
  ASSERT_FALSE(wide->Codes().empty());
  Diagnostic w = wide->Sorted()[0];
  EXPECT_EQ(w.code(), "E0103");
  EXPECT_EQ(w.message, "unexpected character 'é'");
  EXPECT_EQ(wide->At(w.range), "é");
  EXPECT_EQ(w.range.end - w.range.begin, 2u);
}

TEST(Parser, DeclarationErrorsSayWhatWasExpected) {
  auto p = Parse("stack s\n= 3\n");
  ASSERT_FALSE(p->Codes().empty());
  Diagnostic d = p->Sorted()[0];
  EXPECT_EQ(d.code(), "E0101");
  EXPECT_EQ(d.message,
            "expected a declaration (stack, import, param, app, database, task, balancer, template, profile or a "
            "target block such as ecs), found '='");
  EXPECT_EQ(p->At(d.range), "=");

  // A name at the top level starts a target block, so a misspelled keyword
  // is reported at the name, with the keyword it is closest to.
  auto typo = Parse("stack s\nap web { image = \"x\" }\n");
  ASSERT_EQ(typo->Codes(), std::vector<std::string>{"E0101"}) << typo->Rendered();
  Diagnostic t = typo->Sorted()[0];
  EXPECT_EQ(t.message,
            "expected a declaration (stack, import, param, app, database, task, balancer, template, profile or a "
            "target block such as ecs), found 'ap'");
  EXPECT_EQ(typo->At(t.range), "ap");
  ASSERT_EQ(t.notes.size(), 1u);
  EXPECT_EQ(t.notes[0].message, "did you mean 'app'?");

  auto property = Parse("stack s\nreplicas = 3\n");
  ASSERT_EQ(property->Codes(), std::vector<std::string>{"E0101"}) << property->Rendered();
  Diagnostic q = property->Sorted()[0];
  EXPECT_EQ(q.message, "expected '{' after 'replicas', found '='");
  EXPECT_EQ(property->At(q.range), "=");
  ASSERT_EQ(q.notes.size(), 1u);
  EXPECT_EQ(property->At(q.notes[0].range), "replicas");

  auto keyword = Parse("stack s\napp profile { image = \"x\" }\n");
  ASSERT_EQ(keyword->Codes(), std::vector<std::string>{"E0101"}) << keyword->Rendered();
  Diagnostic k = keyword->Sorted()[0];
  EXPECT_EQ(k.message, "'profile' is a keyword and cannot be used as a name");
  EXPECT_EQ(keyword->At(k.range), "profile");
}

TEST(Parser, TargetSettingsBlocks) {
  auto p = Parse(
      "stack s\n"
      "ecs { cluster = \"c-${tag}\" instances = 2 subnets = [\"a\", \"b\"] }\n"
      "compose {}\n");
  ASSERT_EQ(p->Rendered(), "");
  ASSERT_EQ(p->module.settings.size(), 2u);
  const ast::SettingsDecl& ecs = p->module.settings[0];
  EXPECT_EQ(ecs.name.name, "ecs");
  EXPECT_EQ(p->At(ecs.name.range), "ecs");
  EXPECT_EQ(p->At(ecs.range), p->text().substr(8, p->text().find('\n', 8) - 8));
  ASSERT_EQ(ecs.body.members.size(), 3u);
  EXPECT_EQ(ecs.body.members[0].name.name, "cluster");
  ASSERT_NE(ecs.body.members[0].value, nullptr);
  EXPECT_EQ(ecs.body.members[0].value->parts.size(), 2u);
  EXPECT_EQ(ecs.body.members[1].value->int_value, 2);
  EXPECT_EQ(ecs.body.members[2].value->items.size(), 2u);
  EXPECT_EQ(p->At(ecs.body.range).front(), '{');
  // Which names are targets, and that no blocks nest, is for sema to say.
  EXPECT_EQ(p->module.settings[1].name.name, "compose");
  EXPECT_TRUE(p->module.settings[1].body.members.empty());
  EXPECT_TRUE(p->module.components.empty());

  auto nested = Parse("ecs { inner { x = 1 } }\n");
  ASSERT_EQ(nested->Rendered(), "");
  ASSERT_EQ(nested->module.settings.size(), 1u);
  ASSERT_NE(nested->module.settings[0].body.members.at(0).block, nullptr);

  // A profile path that starts with a target's name is an ordinary path.
  auto profile = Parse("profile production { ecs.launch_type = \"ec2\" }\n");
  ASSERT_EQ(profile->Rendered(), "");
  ASSERT_EQ(profile->module.profiles.at(0).overrides.size(), 1u);
  EXPECT_EQ(profile->module.profiles[0].overrides[0].path.size(), 2u);
}

TEST(Parser, ValueAfterASyntaxErrorKeepsItsOwnText) {
  auto p = Parse("param p = = 3\nparam q = = 10Gi\n");
  EXPECT_EQ(p->Codes(), (std::vector<std::string>{"E0101", "E0101"})) << p->Rendered();
  ASSERT_EQ(p->module.params.size(), 2u);
  ASSERT_NE(p->module.params[0].default_value, nullptr);
  EXPECT_EQ(p->module.params[0].default_value->int_value, 3);
  ASSERT_NE(p->module.params[1].default_value, nullptr);
  EXPECT_EQ(p->module.params[1].default_value->unit_text, "10Gi");
}

TEST(Parser, ValueAfterASyntaxErrorHasItsOwnRange) {
  auto p = Parse("param p = = 3\nparam q = = 10Gi\n");
  ASSERT_EQ(p->module.params.size(), 2u);
  EXPECT_EQ(p->At(p->module.params[0].default_value->range), "3");
  EXPECT_EQ(p->At(p->module.params[1].default_value->range), "10Gi");
}

TEST(Parser, MissingNameInventsNoDeclaration) {
  auto p = Parse("param = 3\napp = {}\napp x {}\n");
  EXPECT_EQ(p->Codes(), (std::vector<std::string>{"E0101", "E0101"})) << p->Rendered();
  for (const Diagnostic& d : p->Sorted()) EXPECT_EQ(d.message.find("is a keyword"), std::string::npos) << d.message;
  EXPECT_TRUE(p->module.params.empty());
  ASSERT_EQ(p->module.components.size(), 1u);
  EXPECT_EQ(p->module.components[0].name.name, "x");
}

}  // namespace
}  // namespace stackc
