#include "frontend/parse/lexer.h"

#include <array>

#include "StackLexer.h"

namespace stackc {
namespace {

using grammar::StackLexer;

// ANTLR's input stream drops a byte order mark before numbering code points.
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentStart(unsigned char c) { return IsLetter(c) || c == '_'; }
bool IsIdentPart(unsigned char c) { return IsIdentStart(c) || IsDigit(c) || c == '-'; }
bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The length of the well-formed UTF-8 sequence at `pos`, or 0.
size_t Utf8Length(std::string_view text, size_t pos) {
  auto at = [&](size_t i) { return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0; };
  auto tail = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  unsigned char lead = at(0);
  if (lead >= 0xC2 && lead <= 0xDF) return tail(at(1)) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    unsigned char second = at(1);
    if (!tail(second) || !tail(at(2))) return 0;
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second >= 0xA0)) return 0;  // overlong, surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    unsigned char second = at(1);
    if (!tail(second) || !tail(at(2)) || !tail(at(3))) return 0;
    if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second >= 0x90)) return 0;  // overlong, > U+10FFFF
    return 4;
  }
  return 0;
}

struct Keyword {
  std::string_view text;
  size_t type;
};

// The literal rules of StackLexer.g4 that an identifier would also match;
// they come first in the grammar, so they win a tie.
constexpr std::array<Keyword, 11> kKeywords = {{
    {"stack", StackLexer::STACK},
    {"import", StackLexer::IMPORT},
    {"param", StackLexer::PARAM},
    {"app", StackLexer::APP},
    {"database", StackLexer::DATABASE},
    {"task", StackLexer::TASK},
    {"balancer", StackLexer::BALANCER},
    {"profile", StackLexer::PROFILE},
    {"template", StackLexer::TEMPLATE},
    {"true", StackLexer::TRUE},
    {"false", StackLexer::FALSE},
}};

size_t Punctuation(unsigned char c) {
  switch (c) {
    case '{': return StackLexer::LBRACE;
    case '}': return StackLexer::RBRACE;
    case '[': return StackLexer::LBRACK;
    case ']': return StackLexer::RBRACK;
    case '(': return StackLexer::LPAREN;
    case ')': return StackLexer::RPAREN;
    case '=': return StackLexer::EQ;
    case ',': return StackLexer::COMMA;
    case '.': return StackLexer::DOT;
    case ':': return StackLexer::COLON;
    default: return 0;
  }
}

}  // namespace

StackTokenSource::StackTokenSource(std::string_view text) : text_(text) {
  if (text_.starts_with(kByteOrderMark)) pos_ = kByteOrderMark.size();
  code_points_ = CountCodePoints();
}

size_t StackTokenSource::CountCodePoints() const {
  size_t count = 0;
  for (size_t pos = pos_; pos < text_.size(); ++count) {
    if (static_cast<unsigned char>(text_[pos]) < 0x80) {
      ++pos;
    } else {
      size_t length = Utf8Length(text_, pos);
      pos += length == 0 ? 1 : length;
    }
  }
  return count;
}

antlr4::TokenFactory<antlr4::CommonToken>* StackTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

void StackTokenSource::Advance() {
  auto c = static_cast<unsigned char>(text_[pos_]);
  if (c < 0x80) {
    ++pos_;
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
  } else {
    size_t length = Utf8Length(text_, pos_);
    pos_ += length == 0 ? 1 : length;
    ++column_;
  }
  ++index_;
}

std::unique_ptr<antlr4::Token> StackTokenSource::nextToken() { return MakeToken(Scan()); }

