// Completion for `stackc lsp`. What is being typed is often not valid yet,
// so the context comes from the text before the cursor (which block it is
// in, and whether it starts a member, a value or an attribute), and the
// candidates from the schema and from the names of the last check.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "frontend/load/loader.h"

namespace stackc::lsp {

/// The CompletionItems for the cursor at byte `offset` of `text`:
///   - at the start of a line in a component (or one of its target blocks,
///     such as `compose { }`), its properties and blocks;
///   - at the start of a line at the top level, the declaration keywords
///     and the stack's settings blocks;
///   - after `=`, `[` or `,`, and at the start of a line in a profile, the
///     names of components and params;
///   - after `name.`, the attributes of component `name`.
/// Nothing inside strings and comments.
nlohmann::json Complete(std::string_view text, uint32_t offset, const LoadedModules& modules);

}  // namespace stackc::lsp
