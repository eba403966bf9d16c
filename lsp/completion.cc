#include "lsp/completion.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "frontend/sema/schema.h"

namespace stackc::lsp {
namespace {

using nlohmann::json;

// LSP CompletionItemKind values.
constexpr int kItemClass = 7;
constexpr int kItemVariable = 6;
constexpr int kItemModule = 9;
constexpr int kItemProperty = 10;
constexpr int kItemKeyword = 14;

// An open `{` before the cursor, with what stands before it on its line.
struct OpenBlock {
  enum Kind { Component, Template, Profile, Settings, Other } kind = Other;
  std::optional<ast::ComponentKind> component;  // Component, and Template on a kind
  std::string name;                             // Settings: the block's name (`compose`, `ecs`)
};

std::optional<ast::ComponentKind> KindNamed(std::string_view word) {
  for (ast::ComponentKind kind : {ast::ComponentKind::App, ast::ComponentKind::Database, ast::ComponentKind::Task,
                                  ast::ComponentKind::Balancer}) {
    if (ast::KindName(kind) == word) return kind;
  }
  return std::nullopt;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::vector<std::string_view> Words(std::string_view header) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && !IsNameChar(header[i])) ++i;
    size_t start = i;
    while (i < header.size() && IsNameChar(header[i])) ++i;
    if (i > start) words.push_back(header.substr(start, i - start));
  }
  return words;
}

// `app web : rails {`, `template t : app {`, `profile test {`, `compose {`;
// anything with `=` before the brace is a map value.
OpenBlock Classify(std::string_view header) {
  OpenBlock block;
  if (header.find('=') != std::string_view::npos) return block;
  std::vector<std::string_view> words = Words(header);
  if (words.empty()) return block;
  if (std::optional<ast::ComponentKind> kind = KindNamed(words[0])) {
    block.kind = OpenBlock::Component;
    block.component = kind;
  } else if (words[0] == "template") {
    block.kind = OpenBlock::Template;
    if (words.size() >= 3) block.component = KindNamed(words[2]);
  } else if (words[0] == "profile") {
    block.kind = OpenBlock::Profile;
  } else if (words.size() == 1) {
    block.kind = OpenBlock::Settings;
    block.name = std::string(words[0]);
  }
  return block;
}

json Item(std::string_view label, int kind, std::string detail, std::string_view documentation = {}) {
  json item = {{"label", label}, {"kind", kind}, {"detail", std::move(detail)}};
  if (!documentation.empty()) item["documentation"] = documentation;
  return item;
}

void AddProperties(const std::vector<PropertySchema>& properties, json& items) {
  for (const PropertySchema& p : properties) items.push_back(Item(p.name, kItemProperty, std::string(TypeName(p.type)), p.doc));
}

void AddNames(const LoadedModules& modules, json& items) {
  for (const ast::Module& module : modules.modules) {
    for (const ast::ComponentDecl& c : module.components) {
      items.push_back(Item(c.name.name, kItemClass, fmt::format("{} {}", ast::KindName(c.kind), c.name.name)));
    }
    for (const ast::ParamDecl& p : module.params) {
      items.push_back(Item(p.name.name, kItemVariable, "param" + (p.type ? ": " + p.type->name : std::string())));
    }
  }
}

std::optional<ast::ComponentKind> KindOfComponent(const LoadedModules& modules, std::string_view name) {
  for (const ast::Module& module : modules.modules) {
    for (const ast::ComponentDecl& c : module.components) {
      if (c.name.name == name) return c.kind;
    }
  }
  return std::nullopt;
}

}  // namespace

json Complete(std::string_view text, uint32_t offset, const LoadedModules& modules) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  // The blocks open at the cursor, skipping strings and comments.
  std::vector<OpenBlock> open;
  size_t line_start = 0;
  bool in_string = false;
  bool in_comment = false;
  for (size_t i = 0; i < offset; ++i) {
    char c = text[i];
    if (c == '\n') {
      line_start = i + 1;
      in_comment = false;
      continue;
    }
    if (in_comment) continue;
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '#') in_comment = true;
    else if (c == '"') in_string = true;
    else if (c == '{') open.push_back(Classify(text.substr(line_start, i - line_start)));
    else if (c == '}' && !open.empty()) open.pop_back();
  }
  json items = json::array();
  if (in_string || in_comment) return items;

  std::string_view before = text.substr(line_start, offset - line_start);
  size_t word_start = before.size();
  while (word_start > 0 && IsNameChar(before[word_start - 1])) --word_start;
  std::string_view lead = before.substr(0, word_start);
  size_t last = lead.find_last_not_of(" \t");
  char previous = last == std::string_view::npos ? '\0' : lead[last];

  // `name.` : the attributes of a component.
  if (previous == '.' && last == lead.size() - 1) {
    size_t subject_start = last;
    while (subject_start > 0 && IsNameChar(lead[subject_start - 1])) --subject_start;
    std::string_view subject = lead.substr(subject_start, last - subject_start);
    if (std::optional<ast::ComponentKind> kind = KindOfComponent(modules, subject)) {
      for (const AttributeSchema& a : SchemaOf(*kind).attributes) {
        items.push_back(Item(a.name, kItemProperty, std::string(TypeName(a.type)), a.doc));
      }
    }
    return items;
  }
  bool starts_line = last == std::string_view::npos || previous == '{' || previous == ',';
  if (!starts_line || previous == ',') {
    // A value: after `=`, in a list, or after a comma in one.
    if (previous == '=' || previous == '[' || previous == ',' || previous == '(') AddNames(modules, items);
    return items;
  }
  if (open.empty()) {
    for (std::string_view keyword : {"stack", "import", "param", "template", "app", "database", "task", "balancer",
                                     "profile"}) {
      items.push_back(Item(keyword, kItemKeyword, "keyword"));
    }
    for (const BlockSchema& settings : AllStackSettings()) {
      items.push_back(Item(settings.name, kItemModule, fmt::format("{} settings of the stack", settings.name), settings.doc));
    }
    return items;
  }
  const OpenBlock& block = open.back();
  if (block.kind == OpenBlock::Profile) {
    AddNames(modules, items);
  } else if ((block.kind == OpenBlock::Component || block.kind == OpenBlock::Template) && block.component) {
    const KindSchema& schema = SchemaOf(*block.component);
    AddProperties(schema.properties, items);
    for (const BlockSchema& b : schema.blocks) {
      items.push_back(Item(b.name, kItemModule, fmt::format("{} settings", b.name), b.doc));
    }
  } else if (block.kind == OpenBlock::Settings) {
    // A target's block in a component, or the stack's own settings.
    const OpenBlock* owner = open.size() >= 2 ? &open[open.size() - 2] : nullptr;
    if (owner && owner->component) {
      if (const BlockSchema* b = SchemaOf(*owner->component).FindBlock(block.name)) AddProperties(b->properties, items);
    } else if (const BlockSchema* settings = FindStackSettings(block.name)) {
      AddProperties(settings->properties, items);
    }
  }
  return items;
}

}  // namespace stackc::lsp
