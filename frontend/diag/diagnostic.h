// The one diagnostic type of stackc. The CLI renders it as text or JSON and
// the language server turns it into publishDiagnostics; all read the same
// objects, so a message never differs between them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frontend/source/source_manager.h"

namespace stackc {

enum class DiagKind {
#define STACKC_DIAG(code, name, severity, summary) name,
#include "frontend/diag/diagnostic_kinds.def"
#undef STACKC_DIAG
};

enum class Severity { Error, Warning, Note };

struct DiagKindInfo {
  DiagKind kind;
  std::string_view code;  // "E0203"
  std::string_view name;  // "UnknownProperty"
  Severity severity;
  std::string_view summary;
};

const DiagKindInfo& Info(DiagKind kind);
const std::vector<DiagKindInfo>& AllDiagKinds();
std::string_view SeverityName(Severity severity);

struct DiagNote {
  SourceRange range;  // may be invalid: a note about no place in particular
  std::string message;
};

/// Replace `range` with `replacement`; an empty range inserts.
struct FixIt {
  SourceRange range;
  std::string replacement;
};

struct Diagnostic {
  DiagKind kind;
  Severity severity;
  SourceRange range;
  std::string message;
  std::vector<DiagNote> notes;
  std::vector<FixIt> fixits;

  std::string_view code() const { return Info(kind).code; }
  Diagnostic& Note(SourceRange where, std::string text) {
    notes.push_back({where, std::move(text)});
    return *this;
  }
  Diagnostic& Fix(SourceRange where, std::string replacement) {
    fixits.push_back({where, std::move(replacement)});
    return *this;
  }
};

/// Collects diagnostics. Phases report into it and keep going, so that one
/// run shows every problem of a file.
class DiagnosticEngine {
 public:
  /// Adds a diagnostic with the kind's registered severity. The reference
  /// stays valid until the next Report; use it to attach notes and fix-its.
  Diagnostic& Report(DiagKind kind, SourceRange range, std::string message);

  bool HasErrors() const { return error_count_ > 0; }
  size_t error_count() const { return error_count_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  /// Orders by file and position (command-line diagnostics first) and drops
  /// exact repeats, which arise when several profiles are checked.
  std::vector<Diagnostic> Sorted() const;
  void Append(const DiagnosticEngine& other);

 private:
  std::vector<Diagnostic> diagnostics_;
  size_t error_count_ = 0;
};

/// The closest candidate to `name` by edit distance, or "" when none is close
/// enough to be a plausible typo.
std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace stackc
