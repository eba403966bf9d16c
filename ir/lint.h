// Lints: warnings that encode the lessons of deploying by hand (literal
// passwords, mutable image tags in production, data without persistent
// storage, balancers with nothing to health-check, unordered migrations).
#pragma once

#include "frontend/diag/diagnostic.h"
#include "ir/stack.h"

namespace stackc::ir {

/// Profiles named this are held to the production lints.
inline constexpr std::string_view kProductionProfile = "production";

void Lint(const Stack& stack, DiagnosticEngine& diags);

}  // namespace stackc::ir
