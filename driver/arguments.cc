#include "driver/arguments.h"

#include <algorithm>

#include <fmt/format.h>

namespace stackc {

bool ArgumentReader::Is(std::string_view flag) const {
  const std::string& arg = Current();
  return arg == flag || (flag.starts_with("--") && arg.starts_with(std::string(flag) + "="));
}

std::string ArgumentReader::Value(std::string_view flag) {
  const std::string& arg = Current();
  if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) return arg.substr(eq + 1);
  if (index_ + 1 >= args_.size()) throw UsageError{fmt::format("{} needs a value", flag)};
  return args_[++index_];
}

std::string ArgumentReader::Choice(std::string_view flag, std::initializer_list<std::string_view> allowed) {
  std::string value = Value(flag);
  for (std::string_view a : allowed) {
    if (value == a) return value;
  }
  std::vector<std::string_view> names(allowed);
  std::string last(names.back());
  names.pop_back();
  std::string choices = names.empty() ? last : fmt::format("{} or {}", fmt::join(names, ", "), last);
  throw UsageError{fmt::format("{} must be {}, got '{}'", flag, choices, value)};
}

bool ReadCommonFlag(ArgumentReader& reader, const CommonFlags& flags) {
  if (reader.Is("--profile")) {
    flags.profile = reader.Value("--profile");
  } else if (reader.Is("--set")) {
    std::string assignment = reader.Value("--set");
    size_t eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError{fmt::format("--set expects NAME=VALUE, got '{}'", assignment)};
    }
    flags.sets.emplace_back(assignment.substr(0, eq), assignment.substr(eq + 1));
  } else if (reader.Is("--color")) {
    flags.color = reader.Choice("--color", {"auto", "always", "never"});
  } else if (reader.Is("--diagnostics-format")) {
    flags.diagnostics_format = reader.Choice("--diagnostics-format", {"text", "json"});
  } else {
    return false;
  }
  return true;
}

TargetSelection SelectTargets(const std::vector<std::string>& targets) {
  std::vector<const BackendEntry*> chosen;
  TargetSelection selection;
  for (const std::string& target : targets.empty() ? std::vector<std::string>{"all"} : targets) {
    if (target == "all") {
      for (const BackendEntry& entry : Backends()) chosen.push_back(&entry);
      continue;
    }
    const BackendEntry* entry = FindBackend(target);
    if (!entry) {
      std::vector<std::string> names{"all"};
      for (const BackendEntry& e : Backends()) names.push_back(std::string(e.name));
      throw UsageError{fmt::format("unknown target '{}'; the targets are {}", target, fmt::join(names, ", "))};
    }
    chosen.push_back(entry);
  }
  for (const BackendEntry& entry : Backends()) {
    if (std::find(chosen.begin(), chosen.end(), &entry) != chosen.end()) selection.backends.push_back(&entry);
  }
  return selection;
}

}  // namespace stackc
