#include "backends/common/secrets.h"

#include <cctype>

namespace stackc {

std::string SecretVariable(std::string_view secret) {
  std::string name;
  for (char c : secret) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // A shell or Compose variable cannot start with a digit.
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name.front()))) name = "SECRET_" + name;
  return name;
}

}  // namespace stackc
