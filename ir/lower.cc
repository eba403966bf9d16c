#include "ir/lower.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

namespace stackc::ir {
namespace {

using ast::Expr;
using ast::ExprKind;

// The names point into the syntax tree, which outlives the lowering: a
// large stack makes tens of thousands of references.
struct Reference {
  std::string_view component;
  std::string_view attribute;
  SourceRange origin;
};

// One component's properties as evaluated so far (memoized), and the
// references to other components each property's expressions made. Small
// maps per component: keys of "component.property" in one map for the whole
// stack made every lookup compare long common prefixes in a deep tree.
struct ComponentState {
  std::map<std::string, Value, std::less<>> values;
  std::map<std::string, std::vector<Reference>, std::less<>> references;
};

// A value being evaluated: a component's property, or a param when
// `component` is null. The name outlives the evaluation (it points into the
// syntax tree, the checked stack, the overrides or a literal).
struct Evaluating {
  const CheckedComponent* component;
  std::string_view name;

  std::string Describe() const {
    return component ? component->name + "." + std::string(name) : "param " + std::string(name);
  }
  bool operator==(const Evaluating& other) const { return component == other.component && name == other.name; }
};

// A schema default of a component kind, keyed as in Component::properties.
struct Default {
  std::string key;
  Value value;
};

class Lowerer {
 public:
  Lowerer(const CheckedStack& checked, const LowerOptions& options, DiagnosticEngine& diags)
      : checked_(checked), options_(options), diags_(diags) {}

  std::unique_ptr<Stack> Run() {
    size_t errors_before = diags_.error_count();
    states_.reserve(checked_.components.size());
    by_name_.reserve(checked_.components.size() + checked_.params.size());
    for (const auto& [name, checked] : checked_.components) {
      states_.try_emplace(&checked);
      by_name_[name].component = &checked;
    }
    for (const auto& [name, param] : checked_.params) by_name_[name].param = &name;
    const ast::ProfileDecl* profile = FindProfile();
    if (!options_.profile.empty() && !profile) return nullptr;
    CollectOverrides(profile);
    ResolveParams();
    if (diags_.error_count() != errors_before) return nullptr;

    // Every property that is set, in a template, the component or the
    // profile, is evaluated first; values are memoized and read by the
    // properties of other components, so they are moved into the components
    // only once all are done.
    std::vector<std::vector<std::string_view>> set_properties;
    set_properties.reserve(checked_.components.size());
    for (const auto& [name, checked] : checked_.components) {
      std::vector<std::string_view>& names = set_properties.emplace_back();
      names.reserve(checked.properties.size());
      for (const auto& [property, layers] : checked.properties) names.push_back(property);
      // The paths under the prefix are contiguous in the sorted map: a scan
      // of every override per component was quadratic with a profile that
      // overrides most components.
      size_t own = names.size();
      if (!overrides_.empty()) {
        std::string prefix = name + ".";
        for (auto it = overrides_.lower_bound(prefix); it != overrides_.end() && it->first.starts_with(prefix); ++it) {
          names.push_back(std::string_view(it->first).substr(prefix.size()));
        }
      }
      if (names.size() > own) {
        std::sort(names.begin() + static_cast<std::ptrdiff_t>(own), names.end());
        std::inplace_merge(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(own), names.end());
        names.erase(std::unique(names.begin(), names.end()), names.end());
      }
      for (std::string_view property : names) Property(checked, property);
    }

    std::vector<Component> components;
    components.reserve(checked_.components.size());
    size_t index = 0;
    for (const auto& [name, checked] : checked_.components) {
      Component c{checked.kind, name, checked.decl->name.range, checked.decl->body.range, {}};
      ComponentState& state = states_[&checked];
      for (std::string_view property : set_properties[index++]) {
        auto it = state.values.find(property);
        if (it == state.values.end() || it->second.is_none()) continue;
        // The memo's node itself, key and value, with no copy: nothing
        // reads a component's memo once its properties are taken (settings
        // use no component, edges only the references).
        c.properties.insert(c.properties.end(), state.values.extract(it));
      }
      AddDefaults(c);
      components.push_back(std::move(c));
    }
    InheritFromApps(components);

    auto stack = std::make_unique<Stack>(std::move(components));
    stack->name = checked_.name;
    stack->profile = options_.profile;
    stack->params = params_;
    stack->settings = Settings();
    AddEdges(*stack);
    if (diags_.error_count() != errors_before) return nullptr;
    if (!ReportCycle(*stack)) return nullptr;
    return stack;
  }

