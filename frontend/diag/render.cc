#include "frontend/diag/render.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace stackc {
namespace {

// Text is appended to one string, each piece in place: a large stack warns
// thousands of times, and formatting every piece into a string of its own
// was most of the rendering.
struct Style {
  bool color;
  void Begin(std::string& out, std::string_view code) const {
    if (!color || code.empty()) return;
    out += "\x1b[";
    out += code;
    out += 'm';
  }
  void End(std::string& out, std::string_view code) const {
    if (color && !code.empty()) out += "\x1b[0m";
  }
  void Append(std::string& out, std::string_view code, std::string_view text) const {
    Begin(out, code);
    out += text;
    End(out, code);
  }
};

constexpr std::string_view kBold = "1";
constexpr std::string_view kCaret = "1;32";

std::string_view SeverityCode(Severity severity) {
  switch (severity) {
    case Severity::Error: return "1;31";
    case Severity::Warning: return "1;35";
    case Severity::Note: return "1;36";
  }
  return "";
}

void AppendNumber(std::string& out, uint32_t number) { fmt::format_to(std::back_inserter(out), "{}", number); }

// The location in bold.
void AppendLocation(std::string& out, const SourceManager& sources, SourceRange range, const Style& style) {
  style.Begin(out, kBold);
  stackc::AppendLocation(out, sources, range);
  style.End(out, kBold);
}

bool StartsCharacter(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

// One blank per character of the first `bytes` bytes of the line, replaying
// its tabs, so that carets line up under the text they mark.
void AppendPadding(std::string& out, std::string_view line, uint32_t bytes) {
  for (uint32_t i = 0; i < bytes; ++i) {
    if (i >= line.size()) out += ' ';
    else if (line[i] == '\t') out += '\t';
    else if (StartsCharacter(line[i])) out += ' ';
  }
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
  size_t gutter = std::max<size_t>(number.size(), 4) + 1;
  out.append(gutter - number.size(), ' ');
  out += number;
  out += " | ";
  out += line;
  out += '\n';
  uint32_t offset_in_line = range.begin - line_start;
  uint32_t width = offset_in_line < line.size()
                       ? Characters(line.substr(offset_in_line, underline_end - range.begin))
                       : 1;
  out.append(gutter, ' ');
  out += " | ";
  AppendPadding(out, line, offset_in_line);
  style.Begin(out, kCaret);
  out += '^';
  out.append(std::max<uint32_t>(width, 1) - 1, '~');
  style.End(out, kCaret);
  out += '\n';
  for (const FixIt& fix : fixits) {
    if (fix.range.file != range.file || fix.range.begin < line_start || fix.range.begin > line_end) continue;
    // A fix-it that inserts a whole line is shown without its newline.
    std::string_view shown = fix.replacement;
    if (shown.ends_with('\n')) shown.remove_suffix(1);
    if (shown.find('\n') != std::string_view::npos) continue;
    uint32_t column = fix.range.begin - line_start;
    out.append(gutter, ' ');
    out += " | ";
    AppendPadding(out, line, column);
    style.Append(out, kCaret, shown);
    out += '\n';
  }
}

void AppendText(std::string& out, const Diagnostic& d, const SourceManager& sources, bool color) {
  Style style{color};
  AppendLocation(out, sources, d.range, style);
  out += ": ";
  std::string_view code = SeverityCode(d.severity);
  style.Begin(out, code);
  out += SeverityName(d.severity);
  out += '[';
  out += d.code();
  out += "]:";
  style.End(out, code);
  out += ' ';
  style.Append(out, kBold, d.message);
  out += '\n';
  RenderSnippet(out, sources, d.range, d.fixits, style);
  for (const DiagNote& note : d.notes) {
    if (note.range.valid()) {
      AppendLocation(out, sources, note.range, style);
      out += ": ";
    }
    style.Append(out, SeverityCode(Severity::Note), "note:");
    out += ' ';
    out += note.message;
    out += '\n';
    RenderSnippet(out, sources, note.range, {}, style);
  }
}

}  // namespace

void AppendLocation(std::string& out, const SourceManager& sources, SourceRange range) {
  if (!range.valid()) {
    out += "stackc";
    return;
  }
  LineColumn pos = sources.Position(range.file, range.begin);
  out += sources.name(range.file);
  out += ':';
  AppendNumber(out, pos.line);
  out += ':';
  AppendNumber(out, pos.column);
}

std::string RenderText(const Diagnostic& d, const SourceManager& sources, bool color) {
  std::string out;
  AppendText(out, d, sources, color);
  return out;
}

std::string RenderText(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                       bool color) {
  std::string out;
  for (const Diagnostic& d : diagnostics) AppendText(out, d, sources, color);
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
