#include "frontend/sema/sema.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "stdlib/stdlib.h"

namespace stackc {
namespace {

using ast::ComponentKind;
using ast::Expr;
using ast::ExprKind;

// "an app", "a database": the noun with its article.
std::string WithArticle(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

// "app 'web'": a component or template as messages name it. Put together by
// hand, because every component needs it and fmt::format costs several
// times as much.
std::string OwnerName(ast::ComponentKind kind, std::string_view name) {
  std::string_view kind_name = ast::KindName(kind);
  std::string owner;
  owner.reserve(kind_name.size() + name.size() + 3);
  owner.append(kind_name).append(" '").append(name).append("'");
  return owner;
}

std::string KindsText(uint8_t mask) {
  std::vector<std::string> names;
  if (mask & kApps) names.push_back("an app");
  if (mask & kDatabases) names.push_back("a database");
  if (mask & kTasks) names.push_back("a task");
  if (mask & kBalancers) names.push_back("a balancer");
  if (names.size() == 4) return "a component";
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text;
}

// The unit suffix of a number literal: "Gi" of "10Gi", "" of "0.5".
std::string_view UnitOf(std::string_view literal) {
  size_t start = literal.find_first_not_of("0123456789.");
  return start == std::string_view::npos ? std::string_view() : literal.substr(start);
}

bool IsScalar(ValueType type) {
  return type == ValueType::String || type == ValueType::Int || type == ValueType::Bool ||
         type == ValueType::Quantity || type == ValueType::Duration || type == ValueType::Secret;
}

bool IsEnvName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool IsSecretName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  // Lower-case letters, digits and '-' map one to one onto the variable
  // names backends derive (db-password -> DB_PASSWORD) and are valid
  // Kubernetes and AWS secret names.
  return IsDnsLabel(name);
}

// The type of a reference, as far as analysis can tell.
struct RefType {
  ValueType type;
  bool secret = false;
  uint8_t kind = 0;  // for Ref: the referenced component's kind
};

// The names a block or map has set so far, to find one set twice. The names
// point into the syntax tree. Blocks and maps are small, and scanning a few
// names costs less than a tree's allocations; a large one gets the tree.
class SeenNames {
 public:
  explicit SeenNames(size_t expected) {
    if (expected <= kScanned) scanned_.reserve(expected);
  }

  // Null when `name` is new (and now recorded), else where it was first set.
  const SourceRange* Insert(std::string_view name, SourceRange range) {
    for (const auto& [seen, first] : scanned_) {
      if (seen == name) return &first;
    }
    if (scanned_.size() < kScanned) {
      scanned_.emplace_back(name, range);
      return nullptr;
    }
    auto [it, inserted] = tree_.emplace(name, range);
    return inserted ? nullptr : &it->second;
  }

 private:
  static constexpr size_t kScanned = 32;
  std::vector<std::pair<std::string_view, SourceRange>> scanned_;  // the first kScanned names
  std::map<std::string_view, SourceRange> tree_;                   // the others
};

class Analyzer {
 public:
  Analyzer(const LoadedModules& loaded, DiagnosticEngine& diags) : loaded_(loaded), diags_(diags) {}

  CheckedStack Run() {
    CollectStack();
    CollectNames();
    // Names are final now; references look components up thousands of times.
    components_by_name_.reserve(result_.components.size());
    for (const auto& [name, component] : result_.components) components_by_name_.emplace(name, &component);
    for (auto& [name, param] : result_.params) CheckParam(param);
    for (const ast::TemplateDecl* t : template_order_) CheckTemplate(*t);
    for (auto& [name, component] : result_.components) BuildComponent(component);
    for (auto& [name, component] : result_.components) CheckRequired(component);
    for (auto& [name, settings] : settings_) CheckSettings(*settings);
    for (auto& [name, profile] : result_.profiles) CheckProfile(*profile);
    return std::move(result_);
  }

 private:
  // ---- Declarations -------------------------------------------------------

  void CollectStack() {
    const ast::Module& main = loaded_.modules.front();
    for (size_t m = 0; m < loaded_.modules.size(); ++m) {
      for (const ast::StackDecl& stack : loaded_.modules[m].stacks) {
        if (m != 0) {
          diags_.Report(DiagKind::MisplacedStackDeclaration, stack.range,
                        "an imported module cannot declare a stack; only the stack file itself does");
          continue;
        }
        if (!result_.name.empty()) {
          diags_.Report(DiagKind::MisplacedStackDeclaration, stack.range, "the stack is already declared")
              .Note(result_.name_range, fmt::format("stack '{}' is declared here", result_.name));
          continue;
        }
        result_.name = stack.name.name;
        result_.name_range = stack.name.range;
        CheckDnsName(stack.name, "stack");
      }
    }
    if (result_.name.empty()) {
      // Point at the first declaration rather than at a leading comment.
      uint32_t first = UINT32_MAX;
      for (const auto& i : main.imports) first = std::min(first, i.decl_range.begin);
      for (const auto& p : main.params) first = std::min(first, p.range.begin);
      for (const auto& t : main.templates) first = std::min(first, t.range.begin);
      for (const auto& c : main.components) first = std::min(first, c.range.begin);
      for (const auto& p : main.profiles) first = std::min(first, p.range.begin);
      for (const auto& s : main.settings) first = std::min(first, s.range.begin);
      if (first == UINT32_MAX) first = 0;
      std::string suggestion = ToDnsLabel(std::filesystem::path(loaded_.disk_files.empty() ? "stack" : loaded_.disk_files.front()).stem().string());
      diags_.Report(DiagKind::MissingStackDeclaration, {main.file, first, first},
                    "missing 'stack NAME' declaration; the name labels and prefixes everything deployed")
          .Fix({main.file, first, first}, fmt::format("stack {}\n", suggestion));
    }
  }

  // result_.FindComponent by hash: a binary search compared long names.
  const CheckedComponent* FindComponent(std::string_view name) const {
    auto it = components_by_name_.find(name);
    return it == components_by_name_.end() ? nullptr : it->second;
  }