 private:
  // ---- Profile and parameters ---------------------------------------------

  const ast::ProfileDecl* FindProfile() {
    if (options_.profile.empty()) return nullptr;
    auto it = checked_.profiles.find(options_.profile);
    if (it != checked_.profiles.end()) return it->second;
    std::vector<std::string> names;
    for (const auto& [name, p] : checked_.profiles) names.push_back(name);
    Diagnostic& d = diags_.Report(DiagKind::UnknownProfile, {},
                                  fmt::format("the stack declares no profile '{}'", options_.profile));
    std::string suggestion = ClosestMatch(options_.profile, names);
    if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion));
    d.Note({}, names.empty() ? std::string("the stack declares no profiles")
                             : fmt::format("the profiles are: {}", fmt::join(names, ", ")));
    return nullptr;
  }

  void CollectOverrides(const ast::ProfileDecl* profile) {
    if (!profile) return;
    for (const ast::Override& o : profile->overrides) {
      std::string key;
      for (size_t i = 0; i < o.path.size(); ++i) key += (i ? "." : "") + o.path[i].name;
      overrides_[key] = o.value.get();
    }
  }

  void ResolveParams() {
    std::map<std::string, std::string> sets;
    for (const auto& [name, text] : options_.sets) {
      auto it = checked_.params.find(name);
      if (it == checked_.params.end()) {
        std::vector<std::string> names;
        for (const auto& [n, p] : checked_.params) names.push_back(n);
        Diagnostic& d = diags_.Report(DiagKind::UnknownSetName, {},
                                      fmt::format("--set {}: the stack declares no param '{}'", name, name));
        std::string suggestion = ClosestMatch(name, names);
        if (!suggestion.empty()) d.Note({}, fmt::format("did you mean '{}'?", suggestion));
        if (!names.empty()) d.Note({}, fmt::format("the params are: {}", fmt::join(names, ", ")));
        continue;
      }
      sets_[name] = text;
    }
    for (const auto& [name, param] : checked_.params) Param(name);
  }

  // A param's value: --set, else the profile, else the default. Evaluated
  // on first use, because a profile may define one param through another.
  // A reference into params_ (a map, so it stays valid), or to None.
  const Value& Param(const std::string& name) {
    static const Value kNone;
    if (auto it = params_.find(name); it != params_.end()) return it->second;
    const CheckedParam& param = checked_.params.at(name);
    if (auto set = sets_.find(name); set != sets_.end()) {
      std::optional<Value> value = ParseSet(name, param.type, set->second);
      return params_[name] = value.value_or(Value{});
    }
    const Expr* source = param.decl->default_value.get();
    if (auto o = overrides_.find(name); o != overrides_.end()) source = o->second;
    if (!source) {
      diags_.Report(DiagKind::ParamWithoutValue, param.decl->name.range, fmt::format("param '{}' has no value", name))
          .Note({}, fmt::format("give it a default, set it in a profile, or pass --set {}=VALUE", name));
      return params_[name] = Value{};
    }
    if (!BeginEvaluation({nullptr, name}, source->range)) return kNone;
    bool outer_duration_context = duration_context_;
    duration_context_ = param.type == ValueType::Duration;
    Value value = Evaluate(*source, nullptr, nullptr);
    AsType(value, param.type);
    duration_context_ = outer_duration_context;
    EndEvaluation();
    return params_[name] = std::move(value);
  }

  // Values are evaluated on demand; a value met again while it is being
  // evaluated is defined through itself.
  bool BeginEvaluation(const Evaluating& key, SourceRange use) {
    auto start = std::find(evaluating_.begin(), evaluating_.end(), key);
    if (start == evaluating_.end()) {
      evaluating_.push_back(key);
      return true;
    }
    if (!value_cycle_reported_) {
      value_cycle_reported_ = true;
      std::string chain;
      for (auto it = start; it != evaluating_.end(); ++it) chain += it->Describe() + " -> ";
      std::string described = key.Describe();
      diags_.Report(DiagKind::ValueCycle, use,
                    fmt::format("'{}' is defined through itself: {}{}", described, chain, described));
    }
    return false;
  }
  void EndEvaluation() { evaluating_.pop_back(); }

