#include "backends/common/yaml.h"

#include "backends/common/provenance.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>

namespace stackc::yaml {
namespace {

// Plain or double-quoted, decided as yaml-cpp 0.7 decided it for a string
// streamed without a style: the output of the backends must not change. A
// plain scalar may not be empty or null-like, may not start with an
// indicator, may not end in a space, and may not hold ": ", " #", a line
// break, a tab, a byte order mark or a non-printable character anywhere.
// In flow context ",?[]{}" end it too. yaml-cpp's end of input is its
// sentinel byte 0x04, which is non-printable here anyway.
bool IsBlank(unsigned char c) { return c == ' ' || c == '\t'; }

bool IsBreakAt(std::string_view text, size_t i) {
  return text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
}

bool IsBlankOrBreakAt(std::string_view text, size_t i) {
  return i < text.size() && (IsBlank(static_cast<unsigned char>(text[i])) || IsBreakAt(text, i));
}

bool IsNotPrintableAt(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  if (c <= 0x08 || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F) || c == 0x7F) return true;
  if (c == 0xC2 && i + 1 < text.size()) {
    auto next = static_cast<unsigned char>(text[i + 1]);
    return (next >= 0x80 && next <= 0x84) || (next >= 0x86 && next <= 0x9F);
  }
  return false;
}

// Classes of bytes for the rules below, so that each byte is looked up once.
enum ByteClass : uint8_t {
  // Letters, digits and "_-./": never make a difference to the rule below,
  // except '-' first.
  kOrdinary = 1 << 0,
  // ",?[]{}": end a plain scalar in flow context.
  kFlowIndicator = 1 << 1,
  // Bytes the rule below must look at more closely wherever they are: ':',
  // blanks, line breaks and other control characters, DEL, the lead byte of
  // the non-printable U+0080..U+009F and that of the byte order mark.
  kSuspect = 1 << 2,
  // What IsSafePlain accepts anywhere: letters, digits and "_./-@:".
  kSafe = 1 << 3,
  // What IsSafePlain accepts first: letters and "_/.".
  kSafeFirst = 1 << 4,
  // What a double-quoted scalar holds as it is: printable ASCII but '"'
  // and '\\'.
  kUnescaped = 1 << 5,
};

constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool digit = c >= '0' && c <= '9';
    uint8_t bits = 0;
    if (alpha || digit || c == '_' || c == '-' || c == '.' || c == '/') bits |= kOrdinary;
    if (std::string_view(",?[]{}").find(static_cast<char>(c)) != std::string_view::npos) bits |= kFlowIndicator;
    if (c < 0x20 || c == ' ' || c == ':' || c == 0x7F || c == 0xC2 || c == 0xEF) bits |= kSuspect;
    if (alpha || digit || c == '_' || c == '.' || c == '/' || c == '-' || c == '@' || c == ':') bits |= kSafe;
    if (alpha || c == '_' || c == '/' || c == '.') bits |= kSafeFirst;
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') bits |= kUnescaped;
    table[c] = bits;
  }
  return table;
}();

uint8_t ClassOf(char c) { return kByteClass[static_cast<unsigned char>(c)]; }

// The rule for text that is not all ordinary bytes. Kept out of line, so
// that the quick check below, which settles most scalars, stays small.
[[gnu::noinline]] bool IsPlainByRule(std::string_view text, bool flow) {
  // The first character.
  auto first = static_cast<unsigned char>(text[0]);
  if (IsBlankOrBreakAt(text, 0)) return false;
  std::string_view indicators = flow ? "?,[]{}#&*!|>'\"%@`" : ",[]{}#&*!|>'\"%@`";
  if (indicators.find(static_cast<char>(first)) != std::string_view::npos) return false;
  if (first == '-' || first == ':' || (!flow && first == '?')) {
    bool followed = text.size() == 1 || (flow ? IsBlank(static_cast<unsigned char>(text[1]))
                                              : IsBlankOrBreakAt(text, 1));
    if (followed) return false;
  }
  if (text.back() == ' ') return false;
  // Bytes of neither class cannot end a plain scalar: skip them.
  uint8_t closer_look = flow ? kSuspect | kFlowIndicator : kSuspect;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!(kByteClass[c] & closer_look)) continue;
    if (c == ':') {
      if (i + 1 == text.size() || IsBlankOrBreakAt(text, i + 1)) return false;
      if (flow && std::string_view(",]}").find(text[i + 1]) != std::string_view::npos) return false;
    }
    if (flow && (kByteClass[c] & kFlowIndicator)) return false;
    if (IsBlankOrBreakAt(text, i) && i + 1 < text.size() && text[i + 1] == '#') return false;
    if (IsNotPrintableAt(text, i) || IsBreakAt(text, i) || c == '\t') return false;
    if (c == 0xEF && text.substr(i, 3) == "\xEF\xBB\xBF") return false;
  }
  return true;
}

