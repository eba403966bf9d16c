#include "backends/common/shell.h"

namespace stackc::shell {

// Both append runs of ordinary characters whole rather than byte by byte:
// the scripts of large stacks quote thousands of words.
std::string Quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  size_t start = 0;
  for (size_t quote = text.find('\''); quote != std::string_view::npos; quote = text.find('\'', start)) {
    out.append(text.substr(start, quote - start));
    out += "'\\''";
    start = quote + 1;
  }
  out.append(text.substr(start));
  out += '\'';
  return out;
}

std::string EscapeDoubleQuoted(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  for (size_t special = text.find_first_of("$`\"\\"); special != std::string_view::npos;
       special = text.find_first_of("$`\"\\", start)) {
    out.append(text.substr(start, special - start));
    out += '\\';
    out += text[special];
    start = special + 1;
  }
  out.append(text.substr(start));
  return out;
}

}  // namespace stackc::shell
