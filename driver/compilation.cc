#include "driver/compilation.h"

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <thread>
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
  for (const auto& [name, declaration] : checked_.profiles) profile_names_.insert(name);
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
  std::unique_ptr<ir::Stack> stack = LowerAndLint(profile, sets, diags);
  Merge(diags, profile);
  if (!stack) return nullptr;
  const ir::Stack* result = stack.get();
  stacks_[profile] = std::move(stack);
  return result;
}

std::unique_ptr<ir::Stack> Compilation::LowerAndLint(const std::string& profile,
                                                     const std::vector<std::pair<std::string, std::string>>& sets,
                                                     DiagnosticEngine& diags) const {
  if (syntax_freed_) {
    diags.Report(DiagKind::UnknownProfile, {},
                 fmt::format("profile '{}' was asked for after the syntax trees were freed; its backend must list "
                             "it in ProfilesUsed (a bug of stackc)",
                             profile));
    return nullptr;
  }
  std::unique_ptr<ir::Stack> stack = ir::Lower(checked_, {profile, sets}, diags);
  if (stack) ir::Lint(*stack, diags);
  return stack;
}

void Compilation::FreeSyntax() {
  modules_.modules.clear();
  modules_.modules.shrink_to_fit();
  checked_ = CheckedStack();
  syntax_freed_ = true;
}

void Compilation::Emit(const Backend& backend, std::string_view target, const std::string& profile,
                       const EmitOptions& options, MemorySink& out) {
  DiagnosticEngine diags;
  RunBackend(backend, target, *stacks_.at(profile), options, out, diags);
  Merge(diags, profile);
}

void Compilation::RunBackend(const Backend& backend, std::string_view target, const ir::Stack& stack,
                             const EmitOptions& options, MemorySink& out, DiagnosticEngine& diags) {
  backend.Emit(stack, options, out, diags);
  for (const std::string& path : out.duplicates()) {
    diags.Report(DiagKind::CannotWriteOutput, {},
                 fmt::format("the {} target wrote '{}' twice; the first is kept (a bug of stackc)", target, path));
  }
}

GeneratedFiles Compilation::EmitAll(const std::vector<const BackendEntry*>& backends, const std::string& profile,
                                    const std::vector<std::pair<std::string, std::string>>& sets,
                                    const std::string& source_name, const EmitAllOptions& options) {
  const ir::Stack& stack = *stacks_.at(profile);
  size_t count = backends.size();
  std::vector<std::unique_ptr<Backend>> created;
  std::vector<std::string> others;  // profiles the backends list besides `profile`
  std::vector<bool> needs_others(count);
  for (size_t i = 0; i < count; ++i) {
    created.push_back(backends[i]->create());
    for (const std::string& other : created.back()->ProfilesUsed(stack)) {
      if (other == profile || !HasProfile(other)) continue;
      needs_others[i] = true;
      if (std::find(others.begin(), others.end(), other) == others.end()) others.push_back(other);
    }
  }

  // Every profile a backend lists is lowered before the syntax trees are
  // freed; asking for a profile later lowers it only while they are there.
  // Both happen under `lowering`, since backends may run on two threads.
  std::mutex lowering;
  auto lower_others = [&] {
    std::lock_guard lock(lowering);
    for (const std::string& other : others) StackFor(other, sets);
    if (options.free_syntax) FreeSyntax();
  };
  EmitOptions emit;
  emit.source_name = source_name;
  emit.stack_for_profile = [this, &profile, &sets, &lowering](std::string_view other) -> const ir::Stack* {
    if (other != profile && !HasProfile(other)) return nullptr;
    std::lock_guard lock(lowering);
    return StackFor(std::string(other), sets);
  };

  // A large stack uses both cores: a second thread lowers the other
  // profiles while the first generates the targets that need none, then
  // both take the next backend not yet started (those that need the other
  // profiles last, waiting until they are lowered). The backends only read
  // the IR and each writes its own sink and diagnostics, which are merged
  // and returned in the backends' order whatever the threads did. A small
  // stack does not pay for starting a thread: it lowers everything, frees
  // the syntax trees, then generates.
  bool two_threads = count > 1 && stack.components().size() >= options.components_for_two_threads;
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(), [&](size_t i) { return !needs_others[i]; });
  std::promise<void> lowered;
  std::shared_future<void> others_ready = lowered.get_future().share();
  std::vector<MemorySink> sinks(count);
  std::vector<DiagnosticEngine> found(count);
  std::atomic<size_t> next{0};
  auto generate = [&] {
    for (size_t taken; (taken = next.fetch_add(1)) < count;) {
      size_t i = order[taken];
      if (needs_others[i]) others_ready.wait();
      std::string_view target = backends[i]->name;
      if (options.on_generated) {
        sinks[i] = MemorySink([&options, target](const std::string& path, const MemorySink::File& file) {
          options.on_generated(std::string(target), path, file);
        });
      }
      RunBackend(*created[i], target, stack, emit, sinks[i], found[i]);
    }
  };
  if (two_threads) {
    std::thread helper([&] {
      lower_others();
      lowered.set_value();
      generate();
    });
    generate();
    helper.join();
  } else {
    lower_others();
    lowered.set_value();
    generate();
  }

  GeneratedFiles generated;
  for (size_t i = 0; i < count; ++i) {
    Merge(found[i], profile);
    // Moving the map keeps its nodes, so the files stay where the observer
    // saw them.
    generated[std::string(backends[i]->name)] = sinks[i].TakeFiles();
  }
  return generated;
}

void Compilation::CheckProfiles(const std::string& profile,
                                const std::vector<std::pair<std::string, std::string>>& sets,
                                const std::string& source_name) {
  std::vector<const BackendEntry*> backends;
  for (const BackendEntry& entry : Backends()) backends.push_back(&entry);
  std::vector<std::string> profiles{profile};
  if (profile.empty()) {
    for (const std::string& name : ProfileNames()) profiles.push_back(name);
  }
  for (const std::string& name : profiles) {
    if (StackFor(name, sets)) EmitAll(backends, name, sets, source_name);
  }
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
  return {profile_names_.begin(), profile_names_.end()};
}

}  // namespace stackc
