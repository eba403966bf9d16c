// YAML output shared by the backends: yaml-cpp does the emitting, so no
// value can break out of its field; this adds one quoting policy, so that a
// string is never read back as a number, a boolean or a time (YAML 1.1).
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace stackc::yaml {

/// True when `text` reads back as the same string unquoted under YAML 1.1
/// and 1.2, in block and flow context.
bool IsSafePlain(std::string_view text);

/// Emits a string scalar, double-quoted unless it is safe plain.
void String(YAML::Emitter& out, std::string_view text);

/// "# line" comments for the top of a file, one per line of `text`.
std::string Comment(std::string_view text);

}  // namespace stackc::yaml
