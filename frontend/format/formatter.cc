#include "frontend/format/formatter.h"

#include <functional>
#include <vector>

#include "StackLexer.h"
#include "StackParser.h"
#include "antlr4-runtime.h"
#include "frontend/parse/lexer.h"
#include "frontend/parse/parser.h"

namespace stackc {
namespace {

using grammar::StackLexer;
using grammar::StackParser;

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr int kIndent = 2;
constexpr int kContinuation = 4;  // a line broken by a comment inside an item

size_t Index(const antlr4::Token* token) { return token->getTokenIndex(); }
size_t Index(antlr4::tree::TerminalNode* node) { return node->getSymbol()->getTokenIndex(); }

int Newlines(const antlr4::Token* token) {
  if (token->getType() != StackLexer::WS) return 0;
  int count = 0;
  for (char c : token->getText()) count += c == '\n';
  return count;
}

// Columns taken by `text`: UTF-8 continuation bytes take none.
size_t Width(const std::string& text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

// A comment without the blanks at its end.
std::string CommentText(const antlr4::Token* comment) {
  std::string text = comment->getText();
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  return text;
}

// One item of a sequence laid out one per line: a declaration, a member, a
// map entry, a profile override or a list item.
struct Item {
  size_t first = 0;  // its first and last tokens
  size_t last = 0;
  /// The width of the text before '=', for items that take part in the
  /// alignment of a run.
  std::optional<size_t> key_width;
  /// Writes the item; the argument is the padding to put before its '='.
  std::function<void(size_t)> emit;
};

class Formatter {
 public:
  explicit Formatter(antlr4::CommonTokenStream& stream) {
    for (size_t i = 0; i < stream.size(); ++i) tokens_.push_back(stream.get(i));
  }

  std::string Run(StackParser::FileContext* file) {
    std::vector<Item> items;
    for (auto* decl : file->decl()) items.push_back(Decl(decl));
    Sequence(kNone, items, Index(file->EOF()), 0, "");
    return AlignTrailingComments();
  }

 private:
  // ---- Output --------------------------------------------------------------

  void Put(std::string_view text) {
    if (line_start_) {
      out_.append(static_cast<size_t>(line_indent_), ' ');
    } else if (space_) {
      out_ += ' ';
    }
    out_ += text;
    line_start_ = false;
    space_ = false;
  }
  void Space() { space_ = true; }
  void Newline(int indent, bool blank = false) {
    line_start_ = true;
    space_ = false;
    line_indent_ = indent;
    if (out_.empty()) return;
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    out_ += '\n';
    if (blank) out_ += '\n';
  }
  void TrailingComment(const antlr4::Token* comment) {
    trailing_.push_back(out_.size());
    out_ += ' ';
    out_ += CommentText(comment);
  }

  // Lines that end with a comment, in a block of consecutive such lines at
  // one indentation, have their comments aligned one column after the
  // longest code among them.
  std::string AlignTrailingComments() const {
    struct Line {
      size_t begin, end, comment;  // comment: offset of the space before it, or kNone
    };
    std::vector<Line> lines;
    size_t next = 0;
    for (size_t begin = 0; begin < out_.size();) {
      size_t end = out_.find('\n', begin);
      if (end == std::string::npos) end = out_.size();
      Line line{begin, end, kNone};
      while (next < trailing_.size() && trailing_[next] < end) line.comment = trailing_[next++];
      lines.push_back(line);
      begin = end + 1;
    }
    auto indent = [&](const Line& line) { return out_.find_first_not_of(' ', line.begin) - line.begin; };
    std::string aligned;
    for (size_t first = 0; first < lines.size();) {
      size_t last = first + 1;
      size_t column = 0;
      if (lines[first].comment != kNone) {
        while (last < lines.size() && lines[last].comment != kNone && indent(lines[last]) == indent(lines[first])) ++last;
        for (size_t k = first; k < last; ++k) {
          column = std::max(column, Width(out_.substr(lines[k].begin, lines[k].comment - lines[k].begin)));
        }
      }
      for (size_t k = first; k < last; ++k) {
        const Line& line = lines[k];
        if (line.comment == kNone) {
          aligned.append(out_, line.begin, line.end - line.begin);
        } else {
          std::string code = out_.substr(line.begin, line.comment - line.begin);
          aligned += code;
          aligned.append(column - Width(code), ' ');
          aligned.append(out_, line.comment, line.end - line.comment);
        }
        if (line.end < out_.size()) aligned += '\n';
      }
      first = last;
    }
    return aligned;
  }

  // ---- Tokens --------------------------------------------------------------

  bool IsComment(size_t i) const { return tokens_[i]->getType() == StackLexer::COMMENT; }
  bool IsHidden(size_t i) const { return tokens_[i]->getChannel() != antlr4::Token::DEFAULT_CHANNEL; }

  // Newlines between token i and the last token before it that is not
  // whitespace.
  int NewlinesBefore(size_t i) const {
    int count = 0;
    for (size_t j = i; j-- > 0 && tokens_[j]->getType() == StackLexer::WS;) count += Newlines(tokens_[j]);
    return count;
  }
  bool CommentBetween(size_t from, size_t to) const {
    for (size_t j = from + 1; j < to; ++j) {
      if (IsComment(j)) return true;
    }
    return false;
  }
  bool NewlineBetween(size_t from, size_t to) const {
    for (size_t j = from + 1; j < to; ++j) {
      if (Newlines(tokens_[j]) > 0) return true;
    }
    return false;
  }
  bool BlankBetween(size_t from, size_t to) const {
    for (size_t j = from + 1; j < to; ++j) {
      if (Newlines(tokens_[j]) >= 2) return true;
    }
    return false;
  }

  // Writes token i. Comments before it that no sequence placed (a comment
  // inside an item, between its tokens) end their line: the item goes on
  // at a continuation indent.
  void Emit(size_t i) {
    for (size_t j = done_; j < i; ++j) {
      if (!IsComment(j)) continue;
      if (!line_start_ && NewlinesBefore(j) == 0) {
        TrailingComment(tokens_[j]);
      } else {
        if (!line_start_) Newline(indent_ + kContinuation);
        Put(CommentText(tokens_[j]));
      }
      Newline(indent_ + kContinuation);
    }
    Put(tokens_[i]->getText());
    done_ = i + 1;
  }
  void Emit(antlr4::tree::TerminalNode* node) { Emit(Index(node)); }
  void Emit(const antlr4::Token* token) { Emit(Index(token)); }
  // Every token of `ctx` with nothing between them (names, paths).
  void Tight(antlr4::ParserRuleContext* ctx) {
    for (size_t i = Index(ctx->getStart()); i <= Index(ctx->getStop()); ++i) {
      if (!IsHidden(i)) Emit(i);
    }
  }
  std::string TightText(antlr4::ParserRuleContext* ctx) const {
    std::string text;
    for (size_t i = Index(ctx->getStart()); i <= Index(ctx->getStop()); ++i) {
      if (!IsHidden(i)) text += tokens_[i]->getText();
    }
    return text;
  }

  // ---- Sequences -----------------------------------------------------------

  // Places the comments from done_ up to token `to` (skipping the commas
  // between items): the first at the end of the current line when it was on
  // the line of the token before it, the others on lines of their own at
  // `indent`. Then starts the line of `to` at `to_indent`. Blank lines are
  // kept, collapsed to one, except right after `opening` and before the end.
  void Gap(size_t to, bool opening, bool closing, int indent, int to_indent) {
    int newlines = 0;
    bool started = !opening;
    for (size_t j = done_; j < to; ++j) {
      if (tokens_[j]->getType() == StackLexer::WS) {
        newlines += Newlines(tokens_[j]);
        continue;
      }
      if (!IsComment(j)) continue;  // a separator comma
      if (newlines == 0 && !line_start_ && !out_.empty()) {
        TrailingComment(tokens_[j]);
      } else {
        Newline(indent, started && newlines >= 2);
        Put(CommentText(tokens_[j]));
      }
      started = true;
      newlines = 0;
    }
    Newline(to_indent, started && !closing && newlines >= 2);
    done_ = to;
  }

  // Items one per line at `indent`, between token `open` (kNone at the start
  // of the file) and token `close`, which goes on a line of its own at the
  // current indent. `separator` follows every item.
  void Sequence(size_t open, const std::vector<Item>& items, size_t close, int indent, std::string_view separator) {
    int outer = indent_;
    // The alignment of each run of items with a key.
    std::vector<size_t> pad(items.size(), 0);
    for (size_t begin = 0; begin < items.size();) {
      size_t end = begin + 1;
      if (items[begin].key_width) {
        while (end < items.size() && items[end].key_width && !BlankBetween(items[end - 1].last, items[end].first)) ++end;
        size_t width = 0;
        for (size_t k = begin; k < end; ++k) width = std::max(width, *items[k].key_width);
        for (size_t k = begin; k < end; ++k) pad[k] = width - *items[k].key_width;
      }
      begin = end;
    }
    done_ = open == kNone ? 0 : open + 1;
    for (size_t k = 0; k < items.size(); ++k) {
      Gap(items[k].first, k == 0, false, indent, indent);
      indent_ = indent;
      items[k].emit(pad[k]);
      if (!separator.empty()) Put(separator);
      indent_ = outer;
    }
    Gap(close, items.empty(), true, indent, outer);
  }

  // ---- Declarations --------------------------------------------------------

  Item Decl(StackParser::DeclContext* decl) {
    Item item{Index(decl->getStart()), Index(decl->getStop()), std::nullopt, nullptr};
    if (auto* s = decl->stackDecl()) {
      item.emit = [this, s](size_t) {
        Emit(s->STACK());
        Space();
        Tight(s->name);
      };
    } else if (auto* im = decl->importDecl()) {
      item.emit = [this, im](size_t) {
        Emit(im->IMPORT());
        Space();
        Emit(im->target);
      };
    } else if (auto* pd = decl->paramDecl()) {
      if (pd->EQ() && !CommentBetween(Index(pd->PARAM()), Index(pd->EQ()))) {
        size_t width = Width("param ") + Width(TightText(pd->name));
        if (pd->typeName) width += Width(": ") + Width(pd->typeName->getText());
        item.key_width = width;
      }
      item.emit = [this, pd](size_t pad) {
        Emit(pd->PARAM());
        Space();
        Tight(pd->name);
        if (pd->COLON()) {
          Emit(pd->COLON());
          Space();
          Emit(pd->typeName);
        }
        if (pd->EQ()) Assignment(pad, pd->EQ(), pd->value());
      };
    } else if (auto* td = decl->templateDecl()) {
      item.emit = [this, td](size_t) {
        Emit(td->TEMPLATE());
        Space();
        Tight(td->name);
        Space();
        Emit(td->COLON());
        Space();
        Tight(td->base);
        Space();
        Body(td->body());
      };
    } else if (auto* cd = decl->componentDecl()) {
      item.emit = [this, cd](size_t) {
        Tight(cd->kind);
        Space();
        Tight(cd->name);
        if (cd->COLON()) {
          Space();
          Emit(cd->COLON());
          Space();
          Tight(cd->base);
        }
        Space();
        Body(cd->body());
      };
    } else if (auto* pf = decl->profileDecl()) {
      item.emit = [this, pf](size_t) {
        Emit(pf->PROFILE());
        Space();
        Tight(pf->name);
        Space();
        std::vector<Item> entries;
        for (auto* entry : pf->profileEntry()) {
          Item e{Index(entry->getStart()), Index(entry->getStop()), std::nullopt, nullptr};
          if (!CommentBetween(e.first, Index(entry->EQ()))) e.key_width = Width(TightText(entry->path()));
          e.emit = [this, entry](size_t pad) {
            Tight(entry->path());
            Assignment(pad, entry->EQ(), entry->value());
          };
          entries.push_back(std::move(e));
        }
        Block(Index(pf->LBRACE()), entries, Index(pf->RBRACE()));
      };
    } else if (auto* sd = decl->settingsDecl()) {
      item.emit = [this, sd](size_t) {
        Emit(sd->name);
        Space();
        Body(sd->body());
      };
    }
    return item;
  }

  // ` = value`, the '=' after `pad` columns of alignment.
  void Assignment(size_t pad, antlr4::tree::TerminalNode* eq, StackParser::ValueContext* value) {
    if (pad > 0 && !line_start_) Put(std::string(pad, ' '));
    Space();
    Emit(eq);
    Space();
    Value(value);
  }

  // `{}` when empty, else the items one per line.
  void Block(size_t open, const std::vector<Item>& items, size_t close) {
    Emit(open);
    if (items.empty() && !CommentBetween(open, close)) {
      Emit(close);
      return;
    }
    Sequence(open, items, close, indent_ + kIndent, "");
    Emit(close);
  }

  void Body(StackParser::BodyContext* body) {
    std::vector<Item> members;
    for (auto* member : body->member()) {
      Item item{Index(member->getStart()), Index(member->getStop()), std::nullopt, nullptr};
      if (member->EQ()) {
        if (!CommentBetween(Index(member->name), Index(member->EQ()))) item.key_width = Width(member->name->getText());
        item.emit = [this, member](size_t pad) {
          Emit(member->name);
          Assignment(pad, member->EQ(), member->value());
        };
      } else {
        item.emit = [this, member](size_t) {
          Emit(member->name);
          Space();
          Body(member->body());
        };
      }
      members.push_back(std::move(item));
    }
    Block(Index(body->LBRACE()), members, Index(body->RBRACE()));
  }

  // ---- Values --------------------------------------------------------------

  void Value(StackParser::ValueContext* value) {
    if (auto* list = dynamic_cast<StackParser::ListValueContext*>(value)) {
      List(list);
    } else if (auto* map = dynamic_cast<StackParser::MapValueContext*>(value)) {
      Map(map);
    } else if (auto* path = dynamic_cast<StackParser::PathValueContext*>(value); path && path->arguments()) {
      StackParser::ArgumentsContext* call = path->arguments();
      Tight(path->path());
      Emit(call->LPAREN());
      auto args = call->value();
      for (size_t k = 0; k < args.size(); ++k) {
        if (k > 0) {
          Emit(call->COMMA(k - 1));
          Space();
        }
        Value(args[k]);
      }
      Emit(call->RPAREN());
    } else {
      Tight(value);  // a scalar or a path
    }
  }

  // On one line when written on one line with no comment inside.
  bool OneLine(size_t open, size_t close, bool empty) const {
    if (CommentBetween(open, close)) return false;
    return empty || !NewlineBetween(open, close);
  }

  void List(StackParser::ListValueContext* list) {
    size_t open = Index(list->LBRACK());
    size_t close = Index(list->RBRACK());
    auto values = list->value();
    if (OneLine(open, close, values.empty())) {
      Emit(open);
      for (size_t k = 0; k < values.size(); ++k) {
        if (k > 0) {
          Put(",");
          Space();
        }
        Value(values[k]);
      }
      Emit(close);
      return;
    }
    std::vector<Item> items;
    for (auto* v : values) {
      items.push_back({Index(v->getStart()), Index(v->getStop()), std::nullopt, [this, v](size_t) { Value(v); }});
    }
    Emit(open);
    Sequence(open, items, close, indent_ + kIndent, ",");
    Emit(close);
  }

  void Map(StackParser::MapValueContext* map) {
    size_t open = Index(map->LBRACE());
    size_t close = Index(map->RBRACE());
    auto entries = map->mapEntry();
    auto entry_emit = [this](StackParser::MapEntryContext* entry) {
      return [this, entry](size_t pad) {
        Emit(entry->key);
        Assignment(pad, entry->EQ(), entry->value());
      };
    };
    if (OneLine(open, close, entries.empty())) {
      Emit(open);
      for (size_t k = 0; k < entries.size(); ++k) {
        if (k > 0) Put(",");
        Space();
        entry_emit(entries[k])(0);
      }
      if (!entries.empty()) Space();
      Emit(close);
      return;
    }
    std::vector<Item> items;
    for (auto* entry : entries) {
      Item item{Index(entry->getStart()), Index(entry->getStop()), std::nullopt, entry_emit(entry)};
      if (!CommentBetween(Index(entry->key), Index(entry->EQ()))) item.key_width = Width(entry->key->getText());
      items.push_back(std::move(item));
    }
    Emit(open);
    Sequence(open, items, close, indent_ + kIndent, "");
    Emit(close);
  }

  std::vector<antlr4::Token*> tokens_;
  std::string out_;
  bool line_start_ = true;
  bool space_ = false;
  int line_indent_ = 0;
  int indent_ = 0;     // of the item being written
  size_t done_ = 0;    // tokens before this one are written or placed
  std::vector<size_t> trailing_;  // offsets in out_ of the comments ending lines
};

bool IsSyntaxError(DiagKind kind) {
  return kind == DiagKind::SyntaxError || kind == DiagKind::UnterminatedString ||
         kind == DiagKind::UnexpectedCharacter;
}

// The tokens that carry meaning, comments included: formatting must keep
// them all, in order, and may only change whitespace and optional commas.
std::vector<std::pair<size_t, std::string>> Significant(antlr4::CommonTokenStream& stream) {
  std::vector<std::pair<size_t, std::string>> tokens;
  for (size_t i = 0; i < stream.size(); ++i) {
    const antlr4::Token* token = stream.get(i);
    if (token->getType() == StackLexer::WS || token->getType() == StackLexer::COMMA) continue;
    tokens.emplace_back(token->getType(),
                        token->getType() == StackLexer::COMMENT ? CommentText(token) : token->getText());
  }
  return tokens;
}

struct Parsed {
  explicit Parsed(const std::string& text) : lexer(text), stream(&lexer), parser(&stream) {
    parser.removeErrorListeners();
    stream.fill();
    for (size_t i = 0; i < stream.size(); ++i) {
      size_t type = stream.get(i)->getType();
      if (type == StackLexer::UNEXPECTED_CHAR || type == StackLexer::UNTERMINATED_STRING ||
          type == StackLexer::SINGLE_QUOTED_STRING) {
        lexical_error = true;
      }
    }
    tree = parser.file();
  }
  bool ok() { return !lexical_error && parser.getNumberOfSyntaxErrors() == 0; }

  StackTokenSource lexer;  // the text outlives it
  antlr4::CommonTokenStream stream;
  StackParser parser;
  StackParser::FileContext* tree = nullptr;
  bool lexical_error = false;
};

}  // namespace

std::optional<std::string> FormatStack(FileId file, const SourceManager& sources, DiagnosticEngine& diags) {
  // The parser's own diagnostics, so that a file that does not parse is
  // explained exactly as `stackc check` would.
  DiagnosticEngine parse_diags;
  ParseModule(file, sources, parse_diags);
  bool syntax_errors = false;
  for (const Diagnostic& d : parse_diags.diagnostics()) {
    if (!IsSyntaxError(d.kind)) continue;
    syntax_errors = true;
    diags.Report(d.kind, d.range, d.message) = d;
  }
  Parsed parsed(sources.text(file));
  if (!parsed.ok() && !syntax_errors) {
    diags.Report(DiagKind::SyntaxError, {file, 0, 0}, "the file does not parse");
    syntax_errors = true;
  }
  if (syntax_errors) return std::nullopt;

  std::string formatted = Formatter(parsed.stream).Run(parsed.tree);

  // A guard against a formatter bug ever costing a user their file.
  Parsed again(formatted);
  if (!again.ok() || Significant(again.stream) != Significant(parsed.stream)) {
    diags.Report(DiagKind::SyntaxError, {file, 0, 0},
                 "internal error: formatting would change the meaning of the file; it is left as it is");
    return std::nullopt;
  }
  return formatted;
}

}  // namespace stackc
