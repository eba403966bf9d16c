// Turns one stack file into an ast::Module. Syntax errors are reported and
// parsing recovers, so one run lists every error of the file. Imports are
// not followed here; frontend/load does that.
#pragma once

#include "frontend/ast/ast.h"
#include "frontend/diag/diagnostic.h"

namespace stackc {

ast::Module ParseModule(FileId file, const SourceManager& sources, DiagnosticEngine& diags);

}  // namespace stackc