  ComponentState& StateOf(const CheckedComponent& component) { return states_[&component]; }

  // checked_.FindComponent by hash: references name components thousands
  // of times in a large stack.
  const CheckedComponent* FindComponent(std::string_view name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second.component;
  }

  // An int where a quantity is expected is a number of base units. In
  // place: every property passes through here, and a value is 160 bytes.
  static void AsType(Value& value, ValueType type) {
    if (type == ValueType::Quantity && value.kind == Value::Kind::Int) {
      value.kind = Value::Kind::Quantity;
      value.amount = static_cast<double>(value.number);
      value.literal = std::to_string(value.number);
    }
  }

  std::optional<Value> ParseSet(const std::string& name, ValueType type, const std::string& text) {
    Value v;
    bool ok = true;
    switch (type) {
      case ValueType::Int: {
        int64_t number = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        ok = ec == std::errc() && ptr == text.data() + text.size();
        v = Value::Int(number);
        break;
      }
      case ValueType::Bool:
        ok = text == "true" || text == "false";
        v = Value::Bool(text == "true");
        break;
      case ValueType::Quantity:
        if (auto amount = ParseQuantity(text)) {
          v.kind = Value::Kind::Quantity;
          v.amount = *amount;
          v.literal = text;
        } else {
          ok = false;
        }
        break;
      case ValueType::Duration:
        if (auto ms = ParseDuration(text)) {
          v.kind = Value::Kind::Duration;
          v.number = *ms;
          v.literal = text;
        } else {
          ok = false;
        }
        break;
      default:
        v = Value::Text(text);
        break;
    }
    if (!ok) {
      diags_.Report(DiagKind::InvalidSetValue, {},
                    fmt::format("--set {}={}: param '{}' is {}", name, text, name, DescribeType(type)));
      return std::nullopt;
    }
    return v;
  }

  // ---- Properties ---------------------------------------------------------

  // The value of `component.property`, memoized; a property that is being
  // evaluated again is a value cycle. A reference into the memo (a map, so
  // it stays valid), so that callers copy a value only when they keep it.
  const Value& Property(const CheckedComponent& component, std::string_view property, SourceRange use = {}) {
    static const Value kNone;
    ComponentState& state = StateOf(component);
    // Where the value goes, found once: the evaluation below adds other
    // properties, but never this one (it would be a value cycle), so the
    // position is at worst a hint that misses.
    auto position = state.values.lower_bound(property);
    if (position != state.values.end() && position->first == property) return position->second;
    if (!BeginEvaluation({&component, property}, use)) return kNone;
    const std::vector<const Expr*>* set = nullptr;
    if (auto it = component.properties.find(property); it != component.properties.end()) set = &it->second;
    const Expr* overridden = Override(component.name, property);
    std::vector<Reference> refs;
    const PropertySchema* schema = PropertySchemaOf(component.kind, property);
    bool outer_duration_context = duration_context_;
    duration_context_ = schema && schema->type == ValueType::Duration;
    Value result = EvaluateProperty(component, schema, set, overridden, refs);
    if (schema) AsType(result, schema->type);
    duration_context_ = outer_duration_context;
    EndEvaluation();
    if (!refs.empty()) state.references[std::string(property)] = std::move(refs);
    return state.values.emplace_hint(position, property, std::move(result))->second;
  }

  // A property's value, not memoized: the profile's, else the last layer's,
  // else the schema's default; an env map merges every layer. Returned
  // rather than assigned, so that it is built where the caller keeps it.
  Value EvaluateProperty(const CheckedComponent& component, const PropertySchema* schema,
                         const std::vector<const Expr*>* set, const Expr* overridden, std::vector<Reference>& refs) {
    if (schema && schema->type == ValueType::Env) {
      Value result;
      result.kind = Value::Kind::Map;
      auto merge = [&](const Expr* layer) {
        Value map = Evaluate(*layer, &component, &refs);
        // The first layer's entries are taken whole rather than one by one.
        if (result.entries.empty()) {
          result.entries = std::move(map.entries);
        } else {
          for (auto& [k, v] : map.entries) result.entries[k] = std::move(v);
        }
        result.origin = map.origin;
      };
      if (set) {
        for (const Expr* layer : *set) merge(layer);
      }
      if (overridden) merge(overridden);
      return result;
    }
    if (overridden) return Evaluate(*overridden, &component, &refs);
    if (set && !set->empty()) return Evaluate(*set->back(), &component, &refs);
    if (schema) return DefaultValue(*schema);
    return {};
  }

