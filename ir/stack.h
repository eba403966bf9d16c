// The IR: a stack resolved for one profile, as a dependency graph of
// components (Boost.Graph). Backends read only this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "frontend/ast/ast.h"
#include "ir/value.h"

namespace stackc::ir {

using ComponentKind = ast::ComponentKind;

struct Component {
  ComponentKind kind;
  std::string name;
  SourceRange name_range;
  SourceRange body_range;
  /// Every property of the kind that has a value: set, inherited from a
  /// template or `from`, or defaulted by the schema. Block properties are
  /// keyed "compose.source_mount".
  std::map<std::string, Value, std::less<>> properties;

  const Value* Find(std::string_view property) const;
  /// The property's literal text, or "" when it is unset.
  std::string Text(std::string_view property) const;
  std::optional<int64_t> Int(std::string_view property) const;
  bool Bool(std::string_view property) const;
  /// Component names of a reference or list-of-references property.
  std::vector<std::string> Refs(std::string_view property) const;
  /// Where `value` (one of this component's, or null) was written; the
  /// component's name when it was not written anywhere (a schema default).
  SourceRange OriginOf(const Value* value) const {
    return value && value->origin.valid() ? value->origin : name_range;
  }
};

/// Why one component comes before another.
enum class EdgeKind { Reference, Needs, Before, After, Route };
std::string_view EdgeKindName(EdgeKind kind);

struct Dependency {
  EdgeKind kind;
  SourceRange origin;     // the source that created the edge
  std::string attribute;  // Reference: the attribute used ("url")
};

class Stack {
 public:
  /// An edge u -> v means u must be ready before v starts.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, Dependency>;
  using Vertex = Graph::vertex_descriptor;

  std::string name;
  std::string profile;  // "" for none
  std::map<std::string, Value> params;
  /// Stack-level target settings from top-level blocks such as `ecs { ... }`,
  /// resolved for the profile (defaults from the schema included), keyed
  /// "ecs.cluster".
  std::map<std::string, Value, std::less<>> settings;
  const Value* FindSetting(std::string_view key) const;

  /// Components are sorted by name and never change after construction.
  explicit Stack(std::vector<Component> components);
  // by_name_ points into components_.
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  const std::vector<Component>& components() const { return components_; }
  const Component* Find(std::string_view name) const;
  const Graph& graph() const { return graph_; }

  /// Adds u -> v, once per (u, v, kind).
  void AddDependency(std::string_view before, std::string_view after, const Dependency& dependency);
  /// The same for two of this stack's components, nothing when either is
  /// null; the edge's Dependency is built only when the edge is new.
  void AddDependency(const Component* before, const Component* after, EdgeKind kind, SourceRange origin,
                     std::string_view attribute);

  /// Components that `component` depends on directly, with why, sorted by name.
  std::vector<std::pair<const Component*, const Dependency*>> DependenciesOf(const Component& component) const;
  std::vector<std::pair<const Component*, const Dependency*>> DependentsOf(const Component& component) const;
  /// True when a path of edges leads from `from` to `to`.
  bool Reaches(const Component& from, const Component& to) const;

  /// One cycle, as the edges along it, or empty when the graph is acyclic.
  std::vector<std::pair<const Component*, const Dependency*>> FindCycle() const;
  /// Dependencies first; ties broken by name. Only for acyclic graphs.
  std::vector<const Component*> TopologicalOrder() const;

 private:
  Vertex VertexOf(const Component& component) const {
    return static_cast<Vertex>(&component - components_.data());
  }
  bool HasEdge(Vertex u, Vertex v, EdgeKind kind) const;
  std::vector<Component> components_;
  /// Components by name: lowering and every backend look components up by
  /// name thousands of times, and a binary search compared long names.
  std::unordered_map<std::string_view, const Component*> by_name_;
  Graph graph_;
};

}  // namespace stackc::ir
