#include "backends/common/yaml.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace stackc::yaml {

bool IsSafePlain(std::string_view text) {
  if (text.empty()) return false;
  unsigned char first = static_cast<unsigned char>(text.front());
  if (!(std::isalpha(first) || first == '_' || first == '/' || first == '.')) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool ok = std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == '@' || c == ':';
    if (!ok) return false;
    if (c == ':' && (i + 1 == text.size())) return false;
  }
  static constexpr std::array<std::string_view, 12> kKeywords = {
      "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "none"};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // ".5" and ".5e3" read back as numbers, ".inf" and ".nan" as floats.
  if (lower.starts_with(".")) {
    if (lower.size() > 1 && std::isdigit(static_cast<unsigned char>(lower[1]))) return false;
    return lower != ".inf" && lower != ".nan";
  }
  return std::find(kKeywords.begin(), kKeywords.end(), lower) == kKeywords.end();
}

void String(YAML::Emitter& out, std::string_view text) {
  if (IsSafePlain(text)) {
    out << std::string(text);
  } else {
    out << YAML::DoubleQuoted << std::string(text);
  }
}

std::string Comment(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    out += line.empty() ? "#\n" : "# " + std::string(line) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace stackc::yaml