  // The profile's expression for `component.property`, or null.
  const Expr* Override(std::string_view component, std::string_view property) {
    if (overrides_.empty()) return nullptr;
    override_key_.assign(component);
    override_key_ += '.';
    override_key_ += property;
    auto it = overrides_.find(override_key_);
    return it == overrides_.end() ? nullptr : it->second;
  }

  static const PropertySchema* PropertySchemaOf(ComponentKind kind, std::string_view property) {
    const KindSchema& schema = SchemaOf(kind);
    size_t dot = property.find('.');
    if (dot == std::string::npos) return schema.FindProperty(property);
    const BlockSchema* block = schema.FindBlock(property.substr(0, dot));
    return block ? FindProperty(*block, property.substr(dot + 1)) : nullptr;
  }

  // The schema's default, or None. Defaults are written in stack syntax.
  static Value DefaultValue(const PropertySchema& p) {
    Value v;
    std::string_view text = p.default_value;
    if (text.empty()) return v;
    switch (p.type) {
      case ValueType::Int: return Value::Int(std::stoll(std::string(text)));
      case ValueType::Bool: return Value::Bool(text == "true");
      case ValueType::Duration:
        v.kind = Value::Kind::Duration;
        v.number = ParseDuration(text).value_or(0);
        v.literal = std::string(text);
        return v;
      case ValueType::Env: v.kind = Value::Kind::Map; return v;
      case ValueType::String: return Value::Text(std::string(text.substr(1, text.size() - 2)));
      default: return v;
    }
  }

  // The schema's defaults of each kind, built once: every component takes
  // the defaults it does not set.
  static const std::vector<Default>& DefaultsOf(ComponentKind kind) {
    static const std::array<std::vector<Default>, 4> all = [] {
      std::array<std::vector<Default>, 4> defaults;
      for (ComponentKind k : {ComponentKind::App, ComponentKind::Database, ComponentKind::Task, ComponentKind::Balancer}) {
        const KindSchema& schema = SchemaOf(k);
        std::vector<Default>& list = defaults[static_cast<size_t>(k)];
        auto add = [&](const PropertySchema& p, std::string key) {
          Value v = DefaultValue(p);
          if (!v.is_none()) list.push_back({std::move(key), std::move(v)});
        };
        for (const PropertySchema& p : schema.properties) add(p, std::string(p.name));
        for (const BlockSchema& block : schema.blocks) {
          for (const PropertySchema& p : block.properties) add(p, fmt::format("{}.{}", block.name, p.name));
        }
      }
      return defaults;
    }();
    return all[static_cast<size_t>(kind)];
  }

  void AddDefaults(Component& c) {
    for (const Default& d : DefaultsOf(c.kind)) c.properties.try_emplace(d.key, d.value);
  }

  // ---- Stack-level target settings ------------------------------------------

  // Every setting of every target, whether or not the stack has its block:
  // the profile, else the block, else the schema default. A param or
  // component named like the target owns profile paths that start with its
  // name (sema reports the clash), so its overrides are not settings.
  std::map<std::string, Value, std::less<>> Settings() {
    std::map<std::string, Value, std::less<>> settings;
    for (const BlockSchema& target : AllStackSettings()) {
      std::string name(target.name);
      bool hidden = checked_.params.count(name) || checked_.FindComponent(name);
      for (const PropertySchema& p : target.properties) {
        std::string key = fmt::format("{}.{}", target.name, p.name);
        const Expr* source = nullptr;
        if (auto it = checked_.settings.find(key); it != checked_.settings.end()) source = it->second;
        if (auto o = overrides_.find(key); o != overrides_.end() && !hidden) source = o->second;
        bool outer_duration_context = duration_context_;
        duration_context_ = p.type == ValueType::Duration;
        Value value = source ? Evaluate(*source, nullptr, nullptr) : DefaultValue(p);
        duration_context_ = outer_duration_context;
        AsType(value, p.type);
        CheckFormat(value, p, target.name);
        if (!value.is_none()) settings[key] = std::move(value);
      }
    }
    return settings;
  }

