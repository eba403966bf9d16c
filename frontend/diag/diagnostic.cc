#include "frontend/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace stackc {

const std::vector<DiagKindInfo>& AllDiagKinds() {
  static const std::vector<DiagKindInfo> kinds = {
#define STACKC_DIAG(code, name, severity, summary) \
  {DiagKind::name, #code, #name, Severity::severity, summary},
#include "frontend/diag/diagnostic_kinds.def"
#undef STACKC_DIAG
  };
  return kinds;
}

const DiagKindInfo& Info(DiagKind kind) { return AllDiagKinds()[static_cast<size_t>(kind)]; }

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

Diagnostic& DiagnosticEngine::Report(DiagKind kind, SourceRange range, std::string message) {
  Severity severity = Info(kind).severity;
  if (severity == Severity::Error) ++error_count_;
  diagnostics_.push_back(Diagnostic{kind, severity, range, std::move(message), {}, {}});
  return diagnostics_.back();
}

void DiagnosticEngine::Append(const DiagnosticEngine& other) {
  for (const Diagnostic& d : other.diagnostics_) {
    if (d.severity == Severity::Error) ++error_count_;
    diagnostics_.push_back(d);
  }
}

static auto SortKey(const Diagnostic& d) {
  // Command-line diagnostics (no file) sort first.
  uint64_t file = d.range.valid() ? uint64_t{d.range.file} + 1 : 0;
  // A view of the message: the sort compares keys many times, and copying
  // the message each time was most of its cost.
  return std::make_tuple(file, d.range.begin, d.code(), std::string_view(d.message));
}

static bool SameDiagnostic(const Diagnostic& a, const Diagnostic& b) {
  if (a.kind != b.kind || a.range != b.range || a.message != b.message) return false;
  if (a.notes.size() != b.notes.size()) return false;
  for (size_t i = 0; i < a.notes.size(); ++i) {
    if (a.notes[i].range != b.notes[i].range || a.notes[i].message != b.notes[i].message) return false;
  }
  return true;
}

std::vector<Diagnostic> DiagnosticEngine::Sorted() const {
  std::vector<Diagnostic> sorted = diagnostics_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return SortKey(a) < SortKey(b); });
  // Repeats have the same sort key, so after the sort they lie in one run of
  // equal keys: comparing with the kept diagnostics of that run only keeps
  // this linear in the number of diagnostics (thousands of warnings on a
  // large stack) instead of quadratic.
  std::vector<Diagnostic> unique;
  size_t run_begin = 0;
  for (Diagnostic& d : sorted) {
    if (run_begin < unique.size() && SortKey(unique[run_begin]) != SortKey(d)) run_begin = unique.size();
    bool seen = std::any_of(unique.begin() + static_cast<std::ptrdiff_t>(run_begin), unique.end(),
                            [&](const Diagnostic& u) { return SameDiagnostic(u, d); });
    if (!seen) unique.push_back(std::move(d));
  }
  return unique;
}

// Edit distance counting a swap of two neighbours as one edit, the most
// common typo ("imgae").
static size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string ClosestMatch(std::string_view name, const std::vector<std::string>& candidates) {
  // A third of the name's length, at least one edit: "replics" finds
  // "replicas" but "foo" does not find "port".
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  std::string best;
  for (const std::string& candidate : candidates) {
    size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace stackc
