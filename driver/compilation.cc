#include "driver/compilation.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "frontend/diag/render.h"
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
  DiagnosticEngine diags;
  std::unique_ptr<ir::Stack> stack = ir::Lower(checked_, {profile, sets}, diags);
  if (stack) ir::Lint(*stack, diags);
  Merge(diags, profile);
  if (!stack) return nullptr;
  const ir::Stack* result = stack.get();
  stacks_[profile] = std::move(stack);
  return result;
}

void Compilation::Emit(const Backend& backend, const std::string& profile, const EmitOptions& options,
                       OutputSink& out) {
  const ir::Stack* stack = stacks_.at(profile).get();
  DiagnosticEngine diags;
  backend.Emit(*stack, options, out, diags);
  Merge(diags, profile);
}

GeneratedFiles Compilation::EmitAll(const std::vector<const BackendEntry*>& backends, const std::string& profile,
                                    const std::vector<std::pair<std::string, std::string>>& sets,
                                    const std::string& source_name, const GeneratedCallback& on_generated) {
  EmitOptions emit;
  emit.source_name = source_name;
  emit.stack_for_profile = [this, &profile, &sets](std::string_view other) -> const ir::Stack* {
    if (other != profile && !HasProfile(other)) return nullptr;
    return StackFor(std::string(other), sets);
  };
  GeneratedFiles generated;
  for (const BackendEntry* entry : backends) {
    std::string target(entry->name);
    MemorySink sink;
    if (on_generated) {
      sink = MemorySink([&](const std::string& path, const MemorySink::File& file) { on_generated(target, path, file); });
    }
    Emit(*entry->create(), profile, emit, sink);
    for (const std::string& path : sink.duplicates()) {
      diags_.Report(DiagKind::CannotWriteOutput, {},
                    fmt::format("the {} target wrote '{}' twice; the first is kept (a bug of stackc)", target, path));
    }
    // Moving the map keeps its nodes, so the files stay where the observer
    // saw them.
    generated[target] = sink.TakeFiles();
  }
  return generated;
}

// The same problem found under several profiles is reported once; one found
// only under a profile other than the one asked for says which.
void Compilation::Merge(const DiagnosticEngine& found, const std::string& profile) {
  // The known diagnostics by kind, range and message: a profile of a large
  // stack brings thousands of warnings, and comparing each with every known
  // one was quadratic.
  using Key = std::tuple<DiagKind, FileId, uint32_t, uint32_t, std::string_view>;
  auto key = [](const Diagnostic& d) { return Key{d.kind, d.range.file, d.range.begin, d.range.end, d.message}; };
  std::set<Key> known;
  for (const Diagnostic& e : diags_.diagnostics()) known.insert(key(e));
  DiagnosticEngine fresh;
  for (const Diagnostic& d : found.diagnostics()) {
    if (known.count(key(d))) continue;
    Diagnostic& copy = fresh.Report(d.kind, d.range, d.message);
    copy.notes = d.notes;
    copy.fixits = d.fixits;
    // Only the stack without a profile or the one asked for is ever
    // primary, so another profile always has a name to give.
    if (profile != primary_profile_) copy.Note({}, fmt::format("found with profile '{}'", profile));
  }
  diags_.Append(fresh);
}

std::string Compilation::RenderDiagnostics(std::string_view format, bool color) const {
  std::vector<Diagnostic> diagnostics = diags_.Sorted();
  if (format == "json") return RenderJson(diagnostics, sources_);
  std::string text = RenderText(diagnostics, sources_, color);
  std::string summary = Summary(diagnostics);
  if (!summary.empty()) text += summary + "\n";
  return text;
}

std::vector<std::string> Compilation::ProfileNames() const {
  std::vector<std::string> names;
  for (const auto& [name, profile] : checked_.profiles) names.push_back(name);
  return names;
}

}  // namespace stackc