  // Templates only appear after ':', so they have a namespace of their own
  // and `database postgres : postgres` reads naturally.
  bool Declare(const ast::Ident& name, std::string_view what) {
    auto& declared = what == "template" ? declared_templates_ : declared_;
    auto [it, inserted] = declared.emplace(name.name, std::make_pair(name.range, what));
    if (inserted) return true;
    diags_.Report(DiagKind::DuplicateName, name.range,
                  fmt::format("'{}' is already declared as {}", name.name, WithArticle(it->second.second)))
        .Note(it->second.first, "previous declaration is here");
    return false;
  }

  void CollectNames() {
    for (const ast::Module& module : loaded_.modules) {
      for (const ast::ParamDecl& param : module.params) {
        if (Declare(param.name, "param")) result_.params[param.name.name] = {&param, ValueType::String};
      }
      for (const ast::TemplateDecl& t : module.templates) {
        if (Declare(t.name, "template")) {
          templates_[t.name.name] = &t;
          template_order_.push_back(&t);
        }
      }
      for (const ast::ComponentDecl& c : module.components) {
        if (!Declare(c.name, ast::KindName(c.kind))) continue;
        CheckDnsName(c.name, ast::KindName(c.kind));
        result_.components[c.name.name] = {&c, c.kind, c.name.name, {}, {}};
      }
      for (const ast::ProfileDecl& p : module.profiles) {
        auto [it, inserted] = result_.profiles.emplace(p.name.name, &p);
        if (!inserted) {
          diags_.Report(DiagKind::DuplicateName, p.name.range,
                        fmt::format("profile '{}' is already declared", p.name.name))
              .Note(it->second->name.range, "previous declaration is here");
        }
      }
      for (const ast::SettingsDecl& s : module.settings) {
        auto [it, inserted] = settings_.emplace(s.name.name, &s);
        if (!inserted) {
          diags_.Report(DiagKind::DuplicateName, s.name.range,
                        fmt::format("the {} settings are already declared", s.name.name))
              .Note(it->second->name.range, "previous declaration is here");
        }
      }
    }
  }

  void CheckDnsName(const ast::Ident& name, std::string_view what) {
    if (IsDnsLabel(name.name)) return;
    std::string fixed = ToDnsLabel(name.name);
    diags_.Report(DiagKind::InvalidDnsName, name.range,
                  name.name.size() > 63
                      ? fmt::format("{} name '{}' is not a valid DNS-1123 label: it has {} characters, at most 63 "
                                    "are allowed",
                                    what, name.name, name.name.size())
                      : fmt::format("{} name '{}' is not a valid DNS-1123 label", what, name.name))
        .Note({}, "names become host names and Kubernetes object names: use at most 63 lower-case letters, "
                  "digits and '-', starting and ending with a letter or digit")
        .Fix(name.range, fixed);
  }

  // ---- Parameters ---------------------------------------------------------

  void CheckParam(CheckedParam& param) {
    const ast::ParamDecl& decl = *param.decl;
    if (decl.type) {
      std::optional<ValueType> type = ParamTypeByName(decl.type->name);
      if (!type) {
        Diagnostic& d = diags_.Report(DiagKind::UnknownType, decl.type->range,
                                      fmt::format("unknown type '{}' for param '{}'", decl.type->name, decl.name.name));
        static const std::map<std::string, std::string> kAliases = {
            {"integer", "int"}, {"number", "int"}, {"boolean", "bool"}, {"str", "string"}, {"text", "string"}};
        std::string suggestion = kAliases.count(decl.type->name)
                                     ? kAliases.at(decl.type->name)
                                     : ClosestMatch(decl.type->name, {"string", "int", "bool", "quantity", "duration"});
        if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(decl.type->range, suggestion);
        d.Note({}, "param types are string, int, bool, quantity and duration");
        poisoned_params_.insert(decl.name.name);
        return;
      }
      param.type = *type;
      if (decl.default_value) {
        Check(*decl.default_value, {param.type, fmt::format("param '{}'", decl.name.name)}, nullptr);
        RequireLiteral(*decl.default_value, decl.name.name);
      }
      return;
    }
    if (!decl.default_value) {
      diags_.Report(DiagKind::UnknownType, decl.name.range,
                    fmt::format("param '{}' needs a type or a default value", decl.name.name))
          .Fix({decl.name.range.file, decl.name.range.end, decl.name.range.end}, ": string");
      poisoned_params_.insert(decl.name.name);
      return;
    }
    const Expr& value = *decl.default_value;
    switch (value.kind) {
      case ExprKind::String: param.type = ValueType::String; break;
      case ExprKind::Int: param.type = ValueType::Int; break;
      case ExprKind::Bool: param.type = ValueType::Bool; break;
      case ExprKind::Unit: {
        std::string_view unit = UnitOf(value.unit_text);
        bool quantity = unit.empty() || IsQuantityUnit(unit), duration = IsDurationUnit(unit);
        if (quantity && duration) {
          diags_.Report(DiagKind::AmbiguousUnit, value.range,
                        fmt::format("'{}' could be a quantity (milli) or a duration (minutes)", value.unit_text))
              .Note({}, fmt::format("declare the type: 'param {}: quantity = {}' or 'param {}: duration = {}'",
                                    decl.name.name, value.unit_text, decl.name.name, value.unit_text));
          poisoned_params_.insert(decl.name.name);
          return;
        }
        param.type = duration ? ValueType::Duration : ValueType::Quantity;
        break;
      }
      default: param.type = ValueType::String; break;
    }
    Check(value, {param.type, fmt::format("param '{}'", decl.name.name)}, nullptr);
    RequireLiteral(value, decl.name.name);
  }

  void RequireLiteral(const Expr& value, std::string_view param) {
    bool literal = value.kind == ExprKind::Int || value.kind == ExprKind::Bool || value.kind == ExprKind::Unit ||
                   value.IsPlainString();
    if (literal || value.kind == ExprKind::Invalid) return;
    diags_.Report(DiagKind::TypeMismatch, value.range,
                  fmt::format("the default of param '{}' must be a literal string, int, bool, quantity or duration", param));
  }

  // ---- Templates and components ----------------------------------------------

