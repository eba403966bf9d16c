// frontend/parse/lexer against the lexer ANTLR generates from
// grammar/StackLexer.g4: the same tokens (type, channel, start, stop, line,
// column, text) for every .stack file of the repository, for hand-picked
// malformed inputs and for random ones built from the pieces the rules
// decide on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "StackLexer.h"
#include "antlr4-runtime.h"
#include "frontend/parse/lexer.h"

namespace stackc {
namespace {

std::string Describe(const antlr4::Token& token) {
  std::ostringstream out;
  out << "type " << token.getType() << " channel " << token.getChannel() << " [" << token.getStartIndex() << ", "
      << token.getStopIndex() << "] at " << token.getLine() << ":" << token.getCharPositionInLine() << " text '"
      << token.getText() << "'";
  return out.str();
}

// Empty when both lexers agree, else what differs first.
std::string Compare(const std::string& text) {
  antlr4::ANTLRInputStream input(text);
  grammar::StackLexer antlr(&input);
  antlr.removeErrorListeners();
  std::vector<std::unique_ptr<antlr4::Token>> expected = antlr.getAllTokens();
  StackTokenSource ours(text);
  std::vector<std::unique_ptr<antlr4::Token>> actual = ours.getAllTokens();
  for (size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
    if (i >= expected.size()) return "extra token " + Describe(*actual[i]);
    if (i >= actual.size()) return "missing token " + Describe(*expected[i]);
    if (Describe(*expected[i]) != Describe(*actual[i])) {
      return "token " + std::to_string(i) + ": expected " + Describe(*expected[i]) + ", got " + Describe(*actual[i]);
    }
  }
  if (input.size() != ours.size()) return "size " + std::to_string(ours.size()) + ", expected " + std::to_string(input.size());
  std::unique_ptr<antlr4::Token> eof = antlr.nextToken();
  std::unique_ptr<antlr4::Token> our_eof = ours.nextToken();
  if (Describe(*eof) != Describe(*our_eof)) return "EOF: expected " + Describe(*eof) + ", got " + Describe(*our_eof);
  return "";
}

TEST(Lexer, SameTokensAsAntlrForEveryStackFile) {
  namespace fs = std::filesystem;
  int files = 0;
  for (auto it = fs::recursive_directory_iterator(STACKC_SOURCE_DIR); it != fs::recursive_directory_iterator(); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && (name.starts_with("build") || name.starts_with("."))) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || it->path().extension() != ".stack") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(Compare(text), "") << it->path();
    ++files;
  }
  EXPECT_GT(files, 50);
}

TEST(Lexer, SameTokensAsAntlrForMalformedInput) {
  const char* cases[] = {
      "",
      "\"unterminated",
      "\"unterminated\nnext",
      "\"unterminated\r\nnext",
      "\"ends in a backslash\\",
      "\"backslash then break\\\n\"",
      "\"escaped quote \\\" and \\\\\" after",
      "\"escaped quote at the end \\\"",
      "'single quoted' 'unterminated\n'",
      "'",
      "''",
      "a = 'x\r'",
      "# comment\r\n# another\rx",
      "#",
      "10Gi 250m 1.5Gi 1.5 1. 1.e5 -5 -5Gi - -x 5- 1e5 10_000 007 1.2.3 -1.5 .5 5abc_def 9999999999999999999999",
      "stack stacks stack- _stack Stack import param app database task balancer profile template true false truex",
      "{}[]()=,.:;$@!%^&*+\\/?<>|~`",
      "x\ty\r\nz\n\n\r",
      "name = \"caf\xc3\xa9\" # \xe2\x82\xac\n\xc3\xa9 = 1 \xf0\x9f\x98\x80",
      "\"\\\xc3\xa9\" '\xc3\xa9' \"a\xe2\x82\xac\"",
      "\xef\xbb\xbfstack \"bom\" {}",
      "\xef\xbb\xbf",
      "a\xef\xbb\xbf b",
      "app web {\n  image = \"x\n  port = 80\n}\n",
  };
  for (const char* text : cases) EXPECT_EQ(Compare(text), "") << text;
  EXPECT_EQ(Compare(std::string("a\0b\0", 4)), "");
}

