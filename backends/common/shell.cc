#include "backends/common/shell.h"

namespace stackc::shell {

std::string Quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string EscapeDoubleQuoted(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '$' || c == '`' || c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace stackc::shell