  // The chain of templates a base name stands for, most basic first, and
  // the kind it finally names; reports unknown names and cycles.
  std::optional<ComponentKind> ResolveBase(const ast::Ident& base, std::vector<const ast::TemplateDecl*>& chain) {
    static const std::pair<std::string_view, ComponentKind> kKinds[] = {
        {"app", ComponentKind::App}, {"database", ComponentKind::Database},
        {"task", ComponentKind::Task}, {"balancer", ComponentKind::Balancer}};
    const ast::Ident* current = &base;
    std::vector<const ast::TemplateDecl*> visited;
    while (true) {
      for (const auto& [name, kind] : kKinds) {
        if (current->name == name) return kind;
      }
      auto it = templates_.find(current->name);
      if (it == templates_.end()) {
        ReportUnknownTemplate(*current);
        return std::nullopt;
      }
      auto again = std::find(visited.begin(), visited.end(), it->second);
      if (again != visited.end()) {
        ReportTemplateCycle(std::vector<const ast::TemplateDecl*>(again, visited.end()));
        return std::nullopt;
      }
      visited.push_back(it->second);
      chain.insert(chain.begin(), it->second);
      current = &it->second->base;
    }
  }

  void ReportUnknownTemplate(const ast::Ident& name) {
    Diagnostic& d = diags_.Report(DiagKind::UnknownTemplate, name.range, fmt::format("unknown template '{}'", name.name));
    std::vector<std::string> names;
    for (const auto& [declared, t] : templates_) names.push_back(declared);
    std::string suggestion = ClosestMatch(name.name, names);
    if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(name.range, suggestion);
    // A stdlib template the stack forgot to import.
    for (const StdlibModule& module : StdlibModules()) {
      if (module.text.find("template " + name.name + " :") == std::string_view::npos) continue;
      std::string_view import = module.path.substr(0, module.path.size() - std::string_view(".stack").size());
      d.Note({}, fmt::format("template '{}' is defined in {}; add import \"{}\"", name.name, import, import));
      return;
    }
    if (suggestion.empty()) d.Note({}, "a template is declared with 'template NAME : KIND { ... }' or imported");
  }

  // Reported once, from the alphabetically first template on the cycle, so
  // the message does not depend on where the search started.
  void ReportTemplateCycle(std::vector<const ast::TemplateDecl*> cycle) {
    auto first = std::min_element(cycle.begin(), cycle.end(),
                                  [](const auto* a, const auto* b) { return a->name.name < b->name.name; });
    std::rotate(cycle.begin(), first, cycle.end());
    std::string names;
    for (const ast::TemplateDecl* t : cycle) names += t->name.name + " -> ";
    names += cycle.front()->name.name;
    if (!reported_template_cycles_.insert(names).second) return;
    Diagnostic& d = diags_.Report(DiagKind::TemplateCycle, cycle.front()->base.range,
                                  fmt::format("templates extend each other in a cycle: {}", names));
    for (size_t i = 1; i < cycle.size(); ++i) {
      d.Note(cycle[i]->base.range, fmt::format("'{}' extends '{}' here", cycle[i]->name.name, cycle[i]->base.name));
    }
  }

  void CheckTemplate(const ast::TemplateDecl& t) {
    std::vector<const ast::TemplateDecl*> chain;
    std::optional<ComponentKind> kind = ResolveBase(t.base, chain);
    if (!kind) return;
    std::map<std::string, std::vector<const Expr*>, std::less<>> unused;
    CheckBody(t.body, *kind, fmt::format("template '{}'", t.name.name), unused);
  }

  void BuildComponent(CheckedComponent& component) {
    const ast::ComponentDecl& decl = *component.decl;
    if (decl.base) {
      std::optional<ComponentKind> kind = ResolveBase(*decl.base, component.templates);
      if (!kind) {
        component.templates.clear();
        broken_bases_.insert(component.name);
      } else if (*kind != decl.kind) {
        diags_.Report(DiagKind::TemplateKindMismatch, decl.base->range,
                      fmt::format("template '{}' is for {}, but '{}' is {}", decl.base->name,
                                  WithArticle(ast::KindName(*kind)), decl.name.name, WithArticle(ast::KindName(decl.kind))))
            .Note(templates_[decl.base->name]->name.range, fmt::format("template '{}' is declared here", decl.base->name));
        component.templates.clear();
        broken_bases_.insert(component.name);
        // Its body was written for the template's kind; checking it against
        // this one would only repeat the mismatch property by property.
        return;
      }
    }
    // Template bodies were checked on their own; here they only contribute.
    for (const ast::TemplateDecl* t : component.templates) Collect(t->body, "", component.properties);
    std::string owner = OwnerName(decl.kind, decl.name.name);
    size_t errors_before = diags_.error_count();
    CheckBody(decl.body, decl.kind, owner, component.properties);
    // A misspelt property is likely the required one; do not report it missing too.
    if (diags_.error_count() != errors_before) broken_bases_.insert(component.name);
  }

  static void Collect(const ast::Block& body, const std::string& prefix,
                      std::map<std::string, std::vector<const Expr*>, std::less<>>& properties) {
    for (const ast::Member& member : body.members) {
      if (member.value) properties[prefix + member.name.name].push_back(member.value.get());
      if (member.block) Collect(*member.block, prefix + member.name.name + ".", properties);
    }
  }

  // False, with a diagnostic, when `name` was already set in this block.
  bool FirstSetting(std::map<std::string, SourceRange>& seen, const ast::Ident& name, const std::string& where) {
    auto [it, inserted] = seen.emplace(name.name, name.range);
    if (inserted) return true;
    ReportSetTwice(name, it->second, where);
    return false;
  }
  bool FirstSetting(SeenNames& seen, const ast::Ident& name, const std::string& where) {
    const SourceRange* first = seen.Insert(name.name, name.range);
    if (!first) return true;
    ReportSetTwice(name, *first, where);
    return false;
  }

  void ReportSetTwice(const ast::Ident& name, SourceRange first, const std::string& where) {
    diags_.Report(DiagKind::DuplicateProperty, name.range, fmt::format("'{}' is set twice in {}", name.name, where))
        .Note(first, "first set here");
  }

  static std::vector<std::string> PropertyNames(const std::vector<PropertySchema>& properties) {
    std::vector<std::string> names;
    for (const PropertySchema& p : properties) names.push_back(std::string(p.name));
    return names;
  }

