// Shared by the unit tests: an in-memory FileReader and functions
// that run the pipeline (parse, load + analyze, lower, emit) over source
// strings and keep every intermediate result for assertions.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/backend.h"
#include "backends/compose/compose_backend.h"
#include "frontend/diag/diagnostic.h"
#include "frontend/diag/render.h"
#include "frontend/load/loader.h"
#include "frontend/parse/parser.h"
#include "frontend/sema/sema.h"
#include "ir/lint.h"
#include "ir/lower.h"
#include "ir/stack.h"

namespace stackc::testing {

/// A FileReader over a map of path -> contents.
class MemoryReader : public FileReader {
 public:
  MemoryReader() = default;
  MemoryReader(std::initializer_list<std::pair<const std::string, std::string>> files) : files_(files) {}
  void Add(std::string path, std::string text) { files_[std::move(path)] = std::move(text); }
  std::optional<std::string> Read(const std::string& path) const override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string> files_;
};

/// The codes of `diagnostics`, in order: {"E0203", "W0501"}.
inline std::vector<std::string> Codes(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> codes;
  for (const Diagnostic& d : diagnostics) codes.emplace_back(d.code());
  return codes;
}

/// The bytes of `text` that `range` covers.
inline std::string Slice(std::string_view text, SourceRange range) {
  if (range.end < range.begin || range.end > text.size()) return "<bad range>";
  return std::string(text.substr(range.begin, range.end - range.begin));
}

/// One file parsed on its own, without following imports.
struct Parsed {
  SourceManager sources;
  DiagnosticEngine diags;
  FileId file = kNoFile;
  ast::Module module;

  const std::string& text() const { return sources.text(file); }
  std::string At(SourceRange range) const { return Slice(text(), range); }
  std::vector<Diagnostic> Sorted() const { return diags.Sorted(); }
  std::vector<std::string> Codes() const { return testing::Codes(diags.Sorted()); }
  std::string Rendered() const { return RenderText(diags.Sorted(), sources, false); }
};

inline std::unique_ptr<Parsed> Parse(std::string text, std::string name = "test.stack") {
  auto parsed = std::make_unique<Parsed>();
  parsed->file = parsed->sources.AddFile(std::move(name), std::move(text), true);
  parsed->module = ParseModule(parsed->file, parsed->sources, parsed->diags);
  return parsed;
}

/// A stack file loaded (with its imports) and analyzed. Not movable: the
/// checked stack points into the loaded modules.
struct Checked {
  SourceManager sources;
  DiagnosticEngine diags;
  LoadedModules modules;
  CheckedStack checked;
  bool analyzed = false;  // false when loading failed, as Compilation::Load does

  Checked() = default;
  Checked(const Checked&) = delete;
  Checked& operator=(const Checked&) = delete;

  FileId main_file() const { return modules.modules.empty() ? kNoFile : modules.modules.front().file; }
  const std::string& text() const { return sources.text(main_file()); }
  std::string At(SourceRange range) const { return range.valid() ? Slice(sources.text(range.file), range) : ""; }
  std::vector<Diagnostic> Sorted() const { return diags.Sorted(); }
  std::vector<std::string> Codes() const { return testing::Codes(diags.Sorted()); }
  std::string Rendered() const { return RenderText(diags.Sorted(), sources, false); }
  /// The first diagnostic with `code`, or null.
  const Diagnostic* Find(std::string_view code) const {
    for (const Diagnostic& d : diags.diagnostics()) {
      if (d.code() == code) return &d;
    }
    return nullptr;
  }

  /// Lowers for `profile` with `sets`, then lints, as Compilation::StackFor
  /// does; diagnostics go to `diags`.
  std::unique_ptr<ir::Stack> Lower(std::string profile = "",
                                   std::vector<std::pair<std::string, std::string>> sets = {}, bool lint = true) {
    ir::LowerOptions options{std::move(profile), std::move(sets)};
    std::unique_ptr<ir::Stack> stack = ir::Lower(checked, options, diags);
    if (stack && lint) ir::Lint(*stack, diags);
    return stack;
  }
};

/// Loads `text` as "test.stack" (imports resolve through `reader`, std/ from
/// the embedded stdlib) and analyzes it when it loaded without errors.
inline std::unique_ptr<Checked> Check(std::string text, const MemoryReader& reader = MemoryReader(),
                                      std::string name = "test.stack") {
  auto result = std::make_unique<Checked>();
  result->modules = LoadStackText(name, std::move(text), reader, result->sources, result->diags);
  if (result->modules.modules.empty() || result->diags.HasErrors()) return result;
  result->checked = Analyze(result->modules, result->diags);
  result->analyzed = true;
  return result;
}

/// The output of the compose backend for one stack.
struct Emitted {
  std::unique_ptr<Checked> checked;
  std::unique_ptr<ir::Stack> stack;
  std::map<std::string, std::unique_ptr<ir::Stack>> others;  // other profiles, on demand
  MemorySink sink;
  DiagnosticEngine emit_diags;  // what the backend reported

  bool Has(const std::string& path) const { return sink.files().count(path) > 0; }
  std::string File(const std::string& path) const {
    auto it = sink.files().find(path);
    return it == sink.files().end() ? "<missing " + path + ">" : it->second.contents;
  }
  std::vector<std::string> Paths() const {
    std::vector<std::string> paths;
    for (const auto& [path, file] : sink.files()) paths.push_back(path);
    return paths;
  }
  std::vector<std::string> Codes() const { return testing::Codes(emit_diags.Sorted()); }
};

/// Compiles `text` for `profile` and runs the compose backend. `stack` is null
/// (and nothing is emitted) when the stack has errors.
inline std::unique_ptr<Emitted> EmitCompose(std::string text, std::string profile = "",
                                            std::vector<std::pair<std::string, std::string>> sets = {}) {
  auto result = std::make_unique<Emitted>();
  result->checked = Check(std::move(text));
  if (!result->checked->analyzed || result->checked->diags.HasErrors()) return result;
  result->stack = result->checked->Lower(profile, sets);
  if (!result->stack) return result;
  Emitted* self = result.get();
  EmitOptions options;
  options.source_name = "test.stack";
  options.stack_for_profile = [self, profile, sets](std::string_view wanted) -> const ir::Stack* {
    if (wanted == profile) return self->stack.get();
    if (!self->checked->checked.profiles.count(std::string(wanted))) return nullptr;
    auto& other = self->others[std::string(wanted)];
    if (!other) other = self->checked->Lower(std::string(wanted), sets);
    return other.get();
  };
  compose::Create()->Emit(*result->stack, options, result->sink, result->emit_diags);
  return result;
}

}  // namespace stackc::testing
