// The syntax tree of one stack file, with the exact source range of every
// node. Built by frontend/parse; nothing here is checked yet.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/source/source_manager.h"

namespace stackc::ast {

struct Ident {
  std::string name;
  SourceRange range;
};

enum class ComponentKind { App, Database, Task, Balancer };
std::string_view KindName(ComponentKind kind);

enum class ExprKind { String, Int, Unit, Bool, List, Map, Call, Path, Invalid };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A piece of a string literal: either text (escapes already decoded) or a
/// `${path}` interpolation.
struct StringPart {
  bool is_interpolation = false;
  std::string text;
  std::vector<Ident> path;
  SourceRange range;
};

struct MapEntry {
  Ident key;
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::Invalid;
  SourceRange range;
  std::vector<StringPart> parts;  // String
  int64_t int_value = 0;          // Int
  bool bool_value = false;        // Bool
  std::string unit_text;          // Unit: "10Gi", "30s" as written
  std::vector<ExprPtr> items;     // List; Call arguments
  std::vector<MapEntry> entries;  // Map
  std::vector<Ident> path;        // Path: postgres.url, mode, self.user
  Ident callee;                   // Call

  /// True for a string with no interpolation.
  bool IsPlainString() const;
  std::string PlainString() const;
  std::string PathText() const;
};

struct Block;

/// `name = value` or `name { ... }` inside a component, template or block.
struct Member {
  Ident name;
  ExprPtr value;
  std::unique_ptr<Block> block;
  SourceRange range;
};

struct Block {
  std::vector<Member> members;
  SourceRange range;  // from '{' to '}'
};

struct StackDecl {
  Ident name;
  SourceRange range;
};

struct ImportDecl {
  std::string target;  // as written, without quotes
  SourceRange range;   // of the string literal
  SourceRange decl_range;
};

struct ParamDecl {
  Ident name;
  std::optional<Ident> type;
  ExprPtr default_value;
  SourceRange range;
};

struct TemplateDecl {
  Ident name;
  Ident base;  // a kind keyword or another template
  Block body;
  SourceRange range;
};

struct ComponentDecl {
  ComponentKind kind;
  Ident name;
  std::optional<Ident> base;
  Block body;
  SourceRange range;
};

struct Override {
  std::vector<Ident> path;
  ExprPtr value;
  SourceRange range;
};

struct ProfileDecl {
  Ident name;
  std::vector<Override> overrides;
  SourceRange range;
};

/// Stack-level settings of one target: `ecs { cluster = "x" }`. The body
/// is a component body; sema allows only properties in it.
struct SettingsDecl {
  Ident name;
  Block body;
  SourceRange range;
};

struct Module {
  FileId file = kNoFile;
  std::vector<StackDecl> stacks;
  std::vector<ImportDecl> imports;
  std::vector<ParamDecl> params;
  std::vector<TemplateDecl> templates;
  std::vector<ComponentDecl> components;
  std::vector<ProfileDecl> profiles;
  std::vector<SettingsDecl> settings;
};

}  // namespace stackc::ast