  void CheckBody(const ast::Block& body, ComponentKind kind, const std::string& owner,
                 std::map<std::string, std::vector<const Expr*>, std::less<>>& properties) {
    const KindSchema& schema = SchemaOf(kind);
    SeenNames seen(body.members.size());
    for (const ast::Member& member : body.members) {
      if (!FirstSetting(seen, member.name, owner)) continue;
      if (member.block) {
        const BlockSchema* block = schema.FindBlock(member.name.name);
        if (!block) {
          ReportUnknownBlock(member.name, schema, owner);
          continue;
        }
        CheckBlock(*member.block, *block, kind, owner, properties);
        continue;
      }
      const PropertySchema* property = schema.FindProperty(member.name.name);
      if (!property) {
        ReportUnknownProperty(member.name, PropertyNames(schema.properties), owner,
                              schema.FindBlock(member.name.name) != nullptr);
        continue;
      }
      Check(*member.value, ExpectationFor(*property, owner), &kind);
      properties[member.name.name].push_back(member.value.get());
    }
  }

  void CheckBlock(const ast::Block& body, const BlockSchema& block, ComponentKind kind, const std::string& owner,
                  std::map<std::string, std::vector<const Expr*>, std::less<>>& properties) {
    SeenNames seen(body.members.size());
    std::string where = fmt::format("the {} block of {}", block.name, owner);
    for (const ast::Member& member : body.members) {
      if (!FirstSetting(seen, member.name, where)) continue;
      const PropertySchema* property = member.value ? FindProperty(block, member.name.name) : nullptr;
      if (!property) {
        ReportUnknownProperty(member.name, PropertyNames(block.properties), where, false);
        continue;
      }
      Check(*member.value, ExpectationFor(*property, where), &kind);
      properties[std::string(block.name) + "." + member.name.name].push_back(member.value.get());
    }
  }

  void ReportUnknownProperty(const ast::Ident& name, const std::vector<std::string>& names, const std::string& owner,
                             bool is_block) {
    Diagnostic& d = diags_.Report(DiagKind::UnknownProperty, name.range,
                                  fmt::format("unknown property '{}' in {}", name.name, owner));
    if (is_block) {
      d.Note({}, fmt::format("'{}' is a block: write {} {{ ... }}", name.name, name.name));
      return;
    }
    std::string suggestion = ClosestMatch(name.name, names);
    if (!suggestion.empty()) {
      d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(name.range, suggestion);
    } else {
      d.Note({}, fmt::format("the properties are: {}", fmt::join(names, ", ")));
    }
  }

  void ReportUnknownBlock(const ast::Ident& name, const KindSchema& schema, const std::string& owner) {
    Diagnostic& d = diags_.Report(DiagKind::UnknownBlock, name.range,
                                  fmt::format("unknown block '{}' in {}", name.name, owner));
    std::vector<std::string> names;
    for (const BlockSchema& b : schema.blocks) names.push_back(std::string(b.name));
    std::string suggestion = ClosestMatch(name.name, names);
    if (!suggestion.empty()) {
      d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(name.range, suggestion);
    } else if (names.empty()) {
      d.Note({}, fmt::format("{} has no target blocks", WithArticle(ast::KindName(schema.kind))));
    } else {
      d.Note({}, fmt::format("the blocks of {} are: {}", WithArticle(ast::KindName(schema.kind)), fmt::join(names, ", ")));
    }
  }

  void CheckRequired(const CheckedComponent& component) {
    // What a broken template would have set is unknown; one error is enough.
    if (broken_bases_.count(component.name)) return;
    const ast::ComponentDecl& decl = *component.decl;
    auto has = [&](std::string_view name) { return component.properties.count(name) > 0; };
    auto missing = [&](std::string message) {
      diags_.Report(DiagKind::MissingProperty, decl.name.range, std::move(message));
    };
    std::string owner = OwnerName(decl.kind, decl.name.name);
    switch (decl.kind) {
      case ComponentKind::App:
        if (!has("image") && !has("build")) missing(fmt::format("{} needs 'image' or 'build'", owner));
        break;
      case ComponentKind::Database: {
        std::vector<std::string> absent;
        for (std::string_view name : {"image", "port"}) {
          if (!has(name)) absent.push_back(fmt::format("'{}'", name));
        }
        if (!absent.empty()) {
          missing(fmt::format("{} needs {} (or a template such as std/postgres that sets them)", owner,
                              fmt::join(absent, " and ")));
        }
        break;
      }
      case ComponentKind::Task:
        if (!has("command") && !has("from") && !has("image") && !has("build")) {
          missing(fmt::format("{} needs 'command', and 'from', 'image' or 'build'", owner));
        } else if (!has("command")) {
          missing(fmt::format("{} needs 'command'", owner));
        } else if (!has("from") && !has("image") && !has("build")) {
          missing(fmt::format("{} needs 'from', 'image' or 'build'", owner));
        }
        break;
      case ComponentKind::Balancer: {
        if (!has("route")) {
          missing(fmt::format("{} needs 'route'", owner));
          break;
        }
        const Expr* route = component.properties.at("route").back();
        if (route->kind != ExprKind::Path || route->path.size() != 1) break;
        const CheckedComponent* target = FindComponent(route->path[0].name);
        if (target && target->kind == ComponentKind::App && !target->properties.count("port") &&
            !component.properties.count("target_port")) {
          diags_.Report(DiagKind::MissingProperty, route->range,
                        fmt::format("{} routes to app '{}', which sets no 'port'", owner, target->name))
              .Note(target->decl->name.range, fmt::format("app '{}' is declared here", target->name));
        }
        break;
      }
    }
  }

  // ---- Stack-level target settings -----------------------------------------

