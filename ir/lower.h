// Builds the IR for one profile: parameter values (default, then profile,
// then --set), component properties (templates, the component, then the
// profile), references as graph edges, then cycle checks.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontend/sema/sema.h"
#include "ir/stack.h"

namespace stackc::ir {

struct LowerOptions {
  std::string profile;  // "" for none
  std::vector<std::pair<std::string, std::string>> sets;  // --set NAME=VALUE, in order
};

/// Null when the stack has errors for this profile; they are in `diags`.
std::unique_ptr<Stack> Lower(const CheckedStack& checked, const LowerOptions& options, DiagnosticEngine& diags);

}  // namespace stackc::ir