  // A task `from` an app runs the app's image with the app's environment.
  void InheritFromApps(std::vector<Component>& components) {
    // A binary search finds each task's app: the components come from the
    // checked stack's map, so they are sorted by name and distinct.
    auto by_name = [](const Component& c, std::string_view name) { return c.name < name; };
    for (Component& task : components) {
      if (task.kind != ComponentKind::Task) continue;
      const Value* from = task.Find("from");
      if (!from) continue;
      auto app = std::lower_bound(components.begin(), components.end(), std::string_view(from->literal), by_name);
      if (app == components.end() || app->name != from->literal) continue;
      for (std::string_view property : {"image", "build", "dockerfile", "compose.source_mount"}) {
        const Value* inherited = app->Find(property);
        if (!inherited || task.Find(property)) continue;
        task.properties[std::string(property)] = *inherited;
        task.properties[std::string(property)].derived = true;
        InheritReferences(app->name, task.name, property);
      }
      Value env = app->properties["env"];
      for (auto& [k, v] : env.entries) v.derived = true;
      // The task's own env is replaced just below: its entries are moved.
      for (auto& [k, v] : task.properties["env"].entries) env.entries[k] = std::move(v);
      env.kind = Value::Kind::Map;
      task.properties["env"] = std::move(env);
      InheritReferences(app->name, task.name, "env");
    }
  }

  void InheritReferences(const std::string& from, const std::string& to, std::string_view property) {
    const CheckedComponent* source = FindComponent(from);
    const CheckedComponent* destination = FindComponent(to);
    if (!source || !destination) return;
    const ComponentState& from_state = StateOf(*source);
    auto refs = from_state.references.find(property);
    if (refs == from_state.references.end()) return;
    std::vector<Reference>* target = nullptr;
    for (const Reference& r : refs->second) {
      if (r.component == to) continue;
      if (!target) target = &StateOf(*destination).references[std::string(property)];
      target->push_back(r);
    }
  }

  // Sema checks the format of plain strings; this catches values that only
  // params made whole (`region = "eu-${zone}-1"`, `--set`).
  void CheckFormat(const Value& value, const PropertySchema& p, std::string_view target) {
    if (p.format == TextFormat::Any) return;
    auto check = [&](const Value& v) {
      if (v.kind != Value::Kind::Text || !v.IsLiteralText()) return;
      std::string text = v.LiteralText();
      std::string_view problem = FormatProblem(p.format, text);
      if (problem.empty()) return;
      diags_.Report(DiagKind::InvalidValue, v.origin.valid() ? v.origin : value.origin,
                    fmt::format("'{}' of the {} settings must be {}, found \"{}\"", p.name, target, problem, text));
    };
    check(value);
    for (const Value& item : value.items) check(item);
  }

  // ---- Expressions --------------------------------------------------------

  // Each kind of expression has a function of its own that returns one named
  // value, so that the value is built in place of the result: returning one
  // of several values moved each one, 160 bytes, out of the function.
  Value Evaluate(const Expr& e, const CheckedComponent* self, std::vector<Reference>* refs) {
    switch (e.kind) {
      case ExprKind::Invalid: return {};
      case ExprKind::Int: return Value::Int(e.int_value, e.range);
      case ExprKind::Bool: return Value::Bool(e.bool_value, e.range);
      case ExprKind::Unit: return EvaluateUnit(e);
      case ExprKind::String: return EvaluateString(e, self, refs);
      case ExprKind::List: return EvaluateList(e, self, refs);
      case ExprKind::Map: return EvaluateMap(e, self, refs);
      case ExprKind::Call: return EvaluateCall(e);
      case ExprKind::Path: return EvaluatePath(e.path, e.range, self, refs);
    }
    Value v;
    v.origin = e.range;
    return v;
  }

  Value EvaluateUnit(const Expr& e) const {
    Value v;
    v.origin = e.range;
    v.literal = e.unit_text;
    // The expected type decided the unit's meaning during analysis.
    std::optional<double> amount = ParseQuantity(e.unit_text);
    std::optional<int64_t> ms = ParseDuration(e.unit_text);
    if (ms && (duration_context_ || !amount)) {
      v.kind = Value::Kind::Duration;
      v.number = *ms;
    } else if (amount) {
      v.kind = Value::Kind::Quantity;
      v.amount = *amount;
    }
    return v;
  }

