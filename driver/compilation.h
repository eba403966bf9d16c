// One compilation of a stack file, from text to IR per profile. The CLI
// subcommands share it; the language server will too.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backends/backend.h"
#include "frontend/diag/diagnostic.h"
#include "frontend/load/loader.h"
#include "frontend/sema/sema.h"
#include "ir/lower.h"
#include "ir/stack.h"

namespace stackc {

/// What Compilation::EmitAll does besides generating.
struct EmitAllOptions {
  /// Sees each file as soon as its backend writes it; the file stays where
  /// it is, unchanged, in the result.
  std::function<void(const std::string& target, const std::string& path, const MemorySink::File& file)>
      on_generated;
  /// Frees the syntax trees and the checked stack once every profile the
  /// backends need is lowered: no backend reads them, and at 5000
  /// components they are a fifth of the memory. Later calls can only use
  /// the profiles lowered by then.
  bool free_syntax = false;
  /// A stack of this many components or more uses two threads (see
  /// EmitAll), and `on_generated` must then be safe to call from both.
  /// Measured on two cores: slower up to 600 components, 4% faster at 1000
  /// and 13% at 5000.
  size_t components_for_two_threads = 1000;
};

class Compilation {
 public:
  /// Loads and analyzes `path` with its imports. False on errors.
  bool Load(const std::string& path, const FileReader& reader);

  /// The IR for `profile` ("" for none) with `sets` applied, linted; null
  /// on errors. Results are cached per profile.
  const ir::Stack* StackFor(const std::string& profile, const std::vector<std::pair<std::string, std::string>>& sets);

  /// Runs `backend`, the one of `target`, on the IR of `profile`, which
  /// StackFor must have built. A path it writes twice is an error.
  void Emit(const Backend& backend, std::string_view target, const std::string& profile, const EmitOptions& options,
            MemorySink& out);

  /// Runs each backend on the IR of `profile` (StackFor must have built
  /// it), lowering first the other profiles the backends ask for (their
  /// ProfilesUsed) with `sets`. `source_name` is the stack file's name for
  /// the "generated from" headers.
  GeneratedFiles EmitAll(const std::vector<const BackendEntry*>& backends, const std::string& profile,
                         const std::vector<std::pair<std::string, std::string>>& sets,
                         const std::string& source_name, const EmitAllOptions& options = {});

  /// What `stackc check` does after Load: lowers the stack under `profile`
  /// or, when it is empty, without a profile and under each of its
  /// profiles, and runs every backend on each into sinks that are thrown
  /// away, since what the targets cannot express is part of the check.
  void CheckProfiles(const std::string& profile, const std::vector<std::pair<std::string, std::string>>& sets,
                     const std::string& source_name);

  /// The profile the user asked for; diagnostics found under any other
  /// profile get a note naming it.
  void set_primary_profile(std::string profile) { primary_profile_ = std::move(profile); }

  bool HasProfile(std::string_view profile) const { return profile_names_.count(profile) > 0; }
  std::vector<std::string> ProfileNames() const;

  /// Every diagnostic so far, sorted, as "json" or clang-style text with a
  /// closing count; `color` only matters for text.
  std::string RenderDiagnostics(std::string_view format, bool color) const;

  SourceManager& sources() { return sources_; }
  const SourceManager& sources() const { return sources_; }
  DiagnosticEngine& diags() { return diags_; }
  const DiagnosticEngine& diags() const { return diags_; }
  const LoadedModules& modules() const { return modules_; }

 private:
  /// Emit without merging the diagnostics: safe to run beside another.
  static void RunBackend(const Backend& backend, std::string_view target, const ir::Stack& stack,
                         const EmitOptions& options, MemorySink& out, DiagnosticEngine& diags);

  SourceManager sources_;
  DiagnosticEngine diags_;
  LoadedModules modules_;
  CheckedStack checked_;
  std::map<std::string, std::unique_ptr<ir::Stack>> stacks_;
  std::map<std::string, bool> attempted_;
  std::set<std::string, std::less<>> profile_names_;
  bool syntax_freed_ = false;
  std::string primary_profile_;

  void Merge(const DiagnosticEngine& found, const std::string& profile);
  std::unique_ptr<ir::Stack> LowerAndLint(const std::string& profile,
                                          const std::vector<std::pair<std::string, std::string>>& sets,
                                          DiagnosticEngine& diags) const;
  void FreeSyntax();
};

}  // namespace stackc