bool IsPlainForEmitter(std::string_view text, bool flow) {
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return false;
  // Names, keys and most values: plain whatever the context.
  if (text[0] != '-' && std::all_of(text.begin(), text.end(), [](char c) { return ClassOf(c) & kOrdinary; })) {
    return true;
  }
  return IsPlainByRule(text, flow);
}

// UTF-8 decoding as yaml-cpp did it for double-quoted strings: a malformed
// sequence or a code point that is not a character becomes U+FFFD.
constexpr int kReplacement = 0xFFFD;

int NextCodePoint(std::string_view text, size_t& i) {
  auto lead = static_cast<unsigned char>(text[i]);
  int bytes = lead < 0x80 ? 1 : (lead >> 4) == 12 || (lead >> 4) == 13 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 4) == 15 ? 4 : -1;
  if (bytes < 1) {
    ++i;
    return kReplacement;
  }
  if (bytes == 1) {
    ++i;
    return lead;
  }
  int code = lead & ~(0xFF << (7 - bytes));
  ++i;
  for (--bytes; bytes > 0; ++i, --bytes) {
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      code = kReplacement;
      break;
    }
    code = (code << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) || (code & 0xFFFE) == 0xFFFE ||
      (code >= 0xFDD0 && code <= 0xFDEF)) {
    code = kReplacement;
  }
  return code;
}

void AppendCodePoint(std::string& out, int code) {
  if (code <= 0x7F) {
    out += static_cast<char>(code);
  } else if (code <= 0x7FF) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code <= 0xFFFF) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

void AppendEscape(std::string& out, int code) {
  static constexpr char kHex[] = "0123456789abcdef";
  int digits = code < 0xFF ? 2 : code < 0xFFFF ? 4 : 8;
  out += '\\';
  out += digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
  for (; digits > 0; --digits) out += kHex[(code >> (4 * (digits - 1))) & 0xF];
}

void AppendDoubleQuoted(std::string& out, std::string_view text) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    // Runs of printable ASCII are copied as they are.
    size_t run = i;
    while (run < text.size() && (ClassOf(text[run]) & kUnescaped)) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    int code = NextCodePoint(text, i);
    switch (code) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        // Control characters, the non-breaking space and the byte order
        // mark are escaped; other characters are written as UTF-8.
        if (code < 0x20 || (code >= 0x80 && code <= 0xA0) || code == 0xFEFF) {
          AppendEscape(out, code);
        } else {
          AppendCodePoint(out, code);
        }
    }
  }
  out += '"';
}

// `text` equals the lower-case `word` in any case, without building a
// lowered copy: most scalars of a large file are short enough to be checked.
bool EqualsIgnoringCase(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

}  // namespace

void Emitter::Apply(Manip manip) {
  switch (manip) {
    case BeginDoc: Document(); break;
    case BeginMap: BeginGroup(false); break;
    case EndMap: EndGroup(false); break;
    case BeginSeq: BeginGroup(true); break;
    case EndSeq: EndGroup(true); break;
    case Key:
    case Value: break;
    case Flow: next_flow_ = true; break;
    case DoubleQuoted: next_quoted_ = true; break;
  }
}

bool Emitter::FlowInEffect() const { return next_flow_ || flow_groups_ > 0; }

bool Emitter::QuotedInEffect() const { return next_quoted_ || quoted_groups_ > 0; }

void Emitter::Document() {
  assert(groups_.empty());
  if (Column() > 0) Newline();
  out_ += "---";
  Newline();
}

void Emitter::StartedNode() {
  if (groups_.empty()) {
    ++documents_;
    return;
  }
  Group& g = groups_.back();
  ++g.children;
  if (g.children % 2 == 0) g.long_key = false;
}

void Emitter::Scalar(std::string_view text, bool safe_plain) {
  bool in_flow = !groups_.empty() && groups_.back().flow;
  // What IsSafePlain accepts is plain for the rule above too.
  bool plain = !QuotedInEffect() && (safe_plain || IsPlainForEmitter(text, in_flow));
  // A key longer than 1024 bytes cannot be a simple key.
  if (text.size() > 1024) next_long_key_ = true;
  Prepare(Node::Scalar);
  if (plain) {
    out_.append(text);
  } else {
    AppendDoubleQuoted(out_, text);
  }
  StartedNode();
  next_flow_ = next_quoted_ = next_long_key_ = false;
}

void Emitter::Integer(int64_t number) {
  Prepare(Node::Scalar);
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  out_.append(digits, end);
  StartedNode();
  next_flow_ = next_quoted_ = next_long_key_ = false;
}