  void CheckSettings(const ast::SettingsDecl& decl) {
    const BlockSchema* schema = FindStackSettings(decl.name.name);
    if (!schema) {
      ReportUnknownSettings(decl.name);
      return;
    }
    std::string where = fmt::format("the {} settings", schema->name);
    SeenNames seen(decl.body.members.size());
    for (const ast::Member& member : decl.body.members) {
      if (!FirstSetting(seen, member.name, where)) continue;
      if (member.block) {
        diags_.Report(DiagKind::UnknownBlock, member.name.range,
                      fmt::format("unknown block '{}' in {}", member.name.name, where))
            .Note({}, fmt::format("{} hold properties only; blocks go into components", where));
        continue;
      }
      const PropertySchema* property = FindProperty(*schema, member.name.name);
      if (!property) {
        ReportUnknownProperty(member.name, PropertyNames(schema->properties), where, false);
        continue;
      }
      CheckSetting(*member.value, *property, where);
      result_.settings[std::string(schema->name) + "." + member.name.name] = member.value.get();
    }
  }

  // Settings describe the deployment as a whole, so they are known before
  // any component is: they may use params, but not components.
  void CheckSetting(const Expr& value, const PropertySchema& property, const std::string& where) {
    settings_context_ = where;
    Check(value, ExpectationFor(property, where), nullptr);
    settings_context_.clear();
  }

  void ReportUnknownSettings(const ast::Ident& name) {
    std::vector<std::string> names;
    for (const BlockSchema& b : AllStackSettings()) names.push_back(std::string(b.name));
    Diagnostic& d = diags_.Report(DiagKind::UnknownBlock, name.range,
                                  fmt::format("unknown target block '{}' at the top level of the stack", name.name));
    std::string suggestion = ClosestMatch(name.name, names);
    if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(name.range, suggestion);
    bool component_block = false;
    for (const KindSchema& kind : AllSchemas()) component_block = component_block || kind.FindBlock(name.name);
    if (component_block) {
      d.Note({}, fmt::format("'{}' settings go into a component: app NAME {{ {} {{ ... }} }}", name.name, name.name));
    }
    d.Note({}, fmt::format("the targets with stack-level settings are: {}", fmt::join(names, ", ")));
  }

  // ---- Profiles -----------------------------------------------------------

  void CheckProfile(const ast::ProfileDecl& profile) {
    std::map<std::string, SourceRange> seen;
    const std::string where = fmt::format("profile '{}'", profile.name.name);
    for (const ast::Override& o : profile.overrides) {
      SourceRange range{o.path.front().range.file, o.path.front().range.begin, o.path.back().range.end};
      ast::Ident written{"", range};  // the whole path, "web.replicas"
      for (const ast::Ident& segment : o.path) {
        if (!written.name.empty()) written.name += '.';
        written.name += segment.name;
      }
      const std::string& path = written.name;
      if (!FirstSetting(seen, written, where)) continue;
      const ast::Ident& head = o.path.front();
      if (auto param = result_.params.find(head.name); param != result_.params.end()) {
        if (o.path.size() != 1) {
          Diagnostic& d = diags_.Report(DiagKind::UnknownProfilePath, range,
                                        fmt::format("'{}' is a param; a profile sets it as '{} = ...'", head.name, head.name));
          NoteHiddenSettings(d, o.path, fmt::format("param '{}'", head.name));
          continue;
        }
        Check(*o.value, {param->second.type, fmt::format("param '{}'", head.name)}, nullptr);
        continue;
      }
      const CheckedComponent* component = FindComponent(head.name);
      if (!component) {
        if (const BlockSchema* settings = FindStackSettings(head.name)) {
          CheckSettingOverride(profile, o, *settings, range);
          continue;
        }
        std::vector<std::string> names;
        for (const auto& [name, p] : result_.params) names.push_back(name);
        for (const auto& [name, c] : result_.components) names.push_back(name);
        for (const BlockSchema& b : AllStackSettings()) names.push_back(std::string(b.name));
        Diagnostic& d = diags_.Report(DiagKind::UnknownProfilePath, head.range,
                                      fmt::format("profile '{}' sets '{}', which is neither a param, a component nor a target's settings",
                                                  profile.name.name, path));
        std::string suggestion = ClosestMatch(head.name, names);
        if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(head.range, suggestion);
        continue;
      }
      const KindSchema& schema = SchemaOf(component->kind);
      std::string owner = OwnerName(component->kind, component->name);
      const PropertySchema* property = nullptr;
      // The properties the path could have named, for a suggestion.
      const std::vector<PropertySchema>* candidates = nullptr;
      if (o.path.size() == 2) {
        property = schema.FindProperty(o.path[1].name);
        candidates = &schema.properties;
      } else if (o.path.size() == 3) {
        if (const BlockSchema* block = schema.FindBlock(o.path[1].name)) {
          property = FindProperty(*block, o.path[2].name);
          candidates = &block->properties;
        }
      }
      if (!property) {
        std::vector<std::string> names = candidates ? PropertyNames(*candidates) : std::vector<std::string>{};
        const ast::Ident& last = o.path.size() >= 2 ? o.path.back() : head;
        Diagnostic& d = diags_.Report(
            DiagKind::UnknownProfilePath, o.path.size() >= 2 ? last.range : range,
            o.path.size() == 1 ? fmt::format("'{}' is {}; name one of its properties, e.g. '{}.{}'", head.name,
                                             WithArticle(ast::KindName(component->kind)), head.name, schema.properties.front().name)
                               : fmt::format("profile '{}' sets '{}', but {} has no such property", profile.name.name,
                                             path, owner));
        std::string suggestion = o.path.size() >= 2 ? ClosestMatch(last.name, names) : "";
        if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(last.range, suggestion);
        NoteHiddenSettings(d, o.path, owner);
        continue;
      }
      ComponentKind kind = component->kind;
      Check(*o.value, ExpectationFor(*property, owner), &kind);
    }
  }

  // `ecs.launch_type = "ec2"`: a setting of a target, when no param or
  // component is called like the target.
  void CheckSettingOverride(const ast::ProfileDecl& profile, const ast::Override& o, const BlockSchema& settings,
                            SourceRange range) {
    std::string where = fmt::format("the {} settings", settings.name);
    const ast::Ident& head = o.path.front();
    const PropertySchema* property = o.path.size() == 2 ? FindProperty(settings, o.path[1].name) : nullptr;
    if (property) {
      CheckSetting(*o.value, *property, where);
      return;
    }
    if (o.path.size() != 2) {
      diags_.Report(DiagKind::UnknownProfilePath, range,
                    fmt::format("'{}' names {}; name one of them, e.g. '{}.{}'", head.name, where, head.name,
                                settings.properties.front().name));
      return;
    }
    const ast::Ident& last = o.path[1];
    Diagnostic& d = diags_.Report(DiagKind::UnknownProfilePath, last.range,
                                  fmt::format("profile '{}' sets '{}.{}', but {} have no such setting",
                                              profile.name.name, head.name, last.name, where));
    std::string suggestion = ClosestMatch(last.name, PropertyNames(settings.properties));
    if (!suggestion.empty()) {
      d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(last.range, suggestion);
    } else {
      d.Note({}, fmt::format("the settings are: {}", fmt::join(PropertyNames(settings.properties), ", ")));
    }
  }

