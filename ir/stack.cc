#include "ir/stack.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace stackc::ir {

const Value* Component::Find(std::string_view property) const {
  auto it = properties.find(property);
  return it == properties.end() ? nullptr : &it->second;
}

const Value* Stack::FindSetting(std::string_view key) const {
  auto it = settings.find(key);
  return it == settings.end() ? nullptr : &it->second;
}

std::string Component::Text(std::string_view property) const {
  const Value* value = Find(property);
  return value ? value->LiteralText() : "";
}

std::optional<int64_t> Component::Int(std::string_view property) const {
  const Value* value = Find(property);
  if (!value || value->kind != Value::Kind::Int) return std::nullopt;
  return value->number;
}

bool Component::Bool(std::string_view property) const {
  const Value* value = Find(property);
  return value && value->kind == Value::Kind::Bool && value->flag;
}

std::vector<std::string> Component::Refs(std::string_view property) const {
  std::vector<std::string> names;
  const Value* value = Find(property);
  if (!value) return names;
  if (value->kind == Value::Kind::Ref) names.push_back(value->literal);
  for (const Value& item : value->items) {
    if (item.kind == Value::Kind::Ref) names.push_back(item.literal);
  }
  return names;
}

std::string_view EdgeKindName(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::Reference: return "reference";
    case EdgeKind::Needs: return "needs";
    case EdgeKind::Before: return "before";
    case EdgeKind::After: return "after";
    case EdgeKind::Route: return "route";
  }
  return "reference";
}

Stack::Stack(std::vector<Component> components) : components_(std::move(components)) {
  auto by_name = [](const Component& a, const Component& b) { return a.name < b.name; };
  // Lowering passes the components already sorted and distinct (from a map):
  // then sorting would leave them as they are, and cost n log n comparisons
  // of names. Equal names are sorted, as before.
  auto not_increasing = [&](const Component& a, const Component& b) { return !by_name(a, b); };
  if (std::adjacent_find(components_.begin(), components_.end(), not_increasing) != components_.end()) {
    std::sort(components_.begin(), components_.end(), by_name);
  }
  graph_ = Graph(components_.size());
  // The first of equal names, as the binary search found.
  by_name_.reserve(components_.size());
  for (const Component& c : components_) by_name_.emplace(c.name, &c);
}

const Component* Stack::Find(std::string_view wanted) const {
  auto it = by_name_.find(wanted);
  return it == by_name_.end() ? nullptr : it->second;
}

void Stack::AddDependency(std::string_view before, std::string_view after, const Dependency& dependency) {
  AddDependency(Find(before), Find(after), dependency.kind, dependency.origin, dependency.attribute);
}

// Scans the shorter of u's out-edges and v's in-edges: a database that a
// thousand apps use has a thousand out-edges, each app only a few in-edges.
bool Stack::HasEdge(Vertex u, Vertex v, EdgeKind kind) const {
  if (boost::out_degree(u, graph_) <= boost::in_degree(v, graph_)) {
    for (auto [e, end] = boost::out_edges(u, graph_); e != end; ++e) {
      if (boost::target(*e, graph_) == v && graph_[*e].kind == kind) return true;
    }
  } else {
    for (auto [e, end] = boost::in_edges(v, graph_); e != end; ++e) {
      if (boost::source(*e, graph_) == u && graph_[*e].kind == kind) return true;
    }
  }
  return false;
}

void Stack::AddDependency(const Component* from, const Component* to, EdgeKind kind, SourceRange origin,
                          std::string_view attribute) {
  if (!from || !to) return;
  Vertex u = VertexOf(*from), v = VertexOf(*to);
  if (HasEdge(u, v, kind)) return;
  boost::add_edge(u, v, Dependency{kind, origin, std::string(attribute)}, graph_);
}

std::vector<std::pair<const Component*, const Dependency*>> Stack::DependenciesOf(const Component& component) const {
  std::vector<std::pair<const Component*, const Dependency*>> result;
  for (auto [e, end] = boost::in_edges(VertexOf(component), graph_); e != end; ++e) {
    result.emplace_back(&components_[boost::source(*e, graph_)], &graph_[*e]);
  }
  std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.first->name < b.first->name; });
  return result;
}