TEST(Lexer, SameTokensAsAntlrForRandomInput) {
  static const std::vector<std::string> kPieces = {
      "stack", "app", "true", "false", "templates", "x", "Z", "_", "-", "0", "12", ".", "e", "Gi", "\"", "\"",
      "'", "\\", "\\\"", "#", " ", "\t", "\r", "\n", "\r\n", "{", "}", "[", "]", "(", ")", "=", ",", ":", "$",
      "@", ";", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbb\xbf", std::string(1, '\0'), "\x7f"};
  std::mt19937 random(7);
  for (int run = 0; run < 5000; ++run) {
    std::string text;
    int length = std::uniform_int_distribution<int>(0, 30)(random);
    for (int i = 0; i < length; ++i) text += kPieces[std::uniform_int_distribution<size_t>(0, kPieces.size() - 1)(random)];
    ASSERT_EQ(Compare(text), "") << "run " << run << ": " << text;
  }
}

// Every literal token of the grammar lexes as its own type: a keyword or
// punctuation added to StackLexer.g4 and not here fails this.
TEST(Lexer, EveryLiteralOfTheGrammar) {
  antlr4::ANTLRInputStream input("");
  grammar::StackLexer antlr(&input);
  const antlr4::dfa::Vocabulary& vocabulary = antlr.getVocabulary();
  int literals = 0;
  for (size_t type = 1; type <= vocabulary.getMaxTokenType(); ++type) {
    std::string literal = vocabulary.getLiteralName(type);
    if (literal.size() < 2) continue;
    std::string text = literal.substr(1, literal.size() - 2);
    StackTokenSource ours(text);
    std::vector<std::unique_ptr<antlr4::Token>> tokens = ours.getAllTokens();
    ASSERT_EQ(tokens.size(), 1u) << text;
    EXPECT_EQ(tokens[0]->getType(), type) << text;
    ++literals;
  }
  EXPECT_EQ(literals, 21);
}

// ANTLR's input stream throws on bytes that are not UTF-8; this lexer reads
// each such byte as an unexpected character, so the parser can report it.
TEST(Lexer, InvalidUtf8IsUnexpected) {
  StackTokenSource ours("a \xff\x80 \"\xc3\"");
  std::vector<std::unique_ptr<antlr4::Token>> tokens = ours.getAllTokens();
  std::vector<size_t> types;
  for (const auto& token : tokens) types.push_back(token->getType());
  EXPECT_EQ(types, (std::vector<size_t>{grammar::StackLexer::IDENT, grammar::StackLexer::WS,
                                        grammar::StackLexer::UNEXPECTED_CHAR, grammar::StackLexer::UNEXPECTED_CHAR,
                                        grammar::StackLexer::WS, grammar::StackLexer::STRING}));
}

// Every field of a token as the parser may read it but its source.
std::string DescribeAll(const antlr4::Token& token) {
  std::ostringstream out;
  out << Describe(token) << " index " << token.getTokenIndex() << " input " << token.getInputStream() << " "
      << token.toString();
  return out.str();
}

// The parser reads StackTokens where getAllTokens makes CommonTokens; they
// must answer alike.
TEST(Lexer, VisibleTokensAnswerAsCommonTokens) {
  const char* cases[] = {
      "stack shop\napp web { image = \"nginx\" # comment\n  port = 80 cpu = 0.5 memory = 1Gi }\n",
      "name = \"caf\xc3\xa9\" # \xe2\x82\xac\n\xc3\xa9 = 1 \xf0\x9f\x98\x80 'single' \"unterminated\n$",
      "\xef\xbb\xbfstack \"bom\" {}",
      "",
  };
  for (const char* text : cases) {
    StackTokenSource common_source(text);
    std::vector<std::unique_ptr<antlr4::Token>> expected;
    for (auto& token : common_source.getAllTokens()) {
      if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) expected.push_back(std::move(token));
    }
    StackTokenSource source(text);
    std::vector<StackToken> actual;
    source.AppendVisibleTokens(actual);
    ASSERT_EQ(actual.size(), expected.size()) << text;
    for (size_t i = 0; i < actual.size(); ++i) {
      EXPECT_EQ(actual[i].getTokenSource(), &source);
      EXPECT_EQ(expected[i]->getTokenSource(), &common_source);
      auto& common = dynamic_cast<antlr4::CommonToken&>(*expected[i]);
      EXPECT_EQ(DescribeAll(actual[i]), DescribeAll(common)) << text;
      EXPECT_EQ(actual[i].text(), common.getText());
      actual[i].setTokenIndex(i);
      common.setTokenIndex(i);
      EXPECT_EQ(DescribeAll(actual[i]), DescribeAll(common)) << text;
    }
  }
}

TEST(Lexer, StackTokenRewrittenAndEof) {
  const std::string text = "x 'y'";
  StackTokenSource source(text);
  std::vector<StackToken> tokens;
  source.AppendVisibleTokens(tokens);
  ASSERT_EQ(tokens.size(), 2u);
  tokens[1].setType(grammar::StackLexer::STRING);
  tokens[1].setText("\"y\"");
  // The text is owned and survives the token moving.
  std::vector<StackToken> moved = std::move(tokens);
  moved.reserve(moved.capacity() + 16);
  EXPECT_EQ(moved[1].getText(), "\"y\"");
  EXPECT_EQ(moved[1].getType(), grammar::StackLexer::STRING);
  EXPECT_EQ(moved[1].getStartIndex(), 2u);
  EXPECT_EQ(moved[1].getStopIndex(), 4u);

  // An empty file's EOF, stopping at -1, as parser.cc makes it.
  StackToken eof(nullptr, antlr4::Token::EOF, antlr4::Token::DEFAULT_CHANNEL, 0, 0 - size_t{1}, 0, INVALID_INDEX,
                 "<EOF>");
  antlr4::CommonToken common(antlr4::Token::EOF, "<EOF>");
  common.setStartIndex(0);
  common.setStopIndex(0 - size_t{1});
  common.setLine(0);
  EXPECT_EQ(DescribeAll(eof), DescribeAll(common));
  EXPECT_EQ(eof.getTokenSource(), common.getTokenSource());
}

}  // namespace
}  // namespace stackc
