#include "driver/compilation.h"

#include "ir/lint.h"

namespace stackc {

bool Compilation::Load(const std::string& path, const FileReader& reader) {
  modules_ = LoadStack(path, reader, sources_, diags_);
  // Names and types of a file that did not parse or import are guesses;
  // checking them would bury the real errors under their consequences.
  if (modules_.modules.empty() || diags_.HasErrors()) return false;
  checked_ = Analyze(modules_, diags_);
  return !diags_.HasErrors();
}

const ir::Stack* Compilation::StackFor(const std::string& profile,
                                       const std::vector<std::pair<std::string, std::string>>& sets) {
  if (attempted_[profile]) {
    auto it = stacks_.find(profile);
    return it == stacks_.end() ? nullptr : it->second.get();
  }
  attempted_[profile] = true;
  std::unique_ptr<ir::Stack> stack = ir::Lower(checked_, {profile, sets}, diags_);
  if (!stack) return nullptr;
  ir::Lint(*stack, diags_);
  const ir::Stack* result = stack.get();
  stacks_[profile] = std::move(stack);
  return result;
}

std::vector<std::string> Compilation::ProfileNames() const {
  std::vector<std::string> names;
  for (const auto& [name, profile] : checked_.profiles) names.push_back(name);
  return names;
}

}  // namespace stackc
