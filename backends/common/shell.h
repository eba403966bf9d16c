// Shell words for the generated deploy scripts of every target: a value
// taken from a stack file is printed so that the shell reads back exactly
// that text, whatever characters it holds.
#pragma once

#include <string>
#include <string_view>

namespace stackc::shell {

/// A single-quoted shell word that stands for exactly `text`.
std::string Quote(std::string_view text);

/// `text` escaped for use inside "...": only $, `, " and \ are special there.
std::string EscapeDoubleQuoted(std::string_view text);

}  // namespace stackc::shell
