#include "backends/common/test_environment.h"

#include <set>
#include <string>

namespace stackc {

bool IsTestTask(const ir::Component& c) { return c.kind == ir::ComponentKind::Task && c.Text("role") == "test"; }

std::vector<const ir::Component*> TestEnvironment(const ir::Stack& stack) {
  std::set<std::string> names;
  std::vector<const ir::Component*> work;
  for (const ir::Component& c : stack.components()) {
    if (IsTestTask(c)) work.push_back(&c);
  }
  while (!work.empty()) {
    const ir::Component* c = work.back();
    work.pop_back();
    if (!names.insert(c->name).second) continue;
    for (const auto& [dependency, edge] : stack.DependenciesOf(*c)) work.push_back(dependency);
  }
  std::vector<const ir::Component*> services;
  for (const std::string& name : names) {
    const ir::Component* c = stack.Find(name);
    if (c->kind != ir::ComponentKind::Balancer) services.push_back(c);
  }
  return services;
}

}  // namespace stackc