  Value EvaluateString(const Expr& e, const CheckedComponent* self, std::vector<Reference>* refs) {
    Value v;
    v.origin = e.range;
    v.kind = Value::Kind::Text;
    v.text.reserve(e.parts.size());
    for (const ast::StringPart& part : e.parts) {
      if (!part.is_interpolation) {
        AppendText(v.text, {TextPart::Kind::Literal, part.text, ""});
        continue;
      }
      // Appended from the memo itself: copying the value first allocated
      // its parts twice.
      Value scratch;
      bool derived = false;
      AppendAsText(v.text, LookUpPath(part.path, part.range, self, refs, scratch, derived));
    }
    return v;
  }

  Value EvaluateList(const Expr& e, const CheckedComponent* self, std::vector<Reference>* refs) {
    Value v;
    v.origin = e.range;
    v.kind = Value::Kind::List;
    v.items.reserve(e.items.size());
    for (const ast::ExprPtr& item : e.items) v.items.push_back(Evaluate(*item, self, refs));
    return v;
  }

  Value EvaluateMap(const Expr& e, const CheckedComponent* self, std::vector<Reference>* refs) {
    Value v;
    v.origin = e.range;
    v.kind = Value::Kind::Map;
    for (const ast::MapEntry& entry : e.entries) {
      v.entries.insert_or_assign(entry.key.name, Evaluate(*entry.value, self, refs));
    }
    return v;
  }

  static Value EvaluateCall(const Expr& e) {
    Value v;
    v.origin = e.range;
    v.kind = Value::Kind::Text;
    if (!e.items.empty()) v.text.push_back({TextPart::Kind::Secret, e.items[0]->PlainString(), ""});
    return v;
  }

  static void AppendAsText(std::vector<TextPart>& text, const Value& value) {
    if (value.kind == Value::Kind::Text) {
      for (const TextPart& part : value.text) AppendText(text, part);
    } else {
      AppendText(text, TextPart{TextPart::Kind::Literal, value.LiteralText(), ""});
    }
  }

  Value EvaluatePath(const std::vector<ast::Ident>& path, SourceRange range, const CheckedComponent* self,
                     std::vector<Reference>* refs) {
    Value scratch;
    bool derived = false;
    const Value& found = LookUpPath(path, range, self, refs, scratch, derived);
    Value v = &found == &scratch ? Value(std::move(scratch)) : Value(found);
    if (derived) v.derived = true;
    v.origin = range;  // the path's own expression, wherever the value came from
    return v;
  }

  // The value `path` names: a reference into a memo (of properties, params or
  // attributes, which are maps, so it stays valid), or to `scratch` for a
  // value made here. `derived` is set when the value is another property's
  // (self.NAME, NAME.ATTRIBUTE), which the copy must be marked with.
  const Value& LookUpPath(const std::vector<ast::Ident>& path, SourceRange range, const CheckedComponent* self,
                          std::vector<Reference>* refs, Value& scratch, bool& derived) {
    static const Value kNone;
    derived = false;
    const std::string& head = path.front().name;
    if (head == "self" && self && path.size() == 2) {
      const Value& v = Property(*self, path[1].name, range);
      if (v.is_none() && !value_cycle_reported_ && unset_reported_.insert(self->name + "." + path[1].name).second) {
        // Reported on the component, which is what the user must change,
        // even when the use is in a template in another file.
        bool in_own_body = range.file == self->decl->range.file && range.begin >= self->decl->range.begin &&
                           range.end <= self->decl->range.end;
        std::string owner = fmt::format("{} '{}'", ast::KindName(self->kind), self->name);
        std::string message =
            in_own_body || self->templates.empty()
                ? fmt::format("{} uses self.{} but does not set '{}'", owner, path[1].name, path[1].name)
                : fmt::format("{} does not set '{}', which its template '{}' uses", owner, path[1].name,
                              self->templates.back()->name.name);
        diags_.Report(DiagKind::InvalidSelfReference, self->decl->name.range, message)
            .Note(range, fmt::format("self.{} is used here", path[1].name));
      }
      derived = true;
      return v;
    }
    // One lookup for both meanings of the name; a param comes first.
    auto named = by_name_.find(head);
    if (named == by_name_.end()) return kNone;
    if (named->second.param) return Param(*named->second.param);
    const CheckedComponent* target = named->second.component;
    if (!target) return kNone;
    if (path.size() == 1) {
      scratch.kind = Value::Kind::Ref;
      scratch.literal = head;
      scratch.origin = range;
      return scratch;
    }
    const std::string& attribute = path[1].name;
    const AttributeSchema* schema = SchemaOf(target->kind).FindAttribute(attribute);
    if (!schema) return kNone;
    if (refs && schema->orders && target != self) refs->push_back({head, attribute, range});
    derived = true;
    return MemoizedAttribute(*target, attribute, range, scratch);
  }

