// Semantic analysis: names, templates, properties, types and references of a
// loaded stack, checked against the schema tables. The result still holds
// expressions; frontend/../ir evaluates them per profile.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/diag/diagnostic.h"
#include "frontend/load/loader.h"
#include "frontend/sema/schema.h"

namespace stackc {

struct CheckedParam {
  const ast::ParamDecl* decl;
  ValueType type;
};

struct CheckedComponent {
  const ast::ComponentDecl* decl;
  ast::ComponentKind kind;
  std::string name;
  /// Templates the component is built from, the most basic first.
  std::vector<const ast::TemplateDecl*> templates;
  /// Property name ("replicas", or "compose.source_mount" in a block) to the
  /// expressions that set it, templates first. The last one wins, except for
  /// maps, whose entries merge.
  std::map<std::string, std::vector<const ast::Expr*>, std::less<>> properties;
};

struct CheckedStack {
  std::string name;
  SourceRange name_range;
  std::map<std::string, CheckedParam, std::less<>> params;
  std::map<std::string, CheckedComponent, std::less<>> components;
  std::map<std::string, const ast::ProfileDecl*> profiles;
  /// Stack-level target settings ("ecs.cluster") to the expression that sets
  /// them in a settings block. Profiles and schema defaults come on top in
  /// the IR.
  std::map<std::string, const ast::Expr*> settings;

  const CheckedComponent* FindComponent(std::string_view name) const;
};

/// Checks everything that does not depend on a profile or --set value.
CheckedStack Analyze(const LoadedModules& modules, DiagnosticEngine& diags);

/// What a place in the stack expects: a type and its constraints. Shared with
/// the IR, which checks --set values against parameter types.
struct Expectation {
  Expectation(ValueType expected, std::string description) : type(expected), what_(std::move(description)) {}

  ValueType type;
  bool secret_ok = false;
  uint8_t ref_kinds = kAnyComponent;
  std::span<const std::string_view> allowed;  // the schema's, which lives as long as the program
  int64_t min = INT64_MIN;
  int64_t max = INT64_MAX;
  TextFormat format = TextFormat::Any;

  /// "'replicas' of app 'web'", for messages.
  std::string What() const;

  /// A property of `owner` ("app 'web'"); both outlive the expectation.
  static Expectation ForProperty(ValueType expected, std::string_view property, std::string_view owner);
  /// The entry `key` of the map `map` expects: "'KEY' in 'env' of app
  /// 'web'". `key` and `map` outlive the expectation.
  static Expectation ForEntry(const Expectation& map, std::string_view key);

 private:
  // Messages are rare and a large stack checks thousands of values, so the
  // description is put together only when a message asks for it: either
  // whole in `what_`, or "'NAME' of OWNER" or "'NAME' in <outer>".
  std::string what_;
  std::string_view name_;
  std::string_view owner_;
  const Expectation* outer_ = nullptr;
};
Expectation ExpectationFor(const PropertySchema& property, std::string_view owner);

/// "a string", "an int": the type with its article, for messages.
std::string DescribeType(ValueType type);

}  // namespace stackc
