#include "backends/common/secrets.h"

#include <cctype>

namespace stackc {

std::string VariableName(std::string_view text, std::string_view prefix) {
  std::string name;
  for (char c : text) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                                         : '_';
  }
  // A shell or Compose variable cannot start with a digit.
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name.front()))) name.insert(0, prefix);
  return name;
}

std::string SecretVariable(std::string_view secret) { return VariableName(secret, "SECRET_"); }

}  // namespace stackc
