// Renderers of diagnostics: clang-style text for terminals and logs, and
// JSON objects for tools. The language server has its own conversion in its
// protocol layer, from the same Diagnostic.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontend/diag/diagnostic.h"

namespace stackc {

/// Appends "file:line:column" of where `range` starts, or "stackc" for a
/// diagnostic with no place (the CLI's text and the language server's notes).
void AppendLocation(std::string& out, const SourceManager& sources, SourceRange range);

/// `file:line:col: error[E0203]: message`, the source line, a caret line,
/// the fix-its on that line, then each note the same way.
std::string RenderText(const Diagnostic& diagnostic, const SourceManager& sources, bool color);
std::string RenderText(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                       bool color);

/// One object per diagnostic: severity, code, message, file, range (1-based
/// line and column, and byte offsets), notes and fix-its.
nlohmann::json ToJson(const Diagnostic& diagnostic, const SourceManager& sources);
std::string RenderJson(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);

/// "2 errors and 1 warning generated." or "" when there is nothing to count.
std::string Summary(const std::vector<Diagnostic>& diagnostics);

}  // namespace stackc
