#include "ir/graph_text.h"

#include <sstream>

#include <boost/graph/graphviz.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <fmt/format.h>

namespace stackc::ir {

std::string DescribeEdge(const Component& from, const Dependency& edge) {
  if (edge.kind == EdgeKind::Reference) return fmt::format("reference {}.{}", from.name, edge.attribute);
  return std::string(EdgeKindName(edge.kind));
}

std::string ToDot(const Stack& stack) {
  const auto& components = stack.components();
  auto vertex_writer = [&](std::ostream& out, Stack::Vertex v) {
    const Component& c = components[v];
    // Names are DNS labels, so they need no escaping inside quotes.
    out << "[label=\"" << c.name << "\\n" << ast::KindName(c.kind) << "\""
        << ", shape=" << (c.kind == ComponentKind::Database ? "cylinder" : c.kind == ComponentKind::Task ? "box" : "ellipse")
        << "]";
  };
  auto edge_writer = [&](std::ostream& out, Stack::Graph::edge_descriptor e) {
    const Component& from = components[boost::source(e, stack.graph())];
    const Dependency& edge = stack.graph()[e];
    out << "[label=" << boost::escape_dot_string(DescribeEdge(from, edge))
        << (edge.kind == EdgeKind::Reference ? "" : ", style=dashed") << "]";
  };
  auto graph_writer = [&](std::ostream& out) {
    out << "label=" << boost::escape_dot_string(stack.profile.empty() ? stack.name : stack.name + " (" + stack.profile + ")")
        << ";\nrankdir=LR;\n";
  };
  std::ostringstream out;
  auto node_id = boost::make_function_property_map<Stack::Vertex, std::string>(
      [&](Stack::Vertex v) { return components[v].name; });
  boost::write_graphviz(out, stack.graph(), vertex_writer, edge_writer, graph_writer, node_id);
  return out.str();
}

std::string DeployOrderText(const Stack& stack) {
  std::string text = fmt::format("deploy order of {}{}:\n", stack.name,
                                 stack.profile.empty() ? "" : fmt::format(" (profile {})", stack.profile));
  size_t step = 0;
  for (const Component* c : stack.TopologicalOrder()) {
    text += fmt::format("{:>3}. {} {}\n", ++step, ast::KindName(c->kind), c->name);
    for (const auto& [dependency, edge] : stack.DependenciesOf(*c)) {
      text += fmt::format("       after {} ({})\n", dependency->name, DescribeEdge(*dependency, *edge));
    }
  }
  return text;
}

}  // namespace stackc::ir
