// Views of the dependency graph for people: Graphviz DOT (through
// Boost.Graph's writer) and a plain-text deploy order.
#pragma once

#include <string>

#include "ir/stack.h"

namespace stackc::ir {

/// Components as nodes labelled with their kind, edges labelled with why
/// they exist; deterministic.
std::string ToDot(const Stack& stack);

/// The deploy order, one component a line, with what each waits for.
std::string DeployOrderText(const Stack& stack);

/// "reference postgres.url", "needs", "before", "after", "route".
std::string DescribeEdge(const Component& from, const Dependency& edge);

}  // namespace stackc::ir