  // A param or component named like a target hides that target's settings
  // from profiles: say so when the path would have named a setting.
  static void NoteHiddenSettings(Diagnostic& d, const std::vector<ast::Ident>& path, const std::string& owner) {
    const BlockSchema* settings = FindStackSettings(path.front().name);
    if (!settings || path.size() != 2 || !FindProperty(*settings, path[1].name)) return;
    d.Note({}, fmt::format("{} hides the {} settings in profiles; rename it to override '{}.{}'", owner,
                           settings->name, settings->name, path[1].name));
  }

  // ---- Expressions --------------------------------------------------------

  // Resolves a reference. `self_kind` is the kind of the component the
  // expression belongs to, or null outside components.
  std::optional<RefType> Resolve(const std::vector<ast::Ident>& path, const ComponentKind* self_kind) {
    if (path.empty()) return std::nullopt;
    const ast::Ident& head = path.front();
    SourceRange whole{head.range.file, head.range.begin, path.back().range.end};
    if (head.name == "self") {
      if (!self_kind) {
        diags_.Report(DiagKind::InvalidSelfReference, head.range,
                      "'self' can only be used inside a component or template");
        return std::nullopt;
      }
      const KindSchema& schema = SchemaOf(*self_kind);
      const PropertySchema* property = path.size() == 2 ? schema.FindProperty(path[1].name) : nullptr;
      if (!property) {
        Diagnostic& d = diags_.Report(
            DiagKind::InvalidSelfReference, whole,
            fmt::format("'self' must be followed by one property of {}", WithArticle(ast::KindName(*self_kind))));
        if (path.size() == 2) {
          std::vector<std::string> names;
          for (const PropertySchema& p : schema.properties) names.push_back(std::string(p.name));
          std::string suggestion = ClosestMatch(path[1].name, names);
          if (!suggestion.empty()) d.Note({}, fmt::format("did you mean 'self.{}'?", suggestion)).Fix(path[1].range, suggestion);
        }
        return std::nullopt;
      }
      return RefType{property->type, property->secret_ok, 0};
    }
    if (auto param = result_.params.find(head.name); param != result_.params.end()) {
      // Its type is unknown and already reported; guessing one would only
      // produce errors that are consequences of the first.
      if (poisoned_params_.count(head.name)) return std::nullopt;
      if (path.size() > 1) {
        diags_.Report(DiagKind::UnknownAttribute, path[1].range,
                      fmt::format("param '{}' has no attributes", head.name));
        return std::nullopt;
      }
      return RefType{param->second.type, false, 0};
    }
    if (const CheckedComponent* component = FindComponent(head.name)) {
      if (!settings_context_.empty()) {
        diags_.Report(DiagKind::TypeMismatch, whole,
                      fmt::format("{} cannot use {} '{}'; they may use params only", settings_context_,
                                  ast::KindName(component->kind), component->name))
            .Note(component->decl->name.range, fmt::format("'{}' is declared here", component->name));
        return std::nullopt;
      }
      if (path.size() == 1) return RefType{ValueType::Ref, false, MaskOf(component->kind)};
      const KindSchema& schema = SchemaOf(component->kind);
      const AttributeSchema* attribute = path.size() == 2 ? schema.FindAttribute(path[1].name) : nullptr;
      if (!attribute) {
        std::vector<std::string> names;
        for (const AttributeSchema& a : schema.attributes) names.push_back(std::string(a.name));
        const ast::Ident& bad = path[1];
        Diagnostic& d = diags_.Report(
            DiagKind::UnknownAttribute, path.size() == 2 ? bad.range : whole,
            path.size() == 2 ? fmt::format("{} '{}' has no attribute '{}'", ast::KindName(component->kind),
                                           component->name, bad.name)
                             : fmt::format("'{}' goes too deep: a reference is NAME or NAME.ATTRIBUTE",
                                           [&] { std::string t; for (auto& s : path) t += (t.empty() ? "" : ".") + s.name; return t; }()));
        std::string suggestion = path.size() == 2 ? ClosestMatch(bad.name, names) : "";
        if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(bad.range, suggestion);
        if (names.empty()) {
          d.Note({}, fmt::format("{} exports no attributes", WithArticle(ast::KindName(component->kind))));
        } else {
          d.Note({}, fmt::format("{} exports: {}", WithArticle(ast::KindName(component->kind)), fmt::join(names, ", ")));
        }
        return std::nullopt;
      }
      bool secret = component->kind == ComponentKind::Database && (attribute->name == "password" || attribute->name == "url");
      return RefType{attribute->type, secret, 0};
    }
    if (templates_.count(head.name)) {
      diags_.Report(DiagKind::TypeMismatch, head.range,
                    fmt::format("'{}' is a template, not a value; declare a component from it", head.name));
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (const auto& [name, p] : result_.params) names.push_back(name);
    for (const auto& [name, c] : result_.components) names.push_back(name);
    Diagnostic& d = diags_.Report(DiagKind::UnknownName, head.range, fmt::format("unknown name '{}'", head.name));
    std::string suggestion = ClosestMatch(head.name, names);
    if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion)).Fix(head.range, suggestion);
    return std::nullopt;
  }

  void Mismatch(const Expr& e, const Expectation& want, std::string found) {
    Diagnostic& d = diags_.Report(DiagKind::TypeMismatch, e.range,
                                  fmt::format("{} expects {}, found {}", want.What(), DescribeType(want.type), found));
    if (want.type == ValueType::String && e.kind == ExprKind::Int) {
      d.Fix(e.range, fmt::format("\"{}\"", e.int_value));
    }
    if (want.type == ValueType::Int && e.IsPlainString()) {
      std::string text = e.PlainString();
      bool digits = !text.empty() && text.size() < 19 &&
                    std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
      if (digits) d.Fix(e.range, text);
    }
  }

