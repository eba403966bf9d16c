// How every target names the environment variable that carries a secret at
// deploy time, so one value serves Compose's .env, Kubernetes' apply script
// and the rest alike.
#pragma once

#include <string>
#include <string_view>

namespace stackc {

/// `text` as an environment variable name: upper case, every other
/// character than a letter or digit as '_', and `prefix` in front when it
/// would start with a digit.
std::string VariableName(std::string_view text, std::string_view prefix);

/// secret("db-password") is read from $DB_PASSWORD. Secret names are DNS
/// labels, so the mapping is one to one.
std::string SecretVariable(std::string_view secret);

}  // namespace stackc