  // Attribute, memoized per component and attribute when it reported
  // nothing (a report names the place of each use): apps read their
  // database's url several times, and each url looks up five properties.
  // A reference into the memo, or to `scratch` when it is not memoized.
  const Value& MemoizedAttribute(const CheckedComponent& target, const std::string& attribute, SourceRange use,
                                 Value& scratch) {
    std::pair<const CheckedComponent*, std::string_view> key{&target, attribute};
    if (auto it = attributes_.find(key); it != attributes_.end()) return it->second;
    size_t reported = diags_.diagnostics().size();
    scratch = Attribute(target, attribute, use);
    if (diags_.diagnostics().size() != reported || value_cycle_reported_) return scratch;
    auto [it, inserted] = attributes_.try_emplace(key, std::move(scratch));
    return inserted ? it->second : scratch;
  }

  Value Attribute(const CheckedComponent& target, const std::string& attribute, SourceRange use) {
    auto symbol = [&] {
      Value v;
      v.kind = Value::Kind::Text;
      v.text.push_back({TextPart::Kind::Symbol, target.name, "host"});
      return v;
    };
    auto required = [&](std::string_view property) -> const Value& {
      const Value& v = Property(target, property, use);
      if (v.is_none() && !value_cycle_reported_) {
        diags_.Report(DiagKind::UnknownAttribute, use,
                      fmt::format("'{}.{}' has no value: {} '{}' does not set '{}'", target.name, attribute,
                                  ast::KindName(target.kind), target.name, property))
            .Note(target.decl->name.range, fmt::format("'{}' is declared here", target.name));
      }
      return v;
    };
    if (attribute == "host") return symbol();
    if (attribute == "url") {
      Value url;
      url.kind = Value::Kind::Text;
      // "scheme://user:", a password secret, "@", the host symbol and
      // ":port/name": five parts unless user, port or name are not literal.
      url.text.reserve(5);
      if (target.kind == ComponentKind::Database) {
        const Value& scheme = Property(target, "scheme", use);
        AppendText(url.text, {TextPart::Kind::Literal, (scheme.is_none() ? std::string("tcp") : scheme.LiteralText()) + "://", ""});
        const Value& user = Property(target, "user", use);
        const Value& password = Property(target, "password", use);
        if (!user.is_none()) {
          AppendAsText(url.text, user);
          if (!password.is_none()) {
            AppendText(url.text, {TextPart::Kind::Literal, ":", ""});
            AppendAsText(url.text, password);
          }
          AppendText(url.text, {TextPart::Kind::Literal, "@", ""});
        }
      } else {
        AppendText(url.text, {TextPart::Kind::Literal, "http://", ""});
      }
      AppendAsText(url.text, symbol());
      AppendText(url.text, {TextPart::Kind::Literal, ":", ""});
      // Where a balancer listens from inside the deployment is the target's
      // business too: on Compose it is the app's own port.
      if (target.kind == ComponentKind::Balancer) {
        AppendText(url.text, {TextPart::Kind::Symbol, target.name, "port"});
      } else {
        AppendAsText(url.text, required("port"));
      }
      if (target.kind == ComponentKind::Database) {
        const Value& name = Property(target, "name", use);
        if (!name.is_none()) {
          AppendText(url.text, {TextPart::Kind::Literal, "/", ""});
          AppendAsText(url.text, name);
        }
      }
      return url;
    }
    return required(attribute);
  }