  void Check(const Expr& e, const Expectation& want, const ComponentKind* self_kind, bool env_value = false) {
    auto accepts = [&](ValueType got) {
      if (env_value) return IsScalar(got) && got != ValueType::Secret;
      if (got == want.type) return true;
      return want.type == ValueType::Quantity && got == ValueType::Int;
    };
    switch (e.kind) {
      case ExprKind::Invalid:
        return;
      case ExprKind::String: {
        for (const ast::StringPart& part : e.parts) {
          if (!part.is_interpolation) continue;
          std::optional<RefType> type = Resolve(part.path, self_kind);
          if (!type) continue;
          if (!IsScalar(type->type)) {
            diags_.Report(DiagKind::TypeMismatch, part.range,
                          fmt::format("cannot interpolate {} into a string", DescribeType(type->type)));
          } else if ((type->secret || type->type == ValueType::Secret) && !want.secret_ok) {
            diags_.Report(DiagKind::TypeMismatch, part.range,
                          fmt::format("{} cannot hold a secret; it would be written into the output", want.What()));
          }
        }
        if (!accepts(ValueType::String)) return Mismatch(e, want, "a string");
        if (!want.allowed.empty() && e.IsPlainString()) {
          std::string value = e.PlainString();
          bool ok = std::find(want.allowed.begin(), want.allowed.end(), value) != want.allowed.end();
          if (!ok) {
            std::vector<std::string> allowed(want.allowed.begin(), want.allowed.end());
            Diagnostic& d = diags_.Report(DiagKind::InvalidValue, e.range,
                                          fmt::format("\"{}\" is not allowed for {}", value, want.What()));
            std::string suggestion = ClosestMatch(value, allowed);
            if (!suggestion.empty()) {
              d.Note({}, fmt::format("did you mean \"{}\"?", suggestion)).Fix(e.range, fmt::format("\"{}\"", suggestion));
            }
            d.Note({}, fmt::format("allowed values: \"{}\"", fmt::join(allowed, "\", \"")));
          }
        }
        // An interpolated value is known only per profile; the IR checks it.
        if (e.IsPlainString()) {
          std::string value = e.PlainString();
          std::string_view problem = FormatProblem(want.format, value);
          if (!problem.empty()) {
            diags_.Report(DiagKind::InvalidValue, e.range,
                          fmt::format("{} must be {}, found \"{}\"", want.What(), problem, value));
          }
        }
        return;
      }
      case ExprKind::Int:
        if (!accepts(ValueType::Int)) return Mismatch(e, want, "an int");
        if (want.type == ValueType::Quantity && e.int_value < 0) {
          diags_.Report(DiagKind::InvalidValue, e.range, fmt::format("{} must not be negative", want.What()));
          return;
        }
        if (want.type == ValueType::Int && (e.int_value < want.min || e.int_value > want.max)) {
          diags_.Report(DiagKind::InvalidValue, e.range,
                        fmt::format("{} must be between {} and {}, found {}", want.What(), want.min, want.max, e.int_value));
        }
        return;
      case ExprKind::Bool:
        if (!accepts(ValueType::Bool)) Mismatch(e, want, "a bool");
        return;
      case ExprKind::Unit: {
        std::string_view unit = UnitOf(e.unit_text);
        ValueType as = want.type == ValueType::Duration ? ValueType::Duration : ValueType::Quantity;
        std::string found = unit.empty() ? "a decimal number"
                            : IsDurationUnit(unit) && !IsQuantityUnit(unit) ? "a duration"
                            : IsQuantityUnit(unit) && !IsDurationUnit(unit) ? "a quantity"
                                                                           : "a quantity or duration";
        if (!env_value && want.type != ValueType::Quantity && want.type != ValueType::Duration) {
          return Mismatch(e, want, found);
        }
        if (!env_value && ((as == ValueType::Quantity && found == "a duration") ||
                           (as == ValueType::Duration && (found == "a quantity" || unit.empty())))) {
          return Mismatch(e, want, found);
        }
        if (unit.empty()) return;
        bool ok = as == ValueType::Duration ? IsDurationUnit(unit) : (IsQuantityUnit(unit) || (IsDurationUnit(unit) && env_value));
        if (!ok) {
          diags_.Report(DiagKind::InvalidUnit, e.range,
                        fmt::format("unknown {} unit '{}' in '{}'", as == ValueType::Duration ? "duration" : "quantity",
                                    unit, e.unit_text))
              .Note({}, as == ValueType::Duration ? "duration units are ms, s, m and h"
                                                  : "quantity units are m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi and Ei");
        }
        return;
      }
      case ExprKind::List: {
        ValueType item;
        if (want.type == ValueType::StringList) item = ValueType::String;
        else if (want.type == ValueType::RefList) item = ValueType::Ref;
        else return Mismatch(e, want, "a list");
        Expectation inner = want;
        inner.type = item;
        for (const ast::ExprPtr& element : e.items) Check(*element, inner, self_kind);
        return;
      }
      case ExprKind::Map: {
        if (want.type != ValueType::Env) return Mismatch(e, want, "a map");
        // Described only for a message.
        SeenNames seen(e.entries.size());
        for (const ast::MapEntry& entry : e.entries) {
          if (const SourceRange* first = seen.Insert(entry.key.name, entry.key.range)) {
            ReportSetTwice(entry.key, *first, want.What());
            continue;
          }
          if (!IsEnvName(entry.key.name)) {
            diags_.Report(DiagKind::InvalidValue, entry.key.range,
                          fmt::format("'{}' is not a valid environment variable name", entry.key.name))
                .Note({}, "use letters, digits and '_', not starting with a digit");
          }
          Expectation inner = Expectation::ForEntry(want, entry.key.name);
          inner.type = ValueType::String;
          Check(*entry.value, inner, self_kind, true);
        }
        return;
      }
      case ExprKind::Call: {
        if (e.callee.name != "secret") {
          Diagnostic& d = diags_.Report(DiagKind::UnknownFunction, e.callee.range,
                                        fmt::format("unknown function '{}'", e.callee.name));
          std::string suggestion = ClosestMatch(e.callee.name, {"secret"});
          if (!suggestion.empty()) d.Note({}, "did you mean 'secret'?").Fix(e.callee.range, "secret");
          else d.Note({}, "the only function is secret(\"name\")");
          return;
        }
        if (e.items.size() != 1 || !e.items[0]->IsPlainString()) {
          Diagnostic& d = diags_.Report(DiagKind::InvalidArguments, e.range,
                                        "secret(...) takes exactly one name in quotes, e.g. secret(\"db-password\")");
          if (e.items.size() == 1 && e.items[0]->kind == ExprKind::Path) {
            d.Fix(e.items[0]->range, fmt::format("\"{}\"", e.items[0]->PathText()));
          }
          return;
        }
        std::string name = e.items[0]->PlainString();
        if (!IsSecretName(name)) {
          diags_.Report(DiagKind::InvalidValue, e.items[0]->range,
                        fmt::format("secret name \"{}\" must be 1 to 63 lower-case letters, digits and '-', starting and "
                                    "ending with a letter or digit",
                                    name))
              .Fix(e.items[0]->range, fmt::format("\"{}\"", ToDnsLabel(name)));
        }
        if (!want.secret_ok) {
          diags_.Report(DiagKind::TypeMismatch, e.range,
                        fmt::format("{} cannot hold a secret; it would be written into the output", want.What()));
        } else if (!env_value && want.type != ValueType::String) {
          Mismatch(e, want, "a secret");
        }
        return;
      }
      case ExprKind::Path: {
        std::optional<RefType> type = Resolve(e.path, self_kind);
        if (!type) return;
        if (type->type == ValueType::Ref) {
          if (want.type != ValueType::Ref) {
            const CheckedComponent* target = FindComponent(e.path[0].name);
            std::string found = fmt::format("{} '{}'", ast::KindName(target->kind), target->name);
            Diagnostic& d = diags_.Report(DiagKind::TypeMismatch, e.range,
                                          fmt::format("{} expects {}, found {}", want.What(), DescribeType(want.type), found));
            if (want.type == ValueType::RefList) d.Fix(e.range, fmt::format("[{}]", e.PathText()));
            if (target->kind == ComponentKind::Database && IsScalar(want.type)) {
              d.Note({}, fmt::format("use one of its attributes, e.g. {}.url or {}.host", target->name, target->name));
            }
            return;
          }
          if (!(type->kind & want.ref_kinds)) {
            const CheckedComponent* target = FindComponent(e.path[0].name);
            diags_.Report(DiagKind::TypeMismatch, e.range,
                          fmt::format("{} expects {}, found {} '{}'", want.What(), KindsText(want.ref_kinds),
                                      ast::KindName(target->kind), target->name))
                .Note(target->decl->name.range, fmt::format("'{}' is declared here", target->name));
          }
          return;
        }
        if (type->secret && !want.secret_ok) {
          diags_.Report(DiagKind::TypeMismatch, e.range,
                        fmt::format("{} cannot hold '{}', which may contain a secret", want.What(), e.PathText()));
          return;
        }
        if (!accepts(type->type)) Mismatch(e, want, fmt::format("{} ('{}')", DescribeType(type->type), e.PathText()));
        return;
      }
    }
  }

