// The canonical layout of stack files, for `stackc fmt`.
//
// The formatter walks the ANTLR token stream, comments included (they are on
// the hidden channel), guided by the parse tree. Its layout:
//   - 2-space indentation; one declaration, property, map entry or profile
//     override per line; `name = value` with the '=' aligned within a run of
//     consecutive properties (entries, overrides, params) of one block; a
//     blank line or a nested block ends a run, a comment does not;
//   - blank lines between items are kept, a run of them collapsed to one;
//     none at the start or end of a block or of the file;
//   - a list or map written on one line with no comment inside stays on one
//     line (`[a, b]`, `{ a = 1, b = 2 }`); otherwise it has one item per
//     line, list items followed by ',' and map entries by nothing;
//   - every comment stays where it was: on its own line before an item, or
//     at the end of the line of the token it followed.
// Formatting only changes whitespace and optional commas, and is idempotent.
#pragma once

#include <optional>
#include <string>

#include "frontend/diag/diagnostic.h"
#include "frontend/source/source_manager.h"

namespace stackc {

/// The canonical layout of `file`, or nullopt when the file has syntax
/// errors (reported into `diags`): such a file is never formatted.
std::optional<std::string> FormatStack(FileId file, const SourceManager& sources, DiagnosticEngine& diags);

}  // namespace stackc