void Emitter::BeginGroup(bool seq) {
  bool flow = (!groups_.empty() && groups_.back().flow) || FlowInEffect();
  Prepare(seq ? (flow ? Node::FlowSeq : Node::BlockSeq) : (flow ? Node::FlowMap : Node::BlockMap));
  StartedNode();
  if (!groups_.empty()) indent_ += kIndent;
  Group group;
  group.seq = seq;
  group.flow = flow;
  group.set_flow = next_flow_;
  group.set_quoted = next_quoted_;
  flow_groups_ += group.set_flow ? 1 : 0;
  quoted_groups_ += group.set_quoted ? 1 : 0;
  groups_.push_back(group);
  next_flow_ = next_quoted_ = next_long_key_ = false;
}

void Emitter::EndGroup(bool seq) {
  assert(!groups_.empty() && groups_.back().seq == seq);
  Group& g = groups_.back();
  bool was_flow = g.flow;
  // An empty collection can only be written in flow style.
  if (g.children == 0) g.flow = true;
  if (g.flow) {
    IndentTo(indent_);
    if (!was_flow || g.children == 0) out_ += seq ? '[' : '{';
    out_ += seq ? ']' : '}';
  }
  flow_groups_ -= g.set_flow ? 1 : 0;
  quoted_groups_ -= g.set_quoted ? 1 : 0;
  groups_.pop_back();
  if (!groups_.empty()) indent_ -= kIndent;
  next_flow_ = next_quoted_ = next_long_key_ = false;
}

// Puts the output where the next node goes: "- " in a sequence, ": " after
// a key, "," between flow items, line breaks and indentation.
void Emitter::Prepare(Node child) {
  if (groups_.empty()) {
    if (documents_ > 0 && Column() > 0) Document();
    return;
  }
  Group& g = groups_.back();
  if (g.seq && g.flow) {
    IndentTo(LastIndent());
    out_ += g.children == 0 ? '[' : ',';
    SpaceOrIndentTo(g.children > 0, LastIndent());
  } else if (g.seq) {
    if (g.children > 0) Newline();
    IndentTo(indent_);
    out_ += '-';
    if (child == Node::BlockSeq) {
      Newline();
    } else if (child != Node::BlockMap) {
      SpaceOrIndentTo(false, indent_ + kIndent);
    }
  } else if (g.flow) {
    PrepareFlowMap(child);
  } else {
    PrepareBlockMap(child);
  }
}

void Emitter::PrepareFlowMap(Node) {
  Group& g = groups_.back();
  if (g.children % 2 == 0) {
    if (next_long_key_) g.long_key = true;
    IndentTo(LastIndent());
    if (g.long_key) {
      out_ += g.children == 0 ? "{ ?" : ", ?";
    } else {
      out_ += g.children == 0 ? '{' : ',';
    }
  } else {
    IndentTo(LastIndent());
    out_ += ':';
  }
  SpaceOrIndentTo(g.children > 0, LastIndent());
}

void Emitter::PrepareBlockMap(Node child) {
  Group& g = groups_.back();
  bool block_child = child == Node::BlockSeq || child == Node::BlockMap;
  if (g.children % 2 == 0) {
    if (next_long_key_ || block_child) g.long_key = true;
    if (g.long_key) {
      if (g.children > 0) Newline();
      IndentTo(indent_);
      out_ += '?';
      if (!block_child) SpaceOrIndentTo(true, indent_ + 1);
    } else {
      if (g.children > 0) Newline();
      SpaceOrIndentTo(false, indent_);
    }
  } else if (g.long_key) {
    Newline();
    IndentTo(indent_);
    out_ += ':';
    SpaceOrIndentTo(true, indent_ + 1);
  } else {
    out_ += ':';
    if (block_child) {
      Newline();
    } else {
      SpaceOrIndentTo(true, indent_ + kIndent);
    }
  }
}

bool IsSafePlain(std::string_view text) {
  if (text.empty()) return false;
  auto is_digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  unsigned char first = static_cast<unsigned char>(text.front());
  if (!(kByteClass[first] & kSafeFirst)) return false;
  for (char c : text) {
    if (!(ClassOf(c) & kSafe)) return false;
  }
  if (text.back() == ':') return false;
  // ".5" and ".5e3" read back as numbers, ".inf" and ".nan" as floats.
  if (first == '.') {
    if (text.size() > 1 && is_digit(static_cast<unsigned char>(text[1]))) return false;
    return !EqualsIgnoringCase(text, ".inf") && !EqualsIgnoringCase(text, ".nan");
  }
  // Words YAML 1.1 reads as booleans or nulls, in any case.
  if (text.size() > 5) return true;
  static constexpr std::array<std::string_view, 12> kKeywords = {
      "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "none"};
  for (std::string_view keyword : kKeywords) {
    if (EqualsIgnoringCase(text, keyword)) return false;
  }
  return true;
}

void String(Emitter& out, std::string_view text) {
  if (IsSafePlain(text)) {
    out.Scalar(text, true);
  } else {
    out << DoubleQuoted << text;
  }
}

std::string Comment(std::string_view text) { return LineComments(text, "#"); }

}  // namespace stackc::yaml