  const LoadedModules& loaded_;
  DiagnosticEngine& diags_;
  CheckedStack result_;
  // By name (in the syntax tree): where it was declared, and as what (a
  // literal or a kind's name).
  std::map<std::string_view, std::pair<SourceRange, std::string_view>> declared_;
  std::map<std::string_view, std::pair<SourceRange, std::string_view>> declared_templates_;
  std::set<std::string> broken_bases_;  // components not to report missing properties of
  std::set<std::string> poisoned_params_;  // params whose type could not be determined
  std::set<std::string> reported_template_cycles_;  // components whose template chain failed
  std::map<std::string, const ast::TemplateDecl*> templates_;
  // Keys point into result_.components, whose names are set by CollectNames.
  std::unordered_map<std::string_view, const CheckedComponent*> components_by_name_;
  std::vector<const ast::TemplateDecl*> template_order_;
  std::map<std::string, const ast::SettingsDecl*> settings_;  // by target, first declaration
  std::string settings_context_;  // "the ecs settings" while checking one; empty elsewhere
};

}  // namespace

const CheckedComponent* CheckedStack::FindComponent(std::string_view wanted) const {
  auto it = components.find(wanted);
  return it == components.end() ? nullptr : &it->second;
}

std::string Expectation::What() const {
  if (outer_) return fmt::format("'{}' in {}", name_, outer_->What());
  if (!name_.empty()) return fmt::format("'{}' of {}", name_, owner_);
  return what_;
}

Expectation Expectation::ForProperty(ValueType expected, std::string_view property, std::string_view owner) {
  Expectation e{expected, std::string()};
  e.name_ = property;
  e.owner_ = owner;
  return e;
}

Expectation Expectation::ForEntry(const Expectation& map, std::string_view key) {
  Expectation e = map;
  e.what_.clear();
  e.name_ = key;
  e.owner_ = {};
  e.outer_ = &map;
  return e;
}

Expectation ExpectationFor(const PropertySchema& property, std::string_view owner) {
  Expectation e = Expectation::ForProperty(property.type, property.name, owner);
  e.secret_ok = property.secret_ok;
  e.ref_kinds = property.ref_kinds;
  e.allowed = property.allowed;
  e.min = property.min;
  e.max = property.max;
  e.format = property.format;
  return e;
}

std::string DescribeType(ValueType type) {
  switch (type) {
    case ValueType::Int: return "an int";
    case ValueType::Ref: return "a reference to a component";
    case ValueType::StringList: return "a list of strings";
    case ValueType::RefList: return "a list of components";
    default: return fmt::format("a {}", TypeName(type));
  }
}

CheckedStack Analyze(const LoadedModules& modules, DiagnosticEngine& diags) {
  if (modules.modules.empty()) return {};
  return Analyzer(modules, diags).Run();
}

}  // namespace stackc