  // ---- Graph --------------------------------------------------------------

  void AddEdges(Stack& stack) {
    for (const Component& c : stack.components()) {
      const CheckedComponent* checked = FindComponent(c.name);
      const ComponentState* state = checked ? &StateOf(*checked) : nullptr;
      if (state && !state->references.empty()) {
        for (const auto& [property, value] : c.properties) {
          auto refs = state->references.find(property);
          if (refs == state->references.end()) continue;
          for (const Reference& r : refs->second) {
            stack.AddDependency(stack.Find(r.component), &c, EdgeKind::Reference, r.origin, r.attribute);
          }
        }
      }
      auto each_ref = [&](std::string_view property, auto add) {
        const Value* value = c.Find(property);
        if (!value) return;
        for (const Value& item : value->items) {
          if (item.kind == Value::Kind::Ref) add(item);
        }
        if (value->kind == Value::Kind::Ref) add(*value);
      };
      each_ref("needs", [&](const Value& r) {
        stack.AddDependency(stack.Find(r.literal), &c, EdgeKind::Needs, r.origin, "");
      });
      each_ref("after", [&](const Value& r) {
        stack.AddDependency(stack.Find(r.literal), &c, EdgeKind::After, r.origin, "");
      });
      each_ref("before", [&](const Value& r) {
        stack.AddDependency(&c, stack.Find(r.literal), EdgeKind::Before, r.origin, "");
      });
      if (c.kind == ComponentKind::Balancer) {
        each_ref("route", [&](const Value& r) {
          stack.AddDependency(stack.Find(r.literal), &c, EdgeKind::Route, r.origin, "");
        });
      }
    }
  }

  bool ReportCycle(const Stack& stack) {
    auto cycle = stack.FindCycle();
    if (cycle.empty()) return true;
    std::string names;
    for (const auto& [component, edge] : cycle) names += component->name + " -> ";
    names += cycle.front().first->name;
    Diagnostic& d = diags_.Report(DiagKind::DependencyCycle, cycle.front().first->name_range,
                                  fmt::format("dependency cycle: {}", names));
    for (size_t i = 0; i < cycle.size(); ++i) {
      const std::string& from = cycle[i].first->name;
      const std::string& to = cycle[(i + 1) % cycle.size()].first->name;
      const Dependency& edge = *cycle[i].second;
      std::string why;
      switch (edge.kind) {
        case EdgeKind::Reference: why = fmt::format("'{}' uses {}.{} here", to, from, edge.attribute); break;
        case EdgeKind::Needs: why = fmt::format("'{}' needs '{}' here", to, from); break;
        case EdgeKind::After: why = fmt::format("'{}' comes after '{}' here", to, from); break;
        case EdgeKind::Before: why = fmt::format("'{}' comes before '{}' here", from, to); break;
        case EdgeKind::Route: why = fmt::format("balancer '{}' routes to '{}' here", to, from); break;
      }
      d.Note(edge.origin, why);
    }
    return false;
  }

  const CheckedStack& checked_;
  const LowerOptions& options_;
  DiagnosticEngine& diags_;
  std::map<std::string, const Expr*, std::less<>> overrides_;
  std::string override_key_;  // reused to look overrides up
  std::map<std::string, Value> params_;
  std::unordered_map<const CheckedComponent*, ComponentState> states_;
  // What a name stands for: a param, a component, or both (sema reports the
  // clash; paths take the param). Keys point into the checked stack.
  struct Named {
    const std::string* param = nullptr;
    const CheckedComponent* component = nullptr;
  };
  std::unordered_map<std::string_view, Named> by_name_;
  // Attribute values by component and attribute name (in the syntax tree).
  std::map<std::pair<const CheckedComponent*, std::string_view>, Value> attributes_;
  std::map<std::string, std::string> sets_;
  std::vector<Evaluating> evaluating_;  // the values being evaluated, outermost first
  bool value_cycle_reported_ = false;    // later "has no value" errors would be its echoes
  std::set<std::string> unset_reported_;
  bool duration_context_ = false;
};

}  // namespace

std::unique_ptr<Stack> Lower(const CheckedStack& checked, const LowerOptions& options, DiagnosticEngine& diags) {
  return Lowerer(checked, options, diags).Run();
}

}  // namespace stackc::ir