std::vector<std::pair<const Component*, const Dependency*>> Stack::DependentsOf(const Component& component) const {
  std::vector<std::pair<const Component*, const Dependency*>> result;
  for (auto [e, end] = boost::out_edges(VertexOf(component), graph_); e != end; ++e) {
    result.emplace_back(&components_[boost::target(*e, graph_)], &graph_[*e]);
  }
  std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.first->name < b.first->name; });
  return result;
}

bool Stack::Reaches(const Component& from, const Component& to) const {
  std::vector<bool> seen(components_.size());
  std::vector<Vertex> work{VertexOf(from)};
  while (!work.empty()) {
    Vertex v = work.back();
    work.pop_back();
    if (v == VertexOf(to)) return true;
    if (seen[v]) continue;
    seen[v] = true;
    for (auto [e, end] = boost::out_edges(v, graph_); e != end; ++e) work.push_back(boost::target(*e, graph_));
  }
  return false;
}

// A depth-first search of our own rather than boost::topological_sort, whose
// not_a_dag exception cannot say which components form the cycle.
std::vector<std::pair<const Component*, const Dependency*>> Stack::FindCycle() const {
  enum class Mark { New, Active, Done };
  std::vector<Mark> marks(components_.size(), Mark::New);
  std::vector<std::pair<Vertex, const Dependency*>> path;  // vertex and the edge that led to it
  std::vector<std::pair<const Component*, const Dependency*>> cycle;

  auto sorted_out_edges = [&](Vertex v) {
    std::vector<Graph::edge_descriptor> edges;
    for (auto [e, end] = boost::out_edges(v, graph_); e != end; ++e) edges.push_back(*e);
    std::stable_sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) {
      return boost::target(a, graph_) < boost::target(b, graph_);
    });
    return edges;
  };

  std::function<bool(Vertex)> visit = [&](Vertex v) {
    marks[v] = Mark::Active;
    for (const auto& e : sorted_out_edges(v)) {
      Vertex w = boost::target(e, graph_);
      if (marks[w] == Mark::Active) {
        // The cycle runs from w along the path back to v, then e closes it.
        auto start = std::find_if(path.begin(), path.end(), [&](const auto& p) { return p.first == w; });
        for (auto it = start; it != path.end(); ++it) {
          auto next = std::next(it);
          const Dependency* edge = next != path.end() ? next->second : &graph_[e];
          cycle.emplace_back(&components_[it->first], edge);
        }
        return true;
      }
      if (marks[w] == Mark::New) {
        path.emplace_back(w, &graph_[e]);
        if (visit(w)) return true;
        path.pop_back();
      }
    }
    marks[v] = Mark::Done;
    return false;
  };

  for (Vertex v = 0; v < components_.size(); ++v) {
    if (marks[v] != Mark::New) continue;
    path.assign(1, {v, nullptr});
    if (visit(v)) return cycle;
  }
  return {};
}

// The distinct vertices of `edges` (two edges of different kinds can join
// the same pair), sorted, into `out`: one buffer for every vertex rather
// than a std::set each.
template <typename Edges, typename End>
static void DistinctEnds(Edges edges, End end_of, std::vector<Stack::Vertex>& out) {
  out.clear();
  for (auto [e, end] = edges; e != end; ++e) out.push_back(end_of(*e));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::vector<const Component*> Stack::TopologicalOrder() const {
  std::vector<size_t> waiting(components_.size());
  std::vector<Vertex> ends;
  auto source = [&](const Graph::edge_descriptor& e) { return boost::source(e, graph_); };
  auto target = [&](const Graph::edge_descriptor& e) { return boost::target(e, graph_); };
  for (Vertex v = 0; v < components_.size(); ++v) {
    DistinctEnds(boost::in_edges(v, graph_), source, ends);
    waiting[v] = ends.size();
  }
  // Vertices are numbered in name order, so the smallest ready vertex is the
  // alphabetically first ready component.
  std::priority_queue<Vertex, std::vector<Vertex>, std::greater<>> ready;
  for (Vertex v = 0; v < components_.size(); ++v) {
    if (waiting[v] == 0) ready.push(v);
  }
  std::vector<const Component*> order;
  while (!ready.empty()) {
    Vertex v = ready.top();
    ready.pop();
    order.push_back(&components_[v]);
    DistinctEnds(boost::out_edges(v, graph_), target, ends);
    for (Vertex w : ends) {
      if (--waiting[w] == 0) ready.push(w);
    }
  }
  return order;
}

}  // namespace stackc::ir
