// One compilation of a stack file, from text to IR per profile. The CLI
// subcommands share it; the language server will too.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontend/diag/diagnostic.h"
#include "frontend/load/loader.h"
#include "frontend/sema/sema.h"
#include "ir/lower.h"
#include "ir/stack.h"

namespace stackc {

class Compilation {
 public:
  /// Loads and analyzes `path` with its imports. False on errors.
  bool Load(const std::string& path, const FileReader& reader);

  /// The IR for `profile` ("" for none) with `sets` applied, linted; null
  /// on errors. Results are cached per profile.
  const ir::Stack* StackFor(const std::string& profile, const std::vector<std::pair<std::string, std::string>>& sets);

  bool HasProfile(std::string_view profile) const { return checked_.profiles.count(std::string(profile)) > 0; }
  std::vector<std::string> ProfileNames() const;

  SourceManager& sources() { return sources_; }
  DiagnosticEngine& diags() { return diags_; }
  const LoadedModules& modules() const { return modules_; }

 private:
  SourceManager sources_;
  DiagnosticEngine diags_;
  LoadedModules modules_;
  CheckedStack checked_;
  std::map<std::string, std::unique_ptr<ir::Stack>> stacks_;
  std::map<std::string, bool> attempted_;
};

}  // namespace stackc
