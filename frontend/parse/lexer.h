// The tokens of grammar/StackLexer.g4, read by hand. ANTLR's generated lexer
// runs an ATN simulation per character behind locks and virtual calls, which
// made it the largest part of parsing (about 0.4 µs a token); this one makes
// a single pass over the bytes. It produces exactly the ANTLR lexer's tokens
// (types, channels, text, start and stop as code point indices, line and
// column), which tests/unit/lexer_test.cc checks token for token, and feeds
// the ANTLR parser through antlr4::TokenSource. The grammar stays the
// definition of the language: a change to StackLexer.g4 must be made here
// too, and the test fails until it is.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"

namespace stackc {

/// A token of the parse path, as AppendVisibleTokens makes them: it answers
/// as the antlr4::CommonToken it replaces would, but its text is a view of
/// the source, which outlives parsing, rather than a copy, and its numbers
/// are 32 bits, so it takes 64 bytes rather than 112 and costs no allocation.
/// Only a token whose text is rewritten (setText) owns its text.
class StackToken final : public antlr4::Token {
 public:
  /// `text` must outlive the token, unless replaced by setText.
  StackToken(antlr4::TokenSource* source, size_t type, size_t channel, size_t start, size_t stop, size_t line,
             size_t column, std::string_view text)
      : source_(source),
        text_(text.data()),
        length_(Narrow(text.size())),
        type_(Narrow(type)),
        channel_(Narrow(channel)),
        start_(Narrow(start)),
        stop_(Narrow(stop)),
        line_(Narrow(line)),
        column_(Narrow(column)) {}

  std::string getText() const override { return std::string(text()); }
  size_t getType() const override { return Widen(type_); }
  size_t getLine() const override { return Widen(line_); }
  size_t getCharPositionInLine() const override { return Widen(column_); }
  size_t getChannel() const override { return Widen(channel_); }
  size_t getTokenIndex() const override { return Widen(index_); }
  size_t getStartIndex() const override { return Widen(start_); }
  size_t getStopIndex() const override { return Widen(stop_); }
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  antlr4::CharStream* getInputStream() const override { return nullptr; }
  std::string toString() const override;

  /// The text without a copy, valid as long as the token.
  std::string_view text() const { return {text_, length_}; }
  void setType(size_t type) { type_ = Narrow(type); }
  void setTokenIndex(size_t index) { index_ = Narrow(index); }
  void setText(std::string text);

 private:
  // ANTLR's "none" (INVALID_INDEX, EOF, and a stop index of -1 for an empty
  // file) is the largest size_t; it is kept as the largest uint32_t. No other
  // number comes near: source files are far smaller than 4 GiB.
  static uint32_t Narrow(size_t n) { return n == INVALID_INDEX ? UINT32_MAX : static_cast<uint32_t>(n); }
  static size_t Widen(uint32_t n) { return n == UINT32_MAX ? INVALID_INDEX : n; }

  antlr4::TokenSource* source_;
  const char* text_;
  // The text setText gave the token; on the heap, so that text_ stays valid
  // when the token moves.
  std::unique_ptr<std::string> owned_text_;
  uint32_t length_;
  uint32_t type_;
  uint32_t channel_;
  uint32_t start_;
  uint32_t stop_;
  uint32_t line_;
  uint32_t column_;
  uint32_t index_ = UINT32_MAX;
};

class StackTokenSource : public antlr4::TokenSource {
 public:
  /// `text` must outlive the token source.
  explicit StackTokenSource(std::string_view text);

  /// The next token; at the end, EOF (again and again).
  std::unique_ptr<antlr4::Token> nextToken() override;
  /// Every token up to EOF, EOF excluded, as antlr4::Lexer::getAllTokens.
  std::vector<std::unique_ptr<antlr4::Token>> getAllTokens();
  /// The same without the tokens of the hidden channel (blanks and
  /// comments), which the parser never sees (about half of a file's tokens
  /// are never made), appended to `tokens` by value: one allocation for all.
  /// Their text is a view of the text the source was given.
  void AppendVisibleTokens(std::vector<StackToken>& tokens);

  /// Code points in the input after a byte order mark, as
  /// antlr4::ANTLRInputStream::size() counts them.
  size_t size() const { return code_points_; }

  size_t getLine() const override { return line_; }
  size_t getCharPositionInLine() override { return column_; }
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return ""; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  // Consumes one code point; a byte that starts no valid UTF-8 sequence
  // counts as one (ANTLR's input stream throws on those instead).
  void Advance();
  void AdvanceAscii() {
    ++pos_;
    ++index_;
    ++column_;
  }
  size_t CountCodePoints() const;

  // Where the token that Scan read starts, and what it is.
  struct Scanned {
    size_t type;
    size_t channel;
    size_t start_pos;
    size_t start_index;
    size_t start_line;
    size_t start_column;
  };
  // Reads one token, EOF at the end.
  Scanned Scan();
  std::unique_ptr<antlr4::Token> MakeToken(const Scanned& scanned);
  void FillToken(antlr4::CommonToken& token, const Scanned& scanned);

  std::string_view text_;
  size_t pos_ = 0;    // byte offset
  size_t index_ = 0;  // code point index, as ANTLR numbers tokens
  size_t line_ = 1;
  size_t column_ = 0;  // code points since the start of the line
  size_t code_points_ = 0;
};

}  // namespace stackc
