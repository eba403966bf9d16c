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

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"

namespace stackc {

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
  void AppendVisibleTokens(std::vector<antlr4::CommonToken>& tokens);

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