StackTokenSource::Scanned StackTokenSource::Scan() {
  const size_t start_pos = pos_;
  const size_t start_index = index_;
  const size_t start_line = line_;
  const size_t start_column = column_;
  const size_t end = text_.size();
  auto byte = [&](size_t i) { return i < end ? static_cast<unsigned char>(text_[i]) : 0; };

  size_t type = StackLexer::UNEXPECTED_CHAR;
  size_t channel = antlr4::Token::DEFAULT_CHANNEL;
  if (pos_ >= end) {
    type = antlr4::Token::EOF;
  } else if (unsigned char c = byte(pos_); IsSpace(c)) {
    // WS : [ \t\r\n]+ -> channel(HIDDEN)
    type = StackLexer::WS;
    channel = antlr4::Token::HIDDEN_CHANNEL;
    while (pos_ < end && IsSpace(byte(pos_))) Advance();
  } else if (IsIdentStart(c)) {
    // IDENT : [a-zA-Z_] [a-zA-Z0-9_-]*, unless it is all of a keyword.
    while (pos_ < end && IsIdentPart(byte(pos_))) AdvanceAscii();
    type = StackLexer::IDENT;
    std::string_view word = text_.substr(start_pos, pos_ - start_pos);
    for (const Keyword& keyword : kKeywords) {
      if (word == keyword.text) {
        type = keyword.type;
        break;
      }
    }
  } else if (IsDigit(c) || (c == '-' && IsDigit(byte(pos_ + 1)))) {
    // The longest of UNIT_NUMBER : DIGIT+ ('.' DIGIT+)? [a-zA-Z]+,
    // DECIMAL : DIGIT+ '.' DIGIT+ and INT : '-'? DIGIT+.
    bool negative = c == '-';
    if (negative) AdvanceAscii();
    while (IsDigit(byte(pos_))) AdvanceAscii();
    type = StackLexer::INT;
    if (!negative) {
      bool fraction = byte(pos_) == '.' && IsDigit(byte(pos_ + 1));
      size_t after = pos_;
      if (fraction) {
        ++after;
        while (IsDigit(byte(after))) ++after;
      }
      if (IsLetter(byte(after))) {
        while (IsLetter(byte(after))) ++after;
        type = StackLexer::UNIT_NUMBER;
      } else if (fraction) {
        type = StackLexer::DECIMAL;
      }
      while (pos_ < after) AdvanceAscii();
    }
  } else if (c == '"') {
    // STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"', else the longest
    // UNTERMINATED_STRING, which stops before a break, the end, or a
    // backslash that escapes neither.
    AdvanceAscii();
    type = StackLexer::UNTERMINATED_STRING;
    while (pos_ < end) {
      unsigned char s = byte(pos_);
      if (s == '"') {
        AdvanceAscii();
        type = StackLexer::STRING;
        break;
      }
      if (s == '\r' || s == '\n') break;
      if (s == '\\') {
        unsigned char next = byte(pos_ + 1);
        if (pos_ + 1 >= end || next == '\r' || next == '\n') break;
        AdvanceAscii();
      }
      Advance();
    }
  } else if (c == '\'') {
    // SINGLE_QUOTED_STRING : '\'' ~['\r\n]* '\'', else UNEXPECTED_CHAR.
    size_t close = pos_ + 1;
    while (close < end && byte(close) != '\'' && byte(close) != '\r' && byte(close) != '\n') ++close;
    if (close < end && byte(close) == '\'') {
      type = StackLexer::SINGLE_QUOTED_STRING;
      while (pos_ <= close) Advance();
    } else {
      AdvanceAscii();
    }
  } else if (c == '#') {
    // COMMENT : '#' ~[\r\n]* -> channel(HIDDEN)
    type = StackLexer::COMMENT;
    channel = antlr4::Token::HIDDEN_CHANNEL;
    while (pos_ < end && byte(pos_) != '\r' && byte(pos_) != '\n') Advance();
  } else if (size_t punctuation = Punctuation(c)) {
    type = punctuation;
    AdvanceAscii();
  } else {
    // UNEXPECTED_CHAR : . (one code point)
    Advance();
  }

  return {type, channel, start_pos, start_index, start_line, start_column};
}

std::unique_ptr<antlr4::Token> StackTokenSource::MakeToken(const Scanned& scanned) {
  auto token = std::make_unique<antlr4::CommonToken>(std::pair<antlr4::TokenSource*, antlr4::CharStream*>(this, nullptr),
                                                     scanned.type, scanned.channel, scanned.start_index, index_ - 1);
  FillToken(*token, scanned);
  return token;
}

void StackTokenSource::FillToken(antlr4::CommonToken& token, const Scanned& scanned) {
  token.setLine(scanned.start_line);
  token.setCharPositionInLine(scanned.start_column);
  // The token has no character stream to read its text from, so it holds it.
  token.setText(scanned.type == antlr4::Token::EOF ? std::string("<EOF>")
                                                   : std::string(text_.substr(scanned.start_pos, pos_ - scanned.start_pos)));
}

void StackTokenSource::AppendVisibleTokens(std::vector<StackToken>& tokens) {
  for (;;) {
    Scanned scanned = Scan();
    if (scanned.type == antlr4::Token::EOF) break;
    if (scanned.channel != antlr4::Token::DEFAULT_CHANNEL) continue;
    tokens.emplace_back(this, scanned.type, scanned.channel, scanned.start_index, index_ - 1, scanned.start_line,
                        scanned.start_column, text_.substr(scanned.start_pos, pos_ - scanned.start_pos));
  }
}

std::vector<std::unique_ptr<antlr4::Token>> StackTokenSource::getAllTokens() {
  std::vector<std::unique_ptr<antlr4::Token>> tokens;
  for (;;) {
    std::unique_ptr<antlr4::Token> token = nextToken();
    if (token->getType() == antlr4::Token::EOF) break;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// Half the size of a CommonToken, and a cache line: the parser's look-ahead reads them many times.
static_assert(sizeof(StackToken) == 64);

// Rare (debugging output), so it is CommonToken's own, on a copy.
std::string StackToken::toString() const { return antlr4::CommonToken(const_cast<StackToken*>(this)).toString(); }

void StackToken::setText(std::string text) {
  owned_text_ = std::make_unique<std::string>(std::move(text));
  text_ = owned_text_->data();
  length_ = Narrow(owned_text_->size());
}

}  // namespace stackc
