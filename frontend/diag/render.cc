#include "frontend/diag/render.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace stackc {
namespace {

struct Style {
  bool color;
  std::string Wrap(std::string_view code, std::string_view text) const {
    if (!color) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
  std::string Bold(std::string_view text) const { return Wrap("1", text); }
  std::string Severity(stackc::Severity severity, std::string_view text) const {
    switch (severity) {
      case stackc::Severity::Error: return Wrap("1;31", text);
      case stackc::Severity::Warning: return Wrap("1;35", text);
      case stackc::Severity::Note: return Wrap("1;36", text);
    }
    return std::string(text);
  }
  std::string Caret(std::string_view text) const { return Wrap("1;32", text); }
};

std::string Location(const SourceManager& sources, SourceRange range) {
  if (!range.valid()) return "stackc";
  LineColumn pos = sources.Position(range.file, range.begin);
  return fmt::format("{}:{}:{}", sources.name(range.file), pos.line, pos.column);
}

bool StartsCharacter(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// One blank per character of the first `bytes` bytes of the line, replaying
// its tabs, so that carets line up under the text they mark.
std::string Padding(std::string_view line, uint32_t bytes) {
  std::string pad;
  for (uint32_t i = 0; i < bytes; ++i) {
    if (i >= line.size()) pad += ' ';
    else if (line[i] == '\t') pad += '\t';
    else if (StartsCharacter(line[i])) pad += ' ';
  }
  return pad;
}

uint32_t Characters(std::string_view text) {
  return static_cast<uint32_t>(std::count_if(text.begin(), text.end(), StartsCharacter));
}

void RenderSnippet(std::string& out, const SourceManager& sources, SourceRange range,
                   const std::vector<FixIt>& fixits, const Style& style) {
  if (!range.valid()) return;
  std::string_view line = sources.LineText(range.file, range.begin);
  LineColumn begin = sources.Position(range.file, range.begin);
  uint32_t line_start = sources.LineStartOf(range.file, range.begin);
  uint32_t line_end = line_start + static_cast<uint32_t>(line.size());
  uint32_t underline_end = std::min(std::max(range.end, range.begin + 1), std::max(line_end, range.begin + 1));
  std::string number = std::to_string(begin.line);
  std::string gutter(std::max<size_t>(number.size(), 4) + 1, ' ');
  out += fmt::format("{}{} | {}\n", gutter.substr(number.size()), number, line);
  uint32_t offset_in_line = range.begin - line_start;
  uint32_t width = offset_in_line < line.size()
                       ? Characters(line.substr(offset_in_line, underline_end - range.begin))
                       : 1;
  std::string marks = "^" + std::string(std::max<uint32_t>(width, 1) - 1, '~');
  out += fmt::format("{} | {}{}\n", gutter, Padding(line, offset_in_line), style.Caret(marks));
  for (const FixIt& fix : fixits) {
    if (fix.range.file != range.file || fix.range.begin < line_start || fix.range.begin > line_end) continue;
    // A fix-it that inserts a whole line is shown without its newline.
    std::string shown = fix.replacement;
    if (shown.ends_with('\n')) shown.pop_back();
    if (shown.find('\n') != std::string::npos) continue;
    uint32_t column = fix.range.begin - line_start;
    out += fmt::format("{} | {}{}\n", gutter, Padding(line, column), style.Caret(shown));
  }
}

}  // namespace

std::string RenderText(const Diagnostic& d, const SourceManager& sources, bool color) {
  Style style{color};
  std::string out;
  std::string severity = fmt::format("{}[{}]", SeverityName(d.severity), d.code());
  out += fmt::format("{}: {} {}\n", style.Bold(Location(sources, d.range)),
                     style.Severity(d.severity, severity + ":"), style.Bold(d.message));
  RenderSnippet(out, sources, d.range, d.fixits, style);
  for (const DiagNote& note : d.notes) {
    std::string where = note.range.valid() ? style.Bold(Location(sources, note.range)) + ": " : "";
    out += fmt::format("{}{} {}\n", where, style.Severity(Severity::Note, "note:"), note.message);
    RenderSnippet(out, sources, note.range, {}, style);
  }
  return out;
}

std::string RenderText(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                       bool color) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += RenderText(d, sources, color);
  return out;
}

static nlohmann::json RangeJson(const SourceManager& sources, SourceRange range) {
  if (!range.valid()) return nullptr;
  LineColumn begin = sources.Position(range.file, range.begin);
  LineColumn end = sources.Position(range.file, range.end);
  return {{"file", sources.name(range.file)},
          {"start", {{"line", begin.line}, {"column", begin.column}, {"offset", range.begin}}},
          {"end", {{"line", end.line}, {"column", end.column}, {"offset", range.end}}}};
}

nlohmann::json ToJson(const Diagnostic& d, const SourceManager& sources) {
  nlohmann::json notes = nlohmann::json::array();
  for (const DiagNote& note : d.notes) {
    notes.push_back({{"message", note.message}, {"range", RangeJson(sources, note.range)}});
  }
  nlohmann::json fixits = nlohmann::json::array();
  for (const FixIt& fix : d.fixits) {
    fixits.push_back({{"replacement", fix.replacement}, {"range", RangeJson(sources, fix.range)}});
  }
  return {{"severity", SeverityName(d.severity)},
          {"code", d.code()},
          {"message", d.message},
          {"range", RangeJson(sources, d.range)},
          {"notes", std::move(notes)},
          {"fixits", std::move(fixits)}};
}

std::string RenderJson(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  nlohmann::json all = nlohmann::json::array();
  for (const Diagnostic& d : diagnostics) all.push_back(ToJson(d, sources));
  return all.dump(2) + "\n";
}

std::string Summary(const std::vector<Diagnostic>& diagnostics) {
  size_t errors = 0, warnings = 0;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::Error) ++errors;
    if (d.severity == Severity::Warning) ++warnings;
  }
  auto count = [](size_t n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
  };
  if (errors && warnings) return count(errors, "error") + " and " + count(warnings, "warning") + " generated.";
  if (errors) return count(errors, "error") + " generated.";
  if (warnings) return count(warnings, "warning") + " generated.";
  return "";
}

}  // namespace stackc
